package io.loopwire.loop.nio;

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
 * One connection on one {@link NioThread}. All state is confined to that thread except {@link #open},
 * which other threads may read. {@link #terminate} is the one place that closes the channel and promises
 * {@code onClosed} exactly once.
 */
final class NioTransport implements Transport, Ready {

  /** Reads per readiness event, so one fast peer cannot monopolise the thread. */
  private static final int MAX_READS_PER_EVENT = 16;
  /** Writes per flush before yielding to the selector. */
  private static final int MAX_WRITES_PER_FLUSH = 16;
  /** A direct buffer at least this large is written as it is, not copied into the stage. */
  private static final int DIRECT_WRITE_MIN_BYTES = 4096;

  private final NioThread thread;
  private final SocketChannel channel;
  private final InetSocketAddress remoteAddress;
  private final InetSocketAddress localAddress;
  private final SelectionKey key;
  private volatile boolean open = true;

  /** Loop thread only from here on. */
  private TransportHandler handler;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(2); // small: most connections are idle
  /** The thread's chunks this transport holds, oldest first; each is also in {@link #queue}. */
  private ArrayDeque<ByteBuffer> chunks;
  private long pendingBytes;
  private int interest;
  private boolean readWanted = true;
  private boolean inputEof;
  private boolean outputShutRequested;
  private boolean outputShut;
  private boolean closing;
  private boolean closed;
  private boolean opened;
  /** OP_WRITE is registered: the socket was full and the loop continues the flush when it drains. */
  private boolean writeBlocked;
  /** A flush left bytes queued: tell the handler when they are gone. */
  private boolean drainWanted;
  private Timer closeTimer;

  private NioTransport(NioThread thread, SocketChannel channel, SelectionKey existingKey) throws IOException {
    this.thread = thread;
    this.channel = channel;
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
    if (remoteAddress == null) {
      throw new IllegalArgumentException("a transport needs a connected SocketChannel; " + channel + " is not connected");
    }
    this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    if (existingKey != null) {
      existingKey.attach(this);
      existingKey.interestOps(0);
      this.key = existingKey;
    } else {
      this.key = channel.register(thread.selector, 0, this);
    }
  }

  /** A transport for a connected channel, registered with no interest yet; see {@link #begin}. */
  static NioTransport create(NioThread thread, SocketChannel channel, SelectionKey existingKey) throws IOException {
    return new NioTransport(thread, channel, existingKey);
  }

  /** An accepted channel arrives on its thread. */
  static void accept(NioThread thread, SocketChannel channel, AcceptHandler acceptHandler) {
    if (!thread.isRunning()) {
      NioLoop.closeQuietly(channel);
      return;
    }
    NioTransport transport;
    try {
      transport = create(thread, channel, null);
    } catch (IOException | RuntimeException e) {
      // The peer may already have gone; nobody has heard of this connection yet.
      NioThread.LOG.log(System.Logger.Level.DEBUG, "dropping an accepted connection that failed to set up", e);
      NioLoop.closeQuietly(channel);
      return;
    }
    TransportHandler handler;
    try {
      handler = acceptHandler.onAccept(transport);
    } catch (Throwable t) {
      NioThread.LOG.log(System.Logger.Level.WARNING,
          "accept handler failed for " + transport.remoteAddress + "; closing the connection", t);
      transport.terminate(null, true);
      return;
    }
    if (handler == null || transport.closed) {
      transport.terminate(null, false);
      return;
    }
    transport.begin(handler);
  }

  /** An adopted channel arrives on its thread. */
  static void adopt(NioThread thread, SocketChannel channel, TransportHandler handler) {
    if (!thread.isRunning()) {
      NioLoop.closeQuietly(channel);
      reportConnectFailed(handler, new CancellationException("adopt abandoned: the loop is shutting down"));
      return;
    }
    NioTransport transport;
    try {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      if (!channel.isConnected()) {
        throw new IllegalArgumentException("adopt needs a connected SocketChannel; " + channel + " is not connected");
      }
      transport = create(thread, channel, null);
    } catch (IOException | RuntimeException e) {
      NioLoop.closeQuietly(channel);
      reportConnectFailed(handler, e);
      return;
    }
    transport.begin(handler);
  }

  static void reportConnectFailed(TransportHandler handler, Throwable cause) {
    try {
      handler.onConnectFailed(cause);
    } catch (Throwable t) {
      NioThread.LOG.log(System.Logger.Level.WARNING, "onConnectFailed threw", t);
    }
  }

  /** The transport is set up: arm reading and say so. */
  void begin(TransportHandler handler) {
    this.handler = handler;
    this.opened = true;
    thread.handles.add(this);
    updateInterest();
    try {
      handler.onOpen(this);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public LoopThread thread() {
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
      pendingBytes += n;
    }
    return true;
  }

  /** Copies into direct chunks from the thread's pool, appending to the last one while it is the queue's tail. */
  @Override
  public boolean writeCopy(ByteBuffer src) {
    checkLoop("writeCopy");
    Objects.requireNonNull(src, "src");
    if (closed || closing || outputShutRequested) {
      return false;
    }
    int from = src.position();
    int n = src.remaining();
    ByteBuffer tail = chunks == null ? null : chunks.peekLast();
    if (tail != null && queue.peekLast() != tail) {
      tail = null; // something was queued after it: output order starts a new chunk
    }
    while (n > 0) {
      if (tail == null || tail.limit() == tail.capacity()) {
        tail = thread.takeChunk();
        if (tail == null) {
          return write(ByteBuffer.allocate(n).put(0, src, from, n)); // the pool's bound is reached: a plain copy
        }
        if (chunks == null) {
          chunks = new ArrayDeque<>(2);
        }
        chunks.add(tail);
        queue.add(tail);
      }
      int at = tail.limit();
      int k = Math.min(tail.capacity() - at, n);
      tail.limit(at + k);
      tail.put(at, src, from, k);
      from += k;
      n -= k;
      pendingBytes += k;
    }
    return true;
  }

  @Override
  public void flush() {
    checkLoop("flush");
    if (closed || writeBlocked || queue.isEmpty()) {
      return;
    }
    if (writeOut()) {
      afterQueueEmptied();
    } else if (!closed) {
      drainWanted = true;
      blockOnWrite();
    }
  }

  @Override
  public long pendingWriteBytes() {
    checkLoop("pendingWriteBytes");
    return pendingBytes;
  }

  @Override
  public void setReadInterest(boolean on) {
    checkLoop("setReadInterest");
    readWanted = on;
    updateInterest();
  }

  @Override
  public void shutdownOutput() {
    checkLoop("shutdownOutput");
    if (closed || closing || outputShutRequested) {
      return;
    }
    outputShutRequested = true;
    open = false;
    if (queue.isEmpty()) {
      shutdownOutputNow();
    }
  }

  @Override
  public void close() {
    if (!thread.inLoop()) {
      handOff(this::close);
      return;
    }
    if (closed || closing) {
      return;
    }
    closing = true;
    open = false;
    if (queue.isEmpty()) {
      terminate(null, false);
      return;
    }
    updateInterest(); // no more reading
    if (!writeBlocked) {
      if (writeOut()) {
        terminate(null, false);
        return;
      }
      if (closed) {
        return;
      }
      blockOnWrite();
    }
    var limit = thread.loop.options.closeFlushTimeout();
    closeTimer = thread.schedule(limit, () -> terminate(new SocketTimeoutException(
        "close: " + pendingBytes + " queued bytes to " + remoteAddress + " not written within "
            + limit.toMillis() + " ms"), true));
  }

  @Override
  public void abort() {
    if (!thread.inLoop()) {
      handOff(this::abort);
      return;
    }
    terminate(null, true);
  }

  private void handOff(Runnable r) {
    try {
      thread.execute(r);
    } catch (RejectedExecutionException e) {
      // The thread has exited, closing every transport on its way out.
    }
  }

  private void checkLoop(String method) {
    if (!thread.inLoop()) {
      throw new IllegalStateException("Transport." + method + "() must be called on the transport's loop thread "
          + thread + ", not on " + Thread.currentThread().getName() + " (hand it over with thread().execute)");
    }
  }

  @Override
  public void onReady(int readyOps) {
    if (closed) {
      return;
    }
    if ((readyOps & SelectionKey.OP_WRITE) != 0 && writeBlocked) {
      onWritable();
    }
    if (!closed && (readyOps & SelectionKey.OP_READ) != 0) {
      onReadable();
    }
  }

  private void onReadable() {
    ByteBuffer buffer = thread.readBuffer;
    for (int i = 0; i < MAX_READS_PER_EVENT && readWanted && !inputEof && !closing && !closed; i++) {
      buffer.clear();
      int n;
      try {
        n = channel.read(buffer);
      } catch (IOException e) {
        terminate(e, false);
        return;
      }
      if (n < 0) {
        onEof();
        return;
      }
      if (n == 0) {
        return;
      }
      buffer.flip();
      try {
        handler.onRead(buffer);
      } catch (Throwable t) {
        fail(t);
        return;
      } finally {
        if (thread.poisonReads) {
          for (int j = 0; j < n; j++) {
            buffer.put(j, NioThread.POISON); // a handler that kept the buffer now sees garbage
          }
        }
      }
      if (n < buffer.capacity()) {
        return; // the socket is most likely empty; don't pay for a read that says so
      }
    }
  }

  private void onEof() {
    inputEof = true;
    updateInterest();
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

  private void onWritable() {
    writeBlocked = false;
    if (!writeOut()) {
      if (!closed) {
        writeBlocked = true; // OP_WRITE stays registered
      }
      return;
    }
    updateInterest();
    afterQueueEmptied();
    if (drainWanted && !closed && !closing) {
      drainWanted = false;
      try {
        handler.onWriteDrained();
      } catch (Throwable t) {
        fail(t);
      }
    }
  }

  private void afterQueueEmptied() {
    if (closing) {
      terminate(null, false);
    } else if (outputShutRequested && !outputShut) {
      shutdownOutputNow();
    }
  }

  private void shutdownOutputNow() {
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      terminate(e, false);
      return;
    }
    outputShut = true;
    if (inputEof) {
      terminate(null, false);
    }
  }

  private void blockOnWrite() {
    writeBlocked = true;
    updateInterest();
  }

  /**
   * Writes the queue until it is empty, the socket is full, or the round limit. Each round copies the
   * head of the queue into the thread's direct staging buffer and writes that: the JDK would otherwise copy
   * every heap buffer of a gathering write into a temporary direct buffer of its own (allocating when its
   * small per-thread cache runs out) and set up an iovec per buffer. A direct buffer large enough to fill
   * the stage on its own is written as it is.
   *
   * @return whether the queue is now empty; on an I/O error the transport is terminated and this is false
   */
  private boolean writeOut() {
    ByteBuffer stage = thread.writeStage;
    for (int round = 0; round < MAX_WRITES_PER_FLUSH; round++) {
      long offered;
      long written;
      try {
        if (queue.peekFirst().isDirect()) {
          offered = 0;
          int k = 0;
          ByteBuffer[] gather = thread.gather;
          for (ByteBuffer b : queue) {
            if (!b.isDirect() || k == gather.length) {
              break;
            }
            gather[k++] = b;
            offered += b.remaining();
          }
          written = k == 1 ? channel.write(gather[0]) : channel.write(gather, 0, k);
          Arrays.fill(gather, 0, k, null); // the thread keeps no buffer alive
        } else {
          // Heap buffers: copied into the stage and written with one call, up to a large direct buffer
          // (a chunk, say), which the next round writes as it is.
          stage.clear();
          for (ByteBuffer b : queue) {
            if (b.isDirect() && b.remaining() >= DIRECT_WRITE_MIN_BYTES) {
              break;
            }
            int r = Math.min(b.remaining(), stage.remaining());
            stage.put(stage.position(), b, b.position(), r);
            stage.position(stage.position() + r);
            if (!stage.hasRemaining()) {
              break;
            }
          }
          stage.flip();
          offered = stage.remaining();
          written = channel.write(stage);
          consume(written);
        }
      } catch (IOException e) {
        terminate(e, false);
        return false;
      }
      pendingBytes -= written;
      ByteBuffer done;
      while ((done = queue.peekFirst()) != null && !done.hasRemaining()) {
        queue.pollFirst();
        if (chunks != null && done == chunks.peekFirst()) {
          chunks.pollFirst();
          thread.giveChunk(done);
        }
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

  private void giveChunksBack() {
    if (chunks != null) {
      for (ByteBuffer c; (c = chunks.poll()) != null; ) {
        thread.giveChunk(c);
      }
    }
  }

  /** Moves the queue's positions past {@code n} bytes written from the stage (we own the buffers). */
  private void consume(long n) {
    for (ByteBuffer b : queue) {
      if (n == 0) {
        return;
      }
      int step = (int) Math.min(n, b.remaining());
      b.position(b.position() + step);
      n -= step;
    }
  }

  private void updateInterest() {
    if (closed) {
      return;
    }
    int ops = 0;
    if (readWanted && !inputEof && !closing) {
      ops |= SelectionKey.OP_READ;
    }
    if (writeBlocked) {
      ops |= SelectionKey.OP_WRITE;
    }
    if (ops != interest) {
      interest = ops;
      try {
        key.interestOps(ops);
      } catch (CancelledKeyException e) {
        // Closing already.
      }
    }
  }

  /** A handler callback threw: log, abort, and tell the handler why in {@code onClosed}. */
  private void fail(Throwable t) {
    NioThread.LOG.log(System.Logger.Level.WARNING,
        "transport handler failed on " + this + "; aborting the connection", t);
    terminate(t, true);
  }

  @Override
  public void onShutdown() {
    if (!queue.isEmpty() && !writeBlocked && !closed) {
      writeOut(); // one last try, without waiting
    }
    terminate(null, false);
  }

  /** Closes the channel and promises {@code onClosed} exactly once, after the current callback. */
  private void terminate(Throwable cause, boolean abortive) {
    if (closed) {
      return;
    }
    closed = true;
    open = false;
    if (closeTimer != null) {
      closeTimer.cancel();
    }
    key.cancel();
    if (abortive) {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0); // reset instead of FIN
      } catch (IOException | RuntimeException e) {
        // Closing anyway.
      }
    }
    NioLoop.closeQuietly(channel);
    queue.clear();
    giveChunksBack();
    pendingBytes = 0;
    thread.handles.remove(this);
    if (opened) {
      TransportHandler h = handler;
      thread.defer(() -> {
        try {
          h.onClosed(cause);
        } catch (Throwable t) {
          NioThread.LOG.log(System.Logger.Level.WARNING, "onClosed threw on " + this, t);
        }
      });
    }
  }

  @Override
  public String toString() {
    return "transport " + localAddress + " -> " + remoteAddress;
  }
}
