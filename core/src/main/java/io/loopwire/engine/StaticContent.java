package io.loopwire.engine;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What directory and classpath mounts share: turning a request path into safe name segments, and the
 * RFC 9110 rules for conditional requests (ETag, Last-Modified, 304, 412) and byte ranges (206, 416).
 *
 * <p>Thread: stateless; called on loop threads.
 */
public final class StaticContent {

  private StaticContent() {}

  /** The result of {@link #segments}: the decoded path segments, or why the path is refused. */
  public record PathCheck(List<String> segments, boolean trailingSlash, int status, String problem) {

    public boolean ok() {
      return status == 0;
    }
  }

  /**
   * Splits {@code rawPath} (the part of the request path below a mount, still percent-encoded) into
   * decoded segments, refusing anything that could name a file outside the mount or a hidden one:
   * malformed percent-encoding or UTF-8 (400); a segment that decodes to something containing {@code /},
   * {@code \}, NUL or another control character, or that starts with {@code .} (so {@code .}, {@code ..},
   * {@code %2e%2e} and dot-files) (404). Empty segments ({@code //}) are skipped.
   */
  public static PathCheck segments(String rawPath) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = rawPath.length();
    while (i < n) {
      int slash = rawPath.indexOf('/', i);
      int end = slash < 0 ? n : slash;
      if (end > i) {
        String seg = decode(rawPath, i, end);
        if (seg == null) {
          return new PathCheck(List.of(), false, 400, "malformed percent-encoding or UTF-8 in " + rawPath);
        }
        String why = segmentProblem(seg);
        if (why != null) {
          return new PathCheck(List.of(), false, 404, why);
        }
        out.add(seg);
      }
      i = end + 1;
    }
    return new PathCheck(List.copyOf(out), rawPath.isEmpty() || rawPath.endsWith("/"), 0, null);
  }

  private static String segmentProblem(String seg) {
    if (seg.charAt(0) == '.') {
      return "segment '" + seg + "' starts with '.' (dot segments and hidden files are not served)";
    }
    for (int k = 0; k < seg.length(); k++) {
      char c = seg.charAt(k);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) {
        return "segment holds '/', '\\' or a control character";
      }
    }
    return null;
  }

  /** Percent-decodes {@code s[from, to)} as UTF-8; null if malformed. */
  static String decode(String s, int from, int to) {
    int pct = s.indexOf('%', from);
    if (pct < 0 || pct >= to) {
      for (int i = from; i < to; i++) {
        if (s.charAt(i) > 0x7F) {
          return null; // the request parser allows only ASCII in a target; be strict here too
        }
      }
      return s.substring(from, to);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= to) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c > 0x7F) {
        return null; // the request parser allows only ASCII in a target; be strict here too
      } else {
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  // ---- conditional requests and ranges ----

  /** What a static response will be. {@code offset}/{@code length} describe the body for 200 and 206. */
  public record Plan(int status, long offset, long length, String contentRange) {}

  /**
   * RFC 9110 13.2.2: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since in that order, then
   * Range for GET (one range; several are answered with the whole representation, as 14.2 allows), with
   * If-Range.
   *
   * @param lastModified seconds since the epoch, or -1 if unknown
   */
  public static Plan plan(Http1Request request, long size, String etag, long lastModified) {
    Http1Fields h = request.headers();
    boolean getOrHead = request.method().equals("GET") || request.method().equals("HEAD");
    String ifMatch = h.get("If-Match");
    if (ifMatch != null) {
      if (!matches(ifMatch, etag, false)) {
        return new Plan(412, 0, 0, null);
      }
    } else {
      long since = HttpDates.parse(h.get("If-Unmodified-Since"));
      if (since >= 0 && lastModified >= 0 && lastModified > since) {
        return new Plan(412, 0, 0, null);
      }
    }
    String ifNoneMatch = h.get("If-None-Match");
    if (ifNoneMatch != null) {
      if (matches(ifNoneMatch, etag, true)) {
        return new Plan(getOrHead ? 304 : 412, 0, 0, null);
      }
    } else if (getOrHead) {
      long since = HttpDates.parse(h.get("If-Modified-Since"));
      if (since >= 0 && lastModified >= 0 && lastModified <= since) {
        return new Plan(304, 0, 0, null);
      }
    }
    String range = h.get("Range");
    if (range == null || !request.method().equals("GET") || !ifRangeHolds(h.get("If-Range"), etag, lastModified)) {
      return new Plan(200, 0, size, null);
    }
    return range(range, size);
  }

  private static boolean ifRangeHolds(String ifRange, String etag, long lastModified) {
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.strip();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return etag != null && !v.startsWith("W/") && v.equals(etag); // strong comparison only
    }
    long date = HttpDates.parse(v);
    return date >= 0 && date == lastModified;
  }

  /** Whether a list of entity-tags (or {@code *}) matches {@code etag}; weak or strong comparison. */
  static boolean matches(String list, String etag, boolean weak) {
    if (list.strip().equals("*")) {
      return true; // the representation exists
    }
    if (etag == null) {
      return false;
    }
    String ours = opaque(etag);
    for (String part : list.split(",")) {
      String t = part.strip();
      if (t.startsWith("W/")) {
        if (!weak) {
          continue;
        }
        t = t.substring(2);
      }
      if (t.equals(ours) && (weak || !etag.startsWith("W/"))) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String etag) {
    return etag.startsWith("W/") ? etag.substring(2) : etag;
  }

  /** A {@code bytes=} range header against {@code size}: 206, 416, or 200 if it cannot be used. */
  static Plan range(String header, long size) {
    String v = header.strip();
    int eq = v.indexOf('=');
    if (eq < 0 || !v.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
      return new Plan(200, 0, size, null); // another unit: ignore the header
    }
    String specs = v.substring(eq + 1);
    if (specs.indexOf(',') >= 0) {
      return new Plan(200, 0, size, null); // several ranges: the whole thing is simpler and allowed
    }
    String spec = specs.strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Plan(200, 0, size, null);
    }
    String first = spec.substring(0, dash).strip();
    String last = spec.substring(dash + 1).strip();
    long a;
    long b;
    if (first.isEmpty()) {
      long suffix = digits(last);
      if (suffix < 0) {
        return new Plan(200, 0, size, null);
      }
      if (suffix == 0 || size == 0) {
        return unsatisfiable(size);
      }
      a = Math.max(0, size - suffix);
      b = size - 1;
    } else {
      a = digits(first);
      b = last.isEmpty() ? Long.MAX_VALUE : digits(last);
      if (a < 0 || b < 0 || b < a) {
        return new Plan(200, 0, size, null); // syntactically invalid: ignore (RFC 9110 14.2)
      }
      if (a >= size) {
        return unsatisfiable(size);
      }
      b = Math.min(b, size - 1);
    }
    return new Plan(206, a, b - a + 1, "bytes " + a + "-" + b + "/" + size);
  }

  private static Plan unsatisfiable(long size) {
    return new Plan(416, 0, 0, "bytes */" + size);
  }

  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }

  // ---- answering ----

  /**
   * The response headers of one representation, built (and validated) once so that a cached resource
   * does not rebuild them per request: {@code validators} (ETag, Last-Modified, the mount's extra
   * headers) go on every answer, {@code full} adds Content-Type and Accept-Ranges for a 200 or 206.
   */
  record Heads(Http1Fields validators, Http1Fields full) {

    static Heads of(String etag, long lastModified, String type, Http1Fields extra) {
      Http1Fields.Builder h = Http1Fields.builder();
      if (etag != null) {
        h.add("ETag", etag);
      }
      if (lastModified >= 0) {
        h.add("Last-Modified", HttpDates.format(lastModified));
      }
      Http1Fields validators = h.addAll(extra).build();
      return new Heads(validators, h.add("Content-Type", type).add("Accept-Ranges", "bytes").build());
    }
  }

  /**
   * Answers {@code exchange} with a representation of {@code size} bytes under {@code plan}: the body
   * comes from {@code file} (transferred: closed here or when the response ends) or {@code bytes}.
   */
  static void send(ServerExchange exchange, Plan plan, long size, String etag, long lastModified, String type,
      Http1Fields extra, FileChannel file, byte[] bytes) {
    send(exchange, plan, size, Heads.of(etag, lastModified, type, extra), file, bytes);
  }

  /** As above, with the representation's headers built already. */
  static void send(ServerExchange exchange, Plan plan, long size, Heads heads, FileChannel file, byte[] bytes) {
    int status = plan.status();
    if (status == 304) {
      closeQuietly(file);
      exchange.respond(304, null, heads.validators(), null);
      return;
    }
    if (status == 412 || status == 416) {
      closeQuietly(file);
      Http1Fields.Builder h = heads.validators().toBuilder();
      if (plan.contentRange() != null) {
        h.add("Content-Range", plan.contentRange());
      }
      h.add("Content-Type", "text/plain; charset=utf-8");
      String msg = status == 412 ? "precondition failed\n" : "range not satisfiable for " + size + " bytes\n";
      exchange.respond(status, null, h.build(), ByteBuffer.wrap(msg.getBytes(StandardCharsets.UTF_8)));
      return;
    }
    Http1Fields h = plan.contentRange() == null ? heads.full()
        : heads.full().toBuilder().add("Content-Range", plan.contentRange()).build();
    if (bytes == null) {
      exchange.respondFile(status, null, h, file, plan.offset(), plan.length());
    } else {
      exchange.respond(status, null, h, ByteBuffer.wrap(bytes, (int) plan.offset(), (int) plan.length()));
    }
  }

  /** Answers 405 for anything but GET and HEAD. Returns true if it did. */
  static boolean refuseMethod(ServerExchange exchange) {
    String m = exchange.request().method();
    if (m.equals("GET") || m.equals("HEAD")) {
      return false;
    }
    exchange.respond(405, null, Http1Fields.of("Allow", "GET, HEAD", "Content-Type", "text/plain; charset=utf-8"),
        ByteBuffer.wrap(("method " + m + " is not allowed here\n").getBytes(StandardCharsets.UTF_8)));
    return true;
  }

  static void text(ServerExchange exchange, int status, String message) {
    exchange.respond(status, null, Http1Fields.of("Content-Type", "text/plain; charset=utf-8"),
        ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  /** 301 to {@code location} (a path the client should ask for instead). */
  static void redirect(ServerExchange exchange, int status, String location) {
    exchange.respond(status, null, Http1Fields.of("Location", location, "Content-Type", "text/plain; charset=utf-8"),
        ByteBuffer.wrap(("see " + location + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  private static void closeQuietly(FileChannel file) {
    ServerExchange.closeQuietly(file);
  }
}
