package io.loopwire.protocol.http1;

/** The HTTP/1.x versions Loopwire speaks. Anything else on the wire is answered 505 (or 400 if malformed). */
public enum Http1Version {
  HTTP_1_0("HTTP/1.0"),
  HTTP_1_1("HTTP/1.1");

  private final String text;

  Http1Version(String text) {
    this.text = text;
  }

  /** The protocol version as written on the wire, for example {@code HTTP/1.1}. */
  public String text() {
    return text;
  }

  /** The version spelled exactly {@code text} (case-sensitive, as RFC 9112 section 2.3 says), or {@code null}. */
  public static Http1Version of(String text) {
    if ("HTTP/1.1".equals(text)) {
      return HTTP_1_1;
    }
    if ("HTTP/1.0".equals(text)) {
      return HTTP_1_0;
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }
}
