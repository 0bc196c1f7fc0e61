package io.loopwire.protocol.http1;

import io.loopwire.protocol.ByteSink;
import java.nio.ByteBuffer;

/**
 * Encodes HTTP/1.1 messages (RFC 9112): heads, chunks and the last chunk with trailers. A body sent with
 * Content-Length, or until close, needs no encoding: send its bytes as they are.
 *
 * <p>Each method checks what the application gives and throws {@link IllegalArgumentException} naming the
 * problem and the fix, so what it writes is always something {@link Http1RequestParser} and
 * {@link Http1ResponseParser} accept: no control characters other than HTAB in field values or the reason
 * phrase (the records and {@link Http1Fields} already rule out CR, LF and NUL); not both Content-Length and
 * Transfer-Encoding; a Content-Length that is a decimal number; a Transfer-Encoding that ends with
 * {@code chunked} (the only coding Loopwire frames) and never in HTTP/1.0; exactly one valid Host in an
 * HTTP/1.1 request; no Content-Length or Transfer-Encoding in a 1xx or 204 response (RFC 9110 8.6, 6.1).
 *
 * <p>Returned buffers are new, positioned at 0, and owned by the caller. Stateless and thread-safe.
 */
public final class Http1Serializer {

  private static final byte[] CRLF = {'\r', '\n'};

  private Http1Serializer() {}

  /** {@code method SP target SP version CRLF}, the fields, {@code CRLF}. */
  public static ByteBuffer requestHead(Http1Request request) {
    Http1Fields h = request.headers();
    checkFields(h, "request");
    checkFraming(h, request.version(), "request");
    int hosts = h.count("Host");
    if (request.version() == Http1Version.HTTP_1_1 && hosts != 1 || hosts > 1) {
      throw new IllegalArgumentException("an HTTP/1.1 request needs exactly one Host field, this one has " + hosts
          + ": set Host to the target's authority (host[:port])");
    }
    if (hosts == 1) {
      String p = Http1Syntax.hostProblem(h.get("Host"));
      if (p != null) {
        throw new IllegalArgumentException("invalid Host '" + h.get("Host") + "': " + p);
      }
    }
    Writer w = new Writer(request.method().length() + request.target().length() + 14 + fieldsLength(h));
    w.ascii(request.method()).put(' ').ascii(request.target()).put(' ').ascii(request.version().text()).crlf();
    return w.fields(h).crlf().done();
  }

  /** {@code version SP status SP reason CRLF}, the fields, {@code CRLF}. */
  public static ByteBuffer responseHead(Http1Response response) {
    Http1Fields h = response.headers();
    checkFields(h, "response");
    checkFraming(h, response.version(), "response");
    int status = response.status();
    if ((status < 200 || status == 204) && (h.contains("Content-Length") || h.contains("Transfer-Encoding"))) {
      throw new IllegalArgumentException("a " + status + " response has no body, so it must not carry "
          + "Content-Length or Transfer-Encoding: remove them");
    }
    Writer w = new Writer(response.reason().length() + 17 + fieldsLength(h));
    w.ascii(response.version().text()).put(' ').ascii(Integer.toString(status)).put(' ').ascii(response.reason());
    return w.crlf().fields(h).crlf().done();
  }

  /**
   * One chunk holding {@code data}: {@code size-in-hex CRLF data CRLF}. Empty data gives an empty buffer,
   * since an empty chunk would end the body (use {@link #lastChunk(Http1Fields)} for that).
   *
   * <p>Ownership: {@code data} is borrowed (copied; its position moves to its limit).
   */
  public static ByteBuffer chunk(ByteBuffer data) {
    int n = data.remaining();
    if (n == 0) {
      return ByteBuffer.allocate(0);
    }
    String size = Integer.toHexString(n);
    Writer w = new Writer(size.length() + n + 4);
    w.ascii(size).crlf();
    w.out.put(data);
    return w.crlf().done();
  }

  /**
   * Like {@link #chunk(ByteBuffer)} without copying: hands {@code out} the chunk-size line, {@code data}
   * itself, then the closing CRLF. Nothing for empty data.
   *
   * <p>Ownership: {@code data} is transferred to {@code out}.
   */
  public static void writeChunk(ByteBuffer data, ByteSink out) {
    int n = data.remaining();
    if (n == 0) {
      return;
    }
    out.accept(new Writer(10).ascii(Integer.toHexString(n)).crlf().done());
    out.accept(data);
    out.accept(ByteBuffer.wrap(CRLF.clone()));
  }

  /**
   * The last chunk and trailer section: {@code 0 CRLF}, the trailer fields, {@code CRLF}. Trailers must not
   * carry framing or routing fields (Content-Length, Transfer-Encoding, Host; RFC 9110 6.5.1).
   */
  public static ByteBuffer lastChunk(Http1Fields trailers) {
    checkFields(trailers, "trailer");
    for (String forbidden : new String[] {"Content-Length", "Transfer-Encoding", "Host"}) {
      if (trailers.contains(forbidden)) {
        throw new IllegalArgumentException(forbidden + " is not allowed in trailers (RFC 9110 6.5.1): send it "
            + "in the head");
      }
    }
    return new Writer(5 + fieldsLength(trailers)).put('0').crlf().fields(trailers).crlf().done();
  }

  private static void checkFields(Http1Fields h, String what) {
    if (h.wireClean()) {
      return; // every value was scanned for this when the fields were built
    }
    for (int i = 0; i < h.size(); i++) {
      String p = Http1Syntax.fieldValueProblem(h.name(i), h.value(i));
      if (p != null) {
        throw new IllegalArgumentException(p + " (in " + what + ")");
      }
    }
  }

  private static void checkFraming(Http1Fields h, Http1Version version, String what) {
    // one pass without allocation: this runs for every message
    boolean te = false;
    int cls = 0;
    for (int i = 0; i < h.size(); i++) {
      String name = h.name(i);
      if (name.length() == 17 && name.equalsIgnoreCase("Transfer-Encoding")) {
        te = true;
      } else if (name.length() == 14 && name.equalsIgnoreCase("Content-Length")) {
        cls++;
      }
    }
    if (te && cls > 0) {
      throw new IllegalArgumentException(what + " has both Content-Length and Transfer-Encoding: keep one "
          + "(Content-Length for a known size, Transfer-Encoding: chunked otherwise)");
    }
    if (cls > 0) {
      for (int i = 0; i < h.size(); i++) {
        if (h.name(i).equalsIgnoreCase("Content-Length") && !isDecimalLength(h.value(i))) {
          throw new IllegalArgumentException("Content-Length '" + h.value(i) + "' of " + what + " is not a decimal "
              + "byte count");
        }
      }
    }
    if (cls > 1) {
      throw new IllegalArgumentException(what + " has " + cls + " Content-Length fields: keep one");
    }
    if (te) {
      if (version == Http1Version.HTTP_1_0) {
        throw new IllegalArgumentException("Transfer-Encoding in an HTTP/1.0 " + what + ": use Content-Length or "
            + "HTTP/1.1");
      }
      java.util.List<String> codings = h.tokens("Transfer-Encoding");
      int chunked = 0;
      for (String c : codings) {
        if (c.equalsIgnoreCase("chunked")) {
          chunked++;
        }
      }
      if (codings.isEmpty() || !codings.get(codings.size() - 1).equalsIgnoreCase("chunked") || chunked > 1) {
        throw new IllegalArgumentException("Transfer-Encoding '" + String.join(", ", codings) + "' of " + what
            + " must end with chunked, once");
      }
    }
  }

  /** 1 to 18 decimal digits. */
  private static boolean isDecimalLength(String v) {
    if (v.isEmpty() || v.length() > 18) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      if (!Http1Syntax.isDigit(v.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int fieldsLength(Http1Fields h) {
    int n = 0;
    for (int i = 0; i < h.size(); i++) {
      n += h.name(i).length() + h.value(i).length() + 4;
    }
    return n;
  }

  /** Writes ISO-8859-1 text into an exactly sized buffer. */
  private static final class Writer {
    final ByteBuffer out;

    Writer(int capacity) {
      out = ByteBuffer.allocate(capacity);
    }

    Writer put(char c) {
      out.put((byte) c);
      return this;
    }

    Writer ascii(String s) {
      for (int i = 0; i < s.length(); i++) {
        out.put((byte) s.charAt(i));
      }
      return this;
    }

    Writer crlf() {
      out.put(CRLF);
      return this;
    }

    Writer fields(Http1Fields h) {
      for (int i = 0; i < h.size(); i++) {
        ascii(h.name(i)).put(':').put(' ').ascii(h.value(i)).crlf();
      }
      return this;
    }

    ByteBuffer done() {
      return out.flip();
    }
  }
}
