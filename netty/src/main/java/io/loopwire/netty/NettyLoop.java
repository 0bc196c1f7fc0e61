package io.loopwire.netty;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.ThreadExits;
import io.loopwire.loop.TransportHandler;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loop SPI over a Netty {@link EventLoopGroup}, owned (created by {@link NettyLoops#create}, stopped by
 * {@link #shutdown()}) or borrowed (the application's group: {@link #shutdown()} releases only what was
 * opened through this object and leaves the group running).
 *
 * <p>Everything Loopwire opens (listeners, connections, connects in progress) is a {@link Handle} in
 * {@link #handles}, and every pending timer is in {@link #timers}: shutdown releases them all and completes
 * when the last one has told its owner. If the application shuts a borrowed group down first, Netty closes
 * the channels and each connection still reports {@code onClosed}; a sweep on each event loop's termination
 * catches anything left.
 */
final class NettyLoop implements Loop {

  static final System.Logger LOG = System.getLogger("io.loopwire.netty");
  /** Byte written over a lent read buffer after the callback in debug mode. */
  static final byte POISON = (byte) 0xDB;

  private static final int RUNNING = 0;
  private static final int SHUTTING_DOWN = 1;
  private static final int TERMINATED = 2;

  /** Something Loopwire opened on the group: released on its own thread when the loop shuts down. */
  interface Handle {
    NettyThread thread();

    /** Closes it and tells its owner, exactly as an explicit close would. Idempotent. */
    void release();
  }

  final NettyTransportType type;
  final String name;
  final EventLoopGroup group;
  final boolean owned;
  final LoopOptions options;
  final boolean poisonReads = Boolean.getBoolean("io.loopwire.debug");
  final Set<Handle> handles = ConcurrentHashMap.newKeySet();
  final Set<NettyTimer> timers = ConcurrentHashMap.newKeySet();
  private final NettyThread[] threads;
  private final AtomicInteger nextIndex = new AtomicInteger();
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final AtomicBoolean finishing = new AtomicBoolean();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final List<Runnable> unhook = new ArrayList<>();
  private final List<Thread> ownThreads;

  /**
   * @param ownThreads the threads of a group this loop made and owns (filled as the group starts them), or
   *     {@code null} for an application's group that this loop borrows
   */
  NettyLoop(NettyTransportType type, EventLoopGroup group, List<Thread> ownThreads, LoopOptions options) {
    boolean owned = ownThreads != null;
    this.ownThreads = ownThreads;
    this.type = type;
    this.name = type.loopName() + (owned ? "" : " (borrowed)");
    this.group = group;
    this.owned = owned;
    this.options = options;
    List<NettyThread> list = new ArrayList<>();
    for (EventExecutor e : group) {
      if (!(e instanceof EventLoop)) {
        throw new IllegalArgumentException("the group's executor " + e + " is not a Netty EventLoop");
      }
      list.add(new NettyThread(this, (EventLoop) e, list.size()));
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("the event loop group " + group + " has no event loops");
    }
    this.threads = list.toArray(new NettyThread[0]);
    if (!owned) {
      // The application may shut its group down before it shuts this loop down.
      for (NettyThread t : threads) {
        GenericFutureListener<Future<Object>> sweep = f -> sweep(t);
        @SuppressWarnings("unchecked")
        Future<Object> termination = (Future<Object>) t.eventLoop.terminationFuture();
        termination.addListener(sweep);
        unhook.add(() -> termination.removeListener(sweep));
      }
    }
  }

  boolean isRunning() {
    return state.get() == RUNNING;
  }

  boolean isTerminated() {
    return state.get() == TERMINATED;
  }

  @Override
  public LoopThread next() {
    return nextThread();
  }

  NettyThread nextThread() {
    return threads[Math.floorMod(nextIndex.getAndIncrement(), threads.length)];
  }

  /** Adds {@code h}; if the loop is shutting down, takes it back and returns {@code false}. */
  boolean addHandle(Handle h) {
    handles.add(h);
    if (state.get() != RUNNING) {
      handles.remove(h);
      checkDone();
      return false;
    }
    return true;
  }

  /** {@code h} is released and its owner told. */
  void removeHandle(Handle h) {
    handles.remove(h);
    checkDone();
  }

  RecvByteBufAllocator recvAllocator() {
    int max = options.readBufferBytes();
    return new AdaptiveRecvByteBufAllocator(64, Math.min(2048, max), max);
  }

  /** Options every connection gets: reads on request only, half-close, no Nagle. */
  void configure(Channel ch) {
    ch.config().setAutoRead(false);
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    ch.config().setOption(ChannelOption.TCP_NODELAY, true);
    ch.config().setRecvByteBufAllocator(recvAllocator());
  }

  @Override
  public CompletableFuture<Listener> listen(InetSocketAddress address, ListenOptions options, AcceptHandler handler) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("listen needs a resolved address, got unresolved " + address);
    }
    if (state.get() != RUNNING) {
      return CompletableFuture.failedFuture(new RejectedExecutionException(this + " has shut down"));
    }
    return new NettyListener(this, nextThread(), address, options, handler).open();
  }

  @Override
  public ConnectRequest connect(InetSocketAddress remote, LoopThread thread, TransportHandler handler, Duration timeout) {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(timeout, "timeout");
    if (remote.isUnresolved()) {
      throw new IllegalArgumentException(
          "connect needs a resolved address (resolve names off the loop first), got unresolved " + remote);
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
    }
    NettyConnect request = new NettyConnect(own(thread), remote, handler, timeout);
    request.start();
    return request;
  }

  @Override
  public void adopt(SocketChannel channel, LoopThread thread, TransportHandler handler) {
    if (channel == null || handler == null) {
      closeQuietly(channel);
      throw new NullPointerException(channel == null ? "channel" : "handler");
    }
    NettyThread t;
    try {
      t = own(thread);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    if (type != NettyTransportType.NIO) {
      // A native transport needs the socket's descriptor, which java.nio does not expose.
      closeQuietly(channel);
      UnsupportedOperationException why = new UnsupportedOperationException(
          name + " cannot adopt a java.nio SocketChannel (its descriptor is not reachable); adopt on netty-nio, "
              + "nio or the driven loop");
      try {
        t.execute(() -> NettyConnect.report(handler, why));
      } catch (RejectedExecutionException e) {
        NettyConnect.report(handler, e);
      }
      return;
    }
    try {
      t.execute(() -> adoptOnLoop(t, channel, handler));
    } catch (RejectedExecutionException e) {
      closeQuietly(channel);
      NettyConnect.report(handler, e);
    }
  }

  private void adoptOnLoop(NettyThread t, SocketChannel channel, TransportHandler handler) {
    Channel ch;
    try {
      if (!channel.isOpen()) {
        throw new java.nio.channels.ClosedChannelException();
      }
      if (!channel.isConnected()) {
        throw new IllegalArgumentException("adopt needs a connected SocketChannel; " + channel + " is not connected");
      }
      if (!isRunning()) {
        throw new java.util.concurrent.CancellationException("adopt abandoned: the loop is shutting down");
      }
      ch = new io.netty.channel.socket.nio.NioSocketChannel(channel);
      configure(ch);
      ch.pipeline().addLast(NettyConnection.adopted(t, ch, handler));
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      NettyConnect.report(handler, e);
      return;
    }
    t.eventLoop.register(ch).addListener(f -> {
      if (!f.isSuccess()) {
        closeQuietly(channel);
        NettyConnect.report(handler, f.cause());
      }
    });
  }

  private NettyThread own(LoopThread thread) {
    Objects.requireNonNull(thread, "thread");
    if (thread instanceof NettyThread && ((NettyThread) thread).loop == this) {
      return (NettyThread) thread;
    }
    throw new IllegalArgumentException("loop thread " + thread + " does not belong to this loop; use next()");
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    if (state.compareAndSet(RUNNING, SHUTTING_DOWN)) {
      for (NettyTimer t : timers) {
        t.cancel();
      }
      for (Handle h : handles) {
        NettyThread t = h.thread();
        t.later(h::release);
      }
      checkDone();
    }
    return terminated;
  }

  private void checkDone() {
    if (state.get() != SHUTTING_DOWN || !handles.isEmpty() || !finishing.compareAndSet(false, true)) {
      return;
    }
    for (Runnable r : unhook) {
      r.run();
    }
    for (NettyTimer t : timers) {
      t.cancel(); // scheduled while the last handles were closing
    }
    if (!owned) {
      state.set(TERMINATED);
      terminated.complete(null);
      return;
    }
    // Tasks already queued still run; there is nothing else left to wait for.
    group.shutdownGracefully(0, 10, TimeUnit.SECONDS).addListener(f -> {
      state.set(TERMINATED);
      if (!f.isSuccess()) {
        terminated.completeExceptionally(f.cause());
        return;
      }
      // Netty completes this on the last event loop just before its thread exits
      ThreadExits.completeWhenExited(ownThreads, options.threadNamePrefix(), terminated);
    });
  }

  /** A borrowed group's event loop has terminated: whatever of ours was on it is closed now, here. */
  private void sweep(NettyThread t) {
    for (Handle h : handles) {
      if (h.thread() == t) {
        NettyThread.runSafely(h::release);
      }
    }
  }

  /**
   * Closes the socket of a channel whose event loop has terminated without closing it. Netty's
   * {@code closeForcibly} does that, but asserts that it runs on the (dead) event loop when assertions are
   * on; then the descriptor is closed directly.
   */
  static void closeDead(Channel ch) {
    try {
      ch.unsafe().closeForcibly();
      return;
    } catch (AssertionError e) {
      // Assertions are on: fall through.
    }
    try {
      if (ch instanceof UnixChannel) {
        ((UnixChannel) ch).fd().close();
      } else if (ch instanceof AbstractNioChannel) {
        Method javaChannel = AbstractNioChannel.class.getDeclaredMethod("javaChannel");
        javaChannel.setAccessible(true);
        ((java.nio.channels.Channel) javaChannel.invoke(ch)).close();
      }
    } catch (Exception | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "cannot close " + ch + " after its event loop terminated", e);
    }
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

  /** Counts for tests: live handles (listeners, connections, connects) and pending timers. */
  int liveHandles() {
    return handles.size();
  }

  int pendingTimers() {
    return timers.size();
  }

  @Override
  public String toString() {
    return name + " loop (" + threads.length + " event loops)";
  }
}
