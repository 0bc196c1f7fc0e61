package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;

/**
 * An HTTP proxy for the {@link HttpClient}. Plain {@code http} requests are sent to it in absolute form
 * ({@code GET http://host/path HTTP/1.1}); {@code https} requests go through a tunnel it opens with
 * {@code CONNECT host:443}, inside which TLS runs end to end. Immutable.
 *
 * @param host the proxy's host name or address
 * @param port its port
 * @param headers extra fields for the proxy (typically {@code Proxy-Authorization}): sent on CONNECT and on
 *     absolute-form requests, never inside a tunnel
 */
public record HttpProxy(String host, int port, Http1Fields headers) {

  public HttpProxy {
    Checks.notNull("proxy host", host);
    if (host.isEmpty()) {
      throw new ConfigException("proxy host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException("proxy port " + port + " is outside 1..65535");
    }
    Checks.notNull("proxy headers", headers);
  }

  /** A proxy at {@code host:port} without extra headers. */
  public static HttpProxy of(String host, int port) {
    return new HttpProxy(host, port, Http1Fields.empty());
  }

  public HttpProxy withHeaders(Http1Fields v) {
    return new HttpProxy(host, port, v);
  }
}
