package io.loopwire;

import java.io.IOException;

/**
 * Why an {@link HttpClient} request failed: the failure of its future, exactly once. {@link #kind()}
 * says which step; {@link #getCause()} holds the underlying exception where there is one.
 */
public final class HttpClientException extends IOException {

  private static final long serialVersionUID = 1L;

  /** What failed. */
  public enum Kind {
    /** The host name could not be resolved. */
    RESOLVE,
    /** The TCP connection was refused or unreachable. */
    CONNECT,
    /** No connection (DNS, TCP, tunnel, TLS) within {@code connectTimeout}. */
    CONNECT_TIMEOUT,
    /** The proxy refused the tunnel or answered badly. */
    PROXY,
    /** A failed TLS handshake (the message says why), or a TLS config that cannot be set up. */
    TLS,
    /** No response head within {@code responseHeaderTimeout} of sending the request. */
    HEADER_TIMEOUT,
    /** No complete response within {@code totalTimeout}. */
    TOTAL_TIMEOUT,
    /** The connection closed before the response was complete (and the request was not retried). */
    CLOSED,
    /** The server's response broke HTTP/1.1 (the connection was dropped). */
    PROTOCOL,
    /** The response body passed {@code maxResponseBodyBytes}. */
    BODY_TOO_LARGE,
    /** More redirects than {@code maxRedirects}. */
    REDIRECT,
    /** Too many requests already wait for the origin ({@code maxQueuedPerOrigin}). */
    REJECTED,
    /** The request was cancelled, its listener threw, or the client or its context closed. */
    CANCELLED
  }

  private final Kind kind;

  public HttpClientException(Kind kind, String message, Throwable cause) {
    super(kind + ": " + message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
