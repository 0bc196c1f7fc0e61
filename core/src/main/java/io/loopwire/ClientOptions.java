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
 */
public record ClientOptions(
    List<String> subprotocols, Http1Fields headers, Duration connectTimeout, WsConfig ws, ReconnectPolicy reconnect,
    TlsClientConfig tls) {

  private static final ClientOptions DEFAULTS = new ClientOptions(List.of(), Http1Fields.empty(),
      Duration.ofSeconds(10), WsConfig.defaults(), null, TlsClientConfig.defaults());

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

  /** The canonical constructor with the default TLS config. */
  public ClientOptions(List<String> subprotocols, Http1Fields headers, Duration connectTimeout, WsConfig ws,
      ReconnectPolicy reconnect) {
    this(subprotocols, headers, connectTimeout, ws, reconnect, TlsClientConfig.defaults());
  }

  public static ClientOptions defaults() {
    return DEFAULTS;
  }

  public ClientOptions withSubprotocols(String... v) {
    return new ClientOptions(List.of(v), headers, connectTimeout, ws, reconnect, tls);
  }

  public ClientOptions withHeaders(Http1Fields v) {
    return new ClientOptions(subprotocols, v, connectTimeout, ws, reconnect, tls);
  }

  public ClientOptions withConnectTimeout(Duration v) {
    return new ClientOptions(subprotocols, headers, v, ws, reconnect, tls);
  }

  public ClientOptions withWs(WsConfig v) {
    return new ClientOptions(subprotocols, headers, connectTimeout, v, reconnect, tls);
  }

  public ClientOptions withReconnect(ReconnectPolicy v) {
    return new ClientOptions(subprotocols, headers, connectTimeout, ws, v, tls);
  }

  /** TLS for {@code wss://}: trust, client certificate, handshake timeout ({@link TlsClientConfig}). */
  public ClientOptions withTls(TlsClientConfig v) {
    return new ClientOptions(subprotocols, headers, connectTimeout, ws, reconnect, v);
  }
}
