package io.loopwire.engine;

import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.ws.WsLimits;

/**
 * The engine's copy of a session's configuration, in nanoseconds and bytes (the api's WsConfig maps to
 * it). A zero interval means off. {@code deflate} is null when permessage-deflate is off. Immutable; made
 * once per vhost (server) or per client connection, with what every handshake derives from it (the
 * permessage-deflate negotiators), so a handshake builds none of it.
 */
public final class WsSessionSettings {

  private final WsLimits limits;
  private final long idleTimeoutNanos;
  private final long pingIntervalNanos;
  private final long pongTimeoutNanos;
  private final long closeTimeoutNanos;
  private final long sendHighWatermark;
  private final long sendLowWatermark;
  private final long maxSendQueueBytes;
  private final DeflateOptions deflate;
  private final DeflateSetup deflateSetup;

  public WsSessionSettings(WsLimits limits, long idleTimeoutNanos, long pingIntervalNanos, long pongTimeoutNanos,
      long closeTimeoutNanos, long sendHighWatermark, long sendLowWatermark, long maxSendQueueBytes,
      DeflateOptions deflate) {
    this.limits = limits;
    this.idleTimeoutNanos = idleTimeoutNanos;
    this.pingIntervalNanos = pingIntervalNanos;
    this.pongTimeoutNanos = pongTimeoutNanos;
    this.closeTimeoutNanos = closeTimeoutNanos;
    this.sendHighWatermark = sendHighWatermark;
    this.sendLowWatermark = sendLowWatermark;
    this.maxSendQueueBytes = maxSendQueueBytes;
    this.deflate = deflate;
    this.deflateSetup = DeflateSetup.of(deflate);
  }

  /** Settings without permessage-deflate. */
  public WsSessionSettings(WsLimits limits, long idleTimeoutNanos, long pingIntervalNanos, long pongTimeoutNanos,
      long closeTimeoutNanos, long sendHighWatermark, long sendLowWatermark, long maxSendQueueBytes) {
    this(limits, idleTimeoutNanos, pingIntervalNanos, pongTimeoutNanos, closeTimeoutNanos, sendHighWatermark,
        sendLowWatermark, maxSendQueueBytes, null);
  }

  public WsLimits limits() {
    return limits;
  }

  public long idleTimeoutNanos() {
    return idleTimeoutNanos;
  }

  public long pingIntervalNanos() {
    return pingIntervalNanos;
  }

  public long pongTimeoutNanos() {
    return pongTimeoutNanos;
  }

  public long closeTimeoutNanos() {
    return closeTimeoutNanos;
  }

  public long sendHighWatermark() {
    return sendHighWatermark;
  }

  public long sendLowWatermark() {
    return sendLowWatermark;
  }

  public long maxSendQueueBytes() {
    return maxSendQueueBytes;
  }

  public DeflateOptions deflate() {
    return deflate;
  }

  /** The negotiators and transforms for {@link #deflate()}, shared by every handshake of these settings. */
  DeflateSetup deflateSetup() {
    return deflateSetup;
  }
}
