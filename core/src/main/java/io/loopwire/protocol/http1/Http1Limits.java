package io.loopwire.protocol.http1;

/**
 * Bounds on what an HTTP/1.1 peer may make a parser hold or accept. One immutable record per parser;
 * {@link #defaults()} gives safe values and the withers change one field each:
 * {@code Http1Limits.defaults().withMaxBodyBytes(16 << 20)}.
 *
 * <p>A parser checks each limit while it scans, before it keeps the bytes, so a peer can never make it
 * buffer more than one head (request or status line plus header section) or one chunk-size line.
 *
 * @param maxRequestLineBytes longest request line (or response status line), without its CRLF.
 *     Default 8192 (8 KiB): RFC 9112 section 3 asks for at least 8000 octets, and browsers, proxies and
 *     CDNs cap URLs near that. Also bounds the empty lines a peer may send before a start line. A longer
 *     request line is answered 414.
 * @param maxHeaderBytes largest header section (every field line with its CRLF, plus the final CRLF);
 *     also bounds a chunked message's trailer section. Default 32768 (32 KiB): twice Node.js's 16 KiB and
 *     as much as nginx's four 8 KiB large-header buffers, which real browser traffic (cookies included)
 *     fits in, while one slow or hostile connection can pin at most 32 KiB of head. Answered 431.
 * @param maxHeaderCount most field lines in a header (or trailer) section. Default 100, Apache httpd's
 *     {@code LimitRequestFields}: real requests carry 10 to 30 fields, and the count bounds the per-field
 *     objects that a section of tiny lines could otherwise create. Answered 431.
 * @param maxBodyBytes largest message body, whether declared by Content-Length, summed over chunks or read
 *     until the connection closes. Default 1048576 (1 MiB): enough for forms and JSON APIs; raise it for
 *     uploads or downloads. The parser streams the body (it never holds it whole), so the limit protects
 *     whatever the application accumulates. Checked against a declared length before any body byte is
 *     read. Answered 413.
 * @param maxChunkExtBytes longest chunk extension (what follows the chunk size on a chunk-size line).
 *     Default 1024 (1 KiB): no client sends extensions in practice, but the line must be held whole before
 *     it can be parsed, so it needs its own small bound. Answered 400.
 */
public record Http1Limits(
    int maxRequestLineBytes,
    int maxHeaderBytes,
    int maxHeaderCount,
    long maxBodyBytes,
    int maxChunkExtBytes) {

  /** Default {@link #maxRequestLineBytes()}: 8 KiB. */
  public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8 * 1024;
  /** Default {@link #maxHeaderBytes()}: 32 KiB. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;
  /** Default {@link #maxHeaderCount()}: 100. */
  public static final int DEFAULT_MAX_HEADER_COUNT = 100;
  /** Default {@link #maxBodyBytes()}: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  /** Default {@link #maxChunkExtBytes()}: 1 KiB. */
  public static final int DEFAULT_MAX_CHUNK_EXT_BYTES = 1024;

  private static final Http1Limits DEFAULTS = new Http1Limits(
      DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_HEADER_COUNT,
      DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CHUNK_EXT_BYTES);

  /** Rejects values that would make a parser unusable. */
  public Http1Limits {
    // "GET / HTTP/1.1" is 14 bytes; anything smaller could not hold a request line.
    if (maxRequestLineBytes < 16) {
      throw new IllegalArgumentException("maxRequestLineBytes " + maxRequestLineBytes + " must be >= 16");
    }
    // room for the final CRLF at least
    if (maxHeaderBytes < 2) {
      throw new IllegalArgumentException("maxHeaderBytes " + maxHeaderBytes + " must be >= 2");
    }
    if (maxHeaderCount < 0) {
      throw new IllegalArgumentException("maxHeaderCount " + maxHeaderCount + " must be >= 0");
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " must be >= 0");
    }
    if (maxChunkExtBytes < 0) {
      throw new IllegalArgumentException("maxChunkExtBytes " + maxChunkExtBytes + " must be >= 0");
    }
  }

  /** The safe defaults documented on each component. */
  public static Http1Limits defaults() {
    return DEFAULTS;
  }

  public Http1Limits withMaxRequestLineBytes(int bytes) {
    return new Http1Limits(bytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, maxChunkExtBytes);
  }

  public Http1Limits withMaxHeaderBytes(int bytes) {
    return new Http1Limits(maxRequestLineBytes, bytes, maxHeaderCount, maxBodyBytes, maxChunkExtBytes);
  }

  public Http1Limits withMaxHeaderCount(int count) {
    return new Http1Limits(maxRequestLineBytes, maxHeaderBytes, count, maxBodyBytes, maxChunkExtBytes);
  }

  /** {@code Long.MAX_VALUE} means no limit of our own. */
  public Http1Limits withMaxBodyBytes(long bytes) {
    return new Http1Limits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, bytes, maxChunkExtBytes);
  }

  public Http1Limits withMaxChunkExtBytes(int bytes) {
    return new Http1Limits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, bytes);
  }
}
