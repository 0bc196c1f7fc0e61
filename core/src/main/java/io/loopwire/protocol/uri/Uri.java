package io.loopwire.protocol.uri;

import java.util.Objects;

/**
 * An absolute {@code ws}, {@code wss}, {@code http} or {@code https} URI, parsed without touching its
 * input (libwebsockets' {@code lws_parse_uri} writes NULs into its buffer and drops the path's leading
 * {@code '/'}). Immutable and safe to share.
 *
 * <p>What parsing keeps and what it decides (RFC 3986 unless said otherwise):
 * <ul>
 *   <li><b>Scheme</b>: case-insensitive, stored lower-case. Any other scheme is rejected.
 *   <li><b>Host</b>: required. A registered name (or IPv4 address) is stored <em>lower-case</em>, since
 *       hosts are case-insensitive (RFC 3986 6.2.2.1) and one spelling makes {@link #equals} and connection
 *       keys agree. Percent-encoding and non-ASCII are rejected in a host: write an internationalized name
 *       in its ASCII ({@code xn--}) form. An IPv6 literal is validated, its hex digits lower-cased, and is
 *       available both bracketed ({@link #hostForHeader()}, {@link #authority()}) and bare
 *       ({@link #host()}). IPvFuture literals ({@code [v1.x]}) are rejected.
 *   <li><b>Zone ids</b> (RFC 6874, {@code [fe80::1%25eth0]}) are accepted, limited to letters, digits and
 *       {@code -._~}: {@link #host()} gives {@code fe80::1%eth0} (the form address resolvers take),
 *       {@link #zoneId()} gives {@code eth0}, and {@link #hostForHeader()} drops the zone, because RFC 6874
 *       section 4 forbids sending it. A bare {@code %} ({@code [fe80::1%eth0]}) is rejected.
 *   <li><b>Port</b>: explicit or the scheme's default (80 for ws/http, 443 for wss/https);
 *       {@link #hasExplicitPort()} tells which. An empty port ({@code ws://h:/}) means the default.
 *       Port 0 is <em>rejected</em>: this URI names something to connect to, and nothing can be reached on
 *       port 0. Ports above 65535 are rejected.
 *   <li><b>Path</b>: always begins with {@code '/'}; an empty path becomes {@code "/"}. A {@code ?} or
 *       {@code #} right after the authority ends the host: {@code ws://h?x} has path {@code /} and query
 *       {@code x}. Dot segments are kept as given by {@link #parse}; {@link #resolve} removes them.
 *   <li><b>Query</b>: {@code null} when there is no {@code ?}, {@code ""} for a bare {@code ?}.
 *   <li><b>Fragment</b>: only for http and https; a fragment in a ws or wss URI is rejected (RFC 6455
 *       section 3: write {@code #} as {@code %23}).
 *   <li><b>Userinfo</b> ({@code user:pass@}) is rejected: pass credentials in an Authorization header.
 *   <li><b>Percent-encoding</b> is validated ({@code %} then two hex digits) and kept exactly as given,
 *       never decoded or re-cased. Characters outside RFC 3986 (space, controls, non-ASCII,
 *       {@code < > " { } | \ ^ `} and {@code [ ]} outside a host) are rejected with their index.
 * </ul>
 *
 * <p>{@link #format()} (also {@link #toString()}) gives a string that parses back to an equal {@code Uri}.
 * Equality compares every component, including whether the port was explicit: {@code ws://h:80/} and
 * {@code ws://h/} are different values with the same {@link #authority()}.
 */
public final class Uri {

  private final String scheme;
  /** The host as written in a URI: {@code example.com}, {@code [::1]}, {@code [fe80::1%25eth0]}. */
  private final String hostText;
  private final boolean ipLiteral;
  private final int port;
  private final boolean explicitPort;
  private final String path;
  private final String query;
  private final String fragment;

  Uri(String scheme, String hostText, boolean ipLiteral, int port, boolean explicitPort, String path,
      String query, String fragment) {
    this.scheme = scheme;
    this.hostText = hostText;
    this.ipLiteral = ipLiteral;
    this.port = port;
    this.explicitPort = explicitPort;
    this.path = path;
    this.query = query;
    this.fragment = fragment;
  }

  /** Parses {@code uri} with {@link UriLimits#defaults()}. */
  public static Uri parse(String uri) {
    return parse(uri, UriLimits.defaults());
  }

  /**
   * Parses an absolute ws, wss, http or https URI.
   *
   * @throws UriSyntaxException naming the offending character, its index and the fix
   * @throws NullPointerException if {@code uri} or {@code limits} is null
   */
  public static Uri parse(String uri, UriLimits limits) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(limits, "limits");
    return new UriParser(uri, limits).parseAbsolute();
  }

  /**
   * Resolves {@code reference} against this URI (RFC 3986 section 5.2, strict), as for a redirect's
   * {@code Location}, with {@link UriLimits#defaults()}.
   */
  public Uri resolve(String reference) {
    return resolve(reference, UriLimits.defaults());
  }

  /**
   * Resolves {@code reference} against this URI, as RFC 3986 section 5.2.2 says, removing dot segments
   * (section 5.2.4). The parser is strict (section 5.2.2's {@code strict} flag): {@code http:g} is an
   * absolute reference without an authority, and so rejected rather than read as {@code g}.
   *
   * <p>The result must itself be a valid {@code Uri}: a reference with another scheme ({@code g:h},
   * {@code mailto:x}) is rejected, and so is a fragment when the result is ws or wss.
   *
   * @throws UriSyntaxException if the reference is malformed or its result is not a ws/wss/http/https URI;
   *     the index is within {@code reference}
   */
  public Uri resolve(String reference, UriLimits limits) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(limits, "limits");
    return new UriParser(reference, limits).resolveAgainst(this);
  }

  /** {@code ws}, {@code wss}, {@code http} or {@code https}, lower-case. */
  public String scheme() {
    return scheme;
  }

  /** Whether the scheme is wss or https. */
  public boolean isSecure() {
    return scheme.equals("wss") || scheme.equals("https");
  }

  /** Whether the scheme is ws or wss. */
  public boolean isWebSocket() {
    return scheme.equals("ws") || scheme.equals("wss");
  }

  /**
   * The host to connect to, without brackets: {@code example.com}, {@code 192.0.2.1}, {@code ::1}, or
   * {@code fe80::1%eth0} for an IPv6 literal with a zone id.
   */
  public String host() {
    if (!ipLiteral) {
      return hostText;
    }
    String bare = hostText.substring(1, hostText.length() - 1);
    int zone = bare.indexOf("%25");
    return zone < 0 ? bare : bare.substring(0, zone) + '%' + bare.substring(zone + 3);
  }

  /** Whether the host is an IPv6 literal (bracketed in the URI). */
  public boolean isIpv6() {
    return ipLiteral;
  }

  /** The IPv6 zone id ({@code eth0} in {@code [fe80::1%25eth0]}), or {@code null}. */
  public String zoneId() {
    int zone = ipLiteral ? hostText.indexOf("%25") : -1;
    return zone < 0 ? null : hostText.substring(zone + 3, hostText.length() - 1);
  }

  /**
   * The host as sent in a Host header: {@code example.com}, or an IPv6 literal in brackets without its
   * zone id ({@code [fe80::1]}; RFC 6874 section 4).
   */
  public String hostForHeader() {
    if (!ipLiteral) {
      return hostText;
    }
    int zone = hostText.indexOf("%25");
    return zone < 0 ? hostText : hostText.substring(0, zone) + ']';
  }

  /** The port: explicit, or the scheme's default. Always 1 to 65535. */
  public int port() {
    return port;
  }

  /** Whether the URI named a port (even the default one, as in {@code ws://h:80/}). */
  public boolean hasExplicitPort() {
    return explicitPort;
  }

  /** The scheme's default port: 80 for ws and http, 443 for wss and https. */
  public int defaultPort() {
    return defaultPort(scheme);
  }

  /**
   * The Host header value (RFC 9110 7.2): {@link #hostForHeader()}, then {@code :port} unless the port is
   * the scheme's default. {@code [::1]:8080}, {@code example.com}.
   */
  public String authority() {
    String h = hostForHeader();
    return port == defaultPort() ? h : h + ':' + port;
  }

  /** The path, percent-encoding as given; always begins with {@code '/'}. */
  public String path() {
    return path;
  }

  /** The query without its {@code '?'}; {@code null} if absent, {@code ""} if the URI ends in {@code '?'}. */
  public String query() {
    return query;
  }

  /** The fragment without its {@code '#'}, or {@code null}; always {@code null} for ws and wss. */
  public String fragment() {
    return fragment;
  }

  /** The request target of an HTTP request line (origin-form): path, then {@code ?query} if present. */
  public String requestTarget() {
    return query == null ? path : path + '?' + query;
  }

  /**
   * This URI as a string that {@link #parse} turns back into an equal {@code Uri}: the lower-case scheme,
   * the host (bracketed IPv6 with its {@code %25} zone), {@code :port} if explicit, path, query, fragment.
   */
  public String format() {
    StringBuilder sb = new StringBuilder(scheme.length() + hostText.length() + path.length() + 16
        + (query == null ? 0 : query.length()) + (fragment == null ? 0 : fragment.length()));
    sb.append(scheme).append("://").append(hostText);
    if (explicitPort) {
      sb.append(':').append(port);
    }
    sb.append(path);
    if (query != null) {
      sb.append('?').append(query);
    }
    if (fragment != null) {
      sb.append('#').append(fragment);
    }
    return sb.toString();
  }

  /** Same as {@link #format()}. */
  @Override
  public String toString() {
    return format();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Uri u
        && port == u.port
        && explicitPort == u.explicitPort
        && scheme.equals(u.scheme)
        && hostText.equals(u.hostText)
        && path.equals(u.path)
        && Objects.equals(query, u.query)
        && Objects.equals(fragment, u.fragment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, hostText, port, explicitPort, path, query, fragment);
  }

  static int defaultPort(String scheme) {
    return scheme.equals("wss") || scheme.equals("https") ? 443 : 80;
  }

  /** The URI text of the host, as stored; for the parser's resolution. */
  String hostText() {
    return hostText;
  }
}
