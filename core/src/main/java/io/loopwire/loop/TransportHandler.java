package io.loopwire.loop;

import java.nio.ByteBuffer;

/**
 * Hears what happens on one {@link Transport}; the engine implements it. The order is:
 * {@code onOpen}, then any of {@code onRead}, {@code onReadEof} (at most once, after the last
 * {@code onRead}) and {@code onWriteDrained}, then {@code onClosed} exactly once, last. A connect or
 * adopt that fails gets {@code onConnectFailed} exactly once and nothing else.
 *
 * <p>Thread: every callback runs on the transport's loop thread, never two at once, and never from inside
 * a call the handler made into the loop. If a callback throws, the loop logs it at WARNING, aborts the
 * transport, and calls {@link #onClosed} with the exception as cause (unless it was {@code onClosed} that
 * threw); the loop thread carries on. May: every callback may call the transport's methods and the
 * loop's; none may block, because blocking stalls every transport on the thread.
 */
public interface TransportHandler {

  /**
   * The transport is open: accepted, connected or adopted.
   *
   * <p>Thread: loop. Calls: exactly once, first (for a connect, after the TCP handshake succeeded).
   * Ownership: {@code transport} is owned by the loop and lent to this handler until {@link #onClosed}.
   * May: write, flush, change read interest, close.
   */
  void onOpen(Transport transport);

  /**
   * Bytes arrived.
   *
   * <p>Thread: loop. Calls: zero or more times, between {@code onOpen} and {@code onReadEof} or
   * {@code onClosed}, only while read interest is on. Ownership: {@code data} is BORROWED: it is the
   * loop's read buffer, valid only until this returns; read it (position to limit) or copy it, never keep
   * it (in debug mode, {@code -Dio.loopwire.debug=true}, loops overwrite it after the call, so a kept
   * reference shows garbage at once). May: write, flush, change read interest, close.
   */
  void onRead(ByteBuffer data);

  /**
   * The peer half-closed its side: no more {@code onRead}. The transport stays open for output until the
   * handler closes it or shuts its output (after which it closes by itself).
   *
   * <p>Thread: loop. Calls: at most once, after the last {@code onRead}, before {@code onClosed}.
   * Ownership: nothing is passed. May: write, flush, shut down output, close.
   */
  void onReadEof();

  /**
   * The write queue, left non-empty by a {@link Transport#flush}, has been written out completely: the
   * moment to resume producing (back-pressure). Never fires from inside {@code flush}; a loop whose writes
   * complete later (a completion loop) may fire it after any flush.
   *
   * <p>Thread: loop. Calls: zero or more times, at most once per flush that left bytes queued, never
   * after {@code onClosed}, nor once the transport is closing. Ownership: nothing is passed. May: write,
   * flush, change read interest, close.
   */
  void onWriteDrained();

  /**
   * The transport is closed and its socket released; queued output that was not written is dropped.
   *
   * <p>Thread: loop. Calls: exactly once, last, for every transport that got {@code onOpen}. Ownership:
   * the transport is no longer lent; calls on it are ignored or return {@code false}. May: release state,
   * start other work (for example a reconnect); never block.
   *
   * @param cause {@code null} for an orderly close (by {@link Transport#close}, {@link Transport#abort},
   *     {@link Transport#shutdownOutput} after end of input, or {@link Loop#shutdown}); otherwise what
   *     failed: an {@link java.io.IOException} from the socket (for example a reset by the peer), the
   *     timeout of a graceful close, or an exception a callback threw
   */
  void onClosed(Throwable cause);

  /**
   * A connect or adopt failed before the transport opened; nothing else will be called.
   *
   * <p>Thread: loop (except as noted on {@link Loop#connect} and {@link Loop#adopt} for a loop that has
   * already shut down). Calls: exactly once instead of {@code onOpen}; never for accepted transports,
   * hence the empty default. Ownership: for an adopt, the channel has already been closed. May: start
   * other work (for example a retry); never block.
   *
   * @param cause what failed; see {@link Loop#connect} for the kinds
   */
  default void onConnectFailed(Throwable cause) {}
}
