package io.loopwire.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.CloseStatus;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Session;
import io.loopwire.VhostConfig;
import io.loopwire.WsHandler;
import io.loopwire.WsProtocol;
import io.loopwire.loop.Loop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loopwire on the application's own Netty group, next to the application's own channels: a plain Netty
 * echo server and a Loopwire WebSocket echo share the group; closing Loopwire closes only Loopwire's
 * connections (every {@code onClose} fires) and leaves the group serving; the application may shut its group
 * down first; and a thousand contexts come and go on one live group without leaking handles, timers,
 * threads or descriptors.
 */
@Timeout(180)
abstract class BorrowedGroupContract {

  private static final long WAIT = NettyTesting.WAIT_SECONDS;


  abstract NettyTransportType type();

  private String prefix;
  private EventLoopGroup group;
  private PlainNettyEcho app;

  @BeforeEach
  void start() throws Exception {
    NettyTesting.requireAvailable(type());
    prefix = NettyTesting.uniquePrefix("group");
    group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory(prefix), type().ioHandlerFactory());
    app = new PlainNettyEcho(group, type());
  }

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      app.close();
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
      NettyTesting.assertThreadsGone(prefix);
    }
  }

  /** Echoes text; counts opens and closes and notes the close codes. */
  static final class Echo implements WsHandler<Void> {
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final List<Integer> codes = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final boolean echo;

    Echo(boolean echo) {
      this.echo = echo;
    }

    final List<String> sessions = new CopyOnWriteArrayList<>();

    @Override
    public Void onOpen(Session<Void> session) {
      opens.incrementAndGet();
      sessions.add(session.remoteAddress() + " -> " + session.localAddress() + " " + session.requestTarget());
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      if (echo) {
        session.sendText(text);
      }
    }

    @Override
    public void onClose(Session<Void> session, CloseStatus status) {
      if (closes.incrementAndGet() > opens.get()) {
        problems.add("more onClose than onOpen");
      }
      codes.add(status.code());
    }
  }

  private static Loopwire echoServer(Loop loop, Echo echo) {
    return Loopwire.start(LoopwireConfig.defaults().withLoop(loop).withShutdownTimeout(Duration.ofSeconds(5))
        .withVhost(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("echo", echo)).withDefaultProtocol("echo")));
  }

  private static void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
    for (int i = 0; i < 4000 && count.get() < expected; i++) {
      Thread.sleep(5);
    }
    assertThat(count.get()).isGreaterThanOrEqualTo(expected);
  }

  /** A JDK WebSocket client that collects what it receives. */
  static final class JdkClient implements WebSocket.Listener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  @Test
  void aPlainNettyServerAndALoopwireServerShareOneGroup() throws Exception {
    Loop loop = NettyLoops.borrow(group);
    Echo echo = new Echo(true);
    Loopwire lw = echoServer(loop, echo);
    HttpClient http = HttpClient.newHttpClient();
    try {
      List<JdkClient> clients = new ArrayList<>();
      List<WebSocket> sockets = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JdkClient c = new JdkClient();
        WebSocket ws = http.newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + lw.port() + "/"), c).get(WAIT, TimeUnit.SECONDS);
        ws.sendText("message " + i, true).get(WAIT, TimeUnit.SECONDS);
        clients.add(c);
        sockets.add(ws);
        app.assertEchoes("plain " + i); // the application's own server, on the same event loops
      }
      for (int i = 0; i < clients.size(); i++) {
        JdkClient c = clients.get(i);
        for (int spins = 0; spins < 4000 && c.texts.isEmpty(); spins++) {
          Thread.sleep(5);
        }
        assertThat(c.texts).containsExactly("message " + i);
      }
      lw.shutdown().get(WAIT, TimeUnit.SECONDS);
      for (JdkClient c : clients) {
        assertThat(c.closed.get(WAIT, TimeUnit.SECONDS)).isEqualTo(CloseStatus.GOING_AWAY);
      }
      assertThat(echo.opens.get()).isEqualTo(3);
      assertThat(echo.closes.get()).isEqualTo(3);
      assertThat(echo.problems).isEmpty();
      app.assertEchoes("still serving");
      assertThat(group.isShuttingDown()).isFalse();
      loop.shutdown().get(WAIT, TimeUnit.SECONDS);
      NettyTesting.awaitZero(((NettyLoop) loop)::liveHandles);
      assertThat(((NettyLoop) loop).liveHandles()).isZero();
      app.assertEchoes("after the loop is released");
      for (WebSocket ws : sockets) {
        ws.abort();
      }
    } finally {
      lw.close();
      loop.shutdown();
    }
  }

  @Test
  void closingLoopwireWithOpenSessionsFiresEveryOnCloseAndLeavesTheGroupServing() throws Exception {
    Loop loop = NettyLoops.borrow(group);
    Echo serverSide = new Echo(true);
    Loopwire server = echoServer(loop, serverSide);
    Loopwire client = Loopwire.start(LoopwireConfig.defaults().withLoop(loop));
    Echo clientSide = new Echo(false);
    List<CompletableFuture<Session<Void>>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      futures.add(client.connect("ws://127.0.0.1:" + server.port() + "/", clientSide));
    }
    for (CompletableFuture<Session<Void>> f : futures) {
      f.get(WAIT, TimeUnit.SECONDS).sendText("hi");
    }
    awaitCount(serverSide.opens, 8);

    server.shutdown().get(WAIT, TimeUnit.SECONDS);
    assertThat(serverSide.closes.get()).isEqualTo(8);
    awaitCount(clientSide.closes, 8);
    client.shutdown().get(WAIT, TimeUnit.SECONDS);
    assertThat(clientSide.closes.get()).isEqualTo(8);
    assertThat(serverSide.codes).containsOnly(CloseStatus.GOING_AWAY);
    assertThat(serverSide.problems).isEmpty();
    assertThat(clientSide.problems).isEmpty();
    NettyLoop netty = (NettyLoop) loop;
    // onClosed runs just before a connection leaves the loop's books: give the last one a moment.
    NettyTesting.awaitZero(netty::liveHandles);
    assertThat(netty.liveHandles()).as("listeners and connections left on the group").isZero();
    assertThat(netty.pendingTimers()).as("timers left on the group").isZero();
    assertThat(group.isShuttingDown()).isFalse();
    app.assertEchoes("the group still serves its own channels");
    loop.shutdown().get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void whenTheApplicationShutsItsGroupDownFirstOnCloseStillFiresAndCloseCompletes() throws Exception {
    Loop loop = NettyLoops.borrow(group);
    Echo serverSide = new Echo(true);
    Loopwire server = echoServer(loop, serverSide);
    Loopwire client = Loopwire.start(LoopwireConfig.defaults().withLoop(loop));
    Echo clientSide = new Echo(false);
    for (int i = 0; i < 4; i++) {
      client.connect("ws://127.0.0.1:" + server.port() + "/", clientSide).get(WAIT, TimeUnit.SECONDS);
    }
    awaitCount(serverSide.opens, 4);

    app.close();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();

    awaitCount(serverSide.closes, 4);
    awaitCount(clientSide.closes, 4);
    server.shutdown().get(WAIT, TimeUnit.SECONDS);
    client.shutdown().get(WAIT, TimeUnit.SECONDS);
    loop.shutdown().get(WAIT, TimeUnit.SECONDS);
    assertThat(serverSide.closes.get()).isEqualTo(4);
    assertThat(clientSide.closes.get()).isEqualTo(4);
    assertThat(serverSide.problems).isEmpty();
    assertThat(((NettyLoop) loop).liveHandles()).isZero();
    NettyTesting.assertThreadsGone(prefix);
    group = null; // already shut down
  }

  @Test
  void aThousandContextsComeAndGoOnOneLiveGroupWithConnectionsOpen() throws Exception {
    Loop loop = NettyLoops.borrow(group);
    NettyLoop netty = (NettyLoop) loop;
    Loopwire client = Loopwire.start(LoopwireConfig.defaults().withLoop(loop));
    Echo clientSide = new Echo(false);
    int cycles = 1000;
    int perCycle = 2;
    // Warm up, then take the baselines.
    cycle(loop, client, clientSide, perCycle);
    awaitCount(clientSide.closes, perCycle);
    NettyTesting.awaitZero(netty::liveHandles);
    NettyTesting.awaitZero(netty::pendingTimers);
    assertThat(netty.liveHandles() + netty.pendingTimers()).as("an idle client context holds nothing").isZero();
    int fdsBefore = NettyTesting.openFds();
    long threadsBefore = Thread.getAllStackTraces().size();
    int expectedCloses = perCycle;
    for (int i = 0; i < cycles; i++) {
      Echo server = cycle(loop, client, clientSide, perCycle);
      expectedCloses += perCycle;
      assertThat(server.opens.get()).as("sessions of cycle %d: %s", i, server.sessions).isEqualTo(perCycle);
      assertThat(server.closes.get()).as("server onClose in cycle %d", i).isEqualTo(perCycle);
      assertThat(server.problems).isEmpty();
    }
    awaitCount(clientSide.closes, expectedCloses);
    assertThat(clientSide.closes.get()).isEqualTo(expectedCloses);
    assertThat(clientSide.problems).isEmpty();
    NettyTesting.awaitZero(netty::liveHandles);
    NettyTesting.awaitZero(netty::pendingTimers);
    assertThat(netty.liveHandles()).as("Loopwire handles (listeners, connections) on the group").isZero();
    assertThat(netty.pendingTimers()).as("Loopwire timers on the group").isZero();
    assertThat(Thread.getAllStackTraces().size()).as("threads").isLessThanOrEqualTo((int) threadsBefore + 2);
    LifecycleContract.assertFdsBackTo(fdsBefore);
    app.assertEchoes("the group still serves its own channels");
    client.shutdown().get(WAIT, TimeUnit.SECONDS);
    loop.shutdown().get(WAIT, TimeUnit.SECONDS);
    assertThat(netty.liveHandles()).isZero();
    assertThat(netty.pendingTimers()).isZero();
  }

  /** Starts a context, opens {@code n} sessions to it, closes it while they are open; returns its handler. */
  private static Echo cycle(Loop loop, Loopwire client, Echo clientSide, int n) throws Exception {
    Echo serverSide = new Echo(true);
    Loopwire server = echoServer(loop, serverSide);
    List<CompletableFuture<Session<Void>>> sessions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sessions.add(client.connect("ws://127.0.0.1:" + server.port() + "/?c=" + i, clientSide));
    }
    for (CompletableFuture<Session<Void>> s : sessions) {
      s.get(WAIT, TimeUnit.SECONDS);
    }
    awaitCount(serverSide.opens, n);
    server.shutdown().get(WAIT, TimeUnit.SECONDS);
    return serverSide;
  }
}
