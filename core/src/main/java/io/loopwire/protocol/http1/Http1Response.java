package io.loopwire.protocol.http1;

import java.util.Objects;

/**
 * A response head: status line and header fields. Immutable; the body travels separately.
 *
 * <p>The constructor throws {@link IllegalArgumentException} naming the value if the status is outside
 * 100-599 or the reason phrase holds a character other than HTAB, SP, visible ASCII or 0x80-0xFF (so no
 * CR or LF can split the head).
 *
 * @param status the three-digit status code, 100 to 599
 * @param reason the reason phrase, possibly empty; clients ignore it (RFC 9112 section 4)
 * @param version the protocol version
 * @param headers the header fields in order
 */
public record Http1Response(int status, String reason, Http1Version version, Http1Fields headers) {

  public Http1Response {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status " + status + " is outside 100-599");
    }
    // the standard phrases are known to be fine (an identity check: they are our own constants)
    String p = reason != null && reason == defaultReason(status) ? null : Http1Syntax.reasonProblem(reason);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(headers, "headers");
  }

  /** An HTTP/1.1 response with the standard reason phrase for {@code status}. */
  public static Http1Response of(int status, Http1Fields headers) {
    return new Http1Response(status, defaultReason(status), Http1Version.HTTP_1_1, headers);
  }

  /** Whether this is an interim (1xx) response; {@code 101} is interim too, but ends HTTP on the connection. */
  public boolean isInformational() {
    return status < 200;
  }

  /** Whether this is {@code 101 Switching Protocols}. */
  public boolean isSwitchingProtocols() {
    return status == 101;
  }

  /** Same rule as {@link Http1Request#keepAlive()}, applied to this response's version and fields. */
  public boolean keepAlive() {
    return keepAlive(version, headers);
  }

  static boolean keepAlive(Http1Version version, Http1Fields headers) {
    if (headers.containsToken("Connection", "close")) {
      return false;
    }
    return version == Http1Version.HTTP_1_1 || headers.containsToken("Connection", "keep-alive");
  }

  /** The RFC 9110 reason phrase for {@code status}, or {@code ""} for codes it does not name. */
  public static String defaultReason(int status) {
    switch (status) {
      case 100: return "Continue";
      case 101: return "Switching Protocols";
      case 200: return "OK";
      case 201: return "Created";
      case 202: return "Accepted";
      case 203: return "Non-Authoritative Information";
      case 204: return "No Content";
      case 205: return "Reset Content";
      case 206: return "Partial Content";
      case 300: return "Multiple Choices";
      case 301: return "Moved Permanently";
      case 302: return "Found";
      case 303: return "See Other";
      case 304: return "Not Modified";
      case 307: return "Temporary Redirect";
      case 308: return "Permanent Redirect";
      case 400: return "Bad Request";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 405: return "Method Not Allowed";
      case 406: return "Not Acceptable";
      case 408: return "Request Timeout";
      case 409: return "Conflict";
      case 410: return "Gone";
      case 411: return "Length Required";
      case 412: return "Precondition Failed";
      case 413: return "Content Too Large";
      case 414: return "URI Too Long";
      case 415: return "Unsupported Media Type";
      case 416: return "Range Not Satisfiable";
      case 417: return "Expectation Failed";
      case 421: return "Misdirected Request";
      case 422: return "Unprocessable Content";
      case 426: return "Upgrade Required";
      case 428: return "Precondition Required";
      case 429: return "Too Many Requests";
      case 431: return "Request Header Fields Too Large";
      case 500: return "Internal Server Error";
      case 501: return "Not Implemented";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      case 505: return "HTTP Version Not Supported";
      default: return "";
    }
  }
}
