package io.loopwire.cli;

import io.loopwire.ClientOptions;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.Loops;
import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.uri.Uri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loopwire bench URL}: a WebSocket load generator on Loopwire's own client and loops.
 *
 * <p>Modes: {@code echo} (round trips with a latency histogram), {@code hold} (idle connections: how
 * many stay up) and {@code rate} (handshakes per second). Every phase has a deadline, so a run always
 * ends: connecting within {@code --ramp-timeout}, then warm-up and measurement by the clock, then at most
 * a few seconds of closing.
 *
 * <p>Output: a progress line once a second, a summary, and one last line starting with {@code RESULT}
 * of {@code key=value} pairs for scripts (bench/compare.sh).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "WebSocket load generator: echo round trips (messages/s, MB/s, latency percentiles),"
        + " idle connection hold, or handshake rate, against any ws:// echo server.")
final class BenchCommand implements Callable<Integer> {

  enum Mode { echo, hold, rate }

  @Parameters(index = "0", description = "ws://host:port/path of an echo server")
  String url;

  @Option(names = {"-m", "--mode"}, defaultValue = "echo",
      description = "echo | hold | rate (default: ${DEFAULT-VALUE})")
  Mode mode;

  @Option(names = {"-c", "--connections"}, defaultValue = "10",
      description = "Connections (hold: connections to open; rate: attempts in flight) (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = {"-d", "--depth"}, defaultValue = "1",
      description = "Messages in flight per connection (default: ${DEFAULT-VALUE})")
  int depth;

  @Option(names = {"-s", "--size"}, defaultValue = "32", description = "Message size in bytes (default: ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--text", description = "Send text messages (ASCII).")
  boolean text;

  @Option(names = "--binary", description = "Send binary messages (the default).")
  boolean binary;

  @Option(names = {"-w", "--warmup"}, defaultValue = "2",
      description = "Warm-up seconds, not measured (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = {"-t", "--duration"}, defaultValue = "10",
      description = "Measured seconds (hold: seconds to hold) (default: ${DEFAULT-VALUE})")
  int duration;

  @Option(names = "--threads", defaultValue = "0", description = "Loop threads (default: available processors).")
  int threads;

  @Option(names = "--deflate",
      description = "Offer permessage-deflate and compress every message when the server accepts (default: off).")
  boolean deflate;

  @Option(names = "--raw",
      description = "Echo mode, binary: send pre-masked frames straight on the loop's transport and skip echo"
          + " payloads unread, so the generator costs far less than the server (reuses masking keys: load testing"
          + " only) (default: off).")
  boolean raw;

  @Option(names = "--loop", defaultValue = "nio",
      description = "Event loop of the generator: nio, netty-nio, netty-epoll, netty-io_uring (default: ${DEFAULT-VALUE}).")
  String loop;

  @Option(names = "--ramp", defaultValue = "256",
      description = "Handshakes in flight while connecting (default: ${DEFAULT-VALUE})")
  int ramp;

  @Option(names = "--ramp-timeout", defaultValue = "60",
      description = "Seconds allowed for opening all connections (default: ${DEFAULT-VALUE})")
  int rampTimeout;

  @Option(names = "--connect-timeout", defaultValue = "10",
      description = "Seconds allowed for one connection's TCP connect (default: ${DEFAULT-VALUE})")
  int connectTimeout;

  private static final int MAX_NOTES = 10;
  private static final AtomicInteger NOTES = new AtomicInteger();

  /** Length of the last {@link #measure} phase, from the clock (not from the nominal -t). */
  private double measuredSeconds;

  /** Prints a problem to stderr: the first few only, so a failing server cannot flood the terminal. */
  static void note(String message) {
    int n = NOTES.incrementAndGet();
    if (n <= MAX_NOTES) {
      System.err.println("bench: " + message);
    } else if (n == MAX_NOTES + 1) {
      System.err.println("bench: (further problems are counted, not printed)");
    }
  }

  @Override
  public Integer call() throws Exception {
    String invalid = validate();
    if (invalid != null) {
      System.err.println("loopwire bench: " + invalid);
      return 2;
    }
    ClientOptions options = ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(connectTimeout));
    if (deflate) {
      options = options.withWs(options.ws().withDeflate(DeflateOptions.defaults().withMinCompressBytes(0)));
    }
    LoopwireConfig config = LoopwireConfig.defaults().withLoop(loop).withShutdownTimeout(Duration.ofSeconds(3));
    if (threads > 0) {
      config = config.withThreads(threads);
    }
    BenchRun run = new BenchRun();
    if (raw) {
      return rawEcho(run);
    }
    try (Loopwire lw = Loopwire.start(config)) {
      switch (mode) {
        case hold:
          return hold(lw, run, options);
        case rate:
          return rate(lw, run, options);
        default:
          return echo(lw, run, options);
      }
    }
  }

  private String validate() {
    if (connections < 1 || depth < 1 || size < 0 || warmup < 0 || duration < 1 || ramp < 1 || rampTimeout < 1
        || connectTimeout < 1 || threads < 0) {
      return "-c, -d, -t, --ramp and the timeouts must be at least 1; -s, -w and --threads at least 0";
    }
    if (text && binary) {
      return "--text and --binary exclude each other";
    }
    if (raw && (mode != Mode.echo || text || deflate)) {
      return "--raw sends binary echo messages only: drop --text, --deflate and -m " + mode;
    }
    try {
      Uri u = Uri.parse(url);
      if (!u.isWebSocket() || u.isSecure()) {
        return "the URL must be ws://host:port/path (wss is not supported yet), got " + url;
      }
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  // ---- echo

  private int echo(Loopwire lw, BenchRun run, ClientOptions options) throws InterruptedException {
    ByteBuffer payload = null;
    String textPayload = null;
    if (text) {
      textPayload = "x".repeat(size);
    } else {
      byte[] b = new byte[size];
      for (int i = 0; i < size; i++) {
        b[i] = (byte) i;
      }
      payload = ByteBuffer.wrap(b).asReadOnlyBuffer();
    }
    BenchEcho handler = new BenchEcho(run, depth, size, payload, textPayload);
    System.out.printf(Locale.ROOT, "bench: echo %s: %d connections x %d in flight, %d-byte %s messages,"
        + " %d s warm-up + %d s%n", url, connections, depth, size, text ? "text" : "binary", warmup, duration);
    List<Session<BenchEcho.Conn>> sessions = connectAll(lw, run, options, () -> handler);
    if (sessions.isEmpty()) {
      System.err.println("loopwire bench: no connection opened (" + run.errorDetail() + ")");
      return 1;
    }
    long accepted = sessions.stream().filter(s -> {
      String ext = s.responseHeaders().get("Sec-WebSocket-Extensions");
      return ext != null && ext.contains("permessage-deflate");
    }).count();
    if (deflate) {
      System.out.printf(Locale.ROOT, "  permessage-deflate accepted on %d of %d connections%n", accepted,
          sessions.size());
    }
    Histogram total = measure(run, echoProgress(run));
    run.stopping = true;
    closeAll(run, sessions);
    printEchoSummary(run, total, "", run.opened.sum(), text ? "text" : "binary", accepted);
    return 0;
  }

  // ---- raw echo

  private int rawEcho(BenchRun run) throws Exception {
    Uri u = Uri.parse(url);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(u.host()), u.port());
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    Loop l = Loops.create(loop, LoopOptions.defaults().withThreads(n).withThreadNamePrefix("bench-raw-"));
    try {
      SecureRandom random = new SecureRandom();
      ByteBuffer[] frames = BenchRaw.frames(size, random);
      System.out.printf(Locale.ROOT, "bench: raw echo %s: %d connections x %d in flight, %d-byte binary messages"
          + " (pre-masked frames), %d s warm-up + %d s%n", url, connections, depth, size, warmup, duration);
      long start = System.nanoTime();
      long deadline = start + TimeUnit.SECONDS.toNanos(rampTimeout);
      Semaphore permits = new Semaphore(ramp);
      List<BenchRaw> all = new ArrayList<>(connections);
      for (int i = 0; i < connections; i++) {
        if (!permits.tryAcquire(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS)) {
          note("ramp timeout: " + i + " of " + connections + " connections started within " + rampTimeout + " s");
          break;
        }
        AtomicBoolean once = new AtomicBoolean();
        BenchRaw c = new BenchRaw(run, depth, size, frames, u.authority(), u.requestTarget(), random, () -> {
          if (once.compareAndSet(false, true)) {
            permits.release();
          }
        });
        all.add(c);
        l.connect(address, l.next(), c, Duration.ofSeconds(connectTimeout));
      }
      // every started connection has settled once all permits are back
      permits.tryAcquire(ramp, Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
      System.out.printf(Locale.ROOT, "  connected: %d of %d in %.2f s%n", run.open.get(), connections,
          (System.nanoTime() - start) / 1e9);
      if (run.open.get() == 0) {
        System.err.println("loopwire bench: no connection opened (" + run.errorDetail() + ")");
        return 1;
      }
      int opened = run.open.get();
      Histogram total = measure(run, echoProgress(run));
      run.stopping = true;
      for (BenchRaw c : all) {
        c.close();
      }
      long closeBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (run.open.get() > 0 && System.nanoTime() < closeBy) {
        Thread.sleep(10);
      }
      printEchoSummary(run, total, " raw=1", opened, "binary", 0);
      return 0;
    } finally {
      l.shutdown().get(10, TimeUnit.SECONDS);
    }
  }

  /** The progress line of an echo run, once a second. */
  private Progress echoProgress(BenchRun run) {
    return (second, interval, warm) -> String.format(Locale.ROOT,
        "%4ds %-7s %6d open %12s msg/s %9.2f MB/s  p50 %s  p99 %s  errors %d", second, warm ? "warmup" : "run",
        run.open.get(), group(interval.rate), interval.rate * size / 1e6,
        millis(interval.hist.getValueAtPercentile(50)), millis(interval.hist.getValueAtPercentile(99)),
        run.errors());
  }

  /** The summary of an echo run and its RESULT line; {@code extraKeys} starts with a space. */
  private void printEchoSummary(BenchRun run, Histogram total, String extraKeys, long opened, String type,
      long deflateConns) {
    double rate = total.getTotalCount() / measuredSeconds;
    System.out.printf(Locale.ROOT, "bench: %.2f s measured%n", measuredSeconds);
    System.out.printf(Locale.ROOT, "  messages/s  %s   (echoes received)%n", group(rate));
    System.out.printf(Locale.ROOT, "  MB/s        %.2f   (payload received, 10^6 bytes)%n", rate * size / 1e6);
    System.out.printf(Locale.ROOT, "  latency     %s%n", percentiles(total));
    System.out.printf(Locale.ROOT, "  errors      %d (%s)%n", run.errors(), run.errorDetail());
    System.out.printf(Locale.ROOT, "RESULT mode=echo%s conns=%d opened=%d depth=%d size=%d type=%s seconds=%.2f"
            + " deflate_conns=%d messages=%d msgs_per_s=%.0f mb_per_s=%.3f %s errors=%d%n",
        extraKeys, connections, opened, depth, size, type, measuredSeconds, deflateConns, total.getTotalCount(),
        rate, rate * size / 1e6, percentileKeys(total), run.errors());
  }

  // ---- hold

  private int hold(Loopwire lw, BenchRun run, ClientOptions options) throws InterruptedException {
    BenchHold handler = new BenchHold(run);
    System.out.printf(Locale.ROOT, "bench: hold %s: %d idle connections for %d s%n", url, connections, duration);
    long t0 = System.nanoTime();
    List<Session<Void>> sessions = connectAll(lw, run, options, () -> handler);
    double rampSeconds = (System.nanoTime() - t0) / 1e9;
    // A line for scripts: every connection that will open is open now (read the server's memory here).
    System.out.printf(Locale.ROOT, "HOLDING opened=%d target=%d failed=%d ramp_s=%.2f%n", sessions.size(),
        connections, run.connectFailed.sum(), rampSeconds);
    System.out.flush();
    long start = System.nanoTime();
    for (int s = 1; s <= duration; s++) {
      sleepUntil(start + s * 1_000_000_000L);
      System.out.printf(Locale.ROOT, "%4ds hold    %6d open  errors %d%n", s, run.open.get(), run.errors());
    }
    int stayed = run.open.get();
    run.stopping = true;
    closeAll(run, sessions);
    System.out.printf(Locale.ROOT, "  opened      %d of %d in %.2f s%n", sessions.size(), connections, rampSeconds);
    System.out.printf(Locale.ROOT, "  stayed up   %d for %d s%n", stayed, duration);
    System.out.printf(Locale.ROOT, "  errors      %d (%s)%n", run.errors(), run.errorDetail());
    System.out.printf(Locale.ROOT, "RESULT mode=hold target=%d opened=%d stayed=%d ramp_s=%.2f errors=%d%n",
        connections, sessions.size(), stayed, rampSeconds, run.errors());
    return sessions.isEmpty() ? 1 : 0;
  }

  // ---- rate

  private int rate(Loopwire lw, BenchRun run, ClientOptions options) throws InterruptedException {
    System.out.printf(Locale.ROOT, "bench: rate %s: %d handshakes in flight, %d s warm-up + %d s%n", url,
        connections, warmup, duration);
    BenchRate rate = new BenchRate(run, lw, url, options);
    for (int i = 0; i < connections; i++) {
      rate.startChain();
    }
    Histogram total = measure(run, (second, interval, warm) -> String.format(Locale.ROOT,
        "%4ds %-7s %10s handshakes/s  p50 %s  p99 %s  errors %d", second, warm ? "warmup" : "run",
        group(interval.rate), millis(interval.hist.getValueAtPercentile(50)),
        millis(interval.hist.getValueAtPercentile(99)), run.errors()));
    run.stopping = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (rate.chains.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    double perSecond = total.getTotalCount() / measuredSeconds;
    System.out.printf(Locale.ROOT, "  handshakes/s %s   (connect to open; each then closed)%n", group(perSecond));
    System.out.printf(Locale.ROOT, "  latency      %s%n", percentiles(total));
    System.out.printf(Locale.ROOT, "  errors       %d (%s)%n", run.errors(), run.errorDetail());
    System.out.printf(Locale.ROOT, "RESULT mode=rate inflight=%d seconds=%.2f handshakes=%d per_s=%.0f %s errors=%d%n",
        connections, measuredSeconds, total.getTotalCount(), perSecond, percentileKeys(total), run.errors());
    return total.getTotalCount() == 0 ? 1 : 0;
  }

  // ---- shared steps

  /**
   * Opens {@code connections} sessions with at most {@code ramp} handshakes in flight, printing progress
   * once a second; gives up on whatever is not open when the ramp timeout passes.
   */
  private <S> List<Session<S>> connectAll(Loopwire lw, BenchRun run, ClientOptions options,
      Supplier<WsHandler<S>> handler) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(rampTimeout);
    long nextNote = start + 1_000_000_000L;
    Semaphore permits = new Semaphore(ramp);
    List<CompletableFuture<Session<S>>> futures = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      long now = System.nanoTime();
      if (now >= nextNote) {
        System.out.printf(Locale.ROOT, "  connecting: %d open, %d failed%n", run.open.get(), run.connectFailed.sum());
        nextNote = now + 1_000_000_000L;
      }
      if (!permits.tryAcquire(Math.min(deadline, nextNote) - now, TimeUnit.NANOSECONDS)) {
        if (System.nanoTime() >= deadline) {
          note("ramp timeout: " + i + " of " + connections + " connections started within " + rampTimeout + " s");
          break;
        }
        i--; // just a progress tick
        continue;
      }
      CompletableFuture<Session<S>> f = lw.connect(url, options, handler.get());
      f.whenComplete((s, e) -> permits.release());
      futures.add(f);
    }
    List<Session<S>> open = new ArrayList<>(futures.size());
    for (CompletableFuture<Session<S>> f : futures) {
      try {
        long left = deadline - System.nanoTime();
        open.add(f.get(Math.max(left, 1), TimeUnit.NANOSECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        // counted by the handler's onConnectFailed
      } catch (java.util.concurrent.TimeoutException e) {
        f.cancel(false);
        run.connectFailed.increment();
      }
    }
    System.out.printf(Locale.ROOT, "  connected: %d of %d in %.2f s%n", open.size(), connections,
        (System.nanoTime() - start) / 1e9);
    return open;
  }

  /** One second of results: the histogram of that second and its rate per second. */
  private record Interval(Histogram hist, double rate) {}

  private interface Progress {
    String line(int second, Interval interval, boolean warmup);
  }

  /**
   * Runs the warm-up and the measurement by the clock, printing a progress line a second, and returns
   * what was recorded during the measurement (the warm-up is discarded).
   */
  private Histogram measure(BenchRun run, Progress progress) throws InterruptedException {
    Histogram total = new Histogram(1, BenchRun.MAX_NANOS, 3);
    long start = System.nanoTime();
    long last = start;
    run.collect(); // drops whatever the ramp recorded
    long measureStart = start;
    for (int s = 1; s <= warmup + duration; s++) {
      sleepUntil(start + s * 1_000_000_000L);
      Histogram h = run.collect();
      long now = System.nanoTime();
      boolean warm = s <= warmup;
      if (s == warmup) {
        measureStart = now;
      } else if (!warm) {
        total.add(h);
      }
      System.out.println(progress.line(s, new Interval(h, h.getTotalCount() / ((now - last) / 1e9)), warm));
      last = now;
    }
    measuredSeconds = (last - measureStart) / 1e9;
    return total;
  }

  private static void closeAll(BenchRun run, List<? extends Session<?>> sessions) throws InterruptedException {
    for (Session<?> s : sessions) {
      s.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (run.open.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static String percentiles(Histogram h) {
    return "p50 " + millis(h.getValueAtPercentile(50)) + "  p90 " + millis(h.getValueAtPercentile(90))
        + "  p99 " + millis(h.getValueAtPercentile(99)) + "  p99.9 " + millis(h.getValueAtPercentile(99.9))
        + "  max " + millis(h.getMaxValue());
  }

  private static String percentileKeys(Histogram h) {
    return String.format(Locale.ROOT, "p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f",
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  private static String group(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }
}
