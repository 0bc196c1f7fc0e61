package io.loopwire.loop.nio;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.LoopUnavailableException;
import io.loopwire.loop.ThreadExits;
import io.loopwire.loop.TransportHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@code nio} loop: a fixed group of {@link NioThread}s. */
final class NioLoop implements Loop {

  final LoopOptions options;
  private final NioThread[] threads;
  private final AtomicInteger nextIndex = new AtomicInteger();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  private NioLoop(LoopOptions options) {
    this.options = options;
    this.threads = new NioThread[options.threads()];
    int opened = 0;
    try {
      for (; opened < threads.length; opened++) {
        threads[opened] = new NioThread(
            this, Selector.open(), options.threadNamePrefix() + opened, options.readBufferBytes());
      }
    } catch (IOException e) {
      for (int i = 0; i < opened; i++) {
        try {
          threads[i].selector.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new LoopUnavailableException("nio", "cannot open a java.nio Selector: " + e.getMessage(), e);
    }
    CompletableFuture<?>[] all = new CompletableFuture<?>[threads.length];
    for (int i = 0; i < threads.length; i++) {
      all[i] = threads[i].terminated;
    }
    CompletableFuture.allOf(all).whenComplete((v, e) -> reap());
  }

  /** The threads end their work just before they exit; the future promises they have exited. */
  private void reap() {
    List<Thread> all = new ArrayList<>();
    for (NioThread t : threads) {
      all.add(t.thread);
    }
    ThreadExits.completeWhenExited(all, options.threadNamePrefix(), terminated);
  }

  static NioLoop start(LoopOptions options) {
    Objects.requireNonNull(options, "options");
    NioLoop loop = new NioLoop(options);
    for (NioThread t : loop.threads) {
      t.start();
    }
    return loop;
  }

  @Override
  public LoopThread next() {
    return nextThread();
  }

  NioThread nextThread() {
    return threads[Math.floorMod(nextIndex.getAndIncrement(), threads.length)];
  }

  @Override
  public CompletableFuture<Listener> listen(InetSocketAddress address, ListenOptions options, AcceptHandler handler) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("listen needs a resolved address, got unresolved " + address);
    }
    if (shutdown.get()) {
      return CompletableFuture.failedFuture(new RejectedExecutionException("the nio loop has shut down"));
    }
    ServerSocketChannel server = null;
    try {
      server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, options.backlog());
      server.configureBlocking(false);
    } catch (IOException e) {
      closeQuietly(server);
      return CompletableFuture.failedFuture(withAddress(e, address));
    }
    NioListener listener;
    try {
      listener = new NioListener(nextThread(), server, handler);
    } catch (IOException e) {
      closeQuietly(server);
      return CompletableFuture.failedFuture(e);
    }
    return listener.register();
  }

  private static IOException withAddress(IOException e, InetSocketAddress address) {
    if (e instanceof BindException) {
      BindException named = new BindException("cannot listen on " + address + ": " + e.getMessage());
      named.initCause(e);
      return named;
    }
    return e;
  }

  @Override
  public ConnectRequest connect(
      InetSocketAddress remote, LoopThread thread, TransportHandler handler, Duration timeout) {
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
    NioConnect request = new NioConnect(own(thread), remote, handler, timeout);
    request.start();
    return request;
  }

  @Override
  public void adopt(SocketChannel channel, LoopThread thread, TransportHandler handler) {
    if (handler == null || channel == null) {
      closeQuietly(channel);
      throw new NullPointerException(channel == null ? "channel" : "handler");
    }
    NioThread t;
    try {
      t = own(thread);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    try {
      t.execute(() -> NioTransport.adopt(t, channel, handler));
    } catch (RejectedExecutionException e) {
      closeQuietly(channel);
      NioTransport.reportConnectFailed(handler, e);
    }
  }

  private NioThread own(LoopThread thread) {
    Objects.requireNonNull(thread, "thread");
    if (thread instanceof NioThread && ((NioThread) thread).loop == this) {
      return (NioThread) thread;
    }
    throw new IllegalArgumentException("loop thread " + thread + " does not belong to this loop; use next()");
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    if (shutdown.compareAndSet(false, true)) {
      for (NioThread t : threads) {
        t.beginShutdown();
      }
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
    return "nio loop (" + threads.length + " threads, " + options.threadNamePrefix() + "*)";
  }
}
