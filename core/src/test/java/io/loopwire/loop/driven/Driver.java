package io.loopwire.loop.driven;

import io.loopwire.loop.LoopOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application's side of a driven loop in these tests: a thread of "the application" that calls
 * {@link DrivenLoop#runOnce} until the loop has shut down. Closing it shuts the loop down and waits (bounded)
 * for the thread to finish.
 */
final class Driver implements AutoCloseable {

  static final long WAIT_SECONDS = 20;
  private static final AtomicInteger COUNT = new AtomicInteger();

  final DrivenLoop loop;
  final Thread thread;
  final CompletableFuture<Void> exited = new CompletableFuture<>();

  Driver() {
    this(DrivenLoop.open(LoopOptions.defaults()));
  }

  Driver(DrivenLoop loop) {
    this.loop = loop;
    this.thread = new Thread(() -> {
      try {
        while (loop.runOnce(Duration.ofMillis(50))) {
          // the application's other work would go here
        }
      } finally {
        exited.complete(null);
      }
    }, "app-driver-" + COUNT.incrementAndGet());
    thread.start();
  }

  @Override
  public void close() throws Exception {
    loop.shutdown().get(WAIT_SECONDS, TimeUnit.SECONDS);
    exited.get(WAIT_SECONDS, TimeUnit.SECONDS);
    thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
  }
}
