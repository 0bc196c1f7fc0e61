package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import java.nio.ByteBuffer;

/**
 * Receives a request body, piece by piece ({@link HttpExchange#readBody}). Pause with
 * {@link HttpExchange#pauseBody()} when the application cannot keep up: the connection stops reading and
 * TCP slows the client down.
 */
public interface RequestBodyListener {

  /**
   * A piece of the body, after chunked framing is removed; never empty.
   *
   * <p>Thread: the connection's loop thread. Calls: zero or more times, before {@code onEnd} or
   * {@code onAbort}, never while paused. Ownership: {@code data} is borrowed and read-only until this
   * returns; copy what you keep. May: pause, respond; never block.
   */
  void onData(HttpExchange exchange, ByteBuffer data);

  /**
   * The body is complete.
   *
   * <p>Thread: loop. Calls: at most once, last; exactly one of {@code onEnd} and {@code onAbort} fires.
   * Ownership: {@code trailers} (a chunked body's trailer fields, else empty) are the receiver's. May:
   * respond; never block.
   */
  void onEnd(HttpExchange exchange, Http1Fields trailers);

  /**
   * The body will not complete: the client closed the connection or broke the framing (it was answered
   * 400 or 413 and the connection closes), or the body was already discarded.
   *
   * <p>Thread: loop. Calls: at most once, last. May: release resources; a response is no longer possible.
   */
  default void onAbort(HttpExchange exchange, Throwable cause) {}
}
