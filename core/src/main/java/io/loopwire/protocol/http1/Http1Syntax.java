package io.loopwire.protocol.http1;

import java.util.Set;

/**
 * The RFC 9110/9112 syntax rules shared by the records (which throw {@link IllegalArgumentException}), the
 * parsers (which answer 400) and the serializer. Each {@code *Problem} method returns {@code null} when the
 * value is fine, otherwise a message naming the value and the rule.
 */
final class Http1Syntax {

  /** The methods of RFC 9110 section 9 plus PATCH (RFC 5789); the request parser answers others 501. */
  static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private Http1Syntax() {}

  /** VCHAR, SP, HTAB and obs-text: what a field value or reason phrase may hold (RFC 9110 5.5). */
  static boolean isFieldValueChar(int c) {
    return c == '\t' || c >= 0x20 && c <= 0xFF && c != 0x7F;
  }

  /** What a request target may hold: visible ASCII except '#' (a fragment never goes on the wire). */
  static boolean isTargetChar(int c) {
    return c > 0x20 && c < 0x7F && c != '#';
  }

  static String methodProblem(String method) {
    if (method == null || !Http1Fields.isToken(method)) {
      return "invalid HTTP method '" + method + "': a method is a non-empty RFC 9110 token";
    }
    return null;
  }

  /**
   * The request-target rules of RFC 9112 section 3.2: authority-form ({@code host:port}) only and always
   * with CONNECT, asterisk-form ({@code *}) only with OPTIONS, otherwise origin-form ({@code /path?query})
   * or absolute-form ({@code scheme://...}).
   */
  static String targetProblem(String method, String target) {
    if (target == null || target.isEmpty()) {
      return "empty request target";
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (!isTargetChar(c)) {
        return "invalid character " + hex(c) + " at index " + i + " of request target '" + target
            + "': only visible ASCII other than '#' is allowed (percent-encode the rest)";
      }
    }
    if ("CONNECT".equals(method)) {
      String p = authorityProblem(target, true);
      return p == null ? null : "CONNECT needs an authority-form target host:port, got '" + target + "': " + p;
    }
    if (target.equals("*")) {
      return "OPTIONS".equals(method) ? null : "asterisk-form target '*' is only allowed with OPTIONS, not " + method;
    }
    if (target.charAt(0) == '/' || isAbsoluteForm(target)) {
      return null;
    }
    return "request target '" + target + "' is neither origin-form (starting with '/') nor absolute-form "
        + "(scheme://...); authority-form is only allowed with CONNECT";
  }

  /**
   * {@code scheme://...}. RFC 3986 allows any {@code scheme:}, but then {@code host:port} would read as a URI
   * with scheme {@code host}; HTTP's absolute-form targets (http, https, ws, wss) all have an authority.
   */
  private static boolean isAbsoluteForm(String target) {
    int colon = target.indexOf(':');
    if (colon <= 0 || !isAlpha(target.charAt(0)) || !target.startsWith("//", colon + 1)) {
      return false;
    }
    for (int i = 1; i < colon; i++) {
      char c = target.charAt(i);
      if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** A Host field value: {@code uri-host [ ":" port ]}, possibly empty (RFC 9110 7.2). */
  static String hostProblem(String host) {
    if (host.isEmpty()) {
      return null;
    }
    return authorityProblem(host, false);
  }

  /** {@code uri-host [":" port]}; with {@code requirePort} the port must be there and non-empty. */
  static String authorityProblem(String s, boolean requirePort) {
    int i;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return "'[' without ']'";
      }
      String ip = s.substring(1, close);
      if (ip.indexOf(':') < 0) {
        return "IP literal '" + ip + "' is not an IPv6 address";
      }
      for (int k = 0; k < ip.length(); k++) {
        char c = ip.charAt(k);
        if (!isHexDigit(c) && c != ':' && c != '.') {
          return "invalid character " + hex(c) + " in IPv6 literal '" + ip + "'";
        }
      }
      i = close + 1;
    } else {
      i = 0;
      while (i < s.length() && s.charAt(i) != ':') {
        char c = s.charAt(i);
        if (c == '%') {
          if (i + 2 >= s.length() || !isHexDigit(s.charAt(i + 1)) || !isHexDigit(s.charAt(i + 2))) {
            return "bad percent-encoding at index " + i;
          }
          i += 3;
          continue;
        }
        if (!isAlpha(c) && !isDigit(c) && "-._~!$&'()*+,;=".indexOf(c) < 0) {
          return "invalid character " + hex(c) + " at index " + i + " in host";
        }
        i++;
      }
      if (i == 0) {
        return "empty host";
      }
    }
    if (i == s.length()) {
      return requirePort ? "missing port" : null;
    }
    if (s.charAt(i) != ':') {
      return "unexpected character " + hex(s.charAt(i)) + " at index " + i + " after host";
    }
    String port = s.substring(i + 1);
    if (port.isEmpty()) {
      return requirePort ? "empty port" : null;
    }
    if (port.length() > 5) {
      return "port '" + port + "' is too long";
    }
    for (int k = 0; k < port.length(); k++) {
      if (!isDigit(port.charAt(k))) {
        return "port '" + port + "' is not a number";
      }
    }
    if (Integer.parseInt(port) > 65535) {
      return "port " + port + " > 65535";
    }
    return null;
  }

  /** A reason phrase: HTAB, SP, VCHAR and obs-text only (RFC 9112 section 4). */
  static String reasonProblem(String reason) {
    if (reason == null) {
      return "reason phrase is null (use \"\" for none)";
    }
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (!isFieldValueChar(c)) {
        return "invalid character " + hex(c) + " at index " + i + " of reason phrase '" + reason
            + "': only HTAB, SP, visible ASCII and 0x80-0xFF are allowed";
      }
    }
    return null;
  }

  /** The characters Http1Fields lets through but the wire forbids (control characters other than HTAB). */
  static String fieldValueProblem(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isFieldValueChar(c)) {
        return "invalid character " + hex(c) + " at index " + i + " in value of HTTP field '" + name
            + "': control characters other than HTAB are not allowed";
      }
    }
    return null;
  }

  static boolean isAlpha(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  static boolean isHexDigit(int c) {
    return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  static String hex(int c) {
    return String.format("0x%02x", c);
  }
}
