package io.loopwire.loop.nio;

import io.loopwire.loop.Timer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/** A task in a thread's {@link TimerHeap}. The state is atomic so that {@link #cancel} works from any thread. */
final class NioTimer implements Timer {

  static final int PENDING = 0;
  static final int DONE = 1;
  static final int CANCELLED = 2;

  final NioThread thread;
  final Runnable task;
  final long deadline;
  final AtomicInteger state = new AtomicInteger(PENDING);
  /** Order among equal deadlines; set when added to the heap. Loop thread only. */
  long seq;
  /** Position in the heap, -1 when not in it. Loop thread only. */
  int index = -1;

  NioTimer(NioThread thread, Runnable task, long deadline) {
    this.thread = thread;
    this.task = task;
    this.deadline = deadline;
  }

  @Override
  public boolean cancel() {
    if (!state.compareAndSet(PENDING, CANCELLED)) {
      return false;
    }
    if (thread.inLoop()) {
      thread.timers.remove(this);
    } else {
      // Removing from the heap is loop-thread work; leaving it would let cancelled timers pile up.
      try {
        thread.execute(() -> thread.timers.remove(this));
      } catch (RejectedExecutionException e) {
        // The thread is gone and its heap with it.
      }
    }
    return true;
  }

  boolean before(NioTimer other) {
    long d = deadline - other.deadline;
    return d < 0 || (d == 0 && seq < other.seq);
  }
}
