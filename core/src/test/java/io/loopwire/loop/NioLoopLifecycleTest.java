package io.loopwire.loop;

import static io.loopwire.loop.LoopTesting.ascii;
import static io.loopwire.loop.LoopTesting.await;
import static io.loopwire.loop.LoopTesting.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loop shutdown and resource hygiene. File-descriptor counts come from /proc/self/fd (Linux; skipped
 * elsewhere) and allow a small tolerance: the JVM itself may open a file lazily (a jar, /dev/random)
 * during the test, which has nothing to do with the loop. Each count is taken after a warm-up.
 */
@Timeout(120)
class NioLoopLifecycleTest {

  private static final int FD_TOLERANCE = 3;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Echoes and closes when the peer half-closes; used on both sides. */
  private static class Echo extends Recorder {
    @Override
    protected void whenRead(Transport t, ByteBuffer data) {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining());
      copy.put(data).flip();
      t.write(copy);
      t.flush();
    }

    @Override
    protected void whenEof(Transport t) {
      t.close();
    }
  }

  private static void warmUp() throws Exception {
    Loop loop = LoopTesting.nio("warmup", 1);
    Listener l = await(loop.listen(loopback("127.0.0.1"), ListenOptions.defaults(), t -> new Echo()));
    Recorder c = new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        t.close();
      }
    };
    loop.connect(l.localAddress(), loop.next(), c, CONNECT_TIMEOUT);
    await(c.closed);
    await(loop.shutdown());
  }

  /**
   * {@link Loop#shutdown()} promises the owned threads have exited when its future completes, not merely
   * finished their work: a thread completing the future itself is still alive for a moment (CI saw it).
   */
  @Test
  void shutdownCompletesOnlyOnceEveryLoopThreadHasExited() throws Exception {
    for (int i = 0; i < 40; i++) {
      String prefix = LoopTesting.uniquePrefix("exited");
      Loop loop = Loops.create("nio", LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
      CompletableFuture<Void> ran = new CompletableFuture<>();
      loop.next().execute(() -> ran.complete(null));
      await(ran);
      List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith(prefix)).toList();
      assertThat(threads).hasSize(2);
      await(loop.shutdown());
      assertThat(threads).as("loop threads alive after shutdown completed (round %d)", i)
          .noneMatch(Thread::isAlive);
    }
  }

  @Test
  void shutdownWithLiveConnectionsClosesEachOnceAndLeavesNothing() throws Exception {
    warmUp();
    int fdsBefore = LoopTesting.openFds();
    String prefix = LoopTesting.uniquePrefix("shutdown");
    Loop loop = Loops.create("nio", LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
    assertThat(LoopTesting.liveThreads(prefix)).isEqualTo(2);

    List<Recorder> all = new CopyOnWriteArrayList<>();
    Listener listener = await(loop.listen(loopback("127.0.0.1"), ListenOptions.defaults(), t -> {
      Echo e = new Echo();
      all.add(e);
      return e;
    }));
    int clients = 10;
    for (int i = 0; i < clients; i++) {
      Recorder c = new Recorder() {
        @Override
        protected void whenOpen(Transport t) {
          t.write(ascii("hi"));
          t.flush();
        }
      };
      all.add(c);
      loop.connect(listener.localAddress(), loop.next(), c, CONNECT_TIMEOUT);
    }
    // Wait until every connection is open on both sides and has exchanged bytes.
    for (int spins = 0; spins < 2000 && all.size() < 2 * clients; spins++) {
      Thread.sleep(5);
    }
    assertThat(all).hasSize(2 * clients);
    for (Recorder r : all) {
      await(r.opened);
    }

    // A connect still in progress at shutdown, against a listener that never accepts (full backlog).
    Recorder pending = new Recorder();
    AtomicInteger timerRuns = new AtomicInteger();
    try (ServerSocketChannel stuck = ServerSocketChannel.open()) {
      stuck.bind(loopback("127.0.0.1"), 1);
      List<SocketChannel> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          SocketChannel f = SocketChannel.open();
          fillers.add(f);
          f.configureBlocking(false);
          f.connect(stuck.getLocalAddress());
        }
        loop.connect((InetSocketAddress) stuck.getLocalAddress(), loop.next(), pending, Duration.ofMinutes(5));
        loop.next().schedule(Duration.ofMinutes(5), timerRuns::incrementAndGet);

        CompletableFuture<Void> done = loop.shutdown();
        assertThat(loop.shutdown()).isSameAs(done);
        await(done);
      } finally {
        for (SocketChannel f : fillers) {
          f.close();
        }
      }
    }

    LoopTesting.assertThreadsGone(prefix);
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
    String prefix = LoopTesting.uniquePrefix("after");
    Loop loop = Loops.create("nio", LoopOptions.defaults().withThreads(1).withThreadNamePrefix(prefix));
    LoopThread thread = loop.next();
    await(loop.shutdown());
    LoopTesting.assertThreadsGone(prefix);

    assertThatThrownBy(() -> thread.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> thread.schedule(Duration.ZERO, () -> {}))
        .isInstanceOf(RejectedExecutionException.class);
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

  @Test
  void shutdownCanBeCalledFromALoopThread() throws Exception {
    String prefix = LoopTesting.uniquePrefix("self");
    Loop loop = Loops.create("nio", LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
    CompletableFuture<CompletableFuture<Void>> fromLoop = new CompletableFuture<>();
    loop.next().execute(() -> fromLoop.complete(loop.shutdown()));
    await(await(fromLoop));
    LoopTesting.assertThreadsGone(prefix);
  }

  @Test
  void fiveHundredOpenCloseCyclesLeaveNoThreadsOrFdsBehind() throws Exception {
    warmUp();
    int fdsBefore = LoopTesting.openFds();
    String prefix = LoopTesting.uniquePrefix("cycles");
    Loop loop = Loops.create("nio", LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = await(loop.listen(loopback("127.0.0.1"), ListenOptions.defaults(), t -> {
      Echo e = new Echo();
      servers.add(e);
      return e;
    }));
    int fdsRunning = -1;
    for (int i = 0; i < 500; i++) {
      Recorder client = new Recorder() {
        @Override
        protected void whenOpen(Transport t) {
          t.write(ascii("cycle"));
          t.flush();
        }

        @Override
        protected void whenRead(Transport t, ByteBuffer data) {
          if (receivedCount() == 5) {
            t.shutdownOutput(); // the server echoes EOF with close; then this side closes too
          }
        }

        @Override
        protected void whenEof(Transport t) {
          t.close();
        }
      };
      loop.connect(listener.localAddress(), loop.next(), client, CONNECT_TIMEOUT);
      assertThat(await(client.closed)).isNull();
      assertThat(client.problems).isEmpty();
      assertThat(client.receivedCount()).isEqualTo(5);
      assertThat(await(servers.get(i).closed)).isNull();
      if (i == 9) {
        fdsRunning = LoopTesting.openFds();
      }
    }
    for (Recorder s : servers) {
      assertThat(s.problems).isEmpty();
      assertThat(s.closes.get()).isEqualTo(1);
    }
    assertThat(servers).hasSize(500);
    if (fdsRunning >= 0) {
      // Closed connections release their descriptors while the loop runs, not only at shutdown.
      assertThat(LoopTesting.openFds()).isLessThanOrEqualTo(fdsRunning + FD_TOLERANCE);
    }
    await(listener.close());
    await(loop.shutdown());
    LoopTesting.assertThreadsGone(prefix);
    assertFdsBackTo(fdsBefore);
  }

  @Test
  void manyLoopsStartedAndStoppedLeaveNothingBehind() throws Exception {
    warmUp();
    int fdsBefore = LoopTesting.openFds();
    List<String> prefixes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String prefix = LoopTesting.uniquePrefix("many");
      prefixes.add(prefix);
      Loop loop = Loops.create("nio", LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
      Listener l = await(loop.listen(loopback("127.0.0.1"), ListenOptions.defaults(), t -> new Echo()));
      assertThat(l.localAddress().getPort()).isPositive();
      await(loop.shutdown());
    }
    for (String prefix : prefixes) {
      LoopTesting.assertThreadsGone(prefix);
    }
    assertFdsBackTo(fdsBefore);
  }

  private static void assertFdsBackTo(int before) {
    int after = LoopTesting.openFds();
    if (before < 0 || after < 0) {
      return; // no /proc: nothing to count
    }
    assertThat(after).as("open file descriptors (before: %d, tolerance %d)", before, FD_TOLERANCE)
        .isLessThanOrEqualTo(before + FD_TOLERANCE);
  }
}
