package io.loopwire.netty;

import static io.loopwire.netty.NettyTesting.ascii;
import static io.loopwire.netty.NettyTesting.await;
import static io.loopwire.netty.NettyTesting.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Loops;
import io.loopwire.loop.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shutdown of owned and borrowed Netty loops: every transport closes once, pending connects fail once,
 * timers never run, nothing is left behind; a borrowed group keeps running and keeps serving the
 * application's own channels; an application that shuts its group down first still gets every
 * {@code onClosed}. Descriptor counts come from /proc/self/fd with a small tolerance (the JVM may open a jar
 * lazily) after a warm-up.
 */
@Timeout(120)
abstract class LifecycleContract {

  private static final int FD_TOLERANCE = 4;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  abstract NettyTransportType type();

  @BeforeEach
  void gate() {
    NettyTesting.requireAvailable(type());
  }

  EventLoopGroup appGroup(String prefix, int threads) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix), type().ioHandlerFactory());
  }

  /** Opens {@code clients} echo connections on {@code loop}; returns both sides' recorders once all are open. */
  private static List<Recorder> openPairs(Loop loop, Listener listener, List<Recorder> servers, int clients)
      throws Exception {
    List<Recorder> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Recorder c = new Recorder() {
        @Override
        void whenOpen(Transport t) {
          t.write(ascii("hi"));
          t.flush();
        }
      };
      all.add(c);
      loop.connect(listener.localAddress(), loop.next(), c, CONNECT_TIMEOUT);
    }
    for (int spins = 0; spins < 4000 && servers.size() < clients; spins++) {
      Thread.sleep(5);
    }
    assertThat(servers).hasSize(clients);
    all.addAll(servers);
    for (Recorder r : all) {
      await(r.opened);
    }
    return all;
  }

  private static Listener echoListener(Loop loop, List<Recorder> servers) throws Exception {
    return await(loop.listen(loopback("127.0.0.1"), ListenOptions.defaults(), t -> {
      Recorder e = new TransportContract.Echo();
      servers.add(e);
      return e;
    }));
  }

  private void warmUp() throws Exception {
    Loop loop = NettyTesting.owned(type(), "warmup", 1);
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener l = echoListener(loop, servers);
    openPairs(loop, l, servers, 2);
    await(loop.shutdown());
  }

  @Test
  void ownedShutdownWithLiveConnectionsClosesEachOnceAndLeavesNothing() throws Exception {
    warmUp();
    int fdsBefore = NettyTesting.openFds();
    String prefix = NettyTesting.uniquePrefix("owned");
    Loop loop = Loops.create(type().loopName(), LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
    assertThat(NettyTesting.liveThreads(prefix)).isBetween(0L, 2L); // Netty starts threads on first use
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = echoListener(loop, servers);
    List<Recorder> all = openPairs(loop, listener, servers, 10);

    Recorder pending = new Recorder();
    AtomicInteger timerRuns = new AtomicInteger();
    try (StuckServer stuck = new StuckServer()) {
      loop.connect(stuck.address, loop.next(), pending, Duration.ofMinutes(5));
      loop.next().schedule(Duration.ofMinutes(5), timerRuns::incrementAndGet);
      Thread.sleep(50); // let the connect reach the kernel
      CompletableFuture<Void> done = loop.shutdown();
      assertThat(loop.shutdown()).isSameAs(done);
      await(done);
    }
    NettyTesting.assertThreadsGone(prefix);
    for (Recorder r : all) {
      assertThat(r.problems).isEmpty();
      assertThat(r.closes.get()).as("onClosed calls").isEqualTo(1);
      assertThat(r.transport.isOpen()).isFalse();
    }
    assertThat(await(pending.connectFailed)).isInstanceOf(CancellationException.class);
    assertThat(pending.opens.get()).isZero();
    assertThat(pending.failures.get()).isEqualTo(1);
    assertThat(timerRuns.get()).isZero();
    assertThat(listener.close()).isDone();
    assertFdsBackTo(fdsBefore);
  }

  @Test
  void afterShutdownEverythingIsRefusedCleanly() throws Exception {
    String prefix = NettyTesting.uniquePrefix("after");
    Loop loop = Loops.create(type().loopName(), LoopOptions.defaults().withThreads(1).withThreadNamePrefix(prefix));
    LoopThread thread = loop.next();
    await(loop.shutdown());
    NettyTesting.assertThreadsGone(prefix);
    assertThatThrownBy(() -> thread.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> thread.schedule(Duration.ZERO, () -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> await(loop.listen(loopback("127.0.0.1"), ListenOptions.defaults(), t -> null)))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RejectedExecutionException.class);
    Recorder connect = new Recorder();
    loop.connect(new InetSocketAddress(loopback("127.0.0.1").getAddress(), 9), thread, connect, CONNECT_TIMEOUT);
    assertThat(await(connect.connectFailed)).isInstanceOf(RejectedExecutionException.class);
    SocketChannel channel = SocketChannel.open();
    Recorder adopt = new Recorder();
    loop.adopt(channel, thread, adopt);
    assertThat(await(adopt.connectFailed)).isInstanceOf(RejectedExecutionException.class);
    assertThat(channel.isOpen()).as("an adopted channel is the loop's: closed on failure").isFalse();
    assertThat(connect.opens.get() + adopt.opens.get()).isZero();
  }

  /** The future promises the owned threads have exited, not only finished (Netty completes it before). */
  @Test
  void ownedShutdownCompletesOnlyOnceEveryThreadHasExited() throws Exception {
    for (int i = 0; i < 20; i++) {
      String prefix = NettyTesting.uniquePrefix("exited");
      Loop loop = Loops.create(type().loopName(), LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
      for (int k = 0; k < 2; k++) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.next().execute(() -> ran.complete(null)); // Netty starts its threads lazily
        await(ran);
      }
      List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith(prefix)).toList();
      assertThat(threads).hasSize(2);
      await(loop.shutdown());
      assertThat(threads).as("loop threads alive after shutdown completed (round %d)", i)
          .noneMatch(Thread::isAlive);
    }
  }

  @Test
  void shutdownCanBeCalledFromALoopThread() throws Exception {
    String prefix = NettyTesting.uniquePrefix("self");
    Loop loop = Loops.create(type().loopName(), LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
    CompletableFuture<CompletableFuture<Void>> fromLoop = new CompletableFuture<>();
    loop.next().execute(() -> fromLoop.complete(loop.shutdown()));
    await(await(fromLoop));
    NettyTesting.assertThreadsGone(prefix);
  }

  @Test
  void borrowedShutdownReleasesOnlyItsOwnAndLeavesTheGroupServing() throws Exception {
    warmUp();
    String prefix = NettyTesting.uniquePrefix("app");
    EventLoopGroup group = appGroup(prefix, 2);
    try (PlainNettyEcho app = new PlainNettyEcho(group, type())) {
      app.assertEchoes("before");
      int fdsBefore = NettyTesting.openFds();
      Loop loop = NettyLoops.borrow(group);
      NettyLoop netty = (NettyLoop) loop;
      List<Recorder> servers = new CopyOnWriteArrayList<>();
      Listener listener = echoListener(loop, servers);
      List<Recorder> all = openPairs(loop, listener, servers, 10);
      AtomicInteger timerRuns = new AtomicInteger();
      loop.next().schedule(Duration.ofMinutes(5), timerRuns::incrementAndGet);
      Recorder pending = new Recorder();
      try (StuckServer stuck = new StuckServer()) {
        loop.connect(stuck.address, loop.next(), pending, Duration.ofMinutes(5));
        Thread.sleep(50);
        assertThat(netty.pendingTimers()).isEqualTo(1);
        assertThat(netty.liveHandles()).isEqualTo(1 + 20 + 1); // listener, both sides, the connect
        await(loop.shutdown());
      }
      for (Recorder r : all) {
        assertThat(r.problems).isEmpty();
        assertThat(r.closes.get()).as("onClosed calls").isEqualTo(1);
      }
      assertThat(await(pending.connectFailed)).isInstanceOf(CancellationException.class);
      assertThat(timerRuns.get()).isZero();
      assertThat(netty.liveHandles()).isZero();
      assertThat(netty.pendingTimers()).isZero();
      assertThat(listener.close()).isDone();
      // The group is the application's: still running, still serving its own channels.
      assertThat(group.isShuttingDown()).isFalse();
      app.assertEchoes("after");
      CompletableFuture<Void> ran = new CompletableFuture<>();
      group.next().execute(() -> ran.complete(null));
      await(ran);
      // Nothing of Loopwire's runs on the group any more.
      assertThatThrownBy(() -> loop.next().execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
      assertFdsBackTo(fdsBefore);
    } finally {
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }
    NettyTesting.assertThreadsGone(prefix);
  }

  @Test
  void whenTheApplicationShutsItsGroupDownFirstEveryTransportStillCloses() throws Exception {
    String prefix = NettyTesting.uniquePrefix("appfirst");
    EventLoopGroup group = appGroup(prefix, 2);
    Loop loop = NettyLoops.borrow(group);
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = echoListener(loop, servers);
    List<Recorder> all = openPairs(loop, listener, servers, 6);
    Recorder pending = new Recorder();
    try (StuckServer stuck = new StuckServer()) {
      loop.connect(stuck.address, loop.next(), pending, Duration.ofMinutes(5));
      Thread.sleep(50);
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }
    for (Recorder r : all) {
      await(r.closed);
      assertThat(r.closes.get()).as("onClosed calls").isEqualTo(1);
      // A channel Netty left open when its event loop terminated is closed by the termination sweep, whose
      // onClosed necessarily runs off the dead loop thread; any other rule break is a failure.
      assertThat(r.problems).allMatch(p -> p.startsWith("onClosed on ") && p.endsWith("not the loop thread"));
    }
    assertThat(await(pending.connectFailed)).isNotNull();
    assertThat(pending.failures.get()).isEqualTo(1);
    await(loop.shutdown());
    await(listener.close());
    NettyTesting.awaitZero(((NettyLoop) loop)::liveHandles);
    assertThat(((NettyLoop) loop).liveHandles()).isZero();
    NettyTesting.assertThreadsGone(prefix);
  }

  @Test
  void inDebugModeABorrowedReadBufferIsPoisonedAfterTheCallback() throws Exception {
    Loop debugLoop;
    String old = System.setProperty("io.loopwire.debug", "true");
    try {
      debugLoop = NettyTesting.owned(type(), "debug", 1);
    } finally {
      if (old == null) {
        System.clearProperty("io.loopwire.debug");
      } else {
        System.setProperty("io.loopwire.debug", old);
      }
    }
    try {
      Listener listener = await(debugLoop.listen(loopback("127.0.0.1"), ListenOptions.defaults(),
          t -> new TransportContract.Echo()));
      CompletableFuture<ByteBuffer> kept = new CompletableFuture<>();
      Recorder client = new Recorder() {
        @Override
        void whenOpen(Transport t) {
          t.write(ascii("abc"));
          t.flush();
        }

        @Override
        void whenRead(Transport t, ByteBuffer data) {
          kept.complete(data); // the bug poisoning exposes: keeping a borrowed buffer
          t.close();
        }
      };
      debugLoop.connect(listener.localAddress(), debugLoop.next(), client, CONNECT_TIMEOUT);
      await(client.closed);
      ByteBuffer escaped = await(kept);
      assertThat(new String(client.received(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abc");
      assertThat(escaped.get(0)).isNotEqualTo((byte) 'a');
    } finally {
      await(debugLoop.shutdown());
    }
  }

  /** A listener that never accepts, its backlog full: connects to it stay pending. Loopback only. */
  static final class StuckServer implements AutoCloseable {
    final InetSocketAddress address;
    private final ServerSocketChannel server;
    private final List<SocketChannel> fillers = new ArrayList<>();

    StuckServer() throws Exception {
      server = ServerSocketChannel.open();
      server.bind(loopback("127.0.0.1"), 1);
      address = (InetSocketAddress) server.getLocalAddress();
      for (int i = 0; i < 8; i++) {
        SocketChannel f = SocketChannel.open();
        fillers.add(f);
        f.configureBlocking(false);
        f.connect(address);
      }
    }

    @Override
    public void close() throws Exception {
      for (SocketChannel f : fillers) {
        f.close();
      }
      server.close();
    }
  }

  static void assertFdsBackTo(int before) throws Exception {
    if (before < 0) {
      return; // no /proc: nothing to count
    }
    // Closed sockets are released asynchronously by some transports; give them a bounded moment.
    for (int i = 0; i < 100 && NettyTesting.openFds() > before + FD_TOLERANCE; i++) {
      Thread.sleep(20);
    }
    assertThat(NettyTesting.openFds()).as("open file descriptors (before: %d, tolerance %d)", before, FD_TOLERANCE)
        .isLessThanOrEqualTo(before + FD_TOLERANCE);
  }
}
