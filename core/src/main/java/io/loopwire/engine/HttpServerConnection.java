package io.loopwire.engine;

import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.http1.Http1Event;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;
import io.loopwire.protocol.http1.Http1Request;
import io.loopwire.protocol.http1.Http1RequestParser;
import io.loopwire.protocol.http1.Http1Response;
import io.loopwire.protocol.http1.Http1Serializer;
import io.loopwire.protocol.http1.Http1Version;
import io.loopwire.protocol.deflate.DeflateTransform;
import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsExtensionNegotiation;
import io.loopwire.protocol.ws.WsExtensionOffer;
import io.loopwire.protocol.ws.WsRole;
import io.loopwire.protocol.ws.WsServerHandshake;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One accepted server connection: parses HTTP/1.1 requests, answers plain ones through the router (in
 * order, with keep-alive), and hands a valid WebSocket upgrade to a {@link WsSessionCore}, which then
 * receives every later transport callback.
 *
 * <p>Thread: the transport's loop thread for everything.
 */
public final class HttpServerConnection implements TransportHandler {

  private static final System.Logger LOG = System.getLogger(HttpServerConnection.class.getName());

  private final Transport transport;
  private final ServerRouter router;
  private final Http1RequestParser parser;
  private TransportHandler delegate;
  private Http1Request current;
  private boolean closing;
  private Timer headerTimer;

  public HttpServerConnection(Transport transport, ServerRouter router, Http1Limits limits) {
    this.transport = transport;
    this.router = router;
    this.parser = new Http1RequestParser(limits);
  }

  @Override
  public void onOpen(Transport t) {
    armHeaderTimer();
  }

  private void armHeaderTimer() {
    long nanos = router.headerTimeoutNanos();
    if (nanos > 0) {
      headerTimer = transport.thread().schedule(Duration.ofNanos(nanos), () -> {
        if (delegate == null && !closing) {
          LOG.log(System.Logger.Level.DEBUG, "no complete request head from {0} within {1} ms; closing",
              transport.remoteAddress(), nanos / 1_000_000);
          closing = true;
          transport.abort();
        }
      });
    }
  }

  private void cancelHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel();
      headerTimer = null;
    }
  }

  @Override
  public void onRead(ByteBuffer data) {
    if (delegate != null) {
      delegate.onRead(data);
      return;
    }
    if (closing) {
      return;
    }
    parser.receive(data);
    process();
  }

  @Override
  public void onReadEof() {
    if (delegate != null) {
      delegate.onReadEof();
      return;
    }
    parser.receiveEof();
    process();
    if (delegate == null) {
      transport.close();
    }
  }

  @Override
  public void onWriteDrained() {
    if (delegate != null) {
      delegate.onWriteDrained();
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    cancelHeaderTimer();
    if (delegate != null) {
      delegate.onClosed(cause);
    }
  }

  private void process() {
    while (!closing && delegate == null) {
      Http1Event ev;
      try {
        ev = parser.nextEvent();
      } catch (RemoteProtocolException e) {
        LOG.log(System.Logger.Level.DEBUG, "bad request from {0}: {1}", transport.remoteAddress(), e.getMessage());
        int status = e.statusHint() == 0 ? 400 : e.statusHint();
        respond(new HttpAnswer(status, null, Http1Fields.of("Content-Type", "text/plain; charset=utf-8"),
            (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8)), false);
        return;
      }
      if (ev instanceof Http1Event.RequestHead h) {
        cancelHeaderTimer();
        current = h.request();
      } else if (ev instanceof Http1Event.Body) {
        // plain handlers get no body yet: it is read (bounded by the limits) and dropped
      } else if (ev instanceof Http1Event.EndOfMessage) {
        Http1Request req = current;
        current = null;
        if (isWebSocketUpgrade(req)) {
          upgrade(req);
          return;
        }
        boolean keepAlive = req.keepAlive() && !req.isUpgrade() && !req.isConnect();
        respond(router.onRequest(req, transport), keepAlive, req.method().equals("HEAD"));
        if (!keepAlive) {
          return;
        }
        if (parser.state() == io.loopwire.protocol.http1.Http1ParserState.PAUSED) {
          parser.resume();
        }
        armHeaderTimer();
      } else if (ev == Http1Event.Signal.PAUSED) {
        // an upgrade or CONNECT we do not serve: answered above with Connection: close
        return;
      } else if (ev == Http1Event.Signal.END_OF_INPUT) {
        closing = true;
        transport.close();
        return;
      } else {
        transport.flush();
        return;
      }
    }
  }

  private static boolean isWebSocketUpgrade(Http1Request req) {
    return req.headers().containsToken("Upgrade", "websocket");
  }

  private void upgrade(Http1Request req) {
    String version = req.version() == Http1Version.HTTP_1_1 ? "HTTP/1.1" : "HTTP/1.0";
    WsServerHandshake.Result result = WsServerHandshake.validate(req.method(), version, req.headers());
    if (result instanceof WsServerHandshake.Rejection r) {
      LOG.log(System.Logger.Level.DEBUG, "rejected upgrade from {0}: {1}", transport.remoteAddress(), r.reason());
      respond(new HttpAnswer(r.status(), null, withTextType(r.headers()),
          (r.reason() + "\n").getBytes(StandardCharsets.UTF_8)), false);
      return;
    }
    WsServerHandshake.Offer offer = (WsServerHandshake.Offer) result;
    UpgradeDecision d = router.onUpgrade(req, offer.subprotocols(), transport);
    if (!d.accepted()) {
      respond(new HttpAnswer(d.status(), null, d.headers(), d.body()), false);
      return;
    }
    DeflateSetup deflate = DeflateSetup.of(d.settings().deflate());
    List<WsExtensionOffer> extensions = WsExtensionNegotiation.negotiate(offer.extensions(), deflate.negotiators());
    Http1Fields headers;
    try {
      headers = WsServerHandshake.acceptResponseHeaders(offer, d.subprotocol(),
          extensions.isEmpty() ? null : WsExtensionNegotiation.format(extensions), d.headers());
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "handshake headers refused: " + e.getMessage());
      respond(new HttpAnswer(500, null, Http1Fields.empty(), new byte[0]), false);
      return;
    }
    transport.write(Http1Serializer.responseHead(new Http1Response(101, "Switching Protocols",
        Http1Version.HTTP_1_1, headers)));
    ByteBuffer leftover = parser.takeLeftover();
    DeflateTransform transform = deflate.transform(WsRole.SERVER, extensions);
    WsConnection conn = new WsConnection(WsRole.SERVER, d.settings().limits(), null, transform);
    WsSessionCore core = new WsSessionCore(transport, conn, d.endpoint(), d.settings(), false, transform);
    delegate = core;
    core.start(leftover);
  }

  private static Http1Fields withTextType(Http1Fields h) {
    return h.contains("Content-Type") ? h : h.toBuilder().add("Content-Type", "text/plain; charset=utf-8").build();
  }

  private void respond(HttpAnswer a, boolean keepAlive) {
    respond(a, keepAlive, false);
  }

  private void respond(HttpAnswer a, boolean keepAlive, boolean head) {
    Http1Fields.Builder h = a.headers().toBuilder();
    h.set("Content-Length", Integer.toString(a.body() == null ? 0 : a.body().length));
    if (!keepAlive) {
      h.set("Connection", "close");
    }
    String reason = a.reason() != null ? a.reason() : Http1Response.defaultReason(a.status());
    transport.write(Http1Serializer.responseHead(new Http1Response(a.status(), reason, Http1Version.HTTP_1_1,
        h.build())));
    if (!head && a.body() != null && a.body().length > 0) {
      transport.write(ByteBuffer.wrap(a.body()));
    }
    transport.flush();
    if (!keepAlive) {
      closing = true;
      cancelHeaderTimer();
      transport.close();
    }
  }
}
