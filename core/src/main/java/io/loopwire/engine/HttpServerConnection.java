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
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One accepted server connection: parses HTTP/1.1 requests and runs them one at a time as
 * {@link ServerExchange}s through the router (so pipelined requests are answered in order), with
 * keep-alive, a header-read timeout, an idle timeout between requests, and a lingering close; and hands a
 * valid WebSocket upgrade to a {@link WsSessionCore}, which then receives every later transport callback.
 *
 * <p>Flow control: while an exchange waits for its handler (a paused body, a pending response, pipelined
 * requests behind it) the parser is not drained, and reading stops once {@value #READ_PAUSE_BYTES} bytes
 * are buffered, so a client can never make the connection hold more than that plus one read.
 *
 * <p>Thread: the transport's loop thread for everything.
 */
public final class HttpServerConnection implements TransportHandler {

  private static final System.Logger LOG = System.getLogger(HttpServerConnection.class.getName());

  /** Buffered request bytes above which reading pauses until the connection catches up. */
  static final int READ_PAUSE_BYTES = 64 * 1024;

  private enum Wait { NONE, HEADER, IDLE, LINGER }

  private final Transport transport;
  private final ServerRouter router;
  private final HttpServerSettings settings;
  /** Null once a WebSocket upgrade took over: an upgraded connection keeps no HTTP state. */
  private Http1RequestParser parser;
  private TransportHandler delegate;
  /** A WebSocket upgrade request whose end of message has not been read yet. */
  private Http1Request pendingUpgrade;
  private ServerExchange active;
  /** No further request will be read: an answer with Connection: close, an error, end of input. */
  private boolean closing;
  private boolean lingering;
  private boolean closed;
  private boolean processing;
  private boolean again;
  private boolean readOn = true;
  private Throwable closeCause;
  /** The loop timer, if one is scheduled, and when it fires; {@link #arm} explains the reuse. */
  private Timer timer;
  private long timerAt;
  /** When the current wait ends (loop clock); meaningful while {@link #waiting} is not NONE. */
  private long deadline;
  private Wait waiting = Wait.NONE;

  public HttpServerConnection(Transport transport, ServerRouter router, Http1Limits limits) {
    this.transport = transport;
    this.router = router;
    this.settings = router.settings();
    this.parser = new Http1RequestParser(limits);
  }

  @Override
  public void onOpen(Transport t) {
    arm(Wait.HEADER);
  }

  // ---- timers ----

  /**
   * Starts waiting for {@code kind}. Keep-alive arms and cancels a wait several times per request, so one
   * loop timer is reused: it stays scheduled while its time is at or before the new deadline, and when it
   * fires early for the current wait it is scheduled again for the rest.
   */
  private void arm(Wait kind) {
    long nanos = timeoutNanos(kind);
    if (nanos <= 0) {
      waiting = Wait.NONE;
      return;
    }
    deadline = transport.thread().nanoTime() + nanos;
    if (timer == null || timerAt - deadline > 0) {
      stopTimer();
      schedule(nanos);
    }
    waiting = kind;
  }

  private long timeoutNanos(Wait kind) {
    return kind == Wait.HEADER ? settings.headerTimeoutNanos()
        : kind == Wait.IDLE ? settings.idleTimeoutNanos() : settings.lingerNanos();
  }

  private void schedule(long delayNanos) {
    timerAt = deadline;
    timer = transport.thread().schedule(Duration.ofNanos(delayNanos), this::onTimer);
  }

  /** Ends the current wait; a scheduled timer stays and does nothing when it fires. */
  private void cancelTimer() {
    waiting = Wait.NONE;
  }

  /** Ends the current wait and releases the timer: the connection closed or became a WebSocket. */
  private void stopTimer() {
    waiting = Wait.NONE;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void onTimer() {
    timer = null;
    if (waiting == Wait.NONE || delegate != null || closed) {
      return;
    }
    long now = transport.thread().nanoTime();
    if (now - deadline < 0) {
      schedule(deadline - now);
      return;
    }
    Wait kind = waiting;
    long nanos = timeoutNanos(kind);
    waiting = Wait.NONE;
    if (kind == Wait.LINGER) {
      transport.close();
      return;
    }
    if (kind == Wait.HEADER && parser.bufferedBytes() > 0 && active == null && pendingUpgrade == null) {
      LOG.log(System.Logger.Level.DEBUG, "no complete request head from {0} within {1} ms; answering 408",
          transport.remoteAddress(), nanos / 1_000_000);
      writeSimple(408, "no complete request head within " + nanos / 1_000_000 + " ms", false);
      lingerClose();
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, "{0} connection from {1} timed out after {2} ms; closing",
        kind == Wait.HEADER ? "silent" : "idle", transport.remoteAddress(), nanos / 1_000_000);
    closing = true;
    transport.close();
  }

  // ---- transport callbacks ----

  @Override
  public void onRead(ByteBuffer data) {
    if (delegate != null) {
      delegate.onRead(data);
      return;
    }
    if (closing) {
      return; // lingering: read and drop until the peer closes
    }
    if (waiting == Wait.IDLE) {
      arm(Wait.HEADER); // the next request has begun: its head must now arrive in time
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
    if (closing) {
      if (!lingering) {
        transport.close();
      }
      return; // lingering: the output is shut, so the transport closes by itself
    }
    parser.receiveEof();
    if (active != null && active.isStream() && active.bodyEnded()) {
      // a client that half-closes during an endless stream (SSE) has gone away
      closeCause = new EOFException("the client closed the connection during a streamed response");
      closing = true;
      transport.close();
      return;
    }
    process();
  }

  @Override
  public void onWriteDrained() {
    if (delegate != null) {
      delegate.onWriteDrained();
      return;
    }
    if (active != null) {
      active.onDrained();
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    closed = true;
    stopTimer();
    if (delegate != null) {
      delegate.onClosed(cause);
      return;
    }
    ServerExchange ex = active;
    active = null;
    if (ex != null) {
      ex.terminate(cause != null ? cause : closeCause != null ? closeCause
          : new IOException("the connection closed before the exchange completed"));
    }
  }

  // ---- what exchanges call ----

  /** Flushes now, unless the connection is in the middle of processing (it flushes when it is done). */
  void flush() {
    if (!processing) {
      transport.flush();
      if (active != null) {
        active.onDrained();
      }
    }
  }

  /** An exchange may go on: its body was asked for or resumed. */
  void wakeUp() {
    process();
  }

  void onResponseDone(ServerExchange ex) {
    if (ex == active) {
      process();
    }
  }

  boolean acceptsMoreRequests() {
    return !closing;
  }

  /** Resets the connection (a response that cannot be completed, a failed file read). */
  void failConnection(Throwable cause) {
    if (closeCause == null) {
      closeCause = cause;
    }
    closing = true;
    transport.abort();
  }

  /** Whether the HTTP parser is still held (it is dropped at a WebSocket upgrade); for tests. */
  boolean holdsParser() {
    return parser != null;
  }

  // ---- the request loop ----

  private void process() {
    if (processing) {
      again = true;
      return;
    }
    processing = true;
    try {
      do {
        again = false;
        step();
      } while (again && !closed);
    } finally {
      processing = false;
    }
    if (closed) {
      return;
    }
    if (delegate != null && !readOn) {
      readOn = true;
      transport.setReadInterest(true);
    }
    if (delegate == null) {
      boolean on = !closing && parser.bufferedBytes() < READ_PAUSE_BYTES;
      if (on != readOn && !lingering) {
        readOn = on;
        transport.setReadInterest(on);
      }
    }
    transport.flush();
    if (active != null) {
      active.onDrained();
    }
  }

  private void step() {
    while (delegate == null && !closing && !closed) {
      ServerExchange ex = active;
      if (ex != null) {
        if (ex.responseDone()) {
          if (!ex.keepAlive()) {
            lingerClose();
            return;
          }
          if (ex.bodyEnded()) {
            ex.finish();
            active = null;
            arm(parser.bufferedBytes() > 0 ? Wait.HEADER : Wait.IDLE);
            continue;
          }
        }
        if (ex.bodyEnded() || !ex.wantsBody()) {
          return; // the exchange waits for its handler
        }
      }
      Http1Event ev;
      try {
        ev = parser.nextEvent();
      } catch (RemoteProtocolException e) {
        protocolError(e);
        return;
      }
      if (ev instanceof Http1Event.RequestHead h) {
        onHead(h.request());
      } else if (ev instanceof Http1Event.Body b) {
        if (active != null) {
          active.deliver(b.data());
        }
        // the body of an upgrade request is read (bounded by the limits) and dropped
      } else if (ev instanceof Http1Event.EndOfMessage end) {
        if (pendingUpgrade != null) {
          Http1Request req = pendingUpgrade;
          pendingUpgrade = null;
          upgrade(req);
          return;
        }
        if (active != null) {
          active.endOfBody(end.trailers());
        }
      } else if (ev == Http1Event.Signal.PAUSED) {
        // a non-WebSocket Upgrade (h2c, ...) was answered as plain HTTP: go on with HTTP
        parser.resume();
      } else if (ev == Http1Event.Signal.END_OF_INPUT) {
        closing = true;
        cancelTimer();
        transport.close();
        return;
      } else {
        return; // NEED_DATA
      }
    }
  }

  private void onHead(Http1Request req) {
    cancelTimer();
    if (isWebSocketUpgrade(req)) {
      pendingUpgrade = req;
      return;
    }
    if (req.isConnect()) {
      writeSimple(405, "CONNECT is not served here: this is not a proxy", false, "Allow",
          "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH");
      lingerClose();
      return;
    }
    long length = declaredLength(req);
    ServerExchange ex = new ServerExchange(this, transport, settings, req, length);
    active = ex;
    if (length == 0) {
      // no body: read its end now, so the handler sees a complete request
      Http1Event ev = parser.nextEvent();
      if (ev instanceof Http1Event.EndOfMessage end) {
        ex.endOfBody(end.trailers());
      }
    }
    try {
      router.onRequest(ex);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the HTTP handler for " + req.method() + " " + req.target()
          + " threw; answering 500", e);
      if (!ex.answerForConnection(500, "internal error")) {
        failConnection(e);
      }
    }
  }

  /** The body length the head declares: 0 for none, -1 for chunked (validated by the parser already). */
  private static long declaredLength(Http1Request req) {
    if (req.headers().contains("Transfer-Encoding")) {
      return -1;
    }
    String cl = req.headers().get("Content-Length");
    if (cl == null) {
      return 0;
    }
    int comma = cl.indexOf(',');
    return Long.parseLong((comma < 0 ? cl : cl.substring(0, comma)).strip());
  }

  private void protocolError(RemoteProtocolException e) {
    LOG.log(System.Logger.Level.DEBUG, "bad request from {0}: {1}", transport.remoteAddress(), e.getMessage());
    int status = e.statusHint() == 0 ? 400 : e.statusHint();
    ServerExchange ex = active;
    if (ex != null) {
      if (!ex.answerForConnection(status, e.getMessage())) {
        failConnection(e); // a response is under way: its framing cannot be repaired
        return;
      }
      closeCause = e;
    } else {
      writeSimple(status, e.getMessage(), false);
    }
    lingerClose();
  }

  /**
   * This side will read no more requests: shut the output once the queue is written, and read and drop
   * what the client still sends until it closes or the linger time runs out, so that it receives the
   * last response instead of a reset.
   */
  private void lingerClose() {
    if (lingering || closed) {
      return;
    }
    closing = true;
    lingering = true;
    transport.flush();
    transport.shutdownOutput();
    if (!readOn) {
      readOn = true;
      transport.setReadInterest(true);
    }
    arm(Wait.LINGER);
    if (waiting != Wait.LINGER) {
      transport.close(); // no linger time configured
    }
  }

  /** Writes a complete short text response with Connection: close. */
  void writeSimple(int status, String message, boolean headOnly, String... extraHeaders) {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    Http1Fields.Builder h = Http1Fields.builder();
    for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
      h.add(extraHeaders[i], extraHeaders[i + 1]);
    }
    h.add("Content-Type", "text/plain; charset=utf-8").add("Content-Length", Integer.toString(body.length))
        .add("Connection", "close").add("Date", HttpDates.now());
    transport.write(Http1Serializer.responseHead(Http1Response.of(status, h.build())));
    if (!headOnly) {
      transport.write(ByteBuffer.wrap(body));
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
    DeflateSetup deflate = d.settings().deflateSetup();
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
    parser = null; // from here on this object only forwards to the session
    DeflateTransform transform = deflate.transform(WsRole.SERVER, extensions);
    WsConnection conn = new WsConnection(WsRole.SERVER, d.settings().limits(), null, transform);
    WsSessionCore core = new WsSessionCore(transport, conn, d.endpoint(), d.settings(), false, transform);
    stopTimer();
    delegate = core;
    core.start(leftover);
  }

  private static Http1Fields withTextType(Http1Fields h) {
    return h.contains("Content-Type") ? h : h.toBuilder().add("Content-Type", "text/plain; charset=utf-8").build();
  }

  private void respond(HttpAnswer a, boolean keepAlive) {
    Http1Fields.Builder h = a.headers().toBuilder();
    h.set("Content-Length", Integer.toString(a.body() == null ? 0 : a.body().length));
    h.set("Connection", "close");
    String reason = a.reason() != null ? a.reason() : Http1Response.defaultReason(a.status());
    transport.write(Http1Serializer.responseHead(new Http1Response(a.status(), reason, Http1Version.HTTP_1_1,
        h.build())));
    if (a.body() != null && a.body().length > 0) {
      transport.write(ByteBuffer.wrap(a.body()));
    }
    lingerClose();
  }
}
