package io.loopwire.netty;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection: a Netty channel seen as a {@link Transport}, and the last handler of that channel's
 * pipeline. All state is confined to the channel's event loop except {@link #open} and the addresses.
 *
 * <ul>
 *   <li>Reads: read interest is Netty's auto-read (off until {@code onOpen} has returned). Data that a read
 *       already in flight brings after interest went off is held and delivered on resume, so
 *       {@code onRead} never fires while interest is off. Each {@code ByteBuf} is lent to {@code onRead}
 *       as a {@link ByteBuffer} view and released after.</li>
 *   <li>Writes: {@link #write} queues the caller's buffers; {@link #flush} hands them to Netty wrapped
 *       ({@link Unpooled#wrappedBuffer(ByteBuffer)}, no copy; {@link #writeCopy} queues a copy in an exact
 *       buffer from the channel's allocator instead) with one promise on the last, so the queue's
 *       length is known exactly when each batch is written: {@code onWriteDrained} fires when it reaches
 *       zero after a flush left bytes behind.</li>
 *   <li>End: {@link #terminate} is the one place that closes the channel and promises {@code onClosed}
 *       exactly once, after the channel has closed and never inside a call the handler made.</li>
 * </ul>
 */
final class NettyConnection extends ChannelInboundHandlerAdapter implements Transport, NettyLoop.Handle {

  private final NettyLoop loop;
  private final NettyThread thread;
  private final Channel channel;
  /** How the connection came to be: exactly one of these is set. */
  private final AcceptHandler acceptHandler;
  private final NettyConnect connect;
  private final TransportHandler adoptHandler;
  private volatile boolean open = true;
  private volatile InetSocketAddress remoteAddress;
  private volatile InetSocketAddress localAddress;

  /** Loop thread only from here on. */
  private TransportHandler handler;
  /** ByteBuffers the caller gave, and pooled ByteBufs holding copies ({@link #writeCopy}). */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  /** Bytes ever queued, and of those the ones Netty has written to the socket. */
  private long queuedTotal;
  private long writtenTotal;
  /** Reads that arrived while read interest was off. */
  private ArrayDeque<ByteBuf> held;
  private boolean readWanted = true;
  /** Whether Netty's auto-read is on for this channel. */
  private boolean reading;
  private boolean resumeScheduled;
  private boolean eofSeen;
  private boolean eofReported;
  private boolean outputShutRequested;
  private boolean outputShut;
  private boolean closing;
  private boolean closed;
  private boolean opened;
  private boolean active;
  private boolean drainWanted;
  private Throwable failure;
  private io.netty.util.concurrent.Future<?> closeTimer;
  private volatile Throwable closeCause;
  private final AtomicBoolean notified = new AtomicBoolean();

  private NettyConnection(NettyLoop loop, NettyThread thread, Channel channel, AcceptHandler acceptHandler,
      NettyConnect connect, TransportHandler adoptHandler) {
    this.loop = loop;
    this.thread = thread;
    this.channel = channel;
    this.acceptHandler = acceptHandler;
    this.connect = connect;
    this.adoptHandler = adoptHandler;
  }

  static NettyConnection accepted(NettyThread thread, Channel channel, AcceptHandler handler) {
    return new NettyConnection(thread.loop, thread, channel, handler, null, null);
  }

  static NettyConnection connecting(NettyThread thread, Channel channel, NettyConnect connect) {
    return new NettyConnection(thread.loop, thread, channel, null, connect, null);
  }

  static NettyConnection adopted(NettyThread thread, Channel channel, TransportHandler handler) {
    return new NettyConnection(thread.loop, thread, channel, null, null, handler);
  }

  // ---- Netty events (loop thread) ----

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (active || closed) {
      return;
    }
    active = true;
    remoteAddress = (InetSocketAddress) channel.remoteAddress();
    localAddress = (InetSocketAddress) channel.localAddress();
    if (connect != null) {
      if (!connect.opened()) {
        terminate(null, false); // cancelled or timed out just before: the outcome is already reported
        return;
      }
      begin(connect.handler);
      loop.removeHandle(connect); // after begin added this connection, so the loop never looks empty
      return;
    }
    if (adoptHandler != null) {
      begin(adoptHandler);
      return;
    }
    if (!loop.addHandle(this)) {
      terminate(null, false); // accepted while shutting down: nobody hears of it
      return;
    }
    TransportHandler h;
    try {
      h = acceptHandler.onAccept(this);
    } catch (Throwable t) {
      NettyLoop.LOG.log(System.Logger.Level.WARNING,
          "accept handler failed for " + remoteAddress + "; closing the connection", t);
      terminate(null, true);
      return;
    }
    if (h == null || closed) {
      terminate(null, false);
      return;
    }
    begin(h);
  }

  /** The transport is set up: say so, then start reading. */
  private void begin(TransportHandler h) {
    handler = h;
    opened = true;
    if (acceptHandler == null && !loop.addHandle(this)) {
      // The loop began shutting down after the outcome was decided: open, then close at once.
      thread.later(this::release);
    }
    try {
      h.onOpen(this);
    } catch (Throwable t) {
      fail(t);
      return;
    }
    if (readWanted && !closed && !closing) {
      reading(true);
    }
  }

  /**
   * Turns Netty's reading on or off. Auto-read is the switch: Netty's own back-pressure idiom, and the one
   * every transport honours (io_uring can miss a reset when reads are requested one {@code read()} at a
   * time). A read already in flight when it goes off may still complete; its data is held.
   */
  private void reading(boolean on) {
    if (on != reading) {
      reading = on;
      channel.config().setAutoRead(on);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ByteBuf buf = (ByteBuf) msg;
    if (closed || closing || eofSeen || !opened) {
      buf.release();
      return;
    }
    if (!readWanted || (held != null && !held.isEmpty())) {
      if (held == null) {
        held = new ArrayDeque<>(2);
      }
      held.add(buf);
      return;
    }
    deliver(buf);
  }

  /** Lends {@code buf} to {@code onRead} and releases it. */
  private void deliver(ByteBuf buf) {
    int n = buf.readableBytes();
    int from = buf.readerIndex();
    try {
      if (n > 0) {
        ByteBuffer view;
        if (buf.nioBufferCount() == 1) {
          view = buf.nioBuffer(from, n);
        } else {
          view = ByteBuffer.allocate(n); // a composite buffer: rare for a socket read, so copy it whole
          buf.getBytes(from, view);
          view.flip();
        }
        handler.onRead(view);
      }
    } catch (Throwable t) {
      fail(t);
    } finally {
      if (loop.poisonReads) {
        for (int i = 0; i < n; i++) {
          buf.setByte(from + i, NettyLoop.POISON); // a handler that kept the view now sees garbage
        }
      }
      buf.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      eofSeen = true;
      reportEofIfDue();
    }
    ReferenceCountUtil.release(evt);
  }

  private void reportEofIfDue() {
    if (!eofSeen || eofReported || closed || closing || !opened || !readWanted || (held != null && !held.isEmpty())) {
      return;
    }
    eofReported = true;
    try {
      handler.onReadEof();
    } catch (Throwable t) {
      fail(t);
      return;
    }
    if (!closed && outputShut) {
      terminate(null, false);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closed) {
      return;
    }
    if (failure == null) {
      failure = cause;
    }
    NettyLoop.LOG.log(System.Logger.Level.DEBUG, "I/O failure on " + this, cause);
    terminate(failure, false);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    terminate(failure, false);
  }

  // ---- Transport ----

  @Override
  public NettyThread thread() {
    return thread;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean write(ByteBuffer buffer) {
    checkLoop("write");
    Objects.requireNonNull(buffer, "buffer");
    if (closed || closing || outputShutRequested) {
      return false;
    }
    int n = buffer.remaining();
    if (n > 0) {
      queue.add(buffer);
      queuedTotal += n;
    }
    return true;
  }

  /**
   * Copies into a buffer of exactly the copy's size from the channel's allocator (pooled, direct), which
   * Netty releases once written. Exact, because queued bytes are counted by content, not capacity: a
   * peer that stops reading must not make small copies hold far more memory than the send cap allows.
   */
  @Override
  public boolean writeCopy(ByteBuffer src) {
    return writeCopy(src, null);
  }

  /** Both in one exact buffer: a frame header and its payload cost one allocation. */
  @Override
  public boolean writeCopy(ByteBuffer head, ByteBuffer body) {
    checkLoop("writeCopy");
    Objects.requireNonNull(head, "head");
    if (closed || closing || outputShutRequested) {
      return false;
    }
    int n = head.remaining() + (body == null ? 0 : body.remaining());
    if (n == 0) {
      return true;
    }
    ByteBuf copy = channel.alloc().directBuffer(n, n);
    copy.writeBytes(head.duplicate());
    if (body != null) {
      copy.writeBytes(body.duplicate());
    }
    queue.add(copy);
    queuedTotal += n;
    return true;
  }

  @Override
  public void flush() {
    checkLoop("flush");
    if (closed) {
      return;
    }
    push();
    if (!closed && pending() > 0) {
      drainWanted = true;
    }
  }

  @Override
  public long pendingWriteBytes() {
    checkLoop("pendingWriteBytes");
    return pending();
  }

  private long pending() {
    return queuedTotal - writtenTotal;
  }

  /** Hands the queue to Netty and flushes; the batch's promise says when it is all on the wire. */
  private void push() {
    if (queue.isEmpty()) {
      return;
    }
    long end = queuedTotal;
    Object b;
    while ((b = queue.poll()) != null) {
      ByteBuf buf = b instanceof ByteBuf ? (ByteBuf) b : Unpooled.wrappedBuffer((ByteBuffer) b);
      if (queue.isEmpty()) {
        ChannelPromise last = channel.newPromise();
        last.addListener((ChannelFuture f) -> batchDone(end, f));
        channel.write(buf, last);
      } else {
        channel.write(buf, channel.voidPromise());
      }
    }
    channel.flush();
  }

  private void batchDone(long end, ChannelFuture f) {
    if (closed) {
      return;
    }
    if (!f.isSuccess()) {
      if (failure == null) {
        failure = f.cause();
      }
      terminate(failure, false);
      return;
    }
    writtenTotal = Math.max(writtenTotal, end);
    if (pending() != 0) {
      return;
    }
    if (closing) {
      terminate(null, false);
      return;
    }
    if (outputShutRequested && !outputShut) {
      shutdownOutputNow();
      if (closed) {
        return;
      }
    }
    if (drainWanted) {
      drainWanted = false;
      thread.later(this::drained); // never from inside flush
    }
  }

  private void drained() {
    if (closed || closing || pending() != 0) {
      return; // a later flush left bytes again and will report their drain
    }
    try {
      handler.onWriteDrained();
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public void setReadInterest(boolean on) {
    checkLoop("setReadInterest");
    if (on == readWanted) {
      return;
    }
    readWanted = on;
    if (closed || closing || !opened) {
      return;
    }
    if (!on) {
      reading(false);
      return;
    }
    if ((held != null && !held.isEmpty()) || (eofSeen && !eofReported)) {
      if (!resumeScheduled) {
        resumeScheduled = true;
        thread.later(this::resume); // never call back from inside the handler's call
      }
    } else if (!eofSeen) {
      reading(true);
    }
  }

  /** Reading resumed: deliver what arrived while it was off, then read on. */
  private void resume() {
    resumeScheduled = false;
    while (readWanted && !closed && !closing && held != null && !held.isEmpty()) {
      deliver(held.poll());
    }
    reportEofIfDue();
    if (readWanted && !eofSeen && !closed && !closing && (held == null || held.isEmpty())) {
      reading(true);
    }
  }

  @Override
  public void shutdownOutput() {
    checkLoop("shutdownOutput");
    if (closed || closing || outputShutRequested) {
      return;
    }
    outputShutRequested = true;
    open = false;
    if (pending() == 0) {
      shutdownOutputNow();
    } else {
      push();
    }
  }

  private void shutdownOutputNow() {
    outputShut = true;
    ((DuplexChannel) channel).shutdownOutput().addListener(f -> {
      if (!f.isSuccess() && !closed) {
        if (failure == null) {
          failure = f.cause();
        }
        terminate(failure, false);
      }
    });
    if (eofReported && !closed) {
      terminate(null, false);
    }
  }

  @Override
  public void close() {
    if (!thread.inLoop()) {
      thread.later(this::close);
      return;
    }
    if (closed || closing) {
      return;
    }
    closing = true;
    open = false;
    reading(false); // a closing transport reads no more
    releaseHeld();
    if (pending() == 0) {
      terminate(null, false);
      return;
    }
    push();
    if (closed) {
      return; // written out at once
    }
    var limit = loop.options.closeFlushTimeout();
    closeTimer = channel.eventLoop().schedule(() -> terminate(new SocketTimeoutException(
        "close: " + pending() + " queued bytes to " + remoteAddress + " not written within "
            + limit.toMillis() + " ms"), true), limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void abort() {
    if (!thread.inLoop()) {
      thread.later(this::abort);
      return;
    }
    terminate(null, true);
  }

  /** Loop shutdown: one last flush without waiting, then close. */
  @Override
  public void release() {
    if (closed) {
      if (thread.isGone()) {
        notifyClosed(); // the event loop died with the notification still queued
      }
      return;
    }
    if (!closing && !queue.isEmpty() && !thread.isGone()) {
      push();
    }
    terminate(null, false);
  }

  private void checkLoop(String method) {
    if (!thread.inLoop()) {
      throw new IllegalStateException("Transport." + method + "() must be called on the transport's loop thread "
          + thread + ", not on " + Thread.currentThread().getName() + " (hand it over with thread().execute)");
    }
  }

  /** A handler callback threw: log, abort, and tell the handler why in {@code onClosed}. */
  private void fail(Throwable t) {
    NettyLoop.LOG.log(System.Logger.Level.WARNING, "transport handler failed on " + this + "; aborting the connection", t);
    terminate(t, true);
  }

  private void releaseHeld() {
    if (held != null) {
      ByteBuf b;
      while ((b = held.poll()) != null) {
        b.release();
      }
    }
  }

  /** Closes the channel and promises {@code onClosed} exactly once, after the channel is closed. */
  private void terminate(Throwable cause, boolean abortive) {
    if (closed) {
      return;
    }
    closed = true;
    open = false;
    drainWanted = false;
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    for (Object b; (b = queue.poll()) != null; ) {
      ReferenceCountUtil.release(b); // our copies go back to the pool; a ByteBuffer is left to the GC
    }
    writtenTotal = queuedTotal;
    releaseHeld();
    if (abortive && channel.isOpen()) {
      try {
        channel.config().setOption(ChannelOption.SO_LINGER, 0); // reset instead of FIN
      } catch (RuntimeException e) {
        // Closing anyway.
      }
    }
    closeCause = cause;
    if (thread.isGone()) {
      // The application's group has terminated: no event loop will ever run the notification.
      NettyLoop.closeDead(channel);
      notifyClosed();
      return;
    }
    channel.close();
    channel.closeFuture().addListener(f -> thread.later(this::notifyClosed));
  }

  /** Runs once: {@code onClosed} (for an opened transport), then the loop forgets the connection. */
  private void notifyClosed() {
    if (!notified.compareAndSet(false, true)) {
      return;
    }
    if (opened) {
      try {
        handler.onClosed(closeCause);
      } catch (Throwable t) {
        NettyLoop.LOG.log(System.Logger.Level.WARNING, "onClosed threw on " + this, t);
      }
    }
    loop.removeHandle(this);
  }

  @Override
  public String toString() {
    return "transport " + localAddress + " -> " + remoteAddress + " on " + loop.name;
  }
}
