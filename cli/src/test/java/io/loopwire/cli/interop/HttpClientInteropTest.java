package io.loopwire.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.loopwire.HttpClient;
import io.loopwire.HttpClientConfig;
import io.loopwire.HttpClientRequest;
import io.loopwire.HttpClientResponse;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Loopwire's {@link HttpClient} against independent servers: the JDK's {@code com.sun.net.httpserver}
 * in-process, and nginx (Debian's package) started on a loopback port with a config of its own.
 */
final class HttpClientInteropTest {

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    cleanup.clear();
  }

  private HttpClient client(HttpClientConfig config) {
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1));
    cleanup.add(lw);
    return HttpClient.create(lw, config);
  }

  private static HttpClientResponse await(CompletableFuture<HttpClientResponse> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void againstTheJdkHttpServer() throws Exception {
    HttpServer jdk = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i % 253);
    }
    jdk.createContext("/hello", ex -> {
      byte[] b = "hello from the JDK".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().add("Content-Length", Integer.toString(b.length));
        ex.sendResponseHeaders(200, -1);
      } else {
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      }
      ex.close();
    });
    jdk.createContext("/chunked", ex -> {
      ex.sendResponseHeaders(200, 0); // length 0: chunked
      OutputStream out = ex.getResponseBody();
      for (int i = 0; i < big.length; i += 7000) {
        out.write(big, i, Math.min(7000, big.length - i));
        out.flush();
      }
      ex.close();
    });
    jdk.createContext("/echo", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      String te = ex.getRequestHeaders().getFirst("Transfer-Encoding");
      ex.getResponseHeaders().add("X-Framing", te == null ? "length" : te);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    jdk.start();
    cleanup.add(() -> jdk.stop(0));
    String base = "http://127.0.0.1:" + jdk.getAddress().getPort();
    HttpClient c = client(HttpClientConfig.defaults());

    HttpClientResponse hello = await(c.send(HttpClientRequest.get(base + "/hello")));
    assertThat(hello.status()).isEqualTo(200);
    assertThat(hello.bodyText()).isEqualTo("hello from the JDK");
    HttpClientResponse head = await(c.send(HttpClientRequest.head(base + "/hello")));
    assertThat(head.body()).isEmpty();
    HttpClientResponse chunked = await(c.send(HttpClientRequest.get(base + "/chunked")));
    assertThat(chunked.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
    assertThat(chunked.body()).isEqualTo(big);
    HttpClientResponse echo = await(c.send(HttpClientRequest.post(base + "/echo", "application/octet-stream", big)));
    assertThat(echo.header("X-Framing")).isEqualTo("length");
    assertThat(echo.body()).isEqualTo(big);
    HttpClientResponse echoChunked = await(c.send(HttpClientRequest.of("POST", base + "/echo")
        .withChunkedBody(List.of(ByteBuffer.wrap(big, 0, 1000), ByteBuffer.wrap(big, 1000, big.length - 1000)))));
    assertThat(echoChunked.header("X-Framing")).isEqualToIgnoringCase("chunked");
    assertThat(echoChunked.body()).isEqualTo(big);
    assertThat(c.stats().connectionsOpened()).as("keep-alive with the JDK server").isEqualTo(1);
    assertThat(c.stats().duplicateCompletions()).isZero();
  }

  @Test
  void againstNginx() throws Exception {
    Peers.require(Peers.Peer.NGINX);
    Path dir = Files.createTempDirectory("loopwire-nginx-");
    cleanup.add(() -> deleteTree(dir));
    Path www = Files.createDirectory(dir.resolve("www"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append("line ").append(i).append(" of a text that nginx will gzip on the fly\n");
    }
    Files.writeString(www.resolve("big.txt"), text);
    Files.writeString(www.resolve("small.txt"), "hello from nginx\n");
    int port = freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, String.join("\n",
        "daemon off;",
        "master_process off;",
        "worker_processes 1;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " warn;",
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + dir.resolve("body") + ";",
        "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
        "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        "  types { text/plain txt; }",
        "  gzip on; gzip_min_length 0; gzip_types text/plain;",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    root " + www + ";",
        "    location = /old { return 301 /small.txt; }",
        "    location = /post { return 200 \"posted\\n\"; }",
        "  }",
        "}", ""));
    Process nginx = new ProcessBuilder(Peers.NGINX_BIN, "-c", conf.toString(), "-p", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    cleanup.add(() -> {
      nginx.destroy();
      if (!nginx.waitFor(5, TimeUnit.SECONDS)) {
        nginx.destroyForcibly();
      }
    });
    awaitListening(port, nginx, dir);
    String base = "http://127.0.0.1:" + port;
    HttpClient c = client(HttpClientConfig.defaults().withMaxRedirects(2));

    HttpClientResponse small = await(c.send(HttpClientRequest.get(base + "/small.txt")));
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.header("Server")).startsWith("nginx");
    assertThat(small.bodyText()).isEqualTo("hello from nginx\n");
    HttpClientResponse gz = await(c.send(HttpClientRequest.get(base + "/big.txt").withHeader("Accept-Encoding", "gzip")));
    assertThat(gz.header("Transfer-Encoding")).as("nginx gzips on the fly, chunked").isEqualToIgnoringCase("chunked");
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text.toString());
    }
    HttpClientResponse range = await(c.send(HttpClientRequest.get(base + "/small.txt").withHeader("Range", "bytes=6-9")));
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.bodyText()).isEqualTo("from");
    HttpClientResponse redirected = await(c.send(HttpClientRequest.get(base + "/old")));
    assertThat(redirected.bodyText()).isEqualTo("hello from nginx\n");
    assertThat(redirected.uri().path()).isEqualTo("/small.txt");
    HttpClientResponse posted = await(c.send(HttpClientRequest.post(base + "/post", "text/plain",
        "x".repeat(10_000).getBytes(StandardCharsets.UTF_8))));
    assertThat(posted.bodyText()).isEqualTo("posted\n");
    HttpClientResponse chunkedPost = await(c.send(HttpClientRequest.of("POST", base + "/post")
        .withChunkedBody(List.of(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8))))));
    assertThat(chunkedPost.status()).isEqualTo(200);
    HttpClientResponse head = await(c.send(HttpClientRequest.head(base + "/small.txt")));
    assertThat(head.header("Content-Length")).isEqualTo("17");
    assertThat(c.stats().connectionsOpened()).as("keep-alive with nginx").isEqualTo(1);
    assertThat(c.stats().duplicateCompletions()).isZero();
  }

  private static void awaitListening(int port, Process nginx, Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!nginx.isAlive()) {
          throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("stdout.log"))
              + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("nginx did not listen on " + port + " within 10 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
