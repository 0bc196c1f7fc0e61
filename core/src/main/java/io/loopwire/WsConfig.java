package io.loopwire;

import io.loopwire.protocol.ws.WsLimits;
import java.time.Duration;

/**
 * WebSocket session configuration: the protocol limits plus timeouts and send-queue watermarks.
 * Immutable; start from {@link #defaults()} and change one field at a time with the withers.
 *
 * <p>A {@link Duration#ZERO} timeout or interval means "off".
 *
 * @param limits bounds on hostile input (frame and message size); default {@link WsLimits#defaults()}
 * @param handshakeTimeout time a server gives a new connection to complete its upgrade request, and a
 *     client gives the server to answer it; default 10 s, long enough for slow links, short enough that
 *     half-open connections do not pile up
 * @param idleTimeout close (1001) a session that has received nothing for this long; default off,
 *     because WebSocket sessions are often legitimately quiet (use keepalive pings instead)
 * @param pingInterval send a keepalive ping this often while the session is open; default off
 * @param pongTimeout after a keepalive ping, wait this long for any frame before closing with 1006;
 *     default 10 s
 * @param closeTimeout after sending a close frame, wait this long for the peer's close (and, on a
 *     client, for the server to drop TCP) before dropping the connection; default 5 s
 * @param sendHighWatermark {@link Session#isWritable()} turns false when more than this many bytes are
 *     queued; default 1 MiB
 * @param sendLowWatermark {@code onWritable} fires (once per {@code requestWritable()}) when the queue
 *     drains to this or below; default 256 KiB
 * @param maxSendQueueBytes past this many queued bytes the session closes with 1008 rather than letting
 *     the queue grow without bound; default 16 MiB, as in OkHttp
 */
public record WsConfig(
    WsLimits limits,
    Duration handshakeTimeout,
    Duration idleTimeout,
    Duration pingInterval,
    Duration pongTimeout,
    Duration closeTimeout,
    long sendHighWatermark,
    long sendLowWatermark,
    long maxSendQueueBytes) {

  private static final WsConfig DEFAULTS = new WsConfig(WsLimits.defaults(), Duration.ofSeconds(10),
      Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(5), 1 << 20, 256 << 10, 16 << 20);

  public WsConfig {
    Checks.notNull("limits", limits);
    Checks.notNegative("handshakeTimeout", handshakeTimeout);
    Checks.notNegative("idleTimeout", idleTimeout);
    Checks.notNegative("pingInterval", pingInterval);
    Checks.notNegative("pongTimeout", pongTimeout);
    Checks.notNegative("closeTimeout", closeTimeout);
    if (sendLowWatermark < 0 || sendHighWatermark < sendLowWatermark || maxSendQueueBytes < sendHighWatermark) {
      throw new ConfigException("send watermarks must satisfy 0 <= sendLowWatermark (" + sendLowWatermark
          + ") <= sendHighWatermark (" + sendHighWatermark + ") <= maxSendQueueBytes (" + maxSendQueueBytes + ")");
    }
  }

  public static WsConfig defaults() {
    return DEFAULTS;
  }

  public WsConfig withLimits(WsLimits v) {
    return new WsConfig(v, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes);
  }

  public WsConfig withHandshakeTimeout(Duration v) {
    return new WsConfig(limits, v, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes);
  }

  public WsConfig withIdleTimeout(Duration v) {
    return new WsConfig(limits, handshakeTimeout, v, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes);
  }

  public WsConfig withPingInterval(Duration v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, v, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes);
  }

  public WsConfig withPongTimeout(Duration v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, v, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes);
  }

  public WsConfig withCloseTimeout(Duration v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, v,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes);
  }

  /** Sets both watermarks; the cap stays unless it would fall below {@code high}. */
  public WsConfig withSendWatermarks(long low, long high) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        high, low, Math.max(high, maxSendQueueBytes));
  }

  public WsConfig withMaxSendQueueBytes(long v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, v);
  }
}
