package io.loopwire.testkit;

import io.loopwire.ClientOptions;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Session;
import io.loopwire.VhostConfig;
import io.loopwire.WsConfig;
import io.loopwire.WsHandler;
import io.loopwire.WsProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * What every suite shares: the loop under test, contexts that are shut down after each test, recorders
 * whose contract checks run after each test, raw peers that are closed after each test, and bounded waits.
 *
 * <p>A loop runs a suite by subclassing it and naming itself:
 * <pre>{@code
 * class NioEchoTest extends EchoSuite {
 *   @Override protected String loopName() { return "nio"; }
 * }
 * }</pre>
 * Nothing here knows which loop it is; {@link #configure} and {@link #isLoopThread} are the hooks for a
 * loop that needs more (a foreign loop, other thread names).
 *
 * <p>Debug mode ({@code io.loopwire.debug}) is switched on before the first context starts, so loops
 * poison lent read buffers and an escaped buffer fails a test deterministically (STYLE 6).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class LoopSuite {

  static {
    if (System.getProperty("io.loopwire.debug") == null) {
      System.setProperty("io.loopwire.debug", "true");
    }
  }

  /** The bound on every wait in the suites. */
  protected static final Duration WAIT = Duration.ofSeconds(10);

  /** A short timeout for tests that need one to fire. */
  protected static final Duration SHORT = Duration.ofMillis(200);

  /** Loop threads of contexts started by the suites are named with this prefix. */
  protected static final String THREAD_PREFIX = "testkit-loop-";

  private final List<Loopwire> contexts = new ArrayList<>();
  private final List<Recorder> recorders = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** The name of the loop under test, as {@link LoopwireConfig#withLoop} takes it. */
  protected abstract String loopName();

  /** Adjusts every config the suites start (for example to pass a foreign loop's options). */
  protected LoopwireConfig configure(LoopwireConfig c) {
    return c;
  }

  /** Whether {@code t} is a loop thread of the loop under test; every callback must run on one. */
  protected boolean isLoopThread(Thread t) {
    return t.getName().startsWith(THREAD_PREFIX);
  }

  /** The config the suites start from: the loop under test, two threads, a 2 s shutdown timeout. */
  protected final LoopwireConfig baseConfig() {
    LoopwireConfig c = LoopwireConfig.defaults().withLoop(loopName()).withThreads(2)
        .withShutdownTimeout(Duration.ofSeconds(2));
    c = c.withLoopOptions(c.loopOptions().withThreadNamePrefix(THREAD_PREFIX));
    return configure(c);
  }

  /** Starts a context serving {@code vhosts}; it is shut down after the test. */
  protected final Loopwire start(VhostConfig... vhosts) {
    LoopwireConfig c = baseConfig();
    for (VhostConfig v : vhosts) {
      c = c.withVhost(v);
    }
    return start(c);
  }

  /** Starts a context from {@code config}; it is shut down after the test. */
  protected final Loopwire start(LoopwireConfig config) {
    Loopwire lw = Loopwire.start(config);
    synchronized (contexts) {
      contexts.add(lw);
    }
    return lw;
  }

  /** A client-only context; shut down after the test. */
  protected final Loopwire startClient() {
    return start(baseConfig());
  }

  /** A server context with one vhost serving {@code handler} as protocol {@code echo}. */
  protected final Loopwire startServer(WsHandler<?> handler) {
    return startServer(handler, WsConfig.defaults());
  }

  protected final Loopwire startServer(WsHandler<?> handler, WsConfig ws) {
    return start(VhostConfig.of("default", 0).withWs(ws).withProtocol(WsProtocol.of("echo", handler)));
  }

  /** A recorder whose thread and lifecycle checks are asserted after the test. */
  protected final Recorder recorder(String name) {
    Recorder r = Recorder.named(name).loopThreads(this::isLoopThread);
    synchronized (recorders) {
      recorders.add(r);
    }
    return r;
  }

  /** Registers {@code c} to be closed after the test, and returns it. */
  protected final <T extends AutoCloseable> T closeLater(T c) {
    synchronized (resources) {
      resources.add(c);
    }
    return c;
  }

  /** A raw client connected to 127.0.0.1:{@code port}, closed after the test. */
  protected final RawSocket raw(int port) {
    return closeLater(RawSocket.connect(port));
  }

  /** A raw server running {@code script} per connection, closed after the test. */
  protected final RawServer rawServer(RawServer.Script script) {
    return closeLater(RawServer.start(script));
  }

  /** {@code ws://127.0.0.1:port/path}. */
  protected static String uri(int port, String path) {
    return "ws://127.0.0.1:" + port + path;
  }

  /** Connects {@code client} to {@code server}'s first port at {@code path} and waits for the session. */
  protected final <S> Session<S> connect(Loopwire client, Loopwire server, String path, ClientOptions options,
      WsHandler<S> handler) {
    return await(client.connect(uri(server.port(), path), options, handler));
  }

  protected final <S> Session<S> connect(Loopwire client, Loopwire server, WsHandler<S> handler) {
    return connect(client, server, "/", ClientOptions.defaults(), handler);
  }

  /** Waits at most {@link #WAIT} for {@code f}; fails with its exception otherwise. */
  protected static <T> T await(Future<T> f) {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the future failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the future did not complete within " + WAIT.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Waits at most {@link #WAIT} for {@code f} to fail; returns the cause (unwrapped). */
  protected static Throwable awaitFailure(CompletableFuture<?> f) {
    try {
      Object v = f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected the future to fail, but it completed with " + v);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    } catch (TimeoutException e) {
      throw new AssertionError("the future did not complete within " + WAIT.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Runs {@code task} on a new daemon thread (not the common pool, which may have a single thread and
   * would starve behind a blocked raw reader).
   */
  protected static <T> CompletableFuture<T> inThread(String name, Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(task.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "testkit-" + name);
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** Polls {@code condition} every few milliseconds until it holds, at most {@link #WAIT}. */
  protected static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT.toMillis() + " ms waiting until " + what);
      }
      pause(Duration.ofMillis(5));
    }
  }

  /** Sleeps, for the few checks that something does NOT happen within a while. */
  protected static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * A port on 127.0.0.1 where connects are refused: it stays bound by a socket that does not listen (so
   * nothing else can take it) until the end of the test.
   */
  protected final int closedPort() {
    Socket holder = new Socket();
    try {
      holder.setReuseAddress(false);
      holder.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    } catch (IOException e) {
      RawSocket.closeQuietly(holder);
      throw new UncheckedIOException(e);
    }
    closeLater(holder);
    return holder.getLocalPort();
  }

  /** A free port to listen on (bound, then released: another process may take it in between). */
  protected static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shuts down the contexts (waiting, bounded), closes raw peers, then asserts every recorder's contract
   * (no violations, every opened session closed exactly once). */
  @AfterEach
  final void tearDownLoopSuite() {
    List<AutoCloseable> res;
    synchronized (resources) {
      res = new ArrayList<>(resources);
      resources.clear();
    }
    List<Loopwire> ctx;
    synchronized (contexts) {
      ctx = new ArrayList<>(contexts);
      contexts.clear();
    }
    List<CompletableFuture<Void>> down = new ArrayList<>();
    for (Loopwire lw : ctx) {
      down.add(lw.shutdown());
    }
    for (AutoCloseable c : res) {
      RawSocket.closeQuietly(c);
    }
    AssertionError failure = null;
    for (CompletableFuture<Void> f : down) {
      try {
        f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        failure = new AssertionError("a context did not shut down within " + WAIT.toMillis() + " ms", e);
      }
    }
    List<Recorder> recs;
    synchronized (recorders) {
      recs = new ArrayList<>(recorders);
      recorders.clear();
    }
    for (Recorder r : recs) {
      // every context is down, so every session that opened must have closed, exactly once
      r.assertEverySessionClosedOnce();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
