package io.loopwire.protocol.ws;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.uri.Uri;
import io.loopwire.protocol.ws.WsHandshakeException.Kind;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The client's side of the WebSocket opening handshake (RFC 6455 section 4.1), sans-I/O: one instance is
 * one attempt, holding the fresh key. It builds the request ({@link #method()}, {@link #requestTarget()},
 * {@link #requestHeaders()}) and checks the server's answer with {@link #validate}.
 *
 * <pre>{@code
 * WsClientHandshake hs = WsClientHandshake.builder(Uri.parse("wss://example.com/chat"))
 *     .subprotocols("chat", "superchat")
 *     .headers(Http1Fields.of("Origin", "https://example.com"))
 *     .build(secureRandom);
 * // send "GET " + hs.requestTarget() + " HTTP/1.1" and hs.requestHeaders(); read the response, then
 * WsClientHandshake.Accepted ok = hs.validate(status, responseHeaders);   // or WsHandshakeException
 * }</pre>
 *
 * <p>Immutable once built; {@link #validate} may be called more than once with the same answer.
 */
public final class WsClientHandshake {

  private final String requestTarget;
  private final String key;
  private final List<String> subprotocols;
  private final List<WsExtensionNegotiator> negotiators;
  private final List<WsExtensionOffer> extensionOffers;
  private final Http1Fields requestHeaders;

  private WsClientHandshake(Builder b, String key) {
    this.requestTarget = b.requestTarget;
    this.key = key;
    this.subprotocols = List.copyOf(b.subprotocols);
    this.negotiators = List.copyOf(b.negotiators);
    List<WsExtensionOffer> offers = new ArrayList<>();
    for (WsExtensionNegotiator n : negotiators) {
      for (WsExtensionOffer o : n.clientOffers()) {
        if (!o.is(n.name())) {
          throw new IllegalArgumentException("negotiator for '" + n.name() + "' offered extension '" + o.name()
              + "'; a negotiator may only offer its own extension");
        }
        offers.add(o);
      }
    }
    this.extensionOffers = List.copyOf(offers);
    Http1Fields.Builder h = Http1Fields.builder()
        .add("Host", b.hostHeader)
        .add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add(WsHandshake.SEC_WEBSOCKET_KEY, key)
        .add(WsHandshake.SEC_WEBSOCKET_VERSION, WsHandshake.VERSION);
    if (!subprotocols.isEmpty()) {
      h.add(WsHandshake.SEC_WEBSOCKET_PROTOCOL, String.join(", ", subprotocols));
    }
    if (!extensionOffers.isEmpty()) {
      h.add(WsHandshake.SEC_WEBSOCKET_EXTENSIONS, WsExtensionNegotiation.format(extensionOffers));
    }
    this.requestHeaders = h.addAll(b.extraHeaders).build();
  }

  /**
   * A handshake for {@code uri}, which must be ws or wss: Host is {@link Uri#authority()} and the target
   * {@link Uri#requestTarget()}.
   *
   * @throws IllegalArgumentException if the scheme is http or https
   */
  public static Builder builder(Uri uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.isWebSocket()) {
      throw new IllegalArgumentException("'" + uri + "' is not a WebSocket URI: use ws:// or wss://");
    }
    return new Builder(uri.authority(), uri.requestTarget());
  }

  /**
   * A handshake with an explicit Host header value and origin-form request target (for a proxy, a Host
   * that differs from the address connected to, or a target built elsewhere).
   *
   * @param hostHeader the Host value, e.g. {@code example.com:8080}
   * @param requestTarget begins with {@code '/'}; visible ASCII only
   * @throws IllegalArgumentException if either would break the request
   */
  public static Builder builder(String hostHeader, String requestTarget) {
    return new Builder(hostHeader, requestTarget);
  }

  /** Always {@code GET}. */
  public String method() {
    return "GET";
  }

  /** The request target of the request line, e.g. {@code /chat?room=1}. */
  public String requestTarget() {
    return requestTarget;
  }

  /** This attempt's {@code Sec-WebSocket-Key}. */
  public String key() {
    return key;
  }

  /** The {@code Sec-WebSocket-Accept} value the server must send back. */
  public String expectedAccept() {
    return WsHandshake.acceptKey(key);
  }

  /** The subprotocols offered, in order of preference. */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /** The extension offers sent, in order, as the negotiators produced them. */
  public List<WsExtensionOffer> extensionOffers() {
    return extensionOffers;
  }

  /**
   * The request's header fields: {@code Host}, {@code Upgrade: websocket}, {@code Connection: Upgrade},
   * {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version: 13}, then {@code Sec-WebSocket-Protocol} and
   * {@code Sec-WebSocket-Extensions} if any, then the extra headers.
   */
  public Http1Fields requestHeaders() {
    return requestHeaders;
  }

  /**
   * A successful handshake: what the server chose.
   *
   * @param subprotocol the subprotocol the server chose, or {@code null} if it chose none
   * @param extensions the server's accepted extensions, in its order (the order they apply)
   */
  public record Accepted(String subprotocol, List<WsExtensionOffer> extensions) {
    public Accepted {
      extensions = List.copyOf(extensions);
    }
  }

  /**
   * Checks the server's answer, in the order of RFC 6455 section 4.1: status 101, {@code Upgrade:
   * websocket} (the whole value, any case), a {@code Connection} with the {@code Upgrade} token, exactly one
   * matching {@code Sec-WebSocket-Accept}, then extensions (each offered, at most once, and approved by
   * its negotiator), then the subprotocol (at most one, one that was offered).
   *
   * <p>An empty {@code Sec-WebSocket-Protocol} or {@code Sec-WebSocket-Extensions} value counts as none.
   * The server may choose no subprotocol even when some were offered; the application decides whether
   * that is acceptable.
   *
   * @throws WsHandshakeException saying which check failed, with what was received and expected
   */
  public Accepted validate(int status, Http1Fields responseHeaders) {
    Objects.requireNonNull(responseHeaders, "responseHeaders");
    if (status != 101) {
      throw new WsHandshakeException(Kind.STATUS, status,
          "server answered " + status + " instead of 101 Switching Protocols");
    }
    List<String> upgrade = responseHeaders.getAll("Upgrade");
    if (upgrade.size() != 1 || !upgrade.get(0).equalsIgnoreCase("websocket")) {
      throw new WsHandshakeException(Kind.UPGRADE, status, upgrade.isEmpty()
          ? "response has no Upgrade header; expected 'Upgrade: websocket'"
          : "response has Upgrade " + upgrade + "; expected exactly 'websocket'");
    }
    if (!responseHeaders.containsToken("Connection", "upgrade")) {
      List<String> connection = responseHeaders.getAll("Connection");
      throw new WsHandshakeException(Kind.CONNECTION, status, connection.isEmpty()
          ? "response has no Connection header; expected 'Connection: Upgrade'"
          : "response has Connection " + connection + " without the 'Upgrade' token");
    }
    List<String> accept = responseHeaders.getAll(WsHandshake.SEC_WEBSOCKET_ACCEPT);
    String expected = expectedAccept();
    if (accept.size() != 1 || !accept.get(0).equals(expected)) {
      throw new WsHandshakeException(Kind.ACCEPT, status, (accept.isEmpty()
          ? "response has no Sec-WebSocket-Accept" : "response has Sec-WebSocket-Accept " + accept)
          + "; expected '" + expected + "' for key '" + key + "'");
    }
    List<WsExtensionOffer> extensions = checkExtensions(status, responseHeaders);
    List<String> chosen = responseHeaders.tokens(WsHandshake.SEC_WEBSOCKET_PROTOCOL);
    if (chosen.size() > 1) {
      throw new WsHandshakeException(Kind.SUBPROTOCOL, status,
          "server chose more than one subprotocol " + chosen + "; it must choose one or none");
    }
    String subprotocol = chosen.isEmpty() ? null : chosen.get(0);
    if (subprotocol != null && !subprotocols.contains(subprotocol)) {
      throw new WsHandshakeException(Kind.SUBPROTOCOL, status, "server chose subprotocol '" + subprotocol
          + "', which the client did not offer (offered: " + subprotocols + ")");
    }
    return new Accepted(subprotocol, extensions);
  }

  private List<WsExtensionOffer> checkExtensions(int status, Http1Fields responseHeaders) {
    List<WsExtensionOffer> accepted;
    try {
      accepted = WsExtensionNegotiation.parse(responseHeaders);
    } catch (IllegalArgumentException e) {
      throw new WsHandshakeException(Kind.EXTENSION, status, e.getMessage());
    }
    List<WsExtensionNegotiator> used = new ArrayList<>();
    for (WsExtensionOffer e : accepted) {
      WsExtensionNegotiator n = offeredNegotiator(e);
      if (n == null) {
        throw new WsHandshakeException(Kind.EXTENSION, status, "server accepted extension '" + e.format()
            + "', which the client did not offer (offered: '" + WsExtensionNegotiation.format(extensionOffers)
            + "')");
      }
      if (used.contains(n)) {
        throw new WsHandshakeException(Kind.EXTENSION, status,
            "server accepted extension '" + e.name() + "' more than once");
      }
      used.add(n);
      Optional<String> refusal = n.clientCheck(e);
      if (refusal.isPresent()) {
        throw new WsHandshakeException(Kind.EXTENSION, status, "server's response '" + e.format()
            + "' for extension '" + n.name() + "' is not acceptable: " + refusal.get());
      }
    }
    return accepted;
  }

  private WsExtensionNegotiator offeredNegotiator(WsExtensionOffer response) {
    for (WsExtensionNegotiator n : negotiators) {
      if (response.is(n.name()) && extensionOffers.stream().anyMatch(o -> o.is(n.name()))) {
        return n;
      }
    }
    return null;
  }

  /** Collects the request's parts; one use. Not thread-safe. */
  public static final class Builder {
    private final String hostHeader;
    private final String requestTarget;
    private final List<String> subprotocols = new ArrayList<>();
    private final List<WsExtensionNegotiator> negotiators = new ArrayList<>();
    private Http1Fields extraHeaders = Http1Fields.empty();

    private Builder(String hostHeader, String requestTarget) {
      Objects.requireNonNull(hostHeader, "hostHeader");
      Objects.requireNonNull(requestTarget, "requestTarget");
      if (hostHeader.isEmpty()) {
        throw new IllegalArgumentException("the Host header value is empty: give the server's host[:port]");
      }
      Http1Fields.of("Host", hostHeader); // rejects CR, LF, NUL
      if (!requestTarget.startsWith("/")) {
        throw new IllegalArgumentException("request target '" + requestTarget
            + "' must begin with '/' (origin-form, e.g. /chat?x=1)");
      }
      for (int i = 0; i < requestTarget.length(); i++) {
        char c = requestTarget.charAt(i);
        if (c <= 0x20 || c >= 0x7f) {
          throw new IllegalArgumentException(String.format("request target '%s' has character 0x%02X at index %d;"
              + " percent-encode it (or build from a Uri)", requestTarget, (int) c, i));
        }
      }
      this.hostHeader = hostHeader;
      this.requestTarget = requestTarget;
    }

    /** The subprotocols to offer, most preferred first; tokens, each once. Replaces earlier ones. */
    public Builder subprotocols(String... subprotocols) {
      return subprotocols(Arrays.asList(subprotocols));
    }

    /** The subprotocols to offer, most preferred first; tokens, each once. Replaces earlier ones. */
    public Builder subprotocols(List<String> subprotocols) {
      for (int i = 0; i < subprotocols.size(); i++) {
        String p = subprotocols.get(i);
        if (!Http1Fields.isToken(p)) {
          throw new IllegalArgumentException("subprotocol '" + p + "' is not a token (RFC 6455 4.1: no spaces, "
              + "commas or separators)");
        }
        if (subprotocols.subList(0, i).contains(p)) {
          throw new IllegalArgumentException("subprotocol '" + p + "' is listed twice; list each once");
        }
      }
      this.subprotocols.clear();
      this.subprotocols.addAll(subprotocols);
      return this;
    }

    /** The extensions to offer, through their negotiators, in order. Replaces earlier ones. */
    public Builder extensions(WsExtensionNegotiator... negotiators) {
      return extensions(Arrays.asList(negotiators));
    }

    /** The extensions to offer, through their negotiators, in order. Replaces earlier ones. */
    public Builder extensions(List<? extends WsExtensionNegotiator> negotiators) {
      WsExtensionNegotiation.checkUniqueNames(negotiators);
      this.negotiators.clear();
      this.negotiators.addAll(negotiators);
      return this;
    }

    /**
     * More request headers, sent after the handshake's own ({@code Origin}, {@code Authorization},
     * {@code Cookie}, ...). Replaces earlier ones.
     *
     * @throws IllegalArgumentException for Host, Upgrade, Connection or any Sec-WebSocket-* field, which
     *     the handshake sets itself
     */
    public Builder headers(Http1Fields extraHeaders) {
      for (int i = 0; i < extraHeaders.size(); i++) {
        String name = extraHeaders.name(i);
        if (name.equalsIgnoreCase("Host")) {
          throw new IllegalArgumentException("extra header 'Host' would duplicate the handshake's Host; "
              + "use WsClientHandshake.builder(hostHeader, requestTarget) to send another Host");
        }
        if (WsServerHandshake.isHandshakeField(name)) {
          throw new IllegalArgumentException("extra header '" + name + "' would break the WebSocket handshake: "
              + "Upgrade, Connection, Sec-WebSocket-Key, -Version and -Accept are set by the handshake; "
              + "offer subprotocols with subprotocols(...) and extensions with extensions(...)");
        }
      }
      this.extraHeaders = extraHeaders;
      return this;
    }

    /** The handshake, with a fresh key from {@code random}. */
    public WsClientHandshake build(SecureRandom random) {
      return new WsClientHandshake(this, WsHandshake.newClientKey(random));
    }
  }
}
