package io.loopwire.loop;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TransportHandler} that counts every callback and records every broken rule: a callback off the
 * loop thread, two at once, anything after {@code onClosed} or {@code onConnectFailed}, a second
 * {@code onOpen}, {@code onRead} after {@code onReadEof}. Subclasses add behaviour through the {@code when*}
 * hooks. Shared by the tests of every loop in core (nio and driven).
 */
public class Recorder implements TransportHandler {

  public final List<String> problems = new CopyOnWriteArrayList<>();
  public final CompletableFuture<Transport> opened = new CompletableFuture<>();
  public final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  public final CompletableFuture<Throwable> connectFailed = new CompletableFuture<>();
  public final CompletableFuture<Void> eof = new CompletableFuture<>();
  public final AtomicInteger opens = new AtomicInteger();
  public final AtomicInteger reads = new AtomicInteger();
  public final AtomicInteger eofs = new AtomicInteger();
  public final AtomicInteger drains = new AtomicInteger();
  public final AtomicInteger closes = new AtomicInteger();
  public final AtomicInteger failures = new AtomicInteger();
  public volatile Transport transport;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final AtomicBoolean inCallback = new AtomicBoolean();

  @Override
  public final void onOpen(Transport t) {
    enter("onOpen", t);
    try {
      if (opens.incrementAndGet() != 1) {
        problems.add("onOpen called " + opens.get() + " times");
      }
      transport = t;
      opened.complete(t);
      whenOpen(t);
    } finally {
      exit();
    }
  }

  @Override
  public final void onRead(ByteBuffer data) {
    enter("onRead", transport);
    try {
      reads.incrementAndGet();
      if (eofs.get() > 0) {
        problems.add("onRead after onReadEof");
      }
      ByteBuffer view = data.duplicate();
      byte[] copy = new byte[view.remaining()];
      view.get(copy);
      synchronized (received) {
        received.write(copy, 0, copy.length);
      }
      whenRead(t(), data);
    } finally {
      exit();
    }
  }

  @Override
  public final void onReadEof() {
    enter("onReadEof", transport);
    try {
      if (eofs.incrementAndGet() != 1) {
        problems.add("onReadEof called " + eofs.get() + " times");
      }
      eof.complete(null);
      whenEof(t());
    } finally {
      exit();
    }
  }

  @Override
  public final void onWriteDrained() {
    enter("onWriteDrained", transport);
    try {
      drains.incrementAndGet();
      whenDrained(t());
    } finally {
      exit();
    }
  }

  @Override
  public final void onClosed(Throwable cause) {
    enter("onClosed", transport);
    try {
      if (opens.get() != 1) {
        problems.add("onClosed without onOpen");
      }
      closes.incrementAndGet();
      closed.complete(cause);
    } finally {
      exit();
    }
  }

  @Override
  public final void onConnectFailed(Throwable cause) {
    // Not checked for thread: a loop that has shut down reports on the caller's thread.
    if (opens.get() != 0) {
      problems.add("onConnectFailed after onOpen");
    }
    if (failures.incrementAndGet() != 1) {
      problems.add("onConnectFailed called " + failures.get() + " times");
    }
    connectFailed.complete(cause);
  }

  protected void whenOpen(Transport t) {}

  protected void whenRead(Transport t, ByteBuffer data) {}

  protected void whenEof(Transport t) {}

  protected void whenDrained(Transport t) {}

  public byte[] received() {
    synchronized (received) {
      return received.toByteArray();
    }
  }

  public int receivedCount() {
    synchronized (received) {
      return received.size();
    }
  }

  private Transport t() {
    return transport;
  }

  private void enter(String what, Transport t) {
    if (t == null) {
      problems.add(what + " before onOpen");
    } else if (!t.thread().inLoop()) {
      problems.add(what + " on " + Thread.currentThread().getName() + ", not the loop thread");
    }
    if (!inCallback.compareAndSet(false, true)) {
      problems.add(what + " while another callback was running");
    }
    if (closes.get() > 0) {
      problems.add(what + " after onClosed");
    }
    if (failures.get() > 0) {
      problems.add(what + " after onConnectFailed");
    }
  }

  private void exit() {
    inCallback.set(false);
  }
}
