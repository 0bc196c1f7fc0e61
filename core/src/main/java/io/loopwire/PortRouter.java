package io.loopwire;

import io.loopwire.engine.HttpAnswer;
import io.loopwire.engine.ServerRouter;
import io.loopwire.engine.UpgradeDecision;
import io.loopwire.engine.tls.TlsTransport;
import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;
import io.loopwire.protocol.http1.Http1Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;

/**
 * Routes the requests of one listening address to its vhosts (by Host name) and their protocols
 * (by subprotocol, then path, then the vhost's default).
 */
final class PortRouter implements ServerRouter {

  private static final System.Logger LOG = System.getLogger(PortRouter.class.getName());

  private final Loopwire context;
  private final List<VhostRuntime> vhosts = new ArrayList<>();

  PortRouter(Loopwire context) {
    this.context = context;
  }

  void add(VhostRuntime v) {
    vhosts.add(v);
  }

  Http1Limits limits() {
    return Http1Limits.defaults();
  }

  @Override
  public long headerTimeoutNanos() {
    return vhosts.get(0).config.ws().handshakeTimeout().toNanos();
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
    return UpgradeDecision.accept(subprotocol, responseHeaders, binding, Settings.of(vhost.config.ws()));
  }

  private static UpgradeDecision reject(int status, String reason) {
    return UpgradeDecision.reject(status, Http1Fields.of("Content-Type", "text/plain; charset=utf-8"),
        (reason + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public HttpAnswer onRequest(Http1Request request, Transport transport) {
    VhostRuntime vhost = select(request, transport);
    String wrongHost = misdirected(request, transport, vhost);
    if (wrongHost != null) {
      return text(421, "Misdirected Request", wrongHost);
    }
    HttpResponse response = null;
    if (vhost.config.http() != null) {
      try {
        response = vhost.config.http().handle(request, transport.remoteAddress());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "HTTP handler of vhost " + vhost.config.name() + " threw; answering 500", e);
        return text(500, "Internal Server Error", "internal error");
      }
    }
    if (response != null) {
      return new HttpAnswer(response.status(), null, response.headers(), response.body());
    }
    String path = pathOf(request.target());
    if (vhost.protocolForPath(path) != null || (vhost.config.http() == null && vhost.config.defaultProtocol() != null)) {
      return new HttpAnswer(426, "Upgrade Required",
          Http1Fields.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13",
              "Content-Type", "text/plain; charset=utf-8"),
          "this is a WebSocket endpoint: connect with a WebSocket client\n".getBytes(StandardCharsets.UTF_8));
    }
    return text(404, "Not Found", "not found: " + path);
  }

  private static HttpAnswer text(int status, String reason, String body) {
    return new HttpAnswer(status, reason, Http1Fields.of("Content-Type", "text/plain; charset=utf-8"),
        (body + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
