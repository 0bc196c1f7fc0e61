package io.loopwire.protocol.http1;

import io.loopwire.protocol.LimitExceededException;
import io.loopwire.protocol.RemoteProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * The state machine behind {@link Http1RequestParser} and {@link Http1ResponseParser} (RFC 9112).
 *
 * <p>Input is copied into one growable array; {@code start..end} is what is not consumed yet. Heads are
 * parsed a line at a time as lines complete, so a head never sits in the buffer twice. Every check runs in
 * byte order and depends only on bytes already seen, and a line is scanned only up to its limit, so any
 * split of the input gives the same events and the same error, and memory stays bounded by the limits plus
 * whatever the caller received and has not yet drained.
 */
final class Http1Decoder {

  /** 16 hex digits hold any chunk size we can count; more is an attack or a bug. */
  static final int MAX_CHUNK_SIZE_DIGITS = 16;
  /**
   * Smallest buffer allocated. The buffer is given back whenever it is drained between messages (see
   * {@link #nextEvent()}), so an idle or upgraded connection holds none; the first allocation is sized to
   * the read that needs it (most request heads arrive in one), not to a fixed large block.
   */
  private static final int MIN_CAPACITY = 256;
  /** A buffer grown past this by one large read is given back once drained. */
  private static final int RETAIN_CAPACITY = 64 * 1024;
  private static final byte[] NO_BYTES = new byte[0];

  private enum Phase {
    START, FIELDS, BODY_FIXED, BODY_UNTIL_EOF, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, END, PAUSED, DONE,
    FAILED
  }

  private enum Line { START, HEADER, CHUNK }

  private final Http1Limits limits;
  private final boolean requestSide;
  /** Response side: methods of the requests sent and not yet answered, oldest first; null on the request side. */
  private final ArrayDeque<String> pendingMethods;

  private byte[] buf = NO_BYTES;
  private int start;
  private int end;
  /** Where the scan for the current line's LF resumes; never below {@code start}. */
  private int scan;
  private boolean eof;
  private Phase phase = Phase.START;

  // The message being parsed.
  private int emptyLineBytes;
  private String method;
  private String target;
  private Http1Version version;
  private int status;
  private String reason;
  private Http1Fields.Builder fields;
  private int sectionBytes;
  private int sectionCount;
  private long remaining;
  private long bodyBytes;
  private Http1Fields trailers = Http1Fields.empty();
  private boolean pauseAfter;

  Http1Decoder(Http1Limits limits, boolean requestSide) {
    if (limits == null) {
      throw new IllegalArgumentException("limits is null: use Http1Limits.defaults()");
    }
    this.limits = limits;
    this.requestSide = requestSide;
    this.pendingMethods = requestSide ? null : new ArrayDeque<>();
  }

  Http1Limits limits() {
    return limits;
  }

  void receive(ByteBuffer src) {
    checkUsable("receive");
    if (eof) {
      throw new IllegalStateException("receive after receiveEof: the peer's input is already shut");
    }
    int n = src.remaining();
    if (n == 0) {
      return;
    }
    makeRoom(n);
    src.get(buf, end, n);
    end += n;
  }

  void receiveEof() {
    checkUsable("receiveEof");
    eof = true;
  }

  void expectResponse(String requestMethod) {
    checkUsable("expectResponse");
    String p = Http1Syntax.methodProblem(requestMethod);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    pendingMethods.addLast(requestMethod);
  }

  int pendingResponses() {
    return pendingMethods.size();
  }

  int bufferedBytes() {
    return end - start;
  }

  ByteBuffer takeLeftover() {
    checkUsable("takeLeftover");
    if (phase != Phase.PAUSED) {
      throw new IllegalStateException("takeLeftover needs state PAUSED, parser is " + state());
    }
    ByteBuffer out = ByteBuffer.allocate(end - start);
    out.put(buf, start, end - start).flip();
    releaseBuffer();
    return out;
  }

  void resume() {
    checkUsable("resume");
    if (phase != Phase.PAUSED) {
      throw new IllegalStateException("resume needs state PAUSED, parser is " + state());
    }
    phase = Phase.START;
  }

  Http1ParserState state() {
    switch (phase) {
      case START:
        return start < end ? Http1ParserState.HEAD : eof ? Http1ParserState.INPUT_SHUT : Http1ParserState.IDLE;
      case FIELDS:
        return Http1ParserState.HEAD;
      case PAUSED:
        return Http1ParserState.PAUSED;
      case DONE:
        return Http1ParserState.INPUT_SHUT;
      case FAILED:
        return Http1ParserState.FAILED;
      default:
        return Http1ParserState.BODY;
    }
  }

  Http1Event nextEvent() {
    checkUsable("nextEvent");
    try {
      Http1Event ev = advance();
      if (start == end && (phase == Phase.START || phase == Phase.DONE)) {
        releaseBuffer(); // between messages with nothing buffered: hold no memory while the peer is idle
      }
      return ev;
    } catch (RemoteProtocolException e) {
      phase = Phase.FAILED;
      buf = NO_BYTES;
      start = end = scan = 0;
      throw e;
    }
  }

  private void checkUsable(String call) {
    if (phase == Phase.FAILED) {
      throw new IllegalStateException(call + " on a FAILED HTTP/1.1 parser: the peer broke the protocol, "
          + "answer with the exception's statusHint and close the connection");
    }
  }

  private Http1Event advance() {
    for (;;) {
      switch (phase) {
        case START: {
          if (start == end) {
            if (eof) {
              phase = Phase.DONE;
              return Http1Event.Signal.END_OF_INPUT;
            }
            return Http1Event.Signal.NEED_DATA;
          }
          if (!requestSide && pendingMethods.isEmpty()) {
            throw bad("response bytes received with no request outstanding");
          }
          int lf = findLineEnd(limits.maxRequestLineBytes(), Line.START);
          if (lf < 0) {
            return needMore(requestSide ? "request line" : "status line");
          }
          int cr = lf - 1;
          if (cr == start) {
            // RFC 9112 2.2: ignore empty lines before a start line, but not without bound.
            emptyLineBytes += 2;
            if (emptyLineBytes > limits.maxRequestLineBytes()) {
              throw bad("more than " + limits.maxRequestLineBytes() + " bytes of empty lines before the start line");
            }
            consume(lf + 1);
            continue;
          }
          if (requestSide) {
            parseRequestLine(start, cr);
          } else {
            parseStatusLine(start, cr);
          }
          consume(lf + 1);
          beginSection();
          phase = Phase.FIELDS;
          continue;
        }
        case FIELDS:
        case TRAILERS: {
          boolean head = phase == Phase.FIELDS;
          int lf = findLineEnd(limits.maxHeaderBytes() - sectionBytes - 2, Line.HEADER);
          if (lf < 0) {
            return needMore(head ? "header section" : "trailer section");
          }
          int cr = lf - 1;
          sectionBytes += lf + 1 - start;
          if (cr == start) {
            consume(lf + 1);
            if (head) {
              return headComplete();
            }
            trailers = fields.build();
            fields = null;
            phase = Phase.END;
            continue;
          }
          if (++sectionCount > limits.maxHeaderCount()) {
            throw LimitExceededException.http(431, "maxHeaderCount", limits.maxHeaderCount(), sectionCount);
          }
          parseFieldLine(start, cr);
          consume(lf + 1);
          continue;
        }
        case BODY_FIXED:
        case CHUNK_DATA: {
          int avail = end - start;
          if (avail == 0) {
            return needMore("body (" + remaining + " more bytes expected)");
          }
          int n = (int) Math.min(avail, remaining);
          remaining -= n;
          if (remaining == 0) {
            phase = phase == Phase.BODY_FIXED ? Phase.END : Phase.CHUNK_CRLF;
          }
          return body(n);
        }
        case BODY_UNTIL_EOF: {
          int avail = end - start;
          if (avail == 0) {
            if (eof) {
              phase = Phase.END;
              continue;
            }
            return Http1Event.Signal.NEED_DATA;
          }
          long room = limits.maxBodyBytes() - bodyBytes;
          if (room == 0) {
            throw LimitExceededException.http(413, "maxBodyBytes", limits.maxBodyBytes(), bodyBytes + 1);
          }
          int n = (int) Math.min(avail, room);
          bodyBytes += n;
          return body(n);
        }
        case CHUNK_SIZE: {
          long maxLine = (long) MAX_CHUNK_SIZE_DIGITS + limits.maxChunkExtBytes();
          int lf = findLineEnd((int) Math.min(Integer.MAX_VALUE, maxLine), Line.CHUNK);
          if (lf < 0) {
            return needMore("chunk-size line");
          }
          long size = parseChunkLine(start, lf - 1);
          consume(lf + 1);
          if (size == 0) {
            beginSection();
            phase = Phase.TRAILERS;
            continue;
          }
          if (size > limits.maxBodyBytes() - bodyBytes) {
            long observed = size > Long.MAX_VALUE - bodyBytes ? Long.MAX_VALUE : bodyBytes + size;
            throw LimitExceededException.http(413, "maxBodyBytes", limits.maxBodyBytes(), observed);
          }
          bodyBytes += size;
          remaining = size;
          phase = Phase.CHUNK_DATA;
          continue;
        }
        case CHUNK_CRLF: {
          if (start < end && buf[start] != '\r' || start + 1 < end && buf[start + 1] != '\n') {
            throw bad("missing CRLF after chunk data");
          }
          if (end - start < 2) {
            return needMore("CRLF after chunk data");
          }
          consume(start + 2);
          phase = Phase.CHUNK_SIZE;
          continue;
        }
        case END: {
          Http1Fields t = trailers;
          phase = pauseAfter ? Phase.PAUSED : Phase.START;
          resetMessage();
          return new Http1Event.EndOfMessage(t);
        }
        case PAUSED:
          return Http1Event.Signal.PAUSED;
        case DONE:
          return Http1Event.Signal.END_OF_INPUT;
        default:
          throw new IllegalStateException("HTTP/1.1 parser is " + phase);
      }
    }
  }

  private Http1Event needMore(String what) {
    if (eof) {
      throw bad("connection closed before the end of the " + what);
    }
    return Http1Event.Signal.NEED_DATA;
  }

  private Http1Event body(int n) {
    ByteBuffer view = ByteBuffer.wrap(buf, start, n).slice().asReadOnlyBuffer();
    consume(start + n);
    return new Http1Event.Body(view);
  }

  private void beginSection() {
    fields = Http1Fields.builder();
    sectionBytes = 0;
    sectionCount = 0;
  }

  private void resetMessage() {
    emptyLineBytes = 0;
    method = null;
    target = null;
    version = null;
    reason = null;
    fields = null;
    trailers = Http1Fields.empty();
    remaining = 0;
    bodyBytes = 0;
    pauseAfter = false;
  }

  // ---- buffer ----

  /** Capacity of the input buffer: 0 when the parser holds none (for tests). */
  int bufferCapacity() {
    return buf.length;
  }

  /** Drops the input buffer; only when nothing is buffered. A Body view already handed out keeps its array. */
  private void releaseBuffer() {
    buf = NO_BYTES;
    start = end = scan = 0;
  }

  private void consume(int newStart) {
    start = newStart;
    scan = newStart;
  }

  private void makeRoom(int n) {
    int live = end - start;
    if (live == 0 && buf.length > RETAIN_CAPACITY && n <= RETAIN_CAPACITY) {
      buf = new byte[RETAIN_CAPACITY];
      start = end = scan = 0;
      return;
    }
    if (buf.length - end >= n) {
      return;
    }
    if (n > Integer.MAX_VALUE - 16 - live) {
      throw new IllegalStateException("HTTP/1.1 parser buffer would exceed 2 GiB: drain events between receives");
    }
    int need = live + n;
    int cap = buf.length;
    if (need > cap) {
      cap = Math.max(Math.max(need, MIN_CAPACITY), cap <= (1 << 29) ? cap * 2 : need);
    }
    byte[] dst = cap == buf.length ? buf : new byte[cap];
    System.arraycopy(buf, start, dst, 0, live);
    buf = dst;
    scan -= start;
    start = 0;
    end = live;
  }

  /**
   * Finds the LF ending the line at {@code start}, rejecting bare CR and bare LF, and a line whose content
   * (without CRLF) would exceed {@code maxContent}, as soon as the byte that proves it arrives.
   *
   * @return the index of the LF, or -1 if the line is not complete yet
   */
  private int findLineEnd(int maxContent, Line line) {
    int i = scan;
    for (; i < end; i++) {
      int b = buf[i];
      int k = i - start;
      if (b == '\n') {
        if (k == 0 || buf[i - 1] != '\r') {
          throw bad("bare LF in " + lineName(line) + ": lines must end with CRLF");
        }
        return i;
      }
      if (k > maxContent || k == maxContent && b != '\r') {
        throw lineTooLong(line, b == '\r' ? k : k + 1);
      }
      if (b == '\r') {
        if (i + 1 == end) {
          break;
        }
        if (buf[i + 1] != '\n') {
          throw bad("bare CR in " + lineName(line) + ": CR is only allowed in CRLF");
        }
      }
    }
    scan = i;
    return -1;
  }

  private String lineName(Line line) {
    switch (line) {
      case START:
        return requestSide ? "request line" : "status line";
      case HEADER:
        return phase == Phase.TRAILERS ? "trailer section" : "header section";
      default:
        return "chunk-size line";
    }
  }

  private RemoteProtocolException lineTooLong(Line line, int content) {
    switch (line) {
      case START:
        return LimitExceededException.http(requestSide ? 414 : 400, "maxRequestLineBytes",
            limits.maxRequestLineBytes(), content);
      case HEADER:
        return LimitExceededException.http(431, "maxHeaderBytes", limits.maxHeaderBytes(), sectionBytes + content + 2);
      default:
        return LimitExceededException.http(400, "maxChunkExtBytes", limits.maxChunkExtBytes(),
            content - MAX_CHUNK_SIZE_DIGITS);
    }
  }

  // ---- start lines ----

  private void parseRequestLine(int s, int e) {
    int sp1 = indexOf(' ', s, e);
    int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, e);
    if (sp2 < 0) {
      throw bad("request line " + quote(s, e) + " is not 'method SP request-target SP HTTP-version'");
    }
    if (sp1 == s) {
      throw bad("request line starts with SP: empty method");
    }
    for (int i = s; i < sp1; i++) {
      if (!Http1Fields.isTokenChar(buf[i] & 0xFF)) {
        throw bad("invalid character " + Http1Syntax.hex(buf[i] & 0xFF) + " in method " + quote(s, sp1)
            + ": a method is an RFC 9110 token");
      }
    }
    if (sp2 == sp1 + 1) {
      throw bad("empty request target: request line parts are separated by exactly one SP");
    }
    for (int i = sp1 + 1; i < sp2; i++) {
      int c = buf[i] & 0xFF;
      if (!Http1Syntax.isTargetChar(c)) {
        throw bad("invalid character " + Http1Syntax.hex(c) + " at index " + (i - sp1 - 1) + " of request target "
            + quote(sp1 + 1, sp2) + ": only visible ASCII other than '#' is allowed");
      }
    }
    if (indexOf(' ', sp2 + 1, e) >= 0) {
      throw bad("request line " + quote(s, e) + " has more than two SP separators");
    }
    version = parseVersion(sp2 + 1, e);
    method = known(s, sp1, KNOWN_METHODS);
    if (!Http1Syntax.KNOWN_METHODS.contains(method)) {
      throw RemoteProtocolException.http(501, "method " + quote(s, sp1) + " is not implemented (known: "
          + "GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH; methods are case-sensitive)");
    }
    target = known(sp1 + 1, sp2, KNOWN_TARGETS);
    String p = Http1Syntax.targetProblem(method, target);
    if (p != null) {
      throw bad(p);
    }
  }

  private void parseStatusLine(int s, int e) {
    int sp = indexOf(' ', s, e);
    if (sp < 0) {
      throw bad("status line " + quote(s, e) + " is not 'HTTP-version SP status-code SP reason-phrase'");
    }
    version = parseVersion(s, sp);
    int d = sp + 1;
    if (e - d < 3 || !Http1Syntax.isDigit(buf[d]) || !Http1Syntax.isDigit(buf[d + 1])
        || !Http1Syntax.isDigit(buf[d + 2]) || e - d > 3 && buf[d + 3] != ' ') {
      throw bad("status line " + quote(s, e) + " needs a three-digit status code after the version");
    }
    status = (buf[d] - '0') * 100 + (buf[d + 1] - '0') * 10 + (buf[d + 2] - '0');
    if (status < 100 || status > 599) {
      throw bad("status code " + status + " is outside 100-599");
    }
    // The SP before an empty reason is often left out; accepting that is harmless for framing.
    int r = Math.min(d + 4, e);
    for (int i = r; i < e; i++) {
      int c = buf[i] & 0xFF;
      if (!Http1Syntax.isFieldValueChar(c)) {
        throw bad("invalid character " + Http1Syntax.hex(c) + " in reason phrase " + quote(r, e));
      }
    }
    reason = string(r, e);
  }

  private Http1Version parseVersion(int s, int e) {
    if (e - s == 8 && buf[s + 7] == '1' && matches(s, e, "HTTP/1.1")) {
      return Http1Version.HTTP_1_1;
    }
    String text = string(s, e);
    Http1Version v = Http1Version.of(text);
    if (v != null) {
      return v;
    }
    if (e - s == 8 && text.startsWith("HTTP/") && Http1Syntax.isDigit(text.charAt(5)) && text.charAt(6) == '.'
        && Http1Syntax.isDigit(text.charAt(7))) {
      throw RemoteProtocolException.http(505, "HTTP version " + text + " is not supported: use HTTP/1.1 or HTTP/1.0");
    }
    throw bad("malformed HTTP version " + quote(s, e) + ": expected HTTP/1.1 or HTTP/1.0");
  }

  // ---- fields ----

  private void parseFieldLine(int s, int e) {
    int first = buf[s];
    if (first == ' ' || first == '\t') {
      throw bad("field line starting with whitespace (obs-fold line folding, or whitespace before the first "
          + "field) is rejected (RFC 9112 5.2)");
    }
    int i = s;
    while (i < e && Http1Fields.isTokenChar(buf[i] & 0xFF)) {
      i++;
    }
    if (i == e) {
      throw bad("field line " + quote(s, e) + " has no ':'");
    }
    int c = buf[i] & 0xFF;
    if (c != ':') {
      if (c == ' ' || c == '\t') {
        throw bad("whitespace after field name " + quote(s, i) + ": none is allowed before ':' (RFC 9112 5.1)");
      }
      throw bad("invalid character " + Http1Syntax.hex(c) + " in field name " + quote(s, i)
          + ": a field name is an RFC 9110 token");
    }
    if (i == s) {
      throw bad("empty field name in field line " + quote(s, e));
    }
    int vs = i + 1;
    int ve = e;
    while (vs < ve && isOws(buf[vs])) {
      vs++;
    }
    while (ve > vs && isOws(buf[ve - 1])) {
      ve--;
    }
    for (int k = vs; k < ve; k++) {
      int v = buf[k] & 0xFF;
      if (!Http1Syntax.isFieldValueChar(v)) {
        throw bad("invalid character " + Http1Syntax.hex(v) + " in value of field " + quote(s, i)
            + ": control characters other than HTAB are not allowed");
      }
    }
    fields.addParsed(known(s, i, KNOWN_NAMES), known(vs, ve, KNOWN_VALUES));
  }

  private static boolean isOws(int b) {
    return b == ' ' || b == '\t';
  }

  // ---- heads and framing ----

  private Http1Event headComplete() {
    Http1Fields h = fields.build();
    fields = null;
    return requestSide ? requestHead(h) : responseHead(h);
  }

  private Http1Event requestHead(Http1Fields h) {
    Http1Request request;
    try {
      request = new Http1Request(method, target, version, h);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    int hosts = h.count("Host");
    if (hosts > 1) {
      throw bad("request has " + hosts + " Host fields; exactly one is allowed (RFC 9112 3.2)");
    }
    if (hosts == 0 && version == Http1Version.HTTP_1_1) {
      throw bad("HTTP/1.1 request without a Host field (RFC 9112 3.2)");
    }
    if (hosts == 1) {
      String host = h.get("Host");
      String p = Http1Syntax.hostProblem(host);
      if (p != null) {
        throw bad("invalid Host '" + printable(host) + "': " + p);
      }
    }
    frameBody(h, true);
    if (request.isConnect() && phase != Phase.END) {
      throw bad("a CONNECT request has no content (RFC 9110 9.3.6), but this one declares a body");
    }
    pauseAfter = request.isConnect() || request.isUpgrade();
    return new Http1Event.RequestHead(request);
  }

  private Http1Event responseHead(Http1Fields h) {
    Http1Response response;
    try {
      response = new Http1Response(status, reason, version, h);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    if (status < 200 && status != 101) {
      // Interim: the final response to the same request follows.
      phase = Phase.START;
      resetMessage();
      return new Http1Event.ResponseHead(response);
    }
    String requestMethod = pendingMethods.removeFirst();
    if (status == 101 || requestMethod.equals("CONNECT") && status < 300) {
      // The connection now carries another protocol (or a tunnel): no body, stop after this message.
      pauseAfter = true;
      phase = Phase.END;
    } else if (requestMethod.equals("HEAD") || status == 204 || status == 304) {
      phase = Phase.END;
    } else {
      frameBody(h, false);
    }
    return new Http1Event.ResponseHead(response);
  }

  /** RFC 9112 6.3, strictly: sets the body phase from Content-Length / Transfer-Encoding. */
  private void frameBody(Http1Fields h, boolean request) {
    boolean te = h.contains("Transfer-Encoding");
    boolean cl = h.contains("Content-Length");
    if (te && cl) {
      throw bad("message has both Content-Length and Transfer-Encoding (RFC 9112 6.3; a request smuggling vector)");
    }
    if (te) {
      if (version == Http1Version.HTTP_1_0) {
        throw bad("Transfer-Encoding in an HTTP/1.0 message (RFC 9112 6.1)");
      }
      checkTransferCodings(h, request);
      bodyBytes = 0;
      phase = Phase.CHUNK_SIZE;
    } else if (cl) {
      long length = contentLength(h);
      if (length > limits.maxBodyBytes()) {
        throw LimitExceededException.http(413, "maxBodyBytes", limits.maxBodyBytes(), length);
      }
      remaining = length;
      phase = length == 0 ? Phase.END : Phase.BODY_FIXED;
    } else if (request) {
      phase = Phase.END;
    } else {
      bodyBytes = 0;
      phase = Phase.BODY_UNTIL_EOF;
    }
  }

  /** Only {@code chunked}, exactly once and last, is supported; other codings are answered 501. */
  private static void checkTransferCodings(Http1Fields h, boolean request) {
    List<String> codings = h.tokens("Transfer-Encoding");
    if (codings.isEmpty()) {
      throw bad("empty Transfer-Encoding");
    }
    String te = String.join(", ", codings);
    String last = codings.get(codings.size() - 1);
    if (request && !last.equalsIgnoreCase("chunked")) {
      // RFC 9112 6.3: the length of such a request cannot be determined.
      throw bad("Transfer-Encoding '" + printable(te) + "' does not end with chunked");
    }
    String[] names = new String[codings.size()];
    for (int i = 0; i < names.length; i++) {
      String coding = codings.get(i);
      int semi = coding.indexOf(';');
      names[i] = (semi < 0 ? coding : coding.substring(0, semi)).strip();
      if (!Http1Fields.isToken(names[i])) {
        throw bad("invalid transfer coding '" + printable(coding) + "' in Transfer-Encoding");
      }
    }
    for (String name : names) {
      if (!name.equalsIgnoreCase("chunked")) {
        throw RemoteProtocolException.http(501, "transfer coding '" + printable(name) + "' is not implemented "
            + "(only chunked is)");
      }
    }
    if (names.length > 1) {
      throw bad("chunked is applied more than once in Transfer-Encoding '" + printable(te) + "'");
    }
    if (last.indexOf(';') >= 0) {
      throw bad("chunked takes no parameters: '" + printable(last) + "'");
    }
  }

  /** Content-Length, allowing a repeated identical value ("5, 5" or two equal lines), as RFC 9110 8.6 permits. */
  private static long contentLength(Http1Fields h) {
    long value = -1;
    for (String line : h.getAll("Content-Length")) {
      for (String part : line.split(",", -1)) {
        String digits = part.strip();
        if (digits.isEmpty()) {
          throw bad("empty element in Content-Length '" + printable(line) + "'");
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
          char c = digits.charAt(i);
          if (!Http1Syntax.isDigit(c)) {
            throw bad("Content-Length '" + printable(digits) + "' is not a non-negative decimal number");
          }
          if (n > (Long.MAX_VALUE - (c - '0')) / 10) {
            throw bad("Content-Length '" + printable(digits) + "' overflows");
          }
          n = n * 10 + (c - '0');
        }
        if (value >= 0 && n != value) {
          throw bad("conflicting Content-Length values " + value + " and " + n);
        }
        value = n;
      }
    }
    return value;
  }

  // ---- chunks ----

  /** Parses {@code chunk-size [chunk-ext]} (RFC 9112 7.1) and returns the size. */
  private long parseChunkLine(int s, int e) {
    int i = s;
    long size = 0;
    while (i < e && Http1Syntax.isHexDigit(buf[i])) {
      if (i - s == MAX_CHUNK_SIZE_DIGITS) {
        throw bad("chunk size has more than " + MAX_CHUNK_SIZE_DIGITS + " hex digits");
      }
      if (size > (Long.MAX_VALUE >> 4)) {
        throw bad("chunk size " + quote(s, i + 1) + "... overflows");
      }
      size = size << 4 | Character.digit(buf[i], 16);
      i++;
    }
    if (i == s) {
      throw bad("invalid chunk size " + quote(s, e) + ": expected hex digits");
    }
    if (e - i > limits.maxChunkExtBytes()) {
      throw LimitExceededException.http(400, "maxChunkExtBytes", limits.maxChunkExtBytes(), e - i);
    }
    checkChunkExtensions(i, e);
    return size;
  }

  /** {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )}, nothing else. */
  private void checkChunkExtensions(int i, int e) {
    while (i < e) {
      i = skipOws(i, e);
      if (i == e || buf[i] != ';') {
        throw badExtension(i, e, "expected ';'");
      }
      i = skipOws(i + 1, e);
      int n = i;
      while (i < e && Http1Fields.isTokenChar(buf[i] & 0xFF)) {
        i++;
      }
      if (i == n) {
        throw badExtension(i, e, "expected an extension name");
      }
      int j = skipOws(i, e);
      if (j < e && buf[j] == '=') {
        i = skipOws(j + 1, e);
        if (i < e && buf[i] == '"') {
          i = skipQuotedString(i + 1, e);
        } else {
          int v = i;
          while (i < e && Http1Fields.isTokenChar(buf[i] & 0xFF)) {
            i++;
          }
          if (i == v) {
            throw badExtension(i, e, "expected a token or quoted-string value");
          }
        }
      }
    }
  }

  private int skipQuotedString(int i, int e) {
    while (i < e) {
      int c = buf[i] & 0xFF;
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        if (i + 1 == e || !Http1Syntax.isFieldValueChar(buf[i + 1] & 0xFF)) {
          throw badExtension(i, e, "bad quoted-pair");
        }
        i += 2;
      } else if (Http1Syntax.isFieldValueChar(c)) {
        i++;
      } else {
        throw badExtension(i, e, "invalid character " + Http1Syntax.hex(c) + " in quoted-string");
      }
    }
    throw badExtension(i, e, "unterminated quoted-string");
  }

  private RemoteProtocolException badExtension(int at, int e, String what) {
    return bad("invalid chunk extension at " + quote(at, e) + ": " + what + " (RFC 9112 7.1.1)");
  }

  private int skipOws(int i, int e) {
    while (i < e && isOws(buf[i])) {
      i++;
    }
    return i;
  }

  // ---- helpers ----

  private int indexOf(int b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Field names, values and methods that nearly every request carries, spelled as clients send them: an
   * exact match returns the shared constant instead of a new String (a WebSocket upgrade is mostly these).
   * Indexed by length.
   */
  private static final String[][] KNOWN_NAMES = byLength("Host", "Upgrade", "Connection", "Sec-WebSocket-Key",
      "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Origin", "User-Agent",
      "Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Pragma", "Content-Length", "Content-Type",
      "Transfer-Encoding", "Cookie", "Referer", "Date", "Server", "Location", "Content-Encoding", "If-None-Match",
      "If-Modified-Since", "Range", "Authorization", "ETag", "Last-Modified", "Keep-Alive", "Vary", "Expect");
  private static final String[][] KNOWN_VALUES = byLength("websocket", "Upgrade", "13", "keep-alive", "close",
      "Keep-Alive", "no-cache", "*/*", "chunked", "gzip, deflate", "gzip, deflate, br",
      "permessage-deflate; client_max_window_bits");
  private static final String[][] KNOWN_METHODS = byLength("GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS",
      "PATCH", "CONNECT", "TRACE");
  private static final String[][] KNOWN_TARGETS = byLength("/");

  private static String[][] byLength(String... words) {
    int max = 0;
    for (String w : words) {
      max = Math.max(max, w.length());
    }
    String[][] table = new String[max + 1][0];
    for (String w : words) {
      String[] row = Arrays.copyOf(table[w.length()], table[w.length()].length + 1);
      row[row.length - 1] = w;
      table[w.length()] = row;
    }
    return table;
  }

  /** {@code buf[s, e)} as a String: one of {@code table}'s when the bytes are exactly it. */
  private String known(int s, int e, String[][] table) {
    int n = e - s;
    if (n < table.length) {
      for (String w : table[n]) {
        int k = 0;
        while (k < n && buf[s + k] == w.charAt(k)) {
          k++;
        }
        if (k == n) {
          return w;
        }
      }
    }
    return string(s, e);
  }

  private boolean matches(int s, int e, String text) {
    for (int i = s; i < e; i++) {
      if (buf[i] != text.charAt(i - s)) {
        return false;
      }
    }
    return true;
  }

  private String string(int s, int e) {
    return new String(buf, s, e - s, StandardCharsets.ISO_8859_1);
  }



  /** Bytes for an error message: quoted, at most 64 chars, control and non-ASCII bytes escaped. */
  private String quote(int s, int e) {
    return "'" + printable(string(s, Math.min(e, s + 64))) + (e - s > 64 ? "...'" : "'");
  }

  /** {@code s} with control and non-ASCII chars escaped, so a peer cannot forge log lines. */
  static String printable(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean plain = c >= 0x20 && c < 0x7F && c != '\\';
      if (!plain && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (plain) {
          sb.append(c);
        } else {
          sb.append(c == '\\' ? "\\\\" : String.format("\\x%02x", (int) c));
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static RemoteProtocolException bad(String message) {
    return RemoteProtocolException.http(400, message);
  }
}
