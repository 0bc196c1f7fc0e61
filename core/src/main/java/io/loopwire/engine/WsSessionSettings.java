package io.loopwire.engine;

import io.loopwire.protocol.ws.WsLimits;

/**
 * The engine's copy of a session's configuration, in nanoseconds and bytes (the api's WsConfig maps to
 * it). A zero interval means off.
 */
public record WsSessionSettings(
    WsLimits limits,
    long idleTimeoutNanos,
    long pingIntervalNanos,
    long pongTimeoutNanos,
    long closeTimeoutNanos,
    long sendHighWatermark,
    long sendLowWatermark,
    long maxSendQueueBytes) {}
