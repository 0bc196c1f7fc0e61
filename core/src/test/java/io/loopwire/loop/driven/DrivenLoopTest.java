package io.loopwire.loop.driven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Loops;
import io.loopwire.loop.Recorder;
import io.loopwire.loop.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The app-driven loop on a thread of "the application": the transport contract over loopback (echo, write
 * batching, back-pressure, closes, resets, connect failures, adoption), the driving rules, and shutdown.
 */
@Timeout(60)
class DrivenLoopTest {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private Driver driver;
  private DrivenLoop loop;
  private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    driver = new Driver();
    loop = driver.loop;
  }

  @AfterEach
  void stop() throws Exception {
    driver.close();
    for (Recorder r : recorders) {
      assertThat(r.problems).as("callback rule violations").isEmpty();
    }
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(Driver.WAIT_SECONDS, TimeUnit.SECONDS);
  }

  static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  static void fence(LoopThread thread) throws Exception {
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      thread.execute(() -> done.complete(null));
      await(done);
    }
  }

  static byte pattern(long i) {
    return (byte) (i * 31 + (i >>> 13));
  }

  private <R extends Recorder> R track(R r) {
    recorders.add(r);
    return r;
  }

  /** Echoes; closes when the peer half-closes. */
  static class Echo extends Recorder {
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

  private Listener listen(Supplier<Recorder> factory) throws Exception {
    return await(loop.listen(loopback(), ListenOptions.defaults(), t -> track(factory.get())));
  }

  private Recorder connect(InetSocketAddress to, Recorder client) {
    track(client);
    loop.connect(to, loop.next(), client, CONNECT_TIMEOUT);
    return client;
  }

  @Test
  void echoesBothWaysOnTheApplicationsThreadAndHalfClosesInOrder() throws Exception {
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(() -> {
      Echo e = new Echo() {
        @Override
        protected void whenOpen(Transport t) {
          t.write(ascii("hello "));
          t.flush();
        }
      };
      servers.add(e);
      return e;
    });
    String message = "the quick brown fox";
    List<String> threads = new CopyOnWriteArrayList<>();
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        threads.add(Thread.currentThread().getName());
        t.write(ascii(message));
        t.flush();
      }

      @Override
      protected void whenRead(Transport t, ByteBuffer data) {
        if (receivedCount() == ("hello " + message).length()) {
          t.shutdownOutput();
        }
      }
    });
    assertThat(await(client.closed)).isNull();
    assertThat(threads).containsExactly(driver.thread.getName());
    assertThat(new String(client.received(), StandardCharsets.US_ASCII)).isEqualTo("hello " + message);
    assertThat(client.eofs.get()).isEqualTo(1);
    assertThat(await(servers.get(0).closed)).isNull();
    assertThat(new String(servers.get(0).received(), StandardCharsets.US_ASCII)).isEqualTo(message);
    fence(loop);
    assertThat(client.closes.get() + servers.get(0).closes.get()).isEqualTo(2);
    await(listener.close());
  }

  @Test
  void manySmallWritesGoOutTogetherAndInOrder() throws Exception {
    int writes = 10_000;
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(() -> {
      Recorder r = new Recorder() {
        @Override
        protected void whenEof(Transport t) {
          t.close();
        }
      };
      servers.add(r);
      return r;
    });
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        for (int i = 0; i < writes; i++) {
          t.write(ByteBuffer.allocate(4).putInt(i).flip());
        }
        assertThat(t.pendingWriteBytes()).isEqualTo(4L * writes);
        t.flush();
        t.shutdownOutput();
      }
    });
    await(client.eof);
    await(servers.get(0).closed);
    ByteBuffer got = ByteBuffer.wrap(servers.get(0).received());
    assertThat(got.remaining()).isEqualTo(4 * writes);
    for (int i = 0; i < writes; i++) {
      assertThat(got.getInt()).isEqualTo(i);
    }
    assertThat(servers.get(0).reads.get()).isLessThan(writes / 10);
    assertThat(await(client.closed)).isNull();
  }

  @Test
  void aLargeTransferToASlowReaderUsesBackPressure() throws Exception {
    int chunk = 64 * 1024;
    int chunks = 128; // 8 MiB
    CompletableFuture<Long> pendingAfterFlush = new CompletableFuture<>();
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(() -> {
      Recorder r = new Recorder() {
        @Override
        protected void whenOpen(Transport t) {
          for (int c = 0; c < chunks; c++) {
            ByteBuffer b = ByteBuffer.allocate(chunk);
            for (int i = 0; i < chunk; i++) {
              b.put(pattern((long) c * chunk + i));
            }
            t.write(b.flip());
          }
          t.flush();
          pendingAfterFlush.complete(t.pendingWriteBytes());
        }

        @Override
        protected void whenDrained(Transport t) {
          assertThat(t.pendingWriteBytes()).isZero();
          t.close();
        }
      };
      servers.add(r);
      return r;
    });
    List<String> mismatches = new CopyOnWriteArrayList<>();
    Recorder client = connect(listener.localAddress(), new Recorder() {
      long offset;
      int pauses;

      @Override
      protected void whenOpen(Transport t) {
        pause(t);
      }

      @Override
      protected void whenRead(Transport t, ByteBuffer data) {
        while (data.hasRemaining()) {
          byte b = data.get();
          if (b != pattern(offset) && mismatches.size() < 5) {
            mismatches.add("byte " + offset);
          }
          offset++;
        }
        if (pauses < 40 && reads.get() % 8 == 0) {
          pause(t);
        }
      }

      @Override
      protected void whenEof(Transport t) {
        t.close();
      }

      void pause(Transport t) {
        pauses++;
        t.setReadInterest(false);
        t.thread().schedule(Duration.ofMillis(2), () -> t.setReadInterest(true));
      }
    });
    assertThat(await(pendingAfterFlush)).isPositive();
    assertThat(await(client.closed)).isNull();
    assertThat(mismatches).isEmpty();
    assertThat(client.receivedCount()).isEqualTo((long) chunk * chunks);
    assertThat(await(servers.get(0).closed)).isNull();
    assertThat(servers.get(0).drains.get()).isEqualTo(1);
  }

  @Test
  void connectFailuresAreReportedOnceAndNothingElse() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    Recorder refused = track(new Recorder());
    loop.connect(nobody, loop, refused, CONNECT_TIMEOUT);
    assertThat(await(refused.connectFailed)).isInstanceOf(java.net.ConnectException.class)
        .hasMessageContaining(nobody.toString());

    try (ServerSocketChannel stuck = ServerSocketChannel.open()) {
      stuck.bind(loopback(), 1);
      List<SocketChannel> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          SocketChannel f = SocketChannel.open();
          fillers.add(f);
          f.configureBlocking(false);
          f.connect(stuck.getLocalAddress());
        }
        InetSocketAddress address = (InetSocketAddress) stuck.getLocalAddress();
        Recorder timedOut = track(new Recorder());
        loop.connect(address, loop, timedOut, Duration.ofMillis(300));
        assertThat(await(timedOut.connectFailed)).isInstanceOf(java.net.SocketTimeoutException.class);
        Recorder cancelled = track(new Recorder());
        ConnectRequest request = loop.connect(address, loop, cancelled, Duration.ofMinutes(5));
        assertThat(request.cancel()).isTrue();
        assertThat(request.cancel()).isFalse();
        assertThat(await(cancelled.connectFailed)).isInstanceOf(CancellationException.class);
      } finally {
        for (SocketChannel f : fillers) {
          f.close();
        }
      }
    }
    fence(loop);
    for (Recorder r : recorders) {
      assertThat(r.failures.get()).isEqualTo(1);
      assertThat(r.opens.get() + r.closes.get()).isZero();
    }
  }

  @Test
  void resetsAbortsAndThrowingCallbacksCloseExactlyOnce() throws Exception {
    IllegalStateException boom = new IllegalStateException("handler bug (expected by the test)");
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(() -> {
      Recorder r = new Recorder() {
        @Override
        protected void whenRead(Transport t, ByteBuffer data) {
          if (data.get(0) == 'a') {
            t.write(ascii("dropped"));
            t.abort();
            t.abort();
          }
        }
      };
      servers.add(r);
      return r;
    });
    Recorder aborted = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        t.write(ascii("a"));
        t.flush();
      }
    });
    assertThat(await(aborted.closed)).isInstanceOf(IOException.class); // reset by the server's abort
    Recorder thrower = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        throw boom;
      }
    });
    assertThat(await(thrower.closed)).isSameAs(boom);
    // A reset from a plain socket peer.
    Socket peer = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort());
    peer.getOutputStream().write('x');
    for (int i = 0; i < 2000 && servers.size() < 3; i++) {
      Thread.sleep(5);
    }
    Recorder server = servers.get(2);
    await(server.opened);
    peer.setSoLinger(true, 0);
    peer.close();
    assertThat(await(server.closed)).isInstanceOf(IOException.class);
    fence(loop);
    for (Recorder r : List.of(aborted, thrower, server)) {
      assertThat(r.closes.get()).isEqualTo(1);
    }
  }

  @Test
  void gracefulCloseWritesWhatIsQueuedFirstAndTheListenerFreesItsPort() throws Exception {
    int size = 3 * 1024 * 1024;
    Listener listener = listen(() -> new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
          bytes[i] = pattern(i);
        }
        t.write(ByteBuffer.wrap(bytes));
        t.close();
        assertThat(t.write(ascii("late"))).isFalse();
      }
    });
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenEof(Transport t) {
        t.close();
      }
    });
    await(client.eof);
    assertThat(client.received()).hasSize(size);
    assertThat(await(client.closed)).isNull();
    InetSocketAddress address = listener.localAddress();
    await(listener.close());
    Listener again = await(loop.listen(address, ListenOptions.defaults(), t -> new Echo()));
    assertThat(again.localAddress()).isEqualTo(address);
    await(again.close());
  }

  @Test
  void adoptRunsAConnectedChannelAndClosesOneItCannotRun() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(loopback());
      SocketChannel channel = SocketChannel.open(server.getLocalAddress());
      try (Socket peer = server.accept().socket()) {
        Recorder adopted = track(new Recorder() {
          @Override
          protected void whenOpen(Transport t) {
            t.write(ascii("adopted"));
            t.flush();
          }

          @Override
          protected void whenRead(Transport t, ByteBuffer data) {
            t.close();
          }
        });
        loop.adopt(channel, loop.next(), adopted);
        InputStream in = peer.getInputStream();
        assertThat(new String(in.readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("adopted");
        OutputStream out = peer.getOutputStream();
        out.write('!');
        out.flush();
        assertThat(await(adopted.closed)).isNull();
        assertThat(channel.isOpen()).isFalse();
      }
    }
    SocketChannel unconnected = SocketChannel.open();
    Recorder refused = track(new Recorder());
    loop.adopt(unconnected, loop, refused);
    assertThat(await(refused.connectFailed)).isInstanceOf(IllegalArgumentException.class);
    assertThat(unconnected.isOpen()).isFalse();
  }

  @Test
  void onlyTheDrivingThreadMayDriveAndTransportsStayOnIt() throws Exception {
    Listener listener = listen(Echo::new);
    Recorder client = connect(listener.localAddress(), new Recorder());
    Transport t = await(client.opened);
    assertThat(t.thread()).isSameAs(loop);
    assertThat(loop.inLoop()).isFalse();
    assertThatThrownBy(() -> loop.runOnce(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(driver.thread.getName());
    assertThatThrownBy(loop::runPending).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> t.write(ascii("x"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("drives the loop");
    t.close();
    assertThat(await(client.closed)).isNull();
  }

  @Test
  void timersRunInDeadlineOrderAndCancelledOnesNever() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    loop.execute(() -> {
      loop.schedule(Duration.ofMillis(150), () -> order.add(3));
      loop.schedule(Duration.ofMillis(50), () -> order.add(1));
      loop.schedule(Duration.ofMillis(100), () -> order.add(2));
      loop.schedule(Duration.ofMillis(100), () -> order.add(22));
      io.loopwire.loop.Timer c = loop.schedule(Duration.ofMillis(75), () -> order.add(-1));
      cancelled.complete(c.cancel() && !c.cancel());
      loop.schedule(Duration.ofMillis(200), () -> last.complete(null));
    });
    assertThat(await(cancelled)).isTrue();
    await(last);
    assertThat(order).containsExactly(1, 2, 22, 3);
  }

  @Test
  void shutdownClosesEverythingOnceThenRunOnceSaysSoAndWorkIsRefused() throws Exception {
    List<Recorder> all = new CopyOnWriteArrayList<>();
    Listener listener = await(loop.listen(loopback(), ListenOptions.defaults(), t -> {
      Echo e = new Echo();
      all.add(e);
      return e;
    }));
    for (int i = 0; i < 5; i++) {
      Recorder c = new Recorder() {
        @Override
        protected void whenOpen(Transport t) {
          t.write(ascii("hi"));
          t.flush();
        }
      };
      all.add(c);
      loop.connect(listener.localAddress(), loop, c, CONNECT_TIMEOUT);
    }
    for (int i = 0; i < 2000 && all.size() < 10; i++) {
      Thread.sleep(5);
    }
    for (Recorder r : all) {
      await(r.opened);
    }
    AtomicInteger timerRuns = new AtomicInteger();
    loop.schedule(Duration.ofMinutes(5), timerRuns::incrementAndGet);
    CompletableFuture<Void> done = loop.shutdown();
    assertThat(loop.shutdown()).isSameAs(done);
    await(done);
    await(driver.exited); // runOnce returned false, so the application's loop ended
    for (Recorder r : all) {
      assertThat(r.closes.get()).isEqualTo(1);
      assertThat(r.problems).isEmpty();
    }
    assertThat(timerRuns.get()).isZero();
    assertThat(listener.close()).isDone();
    assertThat(loop.selector().isOpen()).isFalse();
    assertThatThrownBy(() -> loop.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> await(loop.listen(loopback(), ListenOptions.defaults(), t -> null)))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RejectedExecutionException.class);
    Recorder late = new Recorder();
    loop.connect(listener.localAddress(), loop, late, CONNECT_TIMEOUT);
    assertThat(await(late.connectFailed)).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void theDrivenProviderRunsTheSameLoopOnAThreadOfItsOwn() throws Exception {
    String prefix = "lw-driven-provider-" + System.nanoTime() + "-";
    Loop named = Loops.create("driven", LoopOptions.defaults().withThreadNamePrefix(prefix));
    try {
      Listener l = await(named.listen(loopback(), ListenOptions.defaults(), t -> new Echo()));
      Recorder c = new Recorder() {
        @Override
        protected void whenOpen(Transport t) {
          t.write(ascii("ping"));
          t.flush();
        }

        @Override
        protected void whenRead(Transport t, ByteBuffer data) {
          t.close();
        }
      };
      named.connect(l.localAddress(), named.next(), c, CONNECT_TIMEOUT);
      assertThat(await(c.closed)).isNull();
      assertThat(new String(c.received(), StandardCharsets.US_ASCII)).isEqualTo("ping");
      assertThat(c.problems).isEmpty();
    } finally {
      await(named.shutdown());
    }
    assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count())
        .isZero();
  }
}
