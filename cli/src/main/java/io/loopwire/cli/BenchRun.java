package io.loopwire.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one {@code loopwire bench} run shares between its loop threads and the reporting thread: the stop
 * flag, error counters and one latency recorder per loop thread.
 *
 * <p>Thread: loop threads record (each into its own {@link SingleWriterRecorder}, wait-free, no
 * allocation); the reporting thread collects interval histograms once a second.
 */
final class BenchRun {

  /** Latencies above this (one minute, in nanoseconds) are clamped: the run is bounded far below it. */
  static final long MAX_NANOS = 60_000_000_000L;

  /** Set when sending must stop (end of the run); loop threads read it once per message. */
  volatile boolean stopping;

  final AtomicInteger open = new AtomicInteger();
  final LongAdder opened = new LongAdder();
  final LongAdder connectFailed = new LongAdder();
  /** Sessions that ended before the run asked them to. */
  final LongAdder droppedEarly = new LongAdder();
  final LongAdder sendRejected = new LongAdder();
  /** Echoes of the wrong size, or an echo with nothing in flight. */
  final LongAdder badEcho = new LongAdder();

  private final List<Slot> slots = new CopyOnWriteArrayList<>();
  private final ThreadLocal<SingleWriterRecorder> mine = ThreadLocal.withInitial(() -> {
    Slot s = new Slot(new SingleWriterRecorder(1, MAX_NANOS, 3));
    slots.add(s);
    return s.recorder;
  });

  /** A recorder and the interval histogram it hands back for recycling (it takes back only its own). */
  private static final class Slot {
    final SingleWriterRecorder recorder;
    Histogram recycled;

    Slot(SingleWriterRecorder recorder) {
      this.recorder = recorder;
    }
  }

  /** The recorder of the calling (loop) thread; a connection looks it up once, at open. */
  SingleWriterRecorder recorder() {
    return mine.get();
  }

  static void record(SingleWriterRecorder r, long nanos) {
    r.recordValue(nanos < 1 ? 1 : Math.min(nanos, MAX_NANOS));
  }

  /** Everything recorded since the last call, summed over threads. Reporting thread only. */
  Histogram collect() {
    Histogram sum = new Histogram(1, MAX_NANOS, 3);
    for (Slot s : slots) {
      s.recycled = s.recorder.getIntervalHistogram(s.recycled);
      sum.add(s.recycled);
    }
    return sum;
  }

  long errors() {
    return connectFailed.sum() + droppedEarly.sum() + sendRejected.sum() + badEcho.sum();
  }

  String errorDetail() {
    return "connect " + connectFailed.sum() + ", closed early " + droppedEarly.sum() + ", send refused "
        + sendRejected.sum() + ", bad echo " + badEcho.sum();
  }
}
