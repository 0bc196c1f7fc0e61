package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;

/**
 * A server's answer to an upgrade request: accept (with extra response headers) or reject (with an HTTP
 * status and a reason sent as a small text body).
 */
public final class HandshakeDecision {

  private static final HandshakeDecision ACCEPT = new HandshakeDecision(101, null, Http1Fields.empty());

  private final int status;
  private final String reason;
  private final Http1Fields headers;

  private HandshakeDecision(int status, String reason, Http1Fields headers) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
  }

  public static HandshakeDecision accept() {
    return ACCEPT;
  }

  /** Accept and add {@code headers} to the 101 response (they may not override the handshake's own). */
  public static HandshakeDecision accept(Http1Fields headers) {
    return new HandshakeDecision(101, null, Checks.notNull("headers", headers));
  }

  /** Reject with {@code status} (400..599) and {@code reason}, sent as a text/plain body. */
  public static HandshakeDecision reject(int status, String reason) {
    if (status < 400 || status > 599) {
      throw new ConfigException("a handshake rejection needs a 4xx or 5xx status, got " + status);
    }
    return new HandshakeDecision(status, reason == null ? "" : reason, Http1Fields.empty());
  }

  public boolean accepted() {
    return status == 101;
  }

  /** 101 when accepted, else the rejection status. */
  public int status() {
    return status;
  }

  /** The rejection reason, or {@code null} when accepted. */
  public String reason() {
    return reason;
  }

  public Http1Fields headers() {
    return headers;
  }
}
