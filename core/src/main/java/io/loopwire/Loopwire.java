package io.loopwire;

import io.loopwire.engine.HttpServerConnection;
import io.loopwire.engine.tls.TlsTransport;
import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Loops;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.loop.Timer;
import io.loopwire.protocol.tls.TlsLimits;
import io.loopwire.protocol.uri.Uri;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A Loopwire context: a loop, the vhosts it serves and the client connections it makes.
 *
 * <pre>{@code
 * Loopwire lw = Loopwire.start(LoopwireConfig.defaults()
 *     .withVhost(VhostConfig.of("default", 7681).withProtocol(WsProtocol.of("echo", new Echo()))));
 * ...
 * lw.close(); // 1001 to every session, waits for every onClose
 * }</pre>
 *
 * <p>Thread: every method may be called from any thread. Ownership: the context owns the loop it created
 * from {@link LoopwireConfig#loop()}, its listeners and sessions; it only borrows handlers, the objects
 * attached to vhosts, and a loop lent with {@link LoopwireConfig#withLoop(Loop)}, which it never shuts down.
 */
public final class Loopwire implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Loopwire.class.getName());

  private final LoopwireConfig config;
  private final Loop loop;
  /** Whether {@link #loop} is the application's (never shut down here) rather than created for this context. */
  private final boolean loopBorrowed;
  /** Every transport this context opened, so that shutdown can close them without stopping the loop. */
  private final TransportTracker transports = new TransportTracker();
  private final Stats stats = new Stats();
  private final Map<String, Listener> listenerByVhost = new LinkedHashMap<>();
  private final Map<String, PortRouter> routerByVhost = new LinkedHashMap<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final List<VhostRuntime> vhosts = new ArrayList<>();
  private final Set<SessionBinding<?>> live = ConcurrentHashMap.newKeySet();
  private final Set<ClientConnection<?>> clients = ConcurrentHashMap.newKeySet();
  private final Set<HttpClient> httpClients = ConcurrentHashMap.newKeySet();
  private final ExecutorService resolver;
  private final ExecutorService tlsTasks;
  /** Client TLS contexts by config: building one reads trust stores, so connections share them. */
  private final Map<TlsClientConfig, SSLContext> clientContexts = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<TlsClientConfig, SSLContext> eldest) {
      return size() > 16;
    }
  };
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> sessionsDone = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private Loopwire(LoopwireConfig config, Loop loop, boolean loopBorrowed) {
    this.config = config;
    this.loop = loop;
    this.loopBorrowed = loopBorrowed;
    AtomicInteger n = new AtomicInteger();
    // Name resolution blocks in the JDK, so it never runs on a loop thread.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "loopwire-resolver-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.resolver = pool;
    // The SSLEngine's delegated tasks (certificate checks, key agreement) are CPU work that must not run
    // on a loop thread; threads come and go with handshakes.
    AtomicInteger m = new AtomicInteger();
    int cpus = Math.max(2, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor tls = new ThreadPoolExecutor(cpus, cpus, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "loopwire-tls-" + m.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    tls.allowCoreThreadTimeOut(true);
    this.tlsTasks = tls;
  }

  /**
   * Creates the loop named in {@code config} (or takes the borrowed one), binds every vhost's listener and
   * returns the running context. Blocks until the listeners are bound; an app-driven loop binds at once,
   * so this may be called from the thread that drives it.
   *
   * @throws io.loopwire.loop.UnknownLoopException if the loop is not available (the message lists the
   *     available loops and the artifact that provides the one asked for)
   * @throws UncheckedIOException if a listener cannot bind (the message names the address)
   */
  public static Loopwire start(LoopwireConfig config) {
    Checks.notNull("config", config);
    boolean borrowed = config.isLoopBorrowed();
    Loop loop = borrowed ? config.borrowedLoop() : Loops.create(config.loop(), config.loopOptions());
    Loopwire lw = new Loopwire(config, loop, borrowed);
    try {
      lw.bind();
    } catch (RuntimeException e) {
      for (VhostRuntime v : lw.vhosts) {
        v.stop(); // per-vhost state created before the failure: closed once, as after a shutdown
      }
      lw.resolver.shutdownNow();
      lw.tlsTasks.shutdownNow();
      if (borrowed) {
        for (Listener l : lw.listeners) {
          l.close();
        }
      } else {
        loop.shutdown();
      }
      throw e;
    }
    return lw;
  }

  private void bind() {
    Map<String, PortRouter> shared = new LinkedHashMap<>();
    Map<VhostConfig, PortRouter> routerOf = new LinkedHashMap<>();
    for (VhostConfig v : config.vhosts()) {
      VhostRuntime rt = new VhostRuntime(v);
      vhosts.add(rt);
      String key = v.port() == 0 ? "ephemeral:" + v.name() : v.host() + ":" + v.port();
      PortRouter router = shared.computeIfAbsent(key, k -> new PortRouter(this));
      router.add(rt);
      routerOf.put(v, router);
    }
    for (VhostConfig v : config.vhosts()) {
      for (VhostConfig w : config.vhosts()) {
        if (routerOf.get(v) == routerOf.get(w) && (v.tls() == null) != (w.tls() == null)) {
          throw new ConfigException("vhosts " + v.name() + " and " + w.name() + " share " + v.host() + ":" + v.port()
              + " but only " + (v.tls() != null ? v.name() : w.name()) + " has TLS; a port is all TLS or all"
              + " plain: give both TLS (SNI then picks the vhost) or use another port");
        }
      }
    }
    Map<PortRouter, Listener> bound = new LinkedHashMap<>();
    for (VhostConfig v : config.vhosts()) {
      PortRouter router = routerOf.get(v);
      Listener l = bound.get(router);
      if (l == null) {
        InetSocketAddress addr = new InetSocketAddress(v.host(), v.port());
        if (addr.isUnresolved()) {
          throw new ConfigException("vhost " + v.name() + ": cannot resolve listen host '" + v.host() + "'");
        }
        try {
          l = loop.listen(addr, ListenOptions.defaults(), acceptor(router)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw new UncheckedIOException("vhost " + v.name() + ": cannot listen on " + v.host() + ":" + v.port()
              + ": " + e.getCause().getMessage() + " (pick another port, or stop what uses it)",
              e.getCause() instanceof java.io.IOException io ? io : new java.io.IOException(e.getCause()));
        } catch (InterruptedException | TimeoutException e) {
          throw new IllegalStateException("vhost " + v.name() + ": listening on " + addr + " did not complete", e);
        }
        bound.put(router, l);
        listeners.add(l);
      }
      listenerByVhost.put(v.name(), l);
      routerByVhost.put(v.name(), router);
    }
  }

  /**
   * Hands an already accepted (or connected) {@code channel} to vhost {@code vhostName}, which serves it
   * like a connection it accepted itself: HTTP, then WebSocket upgrades (libwebsockets'
   * {@code lws_adopt_descriptor}), for applications that accept sockets themselves.
   *
   * <p>Ownership: the channel is Loopwire's from this call on, whether the call succeeds or fails; on any
   * failure Loopwire closes it. Thread: any.
   *
   * @return completes when the loop has taken the connection, or fails (with the channel closed)
   * @throws ConfigException if there is no such vhost (the channel is closed first)
   */
  public CompletableFuture<Void> adopt(String vhostName, java.nio.channels.SocketChannel channel) {
    Checks.notNull("channel", channel);
    PortRouter router = routerByVhost.get(vhostName);
    if (router == null || closing.get()) {
      closeQuietly(channel);
      if (router == null) {
        throw new ConfigException("no vhost named '" + vhostName + "'; vhosts: " + routerByVhost.keySet());
      }
      return CompletableFuture.failedFuture(new IllegalStateException("this Loopwire context is closed"));
    }
    CompletableFuture<Void> adopted = new CompletableFuture<>();
    TransportHandler handler = transports.track(new AdoptedConnection(router, adopted));
    try {
      loop.adopt(channel, loop.next(), handler);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      adopted.completeExceptionally(e);
    }
    return adopted;
  }

  private static void closeQuietly(java.nio.channels.SocketChannel channel) {
    try {
      channel.close();
    } catch (java.io.IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing an adopted channel failed", e);
    }
  }

  /** Creates the server connection once the loop has opened the adopted channel, then steps aside. */
  private static final class AdoptedConnection implements TransportHandler {
    private final PortRouter router;
    private final CompletableFuture<Void> adopted;
    private TransportHandler delegate;

    AdoptedConnection(PortRouter router, CompletableFuture<Void> adopted) {
      this.router = router;
      this.adopted = adopted;
    }

    @Override
    public void onOpen(Transport t) {
      delegate = new HttpServerConnection(t, router, router.limits());
      delegate.onOpen(t);
      adopted.complete(null);
    }

    @Override
    public void onRead(java.nio.ByteBuffer data) {
      delegate.onRead(data);
    }

    @Override
    public void onReadEof() {
      delegate.onReadEof();
    }

    @Override
    public void onWriteDrained() {
      delegate.onWriteDrained();
    }

    @Override
    public void onClosed(Throwable cause) {
      delegate.onClosed(cause);
    }

    @Override
    public void onConnectFailed(Throwable cause) {
      adopted.completeExceptionally(cause);
    }
  }

  /** Plain ports get an HTTP connection; TLS ports get one behind a TLS layer chosen by SNI. */
  /** Accepted connections are tracked (shutdown closes them even on a borrowed loop); TLS wraps them on TLS ports. */
  private AcceptHandler acceptor(PortRouter router) {
    if (!router.tls()) {
      return t -> transports.track(new HttpServerConnection(t, router, router.limits()));
    }
    return t -> transports.track(TlsTransport.server(t, router::engineFor, tlsTasks, router.tlsHandshakeTimeout(),
        TlsLimits.defaults(), tt -> new HttpServerConnection(tt, router, router.limits())));
  }

  /** The port vhost {@code vhostName} listens on (useful with port 0). */
  public int port(String vhostName) {
    Listener l = listenerByVhost.get(vhostName);
    if (l == null) {
      throw new ConfigException("no vhost named '" + vhostName + "'; vhosts: " + listenerByVhost.keySet());
    }
    return l.localAddress().getPort();
  }

  /** The port of the first vhost. */
  public int port() {
    if (listeners.isEmpty()) {
      throw new IllegalStateException("this context has no vhosts, so it listens on no port");
    }
    return listeners.get(0).localAddress().getPort();
  }

  /** Live counters. */
  public Stats stats() {
    return stats;
  }

  public LoopwireConfig config() {
    return config;
  }

  /**
   * Opens a client WebSocket connection to {@code uri} ({@code ws://host:port/path?query}, or
   * {@code wss://} for TLS as set by {@link ClientOptions#tls()}: by default the JDK's trusted CAs and the
   * host name verified).
   *
   * <p>Calls: then either {@code handler.onOpen} ... {@code onClose}, or {@code handler.onConnectFailed}
   * exactly once and nothing else (per attempt, when a {@link ReconnectPolicy} retries). The future
   * completes exactly once: with the first session that opens, or with the {@link ConnectException} of
   * the last attempt. Cancelling the future stops further attempts.
   *
   * @throws IllegalArgumentException for a malformed URI ({@link io.loopwire.protocol.uri.UriSyntaxException}
   *     names the character and index), a non-WebSocket scheme, or a TLS config that cannot be built;
   *     nothing is started then
   */
  public <S> CompletableFuture<Session<S>> connect(String uri, ClientOptions options, WsHandler<S> handler) {
    Uri u = Uri.parse(uri);
    if (!u.isWebSocket()) {
      throw new ConfigException("connect needs a ws:// URI, got scheme '" + u.scheme() + "' in " + uri);
    }
    Checks.notNull("options", options);
    Checks.notNull("handler", handler);
    SSLContext tls = u.isSecure() ? clientContext(options.tls()) : null;
    if (closing.get()) {
      throw new IllegalStateException("this Loopwire context is closed; create a new one to connect");
    }
    ClientConnection<S> cc = new ClientConnection<>(this, u, options, handler, tls);
    clients.add(cc);
    cc.future().whenComplete((s, e) -> {
      if (e != null) {
        clients.remove(cc);
      }
    });
    cc.start();
    return cc.future();
  }

  /** Like {@link #connect(String, ClientOptions, WsHandler)} with {@link ClientOptions#defaults()}. */
  public <S> CompletableFuture<Session<S>> connect(String uri, WsHandler<S> handler) {
    return connect(uri, ClientOptions.defaults(), handler);
  }

  /**
   * Graceful shutdown: stops accepting, sends 1001 to every session, waits up to the shutdown timeout for
   * their close handshakes (then drops the rest), fires every {@code onClose}, closes the remaining
   * connections (plain HTTP, handshakes in progress), closes per-vhost state and stops the loop if this
   * context created it. A borrowed loop keeps running: only this context's listeners, connections and
   * timers are released from it, and the future completes once each of its connections has closed. If
   * the application stopped a borrowed loop first, its connections have already closed and the future
   * still completes. Idempotent; the future completes once everything is released.
   *
   * <p>On an app-driven loop the future completes only while the application keeps driving the loop:
   * call this, then keep calling {@code runOnce} until the future is done (do not block on it from the
   * driving thread).
   */
  public CompletableFuture<Void> shutdown() {
    if (!closing.compareAndSet(false, true)) {
      return closed;
    }
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Listener l : listeners) {
      closing.add(l.close());
    }
    for (ClientConnection<?> c : clients) {
      try {
        c.cancel();
      } catch (RejectedExecutionException e) {
        // The loop has stopped: the connect was failed when it did.
      }
    }
    for (HttpClient h : httpClients) {
      h.shutdown(); // fails what is pending (CANCELLED) on the loop threads before they stop
    }
    for (SessionBinding<?> b : live) {
      Session<?> s = b.session();
      if (s.core != null) {
        try {
          s.core.goingAway("shutting down");
        } catch (RejectedExecutionException e) {
          // The loop has stopped: the session was closed when it did.
        }
      }
    }
    checkSessionsDone();
    Timer backstop;
    try {
      LoopThread timerThread = loop.next();
      backstop = timerThread.schedule(config.shutdownTimeout(), this::abortAll);
    } catch (RejectedExecutionException e) {
      backstop = null; // the loop has stopped, and closed everything of ours with it
    }
    Timer abortTimer = backstop;
    CompletableFuture.allOf(closing.toArray(new CompletableFuture[0]))
        .exceptionally(e -> null)
        .thenCompose(x -> sessionsDone)
        .thenCompose(x -> transports.closeAll())
        .whenComplete((x, e) -> {
          if (abortTimer != null) {
            abortTimer.cancel();
          }
          for (VhostRuntime v : vhosts) {
            v.stop();
          }
          resolver.shutdownNow();
          tlsTasks.shutdownNow();
          CompletableFuture<Void> loopDone = loopBorrowed ? CompletableFuture.completedFuture(null) : loop.shutdown();
          loopDone.whenComplete((y, f) -> {
            if (f != null) {
              closed.completeExceptionally(f);
            } else {
              closed.complete(null);
            }
          });
        });
    return closed;
  }

  /** The shutdown timeout has passed: drop the sessions still closing and every other connection. */
  private void abortAll() {
    for (SessionBinding<?> b : live) {
      Session<?> s = b.session();
      if (s.core != null) {
        s.core.transport().abort();
      }
    }
    transports.abortAll();
  }

  /**
   * {@link #shutdown()} and wait for it (at most the shutdown timeout plus 10 s). Never call this on the
   * thread that drives an app-driven loop: the loop could not turn while this waits; use
   * {@link #shutdown()} and keep driving instead.
   */
  @Override
  public void close() {
    try {
      shutdown().get(config.shutdownTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "Loopwire shutdown did not complete cleanly", e);
    }
  }

  // ---- package-private plumbing ----

  Loop loop() {
    return loop;
  }

  /** Tracks a client transport's handler so that shutdown can close it. */
  io.loopwire.loop.TransportHandler track(io.loopwire.loop.TransportHandler handler) {
    return transports.track(handler);
  }

  /** Transports this context has open or is opening (for tests). */
  int liveTransports() {
    return transports.size();
  }

  ExecutorService resolver() {
    return resolver;
  }

  ExecutorService tlsTasks() {
    return tlsTasks;
  }

  /** The client context for {@code c}, built once per context and config (slow: call off the loop). */
  SSLContext clientContext(TlsClientConfig c) {
    synchronized (clientContexts) {
      SSLContext ctx = clientContexts.get(c);
      if (ctx == null) {
        ctx = TlsContexts.client(c);
        clientContexts.put(c, ctx);
      }
      return ctx;
    }
  }

  boolean isClosing() {
    return closing.get();
  }

  Stats.Counters counters(String protocol) {
    return stats.counters(protocol);
  }

  void sessionStarted(SessionBinding<?> b) {
    live.add(b);
  }

  void sessionEnded(SessionBinding<?> b) {
    live.remove(b);
    checkSessionsDone();
  }

  /** Returns false if the context is already closing. */
  boolean registerHttpClient(HttpClient c) {
    httpClients.add(c);
    if (closing.get()) {
      httpClients.remove(c);
      return false;
    }
    return true;
  }

  void unregisterHttpClient(HttpClient c) {
    httpClients.remove(c);
  }

  void clientDone(ClientConnection<?> c) {
    clients.remove(c);
  }

  private void checkSessionsDone() {
    if (closing.get() && live.isEmpty()) {
      sessionsDone.complete(null);
    }
  }
}
