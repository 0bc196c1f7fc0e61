package io.loopwire;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The application's side of a WebSocket protocol: one instance serves every session bound to it (the
 * handler instance and its fields are the app's "protocol user data"; Loopwire only borrows it and never
 * closes it).
 *
 * <p>Lifecycle, for each session: server {@code onHandshake} → {@code onOpen} → any of
 * {@code onText}/{@code onBinary}/{@code onPing}/{@code onPong}/{@code onWritable} → {@code onClose}.
 * A client connection attempt ends in either {@code onOpen} ... {@code onClose}, or
 * {@code onConnectFailed} alone. {@code onOpen} and {@code onClose} fire exactly once per opened session,
 * and nothing fires for a session after its {@code onClose}.
 *
 * <p>Thread: every callback for a session runs on that session's loop thread, never two at once for
 * the same session. Blocking in a callback blocks every connection on that thread: hand slow work to
 * an executor and {@code send} from there (send is thread-safe).
 *
 * @param <S> per-session state, returned by {@link #onOpen} and reachable as {@link Session#state()}
 */
public interface WsHandler<S> {

  /**
   * Server side: decides on an upgrade request that selected this handler's protocol.
   * Thread: the connection's loop thread. Calls: at most once per connection, before {@code onOpen}.
   * Ownership: {@code request} is owned by the receiver (immutable). May: inspect, decide; never block.
   *
   * @return {@link HandshakeDecision#accept()} (the default) or a rejection with a status
   */
  default HandshakeDecision onHandshake(HandshakeRequest request) {
    return HandshakeDecision.accept();
  }

  /**
   * The session is open. Thread: loop thread. Calls: exactly once per session, first.
   * Ownership: the session is Loopwire's handle; the app may keep it until {@code onClose}.
   * May: send, close, requestWritable.
   *
   * @return the per-session state (may be null). Loopwire holds it and drops it after {@code onClose};
   *     if it is {@link AutoCloseable}, Loopwire closes it right after {@code onClose} returns.
   */
  S onOpen(Session<S> session);

  /** A complete text message. Thread: loop thread. Calls: zero or more, between open and close. */
  default void onText(Session<S> session, String text) {}

  /**
   * A complete binary message. Thread: loop thread. Calls: zero or more, between open and close.
   * Ownership: {@code data} is read-only and borrowed until this method returns; copy what you keep.
   */
  default void onBinary(Session<S> session, ByteBuffer data) {}

  /**
   * The peer sent a ping; Loopwire has already queued the pong (no {@code onWritable} follows).
   * Ownership: {@code payload} is read-only and borrowed until return.
   */
  default void onPing(Session<S> session, ByteBuffer payload) {}

  /** The peer sent a pong. Ownership: {@code payload} is read-only and borrowed until return. */
  default void onPong(Session<S> session, ByteBuffer payload) {}

  /**
   * The send queue drained to the low watermark after {@link Session#requestWritable()}.
   * Calls: exactly once per {@code requestWritable()} made while open (several requests before the
   * drain coalesce into one call), never because Loopwire sent a control frame.
   */
  default void onWritable(Session<S> session) {}

  /**
   * The session ended. Thread: loop thread. Calls: exactly once per opened session, last.
   * May: nothing on this session (sends are ignored); the state is released after return.
   */
  default void onClose(Session<S> session, CloseStatus status) {}

  /**
   * Client side: the connection attempt failed before {@code onOpen}; {@code cause.step()} says which
   * step. Thread: a loop thread. Calls: exactly once per failed attempt, and then nothing else for it.
   */
  default void onConnectFailed(ConnectException cause) {}

  /**
   * Client side, with a {@link ReconnectPolicy}: a new attempt starts after {@code delay} because the
   * previous one failed or its session closed abnormally. Thread: a loop thread. Calls: once per
   * scheduled attempt, after the {@code onConnectFailed} or {@code onClose} that caused it.
   */
  default void onReconnecting(int attempt, Duration delay, Throwable cause) {}
}
