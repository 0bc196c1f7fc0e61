package io.loopwire.netty;

import static io.loopwire.netty.NettyTesting.ascii;
import static io.loopwire.netty.NettyTesting.await;
import static io.loopwire.netty.NettyTesting.fence;
import static io.loopwire.netty.NettyTesting.loopback;
import static io.loopwire.netty.NettyTesting.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport contract of the loop SPI, over loopback: echo, write batching, back-pressure, graceful and
 * abortive closes, resets, connect failures. One subclass per Netty transport; a loop that cannot run here
 * fails in CI and skips loudly elsewhere.
 */
@Timeout(60)
abstract class TransportContract {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  Loop loop;
  private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

  abstract NettyTransportType type();

  /** The loop under test; owned by default. */
  Loop newLoop(String test) {
    return NettyTesting.owned(type(), test, 2);
  }

  /** Called after the loop has shut down. */
  void afterLoop() throws Exception {}

  @BeforeEach
  void start() {
    NettyTesting.requireAvailable(type());
    loop = newLoop("transport");
  }

  @AfterEach
  void stop() throws Exception {
    if (loop != null) {
      await(loop.shutdown());
      afterLoop();
    }
    for (Recorder r : recorders) {
      assertThat(r.problems).as("callback rule violations").isEmpty();
    }
  }

  <R extends Recorder> R track(R r) {
    recorders.add(r);
    return r;
  }

  /** Echoes what it reads; closes when the peer half-closes. */
  static class Echo extends Recorder {
    @Override
    void whenRead(Transport t, ByteBuffer data) {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining());
      copy.put(data).flip();
      t.write(copy);
      t.flush();
    }

    @Override
    void whenEof(Transport t) {
      t.close();
    }
  }

  Listener listen(InetSocketAddress address, Supplier<Recorder> factory) throws Exception {
    return await(loop.listen(address, ListenOptions.defaults(), transport -> track(factory.get())));
  }

  Recorder connect(InetSocketAddress to, Recorder client) {
    track(client);
    loop.connect(to, loop.next(), client, CONNECT_TIMEOUT);
    return client;
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void echoesBytesBothWaysAndHalfClosesInOrder(String host) throws Exception {
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(loopback(host), () -> {
      Echo e = new Echo() {
        @Override
        void whenOpen(Transport t) {
          t.write(ascii("hello "));
          t.flush();
        }
      };
      servers.add(e);
      return e;
    });
    assertThat(listener.localAddress().getPort()).isPositive();
    String message = "the quick brown fox";
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenOpen(Transport t) {
        t.write(ascii(message));
        t.flush();
      }

      @Override
      void whenRead(Transport t, ByteBuffer data) {
        if (receivedCount() == ("hello " + message).length()) {
          t.shutdownOutput();
        }
      }
    });
    Transport t = await(client.opened);
    assertThat(t.remoteAddress()).isEqualTo(listener.localAddress());
    assertThat(await(client.closed)).isNull();
    assertThat(new String(client.received(), StandardCharsets.US_ASCII)).isEqualTo("hello " + message);
    assertThat(client.eofs.get()).isEqualTo(1);
    assertThat(servers).hasSize(1);
    assertThat(await(servers.get(0).closed)).isNull();
    assertThat(new String(servers.get(0).received(), StandardCharsets.US_ASCII)).isEqualTo(message);
    fence(t.thread());
    assertThat(client.closes.get()).isEqualTo(1);
    assertThat(servers.get(0).closes.get()).isEqualTo(1);
    assertThat(t.isOpen()).isFalse();
    await(listener.close());
  }

  @Test
  void manySmallWritesArriveInOrder() throws Exception {
    int writes = 10_000;
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
      Recorder r = new Recorder() {
        @Override
        void whenEof(Transport t) {
          t.close();
        }
      };
      servers.add(r);
      return r;
    });
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenOpen(Transport t) {
        for (int i = 0; i < writes; i++) {
          assertThat(t.write(ByteBuffer.allocate(4).putInt(i).flip())).isTrue();
        }
        assertThat(t.pendingWriteBytes()).isEqualTo(4L * writes);
        t.flush();
        t.shutdownOutput();
      }
    });
    await(client.eof);
    Recorder server = servers.get(0);
    await(server.closed);
    ByteBuffer got = ByteBuffer.wrap(server.received());
    assertThat(got.remaining()).isEqualTo(4 * writes);
    for (int i = 0; i < writes; i++) {
      assertThat(got.getInt()).isEqualTo(i);
    }
    // Flushed together: thousands of tiny buffers arrive in far fewer reads.
    assertThat(server.reads.get()).isLessThan(writes / 10);
    assertThat(await(client.closed)).isNull();
  }

  @Test
  void largeTransferToASlowReaderUsesBackPressure() throws Exception {
    int chunk = 64 * 1024;
    int chunks = 128; // 8 MiB
    long total = (long) chunk * chunks;
    CompletableFuture<Long> pendingAfterFlush = new CompletableFuture<>();
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
      Recorder r = new Recorder() {
        @Override
        void whenOpen(Transport t) {
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
        void whenDrained(Transport t) {
          assertThat(t.pendingWriteBytes()).isZero();
          t.close();
        }
      };
      servers.add(r);
      return r;
    });
    List<String> mismatches = new CopyOnWriteArrayList<>();
    List<String> readsWhilePaused = new CopyOnWriteArrayList<>();
    Recorder client = connect(listener.localAddress(), new Recorder() {
      long offset;
      int pauses;
      boolean paused;

      @Override
      void whenOpen(Transport t) {
        pauseBriefly(t); // start paused, so the sender's queue must fill
      }

      @Override
      void whenRead(Transport t, ByteBuffer data) {
        if (paused) {
          readsWhilePaused.add("onRead while read interest was off, at offset " + offset);
        }
        while (data.hasRemaining()) {
          byte b = data.get();
          if (b != pattern(offset) && mismatches.size() < 5) {
            mismatches.add("byte " + offset + ": " + b + " != " + pattern(offset));
          }
          offset++;
        }
        if (pauses < 40 && reads.get() % 8 == 0) {
          pauseBriefly(t);
        }
      }

      @Override
      void whenEof(Transport t) {
        t.close();
      }

      void pauseBriefly(Transport t) {
        pauses++;
        paused = true;
        t.setReadInterest(false);
        t.thread().schedule(Duration.ofMillis(2), () -> {
          paused = false;
          t.setReadInterest(true);
        });
      }
    });
    assertThat(await(pendingAfterFlush)).as("bytes left queued after the first flush").isPositive();
    assertThat(await(client.closed)).isNull();
    assertThat(mismatches).isEmpty();
    assertThat(readsWhilePaused).isEmpty();
    assertThat(client.receivedCount()).isEqualTo(total);
    Recorder server = servers.get(0);
    assertThat(await(server.closed)).isNull();
    assertThat(server.drains.get()).isEqualTo(1);
  }

  @Test
  void gracefulCloseWritesWhatIsQueuedFirst() throws Exception {
    int size = 3 * 1024 * 1024;
    Listener listener = listen(loopback("127.0.0.1"), () -> new Recorder() {
      @Override
      void whenOpen(Transport t) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
          bytes[i] = pattern(i);
        }
        t.write(ByteBuffer.wrap(bytes));
        t.close();
        assertThat(t.isOpen()).isFalse();
        assertThat(t.write(ascii("late"))).isFalse();
      }
    });
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenEof(Transport t) {
        t.close();
      }
    });
    await(client.eof);
    byte[] got = client.received();
    assertThat(got).hasSize(size);
    for (int i = 0; i < size; i += 4099) {
      assertThat(got[i]).isEqualTo(pattern(i));
    }
    assertThat(await(client.closed)).isNull();
  }

  @Test
  void connectToAClosedPortFailsOnceAndNothingElse() throws Exception {
    InetSocketAddress nobody = new InetSocketAddress(
        loopback("127.0.0.1").getAddress(), NettyTesting.closedPort(loopback("127.0.0.1").getAddress()));
    Recorder client = track(new Recorder());
    LoopThread thread = loop.next();
    loop.connect(nobody, thread, client, CONNECT_TIMEOUT);
    Throwable cause = await(client.connectFailed);
    assertThat(cause).isInstanceOf(java.net.ConnectException.class).hasMessageContaining(nobody.toString());
    fence(thread);
    assertThat(client.failures.get()).isEqualTo(1);
    assertThat(client.opens.get() + client.closes.get()).isZero();
  }

  @Test
  void connectTimesOutAgainstAFullBacklogAndCanBeCancelled() throws Exception {
    // A listener that never accepts, with backlog 1: once its queue is full the kernel drops new SYNs.
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(loopback("127.0.0.1"), 1);
      InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
      List<SocketChannel> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          SocketChannel c = SocketChannel.open();
          fillers.add(c);
          c.configureBlocking(false);
          c.connect(address);
        }
        Recorder timedOut = track(new Recorder());
        LoopThread thread = loop.next();
        loop.connect(address, thread, timedOut, Duration.ofMillis(300));
        assertThat(await(timedOut.connectFailed))
            .isInstanceOf(java.net.SocketTimeoutException.class)
            .hasMessageContaining(address.toString());

        Recorder cancelled = track(new Recorder());
        ConnectRequest request = loop.connect(address, thread, cancelled, Duration.ofMinutes(5));
        assertThat(request.cancel()).isTrue();
        assertThat(request.cancel()).isFalse();
        assertThat(await(cancelled.connectFailed)).isInstanceOf(CancellationException.class);
        fence(thread);
        for (Recorder r : List.of(timedOut, cancelled)) {
          assertThat(r.failures.get()).isEqualTo(1);
          assertThat(r.opens.get() + r.closes.get()).isZero();
        }
      } finally {
        for (SocketChannel c : fillers) {
          c.close();
        }
      }
    }
  }

  @Test
  void aPeerResetClosesOnceWithACause() throws Exception {
    peerReset(true);
  }

  /**
   * A reset that races the server's first read. Netty's io_uring transport with multishot polls missed it
   * in most runs (the connection stayed open until its next write), so the race is run many times.
   */
  @Test
  void aPeerResetRacingTheFirstReadClosesOnceWithACause() throws Exception {
    for (int i = 0; i < 25; i++) {
      peerReset(false);
    }
  }

  /** The peer writes a byte and resets; {@code afterRead}: only once the server has read the byte. */
  private void peerReset(boolean afterRead) throws Exception {
    CompletableFuture<Recorder> accepted = new CompletableFuture<>();
    CompletableFuture<Void> firstRead = new CompletableFuture<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
      Recorder r = new Recorder() {
        @Override
        void whenRead(Transport t, ByteBuffer data) {
          firstRead.complete(null);
        }
      };
      accepted.complete(r);
      return r;
    });
    Socket peer = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort());
    Recorder server;
    try {
      peer.getOutputStream().write('x');
      server = await(accepted);
      await(server.opened);
      if (afterRead) {
        await(firstRead);
      }
      peer.setSoLinger(true, 0);
    } finally {
      peer.close(); // with linger 0: a reset
    }
    assertThat(await(server.closed)).isInstanceOf(IOException.class);
    fence(server.transport.thread());
    assertThat(server.closes.get()).isEqualTo(1);
    assertThat(server.eofs.get()).isZero();
  }

  @Test
  void aCallbackThatThrowsClosesOnlyItsTransport() throws Exception {
    IllegalStateException boom = new IllegalStateException("handler bug (expected by the test)");
    Listener listener = listen(loopback("127.0.0.1"), Echo::new);
    Recorder thrower = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenOpen(Transport t) {
        t.write(ascii("ping"));
        t.flush();
      }

      @Override
      void whenRead(Transport t, ByteBuffer data) {
        throw boom;
      }
    });
    assertThat(await(thrower.closed)).isSameAs(boom);
    Recorder next = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenOpen(Transport t) {
        t.write(ascii("pong"));
        t.flush();
      }

      @Override
      void whenRead(Transport t, ByteBuffer data) {
        t.close();
      }
    });
    assertThat(await(next.closed)).isNull();
    assertThat(new String(next.received(), StandardCharsets.US_ASCII)).isEqualTo("pong");
    assertThat(thrower.closes.get()).isEqualTo(1);
  }

  /** Active allocations in the default pooled allocator's direct arenas (where writeCopy's copies live). */
  private static long pooledDirectInUse() {
    assertThat(io.netty.buffer.ByteBufAllocator.DEFAULT).as("channels' allocator (netty/pom.xml sets it)")
        .isSameAs(io.netty.buffer.PooledByteBufAllocator.DEFAULT);
    return io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric().directArenas().stream()
        .mapToLong(io.netty.buffer.PoolArenaMetric::numActiveAllocations).sum();
  }

  /**
   * writeCopy: bytes in order with writes around them, the caller's buffer free at once, and each pooled
   * copy released: once written, and when the transport aborts with copies still queued.
   */
  @Test
  void copiesGoOutInOrderAndAreReleasedWrittenOrDropped() throws Exception {
    long before = pooledDirectInUse();
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = pattern(i);
    }
    CompletableFuture<Recorder> accepted = new CompletableFuture<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
      Recorder r = new Recorder();
      accepted.complete(r); // the first only: the second connection's side is not looked at
      return r;
    });
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenOpen(Transport t) {
        ByteBuffer scratch = ascii("<");
        t.writeCopy(scratch);
        t.write(ascii("|"));
        t.writeCopy(ByteBuffer.wrap(big).asReadOnlyBuffer());
        t.writeCopy(scratch);
        scratch.put(0, (byte) 'X'); // the caller's again at once
        t.flush();
        t.close();
      }
    });
    assertThat(await(client.closed)).isNull();
    Recorder server = await(accepted);
    await(server.eof);
    byte[] got = server.received();
    assertThat(got).hasSize(big.length + 3);
    assertThat(new String(got, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("<|");
    assertThat(java.util.Arrays.copyOfRange(got, 2, 2 + big.length)).isEqualTo(big);
    assertThat(got[got.length - 1]).isEqualTo((byte) '<');

    Recorder stuck = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenOpen(Transport t) {
        for (int i = 0; i < 100; i++) { // 20 MB to a peer that never reads: most stays queued
          t.writeCopy(ByteBuffer.wrap(big));
          if (i < 50) {
            t.flush(); // handed to Netty; the second half stays in our own queue
          }
        }
        t.abort();
      }
    });
    await(stuck.closed);
    await(loop.shutdown());
    for (int i = 0; i < 200 && pooledDirectInUse() > before; i++) {
      Thread.sleep(10); // released on the event loops, after the close
    }
    assertThat(pooledDirectInUse()).as("pooled copies still allocated").isLessThanOrEqualTo(before);
  }

  @Test
  void abortResetsThePeer() throws Exception {
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
      Recorder r = new Recorder() {
        @Override
        void whenRead(Transport t, ByteBuffer data) {
          t.write(ascii("dropped, or maybe sent"));
          t.abort();
          t.abort();
          t.close();
        }
      };
      servers.add(r);
      return r;
    });
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      void whenOpen(Transport t) {
        t.write(ascii("go"));
        t.flush();
      }
    });
    assertThat(await(client.closed)).isInstanceOf(IOException.class); // a reset, not an orderly end
    assertThat(client.eofs.get()).isZero();
    assertThat(await(servers.get(0).closed)).isNull();
    fence(servers.get(0).transport.thread());
    assertThat(servers.get(0).closes.get()).isEqualTo(1);
  }

  @Test
  void transportMethodsRefuseOtherThreadsButCloseIsAllowed() throws Exception {
    Listener listener = listen(loopback("127.0.0.1"), Echo::new);
    Recorder client = connect(listener.localAddress(), new Recorder());
    Transport t = await(client.opened);
    assertThatThrownBy(() -> t.write(ascii("x"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("loop thread");
    assertThatThrownBy(t::flush).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> t.setReadInterest(false)).isInstanceOf(IllegalStateException.class);
    t.close();
    t.close();
    assertThat(await(client.closed)).isNull();
    fence(t.thread());
    assertThat(client.closes.get()).isEqualTo(1);
  }

  @Test
  void aClosedListenerFreesItsPort() throws Exception {
    Listener first = listen(loopback("127.0.0.1"), Echo::new);
    InetSocketAddress address = first.localAddress();
    CompletableFuture<Void> closed = first.close();
    assertThat(first.close()).isSameAs(closed);
    await(closed);
    Listener second = listen(address, Echo::new);
    assertThat(second.localAddress()).isEqualTo(address);
    await(second.close());
  }

  @Test
  void listeningOnAPortInUseFailsWithABindException() throws Exception {
    Listener first = listen(loopback("127.0.0.1"), Echo::new);
    CompletableFuture<Listener> second = loop.listen(first.localAddress(), ListenOptions.defaults(), t -> new Echo());
    assertThatThrownBy(() -> await(second)).hasCauseInstanceOf(java.net.BindException.class)
        .hasMessageContaining(first.localAddress().toString());
  }

  @Test
  void timersRunOnTheLoopInDeadlineOrderAndCancelledOnesNever() throws Exception {
    LoopThread thread = loop.next();
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<String> problems = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> cancelledFirst = new CompletableFuture<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    // Scheduled in one task on the loop, so every deadline is measured from (nearly) the same moment.
    thread.execute(() -> {
      thread.schedule(Duration.ofMillis(150), () -> order.add(3));
      thread.schedule(Duration.ofMillis(50), () -> order.add(1));
      thread.schedule(Duration.ofMillis(100), () -> {
        order.add(2);
        if (!thread.inLoop()) {
          problems.add("timer off the loop thread");
        }
      });
      thread.schedule(Duration.ofMillis(100), () -> order.add(22)); // same deadline: after the one before
      io.loopwire.loop.Timer cancelled = thread.schedule(Duration.ofMillis(75), () -> order.add(-1));
      cancelledFirst.complete(cancelled.cancel() && !cancelled.cancel());
      thread.schedule(Duration.ofMillis(200), () -> last.complete(null));
    });
    assertThat(await(cancelledFirst)).as("cancel() true once, then false").isTrue();
    await(last);
    assertThat(order).containsExactly(1, 2, 22, 3);
    assertThat(problems).isEmpty();
  }
}
