package io.loopwire.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.HttpServerConfig;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Mount;
import io.loopwire.ResponseStream;
import io.loopwire.ResponseStreamListener;
import io.loopwire.ServerSentEvents;
import io.loopwire.VhostConfig;
import io.loopwire.cli.TestDemoServer;
import io.loopwire.protocol.http1.Http1Fields;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain HTTP/1.1 against the demo server: the JDK's {@link HttpClient} in-process, and curl against
 * {@code loopwire serve} run as a child JVM (this build's classes, so it can never be a stale jar).
 */
final class HttpInteropTest {

  private static final Pattern SERVING = Pattern.compile("loopwire: serving on http://127\\.0\\.0\\.1:(\\d+)/ .*");
  private static final Pattern SERVING_TLS =
      Pattern.compile("loopwire: serving on https://127\\.0\\.0\\.1:(\\d+)/ \\(wss://.*");

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    cleanup.clear();
  }

  @Test
  void jdkHttpClientGetsTheDemoPageAnd426OnAWebSocketPath() throws Exception {
    Loopwire server = TestDemoServer.start();
    cleanup.add(server);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    String base = "http://127.0.0.1:" + server.port();

    HttpResponse<String> page = get(http, base + "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.body()).containsIgnoringCase("<!doctype html");

    HttpResponse<String> script = get(http, base + "/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));

    HttpResponse<String> ws = get(http, base + "/dumb-increment");
    assertThat(ws.statusCode()).as("a plain GET on a WebSocket path").isEqualTo(426);
    assertThat(ws.headers().firstValue("Upgrade")).hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("websocket"));

    assertThat(get(http, base + "/no-such-file").statusCode()).isEqualTo(404);
  }

  @Test
  void curlAgainstServeGetsTheDemoPageAnd426() throws Exception {
    Peers.require(Peers.Peer.CURL);
    String base = serve();

    String page = curl(base + "/");
    assertThat(page).startsWith("HTTP/1.1 200 ");
    assertThat(page).containsIgnoringCase("\r\nContent-Type: text/html");
    assertThat(page).containsIgnoringCase("<!doctype html");

    String ws = curl(base + "/mirror");
    assertThat(ws).startsWith("HTTP/1.1 426 ");
    assertThat(ws).containsIgnoringCase("\r\nUpgrade: websocket\r\n");
    assertThat(ws).containsIgnoringCase("\r\nSec-WebSocket-Version: 13\r\n");
  }

  @Test
  void curlAgainstServeRootGetsFilesRangesValidatorsAndTheDemoPageAside() throws Exception {
    Peers.require(Peers.Peer.CURL);
    Path dir = site();
    String base = serve("--root", dir.resolve("www").toString(), "--max-body-bytes", "100");

    String file = curl(base + "/small.txt");
    assertThat(file).startsWith("HTTP/1.1 200 ").contains("\r\nContent-Length: 13\r\n")
        .containsIgnoringCase("\r\nContent-Type: text/plain; charset=utf-8\r\n").endsWith("\r\n\r\nhello, world\n");
    Matcher etag = Pattern.compile("(?i)\r\nETag: (\"[^\"]+\")\r\n").matcher(file);
    assertThat(etag.find()).isTrue();

    String head = curl("-I", base + "/small.txt");
    assertThat(head).startsWith("HTTP/1.1 200 ").contains("Content-Length: 13").endsWith("\r\n\r\n");
    assertThat(curl("-r", "0-4", base + "/small.txt")).startsWith("HTTP/1.1 206 ")
        .contains("\r\nContent-Range: bytes 0-4/13\r\n").endsWith("\r\n\r\nhello");
    assertThat(curl("-H", "If-None-Match: " + etag.group(1), base + "/small.txt")).startsWith("HTTP/1.1 304 ");
    assertThat(curl("--path-as-is", base + "/../secret.txt")).matches("(?s)HTTP/1.1 40[04] .*")
        .doesNotContain("SECRET");
    assertThat(curl(base + "/%2e%2e/secret.txt")).matches("(?s)HTTP/1.1 40[04] .*").doesNotContain("SECRET");
    assertThat(curl(base + "/")).startsWith("HTTP/1.1 200 ").contains("site index");
    assertThat(curl(base + "/demo")).startsWith("HTTP/1.1 301 ").contains("\r\nLocation: /demo/\r\n");
    String demo = curl(base + "/demo/");
    assertThat(demo).startsWith("HTTP/1.1 200 ").containsIgnoringCase("<!doctype html");
    assertThat(curl(base + "/demo/app.js")).startsWith("HTTP/1.1 200 ").containsIgnoringCase("text/javascript");
    assertThat(curl("--data-binary", "x".repeat(500), base + "/small.txt")).as("--max-body-bytes 100")
        .startsWith("HTTP/1.1 413 ");
    String twice = curlVerbose(base + "/small.txt", base + "/small.txt");
    assertThat(twice).as("curl reuses the keep-alive connection").contains("Re-using existing connection");
  }

  @Test
  void wrkKeepAliveLoadAgainstServeRootHasNoErrors() throws Exception {
    Peers.require(Peers.Peer.WRK);
    Path dir = site();
    String base = serve("--root", dir.resolve("www").toString());
    Path out = Files.createTempFile("loopwire-wrk-", ".out");
    Process p = new ProcessBuilder("wrk", "-t1", "-c20", "-d3s", base + "/small.txt")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("wrk finished").isTrue();
      String text = Files.readString(out, StandardCharsets.UTF_8);
      System.out.println("wrk against loopwire serve --root (shared machine, indicative only):\n" + text);
      assertThat(p.exitValue()).as("wrk exit code, output:\n%s", text).isZero();
      Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
      assertThat(rps.find()).as("a Requests/sec line in:\n%s", text).isTrue();
      assertThat(Double.parseDouble(rps.group(1))).isPositive();
      assertThat(text).doesNotContain("Non-2xx").doesNotContain("Socket errors");
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  @Test
  void jdkHttpClientGetsStreamsEventsUploadsRangesAndValidatorsFromHandlers() throws Exception {
    Path dir = site();
    byte[] streamed = new byte[1 << 20];
    for (int i = 0; i < streamed.length; i++) {
      streamed[i] = (byte) (i * 13);
    }
    Loopwire server = Loopwire.start(LoopwireConfig.defaults().withThreads(2).withVhost(VhostConfig.of("jdk", 0)
        .withHttpServer(HttpServerConfig.defaults().withMaxBodyBytes(8 << 20))
        .withMount(Mount.directory("/", dir.resolve("www")))
        .withMount(Mount.handler("/upload", ex -> ex.readBodyBytes().thenAccept(b -> ex.respond(200,
            b.length + " bytes, sum " + sum(b)))))
        .withMount(Mount.handler("/stream", ex -> {
          ResponseStream s = ex.respondStream(200, Http1Fields.of("Content-Type", "application/octet-stream"),
              new ResponseStreamListener() {});
          for (int i = 0; i < streamed.length; i += 4096) {
            s.write(ByteBuffer.wrap(streamed, i, 4096));
          }
          s.end();
        }))
        .withMount(Mount.handler("/events", ex -> {
          ServerSentEvents sse = ex.respondEvents(new ResponseStreamListener() {});
          sse.send("tick", "1", "one");
          sse.send("two\nlines");
          sse.end();
        }))));
    cleanup.add(server);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    String base = "http://127.0.0.1:" + server.port();

    byte[] upload = new byte[3 << 20];
    Arrays.fill(upload, (byte) 1);
    HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(base + "/upload"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(up.body()).isEqualTo(upload.length + " bytes, sum " + upload.length);

    HttpResponse<byte[]> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/stream"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(stream.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    assertThat(stream.body()).isEqualTo(streamed);

    HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(
        URI.create(base + "/events")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("text/event-stream"));
    assertThat(events.body().toList()).containsExactly("event: tick", "id: 1", "data: one", "", "data: two",
        "data: lines", "");

    HttpResponse<String> range = http.send(HttpRequest.newBuilder(URI.create(base + "/small.txt"))
        .header("Range", "bytes=7-11").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo("world");
    String etag = range.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> cached = http.send(HttpRequest.newBuilder(URI.create(base + "/small.txt"))
        .header("If-None-Match", etag).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(cached.statusCode()).isEqualTo(304);
    HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base + "/small.txt"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(13);
  }

  private static long sum(byte[] b) {
    long s = 0;
    for (byte x : b) {
      s += x;
    }
    return s;
  }

  /** A temporary site: www/small.txt (13 bytes), www/index.html, and secret.txt next to www. */
  private Path site() throws Exception {
    Path dir = Files.createTempDirectory("loopwire-site-");
    cleanup.add(() -> deleteTree(dir));
    Path www = Files.createDirectory(dir.resolve("www"));
    Files.writeString(www.resolve("small.txt"), "hello, world\n");
    Files.writeString(www.resolve("index.html"), "<!doctype html><title>site index</title>");
    Files.writeString(dir.resolve("secret.txt"), "SECRET");
    return dir;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Starts {@code loopwire serve --port 0 args...} as a child JVM; returns its base URL. */
  private String serve(String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "io.loopwire.cli.Main", "serve", "--port", "0"));
    command.addAll(List.of(args));
    PeerProcess serve = PeerProcess.start("loopwire-serve", Peers.interopDir(), command)
        .withStdinGrace(Duration.ZERO); // SIGTERM runs serve's shutdown hook
    cleanup.add(serve);
    String line = serve.awaitLine(l -> SERVING.matcher(l).matches(), Duration.ofSeconds(30), "'serving on' line");
    Matcher m = SERVING.matcher(line);
    assertThat(m.matches()).isTrue();
    return "http://127.0.0.1:" + m.group(1);
  }

  @Test
  void jdkHttpClientGetsTheDemoPageOverHttpsTrustingTheTestCa(@TempDir Path dir) throws Exception {
    Path ca = TestDemoServer.certificates(dir);
    Loopwire server = TestDemoServer.startTls(TestDemoServer.tlsConfig(dir));
    cleanup.add(server);
    HttpClient http = HttpClient.newBuilder().sslContext(TlsTrustStore.trusting(ca))
        .connectTimeout(Duration.ofSeconds(10)).build(); // offers h2 and http/1.1 by ALPN
    for (String host : List.of("127.0.0.1", "localhost")) {
      HttpResponse<String> page = get(http, "https://" + host + ":" + server.port() + "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(page.body()).containsIgnoringCase("<!doctype html");
    }
  }

  @Test
  void curlAgainstServeTlsTrustsTheGeneratedCaAndRefusesWithoutIt(@TempDir Path dir) throws Exception {
    Peers.require(Peers.Peer.CURL);
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    PeerProcess serve = PeerProcess.start("loopwire-serve-tls", Peers.interopDir(),
        List.of(java, "-cp", System.getProperty("java.class.path"), "io.loopwire.cli.Main", "serve", "--port", "0",
            "--tls", "--tls-dir", dir.toString()))
        .withStdinGrace(Duration.ZERO);
    cleanup.add(serve);
    String made = serve.awaitLine(l -> l.startsWith("loopwire: to trust it: curl --cacert "), Duration.ofSeconds(30),
        "the line that says which CA to trust");
    Path ca = dir.resolve("ca.pem");
    assertThat(made).contains(ca.toAbsolutePath().toString());
    String line = serve.awaitLine(l -> SERVING_TLS.matcher(l).matches(), Duration.ofSeconds(30), "'serving on' line");
    Matcher m = SERVING_TLS.matcher(line);
    assertThat(m.matches()).isTrue();
    for (String host : List.of("127.0.0.1", "localhost")) {
      String page = curl("--cacert", ca.toString(), "https://" + host + ":" + m.group(1) + "/");
      assertThat(page).startsWith("HTTP/1.1 200 ");
      assertThat(page).containsIgnoringCase("<!doctype html");
    }
    // the system's trust store does not know our CA: curl refuses (exit 60, "peer certificate cannot be authenticated")
    assertThat(curlExit("https://127.0.0.1:" + m.group(1) + "/")).isEqualTo(60);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code curl -si args...} (status line, headers, body, bytes as sent) with a time limit. */
  private static String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-si", "--max-time", "10"));
    command.addAll(List.of(args));
    return run(command);
  }

  /** {@code curl -sv} over several URLs: the verbose log, where connection reuse shows. */
  private static String curlVerbose(String... urls) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sv", "--max-time", "10", "-o", "/dev/null"));
    for (String u : urls) {
      command.add(u);
      command.add("-o");
      command.add("/dev/null");
    }
    return run(command);
  }

  private static String run(List<String> command) throws Exception {
    Path out = Files.createTempFile("loopwire-curl-", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
      String text = Files.readString(out, StandardCharsets.ISO_8859_1);
      assertThat(p.exitValue()).as("%s exit code, output:\n%s", command, text).isZero();
      return text;
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  /** curl's exit code for {@code url} with no extra trust. */
  private static int curlExit(String url) throws Exception {
    Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "--max-time", "10", url)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("curl %s finished", url).isTrue();
      return p.exitValue();
    } finally {
      p.destroyForcibly();
    }
  }
}
