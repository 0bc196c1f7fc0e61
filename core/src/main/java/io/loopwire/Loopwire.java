package io.loopwire;

import io.loopwire.engine.HttpServerConnection;
import io.loopwire.engine.tls.TlsTransport;
import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Loops;
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
 * from {@link LoopwireConfig#loop()}, its listeners and sessions; it only borrows handlers and the
 * objects attached to vhosts.
 */
public final class Loopwire implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Loopwire.class.getName());

  private final LoopwireConfig config;
  private final Loop loop;
  private final Stats stats = new Stats();
  private final Map<String, Listener> listenerByVhost = new LinkedHashMap<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final List<VhostRuntime> vhosts = new ArrayList<>();
  private final Set<SessionBinding<?>> live = ConcurrentHashMap.newKeySet();
  private final Set<ClientConnection<?>> clients = ConcurrentHashMap.newKeySet();
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

  private Loopwire(LoopwireConfig config, Loop loop) {
    this.config = config;
    this.loop = loop;
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
   * Creates the loop named in {@code config}, binds every vhost's listener and returns the running
   * context. Blocks until the listeners are bound.
   *
   * @throws io.loopwire.loop.UnknownLoopException if the loop is not available (the message lists the
   *     available loops and the artifact that provides the one asked for)
   * @throws UncheckedIOException if a listener cannot bind (the message names the address)
   */
  public static Loopwire start(LoopwireConfig config) {
    Checks.notNull("config", config);
    Loop loop = Loops.create(config.loop(), config.loopOptions());
    Loopwire lw = new Loopwire(config, loop);
    try {
      lw.bind();
    } catch (RuntimeException e) {
      lw.resolver.shutdownNow();
      lw.tlsTasks.shutdownNow();
      loop.shutdown();
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
    }
  }

  /** Plain ports get an HTTP connection; TLS ports get one behind a TLS layer chosen by SNI. */
  private AcceptHandler acceptor(PortRouter router) {
    if (!router.tls()) {
      return t -> new HttpServerConnection(t, router, router.limits());
    }
    return t -> TlsTransport.server(t, router::engineFor, tlsTasks, router.tlsHandshakeTimeout(), TlsLimits.defaults(),
        tt -> new HttpServerConnection(tt, router, router.limits()));
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
   * their close handshakes (then drops the rest), fires every {@code onClose}, closes per-vhost state
   * and stops the loop. Idempotent; the future completes once everything is released.
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
      c.cancel();
    }
    for (SessionBinding<?> b : live) {
      Session<?> s = b.session();
      if (s.core != null) {
        s.core.goingAway("shutting down");
      }
    }
    checkSessionsDone();
    LoopThread timerThread = loop.next();
    timerThread.schedule(config.shutdownTimeout(), () -> {
      for (SessionBinding<?> b : live) {
        Session<?> s = b.session();
        if (s.core != null) {
          s.core.transport().abort();
        }
      }
    });
    CompletableFuture.allOf(closing.toArray(new CompletableFuture[0]))
        .exceptionally(e -> null)
        .thenCompose(x -> sessionsDone)
        .whenComplete((x, e) -> {
          for (VhostRuntime v : vhosts) {
            v.stop();
          }
          resolver.shutdownNow();
          tlsTasks.shutdownNow();
          loop.shutdown().whenComplete((y, f) -> {
            if (f != null) {
              closed.completeExceptionally(f);
            } else {
              closed.complete(null);
            }
          });
        });
    return closed;
  }

  /** {@link #shutdown()} and wait for it (at most the shutdown timeout plus 10 s). */
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

  ExecutorService resolver() {
    return resolver;
  }

  ExecutorService tlsTasks() {
    return tlsTasks;
  }

  private SSLContext clientContext(TlsClientConfig c) {
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

  void clientDone(ClientConnection<?> c) {
    clients.remove(c);
  }

  private void checkSessionsDone() {
    if (closing.get() && live.isEmpty()) {
      sessionsDone.complete(null);
    }
  }
}
