package io.loopwire.loop.driven;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection of a {@link DrivenLoop}. Every field but {@link #open} and the addresses belongs to the
 * driver thread. The write queue holds the caller's buffers (transferred) until the socket takes them; the
 * selector's {@code OP_WRITE} is asked for only while the socket is full. {@link #finish} is the single
 * place that closes the socket and promises {@code onClosed} exactly once.
 */
final class DrivenTransport implements Transport, Handle {

  /** Reads per readiness event, so one fast peer cannot hold the turn. */
  private static final int MAX_READS_PER_EVENT = 16;
  /** Gathering writes per flush before waiting for the selector. */
  private static final int MAX_WRITES_PER_FLUSH = 16;
  /** Bytes offered to one gathering write: about what a socket buffer takes, and a bounded heap copy. */
  private static final long MAX_BYTES_PER_WRITE = 1 << 20;

  private final DrivenLoop loop;
  private final SocketChannel channel;
  private final SelectionKey key;
  private final InetSocketAddress remoteAddress;
  private final InetSocketAddress localAddress;
  private volatile boolean open = true;

  private TransportHandler handler;
  private boolean announced;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private long queuedBytes;
  /** What the selector is asked to watch, and why. */
  private int watching;
  private boolean wantRead = true;
  private boolean socketFull;
  /** A flush left bytes queued: the handler hears {@code onWriteDrained} when they are gone. */
  private boolean drainPromised;
  private boolean inputEnded;
  private boolean outputShutAsked;
  private boolean outputShut;
  private boolean closing;
  private boolean finished;
  private Timer closeDeadline;

  private DrivenTransport(DrivenLoop loop, SocketChannel channel, SelectionKey existing) throws IOException {
    this.loop = loop;
    this.channel = channel;
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
    if (remote == null) {
      throw new IllegalArgumentException("a transport needs a connected SocketChannel; " + channel + " is not connected");
    }
    this.remoteAddress = remote;
    this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    if (existing != null) {
      existing.interestOps(0);
      existing.attach(this);
      this.key = existing;
    } else {
      this.key = channel.register(loop.selector, 0, this);
    }
  }

  /** Wraps a connected channel, registered but watching nothing until {@link #begin}. */
  static DrivenTransport create(DrivenLoop loop, SocketChannel channel, SelectionKey existing) throws IOException {
    return new DrivenTransport(loop, channel, existing);
  }

  static void accept(DrivenLoop loop, SocketChannel channel, AcceptHandler acceptHandler) {
    if (!loop.isRunning()) {
      DrivenLoop.closeQuietly(channel);
      return;
    }
    DrivenTransport t;
    try {
      t = create(loop, channel, null);
    } catch (IOException | RuntimeException e) {
      // Most likely the peer has already gone; nobody has heard of this connection.
      DrivenLoop.LOG.log(System.Logger.Level.DEBUG, "dropping an accepted connection that failed to set up", e);
      DrivenLoop.closeQuietly(channel);
      return;
    }
    TransportHandler h;
    try {
      h = acceptHandler.onAccept(t);
    } catch (Throwable e) {
      DrivenLoop.LOG.log(System.Logger.Level.WARNING,
          "accept handler failed for " + t.remoteAddress + "; closing the connection", e);
      t.finish(null, true);
      return;
    }
    if (h == null || t.finished) {
      t.finish(null, false);
      return;
    }
    t.begin(h);
  }

  static void adopt(DrivenLoop loop, SocketChannel channel, TransportHandler handler) {
    if (!loop.isRunning()) {
      DrivenLoop.closeQuietly(channel);
      reportConnectFailed(handler, new CancellationException("adopt abandoned: the loop is shutting down"));
      return;
    }
    DrivenTransport t;
    try {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      if (!channel.isConnected()) {
        throw new IllegalArgumentException("adopt needs a connected SocketChannel; " + channel + " is not connected");
      }
      t = create(loop, channel, null);
    } catch (IOException | RuntimeException e) {
      DrivenLoop.closeQuietly(channel);
      reportConnectFailed(handler, e);
      return;
    }
    t.begin(handler);
  }

  static void reportConnectFailed(TransportHandler handler, Throwable cause) {
    try {
      handler.onConnectFailed(cause);
    } catch (Throwable t) {
      DrivenLoop.LOG.log(System.Logger.Level.WARNING, "onConnectFailed threw", t);
    }
  }

  /** Starts watching for input and announces the transport. */
  void begin(TransportHandler h) {
    handler = h;
    announced = true;
    loop.handles.add(this);
    watch();
    try {
      h.onOpen(this);
    } catch (Throwable e) {
      handlerFailed(e);
    }
  }

  @Override
  public DrivenLoop loop() {
    return loop;
  }

  @Override
  public LoopThread thread() {
    return loop;
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

  // ---- output ----

  @Override
  public boolean write(ByteBuffer buffer) {
    onLoop("write");
    Objects.requireNonNull(buffer, "buffer");
    if (finished || closing || outputShutAsked) {
      return false;
    }
    if (buffer.hasRemaining()) {
      queuedBytes += buffer.remaining();
      queue.add(buffer);
    }
    return true;
  }

  @Override
  public void flush() {
    onLoop("flush");
    if (finished || socketFull || queue.isEmpty()) {
      return;
    }
    if (drain()) {
      queueEmptied();
    } else if (!finished) {
      drainPromised = true;
      waitForRoom();
    }
  }

  @Override
  public long pendingWriteBytes() {
    onLoop("pendingWriteBytes");
    return queuedBytes;
  }

  /**
   * Writes the queue with gathering writes until it is empty, the socket is full, or the round limit.
   *
   * @return whether the queue is empty now; false also when a write failed (the transport has finished)
   */
  private boolean drain() {
    ByteBuffer[] batch = loop.gather;
    for (int round = 0; round < MAX_WRITES_PER_FLUSH; round++) {
      int n = 0;
      long offered = 0;
      ByteBuffer trimmed = null;
      int trimmedLimit = 0;
      for (ByteBuffer b : queue) {
        if (n == batch.length || offered >= MAX_BYTES_PER_WRITE) {
          break;
        }
        long take = Math.min(b.remaining(), MAX_BYTES_PER_WRITE - offered);
        if (take < b.remaining()) {
          // The buffer is ours (transferred), so lowering its limit for one write is allowed.
          trimmed = b;
          trimmedLimit = b.limit();
          b.limit(b.position() + (int) take);
        }
        batch[n++] = b;
        offered += take;
      }
      long written;
      try {
        written = channel.write(batch, 0, n);
      } catch (IOException e) {
        finish(e, false);
        return false;
      } finally {
        if (trimmed != null) {
          trimmed.limit(trimmedLimit);
        }
        Arrays.fill(batch, 0, n, null);
      }
      queuedBytes -= written;
      while (!queue.isEmpty() && !queue.peekFirst().hasRemaining()) {
        queue.pollFirst();
      }
      if (queue.isEmpty()) {
        return true;
      }
      if (written < offered) {
        return false; // the socket's send buffer is full
      }
    }
    return false;
  }

  private void waitForRoom() {
    socketFull = true;
    watch();
  }

  private void queueEmptied() {
    if (closing) {
      finish(null, false);
    } else if (outputShutAsked && !outputShut) {
      shutdownOutputNow();
    }
  }

  @Override
  public void shutdownOutput() {
    onLoop("shutdownOutput");
    if (finished || closing || outputShutAsked) {
      return;
    }
    outputShutAsked = true;
    open = false;
    if (queue.isEmpty()) {
      shutdownOutputNow();
    }
  }

  private void shutdownOutputNow() {
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      finish(e, false);
      return;
    }
    outputShut = true;
    if (inputEnded) {
      finish(null, false);
    }
  }

  // ---- input ----

  @Override
  public void setReadInterest(boolean on) {
    onLoop("setReadInterest");
    wantRead = on;
    watch();
  }

  @Override
  public void ready(int readyOps) {
    if (finished) {
      return;
    }
    if ((readyOps & SelectionKey.OP_WRITE) != 0 && socketFull) {
      roomAgain();
    }
    if (!finished && (readyOps & SelectionKey.OP_READ) != 0) {
      readSome();
    }
  }

  private void roomAgain() {
    socketFull = false;
    if (!drain()) {
      if (!finished) {
        socketFull = true; // still full: keep watching OP_WRITE
      }
      return;
    }
    watch();
    queueEmptied();
    if (drainPromised && !finished && !closing) {
      drainPromised = false;
      try {
        handler.onWriteDrained();
      } catch (Throwable e) {
        handlerFailed(e);
      }
    }
  }

  private void readSome() {
    ByteBuffer buffer = loop.readBuffer;
    for (int i = 0; i < MAX_READS_PER_EVENT && wantRead && !inputEnded && !closing && !finished; i++) {
      buffer.clear();
      int n;
      try {
        n = channel.read(buffer);
      } catch (IOException e) {
        finish(e, false);
        return;
      }
      if (n < 0) {
        endOfInput();
        return;
      }
      if (n == 0) {
        return;
      }
      buffer.flip();
      try {
        handler.onRead(buffer);
      } catch (Throwable e) {
        handlerFailed(e);
        return;
      } finally {
        if (loop.poisonReads) {
          for (int j = 0; j < n; j++) {
            buffer.put(j, DrivenLoop.POISON); // a handler that kept the buffer reads garbage now
          }
        }
      }
      if (n < buffer.capacity()) {
        return; // the socket is most likely empty: skip the read that would say so
      }
    }
  }

  private void endOfInput() {
    inputEnded = true;
    watch();
    try {
      handler.onReadEof();
    } catch (Throwable e) {
      handlerFailed(e);
      return;
    }
    if (!finished && outputShut) {
      finish(null, false);
    }
  }

  /** Tells the selector what this transport waits for now. */
  private void watch() {
    if (finished) {
      return;
    }
    int ops = (wantRead && !inputEnded && !closing ? SelectionKey.OP_READ : 0)
        | (socketFull ? SelectionKey.OP_WRITE : 0);
    if (ops != watching) {
      watching = ops;
      try {
        key.interestOps(ops);
      } catch (CancelledKeyException e) {
        // Closing already.
      }
    }
  }

  // ---- closing ----

  @Override
  public void close() {
    if (!loop.inLoop()) {
      handOff(this::close);
      return;
    }
    if (finished || closing) {
      return;
    }
    closing = true;
    open = false;
    if (queue.isEmpty()) {
      finish(null, false);
      return;
    }
    watch(); // stop reading
    if (!socketFull) {
      if (drain()) {
        finish(null, false);
        return;
      }
      if (finished) {
        return;
      }
      waitForRoom();
    }
    var limit = loop.options.closeFlushTimeout();
    closeDeadline = loop.schedule(limit, () -> finish(new SocketTimeoutException("close: " + queuedBytes
        + " queued bytes to " + remoteAddress + " not written within " + limit.toMillis() + " ms"), true));
  }

  @Override
  public void abort() {
    if (!loop.inLoop()) {
      handOff(this::abort);
      return;
    }
    finish(null, true);
  }

  private void handOff(Runnable r) {
    try {
      loop.execute(r);
    } catch (RejectedExecutionException e) {
      // The loop has finished, closing every transport on its way out.
    }
  }

  @Override
  public void release() {
    if (!queue.isEmpty() && !socketFull && !finished) {
      drain(); // one last try, without waiting
    }
    finish(null, false);
  }

  /** A callback threw: log it, reset the connection, and say why in {@code onClosed}. */
  private void handlerFailed(Throwable e) {
    DrivenLoop.LOG.log(System.Logger.Level.WARNING, "transport handler failed on " + this + "; aborting the connection", e);
    finish(e, true);
  }

  /** Closes the socket and promises {@code onClosed} once, after the current callback. */
  private void finish(Throwable cause, boolean reset) {
    if (finished) {
      return;
    }
    finished = true;
    open = false;
    if (closeDeadline != null) {
      closeDeadline.cancel();
    }
    key.cancel();
    if (reset) {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0); // RST instead of FIN
      } catch (IOException | RuntimeException e) {
        // Closing anyway.
      }
    }
    DrivenLoop.closeQuietly(channel);
    queue.clear();
    queuedBytes = 0;
    loop.handles.remove(this);
    if (announced) {
      TransportHandler h = handler;
      loop.defer(() -> {
        try {
          h.onClosed(cause);
        } catch (Throwable e) {
          DrivenLoop.LOG.log(System.Logger.Level.WARNING, "onClosed threw on " + this, e);
        }
      });
    }
  }

  private void onLoop(String method) {
    if (!loop.inLoop()) {
      throw new IllegalStateException("Transport." + method + "() must be called on the thread that drives the loop ("
          + loop + "), not on " + Thread.currentThread().getName() + " (hand it over with thread().execute)");
    }
  }

  @Override
  public String toString() {
    return "transport " + localAddress + " -> " + remoteAddress;
  }
}
