package io.loopwire.loop;

import java.time.Duration;
import java.util.Objects;

/**
 * How a loop that Loopwire creates is set up. Immutable; {@link #defaults()} and the withers build it.
 *
 * @param threads number of loop threads. Default: {@link Runtime#availableProcessors()}, one thread per
 *     core, because a loop thread never blocks and connections are spread over threads round-robin.
 * @param threadNamePrefix loop threads are named prefix + index ({@code loopwire-loop-0}, ...).
 *     Default: {@code "loopwire-loop-"}, so thread dumps show whose threads they are.
 * @param readBufferBytes size of each thread's read buffer, which is lent to
 *     {@link TransportHandler#onRead}. Default: 64 KiB, enough to drain a typical socket receive buffer
 *     in one or two reads without making every thread hold much memory.
 * @param closeFlushTimeout how long {@link Transport#close()} keeps trying to write queued bytes to a
 *     peer that does not read before it aborts the connection. Default: 10 seconds, a backstop only;
 *     protocols have their own shorter close timeouts.
 */
public record LoopOptions(int threads, String threadNamePrefix, int readBufferBytes, Duration closeFlushTimeout) {

  private static final LoopOptions DEFAULTS = new LoopOptions(
      Runtime.getRuntime().availableProcessors(), "loopwire-loop-", 64 * 1024, Duration.ofSeconds(10));

  public LoopOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
    if (readBufferBytes < 512) {
      throw new IllegalArgumentException("readBufferBytes must be at least 512, got " + readBufferBytes);
    }
    Objects.requireNonNull(closeFlushTimeout, "closeFlushTimeout");
    if (closeFlushTimeout.isNegative()) {
      throw new IllegalArgumentException("closeFlushTimeout must not be negative, got " + closeFlushTimeout);
    }
  }

  /** The defaults described on each component. */
  public static LoopOptions defaults() {
    return DEFAULTS;
  }

  public LoopOptions withThreads(int threads) {
    return new LoopOptions(threads, threadNamePrefix, readBufferBytes, closeFlushTimeout);
  }

  public LoopOptions withThreadNamePrefix(String threadNamePrefix) {
    return new LoopOptions(threads, threadNamePrefix, readBufferBytes, closeFlushTimeout);
  }

  public LoopOptions withReadBufferBytes(int readBufferBytes) {
    return new LoopOptions(threads, threadNamePrefix, readBufferBytes, closeFlushTimeout);
  }

  public LoopOptions withCloseFlushTimeout(Duration closeFlushTimeout) {
    return new LoopOptions(threads, threadNamePrefix, readBufferBytes, closeFlushTimeout);
  }
}
