package io.loopwire.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.Loopwire;
import io.loopwire.cli.TestDemoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    PeerProcess serve = PeerProcess.start("loopwire-serve", Peers.interopDir(),
        List.of(java, "-cp", System.getProperty("java.class.path"), "io.loopwire.cli.Main", "serve", "--port", "0"))
        .withStdinGrace(Duration.ZERO); // SIGTERM runs serve's shutdown hook
    cleanup.add(serve);
    String line = serve.awaitLine(l -> SERVING.matcher(l).matches(), Duration.ofSeconds(30), "'serving on' line");
    Matcher m = SERVING.matcher(line);
    assertThat(m.matches()).isTrue();
    String base = "http://127.0.0.1:" + m.group(1);

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

  /** {@code curl -si} (status line, headers, body, bytes as sent) with a time limit. */
  private static String curl(String... args) throws Exception {
    Path out = Files.createTempFile("loopwire-curl-", ".out");
    List<String> command = new ArrayList<>(List.of("curl", "-si", "--max-time", "10"));
    command.addAll(List.of(args));
    String url = args[args.length - 1];
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("curl %s finished", url).isTrue();
      String text = Files.readString(out, StandardCharsets.ISO_8859_1);
      assertThat(p.exitValue()).as("curl exit code, output:\n%s", text).isZero();
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
