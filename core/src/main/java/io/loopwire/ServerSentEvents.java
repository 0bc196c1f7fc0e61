package io.loopwire;

import java.time.Duration;

/**
 * A {@code text/event-stream} response (Server-Sent Events, WHATWG HTML 9.2) over a {@link ResponseStream}.
 * Obtained from {@link HttpExchange#respondEvents}. Thread: any; back-pressure as for the stream.
 */
public final class ServerSentEvents {

  private final ResponseStream stream;

  ServerSentEvents(ResponseStream stream) {
    this.stream = stream;
  }

  /** The underlying stream, for {@code isWritable}, {@code requestWritable} and {@code end}. */
  public ResponseStream stream() {
    return stream;
  }

  /** Sends an unnamed event ({@code message}); {@code data} may span lines. */
  public boolean send(String data) {
    return send(null, null, data);
  }

  /**
   * Sends one event.
   *
   * @param event the event name, or null for {@code message}
   * @param id the last-event id, or null
   * @param data the payload; each line becomes a {@code data:} line
   * @throws IllegalArgumentException if {@code event} or {@code id} holds CR or LF (or {@code id} NUL)
   */
  public boolean send(String event, String id, String data) {
    Checks.notNull("data", data);
    StringBuilder sb = new StringBuilder(data.length() + 32);
    if (event != null) {
      sb.append("event: ").append(singleLine("event", event)).append('\n');
    }
    if (id != null) {
      if (id.indexOf('\0') >= 0) {
        throw new ConfigException("an event id may not contain NUL");
      }
      sb.append("id: ").append(singleLine("id", id)).append('\n');
    }
    for (String line : data.split("\r\n|\r|\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    return stream.write(sb.append('\n').toString());
  }

  /** Sends a comment line (ignored by clients; keeps proxies from timing the stream out). */
  public boolean comment(String text) {
    return stream.write(": " + singleLine("comment", text) + "\n\n");
  }

  /** Tells the client how long to wait before reconnecting. */
  public boolean retry(Duration delay) {
    return stream.write("retry: " + delay.toMillis() + "\n\n");
  }

  /** Ends the stream. */
  public void end() {
    stream.end();
  }

  private static String singleLine(String what, String s) {
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      throw new ConfigException("an event " + what + " must be one line, without CR or LF: '" + s + "'");
    }
    return s;
  }
}
