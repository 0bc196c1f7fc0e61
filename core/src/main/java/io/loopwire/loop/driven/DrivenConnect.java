package io.loopwire.loop.driven;

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
 * A connect in progress. The outcome (opened, failed, cancelled) is decided once, by an atomic state, so
 * the handler hears exactly one of {@code onOpen} and {@code onConnectFailed} whatever races with what.
 */
final class DrivenConnect implements ConnectRequest, Handle {

  private static final int PENDING = 0;
  private static final int DECIDED = 1;

  private final DrivenLoop loop;
  private final InetSocketAddress remote;
  private final TransportHandler handler;
  private final Duration timeout;
  private final AtomicInteger state = new AtomicInteger(PENDING);
  /** Driver thread only. */
  private SocketChannel channel;
  private SelectionKey key;
  private Timer timer;

  DrivenConnect(DrivenLoop loop, InetSocketAddress remote, TransportHandler handler, Duration timeout) {
    this.loop = loop;
    this.remote = remote;
    this.handler = handler;
    this.timeout = timeout;
  }

  @Override
  public DrivenLoop loop() {
    return loop;
  }

  /** On the driver thread: open the socket and start the TCP handshake. */
  void begin() {
    if (state.get() != PENDING) {
      return; // cancelled before it began; the cancel reports it
    }
    if (!loop.isRunning()) {
      fail(new CancellationException("connect to " + remote + " abandoned: the loop is shutting down"));
      return;
    }
    try {
      channel = SocketChannel.open();
      loop.handles.add(this);
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (channel.connect(remote)) {
        connected();
        return;
      }
      key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
      timer = loop.schedule(timeout, () -> fail(new SocketTimeoutException(
          "connect to " + remote + " timed out after " + timeout.toMillis() + " ms")));
    } catch (IOException | RuntimeException e) {
      fail(named(e));
    }
  }

  @Override
  public void ready(int readyOps) {
    if (state.get() != PENDING) {
      cleanUp();
      return;
    }
    try {
      if (channel.finishConnect()) {
        connected();
      }
    } catch (IOException | RuntimeException e) {
      fail(named(e));
    }
  }

  private void connected() {
    if (!state.compareAndSet(PENDING, DECIDED)) {
      cleanUp();
      return;
    }
    if (timer != null) {
      timer.cancel();
    }
    loop.handles.remove(this);
    DrivenTransport transport;
    try {
      transport = DrivenTransport.create(loop, channel, key);
    } catch (IOException | RuntimeException e) {
      cleanUp();
      DrivenTransport.reportConnectFailed(handler, named(e));
      return;
    }
    transport.begin(handler);
  }

  private void fail(Throwable cause) {
    if (state.compareAndSet(PENDING, DECIDED)) {
      cleanUp();
      DrivenTransport.reportConnectFailed(handler, cause);
    }
  }

  /** The loop is gone before the connect began: report on the calling thread. */
  void failNow(RejectedExecutionException e) {
    if (state.compareAndSet(PENDING, DECIDED)) {
      DrivenTransport.reportConnectFailed(handler, e);
    }
  }

  private void cleanUp() {
    if (timer != null) {
      timer.cancel();
    }
    if (key != null) {
      key.cancel();
    }
    DrivenLoop.closeQuietly(channel);
    loop.handles.remove(this);
  }

  /** The JDK's "Connection refused" does not say where to; this does. */
  private Throwable named(Throwable e) {
    if (e instanceof IOException && !(e instanceof SocketTimeoutException)) {
      ConnectException named = new ConnectException("connect to " + remote + " failed: " + e.getMessage());
      named.initCause(e);
      return named;
    }
    return e;
  }

  @Override
  public boolean cancel() {
    if (!state.compareAndSet(PENDING, DECIDED)) {
      return false;
    }
    CancellationException cause = new CancellationException("connect to " + remote + " cancelled");
    try {
      loop.execute(() -> {
        cleanUp();
        DrivenTransport.reportConnectFailed(handler, cause);
      });
    } catch (RejectedExecutionException e) {
      DrivenTransport.reportConnectFailed(handler, cause); // the loop has finished: report here
    }
    return true;
  }

  @Override
  public void release() {
    fail(new CancellationException("connect to " + remote + " abandoned: the loop shut down"));
    cleanUp();
  }

  @Override
  public String toString() {
    return "connect to " + remote;
  }
}
