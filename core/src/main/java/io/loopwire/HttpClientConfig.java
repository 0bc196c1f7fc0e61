package io.loopwire;

import io.loopwire.protocol.http1.Http1Limits;
import java.time.Duration;

/**
 * HTTP client configuration. Immutable; start from {@link #defaults()}. A {@link Duration#ZERO} timeout
 * means off.
 *
 * @param connectTimeout name resolution, TCP connect, proxy tunnel and TLS handshake together; default
 *     10 s
 * @param responseHeaderTimeout from sending a request to its response head; default 30 s (a body may then
 *     take as long as it takes: bound it with {@code totalTimeout})
 * @param totalTimeout from {@code send} to the complete response, queueing, retries and redirects
 *     included; default off, since a download's length is the application's business
 * @param idleTimeout how long a pooled keep-alive connection may sit unused before it is closed; default
 *     30 s, below the idle timeout of most servers (so the client usually closes first)
 * @param maxConnectionsPerOrigin connections per scheme, host and port; default 6, what browsers use
 * @param maxQueuedPerOrigin requests that may wait in connection queues of one origin when every
 *     connection is busy; beyond it a request fails at once with {@code REJECTED}; default 256
 * @param maxRedirects redirects followed per request; default 0: redirects are returned as they are
 *     (following them is a decision about where credentials and bodies go)
 * @param maxResponseBodyBytes the largest body {@link HttpClient#send} gathers in memory; a larger one
 *     fails the request with {@code BODY_TOO_LARGE}; default 16 MiB. Streamed requests have no limit.
 * @param limits bounds on response heads (status line, header bytes and count); the body limit in it is
 *     not used (see {@code maxResponseBodyBytes})
 * @param proxy an HTTP proxy for every request, or null (the default)
 * @param tls TLS for https targets (directly or through the proxy's tunnel): trust, client certificate,
 *     handshake timeout; default {@link TlsClientConfig#defaults()}: the JDK's trusted CAs, host name
 *     verified. A failed handshake fails the request with {@code TLS} and a message that says why.
 */
public record HttpClientConfig(
    Duration connectTimeout,
    Duration responseHeaderTimeout,
    Duration totalTimeout,
    Duration idleTimeout,
    int maxConnectionsPerOrigin,
    int maxQueuedPerOrigin,
    int maxRedirects,
    long maxResponseBodyBytes,
    Http1Limits limits,
    HttpProxy proxy,
    TlsClientConfig tls) {

  private static final HttpClientConfig DEFAULTS = new HttpClientConfig(Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(30), 6, 256, 0, 16 << 20, Http1Limits.defaults(),
      null, TlsClientConfig.defaults());

  public HttpClientConfig {
    Checks.notNegative("connectTimeout", connectTimeout);
    Checks.notNegative("responseHeaderTimeout", responseHeaderTimeout);
    Checks.notNegative("totalTimeout", totalTimeout);
    Checks.notNegative("idleTimeout", idleTimeout);
    if (maxConnectionsPerOrigin < 1) {
      throw new ConfigException("maxConnectionsPerOrigin must be at least 1, got " + maxConnectionsPerOrigin);
    }
    if (maxQueuedPerOrigin < 0) {
      throw new ConfigException("maxQueuedPerOrigin must not be negative, got " + maxQueuedPerOrigin);
    }
    if (maxRedirects < 0) {
      throw new ConfigException("maxRedirects must not be negative, got " + maxRedirects + " (0 is off)");
    }
    if (maxResponseBodyBytes < 0 || maxResponseBodyBytes > Integer.MAX_VALUE - 8) {
      throw new ConfigException("maxResponseBodyBytes " + maxResponseBodyBytes + " must be within 0.."
          + (Integer.MAX_VALUE - 8) + " (stream larger bodies with HttpClient.stream)");
    }
    Checks.notNull("limits", limits);
    Checks.notNull("tls", tls);
  }

  public static HttpClientConfig defaults() {
    return DEFAULTS;
  }

  public HttpClientConfig withConnectTimeout(Duration v) {
    return new HttpClientConfig(v, responseHeaderTimeout, totalTimeout, idleTimeout, maxConnectionsPerOrigin,
        maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, limits, proxy, tls);
  }

  public HttpClientConfig withResponseHeaderTimeout(Duration v) {
    return new HttpClientConfig(connectTimeout, v, totalTimeout, idleTimeout, maxConnectionsPerOrigin,
        maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, limits, proxy, tls);
  }

  public HttpClientConfig withTotalTimeout(Duration v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, v, idleTimeout, maxConnectionsPerOrigin,
        maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, limits, proxy, tls);
  }

  public HttpClientConfig withIdleTimeout(Duration v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, v, maxConnectionsPerOrigin,
        maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, limits, proxy, tls);
  }

  public HttpClientConfig withMaxConnectionsPerOrigin(int v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, idleTimeout, v,
        maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, limits, proxy, tls);
  }

  public HttpClientConfig withMaxQueuedPerOrigin(int v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, idleTimeout,
        maxConnectionsPerOrigin, v, maxRedirects, maxResponseBodyBytes, limits, proxy, tls);
  }

  /** Follows up to {@code v} redirects per request (0: off). */
  public HttpClientConfig withMaxRedirects(int v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, idleTimeout,
        maxConnectionsPerOrigin, maxQueuedPerOrigin, v, maxResponseBodyBytes, limits, proxy, tls);
  }

  public HttpClientConfig withMaxResponseBodyBytes(long v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, idleTimeout,
        maxConnectionsPerOrigin, maxQueuedPerOrigin, maxRedirects, v, limits, proxy, tls);
  }

  public HttpClientConfig withLimits(Http1Limits v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, idleTimeout,
        maxConnectionsPerOrigin, maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, v, proxy, tls);
  }

  public HttpClientConfig withProxy(HttpProxy v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, idleTimeout,
        maxConnectionsPerOrigin, maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, limits, v, tls);
  }

  /** TLS for https: trust, client certificate, handshake timeout ({@link TlsClientConfig}). */
  public HttpClientConfig withTls(TlsClientConfig v) {
    return new HttpClientConfig(connectTimeout, responseHeaderTimeout, totalTimeout, idleTimeout,
        maxConnectionsPerOrigin, maxQueuedPerOrigin, maxRedirects, maxResponseBodyBytes, limits, proxy, v);
  }
}
