package io.loopwire;

import io.loopwire.engine.HttpServerSettings;
import io.loopwire.engine.ServerExchange;
import io.loopwire.engine.ServerRouter;
import io.loopwire.engine.UpgradeDecision;
import io.loopwire.engine.tls.TlsTransport;
import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;
import io.loopwire.protocol.http1.Http1Request;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;

/**
 * Routes the requests of one listening address to its vhosts (by Host name) and their protocols
 * (by subprotocol, then path, then the vhost's default).
 */
final class PortRouter implements ServerRouter {

  private static final System.Logger LOG = System.getLogger(PortRouter.class.getName());

  private final Loopwire context;
  private final List<VhostRuntime> vhosts = new ArrayList<>();
  private final Map<VhostRuntime, Mounts> mounts = new IdentityHashMap<>();
  /** Built on first use and shared by every connection of the port (the vhosts are fixed by then). */
  private volatile HttpServerSettings settings;

  PortRouter(Loopwire context) {
    this.context = context;
  }

  void add(VhostRuntime v) {
    mounts.put(v, new Mounts(v.config));
    vhosts.add(v);
    settings = null;
  }

  /** The request limits of the port: its first vhost's (the Host header is not known yet). */
  Http1Limits limits() {
    return vhosts.get(0).config.httpServer().limits();
  }

  @Override
  public HttpServerSettings settings() {
    HttpServerSettings s = settings;
    if (s == null) {
      s = buildSettings();
      settings = s;
    }
    return s;
  }

  private HttpServerSettings buildSettings() {
    VhostConfig first = vhosts.get(0).config;
    HttpServerConfig c = first.httpServer();
    long header = c.headerTimeout().toNanos();
    long handshake = first.ws().handshakeTimeout().toNanos();
    if (!first.protocols().isEmpty() && handshake > 0 && (header == 0 || handshake < header)) {
      header = handshake; // any request might be an upgrade, which must complete in the handshake timeout
    }
    return new HttpServerSettings(c.limits(), header, c.idleTimeout().toNanos(), c.lingerTimeout().toNanos(),
        c.sendHighWatermark(), c.sendLowWatermark(), c.maxSendQueueBytes(), 64 * 1024);
  }

  /** Whether this port serves TLS (its vhosts agree; {@link Loopwire} checks). */
  boolean tls() {
    return vhosts.get(0).config.tls() != null;
  }

  /** The handshake timeout of the port's default vhost: the engine is chosen only after it starts. */
  java.time.Duration tlsHandshakeTimeout() {
    return byName(null).config.tls().handshakeTimeout();
  }

  /** The engine for a TLS connection whose client asked for {@code serverName} (SNI), or none. */
  SSLEngine engineFor(String serverName) {
    return byName(serverName).newEngine();
  }

  /**
   * On a TLS port the server name (SNI) chose the vhost and its certificate; on a plain port the Host
   * header chooses.
   */
  private VhostRuntime select(Http1Request request, Transport transport) {
    if (vhosts.size() == 1) {
      return vhosts.get(0); // byName would find it whatever the name: no Host lookup per request
    }
    if (transport instanceof TlsTransport tls) {
      return byName(tls.serverName());
    }
    return byName(request.headers().get("Host"));
  }

  private VhostRuntime byName(String host) {
    for (VhostRuntime v : vhosts) {
      if (v.matches(host)) {
        return v;
      }
    }
    for (VhostRuntime v : vhosts) {
      if (v.config.serverNames().isEmpty()) {
        return v;
      }
    }
    return vhosts.get(0);
  }

  /**
   * A request on a TLS connection whose Host names another vhost of this port than the one its SNI chose:
   * refused with 421 (RFC 9110 15.5.20), so a client cannot reach one vhost (and skip its client
   * certificate rule) through another's handshake. Returns the reason, or {@code null} if it is fine.
   */
  private String misdirected(Http1Request request, Transport transport, VhostRuntime chosen) {
    if (!(transport instanceof TlsTransport tls)) {
      return null;
    }
    String host = request.headers().get("Host");
    for (VhostRuntime v : vhosts) {
      if (v != chosen && v.matches(host)) {
        return "misdirected request: Host " + host + " is vhost " + v.config.name() + ", but this TLS connection"
            + " was made for " + (tls.serverName() == null ? "no server name" : tls.serverName())
            + " (vhost " + chosen.config.name() + "); connect with SNI " + host;
      }
    }
    return null;
  }

  private static String pathOf(String target) {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  @Override
  public UpgradeDecision onUpgrade(Http1Request request, List<String> offered, Transport transport) {
    if (context.isClosing()) {
      return reject(503, "server is shutting down");
    }
    VhostRuntime vhost = select(request, transport);
    String wrongHost = misdirected(request, transport, vhost);
    if (wrongHost != null) {
      return reject(421, wrongHost);
    }
    String path = pathOf(request.target());
    WsProtocol<?> protocol = null;
    String subprotocol = null;
    for (String name : offered) {
      protocol = vhost.protocol(name);
      if (protocol != null) {
        subprotocol = name;
        break;
      }
    }
    if (protocol == null && !offered.isEmpty()) {
      // RFC 6455 4.1: a client that offered subprotocols fails a 101 without one, so say why instead
      return reject(400, "none of the offered subprotocols " + offered + " is served here; offer one of "
          + vhost.protocolNames());
    }
    if (protocol == null) {
      protocol = vhost.protocolForPath(path);
    }
    if (protocol == null && vhost.config.defaultProtocol() != null) {
      protocol = vhost.protocol(vhost.config.defaultProtocol());
    }
    if (protocol == null) {
      return reject(404, "no WebSocket protocol here for path " + path + " and subprotocols " + offered);
    }
    return accept(vhost, protocol, subprotocol, request, offered, transport);
  }

  private <S> UpgradeDecision accept(VhostRuntime vhost, WsProtocol<S> protocol, String subprotocol,
      Http1Request request, List<String> offered, Transport transport) {
    String target = request.target();
    int q = target.indexOf('?');
    HandshakeRequest hr = new HandshakeRequest(vhost.config.name(), target, pathOf(target),
        q < 0 ? null : target.substring(q + 1), request.headers(), offered, protocol.name(), transport.remoteAddress(),
        transport instanceof TlsTransport tls ? tls.session() : null);
    HandshakeDecision decision;
    try {
      decision = protocol.handler().onHandshake(hr);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "onHandshake of protocol " + protocol.name() + " threw; answering 500", e);
      return reject(500, "internal error");
    }
    if (decision == null || !decision.accepted()) {
      return decision == null ? reject(500, "handler returned no decision")
          : reject(decision.status(), decision.reason());
    }
    Stats.Counters counters = context.counters(protocol.name());
    Http1Fields responseHeaders = decision.headers();
    Session<S> session = new Session<>(protocol.name(), vhost.config.name(), vhost.state(protocol.name()),
        transport.remoteAddress(), transport.localAddress(), target, request.headers(), responseHeaders, false,
        counters);
    SessionBinding<S> binding = new SessionBinding<>(context, session, protocol.handler(), counters, null);
    return UpgradeDecision.accept(subprotocol, responseHeaders, binding, vhost.wsSettings);
  }

  private static UpgradeDecision reject(int status, String reason) {
    return UpgradeDecision.reject(status, Http1Fields.of("Content-Type", "text/plain; charset=utf-8"),
        (reason + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onRequest(ServerExchange exchange) {
    Http1Request request = exchange.request();
    Transport transport = exchange.transport();
    VhostRuntime vhost = select(request, transport);
    String wrongHost = misdirected(request, transport, vhost);
    if (wrongHost != null) {
      exchange.respond(421, "Misdirected Request", Http1Fields.of("Content-Type", "text/plain; charset=utf-8"),
          ByteBuffer.wrap((wrongHost + "\n").getBytes(StandardCharsets.UTF_8)));
      return;
    }
    String target = request.target();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? null : target.substring(q + 1);
    if (!path.startsWith("/")) {
      // absolute-form (a proxy request) or '*' (OPTIONS): no mount serves these
      text(exchange, path.equals("*") ? 200 : 404, path.equals("*") ? "" : "not found: " + target);
      return;
    }
    if (vhost.protocolForPath(path) != null) {
      upgradeRequired(exchange);
      return;
    }
    if (mounts.get(vhost).serve(exchange, path, query)) {
      return;
    }
    HttpResponse response = null;
    if (vhost.config.http() != null) {
      try {
        response = vhost.config.http().handle(request, exchange.remoteAddress());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "HTTP handler of vhost " + vhost.config.name() + " threw; answering 500", e);
        text(exchange, 500, "internal error");
        return;
      }
    }
    if (response != null) {
      exchange.respond(response.status(), null, response.headers(),
          response.body().length == 0 ? null : ByteBuffer.wrap(response.body()));
      return;
    }
    if (vhost.config.http() == null && vhost.config.defaultProtocol() != null && mounts.get(vhost).isEmpty()) {
      upgradeRequired(exchange);
      return;
    }
    text(exchange, 404, "not found: " + path);
  }

  private static void upgradeRequired(ServerExchange exchange) {
    exchange.respond(426, "Upgrade Required",
        Http1Fields.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13",
            "Content-Type", "text/plain; charset=utf-8"),
        ByteBuffer.wrap("this is a WebSocket endpoint: connect with a WebSocket client\n".getBytes(StandardCharsets.UTF_8)));
  }

  private static void text(ServerExchange exchange, int status, String body) {
    exchange.respond(status, null, Http1Fields.of("Content-Type", "text/plain; charset=utf-8"),
        ByteBuffer.wrap((body + "\n").getBytes(StandardCharsets.UTF_8)));
  }
}
