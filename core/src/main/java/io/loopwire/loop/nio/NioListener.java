package io.loopwire.loop.nio;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A listening socket on one loop thread; accepted channels are dealt round-robin to all threads. */
final class NioListener implements Listener, Ready {

  /** Accepts per readiness event, so a flood of connections cannot monopolise the thread. */
  private static final int MAX_ACCEPTS_PER_EVENT = 64;
  /** After an accept error (typically "too many open files") stop accepting briefly instead of spinning. */
  private static final Duration ACCEPT_ERROR_PAUSE = Duration.ofMillis(100);

  private final NioThread thread;
  private final ServerSocketChannel server;
  private final AcceptHandler handler;
  private final InetSocketAddress localAddress;
  private final CompletableFuture<Listener> registered = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  /** Loop thread only. */
  private SelectionKey key;
  private Timer resume;
  private boolean released;

  NioListener(NioThread thread, ServerSocketChannel server, AcceptHandler handler) throws IOException {
    this.thread = thread;
    this.server = server;
    this.handler = handler;
    this.localAddress = (InetSocketAddress) server.getLocalAddress();
  }

  CompletableFuture<Listener> register() {
    try {
      thread.execute(this::registerOnLoop);
    } catch (RejectedExecutionException e) {
      NioLoop.closeQuietly(server);
      closed.complete(null);
      registered.completeExceptionally(e);
    }
    return registered;
  }

  private void registerOnLoop() {
    if (!thread.isRunning()) {
      NioLoop.closeQuietly(server);
      closed.complete(null);
      registered.completeExceptionally(new RejectedExecutionException("the nio loop is shutting down"));
      return;
    }
    try {
      key = server.register(thread.selector, SelectionKey.OP_ACCEPT, this);
    } catch (IOException e) {
      NioLoop.closeQuietly(server);
      closed.complete(null);
      registered.completeExceptionally(e);
      return;
    }
    thread.handles.add(this);
    registered.complete(this);
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public CompletableFuture<Void> close() {
    if (closing.compareAndSet(false, true)) {
      try {
        thread.execute(this::release);
      } catch (RejectedExecutionException e) {
        // The thread has exited, and released the socket on its way out.
        NioLoop.closeQuietly(server);
        closed.complete(null);
      }
    }
    return closed;
  }

  @Override
  public void onShutdown() {
    closing.set(true);
    release();
  }

  private void release() {
    if (released) {
      return;
    }
    released = true;
    if (resume != null) {
      resume.cancel();
    }
    if (key != null) {
      key.cancel();
    }
    NioLoop.closeQuietly(server);
    thread.handles.remove(this);
    // The selector frees the port only when it flushes the cancelled key, in its next select.
    thread.afterSelect(() -> closed.complete(null));
  }

  @Override
  public void onReady(int readyOps) {
    for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !released; i++) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        NioThread.LOG.log(System.Logger.Level.WARNING,
            "accept failed on " + localAddress + "; pausing accepts for " + ACCEPT_ERROR_PAUSE.toMillis() + " ms",
            e);
        pause();
        return;
      }
      if (channel == null) {
        return;
      }
      NioThread target = thread.loop.nextThread();
      if (target == thread) {
        NioTransport.accept(target, channel, handler);
      } else {
        try {
          target.execute(() -> NioTransport.accept(target, channel, handler));
        } catch (RejectedExecutionException e) {
          NioLoop.closeQuietly(channel);
        }
      }
    }
  }

  private void pause() {
    try {
      key.interestOps(0);
    } catch (CancelledKeyException e) {
      return;
    }
    resume = thread.schedule(ACCEPT_ERROR_PAUSE, () -> {
      if (!released && key.isValid()) {
        key.interestOps(SelectionKey.OP_ACCEPT);
      }
    });
  }

  @Override
  public String toString() {
    return "listener " + localAddress;
  }
}
