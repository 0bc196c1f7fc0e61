package io.loopwire.netty;

import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TransportHandler} that counts each callback and notes every broken rule of the SPI: a callback
 * off the loop thread, two at once, anything after {@code onClosed} or {@code onConnectFailed}, a second
 * {@code onOpen}, {@code onRead} after {@code onReadEof}. Behaviour is added by overriding the hooks.
 */
class Recorder implements TransportHandler {

  final List<String> problems = new CopyOnWriteArrayList<>();
  final CompletableFuture<Transport> opened = new CompletableFuture<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  final CompletableFuture<Throwable> connectFailed = new CompletableFuture<>();
  final CompletableFuture<Void> eof = new CompletableFuture<>();
  final AtomicInteger opens = new AtomicInteger();
  final AtomicInteger reads = new AtomicInteger();
  final AtomicInteger eofs = new AtomicInteger();
  final AtomicInteger drains = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  final AtomicInteger failures = new AtomicInteger();
  volatile Transport transport;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final AtomicBoolean busy = new AtomicBoolean();

  @Override
  public final void onOpen(Transport t) {
    transport = t;
    enter("onOpen");
    try {
      if (opens.incrementAndGet() != 1) {
        problems.add("onOpen called " + opens.get() + " times");
      }
      opened.complete(t);
      whenOpen(t);
    } finally {
      busy.set(false);
    }
  }

  @Override
  public final void onRead(ByteBuffer data) {
    enter("onRead");
    try {
      reads.incrementAndGet();
      if (eofs.get() > 0) {
        problems.add("onRead after onReadEof");
      }
      byte[] copy = new byte[data.remaining()];
      data.duplicate().get(copy);
      synchronized (received) {
        received.write(copy, 0, copy.length);
      }
      whenRead(transport, data);
    } finally {
      busy.set(false);
    }
  }

  @Override
  public final void onReadEof() {
    enter("onReadEof");
    try {
      if (eofs.incrementAndGet() != 1) {
        problems.add("onReadEof called " + eofs.get() + " times");
      }
      eof.complete(null);
      whenEof(transport);
    } finally {
      busy.set(false);
    }
  }

  @Override
  public final void onWriteDrained() {
    enter("onWriteDrained");
    try {
      drains.incrementAndGet();
      whenDrained(transport);
    } finally {
      busy.set(false);
    }
  }

  @Override
  public final void onClosed(Throwable cause) {
    enter("onClosed");
    try {
      if (opens.get() != 1) {
        problems.add("onClosed without onOpen");
      }
      closes.incrementAndGet();
      closed.complete(cause);
    } finally {
      busy.set(false);
    }
  }

  @Override
  public final void onConnectFailed(Throwable cause) {
    if (opens.get() != 0) {
      problems.add("onConnectFailed after onOpen");
    }
    if (failures.incrementAndGet() != 1) {
      problems.add("onConnectFailed called " + failures.get() + " times");
    }
    connectFailed.complete(cause);
  }

  void whenOpen(Transport t) {}

  void whenRead(Transport t, ByteBuffer data) {}

  void whenEof(Transport t) {}

  void whenDrained(Transport t) {}

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

  private void enter(String what) {
    Transport t = transport;
    if (t == null) {
      problems.add(what + " before onOpen");
    } else if (!t.thread().inLoop()) {
      problems.add(what + " on " + Thread.currentThread().getName() + ", not the loop thread");
    }
    if (!busy.compareAndSet(false, true)) {
      problems.add(what + " while another callback was running");
    }
    if (closes.get() > 0) {
      problems.add(what + " after onClosed");
    }
    if (failures.get() > 0) {
      problems.add(what + " after onConnectFailed");
    }
  }
}
