package io.loopwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.ClientOptions;
import io.loopwire.HttpExchange;
import io.loopwire.HttpExchangeHandler;
import io.loopwire.HttpResponse;
import io.loopwire.HttpServerConfig;
import io.loopwire.Loopwire;
import io.loopwire.Mount;
import io.loopwire.RequestBodyListener;
import io.loopwire.ResponseStream;
import io.loopwire.ResponseStreamListener;
import io.loopwire.ServerSentEvents;
import io.loopwire.Session;
import io.loopwire.VhostConfig;
import io.loopwire.WsProtocol;
import io.loopwire.protocol.http1.Http1Fields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP server: mounts by longest prefix (directory, classpath, redirect, handler), safe static files
 * with conditional requests and ranges, handlers with streamed bodies and back-pressured responses
 * (chunked, Server-Sent Events), keep-alive, pipelining in order, HTTP/1.0, 100-continue, limits and
 * timeouts, and HTTP next to WebSocket on one port. Every handler callback must run on a loop thread.
 */
public abstract class HttpServerSuite extends LoopSuite {

  private static final String SECRET = "TOP-SECRET-OUTSIDE-THE-ROOT";

  @TempDir
  protected Path tmp;

  /** The served directory: index.html, hello.txt (10 bytes), sub/index.html, sub/page.html, .env. */
  protected Path www;

  private final List<String> threadViolations = new CopyOnWriteArrayList<>();

  @BeforeEach
  final void makeSite() throws IOException {
    www = Files.createDirectory(tmp.resolve("www"));
    Files.writeString(www.resolve("index.html"), "<!doctype html><title>root</title>");
    Files.writeString(www.resolve("hello.txt"), "0123456789");
    Files.writeString(www.resolve("data.json"), "{\"a\":1}");
    Files.writeString(www.resolve(".env"), SECRET);
    Path sub = Files.createDirectory(www.resolve("sub"));
    Files.writeString(sub.resolve("index.html"), "<p>sub index</p>");
    Files.writeString(sub.resolve("page.html"), "<p>page</p>");
    Files.writeString(tmp.resolve("secret.txt"), SECRET);
  }

  @AfterEach
  final void noThreadViolations() {
    assertThat(threadViolations).as("handler callbacks off the loop thread").isEmpty();
  }

  /** Records a violation unless the caller runs on a loop thread. */
  protected final void onLoop(String what) {
    if (!isLoopThread(Thread.currentThread())) {
      threadViolations.add(what + " ran on " + Thread.currentThread().getName());
    }
  }

  protected final Loopwire serve(HttpServerConfig config, Mount... mounts) {
    VhostConfig v = VhostConfig.of("default", 0).withHttpServer(config);
    for (Mount m : mounts) {
      v = v.withMount(m);
    }
    return start(v);
  }

  protected final Loopwire serve(Mount... mounts) {
    return serve(HttpServerConfig.defaults(), mounts);
  }

  /** A handler mount at {@code prefix} that checks its thread, then runs {@code h}. */
  protected final Mount handler(String prefix, HttpExchangeHandler h) {
    return Mount.handler(prefix, ex -> {
      onLoop("onRequest " + ex.target());
      h.onRequest(ex);
    });
  }

  /** An HTTP/1.1 request with a Host field and {@code headerLines}. */
  protected static String req(String method, String target, String... headerLines) {
    StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: test\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  protected static String get(String target, String... headerLines) {
    return req("GET", target, headerLines);
  }

  private RawSocket.Response fetch(Loopwire lw, String target, String... headerLines) {
    RawSocket raw = raw(lw.port());
    raw.write(get(target, headerLines));
    return raw.readResponse();
  }

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + (i >>> 8));
    }
    return b;
  }

  // ---- mounts ----

  @Test
  void theLongestMatchingPrefixWinsOnWholeSegments() {
    Loopwire lw = serve(Mount.directory("/", www),
        handler("/api", ex -> ex.respond(200, "api " + ex.pathInMount())),
        handler("/api/v2", ex -> ex.respond(200, "v2 " + ex.pathInMount())));
    assertThat(fetch(lw, "/api/v2/users?x=1").bodyText()).isEqualTo("v2 /users");
    assertThat(fetch(lw, "/api/v2").bodyText()).isEqualTo("v2 ");
    assertThat(fetch(lw, "/api/v1/users").bodyText()).isEqualTo("api /v1/users");
    assertThat(fetch(lw, "/api").bodyText()).isEqualTo("api ");
    assertThat(fetch(lw, "/apix").status()).as("not a segment of /api").isEqualTo(404);
    assertThat(fetch(lw, "/hello.txt").bodyText()).isEqualTo("0123456789");
  }

  @Test
  void aRedirectMountKeepsTheRestOfThePathAndTheQuery() {
    Loopwire lw = serve(Mount.redirect("/old", "/new", 308), Mount.redirect("/gone", "http://example.com/x", 301));
    RawSocket.Response r = fetch(lw, "/old/a/b?x=1");
    assertThat(r.status()).isEqualTo(308);
    assertThat(r.header("Location")).isEqualTo("/new/a/b?x=1");
    RawSocket.Response g = fetch(lw, "/gone");
    assertThat(g.status()).isEqualTo(301);
    assertThat(g.header("Location")).isEqualTo("http://example.com/x");
  }

  @Test
  void aDirectoryMountServesFilesWithTypeLengthAndValidators() {
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket.Response r = fetch(lw, "/hello.txt");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("0123456789");
    assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(r.header("Content-Length")).isEqualTo("10");
    assertThat(r.header("ETag")).startsWith("\"").endsWith("\"");
    assertThat(r.header("Last-Modified")).endsWith(" GMT");
    assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(r.header("Date")).endsWith(" GMT");
    assertThat(fetch(lw, "/data.json").header("Content-Type")).isEqualTo("application/json");
    assertThat(fetch(lw, "/").bodyText()).contains("<title>root</title>");
    assertThat(fetch(lw, "/no-such-file.txt").status()).isEqualTo(404);
  }

  @Test
  void aDirectoryWithoutItsSlashIsRedirectedAndItsIndexServed() {
    Loopwire lw = serve(Mount.directory("/site", www));
    RawSocket.Response toSlash = fetch(lw, "/site/sub?q=1");
    assertThat(toSlash.status()).isEqualTo(301);
    assertThat(toSlash.header("Location")).isEqualTo("/site/sub/?q=1");
    RawSocket.Response mountRoot = fetch(lw, "/site");
    assertThat(mountRoot.status()).isEqualTo(301);
    assertThat(mountRoot.header("Location")).isEqualTo("/site/");
    assertThat(fetch(lw, "/site/").bodyText()).contains("root");
    assertThat(fetch(lw, "/site/sub/").bodyText()).isEqualTo("<p>sub index</p>");
    assertThat(fetch(lw, "/site/hello.txt/").status()).as("a file is not a directory").isEqualTo(404);
  }

  @Test
  void withoutAnIndexFileADirectoryIs404NeverAListing() {
    Loopwire lw = serve(Mount.directory("/", www).withIndex(null));
    RawSocket.Response r = fetch(lw, "/sub/");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.bodyText()).doesNotContain("page.html");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
      "/sub/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/sub%2f..%2f..%2fsecret.txt", "/..%5csecret.txt",
      "/..\\secret.txt", "/%00secret.txt", "/hello.txt%00.html", "/.env", "/%2eenv", "/sub/./page.html",
      "/outside", "/outside-dir/secret.txt", "/%c0%ae%c0%ae/secret.txt"})
  void pathsThatCouldLeaveTheRootAreRefused(String target) throws IOException {
    Files.createSymbolicLink(www.resolve("outside"), tmp.resolve("secret.txt"));
    Files.createSymbolicLink(www.resolve("outside-dir"), tmp);
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket raw = raw(lw.port());
    raw.write(get(target));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).as(target).isIn(400, 404);
    assertThat(r.bodyText()).doesNotContain(SECRET);
  }

  @Test
  void aSymlinkThatStaysInsideTheRootIsServed() throws IOException {
    Files.createSymbolicLink(www.resolve("alias.txt"), www.resolve("hello.txt"));
    Loopwire lw = serve(Mount.directory("/", www));
    assertThat(fetch(lw, "/alias.txt").bodyText()).isEqualTo("0123456789");
  }

  @Test
  void aMissingDirectoryRootFailsTheStartWithAConfigError() {
    assertThatThrownBy(() -> serve(Mount.directory("/", tmp.resolve("nope"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
  }

  @Test
  void onlyGetAndHeadAreServedFromADirectory() {
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket raw = raw(lw.port());
    raw.write(req("DELETE", "/hello.txt"));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(Files.exists(www.resolve("hello.txt"))).isTrue();
  }

  @Test
  void aClasspathMountServesResourcesFromDirectoriesAndJars() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("classes/site/css"));
    Files.writeString(classes.getParent().resolve("index.html"), "<h1>from classes</h1>");
    Files.writeString(classes.resolve("a.css"), "body{}");
    Path jar = tmp.resolve("site.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("jarsite/"));
      out.putNextEntry(new JarEntry("jarsite/docs/"));
      out.putNextEntry(new JarEntry("jarsite/docs/index.html"));
      out.write("<h1>from a jar</h1>".getBytes(StandardCharsets.UTF_8));
      out.putNextEntry(new JarEntry("jarsite/app.js"));
      out.write("let x = 1;".getBytes(StandardCharsets.UTF_8));
    }
    URLClassLoader loader = closeLater(new URLClassLoader(new URL[] {tmp.resolve("classes").toUri().toURL(),
        jar.toUri().toURL()}, null));
    Loopwire lw = serve(Mount.classpath("/", loader, "site/"), Mount.classpath("/j", loader, "/jarsite"));
    assertThat(fetch(lw, "/").bodyText()).isEqualTo("<h1>from classes</h1>");
    RawSocket.Response css = fetch(lw, "/css/a.css");
    assertThat(css.bodyText()).isEqualTo("body{}");
    assertThat(css.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
    assertThat(css.header("ETag")).isNotNull();
    assertThat(fetch(lw, "/css").status()).as("a directory on the classpath").isIn(301, 404);
    assertThat(fetch(lw, "/j/app.js").header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(fetch(lw, "/j/docs/").bodyText()).isEqualTo("<h1>from a jar</h1>");
    RawSocket.Response dir = fetch(lw, "/j/docs");
    assertThat(dir.status()).isEqualTo(301);
    assertThat(dir.header("Location")).isEqualTo("/j/docs/");
    assertThat(fetch(lw, "/j/../site/index.html").status()).isIn(400, 404);
    assertThat(fetch(lw, "/j/%2e%2e/site/index.html").status()).isIn(400, 404);
    assertThat(fetch(lw, "/j/nothing.js").status()).isEqualTo(404);
  }

  // ---- validators, ranges, HEAD ----

  @Test
  void matchingValidatorsGet304WithoutABody() {
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket.Response first = fetch(lw, "/hello.txt");
    String etag = first.header("ETag");
    RawSocket raw = raw(lw.port());
    raw.write(get("/hello.txt", "If-None-Match: \"other\", " + etag));
    RawSocket.Response notModified = raw.readResponse();
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.header("ETag")).isEqualTo(etag);
    assertThat(notModified.header("Content-Length")).isNull();
    raw.write(get("/hello.txt", "If-Modified-Since: " + first.header("Last-Modified")));
    assertThat(raw.readResponse().status()).as("same connection, not modified since").isEqualTo(304);
    raw.write(get("/hello.txt", "If-None-Match: \"stale\""));
    RawSocket.Response changed = raw.readResponse();
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.bodyText()).isEqualTo("0123456789");
    raw.write(get("/hello.txt", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT"));
    assertThat(raw.readResponse().status()).isEqualTo(200);
    raw.write(get("/hello.txt", "If-Match: \"stale\""));
    assertThat(raw.readResponse().status()).isEqualTo(412);
  }

  @Test
  void rangesGet206OrTheWholeFileOr416() {
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket raw = raw(lw.port());
    raw.write(get("/hello.txt", "Range: bytes=2-5"));
    RawSocket.Response part = raw.readResponse();
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("Content-Range")).isEqualTo("bytes 2-5/10");
    assertThat(part.bodyText()).isEqualTo("2345");
    raw.write(get("/hello.txt", "Range: bytes=-3"));
    assertThat(raw.readResponse().bodyText()).isEqualTo("789");
    raw.write(get("/hello.txt", "Range: bytes=7-"));
    assertThat(raw.readResponse().bodyText()).isEqualTo("789");
    raw.write(get("/hello.txt", "Range: bytes=8-100"));
    RawSocket.Response clipped = raw.readResponse();
    assertThat(clipped.header("Content-Range")).isEqualTo("bytes 8-9/10");
    assertThat(clipped.bodyText()).isEqualTo("89");
    raw.write(get("/hello.txt", "Range: bytes=10-"));
    RawSocket.Response unsatisfiable = raw.readResponse();
    assertThat(unsatisfiable.status()).isEqualTo(416);
    assertThat(unsatisfiable.header("Content-Range")).isEqualTo("bytes */10");
    raw.write(get("/hello.txt", "Range: bytes=0-1,4-5"));
    assertThat(raw.readResponse().bodyText()).as("several ranges: the whole file").isEqualTo("0123456789");
    raw.write(get("/hello.txt", "Range: bytes=2-5", "If-Range: \"not-the-etag\""));
    assertThat(raw.readResponse().status()).as("If-Range mismatch: the whole file").isEqualTo(200);
    raw.write(get("/hello.txt", "Range: lines=1-2"));
    assertThat(raw.readResponse().status()).as("unknown unit: ignored").isEqualTo(200);
  }

  @Test
  void headGetsTheHeadersOfGetAndNoBody() {
    Loopwire lw = serve(Mount.directory("/", www), handler("/stream", ex -> {
      ResponseStream s = ex.respondStream(200, Http1Fields.empty(), new ResponseStreamListener() {});
      s.write("ignored for HEAD");
      s.end();
    }));
    RawSocket raw = raw(lw.port());
    raw.write(req("HEAD", "/hello.txt"));
    RawSocket.Response head = raw.readResponse("HEAD");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("10");
    raw.write(req("HEAD", "/stream"));
    assertThat(raw.readResponse("HEAD").status()).isEqualTo(200);
    // if any body byte had followed a HEAD answer, this response would be misread
    raw.write(get("/hello.txt"));
    RawSocket.Response next = raw.readResponse();
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.bodyText()).isEqualTo("0123456789");
  }

  @Test
  void aLargeFileArrivesWholeThroughASlowReader() throws IOException {
    byte[] content = pattern(6 * 1024 * 1024 + 123);
    Files.write(www.resolve("big.bin"), content);
    Loopwire lw = serve(HttpServerConfig.defaults().withSendWatermarks(8 * 1024, 32 * 1024),
        Mount.directory("/", www));
    RawSocket raw = closeLater(RawSocket.connect(lw.port(), 16 * 1024));
    raw.write(get("/big.bin"));
    pause(SHORT); // the server fills the socket and must wait for drains
    RawSocket.Response r = raw.readResponse();
    assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(content.length));
    assertThat(Arrays.equals(r.body(), content)).as("content intact").isTrue();
    raw.write(get("/big.bin", "Range: bytes=5000000-5000009"));
    assertThat(raw.readResponse().body()).isEqualTo(Arrays.copyOfRange(content, 5_000_000, 5_000_010));
  }

  // ---- connections ----

  @Test
  void keepAliveServesManyRequestsOnOneConnection() {
    AtomicInteger n = new AtomicInteger();
    Loopwire lw = serve(handler("/", ex -> ex.respond(200, "n=" + n.incrementAndGet())));
    RawSocket raw = raw(lw.port());
    for (int i = 1; i <= 5; i++) {
      raw.write(get("/x"));
      RawSocket.Response r = raw.readResponse();
      assertThat(r.bodyText()).isEqualTo("n=" + i + "");
      assertThat(r.header("Connection")).isNull();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOneAtATime() {
    List<String> log = new CopyOnWriteArrayList<>();
    Loopwire lw = serve(handler("/", ex -> {
      log.add("request " + ex.path());
      if (ex.path().equals("/slow")) {
        inThread("slow-answer", () -> {
          pause(Duration.ofMillis(100));
          log.add("answer /slow");
          ex.respond(200, "slow");
          return null;
        });
      } else {
        log.add("answer " + ex.path());
        ex.respond(200, ex.path().substring(1));
      }
    }));
    RawSocket raw = raw(lw.port());
    raw.write(get("/slow") + get("/fast1") + req("POST", "/fast2", "Content-Length: 3") + "abc" + get("/fast3"));
    assertThat(raw.readResponse().bodyText()).isEqualTo("slow");
    assertThat(raw.readResponse().bodyText()).isEqualTo("fast1");
    assertThat(raw.readResponse().bodyText()).isEqualTo("fast2");
    assertThat(raw.readResponse().bodyText()).isEqualTo("fast3");
    assertThat(log).containsExactly("request /slow", "answer /slow", "request /fast1", "answer /fast1",
        "request /fast2", "answer /fast2", "request /fast3", "answer /fast3");
  }

  @Test
  void connectionCloseIsHonoredAfterTheResponse() {
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket raw = raw(lw.port());
    raw.write(get("/hello.txt", "Connection: close"));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.bodyText()).isEqualTo("0123456789");
    assertThat(r.header("Connection")).isEqualTo("close");
    assertThat(raw.awaitEof()).as("orderly close, not a reset").isTrue();
  }

  @Test
  void http10ClosesUnlessKeepAliveIsAsked() {
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket plain = raw(lw.port());
    plain.write("GET /hello.txt HTTP/1.0\r\n\r\n");
    RawSocket.Response r = plain.readResponse();
    assertThat(r.bodyText()).isEqualTo("0123456789");
    assertThat(r.header("Connection")).isEqualTo("close");
    assertThat(plain.awaitEof()).isTrue();
    RawSocket keep = raw(lw.port());
    keep.write("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    RawSocket.Response k = keep.readResponse();
    assertThat(k.header("Connection")).isEqualTo("keep-alive");
    keep.write("GET /data.json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assertThat(keep.readResponse().bodyText()).isEqualTo("{\"a\":1}");
  }

  @Test
  void anHttp10StreamIsDelimitedByTheClose() {
    Loopwire lw = serve(handler("/", ex -> {
      ResponseStream s = ex.respondStream(200, Http1Fields.of("Content-Type", "text/plain"),
          new ResponseStreamListener() {});
      s.write("part1 ");
      s.write("part2");
      s.end();
    }));
    RawSocket raw = raw(lw.port());
    raw.write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    RawSocket.Response r = raw.readResponse();
    assertThat(r.header("Transfer-Encoding")).as("no chunked for HTTP/1.0").isNull();
    assertThat(r.header("Connection")).isEqualTo("close");
    assertThat(r.bodyText()).isEqualTo("part1 part2");
  }

  @Test
  void expectContinueGets100WhenTheHandlerReadsTheBody() {
    Loopwire lw = serve(handler("/upload", ex -> ex.readBodyBytes().thenAccept(b -> {
      onLoop("readBodyBytes completion");
      ex.respond(200, "got " + new String(b, StandardCharsets.UTF_8));
    })), handler("/refuse", ex -> ex.respond(403, "no")));
    RawSocket raw = raw(lw.port());
    raw.write(req("POST", "/upload", "Content-Length: 5", "Expect: 100-continue"));
    RawSocket.Head interim = raw.readHead();
    assertThat(interim.status()).isEqualTo(100);
    raw.write("hello");
    RawSocket.Response r = raw.readResponse();
    assertThat(r.bodyText()).isEqualTo("got hello");

    RawSocket refused = raw(lw.port());
    refused.write(req("POST", "/refuse", "Content-Length: 5", "Expect: 100-continue"));
    RawSocket.Response no = refused.readResponse();
    assertThat(no.status()).as("final status, no 100 first").isEqualTo(403);
    assertThat(no.header("Connection")).as("the unread body makes the connection unusable").isEqualTo("close");
    assertThat(refused.awaitEof()).isTrue();
  }

  @Test
  void anUnreadBodyIsDiscardedAndTheConnectionKeptAlive() {
    Loopwire lw = serve(handler("/", ex -> ex.respond(200, "ignored " + ex.contentLength())));
    RawSocket raw = raw(lw.port());
    raw.write(req("POST", "/a", "Content-Length: 10") + "0123456789");
    assertThat(raw.readResponse().bodyText()).isEqualTo("ignored 10");
    raw.write(req("POST", "/b", "Transfer-Encoding: chunked") + "3\r\nabc\r\n0\r\n\r\n");
    assertThat(raw.readResponse().bodyText()).isEqualTo("ignored -1");
    raw.write(get("/c"));
    assertThat(raw.readResponse().bodyText()).isEqualTo("ignored 0");
  }

  // ---- bad input, limits, timeouts ----

  @Test
  void aDeclaredBodyOverTheLimitGets413AndAClose() {
    Loopwire lw = serve(HttpServerConfig.defaults().withMaxBodyBytes(1000), handler("/", ex -> ex.respond(200, "x")));
    RawSocket raw = raw(lw.port());
    raw.write(req("POST", "/", "Content-Length: 1001"));
    assertThat(raw.readResponse().status()).isEqualTo(413);
    assertThat(raw.awaitEof()).isTrue();
  }

  @Test
  void aChunkedBodyGrowingOverTheLimitGets413AndTheReaderAnAbort() {
    AtomicReference<Throwable> aborted = new AtomicReference<>();
    AtomicInteger ends = new AtomicInteger();
    CompletableFuture<Void> abortedOnce = new CompletableFuture<>();
    Loopwire lw = serve(HttpServerConfig.defaults().withMaxBodyBytes(1000), handler("/", ex ->
        ex.readBody(new RequestBodyListener() {
          @Override
          public void onData(HttpExchange exchange, ByteBuffer data) {}

          @Override
          public void onEnd(HttpExchange exchange, Http1Fields trailers) {
            ends.incrementAndGet();
          }

          @Override
          public void onAbort(HttpExchange exchange, Throwable cause) {
            onLoop("onAbort");
            if (!aborted.compareAndSet(null, cause)) {
              abortedOnce.completeExceptionally(new AssertionError("onAbort twice"));
            }
            abortedOnce.complete(null);
          }
        })));
    RawSocket raw = raw(lw.port());
    raw.write(req("POST", "/", "Transfer-Encoding: chunked") + "258\r\n" + "x".repeat(600) + "\r\n");
    raw.write("258\r\n" + "y".repeat(600) + "\r\n");
    assertThat(raw.readResponse().status()).isEqualTo(413);
    await(abortedOnce);
    assertThat(ends).hasValue(0);
    assertThat(raw.awaitEof()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n=501",
      "GET / HTTP/2.0\r\nHost: t\r\n\r\n=505",
      "GET / HTTP/1.1\r\n\r\n=400",
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n=400",
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc=400",
      "GET / HTTP/1.1\r\nHost: t\r\n bad: fold\r\n\r\n=400",
      "GET / HTTP/1.1\nHost: t\n\n=400",
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n=501"})
  void framingErrorsGetTheirStatusAndAClosedConnection(String spec) {
    int eq = spec.lastIndexOf('=');
    Loopwire lw = serve(handler("/", ex -> ex.respond(200, "must not be reached")));
    RawSocket raw = raw(lw.port());
    raw.write(spec.substring(0, eq));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(Integer.parseInt(spec.substring(eq + 1)));
    assertThat(r.header("Connection")).isEqualTo("close");
    assertThat(raw.awaitEof()).isTrue();
  }

  @Test
  void overlongRequestLinesAndHeadersGet414And431() {
    Loopwire lw = serve(Mount.directory("/", www));
    RawSocket line = raw(lw.port());
    line.write(get("/" + "a".repeat(9000)));
    assertThat(line.readResponse().status()).isEqualTo(414);
    RawSocket head = raw(lw.port());
    head.write(get("/", "X-Big: " + "b".repeat(40 * 1024)));
    assertThat(head.readResponse().status()).isEqualTo(431);
    RawSocket many = raw(lw.port());
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      fields.add("X-F" + i + ": v");
    }
    many.write(get("/", fields.toArray(String[]::new)));
    assertThat(many.readResponse().status()).isEqualTo(431);
  }

  @Test
  void aTrickledHeadGets408WhenTheHeaderTimeoutRunsOut() {
    Loopwire lw = serve(HttpServerConfig.defaults().withHeaderTimeout(SHORT), Mount.directory("/", www));
    RawSocket raw = raw(lw.port());
    raw.write("GET /hello.txt HTTP/1.1\r\nHost: t\r\nX-Slow: ");
    pause(SHORT.dividedBy(2));
    raw.write("a");
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(408);
    assertThat(raw.awaitEof()).isTrue();
    RawSocket silent = raw(lw.port());
    assertThat(silent.awaitEof()).as("a connection that sends nothing is closed too").isTrue();
  }

  @Test
  void theDefaultHeaderTimeoutIs30Seconds() {
    assertThat(HttpServerConfig.defaults().headerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(HttpServerConfig.defaults().limits().maxBodyBytes()).isEqualTo(1024 * 1024);
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() {
    Loopwire lw = serve(HttpServerConfig.defaults().withIdleTimeout(SHORT), Mount.directory("/", www));
    RawSocket raw = raw(lw.port());
    raw.write(get("/hello.txt"));
    assertThat(raw.readResponse().status()).isEqualTo(200);
    long t0 = System.nanoTime();
    assertThat(raw.awaitEof()).isTrue();
    assertThat(System.nanoTime() - t0).as("closed by the idle timer, not at once")
        .isGreaterThanOrEqualTo(SHORT.toNanos() / 2);
  }

  // ---- handlers ----

  @Test
  void aHandlerThatThrowsGets500AndAClose() {
    Loopwire lw = serve(handler("/", ex -> {
      throw new IllegalStateException("boom (expected by the test)");
    }));
    RawSocket raw = raw(lw.port());
    raw.write(get("/"));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).doesNotContain("boom");
    assertThat(raw.awaitEof()).isTrue();
  }

  @Test
  void respondingTwiceThrows() {
    CompletableFuture<Throwable> second = new CompletableFuture<>();
    Loopwire lw = serve(handler("/", ex -> {
      ex.respond(200, "first");
      try {
        ex.respond(200, "second");
        second.complete(null);
      } catch (IllegalStateException e) {
        second.complete(e);
      }
    }));
    assertThat(fetch(lw, "/").bodyText()).isEqualTo("first");
    assertThat(await(second)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aHandlerReadsAChunkedBodyWithTrailers() {
    CompletableFuture<Http1Fields> trailers = new CompletableFuture<>();
    Loopwire lw = serve(handler("/", ex -> {
      ByteArrayHolder got = new ByteArrayHolder();
      ex.readBody(new RequestBodyListener() {
        @Override
        public void onData(HttpExchange exchange, ByteBuffer data) {
          onLoop("onData");
          assertThat(data.isReadOnly()).isTrue();
          got.add(data);
        }

        @Override
        public void onEnd(HttpExchange exchange, Http1Fields t) {
          trailers.complete(t);
          exchange.respond(200, "len=" + got.size + " " + got.text());
        }
      });
    }));
    RawSocket raw = raw(lw.port());
    raw.write(req("PUT", "/", "Transfer-Encoding: chunked") + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n");
    assertThat(raw.readResponse().bodyText()).isEqualTo("len=11 hello world");
    assertThat(await(trailers).get("X-Sum")).isEqualTo("11");
  }

  private static final class ByteArrayHolder {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    int size;

    void add(ByteBuffer b) {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      out.writeBytes(a);
      size += a.length;
    }

    String text() {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPausedBodyStopsTheConnectionReadingUntilResumed() throws Exception {
    int total = 48 * 1024 * 1024;
    AtomicLong received = new AtomicLong();
    AtomicReference<HttpExchange> exchange = new AtomicReference<>();
    CompletableFuture<Long> ended = new CompletableFuture<>();
    Loopwire lw = serve(HttpServerConfig.defaults().withMaxBodyBytes(total), handler("/", ex -> {
      exchange.set(ex);
      ex.readBody(new RequestBodyListener() {
        @Override
        public void onData(HttpExchange e, ByteBuffer data) {
          if (received.getAndAdd(data.remaining()) == 0) {
            e.pauseBody(); // after the first piece
          }
        }

        @Override
        public void onEnd(HttpExchange e, Http1Fields trailers) {
          ended.complete(received.get());
          e.respond(200, "ok " + received.get());
        }
      });
    }));
    RawSocket raw = raw(lw.port());
    CompletableFuture<Void> sent = inThread("body-writer", () -> {
      OutputStream out = raw.socket().getOutputStream();
      out.write(req("POST", "/", "Content-Length: " + total).getBytes(StandardCharsets.ISO_8859_1));
      byte[] piece = new byte[64 * 1024];
      for (int i = 0; i < total / piece.length; i++) {
        out.write(piece);
      }
      out.flush();
      return null;
    });
    awaitTrue("the first body piece", () -> received.get() > 0);
    long seen = received.get();
    pause(Duration.ofMillis(300));
    assertThat(received.get()).as("no onData while paused").isEqualTo(seen);
    assertThat(sent).as("the client is held back by TCP flow control").isNotDone();
    exchange.get().resumeBody();
    assertThat(await(ended)).isEqualTo(total);
    await(sent);
    assertThat(raw.readResponse().bodyText()).isEqualTo("ok " + total + "");
  }

  @Test
  void aClientThatLeavesMidBodyAbortsTheReaderOnce() {
    AtomicInteger aborts = new AtomicInteger();
    AtomicInteger ends = new AtomicInteger();
    Loopwire lw = serve(handler("/", ex -> ex.readBody(new RequestBodyListener() {
      @Override
      public void onData(HttpExchange e, ByteBuffer data) {}

      @Override
      public void onEnd(HttpExchange e, Http1Fields trailers) {
        ends.incrementAndGet();
      }

      @Override
      public void onAbort(HttpExchange e, Throwable cause) {
        aborts.incrementAndGet();
      }
    })));
    RawSocket raw = raw(lw.port());
    raw.write(req("POST", "/", "Content-Length: 1000") + "x".repeat(100));
    pause(SHORT);
    raw.abort();
    awaitTrue("onAbort", () -> aborts.get() == 1);
    pause(SHORT);
    assertThat(aborts).hasValue(1);
    assertThat(ends).hasValue(0);
  }

  @Test
  void aStreamedResponseFollowsBackPressureAndArrivesWhole() {
    int total = 8 * 1024 * 1024;
    byte[] content = pattern(total);
    AtomicBoolean sawUnwritable = new AtomicBoolean();
    AtomicInteger completes = new AtomicInteger();
    AtomicReference<Throwable> completeCause = new AtomicReference<>(new AssertionError("not completed"));
    Loopwire lw = serve(HttpServerConfig.defaults().withSendWatermarks(16 * 1024, 64 * 1024),
        handler("/", ex -> {
          int[] offset = {0};
          ResponseStream stream = ex.respondStream(200, Http1Fields.of("Content-Type", "application/octet-stream"),
              new ResponseStreamListener() {
                @Override
                public void onWritable(ResponseStream s) {
                  onLoop("onWritable");
                  pump(s);
                }

                @Override
                public void onComplete(ResponseStream s, Throwable cause) {
                  onLoop("onComplete");
                  completeCause.set(cause);
                  completes.incrementAndGet();
                }

                void pump(ResponseStream s) {
                  while (offset[0] < total) {
                    if (!s.isWritable()) {
                      sawUnwritable.set(true);
                      s.requestWritable();
                      return;
                    }
                    int n = Math.min(32 * 1024, total - offset[0]);
                    s.write(ByteBuffer.wrap(content, offset[0], n));
                    offset[0] += n;
                  }
                  s.end();
                }
              });
          stream.requestWritable();
        }));
    RawSocket raw = closeLater(RawSocket.connect(lw.port(), 16 * 1024));
    raw.write(get("/"));
    pause(SHORT);
    RawSocket.Response r = raw.readResponse();
    assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(Arrays.equals(r.body(), content)).as("content intact and in order").isTrue();
    awaitTrue("onComplete", () -> completes.get() == 1);
    assertThat(completeCause.get()).isNull();
    assertThat(sawUnwritable).as("the slow reader made the stream unwritable").isTrue();
    pause(SHORT);
    assertThat(completes).hasValue(1);
  }

  @Test
  void aChunkedResponseCarriesTrailers() {
    Loopwire lw = serve(handler("/", ex -> {
      ResponseStream s = ex.respondStream(200, Http1Fields.of("Trailer", "X-Count"), new ResponseStreamListener() {});
      s.write("a");
      s.write("bc");
      s.end(Http1Fields.of("X-Count", "3"));
    }));
    RawSocket raw = raw(lw.port());
    raw.write(get("/"));
    RawSocket.Head h = raw.readHead();
    assertThat(h.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(raw.readLine()).isEqualTo("1");
    assertThat(raw.readLine()).isEqualTo("a");
    assertThat(raw.readLine()).isEqualTo("2");
    assertThat(raw.readLine()).isEqualTo("bc");
    assertThat(raw.readLine()).isEqualTo("0");
    assertThat(raw.readLine()).isEqualTo("X-Count: 3");
    assertThat(raw.readLine()).isEmpty();
  }

  @Test
  void aStreamWithContentLengthMustWriteExactlyThat() {
    Loopwire lw = serve(handler("/", ex -> {
      ResponseStream s = ex.respondStream(200, Http1Fields.of("Content-Length", "6"), new ResponseStreamListener() {});
      s.write("abc");
      s.write("def");
      s.end();
    }));
    RawSocket.Response r = fetch(lw, "/");
    assertThat(r.header("Transfer-Encoding")).isNull();
    assertThat(r.bodyText()).isEqualTo("abcdef");
  }

  @Test
  void serverSentEventsStreamUntilTheClientLeavesThenCompleteOnce() {
    AtomicReference<ServerSentEvents> events = new AtomicReference<>();
    AtomicInteger completes = new AtomicInteger();
    AtomicReference<Throwable> cause = new AtomicReference<>();
    Loopwire lw = serve(handler("/events", ex -> {
      ServerSentEvents sse = ex.respondEvents(new ResponseStreamListener() {
        @Override
        public void onComplete(ResponseStream s, Throwable c) {
          onLoop("onComplete");
          cause.set(c);
          completes.incrementAndGet();
        }
      });
      sse.retry(Duration.ofSeconds(3));
      sse.send("tick", "1", "line one\nline two");
      events.set(sse);
    }));
    RawSocket raw = raw(lw.port());
    raw.write(get("/events", "Accept: text/event-stream"));
    RawSocket.Head h = raw.readHead();
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.header("Content-Type")).startsWith("text/event-stream");
    assertThat(h.header("Cache-Control")).isEqualTo("no-cache");
    StringBuilder text = new StringBuilder();
    while (!text.toString().contains("data: line two\n\n")) {
      int size = Integer.parseInt(raw.readLine(), 16);
      text.append(new String(raw.readBytes(size), StandardCharsets.UTF_8));
      assertThat(raw.readLine()).isEmpty();
    }
    assertThat(text.toString()).isEqualTo("retry: 3000\n\nevent: tick\nid: 1\ndata: line one\ndata: line two\n\n");
    raw.close();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (completes.get() == 0 && System.nanoTime() < deadline) {
      events.get().send("more"); // writes find the dead connection even if its FIN went unnoticed
      pause(Duration.ofMillis(20));
    }
    assertThat(completes).hasValue(1);
    assertThat(cause.get()).as("the client left: not a clean end").isNotNull();
    assertThat(events.get().send("after")).isFalse();
    pause(SHORT);
    assertThat(completes).hasValue(1);
  }

  // ---- HTTP and WebSocket together ----

  @Test
  void httpAndWebSocketShareAPortAndAVhost() {
    Recorder server = recorder("server").echo();
    Loopwire srv = start(VhostConfig.of("default", 0).withProtocol(WsProtocol.of("echo", server).withPath("/ws"))
        .withMount(Mount.directory("/", www)).withMount(handler("/api", ex -> ex.respond(200, "api"))));
    assertThat(fetch(srv, "/hello.txt").bodyText()).isEqualTo("0123456789");
    assertThat(fetch(srv, "/api").bodyText()).isEqualTo("api");
    RawSocket.Response plainOnWsPath = fetch(srv, "/ws");
    assertThat(plainOnWsPath.status()).isEqualTo(426);
    assertThat(plainOnWsPath.header("Connection")).containsIgnoringCase("upgrade");
    Loopwire client = startClient();
    Recorder c = recorder("client");
    Session<?> session = connect(client, srv, "/ws", ClientOptions.defaults(), c);
    session.sendText("over the same port");
    c.awaitText("over the same port");
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/ws");
    raw.sendText("raw");
    assertThat(raw.readFrame(RawSocket.TEXT).text()).isEqualTo("raw");
  }

  @Test
  void theLegacyHandlerAnswersWhatNoMountTakes() {
    Loopwire lw = start(VhostConfig.of("default", 0).withMount(handler("/api", ex -> ex.respond(200, "api")))
        .withHttp((request, remote) -> request.target().equals("/legacy") ? HttpResponse.text(200, "legacy") : null));
    assertThat(fetch(lw, "/api").bodyText()).isEqualTo("api");
    assertThat(fetch(lw, "/legacy").bodyText()).isEqualTo("legacy");
    assertThat(fetch(lw, "/other").status()).isEqualTo(404);
  }
}
