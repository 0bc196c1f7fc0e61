package io.loopwire.loop;

/** A pending {@link Loop#connect connect}: a request that can be cancelled until it completes. */
public interface ConnectRequest {

  /**
   * Abandons the connect. If this wins, the handler gets
   * {@link TransportHandler#onConnectFailed onConnectFailed} with a
   * {@link java.util.concurrent.CancellationException} (on the loop thread, never from inside this call) and
   * never {@code onOpen}; the half-open socket is closed.
   *
   * <p>Thread: any. Calls: zero or more; idempotent.
   *
   * @return {@code true} if this call cancelled the connect; {@code false} if it had already completed
   *     (opened or failed) or was already cancelled
   */
  boolean cancel();
}
