package io.loopwire;

import io.loopwire.protocol.http1.Http1Limits;
import java.time.Duration;

/**
 * HTTP server configuration of a vhost: the request limits plus timeouts and response watermarks.
 * Immutable; start from {@link #defaults()} and change one field at a time with the withers. A
 * {@link Duration#ZERO} timeout means off.
 *
 * <p>Several vhosts on one port share a connection before its Host header is read, so the limits, the
 * header timeout and the idle timeout of the port's first vhost apply to every connection on that port.
 *
 * @param limits bounds on hostile requests (request line 8 KiB: 414; header section 32 KiB and 100 fields:
 *     431; body 1 MiB: 413); default {@link Http1Limits#defaults()}. The body limit is what
 *     {@code loopwire serve --max-body-bytes} sets.
 * @param headerTimeout a connection must deliver a complete request head within this time of opening (or
 *     of the first byte of a later request), else it is closed (408 if it had sent part of one); default
 *     30 s, which defeats slowloris-style clients that trickle a head byte by byte. On a vhost that serves
 *     WebSocket protocols, the shorter {@link WsConfig#handshakeTimeout()} applies instead if it is shorter,
 *     since any request might be an upgrade.
 * @param idleTimeout how long a keep-alive connection may sit between requests; default 60 s, a little
 *     less than common client pools keep idle connections, so that a client rarely sends into a
 *     connection the server is closing
 * @param lingerTimeout after answering with {@code Connection: close} (or an error), the server shuts its
 *     output and reads and discards for up to this long before closing, so the client receives the
 *     answer instead of a reset; default 2 s
 * @param sendHighWatermark a response stream is not writable above this many queued bytes, and files
 *     are read at most this far ahead of the socket; default 256 KiB
 * @param sendLowWatermark {@code onWritable} fires once the queue drains to this or below; default 64 KiB
 * @param maxSendQueueBytes a response stream that queues more than this (a client that stops reading
 *     while the app ignores {@code isWritable()}) is reset; default 16 MiB, as for WebSocket sessions
 */
public record HttpServerConfig(
    Http1Limits limits,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration lingerTimeout,
    long sendHighWatermark,
    long sendLowWatermark,
    long maxSendQueueBytes) {

  private static final HttpServerConfig DEFAULTS = new HttpServerConfig(Http1Limits.defaults(),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(2), 256 * 1024, 64 * 1024, 16 << 20);

  public HttpServerConfig {
    Checks.notNull("limits", limits);
    Checks.notNegative("headerTimeout", headerTimeout);
    Checks.notNegative("idleTimeout", idleTimeout);
    Checks.notNegative("lingerTimeout", lingerTimeout);
    if (sendLowWatermark < 0 || sendHighWatermark < sendLowWatermark || maxSendQueueBytes < sendHighWatermark) {
      throw new ConfigException("send watermarks must satisfy 0 <= sendLowWatermark (" + sendLowWatermark
          + ") <= sendHighWatermark (" + sendHighWatermark + ") <= maxSendQueueBytes (" + maxSendQueueBytes + ")");
    }
  }

  /** The defaults described on each component. */
  public static HttpServerConfig defaults() {
    return DEFAULTS;
  }

  public HttpServerConfig withLimits(Http1Limits v) {
    return new HttpServerConfig(v, headerTimeout, idleTimeout, lingerTimeout, sendHighWatermark, sendLowWatermark,
        maxSendQueueBytes);
  }

  /** Shorthand for {@code withLimits(limits().withMaxBodyBytes(bytes))}. */
  public HttpServerConfig withMaxBodyBytes(long bytes) {
    return withLimits(limits.withMaxBodyBytes(bytes));
  }

  public HttpServerConfig withHeaderTimeout(Duration v) {
    return new HttpServerConfig(limits, v, idleTimeout, lingerTimeout, sendHighWatermark, sendLowWatermark,
        maxSendQueueBytes);
  }

  public HttpServerConfig withIdleTimeout(Duration v) {
    return new HttpServerConfig(limits, headerTimeout, v, lingerTimeout, sendHighWatermark, sendLowWatermark,
        maxSendQueueBytes);
  }

  public HttpServerConfig withLingerTimeout(Duration v) {
    return new HttpServerConfig(limits, headerTimeout, idleTimeout, v, sendHighWatermark, sendLowWatermark,
        maxSendQueueBytes);
  }

  /** Sets both watermarks; the cap stays unless it would fall below {@code high}. */
  public HttpServerConfig withSendWatermarks(long low, long high) {
    return new HttpServerConfig(limits, headerTimeout, idleTimeout, lingerTimeout, high, low,
        Math.max(high, maxSendQueueBytes));
  }

  public HttpServerConfig withMaxSendQueueBytes(long v) {
    return new HttpServerConfig(limits, headerTimeout, idleTimeout, lingerTimeout, sendHighWatermark,
        sendLowWatermark, v);
  }
}
