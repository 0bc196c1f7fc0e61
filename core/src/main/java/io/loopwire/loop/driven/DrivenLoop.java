package io.loopwire.loop.driven;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.LoopUnavailableException;
import io.loopwire.loop.Timer;
import io.loopwire.loop.TransportHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loop whose single thread is the application's (libwebsockets' {@code lws_service}): the application
 * calls {@link #runOnce(Duration)} in its own loop, or {@link #run()} until the loop shuts down, and every
 * listener, transport, timer and task of this loop runs inside those calls. The first thread that drives
 * the loop becomes its loop thread for good; driving it from another thread is an error. Everything else
 * behaves as on the built-in {@code nio} loop: the same SPI contracts, over a {@link Selector}.
 *
 * <pre>{@code
 * DrivenLoop loop = DrivenLoop.open(LoopOptions.defaults());
 * Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withLoop(loop).withVhost(...)); // binds at once
 * while (appRunning) {
 *   loop.runOnce(Duration.ofMillis(50)); // I/O, timers and tasks due now; waits at most 50 ms
 *   doOtherAppWork();
 * }
 * CompletableFuture<Void> closed = lw.shutdown(); // never block on it from the driving thread...
 * while (!closed.isDone()) {
 *   loop.runOnce(Duration.ofMillis(50));          // ...keep driving until it completes
 * }
 * loop.shutdown();
 * while (loop.runOnce(Duration.ofMillis(50))) {}   // false once the loop has finished
 * }</pre>
 *
 * <h2>Embedding into an existing selector loop</h2>
 *
 * An application that already runs a {@link java.nio.channels.Selector} loop can host Loopwire on that
 * same selector instead of a second one: {@link #embed(Selector, LoopOptions)} registers Loopwire's
 * channels with the application's selector (each key's attachment is Loopwire's own object), and the
 * application's loop gains three calls per turn:
 *
 * <pre>{@code
 * DrivenLoop loop = DrivenLoop.embed(selector, LoopOptions.defaults());
 * while (running) {
 *   long idle = loop.idleNanos();                 // 0: work is due now; MAX_VALUE: no timer pending
 *   if (idle == 0) {
 *     selector.selectNow();
 *   } else {
 *     selector.select(idle == Long.MAX_VALUE ? 0 : Math.max(1, idle / 1_000_000)); // 0 = no limit
 *   }
 *   for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
 *     SelectionKey key = it.next();
 *     it.remove();
 *     if (!loop.dispatch(key)) {
 *       handleMyOwnKey(key);                      // not Loopwire's
 *     }
 *   }
 *   loop.runPending();                            // Loopwire's timers and tasks
 * }
 * }</pre>
 *
 * Other threads hand work to the loop ({@link #execute}, a session's {@code send}) and wake it with
 * {@link Selector#wakeup()} on the shared selector, so the application's {@code select} returns and
 * {@link #runPending()} runs it. An embedded loop never closes the application's selector.
 *
 * <p>Thread: {@link #runOnce}, {@link #run}, {@link #dispatch}, {@link #runPending} and {@link #idleNanos}
 * on the driving thread only; everything else (the {@link Loop} and {@link LoopThread} methods) from any
 * thread. Callbacks run only inside the driving calls, so a loop nobody drives does nothing: after
 * {@link #shutdown()}, keep driving until {@link #runOnce} returns {@code false}.
 */
public final class DrivenLoop implements Loop, LoopThread {

  static final System.Logger LOG = System.getLogger("io.loopwire.loop.driven");
  /** Written over a lent read buffer after the callback in debug mode. */
  static final byte POISON = (byte) 0xDB;

  private static final int RUNNING = 0;
  private static final int SHUTTING_DOWN = 1;
  private static final int TERMINATED = 2;
  /** Bounds per turn, so that one busy source cannot starve the others. */
  private static final int MAX_TASKS_PER_TURN = 4096;
  private static final int MAX_DEFERRED_PER_TURN = 65536;

  final LoopOptions options;
  final Selector selector;
  private final boolean embedded;
  final ByteBuffer readBuffer;
  /** Debug mode ({@code -Dio.loopwire.debug=true}): poison the read buffer after each {@code onRead}. */
  final boolean poisonReads = Boolean.getBoolean("io.loopwire.debug");
  /** Scratch array for gathering writes. */
  final ByteBuffer[] gather = new ByteBuffer[128];
  final TimerQueue timers = new TimerQueue();
  /** Live listeners, transports and connects, for shutdown. Driver thread only. */
  final Set<Handle> handles = new LinkedHashSet<>();

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Work queued by the driver thread for later in the same turn (close notifications). */
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  /** Work for after the next select (when the selector releases cancelled channels), and work now due. */
  private List<Runnable> afterNextSelect = new ArrayList<>();
  private List<Runnable> afterThisSelect = new ArrayList<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final AtomicReference<Thread> driver = new AtomicReference<>();
  private volatile int state = RUNNING;
  private boolean released;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  private DrivenLoop(LoopOptions options, Selector selector, boolean embedded) {
    this.options = options;
    this.selector = selector;
    this.embedded = embedded;
    this.readBuffer = ByteBuffer.allocateDirect(options.readBufferBytes());
  }

  /**
   * A loop with a selector of its own, driven by {@link #runOnce} or {@link #run}.
   *
   * @param options the read buffer size and close-flush timeout apply; {@code threads} and the name prefix
   *     do not (the one thread is whichever drives the loop)
   * @throws LoopUnavailableException if no selector can be opened
   */
  public static DrivenLoop open(LoopOptions options) {
    Objects.requireNonNull(options, "options");
    try {
      return new DrivenLoop(options, Selector.open(), false);
    } catch (IOException e) {
      throw new LoopUnavailableException("driven", "cannot open a java.nio Selector: " + e.getMessage(), e);
    }
  }

  /**
   * A loop on the application's {@code selector}, driven by the application's own select loop through
   * {@link #dispatch} and {@link #runPending} (see the class documentation). The selector stays the
   * application's: this loop never closes it.
   */
  public static DrivenLoop embed(Selector selector, LoopOptions options) {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(options, "options");
    if (!selector.isOpen()) {
      throw new IllegalArgumentException("the selector is closed");
    }
    return new DrivenLoop(options, selector, true);
  }

  // ---- driving (the driver thread) ----

  /**
   * One turn: waits up to {@code timeout} for I/O (less if a timer falls due or a task arrives; not at all
   * if work is already due), then runs the ready I/O callbacks, the due timers and the queued tasks.
   *
   * <p>Thread: the driving thread (the first call picks it).
   *
   * @return {@code false} once the loop has shut down completely (nothing will ever run again),
   *     {@code true} otherwise
   * @throws IllegalStateException if called from another thread than the one driving the loop, or on an
   *     embedded loop (whose application selects)
   */
  public boolean runOnce(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    bindDriver("runOnce");
    if (embedded) {
      throw new IllegalStateException("an embedded DrivenLoop is driven by the application's select loop: "
          + "call dispatch(key) for each selected key, then runPending()");
    }
    if (state == TERMINATED) {
      return false;
    }
    select(timeout.isNegative() ? 0 : saturatedNanos(timeout));
    for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
      SelectionKey key = it.next();
      it.remove();
      dispatchOwn(key);
    }
    turn();
    return state != TERMINATED;
  }

  /** Drives the loop until it has shut down. Thread: the driving thread, as for {@link #runOnce}. */
  public void run() {
    while (runOnce(Duration.ofDays(1))) {
      // Each turn blocks until there is something to do.
    }
  }

  /**
   * For an embedded loop: runs the I/O callbacks of {@code key} if it is this loop's.
   *
   * <p>Thread: the driving thread.
   *
   * @return whether the key was this loop's (handled); {@code false} means it is the application's
   */
  public boolean dispatch(SelectionKey key) {
    Objects.requireNonNull(key, "key");
    bindDriver("dispatch");
    Object a = key.attachment();
    if (!(a instanceof Handle) || ((Handle) a).loop() != this) {
      return false;
    }
    dispatchOwn(key);
    return true;
  }

  /**
   * For an embedded loop, after the keys of a select have been dispatched: runs the due timers and the
   * queued tasks (and, during shutdown, the shutdown itself).
   *
   * <p>Thread: the driving thread.
   *
   * @return {@code false} once the loop has shut down completely
   */
  public boolean runPending() {
    bindDriver("runPending");
    if (state == TERMINATED) {
      return false;
    }
    turn();
    return state != TERMINATED;
  }

  /**
   * How long the driver may block in {@code select} before this loop has work: 0 if work is due now,
   * the time until the next timer, or {@link Long#MAX_VALUE} if there is no timer (I/O and
   * {@link #execute} from other threads wake the selector).
   *
   * <p>Thread: the driving thread.
   */
  public long idleNanos() {
    if (!tasks.isEmpty() || !deferred.isEmpty() || !afterThisSelect.isEmpty() || !afterNextSelect.isEmpty()
        || state != RUNNING) {
      return 0;
    }
    DrivenTimer next = timers.peek();
    if (next == null) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, next.deadline - System.nanoTime());
  }

  /** The selector this loop's channels are registered with (its own, or the application's when embedded). */
  public Selector selector() {
    return selector;
  }

  private void bindDriver(String method) {
    Thread me = Thread.currentThread();
    Thread d = driver.get();
    if (d == me) {
      return;
    }
    if (d == null && driver.compareAndSet(null, me)) {
      return;
    }
    throw new IllegalStateException("DrivenLoop." + method + "() must be called on the thread that drives the loop, "
        + driver.get().getName() + ", not on " + me.getName());
  }

  private void select(long timeoutNanos) {
    try {
      long idle = idleNanos();
      long wait = Math.min(idle, timeoutNanos);
      if (wait <= 0) {
        selector.selectNow();
      } else {
        selector.select(Math.max(1, (wait + 999_999) / 1_000_000));
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "select failed", e);
    }
    wakeupPending.set(false);
  }

  private void dispatchOwn(SelectionKey key) {
    int ops;
    try {
      ops = key.readyOps();
    } catch (CancelledKeyException e) {
      return;
    }
    Object a = key.attachment();
    if (!(a instanceof Handle)) {
      return;
    }
    try {
      ((Handle) a).ready(ops);
    } catch (Throwable t) {
      // Handler exceptions are caught closer to the handler; this is a bug in the loop.
      LOG.log(System.Logger.Level.ERROR, "unexpected failure dispatching " + a, t);
    }
  }

  /** The non-I/O part of a turn. */
  private void turn() {
    wakeupPending.set(false);
    List<Runnable> due = afterThisSelect;
    afterThisSelect = afterNextSelect;
    afterNextSelect = due;
    for (Runnable r : due) {
      runSafely(r);
    }
    due.clear();
    runDeferred();
    runTimers();
    runDeferred();
    runTasks();
    runDeferred();
    if (state == SHUTTING_DOWN) {
      if (!released) {
        released = true;
        releaseAll();
        runDeferred();
      }
      if (tasks.isEmpty() && deferred.isEmpty()) {
        terminate();
      }
    }
  }

  private void runTimers() {
    if (timers.peek() == null) {
      return;
    }
    long now = System.nanoTime();
    long limit = timers.nextSeq(); // timers added while these run wait for the next turn
    DrivenTimer t;
    while ((t = timers.peek()) != null && t.deadline - now <= 0 && t.seq < limit) {
      timers.poll();
      if (t.claim()) {
        runSafely(t.task);
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

  private static void runSafely(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "task failed on the driven loop", t);
    }
  }

  private void releaseAll() {
    timers.clear();
    for (Handle h : new ArrayList<>(handles)) {
      try {
        h.release();
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "failed to close " + h + " at shutdown", t);
      }
    }
  }

  private void terminate() {
    state = TERMINATED;
    // Tasks that slipped in before callers could see TERMINATED still run, once.
    runTasks();
    runDeferred();
    releaseAll();
    runDeferred();
    timers.clear();
    if (!embedded) {
      try {
        selector.close(); // deregisters and lets go of whatever is still registered
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "failed to close the driven loop's selector", e);
      }
    }
    for (List<Runnable> list : List.of(afterThisSelect, afterNextSelect)) {
      for (Runnable r : new ArrayList<>(list)) {
        runSafely(r);
      }
      list.clear();
    }
    terminated.complete(null);
  }

  // ---- used by the handles (driver thread) ----

  /** Runs {@code r} later in this turn, outside any callback in progress. */
  void defer(Runnable r) {
    deferred.add(r);
  }

  /** Runs {@code r} once the selector has selected again (and so released cancelled channels). */
  void afterSelect(Runnable r) {
    afterNextSelect.add(r);
  }

  boolean isRunning() {
    return state == RUNNING;
  }

  // ---- LoopThread (any thread) ----

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (state == TERMINATED) {
      throw rejected();
    }
    tasks.add(task);
    if (state == TERMINATED && tasks.remove(task)) {
      throw rejected(); // the loop made its final drain between the check and the add
    }
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  private RejectedExecutionException rejected() {
    return new RejectedExecutionException("the driven loop has shut down");
  }

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == driver.get();
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    if (state == TERMINATED) {
      throw rejected();
    }
    DrivenTimer timer = new DrivenTimer(timers, task, System.nanoTime() + saturatedNanos(delay));
    if (inLoop()) {
      addTimer(timer);
    } else {
      execute(() -> addTimer(timer));
    }
    return timer;
  }

  private void addTimer(DrivenTimer timer) {
    if (!timer.isCancelled() && state == RUNNING) {
      timers.add(timer); // during shutdown timers are dropped: they would never run
    }
  }

  private static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.getSeconds() >= (1L << 32) ? Long.MAX_VALUE / 4 : d.toNanos();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  // ---- Loop (any thread) ----

  /** This loop has one thread: itself. */
  @Override
  public LoopThread next() {
    return this;
  }

  /**
   * Binds at once on the calling thread, so that the future is already complete (a bind failure fails
   * it): an application can start Loopwire from the very thread that drives the loop. The listener starts
   * accepting on the next turn.
   */
  @Override
  public CompletableFuture<Listener> listen(InetSocketAddress address, ListenOptions options, AcceptHandler handler) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("listen needs a resolved address, got unresolved " + address);
    }
    if (state != RUNNING) {
      return CompletableFuture.failedFuture(rejected());
    }
    ServerSocketChannel server = null;
    try {
      server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, options.backlog());
      server.configureBlocking(false);
      DrivenListener listener = new DrivenListener(this, server, handler);
      execute(listener::register);
      return CompletableFuture.completedFuture(listener);
    } catch (IOException e) {
      closeQuietly(server);
      return CompletableFuture.failedFuture(named(e, address));
    } catch (RejectedExecutionException e) {
      closeQuietly(server);
      return CompletableFuture.failedFuture(e);
    }
  }

  private static IOException named(IOException e, InetSocketAddress address) {
    if (e instanceof BindException) {
      BindException named = new BindException("cannot listen on " + address + ": " + e.getMessage());
      named.initCause(e);
      return named;
    }
    return e;
  }

  @Override
  public ConnectRequest connect(InetSocketAddress remote, LoopThread thread, TransportHandler handler, Duration timeout) {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(timeout, "timeout");
    own(thread);
    if (remote.isUnresolved()) {
      throw new IllegalArgumentException(
          "connect needs a resolved address (resolve names off the loop first), got unresolved " + remote);
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
    }
    DrivenConnect request = new DrivenConnect(this, remote, handler, timeout);
    try {
      execute(request::begin);
    } catch (RejectedExecutionException e) {
      request.failNow(e); // the loop is gone: reported on the calling thread, as Loop.connect says
    }
    return request;
  }

  @Override
  public void adopt(SocketChannel channel, LoopThread thread, TransportHandler handler) {
    if (channel == null || handler == null) {
      closeQuietly(channel);
      throw new NullPointerException(channel == null ? "channel" : "handler");
    }
    try {
      own(thread);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    try {
      execute(() -> DrivenTransport.adopt(this, channel, handler));
    } catch (RejectedExecutionException e) {
      closeQuietly(channel);
      DrivenTransport.reportConnectFailed(handler, e);
    }
  }

  private void own(LoopThread thread) {
    Objects.requireNonNull(thread, "thread");
    if (thread != this) {
      throw new IllegalArgumentException("loop thread " + thread + " does not belong to this loop; use next()");
    }
  }

  /**
   * Starts the shutdown: on the next turn every listener and transport is closed (each transport's handler
   * gets {@code onClosed}, pending connects {@code onConnectFailed}), pending timers are dropped, queued
   * tasks run; then {@link #runOnce} returns {@code false}. The future completes inside that last turn, so
   * it completes only while someone drives the loop.
   */
  @Override
  public CompletableFuture<Void> shutdown() {
    if (state == RUNNING) {
      state = SHUTTING_DOWN;
      selector.wakeup();
    }
    return terminated;
  }

  static void closeQuietly(java.nio.channels.Channel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing more to do with it.
      }
    }
  }

  @Override
  public String toString() {
    Thread d = driver.get();
    return "driven loop" + (embedded ? " (embedded)" : "") + (d == null ? "" : " on " + d.getName());
  }
}
