package io.loopwire.loop;

/** A pending {@link LoopThread#schedule scheduled} task: a handle that can only be cancelled. */
public interface Timer {

  /**
   * Stops the task from running.
   *
   * <p>Thread: any. Calls: zero or more; idempotent.
   *
   * @return {@code true} if this call stopped the task; {@code false} if it had already run, was running,
   *     or was already cancelled
   */
  boolean cancel();
}
