package io.loopwire.loop;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A listening socket: a handle returned by {@link Loop#listen}. */
public interface Listener {

  /** The address actually bound, with the real port when port 0 was asked for. Thread: any. */
  InetSocketAddress localAddress();

  /**
   * Stops accepting and closes the listening socket. Connections already accepted are not affected.
   *
   * <p>Thread: any. Calls: idempotent; every call returns the same future, which completes once the
   * socket is closed (also when the loop shuts down).
   */
  CompletableFuture<Void> close();
}
