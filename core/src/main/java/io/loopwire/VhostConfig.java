package io.loopwire;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One virtual host: where it listens, which Host names select it when several vhosts share a port,
 * its WebSocket protocols and HTTP answer, and an app object attached to it. Immutable.
 *
 * @param name a name for logs and {@link HandshakeRequest#vhost()}
 * @param host the address to listen on; default {@code 127.0.0.1} (listening on all interfaces is an
 *     explicit choice: {@code 0.0.0.0} or {@code ::})
 * @param port the port; 0 picks a free one ({@link Loopwire#port(String)} tells which)
 * @param serverNames Host header names that select this vhost on a shared port; empty = the default
 *     vhost of its port
 * @param protocols the WebSocket protocols
 * @param defaultProtocol the protocol used when the client offers no known subprotocol and no path
 *     matches, or {@code null} for 404
 * @param http the handler for plain HTTP requests, or {@code null}: then a request for a WebSocket path
 *     gets 426 Upgrade Required and any other gets 404
 * @param ws the session configuration for this vhost's sessions
 * @param user an app object attached to the vhost (the app's; Loopwire never touches it)
 * @param mounts what plain HTTP requests are served from, matched by longest path prefix
 *     ({@link Mount}); a request no mount takes goes to {@code http}, then gets 426 or 404 as above
 * @param httpServer limits, timeouts and watermarks of plain HTTP on this vhost
 * @param tls TLS for this vhost (https and wss), or {@code null} (the default) for plain http and ws.
 *     Vhosts that share a port must agree: all TLS or none; among TLS vhosts the client's SNI picks one
 */
public record VhostConfig(
    String name,
    String host,
    int port,
    List<String> serverNames,
    List<WsProtocol<?>> protocols,
    String defaultProtocol,
    HttpHandler http,
    WsConfig ws,
    Object user,
    List<Mount> mounts,
    HttpServerConfig httpServer,
    TlsServerConfig tls) {

  public VhostConfig {
    Checks.notNull("vhost name", name);
    Checks.notNull("host of vhost " + name, host);
    Checks.port("port of vhost " + name, port);
    serverNames = List.copyOf(serverNames);
    protocols = List.copyOf(protocols);
    Set<String> seen = new HashSet<>();
    for (WsProtocol<?> p : protocols) {
      if (!seen.add(p.name())) {
        throw new ConfigException("vhost " + name + " has protocol '" + p.name() + "' twice; names must be unique");
      }
    }
    if (defaultProtocol != null && !seen.contains(defaultProtocol)) {
      throw new ConfigException("default protocol '" + defaultProtocol + "' of vhost " + name
          + " is not one of its protocols " + seen);
    }
    Checks.notNull("ws config of vhost " + name, ws);
    mounts = List.copyOf(mounts);
    Set<String> prefixes = new HashSet<>();
    for (Mount m : mounts) {
      if (!prefixes.add(m.prefix())) {
        throw new ConfigException("vhost " + name + " has two mounts at '" + m.prefix() + "'; prefixes must be unique");
      }
    }
    Checks.notNull("http server config of vhost " + name, httpServer);
  }

  /** The constructor from before mounts and TLS: no mounts, default HTTP server config, plain http and ws. */
  public VhostConfig(String name, String host, int port, List<String> serverNames, List<WsProtocol<?>> protocols,
      String defaultProtocol, HttpHandler http, WsConfig ws, Object user) {
    this(name, host, port, serverNames, protocols, defaultProtocol, http, ws, user, List.of(),
        HttpServerConfig.defaults(), null);
  }

  /** The constructor from before mounts: no mounts, default HTTP server config. */
  public VhostConfig(String name, String host, int port, List<String> serverNames, List<WsProtocol<?>> protocols,
      String defaultProtocol, HttpHandler http, WsConfig ws, Object user, TlsServerConfig tls) {
    this(name, host, port, serverNames, protocols, defaultProtocol, http, ws, user, List.of(),
        HttpServerConfig.defaults(), tls);
  }

  /** The constructor from before TLS: plain http and ws. */
  public VhostConfig(String name, String host, int port, List<String> serverNames, List<WsProtocol<?>> protocols,
      String defaultProtocol, HttpHandler http, WsConfig ws, Object user, List<Mount> mounts,
      HttpServerConfig httpServer) {
    this(name, host, port, serverNames, protocols, defaultProtocol, http, ws, user, mounts, httpServer, null);
  }

  /** A vhost named {@code name} on 127.0.0.1:{@code port} with no protocols yet. */
  public static VhostConfig of(String name, int port) {
    return new VhostConfig(name, "127.0.0.1", port, List.of(), List.of(), null, null, WsConfig.defaults(), null,
        List.of(), HttpServerConfig.defaults(), null);
  }

  public VhostConfig withHost(String v) {
    return new VhostConfig(name, v, port, serverNames, protocols, defaultProtocol, http, ws, user, mounts, httpServer,
        tls);
  }

  public VhostConfig withPort(int v) {
    return new VhostConfig(name, host, v, serverNames, protocols, defaultProtocol, http, ws, user, mounts, httpServer,
        tls);
  }

  public VhostConfig withServerNames(String... v) {
    return new VhostConfig(name, host, port, List.of(v), protocols, defaultProtocol, http, ws, user, mounts,
        httpServer, tls);
  }

  /** Adds a protocol; the first protocol added becomes the default unless one is set explicitly. */
  public VhostConfig withProtocol(WsProtocol<?> p) {
    List<WsProtocol<?>> list = new ArrayList<>(protocols);
    list.add(p);
    return new VhostConfig(name, host, port, serverNames, list, defaultProtocol == null ? p.name() : defaultProtocol,
        http, ws, user, mounts, httpServer, tls);
  }

  public VhostConfig withDefaultProtocol(String v) {
    return new VhostConfig(name, host, port, serverNames, protocols, v, http, ws, user, mounts, httpServer, tls);
  }

  public VhostConfig withHttp(HttpHandler v) {
    return new VhostConfig(name, host, port, serverNames, protocols, defaultProtocol, v, ws, user, mounts, httpServer,
        tls);
  }

  public VhostConfig withWs(WsConfig v) {
    return new VhostConfig(name, host, port, serverNames, protocols, defaultProtocol, http, v, user, mounts,
        httpServer, tls);
  }

  public VhostConfig withUser(Object v) {
    return new VhostConfig(name, host, port, serverNames, protocols, defaultProtocol, http, ws, v, mounts, httpServer,
        tls);
  }

  /** Adds a mount; prefixes must be unique within the vhost. */
  public VhostConfig withMount(Mount m) {
    Checks.notNull("mount", m);
    List<Mount> list = new ArrayList<>(mounts);
    list.add(m);
    return new VhostConfig(name, host, port, serverNames, protocols, defaultProtocol, http, ws, user, list,
        httpServer, tls);
  }

  public VhostConfig withHttpServer(HttpServerConfig v) {
    return new VhostConfig(name, host, port, serverNames, protocols, defaultProtocol, http, ws, user, mounts, v, tls);
  }

  /** Serves https and wss with {@code v}; {@code null} for plain http and ws. */
  public VhostConfig withTls(TlsServerConfig v) {
    return new VhostConfig(name, host, port, serverNames, protocols, defaultProtocol, http, ws, user, mounts,
        httpServer, v);
  }
}
