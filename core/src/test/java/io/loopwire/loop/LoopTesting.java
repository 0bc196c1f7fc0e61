package io.loopwire.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared helpers: loopback addresses, waits with bounds, thread and file-descriptor counts. */
final class LoopTesting {

  /** Every wait in these tests is bounded by this. */
  static final long WAIT_SECONDS = 20;
  private static final AtomicInteger LOOPS = new AtomicInteger();

  private LoopTesting() {}

  /** A unique thread name prefix per loop, so a test can find exactly its own threads. */
  static String uniquePrefix(String test) {
    return "lw-test-" + test + "-" + LOOPS.incrementAndGet() + "-";
  }

  static Loop nio(String test, int threads) {
    return Loops.create("nio", LoopOptions.defaults().withThreads(threads).withThreadNamePrefix(uniquePrefix(test)));
  }

  static InetSocketAddress loopback(String host) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(host), 0);
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Runs a task on {@code thread} and waits for it: everything the thread queued before has run. */
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

  /** A port on which nothing listens (bound, then released). */
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

  /** Waits (bounded) for every thread named {@code prefix*} to exit, then asserts none is left. */
  static void assertThreadsGone(String prefix) throws Exception {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      }
    }
    assertThat(liveThreads(prefix)).as("live threads named %s*", prefix).isZero();
  }
}
