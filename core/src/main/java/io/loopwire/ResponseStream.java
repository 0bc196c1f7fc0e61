package io.loopwire;

import io.loopwire.engine.ServerExchange;
import io.loopwire.protocol.http1.Http1Fields;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A response body written piece by piece, with back-pressure: chunked for HTTP/1.1 clients, exactly the
 * declared {@code Content-Length} if the head carried one, or until the connection closes for an
 * HTTP/1.0 client. Obtained from {@link HttpExchange#respondStream}.
 *
 * <p>Thread: every method may be called from any thread; calls from one thread take effect in order.
 * Writes never block: watch {@link #isWritable()} and use {@link #requestWritable()} to be told when to go
 * on. A stream whose queue passes {@link HttpServerConfig#maxSendQueueBytes()} is reset.
 */
public final class ResponseStream {

  private final ServerExchange.ResponseStream engine;

  ResponseStream(ServerExchange.ResponseStream engine) {
    this.engine = engine;
  }

  /**
   * Queues {@code data}. Ownership: transferred at entry, whether or not it is sent; do not touch it
   * again. Returns false (and drops the data) once the stream has ended or the client has gone.
   *
   * @throws IllegalStateException on the loop thread, for bytes beyond a declared Content-Length (the
   *     connection is reset); off the loop thread the same mistake is logged and the connection reset
   */
  public boolean write(ByteBuffer data) {
    Checks.notNull("data", data);
    return engine.write(data);
  }

  /** Queues {@code text} as UTF-8. */
  public boolean write(String text) {
    Checks.notNull("text", text);
    return engine.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether queued bytes are at or below {@link HttpServerConfig#sendHighWatermark()}. */
  public boolean isWritable() {
    return engine.isWritable();
  }

  /** Asks for one {@link ResponseStreamListener#onWritable} once the queue is at the low watermark. */
  public void requestWritable() {
    engine.requestWritable();
  }

  /** Ends the body. Idempotent; {@link ResponseStreamListener#onComplete} follows. */
  public void end() {
    engine.end(Http1Fields.empty());
  }

  /** Ends a chunked body with trailer fields (ignored for other framings). */
  public void end(Http1Fields trailers) {
    Checks.notNull("trailers", trailers);
    engine.end(trailers);
  }

  /** Resets the connection: the client sees an incomplete response. */
  public void abort() {
    engine.abort();
  }

  /** Whether the stream still takes bytes (approximate off the loop thread). */
  public boolean isOpen() {
    return engine.isOpen();
  }
}
