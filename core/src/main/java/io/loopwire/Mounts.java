package io.loopwire;

import io.loopwire.engine.ClasspathContent;
import io.loopwire.engine.DirectoryContent;
import io.loopwire.engine.ServerExchange;
import io.loopwire.protocol.http1.Http1Fields;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A vhost's mounts, ready to serve: longest prefix first, directory roots resolved, classpath caches. */
final class Mounts {

  private record Entry(Mount mount, DirectoryContent directory, ClasspathContent classpath) {}

  private final String vhost;
  private final List<Entry> entries = new ArrayList<>();

  /** @throws ConfigException if a directory mount's root does not exist */
  Mounts(VhostConfig config) {
    this.vhost = config.name();
    for (Mount m : config.mounts()) {
      DirectoryContent dir = null;
      ClasspathContent cp = null;
      if (m.kind() == Mount.Kind.DIRECTORY) {
        try {
          dir = new DirectoryContent(m.directory(), m.index(), m.headers());
        } catch (IOException e) {
          throw new ConfigException("vhost " + config.name() + ": the root " + m.directory() + " of mount "
              + m.prefix() + " is not a readable directory (" + e.getMessage() + ")", e);
        }
      } else if (m.kind() == Mount.Kind.CLASSPATH) {
        cp = new ClasspathContent(m.classLoader(), m.resourceBase(), m.index(), m.headers());
      }
      entries.add(new Entry(m, dir, cp));
    }
    entries.sort(Comparator.comparingInt((Entry e) -> e.mount().prefix().length()).reversed());
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Serves {@code exchange} from the mount with the longest matching prefix. Returns false if none
   * matches (nothing was answered).
   */
  boolean serve(ServerExchange exchange, String path, String query) {
    for (Entry e : entries) {
      Mount m = e.mount();
      if (!m.matches(path)) {
        continue;
      }
      String rest = m.prefix().equals("/") ? path : path.substring(m.prefix().length());
      switch (m.kind()) {
        case DIRECTORY:
        case CLASSPATH:
          if (rest.isEmpty()) {
            // /demo -> /demo/, so that the index page's relative links resolve under the mount
            redirect(exchange, 301, path + "/" + (query == null ? "" : "?" + query));
          } else if (e.directory() != null) {
            e.directory().serve(exchange, rest, path, query);
          } else {
            e.classpath().serve(exchange, rest, path, query);
          }
          return true;
        case REDIRECT:
          redirect(exchange, m.status(), m.location() + rest + (query == null ? "" : "?" + query));
          return true;
        default:
          // if the handler throws, the connection logs it and answers 500 if it still can
          m.handler().onRequest(new HttpExchange(exchange, vhost, m.prefix(), path, query, rest));
          return true;
      }
    }
    return false;
  }

  private static void redirect(ServerExchange exchange, int status, String location) {
    Http1Fields h;
    try {
      h = Http1Fields.of("Location", location, "Content-Type", "text/plain; charset=utf-8");
    } catch (IllegalArgumentException e) {
      exchange.respond(400, null, Http1Fields.empty(), null);
      return;
    }
    exchange.respond(status, null, h, ByteBuffer.wrap(("see " + location + "\n").getBytes(StandardCharsets.UTF_8)));
  }
}
