package io.loopwire.loop;

import static io.loopwire.loop.LoopTesting.await;
import static io.loopwire.loop.LoopTesting.fence;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks and timers on a nio loop thread. */
@Timeout(60)
class NioLoopThreadTest {

  private Loop loop;
  private LoopThread thread;

  @BeforeEach
  void start() {
    loop = LoopTesting.nio("thread", 1);
    thread = loop.next();
  }

  @AfterEach
  void stop() throws Exception {
    await(loop.shutdown());
  }

  @Test
  void executeFromSixteenThreadsRunsEveryTaskOnceOnTheLoopInPerThreadOrder() throws Exception {
    int producers = 16;
    int perProducer = 2_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
    int[] lastSeen = new int[producers]; // touched only on the loop thread
    java.util.Arrays.fill(lastSeen, -1);
    List<String> problems = new CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perProducer; i++) {
          int seq = i;
          thread.execute(() -> {
            if (!thread.inLoop()) {
              problems.add("task ran off the loop thread");
            }
            if (lastSeen[producer] != seq - 1) {
              problems.add("producer " + producer + ": task " + seq + " after " + lastSeen[producer]);
            }
            lastSeen[producer] = seq;
            runs.incrementAndGet(producer * perProducer + seq);
          });
        }
      }, "producer-" + p);
      threads.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(LoopTesting.WAIT_SECONDS));
    }
    fence(thread);
    assertThat(problems).isEmpty();
    for (int i = 0; i < runs.length(); i++) {
      assertThat(runs.get(i)).as("runs of task %d", i).isEqualTo(1);
    }
    assertThat(thread.inLoop()).isFalse();
  }

  @Test
  void executeOnTheLoopThreadIsNeverInline() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    thread.execute(() -> {
      thread.execute(() -> {
        order.add("inner");
        done.complete(null);
      });
      order.add("outer");
    });
    await(done);
    assertThat(order).containsExactly("outer", "inner");
  }

  @Test
  void aTaskThatThrowsDoesNotStopTheLoop() throws Exception {
    thread.execute(() -> {
      throw new IllegalStateException("task bug (expected by the test)");
    });
    CompletableFuture<Boolean> after = new CompletableFuture<>();
    thread.execute(() -> after.complete(thread.inLoop()));
    assertThat(await(after)).isTrue();
  }

  @Test
  void timersFireOnTheLoopThreadNotEarlyInOrderAndCancelWorks() throws Exception {
    List<Integer> fired = new CopyOnWriteArrayList<>();
    List<String> problems = new CopyOnWriteArrayList<>();
    int count = 40;
    List<Timer> timers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int id = i;
      // Non-decreasing delays, equal in pairs: deadlines follow scheduling order, so the firing order is
      // deterministic (the heap's reordering is covered by TimerHeapTest).
      Duration delay = Duration.ofMillis(2L * (i / 2));
      long before = System.nanoTime();
      timers.add(thread.schedule(delay, () -> {
        if (!thread.inLoop()) {
          problems.add("timer " + id + " off the loop thread");
        }
        if (thread.nanoTime() - before < delay.toNanos()) {
          problems.add("timer " + id + " fired early");
        }
        fired.add(id);
      }));
    }
    // Cancel from this thread timers far in the future, so that cancel is sure to win.
    AtomicInteger cancelledRan = new AtomicInteger();
    List<Timer> late = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      late.add(thread.schedule(Duration.ofHours(1), cancelledRan::incrementAndGet));
    }
    for (Timer t : late) {
      assertThat(t.cancel()).isTrue();
      assertThat(t.cancel()).isFalse();
    }
    // Cancel from the loop thread too.
    CompletableFuture<Boolean> cancelledOnLoop = new CompletableFuture<>();
    thread.execute(() -> {
      Timer t = thread.schedule(Duration.ofMillis(1), cancelledRan::incrementAndGet);
      cancelledOnLoop.complete(t.cancel());
    });
    assertThat(await(cancelledOnLoop)).isTrue();

    CompletableFuture<Void> last = new CompletableFuture<>();
    thread.schedule(Duration.ofMillis(2L * count), () -> last.complete(null));
    await(last);
    fence(thread);
    assertThat(problems).isEmpty();
    assertThat(cancelledRan.get()).isZero();
    assertThat(fired).hasSize(count);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertThat(fired).containsExactlyElementsOf(expected);
    for (Timer t : timers) {
      assertThat(t.cancel()).as("cancel after the timer ran").isFalse();
    }
  }

  @Test
  void nanoTimeIsMonotonic() throws Exception {
    long a = thread.nanoTime();
    CompletableFuture<Long> onLoop = new CompletableFuture<>();
    thread.execute(() -> onLoop.complete(thread.nanoTime()));
    assertThat(await(onLoop)).isGreaterThanOrEqualTo(a);
  }
}
