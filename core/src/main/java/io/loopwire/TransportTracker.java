package io.loopwire;

import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every transport a context opened (accepted server connections, client connections, and connects still in
 * progress), so that its shutdown can close them and know when they are gone without stopping the loop,
 * which it may only borrow. Each tracked handler leaves the set at its terminal callback
 * ({@code onClosed} or {@code onConnectFailed}).
 */
final class TransportTracker {

  private final Set<Tracked> live = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> empty = new CompletableFuture<>();
  private volatile boolean closing;

  /** Wraps {@code handler} so that its transport is tracked until it closes. */
  TransportHandler track(TransportHandler handler) {
    Tracked t = new Tracked(handler);
    live.add(t);
    return t;
  }

  /**
   * Closes every tracked transport gracefully (a connection that opens later is closed as it opens) and
   * returns a future completed once every tracked handler has had its terminal callback. Any thread.
   */
  CompletableFuture<Void> closeAll() {
    closing = true;
    for (Tracked t : live) {
      Transport tr = t.transport;
      if (tr != null) {
        tr.close();
      }
    }
    checkEmpty();
    return empty;
  }

  /** Aborts every tracked transport: the backstop once the shutdown timeout has passed. Any thread. */
  void abortAll() {
    for (Tracked t : live) {
      Transport tr = t.transport;
      if (tr != null) {
        tr.abort();
      }
    }
  }

  int size() {
    return live.size();
  }

  private void gone(Tracked t) {
    live.remove(t);
    checkEmpty();
  }

  private void checkEmpty() {
    if (closing && live.isEmpty()) {
      empty.complete(null);
    }
  }

  private final class Tracked implements TransportHandler {

    private final TransportHandler delegate;
    private volatile Transport transport;

    Tracked(TransportHandler delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onOpen(Transport t) {
      transport = t;
      delegate.onOpen(t);
      if (closing) {
        t.close(); // opened after the context began closing: it missed closeAll
      }
    }

    @Override
    public void onRead(ByteBuffer data) {
      delegate.onRead(data);
    }

    @Override
    public void onReadEof() {
      delegate.onReadEof();
    }

    @Override
    public void onWriteDrained() {
      delegate.onWriteDrained();
    }

    @Override
    public void onClosed(Throwable cause) {
      try {
        delegate.onClosed(cause);
      } finally {
        gone(this);
      }
    }

    @Override
    public void onConnectFailed(Throwable cause) {
      try {
        delegate.onConnectFailed(cause);
      } finally {
        gone(this);
      }
    }
  }
}
