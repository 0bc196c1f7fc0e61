package io.loopwire.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classpath resources over a fake connection: repeated requests (served from the caches) answer alike. */
class ClasspathContentTest {

  @TempDir
  Path tmp;

  private String fetch(ClasspathContent cp, String target, String... headerLines) {
    FakeLoop loop = new FakeLoop();
    ServerRouter router = new ServerRouter() {
      @Override
      public UpgradeDecision onUpgrade(Http1Request request, List<String> offered, Transport transport) {
        return UpgradeDecision.reject(404, Http1Fields.empty(), new byte[0]);
      }

      @Override
      public void onRequest(ServerExchange exchange) {
        cp.serve(exchange, exchange.request().target(), exchange.request().target(), null);
      }

      @Override
      public HttpServerSettings settings() {
        return HttpServerSettings.defaults();
      }
    };
    HttpServerConnection conn = new HttpServerConnection(loop, router, HttpServerSettings.defaults().limits());
    loop.handler = conn;
    conn.onOpen(loop);
    String head = "GET " + target + " HTTP/1.1\r\nHost: h\r\n" + String.join("", headerLines) + "\r\n";
    conn.onRead(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
    loop.drain();
    // the Date line may differ between requests; everything else must not
    return new String(loop.written(), StandardCharsets.ISO_8859_1).replaceAll("Date: [^\r]*\r\n", "");
  }

  private ClasspathContent content() throws IOException {
    Path site = Files.createDirectories(tmp.resolve("site/css"));
    Files.writeString(site.resolve("a.css"), "body{}");
    URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null);
    return new ClasspathContent(loader, "site/", null, Http1Fields.of("X-Extra", "1"));
  }

  @Test
  void repeatedAndEquivalentPathsGetTheSameAnswer() throws IOException {
    ClasspathContent cp = content();
    String first = fetch(cp, "/css/a.css");
    assertThat(first).startsWith("HTTP/1.1 200 OK\r\nETag: \"").contains("\r\nLast-Modified: ")
        .contains("\r\nX-Extra: 1\r\nContent-Type: text/css; charset=utf-8\r\nAccept-Ranges: bytes\r\n")
        .contains("\r\nContent-Length: 6\r\n").endsWith("\r\n\r\nbody{}");
    assertThat(fetch(cp, "/css/a.css")).isEqualTo(first);
    assertThat(fetch(cp, "/css/%61.css")).isEqualTo(first);
    assertThat(fetch(cp, "//css//a.css")).isEqualTo(first);
    assertThat(fetch(cp, "/css/a.css/")).startsWith("HTTP/1.1 404 ");
    assertThat(fetch(cp, "/css/.a.css")).startsWith("HTTP/1.1 404 ");
    assertThat(fetch(cp, "/css/%zz")).startsWith("HTTP/1.1 400 ");
  }

  @Test
  void validatorsAndRangesStillApplyToACachedResource() throws IOException {
    ClasspathContent cp = content();
    String first = fetch(cp, "/css/a.css");
    String etag = first.substring(first.indexOf("ETag: ") + 6, first.indexOf("\r\n", first.indexOf("ETag: ")));
    String notModified = fetch(cp, "/css/a.css", "If-None-Match: " + etag + "\r\n");
    assertThat(notModified).startsWith("HTTP/1.1 304 Not Modified\r\nETag: " + etag + "\r\n")
        .doesNotContain("Content-Type").endsWith("\r\n\r\n");
    assertThat(fetch(cp, "/css/a.css", "Range: bytes=1-2\r\n")).startsWith("HTTP/1.1 206 Partial Content\r\n")
        .contains("\r\nContent-Range: bytes 1-2/6\r\n").endsWith("\r\n\r\nod");
    assertThat(fetch(cp, "/css/a.css", "Range: bytes=9-\r\n")).startsWith("HTTP/1.1 416 ")
        .contains("\r\nContent-Range: bytes */6\r\n");
    assertThat(fetch(cp, "/css/a.css", "If-Match: \"other\"\r\n")).startsWith("HTTP/1.1 412 ");
  }
}
