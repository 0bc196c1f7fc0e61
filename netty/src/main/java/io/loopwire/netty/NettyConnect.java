package io.loopwire.netty;

import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.TransportHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connect in progress. One atomic state decides the single outcome (opened, failed or cancelled), so the
 * handler hears exactly one of {@code onOpen} and {@code onConnectFailed} whatever races with what. The
 * connection's {@link NettyConnection#channelActive} claims the "opened" outcome.
 */
final class NettyConnect implements ConnectRequest, NettyLoop.Handle {

  private static final int PENDING = 0;
  private static final int OPENED = 1;
  private static final int FAILED = 2;

  private final NettyThread thread;
  private final InetSocketAddress remote;
  final TransportHandler handler;
  private final Duration timeout;
  private final AtomicInteger state = new AtomicInteger(PENDING);
  /** Set on the loop thread; read by a sweep after the event loop died. */
  private volatile Channel channel;

  NettyConnect(NettyThread thread, InetSocketAddress remote, TransportHandler handler, Duration timeout) {
    this.thread = thread;
    this.remote = remote;
    this.handler = handler;
    this.timeout = timeout;
  }

  @Override
  public NettyThread thread() {
    return thread;
  }

  void start() {
    try {
      thread.execute(this::begin);
    } catch (RejectedExecutionException e) {
      if (state.compareAndSet(PENDING, FAILED)) {
        report(handler, e); // the loop is gone: on the calling thread, as Loop.connect says
      }
    }
  }

  private void begin() {
    if (state.get() != PENDING) {
      return; // cancelled before it started; the cancel reports it
    }
    if (!thread.loop.addHandle(this)) {
      fail(new CancellationException("connect to " + remote + " abandoned: the loop is shutting down"));
      return;
    }
    Channel ch;
    try {
      ch = thread.loop.type.newSocketChannel();
      thread.loop.configure(ch);
      ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS,
          (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
      ch.pipeline().addLast(NettyConnection.connecting(thread, ch, this));
    } catch (RuntimeException e) {
      fail(failure(e));
      return;
    }
    channel = ch;
    thread.eventLoop.register(ch).addListener(registered -> {
      if (!registered.isSuccess()) {
        fail(failure(registered.cause()));
        return;
      }
      if (state.get() != PENDING) {
        ch.close();
        return;
      }
      ch.connect(remote).addListener(connected -> {
        if (!connected.isSuccess()) {
          fail(failure(connected.cause()));
        }
      });
    });
  }

  /** The channel is connected: claims the outcome for {@code onOpen}. Loop thread. */
  boolean opened() {
    return state.compareAndSet(PENDING, OPENED);
  }

  private void fail(Throwable cause) {
    if (state.compareAndSet(PENDING, FAILED)) {
      closeChannel();
      report(handler, cause);
      thread.loop.removeHandle(this);
    }
  }

  private void closeChannel() {
    Channel ch = channel;
    if (ch != null) {
      if (thread.isGone()) {
        NettyLoop.closeDead(ch);
      } else {
        ch.close();
      }
    }
  }

  /** Names the address and maps Netty's timeout to the SPI's {@link SocketTimeoutException}. */
  private Throwable failure(Throwable e) {
    if (e instanceof ConnectTimeoutException) {
      SocketTimeoutException t = new SocketTimeoutException(
          "connect to " + remote + " timed out after " + timeout.toMillis() + " ms");
      t.initCause(e);
      return t;
    }
    if (e instanceof IOException) {
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
    Runnable report = () -> {
      closeChannel();
      report(handler, cause);
      thread.loop.removeHandle(this);
    };
    try {
      thread.eventLoop.execute(report);
    } catch (RejectedExecutionException e) {
      report.run(); // the event loop is gone: report here, as Loop.connect says
    }
    return true;
  }

  @Override
  public void release() {
    fail(new CancellationException("connect to " + remote + " abandoned: the loop shut down"));
  }

  static void report(TransportHandler handler, Throwable cause) {
    try {
      handler.onConnectFailed(cause);
    } catch (Throwable t) {
      NettyLoop.LOG.log(System.Logger.Level.WARNING, "onConnectFailed threw", t);
    }
  }

  @Override
  public String toString() {
    return "connect to " + remote;
  }
}
