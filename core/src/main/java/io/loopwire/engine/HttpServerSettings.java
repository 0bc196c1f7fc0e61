package io.loopwire.engine;

import io.loopwire.protocol.http1.Http1Limits;

/**
 * The engine's copy of a port's HTTP server configuration, in nanoseconds and bytes (the api's
 * HttpServerConfig maps to it). A zero timeout means off.
 *
 * @param limits what the request parser accepts
 * @param headerTimeoutNanos from the first byte of a request (or the connection's open) to its complete
 *     head; a connection that is slower is closed (slowloris)
 * @param idleTimeoutNanos how long a keep-alive connection may sit between requests
 * @param lingerNanos after this side decides to close (an error, {@code Connection: close}), how long it
 *     keeps reading and discarding before it drops the connection, so the peer gets the last response
 *     rather than a reset
 * @param sendHighWatermark a response stream is not writable above this many queued bytes
 * @param sendLowWatermark {@code onWritable} fires once the queue is at or below this
 * @param maxSendQueueBytes a response stream whose queue passes this is aborted
 * @param fileChunkBytes files are read and queued in pieces of this size, at most
 *     {@code sendHighWatermark} bytes ahead of the socket
 */
public record HttpServerSettings(
    Http1Limits limits,
    long headerTimeoutNanos,
    long idleTimeoutNanos,
    long lingerNanos,
    long sendHighWatermark,
    long sendLowWatermark,
    long maxSendQueueBytes,
    int fileChunkBytes) {

  /** Defaults for tests and for a router with no config of its own. */
  public static HttpServerSettings defaults() {
    return new HttpServerSettings(Http1Limits.defaults(), 30_000_000_000L, 60_000_000_000L, 2_000_000_000L,
        256 * 1024, 64 * 1024, 16 * 1024 * 1024, 64 * 1024);
  }

  public HttpServerSettings withHeaderTimeoutNanos(long v) {
    return new HttpServerSettings(limits, v, idleTimeoutNanos, lingerNanos, sendHighWatermark, sendLowWatermark,
        maxSendQueueBytes, fileChunkBytes);
  }
}
