package io.loopwire.engine;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;

/**
 * The engine's copy of an HTTP client's configuration (the api's HttpClientConfig maps to it), in
 * nanoseconds and counts. A zero timeout means off.
 *
 * @param limits what a response head may hold; the body limit is {@code maxResponseBodyBytes}
 * @param proxyHost the HTTP proxy every connection goes through, or null
 * @param proxyHeaders extra fields for the proxy (Proxy-Authorization): on CONNECT requests, and on
 *     requests sent to it in absolute form
 * @param tls wraps a connection for https (and a tunnel through the proxy), or null if TLS is unavailable
 */
public record HttpClientSettings(
    long connectTimeoutNanos,
    long headerTimeoutNanos,
    long totalTimeoutNanos,
    long idleTimeoutNanos,
    int maxConnectionsPerOrigin,
    int maxQueuedPerOrigin,
    int maxRedirects,
    long maxResponseBodyBytes,
    Http1Limits limits,
    String proxyHost,
    int proxyPort,
    Http1Fields proxyHeaders,
    TlsWrapper tls) {}
