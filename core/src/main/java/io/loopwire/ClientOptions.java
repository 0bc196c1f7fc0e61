package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import java.time.Duration;
import java.util.List;

/**
 * Options for one client connection ({@link Loopwire#connect}). Immutable; start from
 * {@link #defaults()}.
 *
 * @param subprotocols subprotocols to offer, in preference order; empty offers none
 * @param headers extra request headers (for example Authorization or Origin); those that would break
 *     the handshake (Upgrade, Connection, Sec-WebSocket-*) are rejected
 * @param connectTimeout time allowed for DNS and TCP; default 10 s
 * @param ws session configuration, including the handshake timeout; default {@link WsConfig#defaults()}
 * @param reconnect reconnect policy, or {@code null} (the default) for none
 * @param tls TLS for {@code wss://} URIs (ignored for {@code ws://}); default {@link TlsClientConfig#defaults()}:
 *     the JDK's trusted CAs, host name verified
 * @param proxy an HTTP proxy to reach the server through a {@code CONNECT} tunnel (ws and wss alike), or
 *     {@code null} (the default); a refusal fails the attempt at step {@code TCP} with the proxy's status
 *     in the message
 */
public record ClientOptions(
    List<String> subprotocols, Http1Fields headers, Duration connectTimeout, WsConfig ws, ReconnectPolicy reconnect,
    TlsClientConfig tls, HttpProxy proxy) {

  private static final ClientOptions DEFAULTS = new ClientOptions(List.of(), Http1Fields.empty(),
      Duration.ofSeconds(10), WsConfig.defaults(), null, TlsClientConfig.defaults(), null);

  public ClientOptions {
    subprotocols = List.copyOf(subprotocols);
    for (String p : subprotocols) {
      if (!Http1Fields.isToken(p)) {
        throw new ConfigException("subprotocol '" + p + "' must be an RFC 9110 token");
      }
    }
    Checks.notNull("headers", headers);
    Checks.notNegative("connectTimeout", connectTimeout);
    Checks.notNull("ws", ws);
    Checks.notNull("tls", tls);
  }

  /** The constructor from before TLS and proxies: the default TLS config, no proxy. */
  public ClientOptions(List<String> subprotocols, Http1Fields headers, Duration connectTimeout, WsConfig ws,
      ReconnectPolicy reconnect) {
    this(subprotocols, headers, connectTimeout, ws, reconnect, TlsClientConfig.defaults(), null);
  }

  /** The constructor from before proxies: no proxy. */
  public ClientOptions(List<String> subprotocols, Http1Fields headers, Duration connectTimeout, WsConfig ws,
      ReconnectPolicy reconnect, TlsClientConfig tls) {
    this(subprotocols, headers, connectTimeout, ws, reconnect, tls, null);
  }

  /** The constructor from before TLS: the default TLS config. */
  public ClientOptions(List<String> subprotocols, Http1Fields headers, Duration connectTimeout, WsConfig ws,
      ReconnectPolicy reconnect, HttpProxy proxy) {
    this(subprotocols, headers, connectTimeout, ws, reconnect, TlsClientConfig.defaults(), proxy);
  }

  public static ClientOptions defaults() {
    return DEFAULTS;
  }

  public ClientOptions withSubprotocols(String... v) {
    return new ClientOptions(List.of(v), headers, connectTimeout, ws, reconnect, tls, proxy);
  }

  public ClientOptions withHeaders(Http1Fields v) {
    return new ClientOptions(subprotocols, v, connectTimeout, ws, reconnect, tls, proxy);
  }

  public ClientOptions withConnectTimeout(Duration v) {
    return new ClientOptions(subprotocols, headers, v, ws, reconnect, tls, proxy);
  }

  public ClientOptions withWs(WsConfig v) {
    return new ClientOptions(subprotocols, headers, connectTimeout, v, reconnect, tls, proxy);
  }

  public ClientOptions withReconnect(ReconnectPolicy v) {
    return new ClientOptions(subprotocols, headers, connectTimeout, ws, v, tls, proxy);
  }

  /** TLS for {@code wss://}: trust, client certificate, handshake timeout ({@link TlsClientConfig}). */
  public ClientOptions withTls(TlsClientConfig v) {
    return new ClientOptions(subprotocols, headers, connectTimeout, ws, reconnect, v, proxy);
  }

  public ClientOptions withProxy(HttpProxy v) {
    return new ClientOptions(subprotocols, headers, connectTimeout, ws, reconnect, tls, v);
  }
}
