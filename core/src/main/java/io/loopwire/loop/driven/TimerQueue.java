package io.loopwire.loop.driven;

import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pending timers by deadline. Cancelled timers are dropped lazily, when they reach the head or when they
 * make up more than half of the queue (the engine cancels most of its timers: header, close and idle
 * timeouts), so cancelling from any thread costs only a counter. Driver thread only, except
 * {@link #cancelled()}.
 */
final class TimerQueue {

  /** Below this many cancelled entries the queue is never purged: a purge costs a pass over it. */
  private static final int PURGE_MIN = 64;

  private final PriorityQueue<DrivenTimer> queue = new PriorityQueue<>();
  private final AtomicInteger cancelledCount = new AtomicInteger();
  private long nextSeq;

  void add(DrivenTimer t) {
    t.seq = nextSeq++;
    queue.add(t);
    purgeIfMostlyCancelled();
  }

  void cancelled() {
    cancelledCount.incrementAndGet();
  }

  /** The first live timer, dropping cancelled ones on the way; {@code null} if none. */
  DrivenTimer peek() {
    DrivenTimer t;
    while ((t = queue.peek()) != null && t.isCancelled()) {
      queue.poll();
      cancelledCount.decrementAndGet();
    }
    return t;
  }

  DrivenTimer poll() {
    DrivenTimer t = peek();
    if (t != null) {
      queue.poll();
    }
    return t;
  }

  /** The sequence number the next timer will get: timers added from now on wait for the next turn. */
  long nextSeq() {
    return nextSeq;
  }

  int size() {
    return queue.size() - Math.max(0, cancelledCount.get());
  }

  void clear() {
    queue.clear();
    cancelledCount.set(0);
  }

  private void purgeIfMostlyCancelled() {
    int cancelled = cancelledCount.get();
    if (cancelled >= PURGE_MIN && cancelled * 2 > queue.size()) {
      int before = queue.size();
      queue.removeIf(DrivenTimer::isCancelled);
      cancelledCount.addAndGet(-(before - queue.size()));
    }
  }
}
