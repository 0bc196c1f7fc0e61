package io.loopwire.engine;

import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.ws.WsLimits;

/**
 * The engine's copy of a session's configuration, in nanoseconds and bytes (the api's WsConfig maps to
 * it). A zero interval means off. {@code deflate} is null when permessage-deflate is off.
 */
public record WsSessionSettings(
    WsLimits limits,
    long idleTimeoutNanos,
    long pingIntervalNanos,
    long pongTimeoutNanos,
    long closeTimeoutNanos,
    long sendHighWatermark,
    long sendLowWatermark,
    long maxSendQueueBytes,
    DeflateOptions deflate) {

  /** Settings without permessage-deflate. */
  public WsSessionSettings(WsLimits limits, long idleTimeoutNanos, long pingIntervalNanos, long pongTimeoutNanos,
      long closeTimeoutNanos, long sendHighWatermark, long sendLowWatermark, long maxSendQueueBytes) {
    this(limits, idleTimeoutNanos, pingIntervalNanos, pongTimeoutNanos, closeTimeoutNanos, sendHighWatermark,
        sendLowWatermark, maxSendQueueBytes, null);
  }
}
