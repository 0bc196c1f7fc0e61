package io.loopwire.engine;

import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-threaded stand-in for a loop thread and a transport, driven by the test: tasks run when the
 * test calls {@link #runTasks()}, the "socket" takes nothing until {@link #drain()}, which empties the
 * queue into {@link #written()} and reports {@code onWriteDrained}, as a readiness loop does. Its clock
 * stands still until {@link #advance(long)}, which runs the timers that fall due.
 */
final class FakeLoop implements LoopThread, Transport {

  final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  final List<Runnable> timers = new ArrayList<>();
  private final Map<Runnable, Long> deadlines = new IdentityHashMap<>();
  long now;
  /** How many timers were ever scheduled. */
  int scheduled;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  TransportHandler handler;
  long pending;
  long maxPending;
  boolean readInterest = true;
  boolean outputShut;
  boolean closed;
  boolean aborted;
  private boolean drainWanted;

  // ---- LoopThread ----

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  @Override
  public boolean inLoop() {
    return true;
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    timers.add(task);
    deadlines.put(task, now + delay.toNanos());
    scheduled++;
    return () -> {
      deadlines.remove(task);
      return timers.remove(task);
    };
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Moves the clock on by {@code nanos} and runs every timer due by then, earliest first. */
  void advance(long nanos) {
    now += nanos;
    while (true) {
      Runnable due = null;
      for (Runnable t : timers) {
        if (deadlines.get(t) <= now && (due == null || deadlines.get(t) < deadlines.get(due))) {
          due = t;
        }
      }
      if (due == null) {
        return;
      }
      timers.remove(due);
      deadlines.remove(due);
      due.run();
    }
  }

  void runTasks() {
    Runnable r;
    while ((r = tasks.poll()) != null) {
      r.run();
    }
  }

  // ---- Transport ----

  @Override
  public LoopThread thread() {
    return this;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return new InetSocketAddress("127.0.0.1", 1);
  }

  @Override
  public InetSocketAddress localAddress() {
    return new InetSocketAddress("127.0.0.1", 2);
  }

  @Override
  public boolean write(ByteBuffer buffer) {
    if (closed || outputShut) {
      return false;
    }
    queue.add(buffer);
    pending += buffer.remaining();
    maxPending = Math.max(maxPending, pending);
    return true;
  }

  @Override
  public void flush() {
    if (pending > 0) {
      drainWanted = true; // the socket is "full": nothing goes until drain()
    }
  }

  @Override
  public long pendingWriteBytes() {
    return pending;
  }

  @Override
  public void setReadInterest(boolean on) {
    readInterest = on;
  }

  @Override
  public void shutdownOutput() {
    outputShut = true;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public void abort() {
    closed = true;
    aborted = true;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /** The socket takes everything queued; the handler hears onWriteDrained if a flush left bytes. */
  void drain() {
    ByteBuffer b;
    while ((b = queue.poll()) != null) {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      written.writeBytes(a);
    }
    pending = 0;
    if (drainWanted && !closed) {
      drainWanted = false;
      handler.onWriteDrained();
    }
  }

  byte[] written() {
    return written.toByteArray();
  }
}
