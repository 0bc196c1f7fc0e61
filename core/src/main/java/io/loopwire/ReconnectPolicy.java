package io.loopwire;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a client connection reconnects by itself: after a failed attempt or an abnormal close, wait the
 * next delay of the table (the last one repeats), randomized by {@code jitter}, up to {@code maxAttempts}
 * consecutive attempts (0 = unlimited). A session that opened resets the count.
 *
 * @param delays the delay table, e.g. 100 ms, 500 ms, 1 s, 5 s
 * @param jitter fraction (0..1) of each delay that is randomized, so many clients do not reconnect in step
 * @param maxAttempts how many consecutive failed attempts before giving up; 0 means never give up
 */
public record ReconnectPolicy(List<Duration> delays, double jitter, int maxAttempts) {

  public ReconnectPolicy {
    delays = List.copyOf(delays);
    if (delays.isEmpty()) {
      throw new ConfigException("ReconnectPolicy needs at least one delay");
    }
    delays.forEach(d -> Checks.notNegative("reconnect delay", d));
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new ConfigException("jitter " + jitter + " must be within 0..1");
    }
    if (maxAttempts < 0) {
      throw new ConfigException("maxAttempts " + maxAttempts + " must be >= 0 (0 = unlimited)");
    }
  }

  /** 100 ms, 500 ms, 1 s, 2 s, 5 s (then 5 s again), 20 % jitter, unlimited attempts. */
  public static ReconnectPolicy defaults() {
    return new ReconnectPolicy(List.of(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5)), 0.2, 0);
  }

  /** The delay before attempt {@code attempt} (1-based), or {@code null} to give up. */
  public Duration delayFor(int attempt) {
    if (maxAttempts > 0 && attempt > maxAttempts) {
      return null;
    }
    Duration base = delays.get(Math.min(attempt - 1, delays.size() - 1));
    if (jitter == 0 || base.isZero()) {
      return base;
    }
    long nanos = base.toNanos();
    long spread = (long) (nanos * jitter);
    return Duration.ofNanos(nanos - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1));
  }
}
