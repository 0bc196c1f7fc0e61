package io.loopwire.engine.tls;

import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The handler above a {@link TlsTransport}: counts every callback and records every broken rule (a
 * callback off the loop thread, anything after {@code onClosed} or {@code onConnectFailed}, a second
 * {@code onOpen}, {@code onRead} after {@code onReadEof}). Behaviour comes from the {@code on*} hooks.
 */
final class AppRecorder implements TransportHandler {

  final List<String> problems = new CopyOnWriteArrayList<>();
  final CompletableFuture<Transport> opened = new CompletableFuture<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  final CompletableFuture<Throwable> connectFailed = new CompletableFuture<>();
  final CompletableFuture<Void> eof = new CompletableFuture<>();
  final AtomicInteger opens = new AtomicInteger();
  final AtomicInteger reads = new AtomicInteger();
  final AtomicInteger drains = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  final AtomicInteger failures = new AtomicInteger();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  volatile Transport transport;
  private volatile boolean ended;
  private volatile boolean eofSeen;

  Consumer<Transport> onOpenHook = t -> {};
  BiConsumer<Transport, ByteBuffer> onReadHook = (t, b) -> {};
  Consumer<Transport> onEofHook = Transport::close;
  Consumer<Transport> onDrainedHook = t -> {};

  private void check(String what) {
    if (ended) {
      problems.add(what + " after the end");
    }
    if (transport != null && !transport.thread().inLoop()) {
      problems.add(what + " off the loop thread: " + Thread.currentThread().getName());
    }
  }

  @Override
  public void onOpen(Transport t) {
    transport = t;
    check("onOpen");
    if (opens.incrementAndGet() != 1) {
      problems.add("onOpen " + opens.get() + " times");
    }
    onOpenHook.accept(t);
    opened.complete(t);
  }

  @Override
  public void onRead(ByteBuffer data) {
    check("onRead");
    if (eofSeen) {
      problems.add("onRead after onReadEof");
    }
    reads.incrementAndGet();
    ByteBuffer copy = data.duplicate();
    byte[] b = new byte[copy.remaining()];
    copy.get(b);
    synchronized (received) {
      received.write(b, 0, b.length);
    }
    onReadHook.accept(transport, data);
  }

  @Override
  public void onReadEof() {
    check("onReadEof");
    eofSeen = true;
    eof.complete(null);
    onEofHook.accept(transport);
  }

  @Override
  public void onWriteDrained() {
    check("onWriteDrained");
    drains.incrementAndGet();
    onDrainedHook.accept(transport);
  }

  @Override
  public void onClosed(Throwable cause) {
    check("onClosed");
    ended = true;
    closes.incrementAndGet();
    closed.complete(cause);
  }

  @Override
  public void onConnectFailed(Throwable cause) {
    if (ended) {
      problems.add("onConnectFailed after the end");
    }
    if (opens.get() > 0) {
      problems.add("onConnectFailed after onOpen");
    }
    ended = true;
    failures.incrementAndGet();
    connectFailed.complete(cause);
  }

  byte[] received() {
    synchronized (received) {
      return received.toByteArray();
    }
  }

  int receivedCount() {
    synchronized (received) {
      return received.size();
    }
  }
}
