package io.loopwire.loop;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One connection, living on one {@link LoopThread} for its whole life: a handle, given to
 * {@link TransportHandler#onOpen}. Writes are queued by {@link #write} and sent by {@link #flush}, so the
 * engine can queue several buffers in one turn and send them with one gathering write.
 *
 * <p>Thread: {@link #write}, {@link #flush}, {@link #pendingWriteBytes}, {@link #setReadInterest} and
 * {@link #shutdownOutput} must be called on {@link #thread()} (they throw {@link IllegalStateException}
 * elsewhere; the engine hands off-loop work over with {@link LoopThread#execute}). {@link #close},
 * {@link #abort}, {@link #isOpen}, {@link #thread} and the addresses may be called from any thread.
 *
 * <p>No method calls back into the handler: a close caused by a call (for example a write that finds the
 * connection reset) is reported by {@link TransportHandler#onClosed} after the current callback returns.
 */
public interface Transport {

  /** The loop thread this transport lives on. Thread: any. */
  LoopThread thread();

  /** The peer's address. Thread: any; still answers after close. */
  InetSocketAddress remoteAddress();

  /** The local address of the connection. Thread: any; still answers after close. */
  InetSocketAddress localAddress();

  /**
   * Queues {@code buffer} (position to limit) for sending; {@link #flush} sends it.
   *
   * <p>Thread: loop. Ownership: {@code buffer} is transferred at entry, whether or not it is queued: the
   * caller must not touch it again (not even its position). Queued buffers are either written before
   * {@link TransportHandler#onWriteDrained} or dropped before {@link TransportHandler#onClosed}.
   *
   * @return {@code true} if queued; {@code false} if the transport no longer accepts output (closing,
   *     closed, or output shut down), in which case the buffer is dropped
   */
  boolean write(ByteBuffer buffer);

  /**
   * Queues a copy of {@code src}'s remaining bytes, after everything queued before; {@link #flush} sends
   * it. For output whose buffer the caller cannot give away (a borrowed read view, a reused scratch
   * buffer). A loop may copy into memory it pools for the socket, so that the copy is the only one and
   * nothing is allocated per call; by default the bytes are copied into a new heap buffer and written.
   *
   * <p>Thread: loop. Ownership: {@code src} is borrowed for the call only; its position and limit are left
   * as they were.
   *
   * @return as {@link #write}: {@code false} if the transport no longer accepts output
   */
  default boolean writeCopy(ByteBuffer src) {
    return write(ByteBuffer.allocate(src.remaining()).put(0, src, src.position(), src.remaining()));
  }

  /**
   * {@link #writeCopy(ByteBuffer)} of {@code head} then {@code body}, which a loop may copy into one
   * buffer of exactly their size (a frame header and its payload, say).
   */
  default boolean writeCopy(ByteBuffer head, ByteBuffer body) {
    return writeCopy(head) && writeCopy(body);
  }

  /**
   * Writes as much of the queue as the socket takes now, with gathering writes. What is left is written
   * as the socket drains, and {@link TransportHandler#onWriteDrained} fires when it is all gone.
   *
   * <p>Thread: loop. Never blocks, never calls back into the handler.
   */
  void flush();

  /** Bytes queued and not yet written to the socket. Thread: loop. */
  long pendingWriteBytes();

  /**
   * Pauses ({@code false}) or resumes ({@code true}) reading: the back-pressure switch. Reading is on when
   * the transport opens. While it is off, {@link TransportHandler#onRead} does not fire (though one
   * {@code onRead} already in progress for data read before the call may finish) and the peer is slowed
   * by TCP flow control. Ignored after end of input or close.
   *
   * <p>Thread: loop.
   */
  void setReadInterest(boolean on);

  /**
   * Half-closes: once the queued bytes are written, sends FIN. Later {@link #write}s return
   * {@code false}. If the input has already reached end of stream, the transport then closes (nothing
   * more can happen on it) and {@link TransportHandler#onClosed} follows with a {@code null} cause.
   *
   * <p>Thread: loop. Calls: idempotent.
   */
  void shutdownOutput();

  /**
   * Graceful close: stops reading, writes what is queued (giving up after the loop's
   * {@link LoopOptions#closeFlushTimeout()}, then aborting), then closes the socket.
   * {@link TransportHandler#onClosed} follows exactly once, with a {@code null} cause if the queue was
   * written, else with the failure.
   *
   * <p>Thread: any (off-loop calls are handed to the loop thread). Calls: idempotent; also after
   * {@link #abort} or a close by the peer.
   */
  void close();

  /**
   * Abortive close: drops what is queued and closes the socket at once, with a TCP reset
   * ({@code SO_LINGER} 0) where the loop supports it. {@link TransportHandler#onClosed} follows exactly
   * once (with a {@code null} cause), unless the transport had already closed.
   *
   * <p>Thread: any (off-loop calls are handed to the loop thread). Calls: idempotent; also after
   * {@link #close}, which it hurries along.
   */
  void abort();

  /**
   * Whether the transport still accepts output: {@code false} once {@link #close}, {@link #abort} or
   * {@link #shutdownOutput} has been called or the connection has failed. Thread: any (off the loop
   * thread the answer may be stale).
   */
  boolean isOpen();
}
