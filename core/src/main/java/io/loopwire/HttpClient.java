package io.loopwire;

import io.loopwire.engine.ClientCounters;
import io.loopwire.engine.ClientExchange;
import io.loopwire.engine.ClientFailure;
import io.loopwire.engine.HttpClientPool;
import io.loopwire.engine.HttpClientSettings;
import io.loopwire.engine.tls.TlsTransport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Response;
import io.loopwire.protocol.tls.TlsLimits;
import io.loopwire.protocol.uri.Uri;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 client on a {@link Loopwire} context's loops: a pool of keep-alive connections per origin,
 * each with a queue of requests sent one at a time.
 *
 * <pre>{@code
 * HttpClient http = HttpClient.create(lw, HttpClientConfig.defaults());
 * http.send(HttpClientRequest.get("http://127.0.0.1:8080/hello.txt"))
 *     .thenAccept(r -> System.out.println(r.status() + " " + r.bodyText()));
 * }</pre>
 *
 * <p><b>Completion contract.</b> Every request given to {@link #send} or {@link #stream} completes its
 * future exactly once: with a response, or with an {@link HttpClientException} (whose {@code kind()} says
 * what failed), or as cancelled, whatever happens to its connection. When a connection dies, each request
 * it held is settled exactly once: one still queued (never sent) is dispatched to another connection; the
 * one in flight is sent again only if it is idempotent (or marked {@link HttpClientRequest#withRetryable})
 * and no byte of its response had arrived, at most once; any other is failed. The request and its body
 * are dropped once the request completes.
 *
 * <p><b>What throws.</b> Only application mistakes throw, synchronously, as {@link IllegalArgumentException}
 * (a malformed URI already fails in {@link HttpClientRequest#of}; a null request; an https request whose
 * {@link HttpClientConfig#tls()} cannot be built). Everything else, including what fails synchronously inside {@code send} (the client or
 * its context already closed, the loop gone, a full queue), completes the future.
 *
 * <p>Thread: every method may be called from any thread. Futures complete on a loop thread (or on the
 * caller's, for failures inside {@code send}), so dependent stages added without an executor run there:
 * use the {@code ...Async} variants for blocking work. Cancelling a future abandons its request (a
 * request in flight takes its connection down with it).
 */
public final class HttpClient implements AutoCloseable {

  /** A snapshot of the client's counters. {@code duplicateCompletions} must stay 0. */
  public record Stats(long started, long succeeded, long failed, long retried, long redispatched,
      long duplicateCompletions, long connectionsOpened, long connections, long pending) {}

  private final Loopwire context;
  private final HttpClientConfig config;
  private final ClientCounters counters = new ClientCounters();
  private final HttpClientPool pool;
  private volatile SSLContext sslContext;

  private HttpClient(Loopwire context, HttpClientConfig config) {
    this.context = context;
    this.config = config;
    HttpProxy p = config.proxy();
    HttpClientSettings s = new HttpClientSettings(config.connectTimeout().toNanos(),
        config.responseHeaderTimeout().toNanos(), config.totalTimeout().toNanos(), config.idleTimeout().toNanos(),
        config.maxConnectionsPerOrigin(), config.maxQueuedPerOrigin(), config.maxRedirects(),
        config.maxResponseBodyBytes(), config.limits(), p == null ? null : p.host(), p == null ? 0 : p.port(),
        p == null ? Http1Fields.empty() : p.headers(), this::tls);
    this.pool = new HttpClientPool(context.loop(), context.resolver(), s, counters, context::track);
  }

  /** A client with {@link HttpClientConfig#defaults()}. */
  public static HttpClient create(Loopwire context) {
    return create(context, HttpClientConfig.defaults());
  }

  /**
   * A client on {@code context}'s loops; it is closed with the context.
   *
   * @throws IllegalStateException if the context is closed
   */
  public static HttpClient create(Loopwire context, HttpClientConfig config) {
    Checks.notNull("context", context);
    Checks.notNull("config", config);
    HttpClient c = new HttpClient(context, config);
    if (!context.registerHttpClient(c)) {
      throw new IllegalStateException("this Loopwire context is closed; create a new one for an HTTP client");
    }
    return c;
  }

  public HttpClientConfig config() {
    return config;
  }

  /**
   * Sends {@code request} and gathers the response body (at most {@code maxResponseBodyBytes}).
   *
   * @throws IllegalArgumentException for a null request, or an https request whose TLS config cannot be
   *     built (an unusable trust store or client key); nothing is started then
   */
  public CompletableFuture<HttpClientResponse> send(HttpClientRequest request) {
    return start(request, null);
  }

  /**
   * Sends {@code request} and delivers the response body to {@code listener} piece by piece, with flow
   * control. The future completes after the last piece with the head and trailers (and an empty body).
   *
   * @throws IllegalArgumentException as for {@link #send}
   */
  public CompletableFuture<HttpClientResponse> stream(HttpClientRequest request, ResponseBodyListener listener) {
    Checks.notNull("listener", listener);
    return start(request, listener);
  }

  private CompletableFuture<HttpClientResponse> start(HttpClientRequest request, ResponseBodyListener listener) {
    Checks.notNull("request", request);
    if (request.uri().isSecure()) {
      sslContext(); // built here, off the loop, and a config that cannot be built is the caller's mistake
    }
    CompletableFuture<HttpClientResponse> future = new CompletableFuture<>();
    ClientExchange[] self = new ClientExchange[1];
    ClientExchange.Sink sink = listener == null ? null : new ClientExchange.Sink() {
      @Override
      public void onHead(Http1Response head) {
        listener.onHead(response(head, new byte[0], Http1Fields.empty(), self[0].uri()),
            new ResponseBodyListener.Flow() {
              @Override
              public void pause() {
                self[0].pause();
              }

              @Override
              public void resume() {
                self[0].resume();
              }
            });
      }

      @Override
      public void onData(ByteBuffer data) {
        listener.onData(data);
      }
    };
    ClientExchange ex = new ClientExchange(request.method(), request.uri(), request.headers(), request.body(),
        request.chunked(), request.retryable(), config.maxRedirects(), sink, new ClientExchange.Completion() {
          @Override
          public void onResponse(Http1Response head, byte[] body, Http1Fields trailers, Uri uri) {
            future.complete(response(head, body == null ? new byte[0] : body, trailers, uri));
          }

          @Override
          public void onFailure(ClientFailure failure, String message, Throwable cause) {
            future.completeExceptionally(new HttpClientException(HttpClientException.Kind.valueOf(failure.name()),
                message, cause));
          }
        }, counters);
    self[0] = ex;
    counters.started.incrementAndGet();
    future.whenComplete((r, e) -> {
      if (future.isCancelled()) {
        pool.abandon(ex, ClientFailure.CANCELLED, "cancelled by the caller", null);
      }
    });
    if (context.isClosing()) {
      ex.fail(ClientFailure.CANCELLED, "the Loopwire context is closed", null);
      return future;
    }
    pool.submit(ex); // never throws: a failure completes the exchange
    return future;
  }

  private SSLContext sslContext() {
    SSLContext c = sslContext;
    if (c == null) {
      c = context.clientContext(config.tls());
      sslContext = c;
    }
    return c;
  }

  /**
   * TLS for one https connection: the decorator over whatever opens first (TCP, or the proxy's tunnel).
   * Thread: the connection's loop thread (the context is built already, except after a redirect to https).
   */
  private TransportHandler tls(String host, int port, TransportHandler plain) {
    TlsClientConfig tc = config.tls();
    return TlsTransport.client(TlsContexts.clientEngine(sslContext(), tc, host, port), context.tlsTasks(),
        tc.handshakeTimeout(), TlsLimits.defaults(), host, plain);
  }

  private static HttpClientResponse response(Http1Response head, byte[] body, Http1Fields trailers, Uri uri) {
    return new HttpClientResponse(head.status(), head.reason(), head.version(), head.headers(), body, trailers, uri);
  }

  /** The counters now. */
  public Stats stats() {
    return new Stats(counters.started.get(), counters.succeeded.get(), counters.failed.get(), counters.retried.get(),
        counters.redispatched.get(), counters.duplicateCompletions.get(), counters.connectionsOpened.get(),
        counters.connections.get(), pool.pending());
  }

  /**
   * Fails every request not completed yet ({@code CANCELLED}) and closes every connection; later
   * requests fail at once. Idempotent. The future completes when that is done.
   */
  public CompletableFuture<Void> shutdown() {
    context.unregisterHttpClient(this);
    return pool.shutdown();
  }

  /** {@link #shutdown()} and wait for it (at most 10 s). */
  @Override
  public void close() {
    try {
      shutdown().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | CompletionException e) {
      // every request has been failed already; the connections close with the loop at worst
    }
  }
}
