package io.loopwire.loop;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * For {@link Loop} implementations: {@link Loop#shutdown()} promises that an owned loop's threads have
 * exited when its future completes, but a loop thread that finishes its work can only say so while it is
 * still alive. This waits for the exit itself, on a short-lived daemon thread named apart from the loop's.
 */
public final class ThreadExits {

  private ThreadExits() {}

  /**
   * Completes {@code done} once every thread in {@code threads} has exited (or, if the waiting thread is
   * interrupted, at once). Thread: any, including one of {@code threads}; returns at once.
   *
   * @param threads the loop's threads, copied now
   * @param name names the waiting thread, e.g. the loop's thread name prefix
   */
  public static void completeWhenExited(Collection<Thread> threads, String name, CompletableFuture<Void> done) {
    Objects.requireNonNull(done, "done");
    List<Thread> all = List.copyOf(threads);
    Thread reaper = new Thread(() -> {
      for (Thread t : all) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break; // completing a little early beats never completing
        }
      }
      done.complete(null);
    }, "loopwire-reaper of " + name);
    reaper.setDaemon(true);
    try {
      reaper.start();
    } catch (Throwable t) {
      done.complete(null); // no thread to wait with (out of memory, say): a little early beats never
    }
  }
}
