package io.loopwire.protocol.ws;

import static io.loopwire.protocol.ws.WsHandshakeTest.RFC_ACCEPT;
import static io.loopwire.protocol.ws.WsHandshakeTest.RFC_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.ws.WsServerHandshake.Offer;
import io.loopwire.protocol.ws.WsServerHandshake.Rejection;
import io.loopwire.protocol.ws.WsServerHandshake.Result;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WsServerHandshakeTest {

  /** The request of RFC 6455 section 1.3. */
  static Http1Fields.Builder rfcRequest() {
    return Http1Fields.builder()
        .add("Host", "server.example.com")
        .add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Key", RFC_KEY)
        .add("Origin", "http://example.com")
        .add("Sec-WebSocket-Protocol", "chat, superchat")
        .add("Sec-WebSocket-Version", "13");
  }

  private static Offer offer(Http1Fields headers) {
    Result r = WsServerHandshake.validate("GET", "HTTP/1.1", headers);
    assertThat(r).isInstanceOf(Offer.class);
    return (Offer) r;
  }

  private static Rejection rejected(String method, String version, Http1Fields headers, int status, String reason) {
    Result r = WsServerHandshake.validate(method, version, headers);
    assertThat(r).isInstanceOf(Rejection.class);
    Rejection rej = (Rejection) r;
    assertThat(rej.status()).as("status for: " + rej.reason()).isEqualTo(status);
    assertThat(rej.reason()).contains(reason);
    return rej;
  }

  private static Rejection rejected(Http1Fields headers, int status, String reason) {
    return rejected("GET", "HTTP/1.1", headers, status, reason);
  }

  @Test
  void rfc6455OpeningHandshake() {
    Offer o = offer(rfcRequest().build());
    assertThat(o.key()).isEqualTo(RFC_KEY);
    assertThat(o.version()).isEqualTo(13);
    assertThat(o.subprotocols()).containsExactly("chat", "superchat");
    assertThat(o.extensions()).isEmpty();
    assertThat(o.origin()).isEqualTo("http://example.com");

    Http1Fields response = WsServerHandshake.acceptResponseHeaders(o, "chat", null, null);
    assertThat(response).isEqualTo(Http1Fields.of(
        "Upgrade", "websocket",
        "Connection", "Upgrade",
        "Sec-WebSocket-Accept", RFC_ACCEPT,
        "Sec-WebSocket-Protocol", "chat"));
  }

  @Test
  void responseWithoutSubprotocolOmitsTheHeaderAndAppendsExtras() {
    Offer o = offer(rfcRequest().build());
    Http1Fields response = WsServerHandshake.acceptResponseHeaders(o, null, " ",
        Http1Fields.of("Set-Cookie", "a=b", "Server", "loopwire"));
    assertThat(response).isEqualTo(Http1Fields.of(
        "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", RFC_ACCEPT,
        "Set-Cookie", "a=b", "Server", "loopwire"));
  }

  @Test
  void tokensAreCaseInsensitiveAndMayShareALine() {
    offer(rfcRequest().set("Upgrade", "WebSocket").set("Connection", "keep-alive, Upgrade").build());
    offer(rfcRequest().set("Upgrade", "h2c, WEBSOCKET").set("Connection", "UPGRADE").build());
    offer(rfcRequest().set("Connection", "keep-alive").add("Connection", "upgrade").build());
  }

  @Test
  void methodMustBeGet() {
    Rejection r = rejected("POST", "HTTP/1.1", rfcRequest().build(), 405, "method POST");
    assertThat(r.headers()).isEqualTo(Http1Fields.of("Allow", "GET"));
    rejected("get", "HTTP/1.1", rfcRequest().build(), 405, "method get");
    rejected("CONNECT", "HTTP/1.1", rfcRequest().build(), 405, "not GET");
  }

  @Test
  void versionMustBeHttp11OrLater() {
    rejected("GET", "HTTP/1.0", rfcRequest().build(), 400, "HTTP/1.0 is not HTTP/1.1 or later");
    rejected("GET", "HTTP/0.9", rfcRequest().build(), 400, "HTTP/0.9");
    rejected("GET", "http/1.1", rfcRequest().build(), 400, "http/1.1");
    rejected("GET", "HTTP/1.1 ", rfcRequest().build(), 400, "not HTTP/1.1");
    rejected("GET", "HTTP/11", rfcRequest().build(), 400, "not HTTP/1.1");
    assertThat(WsServerHandshake.validate("GET", "HTTP/1.2", rfcRequest().build())).isInstanceOf(Offer.class);
    assertThat(WsServerHandshake.validate("GET", "HTTP/2.0", rfcRequest().build())).isInstanceOf(Offer.class);
  }

  @Test
  void hostMustBePresentOnce() {
    assertThat(rejected(rfcRequest().remove("Host").build(), 400, "no Host header").headers().isEmpty()).isTrue();
    rejected(rfcRequest().add("Host", "other.example.com").build(), 400, "2 Host headers");
    rejected(rfcRequest().set("Host", "").build(), 400, "empty Host header");
  }

  @Test
  void plainRequestWithoutUpgradeGets426() {
    Http1Fields plain = Http1Fields.of("Host", "h", "Accept", "text/html");
    Rejection r = rejected(plain, 426, "no Upgrade header");
    assertThat(r.headers()).isEqualTo(
        Http1Fields.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13"));
    rejected(rfcRequest().remove("Upgrade").build(), 426, "no Upgrade header");
  }

  @Test
  void upgradeMustNameWebsocket() {
    rejected(rfcRequest().set("Upgrade", "h2c").build(), 400, "has no 'websocket' token");
    rejected(rfcRequest().set("Upgrade", "websocket/13x, foo").build(), 400, "'websocket'");
    rejected(rfcRequest().set("Upgrade", "").build(), 400, "'websocket'");
  }

  @Test
  void connectionMustHoldUpgrade() {
    rejected(rfcRequest().remove("Connection").build(), 400, "no Connection header");
    rejected(rfcRequest().set("Connection", "keep-alive").build(), 400, "has no 'Upgrade' token");
    rejected(rfcRequest().set("Connection", "keep-alive upgrade").build(), 400, "'Upgrade'");
  }

  @Test
  void versionMustBe13Else426WithTheVersion() {
    Rejection wrong = rejected(rfcRequest().set("Sec-WebSocket-Version", "8").build(), 426, "Version 8 is not 13");
    assertThat(wrong.headers().get("Sec-WebSocket-Version")).isEqualTo("13");
    assertThat(wrong.headers().get("Upgrade")).isEqualTo("websocket");
    Rejection missing = rejected(rfcRequest().remove("Sec-WebSocket-Version").build(), 426,
        "no Sec-WebSocket-Version");
    assertThat(missing.headers().get("Sec-WebSocket-Version")).isEqualTo("13");
    rejected(rfcRequest().set("Sec-WebSocket-Version", "13, 8").build(), 426, "not 13");
    rejected(rfcRequest().add("Sec-WebSocket-Version", "13").build(), 400, "2 Sec-WebSocket-Version headers");
  }

  @Test
  void keyMustBePresentOnceAndSixteenBytes() {
    rejected(rfcRequest().remove("Sec-WebSocket-Key").build(), 400, "no Sec-WebSocket-Key");
    rejected(rfcRequest().add("Sec-WebSocket-Key", RFC_KEY).build(), 400, "2 Sec-WebSocket-Key headers");
    rejected(rfcRequest().set("Sec-WebSocket-Key", "dGhlIHNhbXBsZQ==").build(), 400, "not the base64 of 16 bytes");
    rejected(rfcRequest().set("Sec-WebSocket-Key", "not base64 at all!!!!!==").build(), 400, "base64");
    rejected(rfcRequest().set("Sec-WebSocket-Key", "").build(), 400, "base64");
  }

  @Test
  void subprotocolsMustBeUniqueTokens() {
    rejected(rfcRequest().set("Sec-WebSocket-Protocol", "chat superchat").build(), 400, "not a token");
    rejected(rfcRequest().set("Sec-WebSocket-Protocol", "chat, chat").build(), 400, "offers 'chat' twice");
    Offer o = offer(rfcRequest().set("Sec-WebSocket-Protocol", "a, , b").add("Sec-WebSocket-Protocol", "c").build());
    assertThat(o.subprotocols()).containsExactly("a", "b", "c");
    assertThat(offer(rfcRequest().remove("Sec-WebSocket-Protocol").build()).subprotocols()).isEmpty();
  }

  @Test
  void extensionsAreParsedFromEveryLine() {
    Offer o = offer(rfcRequest()
        .add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-dummy; level=\"3\"")
        .add("Sec-WebSocket-Extensions", "x-other")
        .build());
    assertThat(o.extensions()).containsExactly(
        WsExtensionOffer.of("permessage-deflate").withParam("client_max_window_bits"),
        WsExtensionOffer.of("x-dummy").withParam("level", "3"),
        WsExtensionOffer.of("x-other"));
    rejected(rfcRequest().add("Sec-WebSocket-Extensions", "foo; =1").build(), 400,
        "malformed Sec-WebSocket-Extensions");
  }

  @Test
  void firstFailingRuleDecides() {
    // POST + HTTP/1.0 + no key: the method wins; HTTP/1.0 + no Host: the version wins.
    rejected("POST", "HTTP/1.0", rfcRequest().remove("Sec-WebSocket-Key").build(), 405, "method");
    rejected("GET", "HTTP/1.0", rfcRequest().remove("Host").build(), 400, "HTTP/1.0");
    rejected(rfcRequest().set("Sec-WebSocket-Version", "8").remove("Sec-WebSocket-Key").build(), 426, "8");
  }

  @Test
  void chosenSubprotocolMustHaveBeenOffered() {
    Offer o = offer(rfcRequest().build());
    assertThatThrownBy(() -> WsServerHandshake.acceptResponseHeaders(o, "mqtt", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'mqtt' was not offered")
        .hasMessageContaining("[chat, superchat]");
    assertThatThrownBy(() -> WsServerHandshake.acceptResponseHeaders(o, "Chat", null, null))
        .as("subprotocols are case-sensitive").isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptedExtensionsMustHaveBeenOfferedOnce() {
    Offer o = offer(rfcRequest().add("Sec-WebSocket-Extensions", "x-dummy; level=3").build());
    Http1Fields ok = WsServerHandshake.acceptResponseHeaders(o, null, "x-dummy; level=2", null);
    assertThat(ok.get("Sec-WebSocket-Extensions")).isEqualTo("x-dummy; level=2");
    assertThatThrownBy(() -> WsServerHandshake.acceptResponseHeaders(o, null, "permessage-deflate", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'permessage-deflate' was not offered");
    assertThatThrownBy(() -> WsServerHandshake.acceptResponseHeaders(o, null, "x-dummy, x-dummy", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accepted twice");
    assertThatThrownBy(() -> WsServerHandshake.acceptResponseHeaders(o, null, "x-dummy;", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
  }

  @Test
  void extraHeadersMayNotTouchTheHandshake() {
    Offer o = offer(rfcRequest().build());
    for (String name : List.of("Upgrade", "connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
        "SEC-WEBSOCKET-EXTENSIONS", "Sec-WebSocket-Version")) {
      assertThatThrownBy(() -> WsServerHandshake.acceptResponseHeaders(o, null, null, Http1Fields.of(name, "x")))
          .as(name).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + name + "' would break the WebSocket handshake");
    }
  }

  @Test
  void subprotocolSelectionFollowsClientPreference() {
    Offer o = offer(rfcRequest().build());
    assertThat(o.selectSubprotocol(Set.of("superchat", "chat"))).isEqualTo("chat");
    assertThat(o.selectSubprotocol(List.of("superchat"))).isEqualTo("superchat");
    assertThat(o.selectSubprotocol(List.of("mqtt"))).isNull();
    assertThat(WsServerHandshake.selectSubprotocol(List.of(), List.of("chat"))).isNull();
    assertThat(WsServerHandshake.selectSubprotocol(List.of("b", "a"), List.of("a", "b"))).isEqualTo("b");
  }

  @Test
  void rejectionAndOfferValidateTheirFields() {
    assertThatThrownBy(() -> new Rejection(200, "x", Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200");
    assertThatThrownBy(() -> new Offer("short", 13, List.of(), List.of(), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("short");
  }
}
