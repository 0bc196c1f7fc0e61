package io.loopwire.loop;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * One thread of a {@link Loop}: runs tasks, timers and the callbacks of the transports that live on it.
 * This is deliberately not a {@link java.util.concurrent.ScheduledExecutorService}: there are no futures
 * per task, no invokeAll, no lifecycle here; the lifecycle belongs to the {@link Loop}.
 */
public interface LoopThread extends Executor {

  /**
   * Runs {@code task} on this loop thread, after the current callback or task returns (never inline, even
   * when called on this thread). Tasks from one calling thread run in the order given.
   *
   * <p>Thread: any. Cross-thread calls are coalesced: many calls between two turns of the loop wake it
   * once. Calls: {@code task} runs exactly once unless this throws. If {@code task} throws, the loop logs
   * it and carries on. Ownership: the loop holds {@code task} until it has run. May: the task may do
   * anything a callback may; it must not block.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the loop has shut down
   */
  @Override
  void execute(Runnable task);

  /** Whether the calling thread is this loop thread. Thread: any. */
  boolean inLoop();

  /**
   * Runs {@code task} on this loop thread once {@code delay} has passed (measured with {@link #nanoTime()};
   * zero or negative means on the next turn). Timers with the same deadline run in the order scheduled.
   *
   * <p>Thread: any. Calls: {@code task} runs at most once; never if the timer is cancelled first or the
   * loop shuts down first. If it throws, the loop logs it and carries on. Ownership: the loop holds
   * {@code task} until it has run or been cancelled. May: as for {@link #execute}.
   *
   * @return a handle to cancel the timer
   * @throws java.util.concurrent.RejectedExecutionException if the loop has shut down
   */
  Timer schedule(Duration delay, Runnable task);

  /**
   * The clock timers run on, in nanoseconds with an arbitrary origin (like {@link System#nanoTime()}; an
   * app-driven loop may return the time of the current turn). The engine passes it to the protocol's
   * {@code onTimer(nowNanos)}. Thread: any.
   */
  long nanoTime();
}
