package io.loopwire.loop.nio;

import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One loop thread and its selector. Each turn: select (blocking only when there is nothing to do, until
 * the next timer), dispatch ready keys, run due timers, run queued tasks. Cross-thread work arrives through
 * a lock-free queue; an atomic flag makes many {@link #execute} calls between two turns cost one wakeup.
 */
final class NioThread implements LoopThread, Runnable {

  static final System.Logger LOG = System.getLogger("io.loopwire.loop.nio");
  /** Byte written over a lent read buffer after the callback in debug mode. */
  static final byte POISON = (byte) 0xDB;

  private static final int RUNNING = 0;
  private static final int SHUTTING_DOWN = 1;
  private static final int TERMINATED = 2;

  /** Bounds per turn, so that one busy source cannot starve the others. */
  private static final int MAX_TASKS_PER_TURN = 4096;
  private static final int MAX_DEFERRED_PER_TURN = 65536;

  final NioLoop loop;
  final Selector selector;
  final Thread thread;
  final ByteBuffer readBuffer;
  /** Debug mode ({@code -Dio.loopwire.debug=true}): poison the read buffer after each {@code onRead}. */
  final boolean poisonReads;
  /**
   * Outgoing bytes are copied here and written with one system call (see NioTransport.writeOut). Its size
   * bounds one write: more would rarely fit a socket's send buffer at once.
   */
  final ByteBuffer writeStage = ByteBuffer.allocateDirect(WRITE_STAGE_BYTES);
  static final int WRITE_STAGE_BYTES = 256 * 1024;
  /** Gathering writes of a transport's direct buffers, up to this many per system call. */
  final ByteBuffer[] gather = new ByteBuffer[16];

  /**
   * Direct chunks that transports copy output into ({@code writeCopy}), each back here once written:
   * copied output then costs one copy and no allocation. Bounded: at most {@link #MAX_CHUNKS_OUT} lent out
   * per thread (a transport copies into a new heap buffer beyond that), {@link #MAX_FREE_CHUNKS} kept.
   */
  static final int CHUNK_BYTES = 64 * 1024;
  static final int MAX_CHUNKS_OUT = 256;
  static final int MAX_FREE_CHUNKS = 16;
  private final ArrayDeque<ByteBuffer> freeChunks = new ArrayDeque<>();
  private int chunksOut;

  final TimerHeap timers = new TimerHeap();
  /** Live handles, for shutdown. Loop thread only. */
  final Set<Ready> handles = new LinkedHashSet<>();

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Work queued by this thread for later in the same turn, e.g. close notifications. Loop thread only. */
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  /** Work to run after the next select, which is when the selector releases cancelled channels. */
  private List<Runnable> afterSelect = new ArrayList<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private volatile int state = RUNNING;
  final CompletableFuture<Void> terminated = new CompletableFuture<>();

  NioThread(NioLoop loop, Selector selector, String name, int readBufferBytes) {
    this.loop = loop;
    this.selector = selector;
    this.readBuffer = ByteBuffer.allocateDirect(readBufferBytes);
    this.poisonReads = Boolean.getBoolean("io.loopwire.debug");
    this.thread = new Thread(this, name);
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (state == TERMINATED) {
      throw rejected();
    }
    tasks.add(task);
    // The thread may have made its final drain between the check above and the add.
    if (state == TERMINATED && tasks.remove(task)) {
      throw rejected();
    }
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  private RejectedExecutionException rejected() {
    return new RejectedExecutionException("loop thread " + thread.getName() + " has shut down");
  }

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    if (state == TERMINATED) {
      throw rejected();
    }
    NioTimer timer = new NioTimer(this, task, nanoTime() + saturatedNanos(delay));
    if (inLoop()) {
      addTimer(timer);
    } else {
      execute(() -> addTimer(timer));
    }
    return timer;
  }

  private void addTimer(NioTimer timer) {
    // During shutdown timers are dropped: they would never run.
    if (timer.state.get() == NioTimer.PENDING && state == RUNNING) {
      timers.add(timer);
    }
  }

  private static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    // About 146 years: far enough, and deadline arithmetic cannot overflow.
    return d.getSeconds() >= (1L << 32) ? Long.MAX_VALUE / 2 : d.toNanos();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /** Runs {@code r} later in this turn, outside any callback in progress. Loop thread only. */
  void defer(Runnable r) {
    deferred.add(r);
  }

  /** An empty chunk (position and limit 0), or null when too many are lent out. Loop thread only. */
  ByteBuffer takeChunk() {
    if (chunksOut >= MAX_CHUNKS_OUT) {
      return null;
    }
    chunksOut++;
    ByteBuffer c = freeChunks.poll();
    if (c == null) {
      c = ByteBuffer.allocateDirect(CHUNK_BYTES);
    }
    c.limit(0);
    return c;
  }

  /** Takes back a chunk from {@link #takeChunk}; the caller no longer uses it. Loop thread only. */
  void giveChunk(ByteBuffer c) {
    chunksOut--;
    if (freeChunks.size() < MAX_FREE_CHUNKS) {
      freeChunks.push(c);
    }
  }

  /** Chunks lent out and not given back (tests: a closed transport gives back all of its own). */
  int chunksOut() {
    return chunksOut;
  }

  /** Runs {@code r} after the next select. Loop thread only. */
  void afterSelect(Runnable r) {
    afterSelect.add(r);
  }

  boolean isRunning() {
    return state == RUNNING;
  }

  void start() {
    thread.start();
  }

  void beginShutdown() {
    if (state == RUNNING) {
      state = SHUTTING_DOWN;
      selector.wakeup();
    }
  }

  @Override
  public String toString() {
    return thread.getName();
  }

  @Override
  public void run() {
    boolean cleaned = false;
    try {
      while (true) {
        if (state != RUNNING) {
          if (!cleaned) {
            cleaned = true;
            closeAll();
          }
          if (tasks.isEmpty() && deferred.isEmpty() && afterSelect.isEmpty()) {
            break;
          }
        }
        turn();
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "loop thread " + thread.getName() + " failed", t);
    } finally {
      terminate();
    }
  }

  private void turn() {
    try {
      select();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "select failed on " + thread.getName(), e);
    }
    wakeupPending.set(false);
    runAfterSelect();
    dispatchKeys();
    runDeferred();
    runTimers();
    runDeferred();
    runTasks();
    runDeferred();
  }

  private void select() throws IOException {
    if (!tasks.isEmpty() || !deferred.isEmpty() || !afterSelect.isEmpty() || state != RUNNING) {
      selector.selectNow();
      return;
    }
    NioTimer next = timers.peek();
    if (next == null) {
      selector.select();
      return;
    }
    long delay = next.deadline - nanoTime();
    if (delay <= 0) {
      selector.selectNow();
    } else {
      selector.select(Math.max(1, (delay + 999_999) / 1_000_000));
    }
  }

  private void runAfterSelect() {
    if (afterSelect.isEmpty()) {
      return;
    }
    List<Runnable> now = afterSelect;
    afterSelect = new ArrayList<>();
    for (Runnable r : now) {
      runSafely(r);
    }
  }

  private void dispatchKeys() {
    Set<SelectionKey> selected = selector.selectedKeys();
    if (selected.isEmpty()) {
      return;
    }
    Iterator<SelectionKey> it = selected.iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      int ops;
      try {
        ops = key.readyOps();
      } catch (CancelledKeyException e) {
        continue;
      }
      try {
        ((Ready) key.attachment()).onReady(ops);
      } catch (Throwable t) {
        // Handlers' exceptions are caught closer to them; this is a bug in the loop itself.
        LOG.log(System.Logger.Level.ERROR, "unexpected failure dispatching " + key.attachment(), t);
      }
    }
  }

  private void runTimers() {
    NioTimer top = timers.peek();
    if (top == null) {
      return;
    }
    long now = nanoTime();
    long limitSeq = timers.nextSeq(); // timers added while running wait for the next turn
    while ((top = timers.peek()) != null && top.deadline - now <= 0 && top.seq < limitSeq) {
      timers.poll();
      if (top.state.compareAndSet(NioTimer.PENDING, NioTimer.DONE)) {
        runSafely(top.task);
      }
    }
  }

  private void runTasks() {
    for (int i = 0; i < MAX_TASKS_PER_TURN; i++) {
      Runnable task = tasks.poll();
      if (task == null) {
        return;
      }
      runSafely(task);
    }
  }

  private void runDeferred() {
    for (int i = 0; i < MAX_DEFERRED_PER_TURN; i++) {
      Runnable r = deferred.poll();
      if (r == null) {
        return;
      }
      runSafely(r);
    }
  }

  private void runSafely(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "task failed on loop thread " + thread.getName(), t);
    }
  }

  /** Shutdown, on the loop thread: every live handle is released and its owner told. */
  private void closeAll() {
    timers.clear();
    for (Ready r : new ArrayList<>(handles)) {
      try {
        r.onShutdown();
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "failed to close " + r + " at shutdown", t);
      }
    }
  }

  private void terminate() {
    state = TERMINATED;
    // Tasks that slipped in before callers could see TERMINATED still run, once.
    while (true) {
      Runnable task = tasks.poll();
      if (task == null) {
        break;
      }
      runSafely(task);
    }
    runDeferred();
    for (Ready r : new ArrayList<>(handles)) {
      try {
        r.onShutdown();
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "failed to close " + r + " at shutdown", t);
      }
    }
    runDeferred();
    // Safety net: no channel outlives its selector.
    try {
      for (SelectionKey key : selector.keys()) {
        try {
          key.channel().close();
        } catch (IOException e) {
          // Closing anyway.
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "failed to release channels of " + thread.getName(), e);
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "failed to close the selector of " + thread.getName(), e);
    }
    timers.clear();
    List<Runnable> pending = afterSelect;
    afterSelect = new ArrayList<>();
    for (Runnable r : pending) {
      runSafely(r);
    }
    terminated.complete(null);
  }
}
