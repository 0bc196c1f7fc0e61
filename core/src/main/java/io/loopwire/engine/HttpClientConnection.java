package io.loopwire.engine;

import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.http1.Http1Event;
import io.loopwire.protocol.http1.Http1Response;
import io.loopwire.protocol.http1.Http1ResponseParser;
import io.loopwire.protocol.uri.Uri;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One client connection to an origin (directly, through a plain proxy, or through a CONNECT tunnel,
 * with TLS slotted in by the {@link TlsWrapper}): a queue of requests sent one at a time, each response
 * read before the next request goes out, keep-alive in between.
 *
 * <p>When the connection dies, what it held is settled exactly once per request: the request in flight
 * is retried (dispatched again, once) if its method is idempotent and no byte of its response arrived,
 * and otherwise failed; requests still queued were never sent, so they are dispatched again. A connect
 * that fails fails the requests queued on it (retrying a dead server would only loop).
 *
 * <p>Thread: everything on its origin's loop thread.
 */
final class HttpClientConnection implements TransportHandler {

  private static final System.Logger LOG = System.getLogger(HttpClientConnection.class.getName());
  private static final int READ_PAUSE_BYTES = 64 * 1024;

  private enum State { CONNECTING, OPEN, CLOSED }

  private final HttpClientPool pool;
  private final HttpClientPool.Origin origin;
  private final HttpClientSettings settings;
  private final LoopThread thread;
  private final boolean viaProxy;
  private final ArrayDeque<ClientExchange> queue = new ArrayDeque<>();

  private State state = State.CONNECTING;
  private ClientExchange inFlight;
  private Http1Response currentHead;
  private Transport transport;
  private Transport raw;
  private ConnectRequest connectRequest;
  private Http1ResponseParser parser;
  private Timer connectTimer;
  private Timer headerTimer;
  private Timer idleTimer;
  private boolean readOn = true;
  private boolean eofReceived;
  private boolean processing;
  private boolean again;

  HttpClientConnection(HttpClientPool.Origin origin) {
    this.pool = origin.pool();
    this.origin = origin;
    this.settings = pool.settings();
    this.thread = origin.thread;
    this.viaProxy = settings.proxyHost() != null;
  }

  // ---- what the origin asks ----

  boolean isIdle() {
    return state != State.CLOSED && inFlight == null && queue.isEmpty();
  }

  int queued() {
    return queue.size();
  }

  int load() {
    return queue.size() + (inFlight != null ? 1 : 0);
  }

  void enqueue(ClientExchange ex) {
    ex.connection = this;
    queue.add(ex);
    if (state == State.OPEN) {
      startNext();
    }
  }

  /** Takes {@code ex} back (cancelled or timed out); the caller fails it. */
  void abandon(ClientExchange ex) {
    ex.connection = null;
    if (inFlight == ex) {
      // its response is under way or owed: this connection's framing cannot be trusted any more
      inFlight = null;
      lost(new CancellationException("the request in flight was abandoned"));
    } else {
      queue.remove(ex);
    }
  }

  /** The client is closing: every request here fails CANCELLED, and the connection is dropped. */
  void shutdown() {
    ClientExchange ex = inFlight;
    inFlight = null;
    if (ex != null && !ex.isDone()) {
      ex.fail(ClientFailure.CANCELLED, "the HTTP client was closed", null);
    }
    for (ClientExchange q : queue) {
      if (!q.isDone()) {
        q.fail(ClientFailure.CANCELLED, "the HTTP client was closed", null);
      }
    }
    queue.clear();
    lost(new CancellationException("the HTTP client was closed"));
  }

  // ---- connecting ----

  void start() {
    long timeout = settings.connectTimeoutNanos();
    if (timeout > 0) {
      connectTimer = thread.schedule(Duration.ofNanos(timeout), () -> {
        if (state == State.CONNECTING) {
          if (connectRequest != null) {
            connectRequest.cancel();
          }
          if (raw != null) {
            raw.abort();
          }
          connectFailed(ClientFailure.CONNECT_TIMEOUT, "no connection to " + target() + " within "
              + timeout / 1_000_000 + " ms", new SocketTimeoutException("connect timeout"));
        }
      });
    }
    String host = viaProxy ? settings.proxyHost() : origin.host;
    if (isLiteral(host)) {
      try {
        connect(InetAddress.getByName(host));
      } catch (UnknownHostException e) {
        connectFailed(ClientFailure.RESOLVE, "cannot parse address '" + host + "'", e);
      }
      return;
    }
    try {
      pool.resolver().execute(() -> {
        InetAddress a;
        try {
          a = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
          onThread(() -> connectFailed(ClientFailure.RESOLVE, "cannot resolve host '" + host + "'", e));
          return;
        }
        onThread(() -> connect(a));
      });
    } catch (RejectedExecutionException e) {
      connectFailed(ClientFailure.CANCELLED, "the context is closing", e);
    }
  }

  private void onThread(Runnable r) {
    try {
      thread.execute(r);
    } catch (RejectedExecutionException e) {
      // the loop is gone; it failed or will fail this connection's requests as it closes
    }
  }

  private String target() {
    return viaProxy ? "proxy " + settings.proxyHost() + ":" + settings.proxyPort() : origin.hostForHeader + ":"
        + origin.port;
  }

  private static boolean isLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return !host.isEmpty();
  }

  private void connect(InetAddress address) {
    if (state != State.CONNECTING) {
      return;
    }
    TransportHandler h = this;
    if (origin.secure) {
      try {
        h = settings.tls().wrap(origin.host, origin.port, h);
      } catch (RuntimeException e) {
        connectFailed(ClientFailure.TLS, "cannot set up TLS for " + origin.host + ": " + e.getMessage(), e);
        return;
      }
      if (viaProxy) {
        h = new ProxyTunnel(origin.hostForHeader + ":" + origin.port, settings.proxyHeaders(), settings.limits(), h,
            0); // the connect timer covers the tunnel
      }
    }
    int port = viaProxy ? settings.proxyPort() : origin.port;
    long left = settings.connectTimeoutNanos() > 0 ? settings.connectTimeoutNanos() : Duration.ofMinutes(5).toNanos();
    TransportHandler tracked = pool.track(new Tap(h));
    try {
      connectRequest = pool.loop().connect(new InetSocketAddress(address, port), thread, tracked,
          Duration.ofNanos(left));
    } catch (IllegalArgumentException e) {
      tracked.onConnectFailed(e); // nothing started: this is its one terminal callback (and it leaves the tracker)
    }
  }

  /** Records the raw transport, so a connect timeout can drop it while a tunnel or TLS is still opening. */
  private final class Tap implements TransportHandler {
    private final TransportHandler next;

    Tap(TransportHandler next) {
      this.next = next;
    }

    @Override
    public void onOpen(Transport t) {
      raw = t;
      if (state != State.CONNECTING) {
        t.abort();
        return;
      }
      next.onOpen(t);
    }

    @Override
    public void onRead(ByteBuffer data) {
      next.onRead(data);
    }

    @Override
    public void onReadEof() {
      next.onReadEof();
    }

    @Override
    public void onWriteDrained() {
      next.onWriteDrained();
    }

    @Override
    public void onClosed(Throwable cause) {
      next.onClosed(cause);
    }

    @Override
    public void onConnectFailed(Throwable cause) {
      next.onConnectFailed(cause);
    }
  }

  @Override
  public void onConnectFailed(Throwable cause) {
    if (state != State.CONNECTING) {
      return;
    }
    if (cause instanceof ProxyTunnel.ProxyRefusedException) {
      connectFailed(ClientFailure.PROXY, cause.getMessage(), cause);
    } else if (cause instanceof SSLException) {
      connectFailed(ClientFailure.TLS, "TLS handshake with " + target() + " failed: " + cause.getMessage(), cause);
    } else if (cause instanceof SocketTimeoutException) {
      connectFailed(ClientFailure.CONNECT_TIMEOUT, "no connection to " + target() + ": " + cause.getMessage(), cause);
    } else if (cause instanceof CancellationException) {
      connectFailed(ClientFailure.CANCELLED, "the connect was cancelled", cause);
    } else {
      connectFailed(ClientFailure.CONNECT, "cannot connect to " + target() + ": " + cause.getMessage(), cause);
    }
  }

  private void connectFailed(ClientFailure failure, String message, Throwable cause) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancelTimers();
    origin.closed(this);
    List<ClientExchange> waiting = new ArrayList<>(queue);
    queue.clear();
    for (ClientExchange ex : waiting) {
      ex.connection = null;
      if (!ex.isDone()) {
        ex.fail(failure, message, cause);
      }
    }
  }

  @Override
  public void onOpen(Transport t) {
    if (state != State.CONNECTING) {
      t.abort();
      return;
    }
    state = State.OPEN;
    transport = t;
    cancel(connectTimer);
    connectTimer = null;
    pool.counters().connectionsOpened.incrementAndGet();
    parser = new Http1ResponseParser(settings.limits().withMaxBodyBytes(Long.MAX_VALUE));
    startNext();
  }

  // ---- requests ----

  private void startNext() {
    if (state != State.OPEN || inFlight != null) {
      return;
    }
    ClientExchange next = queue.poll();
    while (next != null && next.isDone()) {
      next = queue.poll();
    }
    ClientExchange ex = next;
    if (ex == null) {
      becomeIdle();
      return;
    }
    cancel(idleTimer);
    idleTimer = null;
    List<ByteBuffer> bytes;
    try {
      bytes = ex.encode(viaProxy && !origin.secure, settings.proxyHeaders());
    } catch (IllegalArgumentException e) {
      ex.connection = null;
      ex.fail(ClientFailure.PROTOCOL, "the request cannot be sent: " + e.getMessage(), e);
      startNext();
      return;
    }
    inFlight = ex;
    currentHead = null;
    ex.attemptOn(this);
    parser.expectResponse(ex.method());
    for (ByteBuffer b : bytes) {
      transport.write(b);
    }
    transport.flush();
    long timeout = settings.headerTimeoutNanos();
    if (timeout > 0) {
      headerTimer = thread.schedule(Duration.ofNanos(timeout), () -> {
        if (inFlight == ex && currentHead == null) {
          inFlight = null;
          ex.connection = null;
          ex.fail(ClientFailure.HEADER_TIMEOUT, "no response head from " + target() + " within "
              + timeout / 1_000_000 + " ms", new TimeoutException("response header timeout"));
          lost(new TimeoutException("response header timeout"));
        }
      });
    }
  }

  private void becomeIdle() {
    long timeout = settings.idleTimeoutNanos();
    if (timeout > 0 && idleTimer == null) {
      idleTimer = thread.schedule(Duration.ofNanos(timeout), () -> {
        idleTimer = null;
        if (state == State.OPEN && inFlight == null && queue.isEmpty()) {
          state = State.CLOSED;
          cancelTimers();
          origin.closed(this);
          transport.close();
        }
      });
    }
  }

  @Override
  public void onRead(ByteBuffer data) {
    if (state != State.OPEN) {
      return;
    }
    if (inFlight != null) {
      inFlight.responseByteReceived = true;
    }
    parser.receive(data);
    process();
  }

  @Override
  public void onReadEof() {
    if (state != State.OPEN) {
      return;
    }
    eofReceived = true;
    parser.receiveEof();
    process();
    lost(new EOFException("the server closed the connection"));
  }

  @Override
  public void onWriteDrained() {
    // requests are written whole; nothing waits for a drain
  }

  @Override
  public void onClosed(Throwable cause) {
    lost(cause != null ? cause : new IOException("the connection was closed"));
  }

  /** Reads response events until it must wait. Re-entrant calls (a listener resuming) loop again. */
  void process() {
    if (processing) {
      again = true;
      return;
    }
    processing = true;
    try {
      do {
        again = false;
        step();
      } while (again && state == State.OPEN);
    } finally {
      processing = false;
    }
    if (state == State.OPEN) {
      boolean on = parser.bufferedBytes() < READ_PAUSE_BYTES;
      if (on != readOn) {
        readOn = on;
        transport.setReadInterest(on);
      }
    }
  }

  private void step() {
    while (state == State.OPEN) {
      if (inFlight != null && inFlight.paused) {
        return;
      }
      Http1Event ev;
      try {
        ev = parser.nextEvent();
      } catch (RemoteProtocolException e) {
        protocolFailure(e);
        return;
      }
      if (ev instanceof Http1Event.ResponseHead h) {
        if (h.response().isInformational() && h.response().status() != 101) {
          continue; // 100 Continue, 103 Early Hints: the final response follows
        }
        currentHead = h.response();
        cancel(headerTimer);
        headerTimer = null;
        if (h.response().status() == 101) {
          failInFlight(ClientFailure.PROTOCOL, "the server switched protocols (101) on a plain request", null);
          return;
        }
        ClientExchange ex = inFlight;
        if (!call(() -> ex.onHead(h.response(), settings.maxResponseBodyBytes()))) {
          return;
        }
      } else if (ev instanceof Http1Event.Body b) {
        ClientExchange ex = inFlight;
        boolean[] ok = {true};
        if (!call(() -> ok[0] = ex.onData(b.data()))) {
          return;
        }
        if (!ok[0]) {
          failInFlight(ClientFailure.BODY_TOO_LARGE, "the response body is larger than "
              + settings.maxResponseBodyBytes() + " bytes (maxResponseBodyBytes; use a streaming request)", null);
          return;
        }
      } else if (ev instanceof Http1Event.EndOfMessage end) {
        ClientExchange ex = inFlight;
        inFlight = null;
        ex.connection = null;
        boolean keep = ex.keepAlive() && currentHead.keepAlive();
        Uri next = ex.onEnd(end.trailers());
        if (next != null) {
          pool.submit(ex); // a redirect: the same request goes on, maybe to another origin
        }
        if (!keep) {
          closeAfterResponse();
          return;
        }
        startNext();
      } else if (ev == Http1Event.Signal.END_OF_INPUT) {
        lost(new EOFException("the server closed the connection"));
        return;
      } else if (ev == Http1Event.Signal.PAUSED) {
        failInFlight(ClientFailure.PROTOCOL, "the server switched protocols on a plain request", null);
        return;
      } else {
        return; // NEED_DATA
      }
    }
  }

  /** Runs a call into the request's listener; if it throws, the request fails and the connection goes. */
  private boolean call(Runnable r) {
    try {
      r.run();
      return true;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a response listener threw; failing the request", e);
      failInFlight(ClientFailure.CANCELLED, "the response listener threw: " + e, e);
      return false;
    }
  }

  private void failInFlight(ClientFailure failure, String message, Throwable cause) {
    ClientExchange ex = inFlight;
    inFlight = null;
    if (ex != null && !ex.isDone()) {
      ex.connection = null;
      ex.fail(failure, message, cause);
    }
    lost(cause != null ? cause : new IOException(message));
  }

  private void protocolFailure(RemoteProtocolException e) {
    if (eofReceived) {
      failInFlight(ClientFailure.CLOSED, "the server closed the connection before the response was complete ("
          + e.getMessage() + ")", e);
    } else {
      failInFlight(ClientFailure.PROTOCOL, "malformed response from " + target() + ": " + e.getMessage(), e);
    }
  }

  /** The server or the request said Connection: close; what is queued goes elsewhere. */
  private void closeAfterResponse() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancelTimers();
    origin.closed(this);
    redispatchQueued();
    transport.close();
  }

  /**
   * The connection is gone (or must go): settle the request in flight (retry or fail) and send the queued
   * ones elsewhere. Exactly once per connection.
   */
  private void lost(Throwable cause) {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasConnecting = state == State.CONNECTING;
    state = State.CLOSED;
    cancelTimers();
    origin.closed(this);
    if (wasConnecting) {
      // only a shutdown ends a connection that is still connecting; its requests were never sent
      if (connectRequest != null) {
        connectRequest.cancel();
      }
      if (raw != null) {
        raw.abort();
      }
      List<ClientExchange> waiting = new ArrayList<>(queue);
      queue.clear();
      for (ClientExchange ex : waiting) {
        ex.connection = null;
        if (!ex.isDone()) {
          ex.fail(ClientFailure.CANCELLED, "the connection was dropped while connecting: " + cause, cause);
        }
      }
      return;
    }
    ClientExchange ex = inFlight;
    inFlight = null;
    if (ex != null && !ex.isDone()) {
      ex.connection = null;
      if (!ex.responseByteReceived && ex.retryable() && ex.attempts < ClientExchange.MAX_ATTEMPTS
          && !pool.isClosed()) {
        pool.counters().retried.incrementAndGet();
        LOG.log(System.Logger.Level.DEBUG, "retrying {0}: its connection closed before any response byte", ex);
        origin.dispatch(ex);
      } else if (ex.responseByteReceived) {
        ex.fail(ClientFailure.CLOSED, "the connection to " + target() + " closed during the response", cause);
      } else {
        ex.fail(ClientFailure.CLOSED, "the connection to " + target() + " closed before any response byte"
            + (ex.retryable() ? " (already retried)" : "; not retried, since " + ex.method()
            + " is not idempotent"), cause);
      }
    }
    redispatchQueued();
    if (transport != null) {
      transport.abort();
    }
  }

  private void redispatchQueued() {
    List<ClientExchange> waiting = new ArrayList<>(queue);
    queue.clear();
    for (ClientExchange q : waiting) {
      if (!q.isDone()) {
        q.connection = null;
        pool.counters().redispatched.incrementAndGet();
        origin.dispatch(q);
      }
    }
  }

  private void cancelTimers() {
    cancel(connectTimer);
    cancel(headerTimer);
    cancel(idleTimer);
    connectTimer = headerTimer = idleTimer = null;
  }

  private static void cancel(Timer t) {
    if (t != null) {
      t.cancel();
    }
  }
}
