package io.loopwire.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Loops;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Shared helpers: availability gate, loopback addresses, bounded waits, thread and descriptor counts. */
final class NettyTesting {

  /** Every wait in these tests is bounded by this. */
  static final long WAIT_SECONDS = 20;
  private static final AtomicInteger LOOPS = new AtomicInteger();

  private NettyTesting() {}

  /**
   * A transport that cannot run here fails the test in CI ({@code CI=true}) and skips it loudly elsewhere:
   * a developer's machine without io_uring should not hide the other tests, but CI must not go green by
   * silently running nothing.
   */
  static void requireAvailable(NettyTransportType type) {
    Throwable cause = type.unavailabilityCause();
    if (cause == null) {
      return;
    }
    String message = type.loopName() + " cannot run on this machine: " + cause;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: every loop must run in CI)");
    }
    System.err.println("SKIPPING " + type.loopName() + " tests: " + message);
    Assumptions.abort(message);
  }

  static String uniquePrefix(String test) {
    return "lw-netty-" + test + "-" + LOOPS.incrementAndGet() + "-";
  }

  static Loop owned(NettyTransportType type, String test, int threads) {
    return Loops.create(type.loopName(),
        LoopOptions.defaults().withThreads(threads).withThreadNamePrefix(uniquePrefix(test)));
  }

  static InetSocketAddress loopback(String host) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(host), 0);
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Runs a task on {@code thread} and waits for it, three times: what the thread queued before has run. */
  static void fence(LoopThread thread) throws Exception {
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      thread.execute(() -> done.complete(null));
      await(done);
    }
  }

  static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  static int closedPort(InetAddress host) throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, host)) {
      return s.getLocalPort();
    }
  }

  /** Open file descriptors of this process, or -1 where /proc is missing. */
  static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  static long liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .count();
  }

  static void assertThreadsGone(String prefix) throws Exception {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      }
    }
    assertThat(liveThreads(prefix)).as("live threads named %s*", prefix).isZero();
  }

  /** Waits (bounded) for {@code count} to reach zero; the caller asserts afterwards. */
  static void awaitZero(java.util.function.IntSupplier count) throws InterruptedException {
    for (int i = 0; i < 2000 && count.getAsInt() != 0; i++) {
      Thread.sleep(5);
    }
  }

  static byte pattern(long i) {
    return (byte) (i * 31 + (i >>> 13));
  }
}
