package io.loopwire.loop.nio;

import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.Timer;
import io.loopwire.loop.TransportHandler;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connect in progress. One atomic state decides the single outcome (opened, failed or cancelled), so
 * the handler hears exactly one of {@code onOpen} and {@code onConnectFailed} whatever races with what.
 */
final class NioConnect implements ConnectRequest, Ready {

  private static final int PENDING = 0;
  private static final int OPENED = 1;
  private static final int FAILED = 2;

  private final NioThread thread;
  private final InetSocketAddress remote;
  private final TransportHandler handler;
  private final Duration timeout;
  private final AtomicInteger state = new AtomicInteger(PENDING);
  /** Loop thread only. */
  private SocketChannel channel;
  private SelectionKey key;
  private Timer timer;

  NioConnect(NioThread thread, InetSocketAddress remote, TransportHandler handler, Duration timeout) {
    this.thread = thread;
    this.remote = remote;
    this.handler = handler;
    this.timeout = timeout;
  }

  void start() {
    try {
      thread.execute(this::begin);
    } catch (RejectedExecutionException e) {
      if (state.compareAndSet(PENDING, FAILED)) {
        NioTransport.reportConnectFailed(handler, e);
      }
    }
  }

  private void begin() {
    if (state.get() != PENDING) {
      return; // cancelled before it started; the cancel reports it
    }
    if (!thread.isRunning()) {
      fail(new CancellationException("connect to " + remote + " abandoned: the loop is shutting down"));
      return;
    }
    try {
      channel = SocketChannel.open();
      thread.handles.add(this);
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (channel.connect(remote)) {
        opened();
        return;
      }
      key = channel.register(thread.selector, SelectionKey.OP_CONNECT, this);
      timer = thread.schedule(timeout, () -> fail(new SocketTimeoutException(
          "connect to " + remote + " timed out after " + timeout.toMillis() + " ms")));
    } catch (IOException | RuntimeException e) {
      fail(failure(e));
    }
  }

  @Override
  public void onReady(int readyOps) {
    if (state.get() != PENDING) {
      release();
      return;
    }
    try {
      if (channel.finishConnect()) {
        opened();
      }
    } catch (IOException | RuntimeException e) {
      fail(failure(e));
    }
  }

  private void opened() {
    if (!state.compareAndSet(PENDING, OPENED)) {
      release();
      return;
    }
    if (timer != null) {
      timer.cancel();
    }
    thread.handles.remove(this);
    NioTransport transport;
    try {
      transport = NioTransport.create(thread, channel, key);
    } catch (IOException | RuntimeException e) {
      release();
      NioTransport.reportConnectFailed(handler, failure(e));
      return;
    }
    transport.begin(handler);
  }

  private void fail(Throwable cause) {
    if (state.compareAndSet(PENDING, FAILED)) {
      release();
      NioTransport.reportConnectFailed(handler, cause);
    }
  }

  private void release() {
    if (timer != null) {
      timer.cancel();
    }
    if (key != null) {
      key.cancel();
    }
    NioLoop.closeQuietly(channel);
    thread.handles.remove(this);
  }

  /** Names the address; the JDK's "Connection refused" alone does not. */
  private Throwable failure(Throwable e) {
    if (e instanceof IOException && !(e instanceof SocketTimeoutException)) {
      ConnectException named = new ConnectException("connect to " + remote + " failed: " + e.getMessage());
      named.initCause(e);
      return named;
    }
    return e;
  }

  @Override
  public boolean cancel() {
    if (!state.compareAndSet(PENDING, FAILED)) {
      return false;
    }
    CancellationException cause = new CancellationException("connect to " + remote + " cancelled");
    try {
      thread.execute(() -> {
        release();
        NioTransport.reportConnectFailed(handler, cause);
      });
    } catch (RejectedExecutionException e) {
      // The thread is gone (and closed the channel on its way out): report here, as Loop.connect says.
      NioTransport.reportConnectFailed(handler, cause);
    }
    return true;
  }

  @Override
  public void onShutdown() {
    fail(new CancellationException("connect to " + remote + " abandoned: the loop shut down"));
    release();
  }

  @Override
  public String toString() {
    return "connect to " + remote;
  }
}
