package io.loopwire.engine.tls;

import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.LocalProtocolException;
import io.loopwire.protocol.tls.TlsConnection;
import io.loopwire.protocol.tls.TlsEvent;
import io.loopwire.protocol.tls.TlsHelloPeek;
import io.loopwire.protocol.tls.TlsLimits;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * TLS as a decorator between a loop's {@link Transport} and the handler above it: to the loop it is the
 * {@link TransportHandler}, to the handler above (HTTP server connection, WebSocket client connector) it
 * is the {@link Transport}, carrying plaintext. Every loop therefore gets TLS without code of its own, and
 * the layers above need none either. The protocol work is a {@link TlsConnection}; this class moves its
 * bytes, keeps the handshake timeout and runs the engine's delegated tasks off the loop.
 *
 * <p>What the handler above sees:
 * <ul>
 *   <li>{@code onOpen} only once the handshake is done. A server connection whose handshake fails or
 *       times out is closed without a word to it; a client's gets {@code onConnectFailed} with an
 *       {@link SSLHandshakeException} whose message says what was wrong (see {@link TlsFailures}).</li>
 *   <li>{@code onRead} with plaintext, one record at a time, while its read interest is on. Pausing reading
 *       pauses the socket too, so a peer that sends faster than the handler reads is slowed by TCP.</li>
 *   <li>{@code onReadEof} when the peer's close_notify arrives, or when TCP ends without one (logged at
 *       DEBUG as a possible truncation; the protocols above detect a cut message themselves).</li>
 *   <li>{@code onWriteDrained} as the loop gives it: at most once per flush that left bytes queued (here:
 *       plaintext not yet wrapped, or ciphertext not yet written), never from inside a call.</li>
 *   <li>{@code onClosed} exactly once after {@code onOpen}; {@link #close} sends close_notify after the
 *       queued data, {@link #shutdownOutput} too, {@link #abort} does not.</li>
 * </ul>
 *
 * <p>Delegated tasks (certificate path checks, key agreement) run on the given executor, never on the
 * loop thread; meanwhile the connection reads nothing and the loop serves its other connections. The
 * results come back through {@link LoopThread#execute}.
 *
 * <p>Thread: the loop thread of the underlying transport for everything, except the {@link Transport}
 * methods documented as any-thread.
 */
public final class TlsTransport implements Transport, TransportHandler {

  private static final System.Logger LOG = System.getLogger(TlsTransport.class.getName());

  /** Picks the engine of a server connection by the server name its client asked for. */
  @FunctionalInterface
  public interface ServerEngines {

    /**
     * Returns a new engine in server mode, its parameters (ALPN, client authentication, protocols) set.
     *
     * <p>Thread: loop; must not block. Calls: once per connection whose ClientHello was read.
     * Ownership: the engine is transferred to the connection. May: throw, which aborts the connection.
     *
     * @param serverName the SNI host name, lower-case, or {@code null} if the client sent none
     */
    SSLEngine engineFor(String serverName);
  }

  private enum AppState { WAITING, OPEN, ENDED }

  private final boolean client;
  private final ServerEngines engines;
  private final Executor tasks;
  private final long handshakeTimeoutNanos;
  private final TlsLimits limits;
  private final String peerHost;
  private TransportHandler app;

  private volatile boolean open = true;
  private Transport raw;
  private SSLEngine engine;
  private TlsConnection tls;
  private ByteBuffer hello;
  private String serverName;
  private Timer handshakeTimer;

  private AppState appState = AppState.WAITING;
  private boolean appReadWanted = true;
  private boolean rawReadOn = true;
  private boolean appDrainWanted;
  private boolean appEofDelivered;
  private boolean tasksRunning;
  private boolean resumeScheduled;
  private boolean closeRequested;
  private boolean closeDone;
  private boolean shutdownRequested;
  private boolean shutdownDone;
  private boolean aborting;
  private boolean failed;
  private boolean rawClosed;
  private SSLException tlsFailure;
  private Throwable appFailure;

  private TlsTransport(boolean client, SSLEngine engine, ServerEngines engines, Executor tasks,
      Duration handshakeTimeout, TlsLimits limits, String peerHost) {
    this.client = client;
    this.engine = engine;
    this.engines = engines;
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
    this.limits = Objects.requireNonNull(limits, "limits");
    this.peerHost = peerHost;
  }

  /**
   * The handler to give {@link io.loopwire.loop.Loop#connect} (or {@code adopt}) for a TLS client
   * connection; {@code app} hears {@code onOpen} with this transport once the handshake is done, or
   * {@code onConnectFailed} (with an {@link SSLHandshakeException} when TCP connected but TLS failed).
   *
   * @param engine in client mode, with endpoint identification and SNI set; transferred
   * @param tasks runs delegated tasks; borrowed
   * @param handshakeTimeout from TCP connect to the end of the handshake; zero for none
   * @param peerHost the host name the certificate must match, for error messages
   */
  public static TlsTransport client(SSLEngine engine, Executor tasks, Duration handshakeTimeout, TlsLimits limits,
      String peerHost, TransportHandler app) {
    if (!engine.getUseClientMode()) {
      throw new IllegalArgumentException("a client TlsTransport needs an SSLEngine in client mode");
    }
    TlsTransport t = new TlsTransport(true, engine, null, tasks, handshakeTimeout, limits, peerHost);
    t.app = Objects.requireNonNull(app, "app");
    return t;
  }

  /**
   * The handler for an accepted transport ({@link io.loopwire.loop.AcceptHandler#onAccept} returns it).
   * The handler above is made at once by {@code appFactory}, with this transport, and hears
   * {@code onOpen} once the handshake is done; if it never is, it hears nothing at all.
   */
  public static TlsTransport server(Transport raw, ServerEngines engines, Executor tasks, Duration handshakeTimeout,
      TlsLimits limits, Function<Transport, TransportHandler> appFactory) {
    TlsTransport t = new TlsTransport(false, null, Objects.requireNonNull(engines, "engines"), tasks,
        handshakeTimeout, limits, null);
    t.raw = raw;
    t.app = Objects.requireNonNull(appFactory.apply(t), "appFactory returned null");
    return t;
  }

  /** The server name (SNI) the client asked for, lower-case; {@code null} if none, or on a client. */
  public String serverName() {
    return serverName;
  }

  /** The negotiated session once the handshake is done, else {@code null}. Thread: loop. */
  public SSLSession session() {
    return tls != null && tls.isHandshakeDone() ? tls.session() : null;
  }

  // ---- Transport, as the handler above sees it ----

  @Override
  public LoopThread thread() {
    return raw.thread();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return raw.remoteAddress();
  }

  @Override
  public InetSocketAddress localAddress() {
    return raw.localAddress();
  }

  @Override
  public boolean write(ByteBuffer buffer) {
    checkLoop("write");
    Objects.requireNonNull(buffer, "buffer");
    if (appState != AppState.OPEN || closeRequested || shutdownRequested || aborting || failed || rawClosed) {
      return false;
    }
    try {
      tls.send(buffer);
    } catch (LocalProtocolException | IllegalStateException e) {
      return false; // the engine has closed its output (the peer's close_notify under TLS 1.2)
    }
    return true;
  }

  @Override
  public void flush() {
    checkLoop("flush");
    if (tls == null || rawClosed) {
      return;
    }
    flushOut();
    if (!rawClosed && (tls.pendingOutputBytes() > 0 || raw.pendingWriteBytes() > 0)) {
      appDrainWanted = true;
    }
  }

  @Override
  public long pendingWriteBytes() {
    checkLoop("pendingWriteBytes");
    return (tls == null ? 0 : tls.pendingOutputBytes()) + (raw == null ? 0 : raw.pendingWriteBytes());
  }

  @Override
  public void setReadInterest(boolean on) {
    checkLoop("setReadInterest");
    appReadWanted = on;
    updateReadInterest();
    if (on && appState == AppState.OPEN && !resumeScheduled && !rawClosed) {
      // Records already received may be waiting; deliver them after this call, never inside it.
      resumeScheduled = true;
      handOff(() -> {
        resumeScheduled = false;
        if (!rawClosed) {
          advance();
        }
      });
    }
  }

  @Override
  public void shutdownOutput() {
    checkLoop("shutdownOutput");
    if (rawClosed || closeRequested || shutdownRequested) {
      return;
    }
    shutdownRequested = true;
    open = false;
    if (!tasksRunning) {
      finishShutdown();
    }
  }

  @Override
  public void close() {
    if (raw == null) {
      open = false;
      return;
    }
    if (!raw.thread().inLoop()) {
      handOff(this::close);
      return;
    }
    open = false;
    if (closeRequested || rawClosed) {
      return;
    }
    closeRequested = true;
    if (!tasksRunning) {
      finishClose();
    }
  }

  @Override
  public void abort() {
    open = false;
    if (raw == null) {
      return;
    }
    if (!raw.thread().inLoop()) {
      handOff(this::abort);
      return;
    }
    aborting = true;
    raw.abort();
  }

  @Override
  public boolean isOpen() {
    Transport r = raw;
    return open && r != null && r.isOpen();
  }

  // ---- TransportHandler, as the loop sees it ----

  @Override
  public void onOpen(Transport transport) {
    raw = transport;
    if (handshakeTimeoutNanos > 0) {
      handshakeTimer = transport.thread().schedule(Duration.ofNanos(handshakeTimeoutNanos), this::handshakeTimedOut);
    }
    if (client) {
      try {
        tls = new TlsConnection(engine, limits);
      } catch (SSLException e) {
        fail(e);
        return;
      }
      advance(); // the ClientHello
    }
  }

  @Override
  public void onRead(ByteBuffer data) {
    if (rawClosed || failed || aborting) {
      return;
    }
    if (tls == null) {
      peekHello(data);
      return;
    }
    try {
      tls.receive(data);
    } catch (SSLException e) {
      fail(e);
      return;
    }
    advance();
  }

  @Override
  public void onReadEof() {
    if (rawClosed || failed || aborting) {
      return;
    }
    if (tls == null) {
      LOG.log(System.Logger.Level.DEBUG, "{0} closed the connection before its ClientHello", raw.remoteAddress());
      failed = true;
      raw.abort();
      return;
    }
    tls.receiveEof();
    advance();
  }

  @Override
  public void onWriteDrained() {
    if (!rawClosed && !closeRequested) {
      maybeDrained();
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    rawClosed = true;
    open = false;
    cancelTimer();
    AppState was = appState;
    appState = AppState.ENDED;
    if (was == AppState.OPEN) {
      Throwable why = appFailure != null ? appFailure : cause != null ? cause : tlsFailure;
      try {
        app.onClosed(why);
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "onClosed threw on " + this, t);
      }
    } else if (was == AppState.WAITING && client) {
      SSLException why = tlsFailure;
      if (why == null) {
        why = new SSLHandshakeException("the connection to " + peerHost + " closed during the TLS handshake"
            + (cause != null ? ": " + cause.getMessage() : ""));
        if (cause != null) {
          why.initCause(cause);
        }
      }
      try {
        app.onConnectFailed(why);
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "onConnectFailed threw on " + this, t);
      }
    } else if (was == AppState.WAITING && tlsFailure == null) {
      LOG.log(System.Logger.Level.DEBUG, "TLS connection from {0} closed during the handshake{1}",
          raw.remoteAddress(), cause == null ? "" : ": " + cause);
    }
  }

  @Override
  public void onConnectFailed(Throwable cause) {
    appState = AppState.ENDED;
    app.onConnectFailed(cause);
  }

  // ---- the work ----

  /** Everything a callback does after taking input: events up, ciphertext out, deferred closes, drains. */
  private void advance() {
    pump();
    flushOut();
    if (rawClosed || failed || tasksRunning) {
      return;
    }
    if (closeRequested) {
      finishClose();
    } else if (shutdownRequested) {
      finishShutdown();
    }
    maybeDrained();
  }

  private void pump() {
    while (tls != null && !tasksRunning && !rawClosed && !failed && !aborting && appState != AppState.ENDED) {
      if (appState == AppState.OPEN && (!appReadWanted || closeRequested)) {
        return;
      }
      TlsEvent ev;
      try {
        ev = tls.nextEvent();
      } catch (SSLException e) {
        fail(e);
        return;
      }
      if (ev instanceof TlsEvent.Data d) {
        try {
          app.onRead(d.data());
        } catch (Throwable t) {
          appFailed("onRead", t);
        }
      } else if (ev instanceof TlsEvent.HandshakeDone h) {
        opened(h);
      } else if (ev instanceof TlsEvent.CloseNotifyReceived) {
        deliverEof(true);
      } else if (ev == TlsEvent.Signal.NEED_TASK) {
        startTasks();
        return;
      } else if (ev == TlsEvent.Signal.END_OF_INPUT) {
        deliverEof(false);
        return;
      } else {
        return; // NEED_DATA
      }
    }
  }

  private void opened(TlsEvent.HandshakeDone h) {
    cancelTimer();
    appState = AppState.OPEN;
    LOG.log(System.Logger.Level.DEBUG, "TLS {0} {1} {2} with {3}{4}", h.protocol(), h.cipherSuite(),
        h.applicationProtocol().isEmpty() ? "" : "ALPN " + h.applicationProtocol(), raw.remoteAddress(),
        serverName == null ? "" : " for " + serverName);
    try {
      app.onOpen(this);
    } catch (Throwable t) {
      appFailed("onOpen", t);
    }
  }

  private void deliverEof(boolean clean) {
    if (appEofDelivered) {
      return;
    }
    appEofDelivered = true;
    if (!clean) {
      LOG.log(System.Logger.Level.DEBUG, "{0} ended TCP without a TLS close_notify", raw.remoteAddress());
    }
    if (appState == AppState.OPEN) {
      try {
        app.onReadEof();
      } catch (Throwable t) {
        appFailed("onReadEof", t);
      }
    }
  }

  private void startTasks() {
    List<Runnable> list = new ArrayList<>(2);
    for (Runnable r = engine.getDelegatedTask(); r != null; r = engine.getDelegatedTask()) {
      list.add(r);
    }
    LoopThread thread = raw.thread();
    tasksRunning = true;
    updateReadInterest();
    try {
      tasks.execute(() -> {
        Throwable failure = null;
        try {
          for (Runnable r : list) {
            r.run();
          }
        } catch (Throwable t) {
          failure = t;
        }
        Throwable f = failure;
        try {
          thread.execute(() -> tasksDone(f));
        } catch (RejectedExecutionException e) {
          // the loop has shut down, closing this connection on its way out
        }
      });
    } catch (RejectedExecutionException e) {
      tasksRunning = false;
      fail(new SSLException("the TLS task executor refused the handshake work: " + e.getMessage(), e));
    }
  }

  private void tasksDone(Throwable failure) {
    tasksRunning = false;
    if (rawClosed) {
      return;
    }
    if (failure != null) {
      fail(failure instanceof SSLException s ? s : new SSLException("a TLS delegated task failed: " + failure, failure));
      return;
    }
    updateReadInterest();
    advance();
  }

  /** Wraps what is queued and hands the ciphertext to the loop; never while a task holds the engine. */
  private void flushOut() {
    if (tls == null || rawClosed || tasksRunning) {
      return;
    }
    try {
      tls.drainTo(raw::write);
    } catch (SSLException e) {
      fail(e);
      return;
    }
    raw.flush();
  }

  private void maybeDrained() {
    if (appDrainWanted && appState == AppState.OPEN && !closeRequested && !shutdownRequested && !rawClosed
        && !aborting && tls.pendingOutputBytes() == 0 && raw.pendingWriteBytes() == 0) {
      appDrainWanted = false;
      try {
        app.onWriteDrained();
      } catch (Throwable t) {
        appFailed("onWriteDrained", t);
      }
    }
  }

  private void finishClose() {
    if (closeDone || rawClosed) {
      return;
    }
    closeDone = true;
    if (tls != null && !failed) {
      try {
        tls.sendCloseNotify();
        tls.drainTo(raw::write);
      } catch (SSLException e) {
        LOG.log(System.Logger.Level.DEBUG, "close_notify to {0} failed: {1}", raw.remoteAddress(), e.getMessage());
      }
    }
    raw.close();
  }

  private void finishShutdown() {
    if (shutdownDone || rawClosed) {
      return;
    }
    shutdownDone = true;
    if (tls != null && !failed) {
      try {
        tls.sendCloseNotify();
      } catch (SSLException e) {
        fail(e);
        return;
      }
      flushOut();
    }
    raw.shutdownOutput();
  }

  private void updateReadInterest() {
    if (raw == null || rawClosed) {
      return;
    }
    boolean want = !tasksRunning && (appState != AppState.OPEN || appReadWanted);
    if (want != rawReadOn) {
      rawReadOn = want;
      raw.setReadInterest(want);
    }
  }

  /** Server: reads the ClientHello's server name, then creates the engine for it. */
  private void peekHello(ByteBuffer data) {
    int n = data.remaining();
    if (hello == null) {
      hello = ByteBuffer.allocate(Math.max(n, 2048));
    } else if (hello.remaining() < n) {
      hello = ByteBuffer.allocate(Math.max(hello.position() + n, hello.capacity() * 2)).put(hello.flip());
    }
    hello.put(data);
    TlsHelloPeek peek = TlsHelloPeek.peek(hello.duplicate().flip(), limits.maxClientHelloBytes());
    if (peek == TlsHelloPeek.Signal.NEED_DATA) {
      if (hello.position() <= limits.maxClientHelloBytes() + 1024) {
        return;
      }
      peek = TlsHelloPeek.Signal.TOO_LARGE; // records that never complete a hello: let the engine judge
    }
    if (peek instanceof TlsHelloPeek.NotTls notTls) {
      notTls(notTls.reason());
      return;
    }
    serverName = peek instanceof TlsHelloPeek.Hello h ? h.serverName() : null;
    try {
      engine = engines.engineFor(serverName);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "no TLS engine for server name " + serverName + " from "
          + raw.remoteAddress() + "; closing the connection", e);
      failed = true;
      raw.abort();
      return;
    }
    ByteBuffer received = hello.flip();
    hello = null;
    try {
      tls = new TlsConnection(engine, limits);
      tls.receive(received);
    } catch (SSLException e) {
      fail(e);
      return;
    }
    advance();
  }

  /** Plain HTTP to a TLS port gets a readable answer; anything else is dropped. */
  private void notTls(String reason) {
    LOG.log(System.Logger.Level.DEBUG, "not a TLS ClientHello from {0}: {1}", raw.remoteAddress(), reason);
    failed = true;
    ByteBuffer b = hello.duplicate().flip();
    boolean http = b.remaining() >= 4;
    for (int i = 0; http && i < 3; i++) {
      byte c = b.get(i);
      http = c >= 'A' && c <= 'Z';
    }
    if (!http) {
      raw.abort();
      return;
    }
    byte[] body = "This port speaks TLS: use https:// or wss:// for this address.\n".getBytes(StandardCharsets.US_ASCII);
    String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    raw.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
    raw.write(ByteBuffer.wrap(body));
    raw.close();
  }

  private void handshakeTimedOut() {
    handshakeTimer = null;
    if (appState != AppState.WAITING || rawClosed || failed) {
      return;
    }
    long ms = handshakeTimeoutNanos / 1_000_000;
    tlsFailure = new SSLHandshakeException("no TLS handshake " + (client ? "with " + peerHost : "from "
        + raw.remoteAddress()) + " within " + ms + " ms");
    failed = true;
    LOG.log(System.Logger.Level.DEBUG, tlsFailure.getMessage());
    raw.abort();
  }

  /** The handshake or a record failed: send the alert (if any), then close. */
  private void fail(SSLException e) {
    if (failed) {
      return;
    }
    failed = true;
    cancelTimer();
    tlsFailure = client && appState == AppState.WAITING ? TlsFailures.describe(e, peerHost) : e;
    LOG.log(System.Logger.Level.DEBUG, "TLS {0} {1} failed: {2}", appState == AppState.WAITING ? "handshake" : "session",
        client ? "with " + peerHost : "from " + raw.remoteAddress(), tlsFailure.getMessage());
    if (tls != null && !tasksRunning) {
      try {
        tls.drainTo(raw::write);
      } catch (SSLException ignored) {
        // the alert could not be made; closing says enough
      }
    }
    raw.close();
  }

  private void appFailed(String callback, Throwable t) {
    LOG.log(System.Logger.Level.WARNING, "handler " + callback + " failed on " + this + "; aborting the connection", t);
    if (appFailure == null) {
      appFailure = t;
    }
    aborting = true;
    raw.abort();
  }

  private void cancelTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel();
      handshakeTimer = null;
    }
  }

  private void handOff(Runnable r) {
    try {
      raw.thread().execute(r);
    } catch (RejectedExecutionException e) {
      // the loop has shut down, closing every transport on its way out
    }
  }

  private void checkLoop(String method) {
    if (raw == null || !raw.thread().inLoop()) {
      throw new IllegalStateException("TlsTransport." + method + "() must be called on the transport's loop thread"
          + (raw == null ? " (the transport is not open yet)" : " " + raw.thread()));
    }
  }

  @Override
  public String toString() {
    return "TLS " + (client ? "client " : "server ") + (raw == null ? "(not connected)" : raw.toString());
  }
}
