package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.uri.Uri;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A request for the {@link HttpClient}. Immutable (the body it carries is not copied: see
 * {@link #withBody(byte[])}). The URI is parsed at once, so a malformed one fails here with an
 * {@link IllegalArgumentException} naming the character and index.
 *
 * <pre>{@code
 * HttpClientRequest.get("http://127.0.0.1:8080/api/users?page=2").withHeader("Accept", "application/json");
 * HttpClientRequest.of("POST", "http://127.0.0.1:8080/api/users").withHeader("Content-Type", "application/json")
 *     .withBody("{\"name\":\"x\"}".getBytes(UTF_8));
 * }</pre>
 *
 * <p>Framing is the client's: Content-Length for a byte body (and {@code 0} for a POST, PUT or PATCH
 * without one), chunked for {@link #withChunkedBody}. Host is set from the URI unless given.
 */
public final class HttpClientRequest {

  private final String method;
  private final Uri uri;
  private final Http1Fields headers;
  private final List<ByteBuffer> body;
  private final boolean chunked;
  private final Boolean retryable;

  private HttpClientRequest(String method, Uri uri, Http1Fields headers, List<ByteBuffer> body, boolean chunked,
      Boolean retryable) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
    this.chunked = chunked;
    this.retryable = retryable;
  }

  /**
   * A request with {@code method} (a token, case-sensitive) for {@code uri} (http or https).
   *
   * @throws IllegalArgumentException for a malformed URI, another scheme, or a bad method
   */
  public static HttpClientRequest of(String method, String uri) {
    Checks.notNull("method", method);
    Checks.notNull("uri", uri);
    if (!Http1Fields.isToken(method)) {
      throw new ConfigException("HTTP method '" + method + "' is not a token (GET, POST, ...)");
    }
    Uri u = Uri.parse(uri);
    if (u.isWebSocket()) {
      throw new ConfigException("the HTTP client takes http:// or https:// URIs, not " + u.scheme()
          + ":// (use Loopwire.connect for WebSocket): " + uri);
    }
    return new HttpClientRequest(method, u, Http1Fields.empty(), null, false, null);
  }

  public static HttpClientRequest get(String uri) {
    return of("GET", uri);
  }

  public static HttpClientRequest head(String uri) {
    return of("HEAD", uri);
  }

  public static HttpClientRequest delete(String uri) {
    return of("DELETE", uri);
  }

  /** A POST of {@code body} with {@code contentType}. */
  public static HttpClientRequest post(String uri, String contentType, byte[] body) {
    return of("POST", uri).withHeader("Content-Type", contentType).withBody(body);
  }

  /** A PUT of {@code body} with {@code contentType}. */
  public static HttpClientRequest put(String uri, String contentType, byte[] body) {
    return of("PUT", uri).withHeader("Content-Type", contentType).withBody(body);
  }

  /**
   * Adds a header field.
   *
   * @throws IllegalArgumentException for a bad name or value, or for Content-Length and Transfer-Encoding,
   *     which the client sets from the body
   */
  public HttpClientRequest withHeader(String name, String value) {
    return withHeaders(Http1Fields.of(name, value));
  }

  /** Adds every field of {@code more}; rules as for {@link #withHeader}. */
  public HttpClientRequest withHeaders(Http1Fields more) {
    Checks.notNull("headers", more);
    for (String framing : new String[] {"Content-Length", "Transfer-Encoding"}) {
      if (more.contains(framing)) {
        throw new ConfigException("do not set " + framing + ": the client frames the body it is given");
      }
    }
    return new HttpClientRequest(method, uri, headers.toBuilder().addAll(more).build(), body, chunked, retryable);
  }

  /**
   * Sets a body sent with Content-Length. Ownership: {@code bytes} is transferred, not copied; do not
   * change it until the request has completed. The client only reads it, and drops it on completion.
   */
  public HttpClientRequest withBody(byte[] bytes) {
    Checks.notNull("body", bytes);
    return new HttpClientRequest(method, uri, headers, List.of(ByteBuffer.wrap(bytes)), false, retryable);
  }

  /**
   * Sets a body sent chunked, one chunk per buffer (empty ones are skipped). Ownership: the buffers are
   * transferred; the client reads them through duplicates (their positions never move), so a retry can
   * send them again.
   */
  public HttpClientRequest withChunkedBody(List<ByteBuffer> chunks) {
    Checks.notNull("chunks", chunks);
    return new HttpClientRequest(method, uri, headers, List.copyOf(chunks), true, retryable);
  }

  /**
   * Whether the request may be sent again after its connection died before any byte of the response
   * arrived. Default: by the method (GET, HEAD, PUT, DELETE, OPTIONS and TRACE are idempotent, RFC 9110
   * 9.2.2); set it for a POST the server deduplicates (an idempotency key), or clear it for a PUT that
   * must never repeat.
   */
  public HttpClientRequest withRetryable(boolean v) {
    return new HttpClientRequest(method, uri, headers, body, chunked, v);
  }

  public String method() {
    return method;
  }

  public Uri uri() {
    return uri;
  }

  public Http1Fields headers() {
    return headers;
  }

  List<ByteBuffer> body() {
    return body;
  }

  boolean chunked() {
    return chunked;
  }

  Boolean retryable() {
    return retryable;
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }
}
