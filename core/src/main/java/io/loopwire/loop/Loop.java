package io.loopwire.loop;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A group of one or more {@link LoopThread}s that runs listeners, transports and timers. A transport
 * lives on one loop thread for its whole life. Created by {@link Loops#create} (or by an application that
 * lends its own loop); the engine uses it without knowing which kind it is.
 *
 * <p>Every method may be called from any thread. After {@link #shutdown()} has begun, {@code listen}
 * returns a failed future and {@code connect} and {@code adopt} report failure through the handler (see
 * each method).
 */
public interface Loop {

  /**
   * A loop thread for a new connection, chosen round-robin.
   *
   * <p>Thread: any.
   */
  LoopThread next();

  /**
   * Binds a listening socket and accepts connections on it. Each accepted connection is placed on a
   * loop thread (round-robin) and announced there through {@code handler}.
   *
   * <p>Thread: any. Calls: the future completes exactly once, with the {@link Listener} or with the
   * bind failure (for example {@link java.net.BindException}); it may complete on any thread.
   * Ownership: {@code handler} is borrowed for the listener's life.
   *
   * @param address where to listen; port 0 picks a free port (see {@link Listener#localAddress()})
   */
  CompletableFuture<Listener> listen(InetSocketAddress address, ListenOptions options, AcceptHandler handler);

  /**
   * Opens a TCP connection to {@code remote} on {@code thread}. {@code TCP_NODELAY} is set.
   *
   * <p>Thread: any. Calls: {@code handler} hears, on {@code thread}, exactly one of
   * {@link TransportHandler#onOpen} (then the usual transport callbacks, ending with
   * {@link TransportHandler#onClosed}) or {@link TransportHandler#onConnectFailed} (and nothing else).
   * Neither is called from inside this method. Ownership: {@code handler} is borrowed.
   *
   * <p>Failure causes: {@link java.net.ConnectException} (refused, unreachable; the message names the
   * address and the cause is the original exception), {@link java.net.SocketTimeoutException} (no
   * answer within {@code timeout}), {@link java.util.concurrent.CancellationException} (cancelled, or the
   * loop shut down first), {@link java.util.concurrent.RejectedExecutionException} (the loop had already
   * shut down; then reported on the calling thread because the loop thread is gone).
   *
   * @param remote an already resolved address: the engine resolves names off the loop
   * @param thread the loop thread the transport will live on, usually {@link #next()}
   * @param timeout how long to wait for the TCP handshake; must be positive
   * @return the pending request, which can be cancelled
   * @throws IllegalArgumentException if {@code remote} is unresolved, {@code timeout} is not positive or
   *     {@code thread} does not belong to this loop (nothing is started then)
   */
  ConnectRequest connect(InetSocketAddress remote, LoopThread thread, TransportHandler handler, Duration timeout);

  /**
   * Takes over a connected {@code channel} (libwebsockets' {@code lws_adopt_descriptor}) and runs it as a
   * transport on {@code thread}. The channel is switched to non-blocking mode and {@code TCP_NODELAY} is
   * set.
   *
   * <p>Thread: any. Calls: {@code handler} hears, on {@code thread}, exactly one of
   * {@link TransportHandler#onOpen} or {@link TransportHandler#onConnectFailed} (if the channel is closed,
   * not connected, already registered with a selector, or the loop is shutting down), never from inside
   * this method, except that when the loop has already shut down {@code onConnectFailed} runs on the
   * calling thread with a {@link java.util.concurrent.RejectedExecutionException}.
   * Ownership: {@code channel} is transferred at entry, whether the call succeeds or fails: on any
   * failure the loop closes it. The caller must not use it again.
   */
  void adopt(SocketChannel channel, LoopThread thread, TransportHandler handler);

  /**
   * Stops the loop. For a loop Loopwire created: closes every listener and transport (each transport's
   * handler gets {@link TransportHandler#onClosed}, pending connects get
   * {@link TransportHandler#onConnectFailed}), drops pending timers, runs tasks already queued, then stops
   * the threads. For a loop Loopwire borrows, it releases only what was opened through this object and
   * leaves the threads running.
   *
   * <p>Thread: any, including a loop thread. Calls: idempotent; every call returns the same future, which
   * completes when all of the above is done (for an owned loop: when every loop thread has exited).
   */
  CompletableFuture<Void> shutdown();
}
