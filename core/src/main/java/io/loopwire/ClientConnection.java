package io.loopwire;

import io.loopwire.engine.ClientCallbacks;
import io.loopwire.engine.ConnectStep;
import io.loopwire.engine.ProxyTunnel;
import io.loopwire.engine.WsClientConnector;
import io.loopwire.engine.WsEndpoint;
import io.loopwire.engine.WsSessionSettings;
import io.loopwire.engine.tls.TlsTransport;
import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;
import io.loopwire.protocol.tls.TlsLimits;
import io.loopwire.protocol.uri.Uri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * One logical client connection: a chain of attempts (more than one only with a reconnect policy), each
 * ending exactly once in an open session or an {@code onConnectFailed}.
 */
final class ClientConnection<S> {

  private final Loopwire context;
  private final Uri uri;
  private final ClientOptions options;
  /** The engine's settings, made once for every attempt (reconnects included). */
  private final WsSessionSettings settings;
  private final WsHandler<S> handler;
  private final CompletableFuture<Session<S>> future = new CompletableFuture<>();
  private final LoopThread thread;
  /** The TLS context for wss, or {@code null} for ws. */
  private final SSLContext tls;

  // loop-thread state
  private int failedAttempts;
  private boolean cancelled;
  private WsClientConnector connector;
  private ConnectRequest connectRequest;
  /** The next attempt, while a reconnect waits; cancelled with the connection (a borrowed loop outlives us). */
  private Timer retryTimer;
  /** A name lookup is running on the resolver pool; {@code lookups} numbers them so a stale result is dropped. */
  private boolean resolving;
  private int lookups;
  private TlsTransport tlsTransport;
  private ProxyTunnel proxyTunnel;

  ClientConnection(Loopwire context, Uri uri, ClientOptions options, WsHandler<S> handler, SSLContext tls) {
    this.tls = tls;
    this.context = context;
    this.uri = uri;
    this.options = options;
    this.settings = Settings.of(options.ws());
    this.handler = handler;
    this.thread = context.loop().next();
    future.whenComplete((s, e) -> {
      if (future.isCancelled()) {
        cancel();
      }
    });
  }

  CompletableFuture<Session<S>> future() {
    return future;
  }

  void start() {
    thread.execute(this::attempt);
  }

  /** Stops further attempts and fails one in progress with CANCELLED. Any thread. */
  void cancel() {
    thread.execute(() -> {
      if (cancelled) {
        return;
      }
      cancelled = true;
      // taken first: the connector's cancel reports CANCELLED, and fail() clears the fields
      TlsTransport handshaking = tlsTransport;
      ProxyTunnel tunnelling = proxyTunnel;
      if (connectRequest != null) {
        connectRequest.cancel();
      }
      if (connector != null) {
        connector.cancel();
      }
      if (handshaking != null) {
        handshaking.abort(); // a TLS handshake in progress would otherwise run on to its timeout
      }
      if (tunnelling != null) {
        tunnelling.abort(); // as would a proxy that has not answered yet
      }
      if (resolving) {
        // a name lookup is running on the resolver pool: nothing else would report the cancel, and its
        // result may never come back to a loop that stops
        resolving = false;
        fail(ConnectStep.CANCELLED, 0, "the connection was cancelled or the context closed (during the name lookup)",
            null, false);
      }
      if (retryTimer != null) {
        // between attempts nothing in progress would report the cancellation (and a loop shutting down
        // drops the timer), so the pending attempt fails here
        retryTimer.cancel();
        retryTimer = null;
        fail(ConnectStep.CANCELLED, 0, "the connection was cancelled or the context closed", null, false);
      }
    });
  }

  private void attempt() {
    if (cancelled || context.isClosing()) {
      fail(ConnectStep.CANCELLED, 0, "the connection was cancelled or the context closed", null, false);
      return;
    }
    String host = options.proxy() != null ? options.proxy().host() : uri.host();
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    if (isLiteral(host)) {
      resolved(host, () -> InetAddress.getByName(host), deadline);
      return;
    }
    int lookup = ++lookups;
    resolving = true;
    try {
      context.resolver().execute(() -> {
        InetAddress addr;
        try {
          addr = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
          onLoop(() -> {
            if (lookupCurrent(lookup)) {
              fail(ConnectStep.RESOLVE, 0, "cannot resolve host '" + host + "'", e, true);
            }
          });
          return;
        }
        InetAddress a = addr;
        onLoop(() -> {
          if (lookupCurrent(lookup)) {
            connect(a, deadline);
          }
        });
      });
    } catch (RejectedExecutionException e) {
      resolving = false;
      fail(ConnectStep.CANCELLED, 0, "the context is closing", e, false);
    }
  }

  /** Whether the lookup numbered {@code lookup} still counts (a cancel reported the attempt already). */
  private boolean lookupCurrent(int lookup) {
    if (!resolving || lookup != lookups) {
      return false;
    }
    resolving = false;
    return true;
  }

  /** A lookup's result goes to the loop thread; a loop that has stopped reported the attempt already. */
  private void onLoop(Runnable r) {
    try {
      thread.execute(r);
    } catch (RejectedExecutionException e) {
      // the shutdown's cancel ran on the loop before it stopped and failed the attempt (CANCELLED)
    }
  }

  private interface Lookup {
    InetAddress get() throws UnknownHostException;
  }

  private void resolved(String host, Lookup lookup, long deadline) {
    try {
      connect(lookup.get(), deadline);
    } catch (UnknownHostException e) {
      fail(ConnectStep.RESOLVE, 0, "cannot parse address '" + host + "'", e, true);
    }
  }

  private static boolean isLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true; // IPv6 literal
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(c == '.' || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return !host.isEmpty();
  }

  private void connect(InetAddress address, long deadline) {
    if (cancelled || context.isClosing()) {
      fail(ConnectStep.CANCELLED, 0, "the connection was cancelled or the context closed", null, false);
      return;
    }
    long left = Math.max(1_000_000L, deadline - System.nanoTime());
    connector = new WsClientConnector(uri.hostForHeader(), uri.requestTarget(), options.subprotocols(),
        options.headers(), settings, options.ws().handshakeTimeout().toNanos(), new Callbacks());
    // from the socket up: TCP -> CONNECT tunnel (with a proxy) -> TLS (for wss) -> the WebSocket handshake
    TransportHandler first = connector;
    tlsTransport = null;
    proxyTunnel = null;
    if (tls != null) {
      TlsClientConfig tc = options.tls();
      SSLEngine engine;
      try {
        engine = TlsContexts.clientEngine(tls, tc, uri.host(), uri.port());
      } catch (RuntimeException e) {
        fail(ConnectStep.TLS, 0, "cannot set up TLS for " + uri.host() + ": " + e.getMessage(), e, false);
        return;
      }
      tlsTransport = TlsTransport.client(engine, context.tlsTasks(), tc.handshakeTimeout(), TlsLimits.defaults(),
          uri.host(), connector);
      first = tlsTransport;
    }
    int port = uri.port();
    HttpProxy proxy = options.proxy();
    if (proxy != null) {
      // the tunnel opens the layer above once the proxy has answered 2xx
      proxyTunnel = new ProxyTunnel(uri.hostForHeader() + ":" + uri.port(), proxy.headers(), Http1Limits.defaults(),
          first, left);
      first = proxyTunnel;
      port = proxy.port();
    }
    connectRequest = context.loop().connect(new InetSocketAddress(address, port), thread, context.track(first),
        Duration.ofNanos(left));
  }

  private void fail(ConnectStep step, int status, String message, Throwable cause, boolean retryable) {
    if (step != ConnectStep.CANCELLED && (cancelled || context.isClosing())) {
      // the shutdown (or cancel) is why: a transport that opened just as the context began closing is
      // closed by it, and reporting that as a TCP failure would blame the network
      message = "the connection was cancelled or the context closed (" + message + ")";
      step = ConnectStep.CANCELLED;
    }
    ConnectException e = new ConnectException(ConnectException.Step.valueOf(step.name()), status, message, cause);
    connector = null;
    connectRequest = null;
    tlsTransport = null;
    proxyTunnel = null;
    try {
      handler.onConnectFailed(e);
    } finally {
      failedAttempts++;
      scheduleRetry(e, retryable);
    }
  }

  private void scheduleRetry(Throwable cause, boolean retryable) {
    ReconnectPolicy policy = options.reconnect();
    Duration delay = (policy == null || !retryable || cancelled || context.isClosing())
        ? null : policy.delayFor(failedAttempts + 1);
    if (delay == null) {
      context.clientDone(this);
      future.completeExceptionally(cause);
      return;
    }
    handler.onReconnecting(failedAttempts + 1, delay, cause);
    retryTimer = thread.schedule(delay, () -> {
      retryTimer = null;
      attempt();
    });
  }

  private final class Callbacks implements ClientCallbacks {

    @Override
    public WsEndpoint onUpgraded(Transport transport, String subprotocol, Http1Fields requestHeaders,
        Http1Fields responseHeaders) {
      connector = null;
      connectRequest = null;
      tlsTransport = null;
      proxyTunnel = null;
      failedAttempts = 0;
      Stats.Counters counters = context.counters(subprotocol == null ? "client" : subprotocol);
      Session<S> session = new Session<>(subprotocol, null, null, transport.remoteAddress(),
          transport.localAddress(), uri.requestTarget(), requestHeaders, responseHeaders, true, counters);
      return new SessionBinding<>(context, session, handler, counters, new SessionBinding.Hooks() {
        @Override
        public void opened() {
          future.complete(session);
        }

        @Override
        public void ended(int code, Throwable cause) {
          // an end the app asked for (close(), even if the server then never answers) is never retried
          boolean abnormal = !session.closeCalled && (cause != null || code == CloseStatus.ABNORMAL);
          if (abnormal && options.reconnect() != null && !cancelled && !context.isClosing()) {
            scheduleRetry(cause != null ? cause : new java.io.IOException("closed with " + code), true);
          } else {
            context.clientDone(ClientConnection.this);
          }
        }
      });
    }

    @Override
    public void onFailed(ConnectStep step, int status, String message, Throwable cause) {
      fail(step, status, message, cause, step != ConnectStep.CANCELLED && step != ConnectStep.HANDSHAKE_VALIDATION);
    }
  }
}
