package io.loopwire.protocol.http1;

import java.util.Objects;

/**
 * A request head: request line and header fields. Immutable; the body travels separately (as
 * {@link Http1Event.Body} events when parsed, through {@link Http1Serializer} when sent).
 *
 * <p>The constructor checks what every request must satisfy and throws {@link IllegalArgumentException}
 * naming the value: the method is a token, the target holds only visible ASCII other than '#' and has the
 * form its method allows (RFC 9112 section 3.2). Any token is accepted as a method here, so a client can
 * send extension methods; the request parser answers unknown methods 501.
 *
 * @param method the method, case-sensitive ({@code GET}, {@code POST}, ...)
 * @param target the request target as sent: {@code /path?query}, {@code http://host/path},
 *     {@code host:port} (CONNECT) or {@code *} (OPTIONS)
 * @param version the protocol version
 * @param headers the header fields in order
 */
public record Http1Request(String method, String target, Http1Version version, Http1Fields headers) {

  public Http1Request {
    String p = Http1Syntax.methodProblem(method);
    if (p == null) {
      p = Http1Syntax.targetProblem(method, target);
    }
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(headers, "headers");
  }

  /** An HTTP/1.1 request. */
  public static Http1Request of(String method, String target, Http1Fields headers) {
    return new Http1Request(method, target, Http1Version.HTTP_1_1, headers);
  }

  /** The Host field value, or {@code null} if absent. */
  public String host() {
    return headers.get("Host");
  }

  /**
   * Whether the connection may carry another request after this one (RFC 9112 section 9.3): for HTTP/1.1
   * unless {@code Connection: close}; for HTTP/1.0 only with {@code Connection: keep-alive}.
   */
  public boolean keepAlive() {
    return Http1Response.keepAlive(version, headers);
  }

  /**
   * Whether the client waits for {@code 100 Continue} before sending the body: an HTTP/1.1 request with
   * {@code Expect: 100-continue} (RFC 9110 section 10.1.1 says to ignore it in HTTP/1.0).
   */
  public boolean expectsContinue() {
    return version == Http1Version.HTTP_1_1 && headers.containsToken("Expect", "100-continue");
  }

  /**
   * Whether this asks to switch protocols: HTTP/1.1 with a non-empty {@code Upgrade} field and {@code upgrade} in
   * {@code Connection} (RFC 9110 section 7.8; an Upgrade in HTTP/1.0 is ignored). The request parser pauses
   * after such a request so the caller can accept ({@code takeLeftover}) or decline ({@code resume}).
   */
  public boolean isUpgrade() {
    return version == Http1Version.HTTP_1_1 && !headers.tokens("Upgrade").isEmpty()
        && headers.containsToken("Connection", "upgrade");
  }

  /** Whether this is a CONNECT (tunnel) request. */
  public boolean isConnect() {
    return method.equals("CONNECT");
  }
}
