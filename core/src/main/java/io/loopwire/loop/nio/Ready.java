package io.loopwire.loop.nio;

/** What a selection key is attached to: told which operations are ready. Loop thread only. */
interface Ready {

  void onReady(int readyOps);

  /** The loop is shutting down: release the channel and tell whoever is waiting. */
  void onShutdown();
}
