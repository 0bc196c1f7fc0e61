package io.loopwire.netty;

import io.loopwire.loop.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task scheduled on a Netty event loop. An atomic state makes run and cancel race safely; the loop keeps
 * every pending timer in {@link NettyLoop#timers} (removed when it runs or is cancelled, also by the group
 * shutting down) so that its own shutdown can cancel them on a group it does not own.
 */
final class NettyTimer implements Timer, Runnable {

  private static final int PENDING = 0;
  private static final int DONE = 1;
  private static final int CANCELLED = 2;

  private final NettyLoop loop;
  private final Runnable task;
  private final AtomicInteger state = new AtomicInteger(PENDING);
  private volatile io.netty.util.concurrent.Future<?> future;

  NettyTimer(NettyLoop loop, Runnable task) {
    this.loop = loop;
    this.task = task;
  }

  void arm(io.netty.util.concurrent.Future<?> f) {
    future = f;
    f.addListener(done -> loop.timers.remove(this));
    if (state.get() == CANCELLED) {
      f.cancel(false); // cancelled before the future was known
    }
  }

  @Override
  public void run() {
    if (state.compareAndSet(PENDING, DONE)) {
      NettyThread.runSafely(task);
    }
  }

  @Override
  public boolean cancel() {
    if (!state.compareAndSet(PENDING, CANCELLED)) {
      return false;
    }
    io.netty.util.concurrent.Future<?> f = future;
    if (f != null) {
      f.cancel(false);
    }
    loop.timers.remove(this);
    return true;
  }
}
