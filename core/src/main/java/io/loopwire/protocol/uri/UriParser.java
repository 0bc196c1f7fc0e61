package io.loopwire.protocol.uri;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One parse of one string: an absolute URI, or a reference to resolve against a base. */
final class UriParser {

  // Character classes of RFC 3986, as bits of a table indexed by ASCII code.
  private static final int UNRESERVED = 1;
  private static final int SUB_DELIM = 2;
  /** ':' and '@', which pchar adds to unreserved and sub-delims. */
  private static final int COLON_AT = 4;
  private static final int SLASH = 8;
  private static final int QUESTION = 16;
  private static final int SCHEME = 32;

  private static final int REG_NAME = UNRESERVED | SUB_DELIM;
  private static final int PCHAR = UNRESERVED | SUB_DELIM | COLON_AT;
  private static final int PATH = PCHAR | SLASH;
  private static final int QUERY = PCHAR | SLASH | QUESTION;

  private static final int[] CLASS = new int[128];

  static {
    for (int c = 0; c < 128; c++) {
      int k = 0;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
        k |= UNRESERVED;
      }
      if ("!$&'()*+,;=".indexOf(c) >= 0) {
        k |= SUB_DELIM;
      }
      if (c == ':' || c == '@') {
        k |= COLON_AT;
      }
      if (c == '/') {
        k |= SLASH;
      }
      if (c == '?') {
        k |= QUESTION;
      }
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "+-.".indexOf(c) >= 0) {
        k |= SCHEME;
      }
      CLASS[c] = k;
    }
  }

  private final String in;
  private final UriLimits limits;

  // The authority, once parsed.
  private String hostText;
  private boolean ipLiteral;
  /** -1 if absent or empty. */
  private int port = -1;

  UriParser(String in, UriLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  Uri parseAbsolute() {
    checkLength();
    if (in.isEmpty()) {
      throw fail(0, "empty URI", "write an absolute URI such as ws://example.com/");
    }
    int colon = schemeEnd();
    if (colon < 0) {
      failMissingScheme();
    }
    String scheme = checkScheme(colon);
    int i = colon + 1;
    if (!in.startsWith("//", i)) {
      throw fail(i, "missing \"//\" after \"" + in.substring(0, i) + "\"",
          "an absolute URI needs an authority; write " + scheme + "://host/path");
    }
    int end = parseAuthority(i + 2);
    return parsePathQueryFragment(scheme, end);
  }

  Uri resolveAgainst(Uri base) {
    checkLength();
    int colon = schemeEnd();
    if (colon >= 0) {
      // RFC 3986 5.2.2: an absolute reference keeps its own parts; only the dot segments go.
      Uri t = parseAbsolute();
      return new Uri(t.scheme(), t.hostText(), t.isIpv6(), t.port(), t.hasExplicitPort(),
          removeDotSegments(t.path()), t.query(), t.fragment());
    }
    String scheme = base.scheme();
    if (in.startsWith("//")) {
      Uri t = parsePathQueryFragment(scheme, parseAuthority(2));
      return new Uri(scheme, t.hostText(), t.isIpv6(), t.port(), t.hasExplicitPort(),
          removeDotSegments(t.path()), t.query(), t.fragment());
    }
    int pathEnd = scanPath(0);
    int qEnd = pathEnd;
    String query = null;
    if (qEnd < in.length() && in.charAt(qEnd) == '?') {
      qEnd = scan(qEnd + 1, QUERY, "query", '#');
      query = in.substring(pathEnd + 1, qEnd);
    }
    String fragment = parseFragment(scheme, qEnd);
    String refPath = in.substring(0, pathEnd);
    String path;
    if (refPath.isEmpty()) {
      path = base.path();
      if (query == null) {
        query = base.query();
      }
    } else if (refPath.charAt(0) == '/') {
      path = removeDotSegments(refPath);
    } else {
      int colonInSegment = refPath.indexOf(':');
      int slash = refPath.indexOf('/');
      if (colonInSegment >= 0 && (slash < 0 || colonInSegment < slash)) {
        throw fail(colonInSegment, "':' in the first segment of a relative reference",
            "it would read as a scheme; write ./" + refPath + " instead");
      }
      // Merge (5.2.3): our base always has an authority and a path starting with '/'.
      String basePath = base.path();
      path = removeDotSegments(basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath);
    }
    return new Uri(scheme, base.hostText(), base.isIpv6(), base.port(), base.hasExplicitPort(),
        path.isEmpty() ? "/" : path, query, fragment);
  }

  private void checkLength() {
    if (in.length() > limits.maxUriChars()) {
      throw fail(limits.maxUriChars(), "URI of " + in.length() + " chars is longer than maxUriChars "
          + limits.maxUriChars(), "shorten it, or raise UriLimits.maxUriChars");
    }
  }

  /** The index of the ':' ending a well-formed scheme at the start, or -1. */
  private int schemeEnd() {
    if (in.isEmpty() || !isAlpha(in.charAt(0))) {
      return -1;
    }
    for (int i = 1; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c == ':') {
        return i;
      }
      if (c >= 128 || (CLASS[c] & SCHEME) == 0) {
        return -1;
      }
    }
    return -1;
  }

  private void failMissingScheme() {
    // A character no URI may hold is the better report (e.g. "ws ://h").
    for (int i = 0; i < in.length() && in.charAt(i) != ':' && in.charAt(i) != '/'; i++) {
      if (!isAllowedAnywhere(in.charAt(i))) {
        throw failChar(i, "scheme");
      }
    }
    throw fail(0, "missing scheme",
        "an absolute URI starts with ws://, wss://, http:// or https://, as in ws://example.com/");
  }

  private String checkScheme(int colon) {
    String given = in.substring(0, colon);
    String scheme = given.toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss") && !scheme.equals("http") && !scheme.equals("https")) {
      boolean portNext = colon + 1 < in.length() && in.charAt(colon + 1) >= '0' && in.charAt(colon + 1) <= '9';
      throw fail(0, "unsupported scheme \"" + given + "\"", portNext && in.length() <= 100
          ? "if \"" + given + "\" is a host, put a scheme first, as in ws://" + in
          : "only ws, wss, http and https URIs are supported");
    }
    return scheme;
  }

  /** Parses the authority starting at {@code start}; returns its end. */
  private int parseAuthority(int start) {
    int end = start;
    while (end < in.length() && "/?#".indexOf(in.charAt(end)) < 0) {
      end++;
    }
    int at = in.indexOf('@', start);
    if (at >= 0 && at < end) {
      throw fail(at, "userinfo (\"" + in.substring(start, at + 1) + "\")",
          "userinfo is not supported; pass credentials in an Authorization header");
    }
    int hostEnd;
    if (start < end && in.charAt(start) == '[') {
      int close = in.indexOf(']', start);
      if (close < 0 || close >= end) {
        throw fail(start, "'[' without a matching ']'", "write an IPv6 address in brackets, as in ws://[::1]:8080/");
      }
      parseIpLiteral(start + 1, close);
      hostEnd = close + 1;
      if (hostEnd < end && in.charAt(hostEnd) != ':') {
        throw fail(hostEnd, describe(hostEnd) + " after the IPv6 literal",
            "only :port may follow ']', as in ws://[::1]:8080/");
      }
    } else {
      hostEnd = start;
      while (hostEnd < end && in.charAt(hostEnd) != ':') {
        char c = in.charAt(hostEnd);
        if (c == '%') {
          throw fail(hostEnd, "percent-encoding in the host",
              "write the host name in ASCII (an internationalized name in its xn-- form)");
        }
        if (c >= 128 || (CLASS[c] & REG_NAME) == 0) {
          throw failChar(hostEnd, "host");
        }
        hostEnd++;
      }
      if (hostEnd == start) {
        throw fail(start, "missing host", "write the host after \"//\", as in ws://example.com/");
      }
      hostText = in.substring(start, hostEnd).toLowerCase(Locale.ROOT);
      ipLiteral = false;
    }
    if (hostEnd < end) { // at ':'
      parsePort(hostEnd + 1, end);
    }
    return end;
  }

  private void parsePort(int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = in.charAt(i);
      if (c < '0' || c > '9') {
        throw fail(i, describe(i) + " in the port", "the port is decimal digits, 1 to 65535");
      }
      value = value * 10 + (c - '0');
      if (value > 65535) {
        throw fail(from, "port " + in.substring(from, to) + " is out of range",
            "use a port from 1 to 65535, or omit it for the scheme's default");
      }
    }
    if (from == to) {
      return; // "host:" means the default port (RFC 3986 3.2.3)
    }
    if (value == 0) {
      throw fail(from, "port 0", "port 0 cannot be connected to; use a port from 1 to 65535, "
          + "or omit it for the scheme's default");
    }
    port = (int) value;
  }

  /** Validates an IP-literal between the brackets, {@code from} to {@code to} exclusive. */
  private void parseIpLiteral(int from, int to) {
    if (from < to && (in.charAt(from) == 'v' || in.charAt(from) == 'V')) {
      throw fail(from, "IPvFuture address literal", "only IPv6 literals are supported in brackets");
    }
    int pct = in.indexOf('%', from);
    int addrEnd = pct >= 0 && pct < to ? pct : to;
    checkIpv6(from, addrEnd);
    String zone = "";
    if (addrEnd < to) {
      if (!in.startsWith("%25", addrEnd) || addrEnd + 3 == to) {
        throw fail(addrEnd, "malformed IPv6 zone id", "write the zone as %25 then its name, "
            + "as in ws://[fe80::1%25eth0]/ (RFC 6874)");
      }
      for (int i = addrEnd + 3; i < to; i++) {
        char c = in.charAt(i);
        if (c >= 128 || (CLASS[c] & UNRESERVED) == 0) {
          throw fail(i, describe(i) + " in the IPv6 zone id",
              "a zone id is letters, digits and -._~ (an interface name or number)");
        }
      }
      zone = in.substring(addrEnd, to); // zone names are case-sensitive: kept as given
    }
    hostText = '[' + in.substring(from, addrEnd).toLowerCase(Locale.ROOT) + zone + ']';
    ipLiteral = true;
  }

  /** RFC 3986 IPv6address: eight 16-bit pieces, or fewer around one "::", the last two maybe IPv4. */
  private void checkIpv6(int from, int to) {
    String a = in.substring(from, to);
    int dbl = a.indexOf("::");
    if (dbl >= 0 && a.indexOf("::", dbl + 1) >= 0) {
      throw badIpv6(from, a, "\"::\" may appear only once");
    }
    int pieces;
    if (dbl < 0) {
      pieces = countPieces(from, a, 0, a.length(), true);
      if (pieces != 8) {
        throw badIpv6(from, a, "it has " + pieces + " 16-bit pieces, not 8 (use \"::\" for zero runs)");
      }
    } else {
      pieces = countPieces(from, a, 0, dbl, false) + countPieces(from, a, dbl + 2, a.length(), true);
      if (pieces > 7) {
        throw badIpv6(from, a, "it has " + pieces + " 16-bit pieces besides \"::\", more than 7");
      }
    }
  }

  /** Counts the pieces of a[from, to) (colon-separated h16, maybe a final IPv4 worth two); 0 if empty. */
  private int countPieces(int base, String a, int from, int to, boolean mayEndInIpv4) {
    if (from == to) {
      return 0;
    }
    int pieces = 0;
    int start = from;
    while (true) {
      int colon = a.indexOf(':', start);
      int end = colon < 0 || colon >= to ? to : colon;
      String piece = a.substring(start, end);
      if (end == to && mayEndInIpv4 && piece.indexOf('.') >= 0) {
        checkIpv4(base, a, piece);
        return pieces + 2;
      }
      if (piece.isEmpty() || piece.length() > 4 || !isHex(piece)) {
        throw badIpv6(base, a, "\"" + piece + "\" is not 1 to 4 hex digits");
      }
      pieces++;
      if (end == to) {
        return pieces;
      }
      start = end + 1;
    }
  }

  private void checkIpv4(int base, String a, String v4) {
    String[] octets = v4.split("\\.", -1);
    if (octets.length != 4) {
      throw badIpv6(base, a, "\"" + v4 + "\" is not a dotted IPv4 address");
    }
    for (String o : octets) {
      boolean ok = !o.isEmpty() && o.length() <= 3 && (o.length() == 1 || o.charAt(0) != '0');
      for (int i = 0; ok && i < o.length(); i++) {
        ok = o.charAt(i) >= '0' && o.charAt(i) <= '9';
      }
      if (!ok || Integer.parseInt(o) > 255) {
        throw badIpv6(base, a, "\"" + o + "\" is not an IPv4 octet 0 to 255 without leading zeros");
      }
    }
  }

  private UriSyntaxException badIpv6(int index, String a, String why) {
    return fail(index, "invalid IPv6 address \"" + a + "\"", why);
  }

  /** Scans the path from {@code i}; returns its end (at '?', '#' or the end). */
  private int scanPath(int i) {
    return scan(i, PATH, "path", '?');
  }

  /** Validates chars of {@code kind} from {@code i} up to {@code stop} or '#'; returns where it stopped. */
  private int scan(int i, int allowed, String where, char stop) {
    int n = in.length();
    while (i < n) {
      char c = in.charAt(i);
      if (c == stop || c == '#') {
        return i;
      }
      if (c == '%') {
        if (i + 2 >= n || !isHex(in.charAt(i + 1)) || !isHex(in.charAt(i + 2))) {
          throw fail(i, "'%' not followed by two hex digits in the " + where,
              "percent-encoding is % and two hex digits; write %25 for a literal '%'");
        }
        i += 3;
        continue;
      }
      if (c >= 128 || (CLASS[c] & allowed) == 0) {
        throw failChar(i, where);
      }
      i++;
    }
    return i;
  }

  /** The rest of an absolute URI, from the end of its authority (at '/', '?', '#' or the end). */
  private Uri parsePathQueryFragment(String scheme, int i) {
    int pathEnd = scanPath(i);
    String path = pathEnd == i ? "/" : in.substring(i, pathEnd);
    int qEnd = pathEnd;
    String query = null;
    if (qEnd < in.length() && in.charAt(qEnd) == '?') {
      qEnd = scan(qEnd + 1, QUERY, "query", '#');
      query = in.substring(pathEnd + 1, qEnd);
    }
    String fragment = parseFragment(scheme, qEnd);
    boolean explicit = port > 0;
    return new Uri(scheme, hostText, ipLiteral, explicit ? port : Uri.defaultPort(scheme), explicit,
        path, query, fragment);
  }

  /** The fragment at {@code i} (at '#' or the end of input), or null. */
  private String parseFragment(String scheme, int i) {
    if (i >= in.length()) {
      return null;
    }
    // The only way to stop before the end is at '#'.
    if (scheme.equals("ws") || scheme.equals("wss")) {
      throw fail(i, "fragment in a " + scheme + " URI", "WebSocket URIs have no fragment (RFC 6455 section 3); "
          + "remove it, or write '#' as %23 if it belongs to the path or query");
    }
    int end = scan(i + 1, QUERY, "fragment", '#');
    if (end < in.length()) { // a second '#'
      throw failChar(end, "fragment");
    }
    return in.substring(i + 1);
  }

  /**
   * RFC 3986 5.2.4 remove_dot_segments, over a copy of the path: rules B and C replace a prefix with "/",
   * which here means stepping back one char and writing '/'.
   */
  static String removeDotSegments(String path) {
    char[] buf = path.toCharArray();
    int n = buf.length;
    int i = 0;
    StringBuilder out = new StringBuilder(n);
    while (i < n) {
      if (startsWith(buf, i, n, "../")) {
        i += 3;
      } else if (startsWith(buf, i, n, "./")) {
        i += 2;
      } else if (startsWith(buf, i, n, "/./")) {
        i += 2;
      } else if (n - i == 2 && startsWith(buf, i, n, "/.")) {
        i += 1;
        buf[i] = '/';
      } else if (startsWith(buf, i, n, "/../")) {
        i += 3;
        removeLastSegment(out);
      } else if (n - i == 3 && startsWith(buf, i, n, "/..")) {
        i += 2;
        buf[i] = '/';
        removeLastSegment(out);
      } else if (n - i == 1 && buf[i] == '.' || n - i == 2 && buf[i] == '.' && buf[i + 1] == '.') {
        i = n;
      } else {
        int j = buf[i] == '/' ? i + 1 : i;
        while (j < n && buf[j] != '/') {
          j++;
        }
        out.append(buf, i, j - i);
        i = j;
      }
    }
    return out.toString();
  }

  private static boolean startsWith(char[] buf, int i, int n, String s) {
    if (n - i < s.length()) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (buf[i + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static void removeLastSegment(StringBuilder out) {
    int slash = out.lastIndexOf("/");
    out.setLength(Math.max(slash, 0));
  }

  private UriSyntaxException failChar(int i, String where) {
    char c = in.charAt(i);
    String fix;
    if (where.equals("host")) {
      fix = c >= 128
          ? "write an internationalized host name in its ASCII (xn--) form"
          : "a host name is letters, digits and -._~!$&'()*+,;= (an IPv6 address goes in brackets)";
    } else if (where.equals("scheme")) {
      fix = "an absolute URI starts with ws://, wss://, http:// or https://";
    } else {
      fix = "percent-encode it as " + percentEncoded(i);
    }
    return fail(i, describe(i) + " is not allowed in the " + where, fix);
  }

  /** The offending char (or code point) at {@code i}, printable and as hex. */
  private String describe(int i) {
    int cp = in.codePointAt(i);
    if (cp == ' ') {
      return "space (0x20)";
    }
    if (cp < 0x20 || cp == 0x7f) {
      return String.format("control character 0x%02X", cp);
    }
    if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
      return String.format("unpaired surrogate U+%04X", cp);
    }
    if (cp >= 0x80) {
      return String.format("non-ASCII character '%s' (U+%04X)", new String(Character.toChars(cp)), cp);
    }
    return String.format("'%c' (0x%02X)", (char) cp, cp);
  }

  /** The UTF-8 percent-encoding of the code point at {@code i}, e.g. %C3%A9. */
  private String percentEncoded(int i) {
    int cp = in.codePointAt(i);
    if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
      return "the percent-encoded UTF-8 of the intended character";
    }
    StringBuilder sb = new StringBuilder();
    for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
      sb.append(String.format("%%%02X", b & 0xff));
    }
    return sb.toString();
  }

  private UriSyntaxException fail(int index, String problem, String fix) {
    return new UriSyntaxException(in, index, problem, fix);
  }

  private static boolean isAllowedAnywhere(char c) {
    return c < 128 && (c == '%' || c == '#' || c == '[' || c == ']' || CLASS[c] != 0);
  }

  private static boolean isAlpha(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isHex(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
