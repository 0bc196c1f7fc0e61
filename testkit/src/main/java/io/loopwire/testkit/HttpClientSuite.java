package io.loopwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.ClientOptions;
import io.loopwire.ConnectException;
import io.loopwire.HttpClient;
import io.loopwire.HttpClientConfig;
import io.loopwire.HttpClientException;
import io.loopwire.HttpClientRequest;
import io.loopwire.HttpClientResponse;
import io.loopwire.HttpExchangeHandler;
import io.loopwire.HttpProxy;
import io.loopwire.HttpResponse;
import io.loopwire.Loopwire;
import io.loopwire.Mount;
import io.loopwire.ResponseBodyListener;
import io.loopwire.ResponseStream;
import io.loopwire.ResponseStreamListener;
import io.loopwire.Session;
import io.loopwire.VhostConfig;
import io.loopwire.protocol.http1.Http1Fields;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client: keep-alive pooling, per-connection queues, both body framings both ways, streaming
 * with flow control, redirects, timeouts, proxies, and the exactly-once completion contract under
 * injected faults (a scripted raw server that refuses, resets, truncates, stalls, or closes a pooled
 * connection just as a request is sent). Every request's completions are counted, and after each test
 * the client must report no duplicate completion and nothing pending.
 */
public abstract class HttpClientSuite extends LoopSuite {

  private final List<HttpClient> clients = new ArrayList<>();
  private final List<Counted> counted = new CopyOnWriteArrayList<>();

  /** A future whose completions are counted (a CompletableFuture completes once, its callbacks too). */
  protected static final class Counted {
    final CompletableFuture<HttpClientResponse> future;
    final AtomicInteger completions = new AtomicInteger();

    Counted(CompletableFuture<HttpClientResponse> future) {
      this.future = future;
      future.whenComplete((r, e) -> completions.incrementAndGet());
    }
  }

  /** A client on its own context; checked after the test. */
  protected final HttpClient client(HttpClientConfig config) {
    HttpClient c = HttpClient.create(startClient(), config);
    clients.add(c);
    return c;
  }

  protected final HttpClient client() {
    return client(HttpClientConfig.defaults());
  }

  /** Sends and counts. */
  protected final CompletableFuture<HttpClientResponse> send(HttpClient c, HttpClientRequest r) {
    Counted k = new Counted(c.send(r));
    counted.add(k);
    return k.future;
  }

  @AfterEach
  final void everyRequestCompletedExactlyOnce() {
    for (Counted k : counted) {
      awaitTrue("a request completed", k.future::isDone);
    }
    pause(Duration.ofMillis(50)); // room for a (wrong) second completion
    for (Counted k : counted) {
      assertThat(k.completions).as("completions of one request").hasValue(1);
    }
    for (HttpClient c : clients) {
      awaitTrue("nothing pending in the client: " + c.stats(), () -> c.stats().pending() == 0);
      assertThat(c.stats().duplicateCompletions()).as("duplicate completions").isZero();
      HttpClient.Stats s = c.stats();
      assertThat(s.started()).isEqualTo(s.succeeded() + s.failed());
    }
  }

  /** A server with handler mounts; returns its base URI {@code http://127.0.0.1:port}. */
  protected final String server(Mount... mounts) {
    VhostConfig v = VhostConfig.of("default", 0);
    for (Mount m : mounts) {
      v = v.withMount(m);
    }
    return "http://127.0.0.1:" + start(v).port();
  }

  protected static Mount text(String prefix, String body) {
    return Mount.handler(prefix, ex -> ex.respond(200, body));
  }

  protected static HttpClientException failure(CompletableFuture<?> f) {
    Throwable t = awaitFailure(f);
    assertThat(t).isInstanceOf(HttpClientException.class);
    return (HttpClientException) t;
  }

  private static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + (i >>> 10));
    }
    return b;
  }

  // ---- basics ----

  @Test
  void getsAResponseFromTheServer() {
    String base = server(text("/hello", "hi there"));
    HttpClient c = client();
    HttpClientResponse r = await(send(c, HttpClientRequest.get(base + "/hello?x=1")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("hi there");
    assertThat(r.header("Content-Length")).isEqualTo("8");
    assertThat(r.uri().path()).isEqualTo("/hello");
  }

  @Test
  void contentLengthAndChunkedBodiesGoBothWays() {
    byte[] big = pattern(300_000);
    String base = server(Mount.handler("/echo", ex -> ex.readBodyBytes().thenAccept(body -> {
      String framing = ex.contentLength() < 0 ? "chunked" : "length";
      if (ex.query() != null && ex.query().equals("stream")) {
        ResponseStream s = ex.respondStream(200, Http1Fields.of("X-Request-Framing", framing),
            new ResponseStreamListener() {});
        for (int i = 0; i < body.length; i += 10_000) {
          s.write(ByteBuffer.wrap(body, i, Math.min(10_000, body.length - i)));
        }
        s.end(Http1Fields.of("X-Trailer", "done"));
      } else {
        ex.respond(new HttpResponse(200, Http1Fields.of("X-Request-Framing", framing), body));
      }
    })));
    HttpClient c = client();
    HttpClientResponse fixed = await(send(c, HttpClientRequest.post(base + "/echo", "application/octet-stream", big)));
    assertThat(fixed.header("X-Request-Framing")).isEqualTo("length");
    assertThat(fixed.header("Content-Length")).isEqualTo(Integer.toString(big.length));
    assertThat(Arrays.equals(fixed.body(), big)).isTrue();
    List<ByteBuffer> chunks = List.of(ByteBuffer.wrap(big, 0, 100_000), ByteBuffer.allocate(0),
        ByteBuffer.wrap(big, 100_000, 200_000));
    HttpClientResponse chunked = await(send(c, HttpClientRequest.of("PUT", base + "/echo?stream")
        .withChunkedBody(chunks)));
    assertThat(chunked.header("X-Request-Framing")).isEqualTo("chunked");
    assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(chunked.trailers().get("X-Trailer")).isEqualTo("done");
    assertThat(Arrays.equals(chunked.body(), big)).isTrue();
    assertThat(chunks.get(0).position()).as("the caller's buffers are never moved").isZero();
  }

  @Test
  void keepAliveReusesOneConnection() {
    String base = server(text("/", "x"));
    HttpClient c = client();
    for (int i = 0; i < 10; i++) {
      assertThat(await(send(c, HttpClientRequest.get(base + "/" + i))).status()).isEqualTo(200);
    }
    assertThat(c.stats().connectionsOpened()).isEqualTo(1);
  }

  @Test
  void aHeadResponseHasNoBodyAndTheConnectionGoesOn() {
    String base = server(text("/t", "text"));
    HttpClient c = client();
    HttpClientResponse head = await(send(c, HttpClientRequest.head(base + "/t")));
    assertThat(head.header("Content-Length")).isEqualTo("4");
    assertThat(head.body()).isEmpty();
    assertThat(await(send(c, HttpClientRequest.get(base + "/t"))).bodyText()).isEqualTo("text");
    assertThat(c.stats().connectionsOpened()).isEqualTo(1);
  }

  @Test
  void connectionsPerOriginAreBoundedAndRequestsQueue() {
    Set<Integer> ports = ConcurrentHashMap.newKeySet();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    String base = server(Mount.handler("/", ex -> {
      ports.add(ex.remoteAddress().getPort());
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      inThread("late-answer", () -> {
        pause(Duration.ofMillis(30));
        concurrent.decrementAndGet();
        ex.respond(200, "ok");
        return null;
      });
    }));
    HttpClient c = client(HttpClientConfig.defaults().withMaxConnectionsPerOrigin(2));
    List<CompletableFuture<HttpClientResponse>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(send(c, HttpClientRequest.get(base + "/r" + i)));
    }
    for (CompletableFuture<HttpClientResponse> f : all) {
      assertThat(await(f).status()).isEqualTo(200);
    }
    assertThat(ports).hasSizeLessThanOrEqualTo(2);
    assertThat(maxConcurrent.get()).isLessThanOrEqualTo(2);
    assertThat(c.stats().connectionsOpened()).isLessThanOrEqualTo(2);
  }

  @Test
  void aFullQueueRejectsAtOnceAndTheRestSucceed() {
    String base = server(Mount.handler("/", ex -> inThread("late", () -> {
      pause(Duration.ofMillis(50));
      ex.respond(200, "ok");
      return null;
    })));
    HttpClient c = client(HttpClientConfig.defaults().withMaxConnectionsPerOrigin(1).withMaxQueuedPerOrigin(2));
    List<CompletableFuture<HttpClientResponse>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(send(c, HttpClientRequest.get(base + "/" + i)));
    }
    int rejected = 0;
    int ok = 0;
    for (CompletableFuture<HttpClientResponse> f : all) {
      try {
        await(f);
        ok++;
      } catch (AssertionError e) {
        assertThat(e.getCause()).isInstanceOf(HttpClientException.class);
        assertThat(((HttpClientException) e.getCause()).kind()).isEqualTo(HttpClientException.Kind.REJECTED);
        rejected++;
      }
    }
    // one in flight (or still connecting, then counted as waiting), two waiting: the rest is rejected
    assertThat(rejected).isBetween(3, 4);
    assertThat(ok + rejected).isEqualTo(6);
  }

  @Test
  void aStreamedResponseArrivesInPiecesWithFlowControl() {
    byte[] content = pattern(4 * 1024 * 1024);
    String base = server(Mount.handler("/big", ex -> ex.respond(new HttpResponse(200,
        Http1Fields.of("Content-Type", "application/octet-stream"), content))));
    HttpClient c = client();
    AtomicLong received = new AtomicLong();
    AtomicReference<ResponseBodyListener.Flow> flow = new AtomicReference<>();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    List<String> violations = new CopyOnWriteArrayList<>();
    CompletableFuture<HttpClientResponse> f = c.stream(HttpClientRequest.get(base + "/big"),
        new ResponseBodyListener() {
          @Override
          public void onHead(HttpClientResponse head, Flow fl) {
            flow.set(fl);
            if (head.status() != 200) {
              violations.add("status " + head.status());
            }
          }

          @Override
          public void onData(ByteBuffer data) {
            if (!isLoopThread(Thread.currentThread())) {
              violations.add("onData on " + Thread.currentThread().getName());
            }
            byte[] a = new byte[data.remaining()];
            data.get(a);
            synchronized (got) {
              got.writeBytes(a);
            }
            if (received.getAndAdd(a.length) == 0) {
              flow.get().pause();
            }
          }
        });
    counted.add(new Counted(f));
    awaitTrue("the first piece", () -> received.get() > 0);
    pause(Duration.ofMillis(100)); // a pause issued off the first piece takes effect on the loop
    long seen = received.get();
    pause(Duration.ofMillis(300));
    assertThat(received.get()).as("nothing while paused").isEqualTo(seen);
    assertThat(f).isNotDone();
    flow.get().resume();
    HttpClientResponse r = await(f);
    assertThat(r.body()).isEmpty();
    synchronized (got) {
      assertThat(Arrays.equals(got.toByteArray(), content)).isTrue();
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void aBodyOverTheLimitFailsTheRequest() {
    String base = server(Mount.handler("/", ex -> ex.respond(new HttpResponse(200, Http1Fields.empty(),
        new byte[5000]))), text("/small", "s"));
    HttpClient c = client(HttpClientConfig.defaults().withMaxResponseBodyBytes(1000));
    assertThat(failure(send(c, HttpClientRequest.get(base + "/large"))).kind())
        .isEqualTo(HttpClientException.Kind.BODY_TOO_LARGE);
    assertThat(await(send(c, HttpClientRequest.get(base + "/small"))).bodyText()).isEqualTo("s");
  }

  // ---- redirects ----

  @Test
  void redirectsAreReturnedUnlessFollowingIsOn() {
    List<String> seen = new CopyOnWriteArrayList<>();
    String other = server(Mount.handler("/", ex -> {
      seen.add("other " + ex.method() + " " + ex.target() + " auth=" + ex.headers().get("Authorization"));
      ex.respond(200, "landed");
    }));
    String base = server(Mount.redirect("/found", "/final", 302), Mount.redirect("/temp", "/final", 307),
        Mount.redirect("/away", other + "/x", 301), Mount.redirect("/loop", "/loop", 302),
        Mount.handler("/final", ex -> ex.readBodyBytes().thenAccept(b -> {
          seen.add(ex.method() + " " + ex.target() + " " + new String(b, StandardCharsets.UTF_8) + " auth="
              + ex.headers().get("Authorization"));
          ex.respond(200, "final");
        })));
    HttpClient off = client();
    HttpClientResponse r = await(send(off, HttpClientRequest.get(base + "/found/a")));
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("/final/a");

    HttpClient on = client(HttpClientConfig.defaults().withMaxRedirects(3));
    HttpClientResponse posted = await(send(on, HttpClientRequest.post(base + "/found", "text/plain",
        "body".getBytes(StandardCharsets.UTF_8))));
    assertThat(posted.bodyText()).isEqualTo("final");
    assertThat(posted.uri().path()).isEqualTo("/final");
    await(send(on, HttpClientRequest.post(base + "/temp", "text/plain", "kept".getBytes(StandardCharsets.UTF_8))
        .withHeader("Authorization", "Bearer t")));
    await(send(on, HttpClientRequest.get(base + "/away").withHeader("Authorization", "Bearer t")));
    assertThat(seen).containsExactly("GET /final  auth=null", "POST /final kept auth=Bearer t",
        "other GET /x auth=null");
    assertThat(failure(send(on, HttpClientRequest.get(base + "/loop"))).kind())
        .isEqualTo(HttpClientException.Kind.REDIRECT);
  }

  // ---- failures, each completing exactly once ----

  @Test
  void aRefusedConnectionFailsWithConnect() {
    HttpClient c = client();
    HttpClientException e = failure(send(c, HttpClientRequest.get("http://127.0.0.1:" + closedPort() + "/")));
    assertThat(e.kind()).isEqualTo(HttpClientException.Kind.CONNECT);
    assertThat(c.stats().connections()).isZero();
  }

  @Test
  void anUnknownHostFailsWithResolve() {
    HttpClient c = client();
    assertThat(failure(send(c, HttpClientRequest.get("http://no-such-host.invalid/"))).kind())
        .isEqualTo(HttpClientException.Kind.RESOLVE);
  }

  @Test
  void aResetBeforeTheStatusLineIsRetriedOnceForGetButNeverForPost() {
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      conn.abort();
    });
    HttpClient c = client();
    HttpClientException get = failure(send(c, HttpClientRequest.get("http://127.0.0.1:" + srv.port() + "/")));
    assertThat(get.kind()).isEqualTo(HttpClientException.Kind.CLOSED);
    awaitTrue("two attempts", () -> srv.accepted() == 2);
    assertThat(c.stats().retried()).isEqualTo(1);
    HttpClientException post = failure(send(c, HttpClientRequest.post("http://127.0.0.1:" + srv.port() + "/", "text/plain",
        new byte[] {1})));
    assertThat(post.kind()).isEqualTo(HttpClientException.Kind.CLOSED);
    assertThat(post.getMessage()).contains("not idempotent");
    pause(SHORT);
    assertThat(srv.accepted()).as("no retry for POST").isEqualTo(3);
  }

  @Test
  void aResetMidHeadersOrMidBodyFailsWithoutRetry() {
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      conn.write(i == 0 ? "HTTP/1.1 200 OK\r\nContent-Le" : "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
      pause(Duration.ofMillis(50));
      conn.abort();
    });
    HttpClient c = client();
    String uri = "http://127.0.0.1:" + srv.port() + "/";
    assertThat(failure(send(c, HttpClientRequest.get(uri))).kind()).isEqualTo(HttpClientException.Kind.CLOSED);
    assertThat(failure(send(c, HttpClientRequest.get(uri))).kind()).isEqualTo(HttpClientException.Kind.CLOSED);
    pause(SHORT);
    assertThat(srv.accepted()).as("a response byte arrived: no retry").isEqualTo(2);
    assertThat(c.stats().retried()).isZero();
  }

  @Test
  void aResponseThatNeverEndsHitsTheTotalTimeoutAndThePoolRecovers() {
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      if (i == 0) {
        conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
        conn.readSome(1); // until the client drops the connection
      } else {
        conn.write(ok("fine"));
        conn.readSome(1);
      }
    });
    HttpClient c = client(HttpClientConfig.defaults().withTotalTimeout(SHORT));
    String uri = "http://127.0.0.1:" + srv.port() + "/";
    assertThat(failure(send(c, HttpClientRequest.get(uri))).kind()).isEqualTo(HttpClientException.Kind.TOTAL_TIMEOUT);
    assertThat(await(send(c, HttpClientRequest.get(uri))).bodyText()).isEqualTo("fine");
  }

  @Test
  void aSilentServerHitsTheResponseHeaderTimeout() {
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      if (i > 0) {
        conn.write(ok("late but fine"));
      }
      conn.readSome(1);
    });
    HttpClient c = client(HttpClientConfig.defaults().withResponseHeaderTimeout(SHORT));
    String uri = "http://127.0.0.1:" + srv.port() + "/";
    assertThat(failure(send(c, HttpClientRequest.get(uri))).kind()).isEqualTo(HttpClientException.Kind.HEADER_TIMEOUT);
    assertThat(await(send(c, HttpClientRequest.get(uri))).bodyText()).isEqualTo("late but fine");
  }

  @Test
  void malformedStatusLinesAndHeadersFailWithProtocol() {
    List<String> answers = List.of("HTTP/1.1 2OO OK\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", "SSH-2.0-OpenSSH\r\n");
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      conn.write(i < answers.size() ? answers.get(i) : ok("good"));
      conn.readSome(1);
    });
    HttpClient c = client();
    String uri = "http://127.0.0.1:" + srv.port() + "/";
    for (int i = 0; i < answers.size(); i++) {
      assertThat(failure(send(c, HttpClientRequest.get(uri))).kind()).as(answers.get(i))
          .isEqualTo(HttpClientException.Kind.PROTOCOL);
    }
    assertThat(await(send(c, HttpClientRequest.get(uri))).bodyText()).isEqualTo("good");
  }

  @Test
  void interimResponsesAreSkippedAndACloseDelimitedBodyIsRead() {
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      conn.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
          + "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
      conn.close();
    });
    HttpClient c = client();
    HttpClientResponse r = await(send(c, HttpClientRequest.get("http://127.0.0.1:" + srv.port() + "/")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("until the end");
  }

  @Test
  void anIdlePooledConnectionClosedAsARequestIsSentRetriesAGetButFailsAPost() {
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      conn.write(ok("first on " + i));
      conn.readRequest(); // the next request arrives on the pooled connection...
      conn.close(); // ...as the server closes it, without a byte of answer
      while (true) {
        conn.readRequest();
      }
    });
    HttpClient c = client();
    String uri = "http://127.0.0.1:" + srv.port() + "/";
    assertThat(await(send(c, HttpClientRequest.get(uri))).bodyText()).isEqualTo("first on 0");
    assertThat(await(send(c, HttpClientRequest.get(uri))).bodyText()).as("retried on a new connection")
        .isEqualTo("first on 1");
    assertThat(c.stats().retried()).isEqualTo(1);
    HttpClientException post = failure(send(c, HttpClientRequest.post(uri, "text/plain", new byte[] {1})));
    assertThat(post.kind()).isEqualTo(HttpClientException.Kind.CLOSED);
    assertThat(post.getMessage()).contains("not idempotent");
    assertThat(await(send(c, HttpClientRequest.of("POST", uri).withRetryable(true).withBody(new byte[] {2})))
        .bodyText()).as("a POST marked retryable is retried").isEqualTo("first on 2");
  }

  @Test
  void requestsQueuedOnADyingConnectionEachCompleteOnce() {
    RawServer srv = rawServer((conn, i) -> {
      if (i == 0) {
        conn.readRequest();
        conn.write(ok("a"));
        conn.readRequest();
        conn.abort(); // with requests queued behind this one
        return;
      }
      while (true) {
        RawSocket.Request r = conn.readRequest();
        conn.write(ok(r.target().substring(1)));
      }
    });
    HttpClient c = client(HttpClientConfig.defaults().withMaxConnectionsPerOrigin(1));
    String base = "http://127.0.0.1:" + srv.port() + "/";
    List<CompletableFuture<HttpClientResponse>> gets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      gets.add(send(c, HttpClientRequest.get(base + "g" + i)));
    }
    assertThat(await(gets.get(0)).bodyText()).isEqualTo("a");
    for (int i = 1; i < 5; i++) {
      assertThat(await(gets.get(i)).bodyText()).isEqualTo("g" + i);
    }
    assertThat(c.stats().retried()).as("the one in flight").isEqualTo(1);
    assertThat(c.stats().redispatched()).as("the three queued behind it").isEqualTo(3);
  }

  @Test
  void aPostInFlightOnADyingConnectionFailsWhileTheQueuedOnesGoOn() {
    RawServer srv = rawServer((conn, i) -> {
      if (i == 0) {
        conn.readRequest();
        conn.abort();
        return;
      }
      while (true) {
        RawSocket.Request r = conn.readRequest();
        conn.write(ok(r.target().substring(1)));
      }
    });
    HttpClient c = client(HttpClientConfig.defaults().withMaxConnectionsPerOrigin(1));
    String base = "http://127.0.0.1:" + srv.port() + "/";
    CompletableFuture<HttpClientResponse> post = send(c, HttpClientRequest.post(base + "p", "text/plain", new byte[1]));
    CompletableFuture<HttpClientResponse> q1 = send(c, HttpClientRequest.post(base + "q1", "text/plain", new byte[1]));
    CompletableFuture<HttpClientResponse> q2 = send(c, HttpClientRequest.get(base + "q2"));
    assertThat(failure(post).kind()).isEqualTo(HttpClientException.Kind.CLOSED);
    assertThat(await(q1).bodyText()).as("queued, never sent: goes on even though POST").isEqualTo("q1");
    assertThat(await(q2).bodyText()).isEqualTo("q2");
  }

  @Test
  void cancellingARequestInFlightDropsItsConnectionAndThePoolRecovers() {
    RawServer srv = rawServer((conn, i) -> {
      RawSocket.Request r = conn.readRequest();
      if (r.target().equals("/never")) {
        conn.readSome(1);
        return;
      }
      conn.write(ok("after"));
      conn.readSome(1);
    });
    HttpClient c = client();
    String base = "http://127.0.0.1:" + srv.port();
    CompletableFuture<HttpClientResponse> never = send(c, HttpClientRequest.get(base + "/never"));
    awaitTrue("the request reached the server", () -> srv.accepted() == 1);
    pause(Duration.ofMillis(50));
    assertThat(never.cancel(true)).isTrue();
    assertThat(await(send(c, HttpClientRequest.get(base + "/next"))).bodyText()).isEqualTo("after");
    awaitTrue("the cancelled request's connection is gone", () -> c.stats().connections() <= 1);
  }

  @Test
  void failuresInsideSendCompleteTheFutureAndAppMistakesThrow() {
    HttpClient c = client();
    assertThatThrownBy(() -> HttpClientRequest.get("http://exa mple.com/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpClientRequest.get("ws://example.com/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpClientRequest.get("http://h/").withHeader("Content-Length", "3"))
        .isInstanceOf(IllegalArgumentException.class);
    await(c.shutdown());
    CompletableFuture<HttpClientResponse> afterClose = send(c, HttpClientRequest.get("http://127.0.0.1:1/"));
    assertThat(failure(afterClose).kind()).isEqualTo(HttpClientException.Kind.CANCELLED);
  }

  @Test
  void closingTheContextFailsPendingRequestsOnce() {
    RawServer srv = rawServer((conn, i) -> {
      conn.readRequest();
      conn.readSome(1);
    });
    Loopwire lw = startClient();
    HttpClient c = HttpClient.create(lw);
    clients.add(c);
    CompletableFuture<HttpClientResponse> pending = send(c, HttpClientRequest.get("http://127.0.0.1:" + srv.port() + "/"));
    awaitTrue("the request reached the server", () -> srv.accepted() == 1);
    await(lw.shutdown());
    HttpClientException e = failure(pending);
    assertThat(e.kind()).isIn(HttpClientException.Kind.CANCELLED, HttpClientException.Kind.CLOSED);
  }

  // ---- proxies ----

  @Test
  void plainRequestsGoThroughAProxyInAbsoluteForm() {
    String base = server(text("/via", "proxied"));
    TestProxy proxy = closeLater(TestProxy.start());
    HttpClient c = client(HttpClientConfig.defaults().withProxy(HttpProxy.of("127.0.0.1", proxy.port())
        .withHeaders(Http1Fields.of("Proxy-Authorization", "Basic dTpw"))));
    HttpClientResponse r = await(send(c, HttpClientRequest.get(base + "/via?q=1")));
    assertThat(r.bodyText()).isEqualTo("proxied");
    RawSocket.Head seen = proxy.heads().get(0);
    assertThat(seen.startLine()).isEqualTo("GET " + base + "/via?q=1 HTTP/1.1");
    assertThat(seen.header("Proxy-Authorization")).isEqualTo("Basic dTpw");
  }

  @Test
  void httpsTargetsGoThroughAConnectTunnelWithTlsInside() {
    // a plain server behind the tunnel: the TLS handshake, which starts only once the tunnel is open, fails
    String base = server(text("/secure", "plain"));
    int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    TestProxy proxy = closeLater(TestProxy.start());
    HttpClient c = client(HttpClientConfig.defaults().withProxy(HttpProxy.of("127.0.0.1", proxy.port())));
    HttpClientException e = failure(send(c, HttpClientRequest.get("https://127.0.0.1:" + port + "/secure")));
    assertThat(e.kind()).isEqualTo(HttpClientException.Kind.TLS);
    assertThat(proxy.heads()).hasSize(1);
    assertThat(proxy.heads().get(0).startLine()).isEqualTo("CONNECT 127.0.0.1:" + port + " HTTP/1.1");
    assertThat(await(send(c, HttpClientRequest.get(base + "/secure"))).bodyText())
        .as("the pool recovers for plain requests").isEqualTo("plain");
  }

  @Test
  void aProxyThatRefusesTheTunnelFailsWithProxy() {
    TestProxy proxy = closeLater(TestProxy.start().refuseConnect(407));
    HttpClient c = client(HttpClientConfig.defaults().withProxy(HttpProxy.of("127.0.0.1", proxy.port())));
    HttpClientException e = failure(send(c, HttpClientRequest.get("https://127.0.0.1:9/")));
    assertThat(e.kind()).isEqualTo(HttpClientException.Kind.PROXY);
    assertThat(e.getMessage()).contains("407");
  }

  @Test
  void aTunnelThatNeverOpensHitsTheConnectTimeout() {
    RawServer silentProxy = rawServer((conn, i) -> conn.readSome(1));
    HttpClient c = client(HttpClientConfig.defaults().withConnectTimeout(SHORT)
        .withProxy(HttpProxy.of("127.0.0.1", silentProxy.port())));
    assertThat(failure(send(c, HttpClientRequest.get("https://127.0.0.1:9/"))).kind())
        .isEqualTo(HttpClientException.Kind.CONNECT_TIMEOUT);
  }

  @Test
  void aWebSocketClientConnectsThroughAProxyTunnel() {
    Recorder server = recorder("server").echo();
    Loopwire srv = startServer(server);
    TestProxy proxy = closeLater(TestProxy.start());
    Recorder client = recorder("client");
    Session<Object> session = await(startClient().connect(uri(srv.port(), "/"),
        ClientOptions.defaults().withProxy(HttpProxy.of("127.0.0.1", proxy.port())), client));
    session.sendText("via the proxy");
    client.awaitText("via the proxy");
    assertThat(proxy.heads().get(0).startLine()).isEqualTo("CONNECT 127.0.0.1:" + srv.port() + " HTTP/1.1");
    session.close();
    client.awaitClose();

    TestProxy refusing = closeLater(TestProxy.start().refuseConnect(403));
    Recorder refused = recorder("refused");
    Throwable t = awaitFailure(startClient().connect(uri(srv.port(), "/"),
        ClientOptions.defaults().withProxy(HttpProxy.of("127.0.0.1", refusing.port())), refused));
    assertThat(t).isInstanceOf(ConnectException.class).hasMessageContaining("403");
    assertThat(refused.count(Recorder.Kind.CONNECT_FAILED)).isEqualTo(1);
    assertThat(refused.count(Recorder.Kind.OPEN)).isZero();
  }

  @Test
  void handlersOnTheServerSideSeeEachRequestOnce() {
    AtomicInteger calls = new AtomicInteger();
    HttpExchangeHandler h = ex -> {
      calls.incrementAndGet();
      ex.respond(200, "n");
    };
    String base = server(Mount.handler("/", h));
    HttpClient c = client();
    List<CompletableFuture<HttpClientResponse>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(send(c, HttpClientRequest.get(base + "/" + i)));
    }
    all.forEach(LoopSuite::await);
    assertThat(calls).hasValue(50);
  }
}
