package io.loopwire.engine;

import io.loopwire.protocol.http1.Http1Fields;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * Serves the files under one directory. A request path is refused unless it names a regular file (or a
 * directory with an index file) whose real path, after every symbolic link is followed, is inside the
 * root's real path: {@code ..}, encoded dots and slashes, backslashes, NUL and links that lead out are
 * all 404 (or 400 for malformed encoding), and dot-files are not served.
 *
 * <p>Files are read on the loop thread in chunks as the socket drains ({@link ServerExchange#respondFile});
 * nothing is cached, so a changed file is served as it is now.
 */
public final class DirectoryContent {

  private static final System.Logger LOG = System.getLogger(DirectoryContent.class.getName());

  private final Path root;
  private final String index;
  private final Http1Fields extraHeaders;

  /**
   * @param root the directory; its real path is taken once here
   * @param index the file served for a directory path ending in {@code /}, or null for none
   * @param extraHeaders added to every 200/206/304 (for example Cache-Control)
   * @throws IOException if the root does not exist or is not a directory
   */
  public DirectoryContent(Path root, String index, Http1Fields extraHeaders) throws IOException {
    Path real = root.toRealPath();
    if (!Files.isDirectory(real)) {
      throw new IOException(root + " is not a directory");
    }
    this.root = real;
    this.index = index;
    this.extraHeaders = extraHeaders;
  }

  public Path root() {
    return root;
  }

  /**
   * Answers {@code exchange} for {@code rawRest}, the request path below the mount (percent-encoded,
   * empty or starting with {@code /}).
   *
   * @param requestPath the whole request path, for the redirect that adds a trailing slash
   * @param query the request's query or null, kept on that redirect
   */
  public void serve(ServerExchange exchange, String rawRest, String requestPath, String query) {
    if (StaticContent.refuseMethod(exchange)) {
      return;
    }
    StaticContent.PathCheck check = StaticContent.segments(rawRest);
    if (!check.ok()) {
      LOG.log(System.Logger.Level.DEBUG, "refused {0} from {1}: {2}", requestPath, exchange.remoteAddress(),
          check.problem());
      StaticContent.text(exchange, check.status(), check.status() == 400 ? "bad request" : "not found");
      return;
    }
    Path p = root;
    for (String s : check.segments()) {
      p = p.resolve(s);
    }
    try {
      Path real = inside(p);
      if (real == null) {
        LOG.log(System.Logger.Level.DEBUG, "refused {0}: it leads out of {1}", requestPath, root);
        StaticContent.text(exchange, 404, "not found");
        return;
      }
      BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class);
      if (attrs.isDirectory()) {
        if (!check.trailingSlash()) {
          StaticContent.redirect(exchange, 301, requestPath + "/" + (query == null ? "" : "?" + query));
          return;
        }
        Path indexFile = index == null ? null : inside(real.resolve(index));
        if (indexFile == null) {
          StaticContent.text(exchange, 404, "not found");
          return;
        }
        real = indexFile;
        attrs = Files.readAttributes(real, BasicFileAttributes.class);
      } else if (check.trailingSlash()) {
        StaticContent.text(exchange, 404, "not found"); // a file is not a directory
        return;
      }
      if (!attrs.isRegularFile()) {
        StaticContent.text(exchange, 404, "not found");
        return;
      }
      serveFile(exchange, real, attrs, extraHeaders);
    } catch (NoSuchFileException e) {
      StaticContent.text(exchange, 404, "not found");
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot serve {0}: {1}", requestPath, e.toString());
      StaticContent.text(exchange, 404, "not found");
    }
  }

  /** The real path of {@code p} if it exists inside the root, else null. */
  private Path inside(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Path real = p.toRealPath();
    return real.startsWith(root) ? real : null;
  }

  /**
   * Answers with the file at {@code real} (already checked by the caller), with ETag, Last-Modified,
   * conditional requests and ranges.
   */
  public static void serveFile(ServerExchange exchange, Path real, BasicFileAttributes attrs, Http1Fields extra)
      throws IOException {
    long size = attrs.size();
    long mtimeMicros = attrs.lastModifiedTime().to(TimeUnit.MICROSECONDS);
    String etag = "\"" + Long.toHexString(mtimeMicros) + "-" + Long.toHexString(size) + "\"";
    long lastModified = attrs.lastModifiedTime().to(TimeUnit.SECONDS);
    StaticContent.Plan plan = StaticContent.plan(exchange.request(), size, etag, lastModified);
    FileChannel ch = null;
    if ((plan.status() == 200 || plan.status() == 206) && !exchange.isHead()) {
      ch = FileChannel.open(real, StandardOpenOption.READ);
    }
    StaticContent.send(exchange, plan, size, etag, lastModified, ContentTypes.of(real.getFileName().toString()),
        extra, ch, null);
  }
}
