package io.loopwire;

import io.loopwire.engine.HttpAnswer;
import io.loopwire.engine.ServerRouter;
import io.loopwire.engine.UpgradeDecision;
import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;
import io.loopwire.protocol.http1.Http1Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

  private VhostRuntime select(Http1Request request) {
    String host = request.headers().get("Host");
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

  private static String pathOf(String target) {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  @Override
  public UpgradeDecision onUpgrade(Http1Request request, List<String> offered, Transport transport) {
    if (context.isClosing()) {
      return reject(503, "server is shutting down");
    }
    VhostRuntime vhost = select(request);
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
        q < 0 ? null : target.substring(q + 1), request.headers(), offered, protocol.name(), transport.remoteAddress());
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
    VhostRuntime vhost = select(request);
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
