package io.loopwire.cli;

import io.loopwire.HttpHandler;
import io.loopwire.HttpResponse;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a fixed set of files from the classpath (the demo page), read once and cached. Only names in
 * {@code files} are served, so no request path can reach any other resource.
 */
final class ClasspathFiles implements HttpHandler {

  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "json", "application/json");

  private final String base;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private final java.util.Set<String> files;

  ClasspathFiles(String base, java.util.Set<String> files) {
    this.base = base;
    this.files = files;
  }

  @Override
  public HttpResponse handle(Http1Request request, InetSocketAddress remote) {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return new HttpResponse(405, Http1Fields.of("Allow", "GET, HEAD", "Content-Type", "text/plain"),
          "method not allowed\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String target = request.target();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String name = path.equals("/") ? "index.html" : path.substring(1);
    if (!files.contains(name)) {
      return null;
    }
    byte[] body = cache.computeIfAbsent(name, this::load);
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return new HttpResponse(200, Http1Fields.of("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"),
        "Cache-Control", "no-cache"), body);
  }

  private byte[] load(String name) {
    try (InputStream in = ClasspathFiles.class.getResourceAsStream(base + name)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("missing classpath resource " + base + name));
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
