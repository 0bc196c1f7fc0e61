package io.loopwire;

import io.loopwire.protocol.deflate.DeflateOptions;
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
 * @param deflate permessage-deflate (RFC 7692): offered by a client and accepted by a server when set,
 *     {@code null} for off; default off, because compression costs CPU and about 300 KiB of native memory
 *     per session, and compressing secrets together with data an attacker chooses can leak them (as
 *     CRIME and BREACH did): turn it on where messages are large or repetitive and that risk is understood
 *     ({@code loopwire serve} turns it on). The decoded size of a compressed message counts against
 *     {@link WsLimits#maxMessageBytes()}; see docs/deflate.md
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
    long maxSendQueueBytes,
    DeflateOptions deflate) {

  private static final WsConfig DEFAULTS = new WsConfig(WsLimits.defaults(), Duration.ofSeconds(10),
      Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(5), 1 << 20, 256 << 10, 16 << 20, null);

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
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes, deflate);
  }

  public WsConfig withHandshakeTimeout(Duration v) {
    return new WsConfig(limits, v, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes, deflate);
  }

  public WsConfig withIdleTimeout(Duration v) {
    return new WsConfig(limits, handshakeTimeout, v, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes, deflate);
  }

  public WsConfig withPingInterval(Duration v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, v, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes, deflate);
  }

  public WsConfig withPongTimeout(Duration v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, v, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes, deflate);
  }

  public WsConfig withCloseTimeout(Duration v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, v,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes, deflate);
  }

  /** Sets both watermarks; the cap stays unless it would fall below {@code high}. */
  public WsConfig withSendWatermarks(long low, long high) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        high, low, Math.max(high, maxSendQueueBytes), deflate);
  }

  public WsConfig withMaxSendQueueBytes(long v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, v, deflate);
  }

  /**
   * Turns permessage-deflate on with {@code v} ({@link DeflateOptions#defaults()} for the usual choice), or
   * off with {@code null}.
   */
  public WsConfig withDeflate(DeflateOptions v) {
    return new WsConfig(limits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout,
        sendHighWatermark, sendLowWatermark, maxSendQueueBytes, v);
  }
}
