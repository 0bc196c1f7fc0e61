package io.loopwire.loop.driven;

/**
 * What a {@link DrivenLoop} registers with the selector (as the key's attachment) and releases at shutdown:
 * a listener, a connection, or a connect in progress. Driver thread only.
 */
interface Handle {

  /** The loop this handle belongs to (an embedded loop shares its selector with the application). */
  DrivenLoop loop();

  /** The selector reported these operations ready. */
  void ready(int readyOps);

  /** The loop is shutting down: close and tell the owner, as an explicit close would. */
  void release();
}
