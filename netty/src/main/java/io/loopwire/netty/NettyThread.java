package io.loopwire.netty;

import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One Netty {@link EventLoop} seen as a {@link LoopThread}. Tasks and timers go straight to the event loop,
 * which already coalesces cross-thread wakeups; this class adds the loop's own shutdown (a borrowed group
 * keeps running after {@link NettyLoop#shutdown()}, but nothing of Loopwire's may run on it any more) and
 * tracks timers so that shutdown can cancel them.
 */
final class NettyThread implements LoopThread {

  final NettyLoop loop;
  final EventLoop eventLoop;
  private final int index;

  NettyThread(NettyLoop loop, EventLoop eventLoop, int index) {
    this.loop = loop;
    this.eventLoop = eventLoop;
    this.index = index;
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (loop.isTerminated()) {
      throw rejected();
    }
    eventLoop.execute(() -> runSafely(task));
  }

  @Override
  public boolean inLoop() {
    return eventLoop.inEventLoop();
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    if (loop.isTerminated()) {
      throw rejected();
    }
    NettyTimer timer = new NettyTimer(loop, task);
    if (!loop.isRunning()) {
      timer.cancel(); // during shutdown timers are dropped: they would never run
      return timer;
    }
    loop.timers.add(timer);
    try {
      timer.arm(eventLoop.schedule(timer, saturatedNanos(delay), TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      loop.timers.remove(timer);
      throw e;
    }
    if (!loop.isRunning()) {
      timer.cancel(); // shutdown began while this was being scheduled and may have missed it
    }
    return timer;
  }

  private static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.getSeconds() >= (1L << 32) ? Long.MAX_VALUE / 4 : d.toNanos();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /**
   * Runs {@code r} on the event loop after the current callback, bypassing this loop's own shutdown (for
   * the loop's internal work: close notifications, releasing handles). If the event loop itself has gone
   * (the application shut its group down), runs {@code r} right here: nobody else ever will.
   */
  void later(Runnable r) {
    try {
      eventLoop.execute(r);
    } catch (RejectedExecutionException e) {
      runSafely(r);
    }
  }

  /** Whether the event loop has stopped for good, so tasks can no longer run there. */
  boolean isGone() {
    return eventLoop.isTerminated();
  }

  static void runSafely(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      NettyLoop.LOG.log(System.Logger.Level.WARNING, "task failed on loop thread " + Thread.currentThread().getName(), t);
    }
  }

  private RejectedExecutionException rejected() {
    return new RejectedExecutionException(loop + " has shut down");
  }

  @Override
  public String toString() {
    return loop.name + " thread " + index + " (" + eventLoop + ")";
  }
}
