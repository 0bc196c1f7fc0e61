package io.loopwire;

/** Hears about a streamed response ({@link HttpExchange#respondStream}, {@link HttpExchange#respondEvents}). */
public interface ResponseStreamListener {

  /**
   * The queue has drained to the low watermark since {@link ResponseStream#requestWritable()}: write more.
   *
   * <p>Thread: the connection's loop thread. Calls: once per {@code requestWritable()} (requests made
   * before it fires coalesce), never after {@code onComplete}. May: write, end, request again; never
   * block.
   */
  default void onWritable(ResponseStream stream) {}

  /**
   * The stream is over: {@code cause} is {@code null} when the whole response was handed to the
   * connection after {@link ResponseStream#end()}, otherwise why it ended early (the client went away,
   * the connection failed or was reset, the server stopped).
   *
   * <p>Thread: loop. Calls: exactly once, last. May: release what the producer holds; never block.
   */
  default void onComplete(ResponseStream stream, Throwable cause) {}
}
