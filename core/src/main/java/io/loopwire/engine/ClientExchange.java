package io.loopwire.engine;

import io.loopwire.loop.Timer;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import io.loopwire.protocol.http1.Http1Response;
import io.loopwire.protocol.http1.Http1Serializer;
import io.loopwire.protocol.uri.Uri;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request given to the client, from submission to its single completion: through any number of
 * connection attempts (a request queued on a connection that dies is dispatched again; one that was
 * sent is retried once, only if its method is idempotent and no byte of its response arrived) and
 * redirects. {@link #finish()} is the one place that enforces exactly-once: every completion path goes
 * through it, and a second attempt is counted (a bug if it ever happens) instead of completing twice.
 *
 * <p>Thread: created on any thread; after submission its state belongs to its origin's loop thread.
 * {@link #fail}, {@link #pause()} and {@link #resume()} may be called from any thread.
 */
public final class ClientExchange {

  private static final System.Logger LOG = System.getLogger(ClientExchange.class.getName());

  /** RFC 9110 9.2.2. */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

  /** At most this many attempts per request for retries after a dead connection. */
  static final int MAX_ATTEMPTS = 2;

  /** Receives a streamed response. Thread: the connection's loop thread. */
  public interface Sink {
    /** The final response head; at most once per request (never for a redirect that is followed). */
    void onHead(Http1Response head);

    /** A piece of the body: a read-only view borrowed until this returns. */
    void onData(ByteBuffer data);
  }

  /** How the request ends: exactly one call. Thread: a loop thread, or the submitting thread. */
  public interface Completion {
    /**
     * The response is complete. {@code body} holds it (owned by the receiver) unless the request was
     * streamed, then it is null.
     */
    void onResponse(Http1Response head, byte[] body, Http1Fields trailers, Uri uri);

    void onFailure(ClientFailure failure, String message, Throwable cause);
  }

  private final AtomicBoolean done = new AtomicBoolean();
  private final Sink sink;
  private final Completion completion;
  private final ClientCounters counters;

  // the request (changes on a redirect)
  private String method;
  private Uri uri;
  private Http1Fields headers;
  private List<ByteBuffer> body;
  private boolean chunked;
  private int redirectsLeft;
  private final boolean followsRedirects;
  private final boolean retryable;

  // origin thread
  HttpClientPool.Origin origin;
  HttpClientConnection connection;
  int attempts;
  boolean responseByteReceived;
  Timer totalTimer;
  boolean paused;
  private Http1Response head;
  private byte[] buf;
  private int size;
  private long maxBody;
  private Uri redirectTo;

  /**
   * @param body the body pieces (transferred; sent as duplicates, so a retry can send them again), or
   *     null for none
   * @param chunked send the body chunked rather than with Content-Length
   * @param retryable whether the request may be retried after a connection died before any response
   *     byte: null to decide by the method (idempotent ones are)
   * @param sink for a streamed response, else null (the body is gathered, at most
   *     {@code maxResponseBodyBytes})
   */
  public ClientExchange(String method, Uri uri, Http1Fields headers, List<ByteBuffer> body, boolean chunked,
      Boolean retryable, int maxRedirects, Sink sink, Completion completion, ClientCounters counters) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
    this.chunked = chunked;
    this.retryable = retryable != null ? retryable : IDEMPOTENT.contains(method);
    this.redirectsLeft = maxRedirects;
    this.followsRedirects = maxRedirects > 0;
    this.sink = sink;
    this.completion = completion;
    this.counters = counters;
  }

  public String method() {
    return method;
  }

  public Uri uri() {
    return uri;
  }

  public boolean isDone() {
    return done.get();
  }

  boolean retryable() {
    return retryable;
  }

  boolean isStreamed() {
    return sink != null;
  }

  // ---- completion: the one guarded place ----

  /**
   * Claims the completion. Returns false if the request had already completed; that is counted, since
   * a second completion attempt means a path forgot that the request was already over.
   */
  private boolean finish() {
    if (!done.compareAndSet(false, true)) {
      counters.duplicateCompletions.incrementAndGet();
      return false;
    }
    if (totalTimer != null) {
      totalTimer.cancel();
      totalTimer = null;
    }
    body = null; // nothing the caller gave is kept once the request is over
    buf = null;
    return true;
  }

  /**
   * Fails the request. Any thread. Callers check {@link #isDone()} first where a completion may
   * legitimately have won a race (a timer against a late response); any other call on a completed
   * request is counted as a duplicate.
   */
  public void fail(ClientFailure failure, String message, Throwable cause) {
    if (!finish()) {
      return;
    }
    counters.failed.incrementAndGet();
    try {
      completion.onFailure(failure, message, cause);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a request's failure callback threw", e);
    }
  }

  private void succeed(Http1Fields trailers) {
    Http1Response h = head;
    byte[] b = sink != null ? null : buf == null ? new byte[0] : size == buf.length ? buf : Arrays.copyOf(buf, size);
    if (!finish()) {
      return;
    }
    counters.succeeded.incrementAndGet();
    try {
      completion.onResponse(h, b, trailers, uri);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a request's completion callback threw", e);
    }
  }

  // ---- flow control of a streamed response ----

  /** Stops delivering body pieces until {@link #resume()}. Any thread. */
  public void pause() {
    HttpClientPool.Origin o = origin;
    if (o != null) {
      o.execute(() -> paused = true);
    }
  }

  public void resume() {
    HttpClientPool.Origin o = origin;
    if (o != null) {
      o.execute(() -> {
        if (paused) {
          paused = false;
          if (connection != null) {
            connection.process();
          }
        }
      });
    }
  }

  // ---- what a connection calls (origin thread) ----

  /** A new attempt starts on {@code c}: forget what an earlier attempt received. */
  void attemptOn(HttpClientConnection c) {
    connection = c;
    attempts++;
    responseByteReceived = false;
    head = null;
    buf = null;
    size = 0;
    redirectTo = null;
  }

  boolean keepAlive() {
    return !headers.containsToken("Connection", "close");
  }

  /** The request head and body, ready to write: origin-form, or absolute-form for a plain proxy. */
  List<ByteBuffer> encode(boolean absoluteForm, Http1Fields proxyHeaders) {
    Http1Fields.Builder h = headers.toBuilder();
    if (!headers.contains("Host")) {
      h.add("Host", uri.authority());
    }
    h.remove("Content-Length").remove("Transfer-Encoding");
    long length = 0;
    if (body != null) {
      for (ByteBuffer b : body) {
        length += b.remaining();
      }
    }
    if (chunked && body != null) {
      h.add("Transfer-Encoding", "chunked");
    } else if (body != null || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      h.add("Content-Length", Long.toString(length));
    }
    if (absoluteForm) {
      h.addAll(proxyHeaders);
    }
    String target = absoluteForm ? uri.scheme() + "://" + uri.authority() + uri.requestTarget() : uri.requestTarget();
    List<ByteBuffer> out = new ArrayList<>(body == null ? 1 : body.size() * 3 + 2);
    out.add(Http1Serializer.requestHead(Http1Request.of(method, target, h.build())));
    if (body != null) {
      for (ByteBuffer b : body) {
        if (chunked) {
          Http1Serializer.writeChunk(b.duplicate(), out::add);
        } else if (b.hasRemaining()) {
          out.add(b.duplicate());
        }
      }
      if (chunked) {
        out.add(Http1Serializer.lastChunk(Http1Fields.empty()));
      }
    }
    return out;
  }

  /** The final head arrived. */
  void onHead(Http1Response response, long maxResponseBodyBytes) {
    head = response;
    maxBody = maxResponseBodyBytes;
    int s = response.status();
    String location = response.headers().get("Location");
    if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location != null && followsRedirects) {
      try {
        redirectTo = uri.resolve(location);
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.DEBUG, "not following redirect to ''{0}'': {1}", location, e.getMessage());
        redirectTo = null;
      }
      if (redirectTo != null) {
        return; // its body is read and dropped
      }
    }
    if (sink != null) {
      sink.onHead(response);
    }
  }

  /** A body piece. Returns false if the gathered body would pass the limit. */
  boolean onData(ByteBuffer data) {
    if (redirectTo != null) {
      return true;
    }
    if (sink != null) {
      sink.onData(data.asReadOnlyBuffer());
      return true;
    }
    int n = data.remaining();
    if ((long) size + n > maxBody) {
      return false;
    }
    if (buf == null) {
      String cl = head.headers().get("Content-Length");
      long hint = 0;
      try {
        hint = cl == null ? 0 : Long.parseLong(cl.strip());
      } catch (NumberFormatException e) {
        hint = 0;
      }
      buf = new byte[(int) Math.max(n, Math.min(hint, maxBody))];
    } else if (buf.length - size < n) {
      buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) size + n, 2L * buf.length)));
    }
    data.get(buf, size, n);
    size += n;
    return true;
  }

  /**
   * The response ended. Returns the redirect target if the request must go on there (the caller
   * dispatches it again), else completes it and returns null.
   */
  Uri onEnd(Http1Fields trailers) {
    if (redirectTo == null) {
      succeed(trailers);
      return null;
    }
    Uri next = redirectTo;
    if (redirectsLeft == 0) {
      fail(ClientFailure.REDIRECT, "more redirects than allowed (last to " + next + ")", null);
      return null;
    }
    redirectsLeft--;
    int s = head.status();
    if (s == 303 && !method.equals("HEAD") || (s == 301 || s == 302) && method.equals("POST")) {
      method = "GET"; // as browsers do; 307 and 308 keep the method and body
      body = null;
      chunked = false;
    }
    Http1Fields.Builder h = headers.toBuilder().remove("Host");
    if (!sameOrigin(uri, next)) {
      h.remove("Authorization").remove("Cookie").remove("Proxy-Authorization");
    }
    headers = h.build();
    uri = next;
    attempts = 0;
    return next;
  }

  private static boolean sameOrigin(Uri a, Uri b) {
    return a.scheme().equals(b.scheme()) && a.host().toLowerCase(Locale.ROOT).equals(b.host().toLowerCase(Locale.ROOT))
        && a.port() == b.port();
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }
}
