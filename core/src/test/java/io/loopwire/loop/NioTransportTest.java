package io.loopwire.loop;

import static io.loopwire.loop.LoopTesting.ascii;
import static io.loopwire.loop.LoopTesting.await;
import static io.loopwire.loop.LoopTesting.fence;
import static io.loopwire.loop.LoopTesting.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connections on the nio loop, over loopback only: echo, coalescing, back-pressure, closes, resets. */
@Timeout(60)
class NioTransportTest {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private Loop loop;
  private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    loop = LoopTesting.nio("transport", 2);
  }

  @AfterEach
  void stop() throws Exception {
    await(loop.shutdown());
    for (Recorder r : recorders) {
      assertThat(r.problems).as("callback rule violations").isEmpty();
    }
  }

  private <R extends Recorder> R track(R r) {
    recorders.add(r);
    return r;
  }

  /** Echoes what it reads; closes when the peer half-closes. */
  private class Echo extends Recorder {
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

  /** A server whose accepted transports each get a fresh handler from {@code factory}. */
  private Listener listen(InetSocketAddress address, java.util.function.Supplier<Recorder> factory) throws Exception {
    return await(loop.listen(address, ListenOptions.defaults(), transport -> track(factory.get())));
  }

  private Recorder connect(InetSocketAddress to, Recorder client) {
    track(client);
    loop.connect(to, loop.next(), client, CONNECT_TIMEOUT);
    return client;
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void echoesBytesBothWays(String host) throws Exception {
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(loopback(host), () -> {
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
    assertThat(listener.localAddress().getPort()).isPositive();
    assertThat(listener.localAddress().getAddress()).isEqualTo(loopback(host).getAddress());

    String message = "the quick brown fox";
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
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
    Transport t = await(client.opened);
    assertThat(t.remoteAddress()).isEqualTo(listener.localAddress());
    assertThat(await(client.closed)).isNull(); // both sides half-closed: an orderly close
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
  void manySmallWritesArriveInOrderInFewerReads() throws Exception {
    int writes = 10_000;
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
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
          ByteBuffer b = ByteBuffer.allocate(4).putInt(i).flip();
          assertThat(t.write(b)).isTrue();
        }
        assertThat(t.pendingWriteBytes()).isEqualTo(4L * writes);
        t.flush();
        t.shutdownOutput();
      }
    });
    await(client.opened);
    await(client.eof);
    Recorder server = servers.get(0);
    await(server.closed);
    ByteBuffer got = ByteBuffer.wrap(server.received());
    assertThat(got.remaining()).isEqualTo(4 * writes);
    for (int i = 0; i < writes; i++) {
      assertThat(got.getInt()).isEqualTo(i);
    }
    // Gathering writes: thousands of tiny buffers go out in a handful of system calls.
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
        pauseBriefly(t); // start paused, so the sender's queue must fill
      }

      @Override
      protected void whenRead(Transport t, ByteBuffer data) {
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
      protected void whenEof(Transport t) {
        t.close();
      }

      void pauseBriefly(Transport t) {
        pauses++;
        t.setReadInterest(false);
        t.thread().schedule(Duration.ofMillis(2), () -> t.setReadInterest(true));
      }
    });
    assertThat(await(pendingAfterFlush)).as("bytes left queued after the first flush").isPositive();
    assertThat(await(client.closed)).isNull();
    assertThat(mismatches).isEmpty();
    assertThat(client.receivedCount()).isEqualTo(total);
    Recorder server = servers.get(0);
    assertThat(await(server.closed)).isNull();
    assertThat(server.drains.get()).isEqualTo(1);
  }

  private static byte pattern(long i) {
    return (byte) (i * 31 + (i >>> 13));
  }

  @Test
  void gracefulCloseWritesWhatIsQueuedFirst() throws Exception {
    int size = 3 * 1024 * 1024;
    Listener listener = listen(loopback("127.0.0.1"), () -> new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
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
      protected void whenEof(Transport t) {
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
        loopback("127.0.0.1").getAddress(), LoopTesting.closedPort(loopback("127.0.0.1").getAddress()));
    Recorder client = track(new Recorder());
    LoopThread thread = loop.next();
    loop.connect(nobody, thread, client, CONNECT_TIMEOUT);
    Throwable cause = await(client.connectFailed);
    assertThat(cause).isInstanceOf(java.net.ConnectException.class).hasMessageContaining(nobody.toString());
    fence(thread);
    assertThat(client.failures.get()).isEqualTo(1);
    assertThat(client.opens.get()).isZero();
    assertThat(client.closes.get()).isZero();
  }

  @Test
  void connectTimesOutAgainstAFullBacklogAndCanBeCancelled() throws Exception {
    // A listener that never accepts, with backlog 1: once its queue is full the kernel drops new SYNs,
    // so a connect neither succeeds nor fails: it times out. Loopback only.
    try (var server = java.nio.channels.ServerSocketChannel.open()) {
      server.bind(loopback("127.0.0.1"), 1);
      InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
      List<java.nio.channels.SocketChannel> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          var c = java.nio.channels.SocketChannel.open();
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
        assertThat(await(cancelled.connectFailed)).isInstanceOf(java.util.concurrent.CancellationException.class);

        fence(thread);
        for (Recorder r : List.of(timedOut, cancelled)) {
          assertThat(r.failures.get()).isEqualTo(1);
          assertThat(r.opens.get()).isZero();
          assertThat(r.closes.get()).isZero();
        }
      } finally {
        for (var c : fillers) {
          c.close();
        }
      }
    }
  }

  @Test
  void aPeerResetClosesOnceWithACause() throws Exception {
    CompletableFuture<Recorder> accepted = new CompletableFuture<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
      Recorder r = new Recorder();
      accepted.complete(r);
      return r;
    });
    Socket peer = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort());
    Recorder server;
    try {
      peer.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
      server = await(accepted);
      await(server.opened);
      peer.setSoLinger(true, 0);
    } finally {
      peer.close(); // with linger 0: a reset
    }
    Throwable cause = await(server.closed);
    assertThat(cause).isInstanceOf(IOException.class);
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
      protected void whenOpen(Transport t) {
        t.write(ascii("ping"));
        t.flush();
      }

      @Override
      protected void whenRead(Transport t, ByteBuffer data) {
        throw boom;
      }
    });
    assertThat(await(thrower.closed)).isSameAs(boom);
    // The loop thread survived: a new connection on the same thread still echoes.
    Recorder next = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        t.write(ascii("pong"));
        t.flush();
      }

      @Override
      protected void whenRead(Transport t, ByteBuffer data) {
        t.close();
      }
    });
    assertThat(await(next.closed)).isNull();
    assertThat(new String(next.received(), StandardCharsets.US_ASCII)).isEqualTo("pong");
    assertThat(thrower.closes.get()).isEqualTo(1);
  }

  @Test
  void adoptRunsAConnectedChannel() throws Exception {
    try (var server = java.nio.channels.ServerSocketChannel.open()) {
      server.bind(loopback("127.0.0.1"));
      var channel = java.nio.channels.SocketChannel.open(server.getLocalAddress());
      try (var peer = server.accept().socket()) {
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
        await(adopted.opened);
        InputStream in = peer.getInputStream();
        byte[] got = in.readNBytes(7);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("adopted");
        OutputStream out = peer.getOutputStream();
        out.write('!');
        out.flush();
        assertThat(await(adopted.closed)).isNull();
        assertThat(in.read()).isEqualTo(-1);
        assertThat(channel.isOpen()).isFalse();
      }
    }
  }

  @Test
  void adoptOfAClosedOrUnconnectedChannelClosesItAndReportsWhy() throws Exception {
    var closedChannel = java.nio.channels.SocketChannel.open();
    closedChannel.close();
    Recorder r1 = track(new Recorder());
    loop.adopt(closedChannel, loop.next(), r1);
    assertThat(await(r1.connectFailed)).isInstanceOf(java.nio.channels.ClosedChannelException.class);

    var unconnected = java.nio.channels.SocketChannel.open();
    Recorder r2 = track(new Recorder());
    LoopThread thread = loop.next();
    loop.adopt(unconnected, thread, r2);
    assertThat(await(r2.connectFailed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not connected");
    assertThat(unconnected.isOpen()).isFalse();
    fence(thread);
    assertThat(r1.opens.get() + r2.opens.get() + r1.closes.get() + r2.closes.get()).isZero();
    assertThat(r1.failures.get()).isEqualTo(1);
    assertThat(r2.failures.get()).isEqualTo(1);
  }

  @Test
  void transportMethodsRefuseOtherThreadsButCloseIsAllowed() throws Exception {
    Listener listener = listen(loopback("127.0.0.1"), Echo::new);
    Recorder client = connect(listener.localAddress(), new Recorder());
    Transport t = await(client.opened);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.write(ascii("x")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("loop thread");
    org.assertj.core.api.Assertions.assertThatThrownBy(t::flush).isInstanceOf(IllegalStateException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.setReadInterest(false))
        .isInstanceOf(IllegalStateException.class);
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
  void abortResetsThePeer() throws Exception {
    List<Recorder> servers = new CopyOnWriteArrayList<>();
    Listener listener = listen(loopback("127.0.0.1"), () -> {
      Recorder r = new Recorder() {
        @Override
        protected void whenRead(Transport t, ByteBuffer data) {
          t.write(ascii("never sent, or maybe sent"));
          t.abort();
        }
      };
      servers.add(r);
      return r;
    });
    Recorder client = connect(listener.localAddress(), new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        t.write(ascii("go"));
        t.flush();
      }
    });
    Throwable cause = await(client.closed);
    assertThat(cause).isInstanceOf(IOException.class); // a reset, not an orderly end of stream
    assertThat(client.eofs.get()).isZero();
    assertThat(await(servers.get(0).closed)).isNull();
  }

  @Test
  void inDebugModeABorrowedReadBufferIsPoisonedAfterTheCallback() throws Exception {
    Loop debugLoop;
    String old = System.setProperty("io.loopwire.debug", "true");
    try {
      debugLoop = LoopTesting.nio("debug", 1);
    } finally {
      if (old == null) {
        System.clearProperty("io.loopwire.debug");
      } else {
        System.setProperty("io.loopwire.debug", old);
      }
    }
    try {
      Listener listener = await(debugLoop.listen(loopback("127.0.0.1"), ListenOptions.defaults(), t -> new Echo()));
      CompletableFuture<ByteBuffer> kept = new CompletableFuture<>();
      Recorder client = track(new Recorder() {
        @Override
        protected void whenOpen(Transport t) {
          t.write(ascii("abc"));
          t.flush();
        }

        @Override
        protected void whenRead(Transport t, ByteBuffer data) {
          kept.complete(data); // the bug the poisoning exposes: keeping a borrowed buffer
          t.close();
        }
      });
      debugLoop.connect(listener.localAddress(), debugLoop.next(), client, CONNECT_TIMEOUT);
      await(client.closed);
      ByteBuffer escaped = await(kept);
      assertThat(new String(client.received(), StandardCharsets.US_ASCII)).isEqualTo("abc");
      assertThat(escaped.get(0)).isNotEqualTo((byte) 'a');
    } finally {
      await(debugLoop.shutdown());
    }
  }
}
