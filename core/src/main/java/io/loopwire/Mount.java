package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a vhost serves under a path prefix: a directory, classpath resources, a redirect, or a handler.
 * A request goes to the mount with the longest prefix that matches whole path segments ({@code /static}
 * matches {@code /static} and {@code /static/a.css}, never {@code /staticky}); {@code /} matches
 * everything. Upgrade requests never reach mounts; a plain request for a WebSocket protocol's path gets
 * 426 before mounts are consulted. Immutable.
 *
 * <pre>{@code
 * VhostConfig.of("site", 8080)
 *     .withMount(Mount.directory("/", Path.of("www")))
 *     .withMount(Mount.classpath("/demo", "com/example/demo/"))
 *     .withMount(Mount.redirect("/old", "/new", 308))
 *     .withMount(Mount.handler("/api", exchange -> exchange.respond(HttpResponse.text(200, "hi"))));
 * }</pre>
 *
 * <p>Directory and classpath mounts answer GET and HEAD (405 otherwise) with Content-Type by extension,
 * ETag, Last-Modified, 304 for conditional requests and 206/416 for ranges; a directory path without its
 * trailing slash is redirected (301) to it, and {@link #index()} is served for a path ending in {@code /}.
 * Paths are resolved safely: see {@link #directory(String, Path)}.
 */
public final class Mount {

  /** What a mount serves. */
  public enum Kind { DIRECTORY, CLASSPATH, REDIRECT, HANDLER }

  /** The default {@link #index()}. */
  public static final String DEFAULT_INDEX = "index.html";

  private final Kind kind;
  private final String prefix;
  private final Path directory;
  private final ClassLoader loader;
  private final String resourceBase;
  private final String location;
  private final int status;
  private final HttpExchangeHandler handler;
  private final String index;
  private final Http1Fields headers;

  private Mount(Kind kind, String prefix, Path directory, ClassLoader loader, String resourceBase, String location,
      int status, HttpExchangeHandler handler, String index, Http1Fields headers) {
    this.kind = kind;
    this.prefix = prefix;
    this.directory = directory;
    this.loader = loader;
    this.resourceBase = resourceBase;
    this.location = location;
    this.status = status;
    this.handler = handler;
    this.index = index;
    this.headers = headers;
  }

  /**
   * Serves the files under {@code root}. The directory must exist when the vhost starts (else
   * {@link Loopwire#start} fails with a {@link ConfigException}).
   *
   * <p>A request path is decoded segment by segment and refused (404; 400 for malformed percent-encoding
   * or UTF-8) if a segment is {@code .} or {@code ..} (written plainly or as {@code %2e}), holds an encoded
   * {@code /} ({@code %2f}), a backslash, NUL or another control character, or starts with a dot (hidden
   * files such as {@code .git} or {@code .env} are not served). The file found must be a regular file (or
   * a directory with an index file) whose real path, after every symbolic link, is inside the root's real
   * path: links within the root work, links out of it are 404. No directory listings.
   *
   * <p>Files are read on the loop thread in 64 KiB chunks as the socket drains, never whole, so a large
   * download holds at most the send watermark in memory. ({@code FileChannel.transferTo} would need the
   * socket channel, which the loop SPI does not expose; see docs/http.md.)
   */
  public static Mount directory(String prefix, Path root) {
    Checks.notNull("root of mount " + prefix, root);
    return new Mount(Kind.DIRECTORY, checkPrefix(prefix), root, null, null, null, 0, null, DEFAULT_INDEX,
        Http1Fields.empty());
  }

  /**
   * Serves classpath resources under {@code resourceBase} (for example {@code "com/example/site/"}),
   * found through the calling thread's context class loader (or this class's loader if it has none).
   * Each resource is read once, on first request, and kept; resources over 8 MiB are not served (use a
   * directory mount). Path rules as for {@link #directory}.
   */
  public static Mount classpath(String prefix, String resourceBase) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return classpath(prefix, cl != null ? cl : Mount.class.getClassLoader(), resourceBase);
  }

  /** Like {@link #classpath(String, String)} with an explicit class loader (borrowed, never closed). */
  public static Mount classpath(String prefix, ClassLoader loader, String resourceBase) {
    Checks.notNull("class loader of mount " + prefix, loader);
    Checks.notNull("resource base of mount " + prefix, resourceBase);
    String base = resourceBase.startsWith("/") ? resourceBase.substring(1) : resourceBase;
    if (!base.isEmpty() && !base.endsWith("/")) {
      base = base + "/";
    }
    return new Mount(Kind.CLASSPATH, checkPrefix(prefix), null, loader, base, null, 0, null, DEFAULT_INDEX,
        Http1Fields.empty());
  }

  /**
   * Redirects every request under {@code prefix}: the Location is {@code location} followed by the rest of
   * the path below the prefix and the query, so {@code redirect("/old", "/new", 308)} sends
   * {@code /old/a?x} to {@code /new/a?x}.
   *
   * @param location an absolute URI or an absolute path
   * @param status 301, 302, 303, 307 or 308
   */
  public static Mount redirect(String prefix, String location, int status) {
    Checks.notNull("location of mount " + prefix, location);
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      throw new ConfigException("redirect status " + status + " of mount " + prefix
          + " must be 301, 302, 303, 307 or 308");
    }
    try {
      Http1Fields.of("Location", location);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("redirect location '" + location + "' of mount " + prefix + " is not a valid "
          + "header value: " + e.getMessage());
    }
    return new Mount(Kind.REDIRECT, checkPrefix(prefix), null, null, null, location, status, null, null,
        Http1Fields.empty());
  }

  /** Hands every request under {@code prefix} to {@code handler} (borrowed, never closed). */
  public static Mount handler(String prefix, HttpExchangeHandler handler) {
    Checks.notNull("handler of mount " + prefix, handler);
    return new Mount(Kind.HANDLER, checkPrefix(prefix), null, null, null, null, 0, handler, null,
        Http1Fields.empty());
  }

  /**
   * The file served for a path ending in {@code /} (directory and classpath mounts), or {@code null} for
   * none (then such paths are 404). Default {@value #DEFAULT_INDEX}.
   */
  public Mount withIndex(String name) {
    if (name != null && (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0
        || name.startsWith("."))) {
      throw new ConfigException("index file name '" + name + "' must be a plain file name, like index.html");
    }
    return new Mount(kind, prefix, directory, loader, resourceBase, location, status, handler, name, headers);
  }

  /** Headers added to the 200, 206 and 304 answers of a directory or classpath mount (e.g. Cache-Control). */
  public Mount withHeaders(Http1Fields extra) {
    Checks.notNull("headers of mount " + prefix, extra);
    for (String framing : new String[] {"Content-Length", "Transfer-Encoding", "Connection", "Content-Range"}) {
      if (extra.contains(framing)) {
        throw new ConfigException("mount " + prefix + " may not set " + framing + ": Loopwire frames responses");
      }
    }
    return new Mount(kind, prefix, directory, loader, resourceBase, location, status, handler, index, extra);
  }

  public Kind kind() {
    return kind;
  }

  /** The path prefix, normalized: begins with {@code /}, no trailing {@code /} unless it is {@code /}. */
  public String prefix() {
    return prefix;
  }

  /** The root of a directory mount, else null. */
  public Path directory() {
    return directory;
  }

  /** The class loader of a classpath mount, else null. */
  public ClassLoader classLoader() {
    return loader;
  }

  /** The resource name prefix of a classpath mount (no leading {@code /}), else null. */
  public String resourceBase() {
    return resourceBase;
  }

  /** The target of a redirect mount, else null. */
  public String location() {
    return location;
  }

  /** The status of a redirect mount, else 0. */
  public int status() {
    return status;
  }

  /** The handler of a handler mount, else null. */
  public HttpExchangeHandler handler() {
    return handler;
  }

  public String index() {
    return index;
  }

  public Http1Fields headers() {
    return headers;
  }

  /** Whether this mount serves {@code path} (a request path without its query). */
  public boolean matches(String path) {
    return prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix) && path.charAt(prefix.length()) == '/';
  }

  private static String checkPrefix(String prefix) {
    Checks.notNull("mount prefix", prefix);
    if (!prefix.startsWith("/")) {
      throw new ConfigException("mount prefix '" + prefix + "' must begin with '/'");
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c <= 0x20 || c >= 0x7F || c == '?' || c == '#' || c == '%' || c == '\\') {
        throw new ConfigException("mount prefix '" + prefix + "' may hold only visible ASCII without ? # % \\ "
            + "(write the path as it appears on the wire, unencoded)");
      }
    }
    for (String seg : prefix.split("/")) {
      if (seg.equals(".") || seg.equals("..")) {
        throw new ConfigException("mount prefix '" + prefix + "' has a dot segment");
      }
    }
    String p = prefix;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  @Override
  public String toString() {
    return "Mount[" + kind + " " + prefix + " -> " + Objects.requireNonNullElse(
        kind == Kind.DIRECTORY ? directory : kind == Kind.CLASSPATH ? "classpath:" + resourceBase
            : kind == Kind.REDIRECT ? status + " " + location : handler, "") + "]";
  }
}
