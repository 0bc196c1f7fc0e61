package io.loopwire.protocol.ws;

import io.loopwire.protocol.http1.Http1Fields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The server's side of the WebSocket opening handshake (RFC 6455 section 4.2), sans-I/O: it looks only at
 * the request's method, HTTP version and header fields, and builds the header fields of the answer.
 *
 * <p>{@link #validate} checks, in this order, and answers the first failure with:
 * <ol>
 *   <li>method {@code GET}, case-sensitive: else <b>405</b> with {@code Allow: GET} (RFC 9110 15.5.6; the
 *       Node {@code ws} server does the same; the resource exists but only for GET);
 *   <li>HTTP/1.1 or later ({@code HTTP/d.d}): else <b>400</b>;
 *   <li>exactly one non-empty {@code Host}: else <b>400</b> (RFC 9112 3.2);
 *   <li>{@code Upgrade} present: else <b>426</b> Upgrade Required, because this is a plain HTTP request to a
 *       WebSocket endpoint and 426 tells the client how to proceed (RFC 9110 15.5.22); when present it must
 *       hold the token {@code websocket} (any case): else <b>400</b>;
 *   <li>{@code Connection} holds the token {@code upgrade} (any case, any line): else <b>400</b>;
 *   <li>{@code Sec-WebSocket-Version}: more than one line is <b>400</b> (RFC 6455 11.3.5); missing or not
 *       {@code 13} is <b>426</b> (RFC 6455 4.4). Checked before the key, whose format depends on the version;
 *   <li>exactly one {@code Sec-WebSocket-Key}, the base64 of 16 bytes: else <b>400</b>;
 *   <li>{@code Sec-WebSocket-Protocol}, if present: tokens, each offered once: else <b>400</b>;
 *   <li>{@code Sec-WebSocket-Extensions}, if present: well-formed (RFC 6455 9.1): else <b>400</b>.
 * </ol>
 * Every 426 carries {@code Upgrade: websocket}, {@code Connection: Upgrade} and
 * {@code Sec-WebSocket-Version: 13}. {@code Origin} is not checked here: that is the application's
 * policy; it is passed on in the {@link Offer}.
 */
public final class WsServerHandshake {

  private WsServerHandshake() {}

  /** What {@link #validate} found: an {@link Offer} to accept or decline, or a {@link Rejection}. */
  public sealed interface Result permits Offer, Rejection {}

  /**
   * A valid opening handshake.
   *
   * @param key the client's {@code Sec-WebSocket-Key}
   * @param version the protocol version, always 13
   * @param subprotocols the offered subprotocols, in the client's order of preference; may be empty
   * @param extensions the offered extensions, in the client's order; may be empty
   * @param origin the {@code Origin} header, or {@code null} (non-browser clients may omit it)
   */
  public record Offer(String key, int version, List<String> subprotocols, List<WsExtensionOffer> extensions,
      String origin) implements Result {

    public Offer {
      if (!WsHandshake.isValidKey(key)) {
        throw new IllegalArgumentException("'" + key + "' is not a valid Sec-WebSocket-Key (base64 of 16 bytes)");
      }
      subprotocols = List.copyOf(subprotocols);
      extensions = List.copyOf(extensions);
    }

    /** {@link WsServerHandshake#selectSubprotocol} over this offer's subprotocols. */
    public String selectSubprotocol(Collection<String> supported) {
      return WsServerHandshake.selectSubprotocol(subprotocols, supported);
    }
  }

  /**
   * An invalid handshake: send this status with these header fields (and a body or reason of the
   * engine's choice), then treat the connection as an HTTP connection or close it.
   *
   * @param status 400, 405 or 426
   * @param reason what was wrong, for the log and the response body
   * @param headers the fields the status requires ({@code Allow} for 405; {@code Upgrade},
   *     {@code Connection} and {@code Sec-WebSocket-Version} for 426); empty for 400
   */
  public record Rejection(int status, String reason, Http1Fields headers) implements Result {
    public Rejection {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("rejection status " + status + " is not a 4xx or 5xx");
      }
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(headers, "headers");
    }
  }

  private static final Http1Fields UPGRADE_REQUIRED = Http1Fields.of(
      "Upgrade", "websocket", "Connection", "Upgrade", WsHandshake.SEC_WEBSOCKET_VERSION, WsHandshake.VERSION);

  /**
   * Checks an upgrade request (see the class comment for the rules and their statuses).
   *
   * @param method the request method, e.g. {@code GET}
   * @param httpVersion the request line's version, e.g. {@code HTTP/1.1}
   * @param headers the request's header fields
   */
  public static Result validate(String method, String httpVersion, Http1Fields headers) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(httpVersion, "httpVersion");
    Objects.requireNonNull(headers, "headers");
    if (!method.equals("GET")) {
      return new Rejection(405, "method " + method + " is not GET (RFC 6455 4.1)", Http1Fields.of("Allow", "GET"));
    }
    if (!isHttp11OrLater(httpVersion)) {
      return bad("version " + httpVersion + " is not HTTP/1.1 or later (RFC 6455 4.1)");
    }
    int hosts = headers.count("Host");
    if (hosts != 1 || headers.get("Host").isEmpty()) {
      return bad(hosts == 0 ? "no Host header" : hosts > 1 ? hosts + " Host headers" : "empty Host header");
    }
    if (!headers.contains("Upgrade")) {
      return new Rejection(426, "no Upgrade header: this is a WebSocket endpoint", UPGRADE_REQUIRED);
    }
    if (!headers.containsToken("Upgrade", "websocket")) {
      return bad("Upgrade " + headers.getAll("Upgrade") + " has no 'websocket' token");
    }
    if (!headers.containsToken("Connection", "upgrade")) {
      return bad(headers.contains("Connection")
          ? "Connection " + headers.getAll("Connection") + " has no 'Upgrade' token" : "no Connection header");
    }
    int versions = headers.count(WsHandshake.SEC_WEBSOCKET_VERSION);
    if (versions > 1) {
      return bad(versions + " Sec-WebSocket-Version headers (RFC 6455 11.3.5 allows one)");
    }
    String version = headers.get(WsHandshake.SEC_WEBSOCKET_VERSION);
    if (!WsHandshake.VERSION.equals(version)) {
      return new Rejection(426, version == null ? "no Sec-WebSocket-Version header"
          : "Sec-WebSocket-Version " + version + " is not 13", UPGRADE_REQUIRED);
    }
    int keys = headers.count(WsHandshake.SEC_WEBSOCKET_KEY);
    if (keys != 1) {
      return bad(keys == 0 ? "no Sec-WebSocket-Key header"
          : keys + " Sec-WebSocket-Key headers (RFC 6455 11.3.1 allows one)");
    }
    String key = headers.get(WsHandshake.SEC_WEBSOCKET_KEY);
    if (!WsHandshake.isValidKey(key)) {
      return bad("Sec-WebSocket-Key '" + key + "' is not the base64 of 16 bytes (RFC 6455 4.1)");
    }
    List<String> subprotocols = headers.tokens(WsHandshake.SEC_WEBSOCKET_PROTOCOL);
    for (int i = 0; i < subprotocols.size(); i++) {
      String p = subprotocols.get(i);
      if (!Http1Fields.isToken(p)) {
        return bad("Sec-WebSocket-Protocol element '" + p + "' is not a token (RFC 6455 4.1)");
      }
      if (subprotocols.subList(0, i).contains(p)) {
        return bad("Sec-WebSocket-Protocol offers '" + p + "' twice (RFC 6455 4.1: elements must be unique)");
      }
    }
    List<WsExtensionOffer> extensions;
    try {
      extensions = WsExtensionNegotiation.parse(headers);
    } catch (IllegalArgumentException e) {
      return bad(e.getMessage());
    }
    return new Offer(key, 13, subprotocols, extensions, headers.get("Origin"));
  }

  /**
   * The header fields of the 101 Switching Protocols answer to {@code offer}: {@code Upgrade: websocket},
   * {@code Connection: Upgrade}, {@code Sec-WebSocket-Accept}, then {@code Sec-WebSocket-Protocol} and
   * {@code Sec-WebSocket-Extensions} if given, then {@code extraHeaders} (e.g. {@code Set-Cookie}).
   *
   * @param subprotocol the chosen subprotocol, which the client must have offered; or {@code null}
   * @param extensions the {@code Sec-WebSocket-Extensions} value (see
   *     {@link WsExtensionNegotiation#format}); each extension must have been offered, at most once each;
   *     {@code null} or blank for none
   * @param extraHeaders more fields; {@code null} for none. The handshake's own fields are refused.
   * @throws IllegalArgumentException naming the subprotocol, extension or header that breaks the handshake
   */
  public static Http1Fields acceptResponseHeaders(Offer offer, String subprotocol, String extensions,
      Http1Fields extraHeaders) {
    Objects.requireNonNull(offer, "offer");
    if (subprotocol != null && !offer.subprotocols().contains(subprotocol)) {
      throw new IllegalArgumentException("subprotocol '" + subprotocol + "' was not offered by the client "
          + "(offered: " + offer.subprotocols() + "); choose one of those, or null for none");
    }
    List<WsExtensionOffer> accepted = extensions == null || extensions.isBlank()
        ? List.of() : WsExtensionNegotiation.parse(extensions);
    List<String> seen = new ArrayList<>();
    for (WsExtensionOffer e : accepted) {
      String name = e.name().toLowerCase(java.util.Locale.ROOT);
      if (offer.extensions().stream().noneMatch(o -> o.is(name))) {
        throw new IllegalArgumentException("extension '" + e.name() + "' was not offered by the client "
            + "(offered: " + WsExtensionNegotiation.format(offer.extensions()) + "); a server may only accept "
            + "offered extensions (RFC 6455 9.1)");
      }
      if (seen.contains(name)) {
        throw new IllegalArgumentException("extension '" + e.name() + "' is accepted twice in '" + extensions
            + "'; answer each extension once");
      }
      seen.add(name);
    }
    Http1Fields.Builder b = Http1Fields.builder()
        .add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add(WsHandshake.SEC_WEBSOCKET_ACCEPT, WsHandshake.acceptKey(offer.key()));
    if (subprotocol != null) {
      b.add(WsHandshake.SEC_WEBSOCKET_PROTOCOL, subprotocol);
    }
    if (!accepted.isEmpty()) {
      b.add(WsHandshake.SEC_WEBSOCKET_EXTENSIONS, WsExtensionNegotiation.format(accepted));
    }
    if (extraHeaders != null) {
      for (int i = 0; i < extraHeaders.size(); i++) {
        String name = extraHeaders.name(i);
        if (isHandshakeField(name)) {
          throw new IllegalArgumentException("extra header '" + name + "' would break the WebSocket handshake: "
              + "Upgrade, Connection and Sec-WebSocket-* are set by the handshake; pass the subprotocol and "
              + "extensions as arguments");
        }
        b.add(name, extraHeaders.value(i));
      }
    }
    return b.build();
  }

  /**
   * The subprotocol to choose: the first of the client's {@code offered} subprotocols, in the client's
   * order, that is in {@code supported} (case-sensitive), or {@code null} if none is. Client order because
   * RFC 6455 4.1 says the client lists them "ordered by preference"; a server that prefers its own order
   * can iterate its list and test {@code offered.contains(...)}.
   */
  public static String selectSubprotocol(List<String> offered, Collection<String> supported) {
    for (String p : offered) {
      if (supported.contains(p)) {
        return p;
      }
    }
    return null;
  }

  static boolean isHandshakeField(String name) {
    return name.equalsIgnoreCase("Upgrade") || name.equalsIgnoreCase("Connection")
        || name.regionMatches(true, 0, "Sec-WebSocket-", 0, 14);
  }

  private static boolean isHttp11OrLater(String v) {
    if (v.length() != 8 || !v.startsWith("HTTP/") || v.charAt(6) != '.'
        || !isDigit(v.charAt(5)) || !isDigit(v.charAt(7))) {
      return false;
    }
    return v.charAt(5) > '1' || v.charAt(5) == '1' && v.charAt(7) >= '1';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static Rejection bad(String reason) {
    return new Rejection(400, reason, Http1Fields.empty());
  }
}
