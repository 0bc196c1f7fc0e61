package io.loopwire.engine;

import io.loopwire.protocol.http1.Http1Fields;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves resources under one classpath prefix. Resources do not change while the JVM runs, so each is
 * read once (on first request, on the loop thread) and kept with an ETag made from its SHA-256; a
 * resource larger than {@value #MAX_CACHED_BYTES} bytes is refused rather than held. Path rules are those
 * of {@link StaticContent#segments}; directories are never listed.
 */
public final class ClasspathContent {

  /** Classpath resources are for pages and assets; larger ones belong in a directory mount. */
  static final int MAX_CACHED_BYTES = 8 * 1024 * 1024;

  private static final System.Logger LOG = System.getLogger(ClasspathContent.class.getName());

  /** A resource and its response headers, built once (the content type follows the resource's name). */
  private record Entry(byte[] bytes, String etag, long lastModified, StaticContent.Heads heads) {}

  private static final Entry MISSING = new Entry(null, null, -1, null);

  private final ClassLoader loader;
  private final String base;
  private final String index;
  private final Http1Fields extraHeaders;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  /**
   * Files found by a request path that is already in canonical form (no percent-encoding, no empty or
   * trailing segment), keyed by that raw path: a repeated request skips the decoding. At most two keys
   * (with and without a leading slash) per cached resource, so requests cannot grow it.
   */
  private final Map<String, Entry> byRawPath = new ConcurrentHashMap<>();

  /**
   * @param base the resource name prefix, without a leading {@code /}, ending in {@code /} unless empty
   */
  public ClasspathContent(ClassLoader loader, String base, String index, Http1Fields extraHeaders) {
    this.loader = loader;
    this.base = base;
    this.index = index;
    this.extraHeaders = extraHeaders;
  }

  /** As {@link DirectoryContent#serve}. */
  public void serve(ServerExchange exchange, String rawRest, String requestPath, String query) {
    if (StaticContent.refuseMethod(exchange)) {
      return;
    }
    Entry known = byRawPath.get(rawRest);
    if (known != null) {
      send(exchange, known);
      return;
    }
    StaticContent.PathCheck check = StaticContent.segments(rawRest);
    if (!check.ok()) {
      LOG.log(System.Logger.Level.DEBUG, "refused {0}: {1}", requestPath, check.problem());
      StaticContent.text(exchange, check.status(), check.status() == 400 ? "bad request" : "not found");
      return;
    }
    String name = base + String.join("/", check.segments());
    Entry e;
    if (check.trailingSlash()) {
      e = index == null ? MISSING : load(check.segments().isEmpty() ? base + index : name + "/" + index);
    } else {
      e = load(name);
      if (e == MISSING && index != null && load(name + "/" + index) != MISSING) {
        StaticContent.redirect(exchange, 301, requestPath + "/" + (query == null ? "" : "?" + query));
        return;
      }
    }
    if (e == MISSING) {
      StaticContent.text(exchange, 404, "not found");
      return;
    }
    if (!check.trailingSlash()) {
      String canonical = name.substring(base.length());
      if (rawRest.equals(canonical) || rawRest.length() == canonical.length() + 1 && rawRest.charAt(0) == '/'
          && rawRest.endsWith(canonical)) {
        byRawPath.put(rawRest, e);
      }
    }
    send(exchange, e);
  }

  private static void send(ServerExchange exchange, Entry e) {
    StaticContent.Plan plan = StaticContent.plan(exchange.request(), e.bytes().length, e.etag(), e.lastModified());
    StaticContent.send(exchange, plan, e.bytes().length, e.heads(), null, e.bytes());
  }

  private Entry load(String name) {
    Entry e = cache.get(name);
    if (e == null) {
      e = read(name);
      if (e != MISSING) {
        cache.put(name, e); // misses are not kept: random names must not grow the cache
      }
    }
    return e;
  }

  private Entry read(String name) {
    URL url = loader.getResource(name);
    if (url == null) {
      return MISSING;
    }
    try {
      URLConnection c = url.openConnection();
      c.setUseCaches(false);
      if (!isFile(url, c)) {
        return MISSING;
      }
      long modified = c.getLastModified();
      long length = c.getContentLengthLong();
      if (length > MAX_CACHED_BYTES) {
        LOG.log(System.Logger.Level.WARNING, "classpath resource " + name + " has " + length + " bytes, more than "
            + MAX_CACHED_BYTES + "; serve it from a directory mount");
        return MISSING;
      }
      byte[] bytes;
      try (InputStream in = c.getInputStream()) {
        bytes = in.readNBytes(MAX_CACHED_BYTES + 1);
      }
      if (bytes.length > MAX_CACHED_BYTES) {
        return MISSING;
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
      long lastModified = modified > 0 ? modified / 1000 : -1;
      return new Entry(bytes, etag, lastModified,
          StaticContent.Heads.of(etag, lastModified, ContentTypes.of(name), extraHeaders));
    } catch (IOException | NoSuchAlgorithmException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot read classpath resource {0}: {1}", name, e.toString());
      return MISSING;
    }
  }

  /** Whether the resource is a file, not a directory (which a file: or jar: URL may also name). */
  private static boolean isFile(URL url, URLConnection c) throws IOException {
    if (c instanceof JarURLConnection j) {
      return j.getJarEntry() != null && !j.getJarEntry().isDirectory();
    }
    if ("file".equals(url.getProtocol())) {
      try {
        return Files.isRegularFile(Path.of(url.toURI()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return false;
      }
    }
    return !url.getPath().endsWith("/");
  }
}
