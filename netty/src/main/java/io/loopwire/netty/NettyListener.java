package io.loopwire.netty;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ServerSocketChannel;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening channel on one event loop, and the handler of its pipeline: each accepted channel is set up
 * (auto-read off, half-close, no Nagle) and registered on the loop's next event loop, round-robin, where
 * its {@link NettyConnection} asks the {@link AcceptHandler} for a handler.
 */
final class NettyListener extends ChannelInboundHandlerAdapter implements Listener, NettyLoop.Handle {

  /** After an accept error (typically "too many open files") stop accepting briefly instead of spinning. */
  private static final long ACCEPT_ERROR_PAUSE_MILLIS = 100;

  private final NettyLoop loop;
  private final NettyThread thread;
  private final InetSocketAddress address;
  private final ListenOptions options;
  private final AcceptHandler handler;
  private final CompletableFuture<Listener> bound = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile InetSocketAddress localAddress;
  /** Loop thread only. */
  private ServerSocketChannel channel;
  private boolean released;

  NettyListener(NettyLoop loop, NettyThread thread, InetSocketAddress address, ListenOptions options,
      AcceptHandler handler) {
    this.loop = loop;
    this.thread = thread;
    this.address = address;
    this.options = options;
    this.handler = handler;
    this.localAddress = address;
  }

  CompletableFuture<Listener> open() {
    try {
      thread.execute(this::begin);
    } catch (RejectedExecutionException e) {
      closed.complete(null);
      bound.completeExceptionally(e);
    }
    return bound;
  }

  private void begin() {
    if (!loop.addHandle(this)) {
      released = true;
      closed.complete(null);
      bound.completeExceptionally(new RejectedExecutionException(loop + " is shutting down"));
      return;
    }
    try {
      channel = loop.type.newServerSocketChannel();
      channel.config().setOption(ChannelOption.SO_REUSEADDR, true);
      channel.config().setOption(ChannelOption.SO_BACKLOG, options.backlog());
      channel.pipeline().addLast(this);
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    thread.eventLoop.register(channel).addListener(registered -> {
      if (!registered.isSuccess()) {
        failed(registered.cause());
        return;
      }
      channel.bind(address).addListener(b -> {
        if (!b.isSuccess()) {
          failed(named(b.cause()));
          return;
        }
        localAddress = channel.localAddress();
        if (!bound.complete(this) || closing.get()) {
          release();
        }
      });
    });
  }

  private void failed(Throwable cause) {
    released = true;
    if (channel != null) {
      channel.close();
    }
    closed.complete(null);
    bound.completeExceptionally(cause);
    loop.removeHandle(this);
  }

  /** Netty's native transports report "address in use" as a plain IOException; the SPI promises a BindException. */
  private Throwable named(Throwable e) {
    if (e instanceof IOException) {
      BindException named = new BindException("cannot listen on " + address + ": " + e.getMessage());
      named.initCause(e);
      return named;
    }
    return e;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel child = (Channel) msg;
    NettyThread target = loop.nextThread();
    if (!loop.isRunning()) {
      child.unsafe().closeForcibly();
      return;
    }
    try {
      loop.configure(child);
      child.pipeline().addLast(NettyConnection.accepted(target, child, handler));
      target.eventLoop.register(child).addListener(f -> {
        if (!f.isSuccess()) {
          child.unsafe().closeForcibly();
        }
      });
    } catch (Throwable t) {
      NettyLoop.LOG.log(System.Logger.Level.DEBUG, "dropping an accepted connection that failed to set up", t);
      child.unsafe().closeForcibly();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!released) {
      // Closed under us: the application's group is shutting down.
      released = true;
      closing.set(true);
      done();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (released) {
      return;
    }
    NettyLoop.LOG.log(System.Logger.Level.WARNING,
        "accept failed on " + localAddress + "; pausing accepts for " + ACCEPT_ERROR_PAUSE_MILLIS + " ms", cause);
    channel.config().setAutoRead(false);
    channel.eventLoop().schedule(() -> {
      if (!released) {
        channel.config().setAutoRead(true);
      }
    }, ACCEPT_ERROR_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public NettyThread thread() {
    return thread;
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public CompletableFuture<Void> close() {
    if (closing.compareAndSet(false, true)) {
      thread.later(this::release);
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
    if (channel == null || thread.isGone()) {
      if (channel != null) {
        NettyLoop.closeDead(channel);
      }
      done();
      return;
    }
    channel.close().addListener(f -> {
      // The NIO selector frees the port only when it flushes the cancelled key in its next select; a timer
      // runs after that select, so a new listener can bind the port as soon as this completes.
      try {
        thread.eventLoop.schedule(this::done, 0, TimeUnit.NANOSECONDS).addListener(x -> done());
      } catch (RejectedExecutionException e) {
        done();
      }
    });
  }

  private void done() {
    if (closed.complete(null)) {
      loop.removeHandle(this); // after: the loop's shutdown completes only once this listener's close has
    }
  }

  @Override
  public String toString() {
    return "listener " + localAddress + " on " + loop.name;
  }
}
