package io.loopwire.loop.driven;

import io.loopwire.loop.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** A scheduled task. Its state is atomic because {@link #cancel} may come from any thread. */
final class DrivenTimer implements Timer, Comparable<DrivenTimer> {

  private static final int PENDING = 0;
  private static final int RAN = 1;
  private static final int CANCELLED = 2;

  final Runnable task;
  final long deadline;
  /** Scheduling order, which breaks ties between equal deadlines. Driver thread only. */
  long seq;
  private final TimerQueue queue;
  private final AtomicInteger state = new AtomicInteger(PENDING);

  DrivenTimer(TimerQueue queue, Runnable task, long deadline) {
    this.queue = queue;
    this.task = task;
    this.deadline = deadline;
  }

  /** Claims the timer for running; false if it was cancelled first. */
  boolean claim() {
    return state.compareAndSet(PENDING, RAN);
  }

  boolean isCancelled() {
    return state.get() == CANCELLED;
  }

  @Override
  public boolean cancel() {
    if (!state.compareAndSet(PENDING, CANCELLED)) {
      return false;
    }
    queue.cancelled();
    return true;
  }

  @Override
  public int compareTo(DrivenTimer o) {
    long d = deadline - o.deadline;
    if (d != 0) {
      return d < 0 ? -1 : 1;
    }
    return Long.compare(seq, o.seq);
  }
}
