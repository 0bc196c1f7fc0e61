package io.loopwire.loop.driven;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A bound listening socket; accepted connections become {@link DrivenTransport}s on the same thread. */
final class DrivenListener implements Listener, Handle {

  /** Accepts per readiness event, so a burst of connections cannot monopolise the turn. */
  private static final int MAX_ACCEPTS_PER_EVENT = 64;
  /** After an accept error (typically "too many open files") stop accepting briefly instead of spinning. */
  private static final Duration ACCEPT_ERROR_PAUSE = Duration.ofMillis(100);

  private final DrivenLoop loop;
  private final ServerSocketChannel server;
  private final AcceptHandler handler;
  private final InetSocketAddress localAddress;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  /** Driver thread only. */
  private SelectionKey key;
  private Timer resume;
  private boolean released;

  DrivenListener(DrivenLoop loop, ServerSocketChannel server, AcceptHandler handler) throws IOException {
    this.loop = loop;
    this.server = server;
    this.handler = handler;
    this.localAddress = (InetSocketAddress) server.getLocalAddress();
  }

  @Override
  public DrivenLoop loop() {
    return loop;
  }

  /** On the driver thread: start accepting (unless closed or shut down in the meantime). */
  void register() {
    if (released || closing.get() || !loop.isRunning()) {
      release();
      return;
    }
    try {
      key = server.register(loop.selector, SelectionKey.OP_ACCEPT, this);
    } catch (ClosedChannelException | RuntimeException e) {
      DrivenLoop.LOG.log(System.Logger.Level.WARNING, "cannot register listener " + localAddress, e);
      release();
      return;
    }
    loop.handles.add(this);
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public CompletableFuture<Void> close() {
    if (closing.compareAndSet(false, true)) {
      try {
        loop.execute(this::release);
      } catch (RejectedExecutionException e) {
        // The loop has finished, and released the socket on its way out.
        DrivenLoop.closeQuietly(server);
        closed.complete(null);
      }
    }
    return closed;
  }

  @Override
  public void release() {
    closing.set(true);
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
    DrivenLoop.closeQuietly(server);
    loop.handles.remove(this);
    // The selector lets go of the port only when it flushes the cancelled key, in its next select.
    loop.afterSelect(() -> closed.complete(null));
  }

  @Override
  public void ready(int readyOps) {
    for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !released; i++) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        DrivenLoop.LOG.log(System.Logger.Level.WARNING, "accept failed on " + localAddress + "; pausing accepts for "
            + ACCEPT_ERROR_PAUSE.toMillis() + " ms", e);
        pause();
        return;
      }
      if (channel == null) {
        return;
      }
      DrivenTransport.accept(loop, channel, handler);
    }
  }

  private void pause() {
    try {
      key.interestOps(0);
    } catch (CancelledKeyException e) {
      return;
    }
    resume = loop.schedule(ACCEPT_ERROR_PAUSE, () -> {
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
