package io.loopwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.CloseStatus;
import io.loopwire.Loopwire;
import io.loopwire.Session;
import io.loopwire.WsConfig;
import io.loopwire.testkit.Recorder.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure (STYLE 7): {@code send} never blocks; above the high watermark {@code isWritable()} turns
 * false; {@code onWritable} fires once per {@code requestWritable()} after the queue drains, never
 * because a control frame went out; past the hard cap the session closes with 1008 instead of growing.
 * The slow reader is a raw socket with a small receive buffer that stops reading.
 */
public abstract class BackpressureSuite extends LoopSuite {

  private static final int CHUNK = 16 * 1024;
  private static final long LOW = 16 * 1024;
  private static final long HIGH = 64 * 1024;

  private Recorder server;
  private Loopwire srv;

  private RawSocket slowReader(WsConfig ws) {
    server = recorder("server");
    srv = startServer(server, ws);
    RawSocket raw = closeLater(RawSocket.connect(srv.port(), 4096));
    raw.upgradeOk("/");
    return raw;
  }

  private static WsConfig watermarks() {
    return WsConfig.defaults().withSendWatermarks(LOW, HIGH).withCloseTimeout(SHORT);
  }

  /**
   * More than the kernel can buffer for one loopback connection (the sender's largest auto-tuned send
   * buffer, twice, plus slack), so that what a non-reading peer leaves unsent must stay in the session's
   * own queue. Reads {@code tcp_wmem} where the system has it.
   */
  private static long beyondKernelBuffers() {
    long max = 8L << 20;
    try {
      String[] v = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim()
          .split("\\s+");
      max = Long.parseLong(v[v.length - 1]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the guess
    }
    return 2 * max + (4L << 20);
  }

  /**
   * Sends more than the kernel can take to a peer that does not read, then waits until the loop has
   * written what it can: the queue then stays put above the high watermark.
   */
  private static void fillUntilStuck(Session<?> s) {
    long target = beyondKernelBuffers();
    int chunk = 256 * 1024;
    for (long sent = 0; sent < target; sent += chunk) {
      assertThat(s.sendBinary(new byte[chunk])).as("send at %d of %d bytes", sent, target).isTrue();
    }
    assertThat(s.isWritable()).isFalse();
    awaitTrue("the queue settles above the high watermark", () -> {
      long a = s.queuedBytes();
      pause(Duration.ofMillis(50));
      return a == s.queuedBytes() && a > HIGH;
    });
  }

  private static WsConfig roomForKernelBuffers(WsConfig c) {
    return c.withMaxSendQueueBytes(Math.max(c.maxSendQueueBytes(), 2 * beyondKernelBuffers()));
  }

  /** Starts a thread that reads everything the raw peer gets; returns how many bytes, at its end. */
  private static CompletableFuture<Long> resumeReading(RawSocket raw) {
    return inThread("reader", raw::drainUntilEof);
  }

  @Test
  void unwritableAboveHighWatermarkThenOneOnWritableAfterTheReaderResumes() {
    RawSocket raw = slowReader(roomForKernelBuffers(watermarks()));
    Session<?> s = server.awaitOpen();
    fillUntilStuck(s);
    assertThat(s.queuedBytes()).isGreaterThan(HIGH);
    s.requestWritable();
    s.requestWritable(); // coalesces with the first
    pause(Duration.ofMillis(100)); // nothing drains while the peer does not read
    assertThat(server.count(Kind.WRITABLE)).isZero();
    resumeReading(raw);
    server.await(Kind.WRITABLE);
    assertThat(s.isWritable()).isTrue();
    assertThat(s.queuedBytes()).isLessThanOrEqualTo(LOW);
    pause(Duration.ofMillis(100));
    assertThat(server.count(Kind.WRITABLE)).isEqualTo(1);
    // a new request after the drain gets its own, single call
    s.requestWritable();
    server.awaitCount(Kind.WRITABLE, 2);
    pause(Duration.ofMillis(50));
    assertThat(server.count(Kind.WRITABLE)).isEqualTo(2);
  }

  @Test
  void requestWritableOnAnIdleSessionFiresOnce() {
    server = recorder("server").whenOpen(s -> {
      s.requestWritable();
      return null;
    });
    srv = startServer(server);
    Session<Object> c = connect(startClient(), srv, recorder("client"));
    server.await(Kind.WRITABLE);
    Session<?> s = server.sessions().get(0);
    s.requestWritable();
    server.awaitCount(Kind.WRITABLE, 2);
    pause(Duration.ofMillis(50));
    assertThat(server.count(Kind.WRITABLE)).isEqualTo(2);
    c.close();
  }

  @Test
  void requestsMadeBeforeTheOnWritableCoalesce() {
    // on the loop thread both calls are certainly made before any onWritable can run
    server = recorder("server").whenText((s, t) -> {
      s.requestWritable();
      s.requestWritable();
      s.requestWritable();
    });
    srv = startServer(server);
    Session<Object> c = connect(startClient(), srv, recorder("client"));
    c.sendText("go");
    server.await(Kind.WRITABLE);
    c.sendText("sync"); // anything still queued on the loop runs before this is read
    server.awaitCount(Kind.TEXT, 2);
    pause(Duration.ofMillis(50));
    assertThat(server.count(Kind.WRITABLE)).isEqualTo(2); // one per burst of three
    c.close();
  }

  @Test
  void aWritablePumpDeliversEverythingWithOneCallPerRequest() {
    long total = beyondKernelBuffers() / CHUNK * CHUNK;
    AtomicLong sent = new AtomicLong();
    AtomicInteger requests = new AtomicInteger();
    server = recorder("server");
    server.whenOpen(s -> {
      requests.incrementAndGet();
      s.requestWritable();
      return null;
    }).whenWritable(s -> {
      while (s.isWritable() && sent.get() < total) {
        s.sendBinary(new byte[CHUNK]);
        sent.addAndGet(CHUNK);
      }
      if (sent.get() < total) {
        requests.incrementAndGet();
        s.requestWritable();
      }
    });
    srv = startServer(server, watermarks());
    RawSocket raw = closeLater(RawSocket.connect(srv.port(), 4096));
    raw.upgradeOk("/");
    // not reading yet: the pump fills the kernel's buffers, goes unwritable and has to ask again
    awaitTrue("the pump asked for onWritable again", () -> requests.get() >= 2);
    long got = 0;
    int frames = 0;
    while (got < total) {
      RawSocket.Frame f = raw.readFrame();
      assertThat(f.opcode()).isEqualTo(RawSocket.BINARY);
      got += f.payload().length;
      frames++;
    }
    assertThat(got).isEqualTo(total);
    assertThat(frames).isEqualTo(total / CHUNK);
    awaitTrue("one onWritable per request", () -> server.count(Kind.WRITABLE) == requests.get());
  }

  @Test
  void sendQueueCapClosesWith1008FromAnotherThread() {
    long cap = 256 * 1024;
    RawSocket raw = slowReader(watermarks().withMaxSendQueueBytes(cap));
    Session<?> s = server.awaitOpen();
    long maxQueued = 0;
    int accepted = 0;
    boolean refused = false;
    for (int i = 0; i < 100_000 && !refused; i++) {
      refused = !s.sendBinary(new byte[CHUNK]);
      maxQueued = Math.max(maxQueued, s.queuedBytes());
      if (!refused) {
        accepted++;
      }
    }
    assertThat(refused).as("a send is refused once the cap is reached").isTrue();
    // the queue counts frame headers too (4 bytes for a 16 KiB frame): at most one per message queued
    long headers = 4 * (cap / CHUNK + 1);
    assertThat(maxQueued).as("queued bytes stay within cap + one message (and their frame headers)")
        .isLessThanOrEqualTo(cap + CHUNK + headers);
    assertThat(accepted).isPositive();
    CloseStatus st = server.awaitClose(s);
    assertThat(st.code()).isEqualTo(CloseStatus.POLICY_VIOLATION);
    assertThat(st.remote()).isFalse();
    assertThat(s.sendBinary(new byte[1])).isFalse();
    assertThat(s.isWritable()).isFalse();
    raw.close();
  }

  @Test
  void sendQueueCapClosesWith1008OnTheLoopThread() {
    long cap = 256 * 1024;
    AtomicLong maxQueued = new AtomicLong();
    AtomicInteger refusedAt = new AtomicInteger(-1);
    server = recorder("server").whenText((s, t) -> {
      for (int i = 0; i < 100_000; i++) {
        if (!s.sendBinary(new byte[CHUNK])) {
          refusedAt.set(i);
          return;
        }
        maxQueued.accumulateAndGet(s.queuedBytes(), Math::max);
      }
    });
    srv = startServer(server, watermarks().withMaxSendQueueBytes(cap));
    RawSocket raw = closeLater(RawSocket.connect(srv.port(), 4096));
    raw.upgradeOk("/");
    raw.sendText("flood");
    CloseStatus st = server.awaitClose(server.sessions().get(0));
    assertThat(refusedAt.get()).as("a send on the loop thread is refused at the cap").isPositive();
    assertThat(maxQueued.get()).isLessThanOrEqualTo(cap + CHUNK);
    assertThat(st.code()).isEqualTo(CloseStatus.POLICY_VIOLATION);
  }

  @Test
  void noOnWritableAfterAutomaticPongs() {
    server = recorder("server");
    srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    Session<?> s = server.awaitOpen();
    for (int i = 0; i < 50; i++) {
      raw.sendPing(new byte[] {(byte) i});
      RawSocket.Frame pong = raw.readFrame();
      assertThat(pong.opcode()).isEqualTo(RawSocket.PONG);
      assertThat(pong.payload()).containsExactly((byte) i);
    }
    server.awaitCount(Kind.PING, 50);
    raw.sendClose(1000, "");
    raw.readFrame(RawSocket.CLOSE);
    server.awaitClose(s);
    assertThat(server.count(Kind.WRITABLE)).isZero();
    server.assertOrder(s, Stream.concat(Stream.of(Kind.OPEN),
        Stream.concat(Stream.generate(() -> Kind.PING).limit(50), Stream.of(Kind.CLOSE))).toArray(Kind[]::new));
  }

  @Test
  void sendNeverBlocksOnAPeerThatDoesNotRead() {
    slowReader(roomForKernelBuffers(WsConfig.defaults().withCloseTimeout(SHORT)));
    Session<?> s = server.awaitOpen();
    // far more than the socket buffers take: would block if send wrote synchronously
    await(inThread("sender", () -> {
      fillUntilStuck(s);
      return null;
    }));
    assertThat(s.isWritable()).isFalse();
    assertThat(s.queuedBytes()).isGreaterThan(WsConfig.defaults().sendHighWatermark());
  }
}
