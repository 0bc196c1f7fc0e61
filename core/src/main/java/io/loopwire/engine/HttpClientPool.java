package io.loopwire.engine;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.uri.Uri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The HTTP client's connections, per origin (scheme, host, port). Each origin lives on one loop thread,
 * so its connections and their request queues need no locks; requests are handed to it with
 * {@link #submit}. A request goes to an idle connection, else to a new one while the origin has fewer
 * than {@code maxConnectionsPerOrigin}, else into the shortest per-connection queue (at most
 * {@code maxQueuedPerOrigin} waiting in all, beyond which it fails REJECTED).
 *
 * <p>Thread: {@link #submit}, {@link #abandon} and {@link #shutdown} may be called from any thread.
 */
public final class HttpClientPool {

  private final Loop loop;
  private final Executor resolver;
  private final HttpClientSettings settings;
  private final ClientCounters counters;
  private final UnaryOperator<TransportHandler> track;
  private final Map<String, Origin> origins = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param resolver runs blocking name lookups (never a loop thread)
   * @param track wraps the handler of every connection before it is connected, so that the owner can
   *     close it at shutdown (a borrowed loop does not close it for us); {@code UnaryOperator.identity()}
   *     for none
   */
  public HttpClientPool(Loop loop, Executor resolver, HttpClientSettings settings, ClientCounters counters,
      UnaryOperator<TransportHandler> track) {
    this.loop = loop;
    this.resolver = resolver;
    this.settings = settings;
    this.counters = counters;
    this.track = track;
  }

  HttpClientSettings settings() {
    return settings;
  }

  ClientCounters counters() {
    return counters;
  }

  Loop loop() {
    return loop;
  }

  Executor resolver() {
    return resolver;
  }

  TransportHandler track(TransportHandler handler) {
    return track.apply(handler);
  }

  boolean isClosed() {
    return closed;
  }

  /** Requests accepted and not completed yet. */
  public long pending() {
    return counters.started.get() - counters.succeeded.get() - counters.failed.get();
  }

  /** Connections open or connecting, over all origins. */
  public long connections() {
    return counters.connections.get();
  }

  /**
   * Hands {@code ex} to its origin's loop thread. Never throws: a failure (the client closed, the loop
   * gone, https without TLS) completes {@code ex}. Any thread.
   */
  public void submit(ClientExchange ex) {
    if (ex.isDone()) {
      return; // cancelled on its way here
    }
    if (closed) {
      ex.fail(ClientFailure.CANCELLED, "the HTTP client is closed", null);
      return;
    }
    Uri u = ex.uri();
    if (u.isSecure() && settings.tls() == null) {
      ex.fail(ClientFailure.TLS, "https is not available: this pool has no TLS wrapper", null);
      return;
    }
    String key = u.scheme() + "://" + u.host().toLowerCase(Locale.ROOT) + ":" + u.port();
    Origin o = origins.computeIfAbsent(key, k -> new Origin(k, u, loop.next()));
    if (!o.execute(() -> o.accept(ex)) && !ex.isDone()) {
      ex.fail(ClientFailure.CANCELLED, "the loop has shut down", null);
    }
  }

  /** Ends {@code ex} with {@code failure} (a cancellation, a timeout) wherever it is. Any thread. */
  public void abandon(ClientExchange ex, ClientFailure failure, String message, Throwable cause) {
    if (ex.isDone()) {
      return;
    }
    Origin o = ex.origin;
    if (o == null || !o.execute(() -> o.abandon(ex, failure, message, cause))) {
      ex.fail(failure, message, cause); // not handed to an origin yet, or its loop is gone
    }
  }

  /**
   * Fails every request not completed (CANCELLED) and closes every connection. Later submits fail.
   * The future completes when every origin has done so.
   */
  public CompletableFuture<Void> shutdown() {
    closed = true;
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Origin o : origins.values()) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      all.add(f);
      if (!o.execute(() -> {
        o.closeAll();
        f.complete(null);
      })) {
        f.complete(null); // the loop is gone, and its connections with it
      }
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture[0]));
  }

  /** One origin's connections, all on one loop thread. */
  final class Origin {
    final String key;
    final String host;
    final String hostForHeader;
    final int port;
    final boolean secure;
    final LoopThread thread;
    private final List<HttpClientConnection> conns = new ArrayList<>();

    Origin(String key, Uri u, LoopThread thread) {
      this.key = key;
      this.host = u.host();
      this.hostForHeader = u.hostForHeader();
      this.port = u.port();
      this.secure = u.isSecure();
      this.thread = thread;
    }

    HttpClientPool pool() {
      return HttpClientPool.this;
    }

    /** Runs {@code r} on this origin's thread; false if the loop has shut down. */
    boolean execute(Runnable r) {
      try {
        thread.execute(r);
        return true;
      } catch (RejectedExecutionException e) {
        return false;
      }
    }

    void accept(ClientExchange ex) {
      if (ex.isDone()) {
        return;
      }
      Origin current = origins.putIfAbsent(key, this);
      if (current != null && current != this) {
        // this origin emptied and left the map after the request was handed to it: follow the new one
        if (!current.execute(() -> current.accept(ex)) && !ex.isDone()) {
          ex.fail(ClientFailure.CANCELLED, "the loop has shut down", null);
        }
        return;
      }
      ex.origin = this;
      long total = settings.totalTimeoutNanos();
      if (total > 0 && ex.totalTimer == null) {
        // redirects keep the first timer: the budget covers the whole request
        ex.totalTimer = thread.schedule(Duration.ofNanos(total), () -> abandon(ex, ClientFailure.TOTAL_TIMEOUT,
            "no complete response within " + total / 1_000_000 + " ms", new TimeoutException("total timeout")));
      }
      dispatch(ex);
    }

    /** Puts {@code ex} on a connection (loop thread). */
    void dispatch(ClientExchange ex) {
      if (ex.isDone()) {
        return;
      }
      if (closed) {
        ex.fail(ClientFailure.CANCELLED, "the HTTP client is closed", null);
        return;
      }
      HttpClientConnection best = null;
      int queued = 0;
      for (HttpClientConnection c : conns) {
        if (c.isIdle()) {
          c.enqueue(ex);
          return;
        }
        queued += c.queued();
        if (best == null || c.load() < best.load()) {
          best = c;
        }
      }
      if (conns.size() < settings.maxConnectionsPerOrigin()) {
        HttpClientConnection c = new HttpClientConnection(this);
        conns.add(c);
        counters.connections.incrementAndGet();
        c.enqueue(ex);
        c.start();
        return;
      }
      if (queued >= settings.maxQueuedPerOrigin()) {
        ex.fail(ClientFailure.REJECTED, queued + " requests already wait for " + key + " (maxQueuedPerOrigin)", null);
        return;
      }
      best.enqueue(ex);
    }

    void abandon(ClientExchange ex, ClientFailure failure, String message, Throwable cause) {
      if (ex.isDone()) {
        return;
      }
      if (ex.origin != this) {
        pool().abandon(ex, failure, message, cause); // it moved on (a redirect)
        return;
      }
      HttpClientConnection c = ex.connection;
      if (c != null) {
        c.abandon(ex);
      }
      ex.fail(failure, message, cause);
    }

    /** {@code c} will take no more requests. */
    void closed(HttpClientConnection c) {
      if (conns.remove(c)) {
        counters.connections.decrementAndGet();
      }
      if (conns.isEmpty()) {
        // after the current task, which may dispatch again (a retry) and so open a new connection here;
        // a request handed to this origin after it left the map finds the new one (accept)
        execute(() -> {
          if (conns.isEmpty()) {
            origins.remove(key, this);
          }
        });
      }
    }

    void closeAll() {
      for (HttpClientConnection c : new ArrayList<>(conns)) {
        c.shutdown();
      }
    }
  }
}
