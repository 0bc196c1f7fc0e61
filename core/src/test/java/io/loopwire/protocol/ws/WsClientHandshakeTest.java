package io.loopwire.protocol.ws;

import static io.loopwire.protocol.ws.WsHandshakeTest.RFC_ACCEPT;
import static io.loopwire.protocol.ws.WsHandshakeTest.RFC_KEY;
import static io.loopwire.protocol.ws.WsHandshakeTest.rfcNonce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.uri.Uri;
import io.loopwire.protocol.ws.WsHandshakeException.Kind;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class WsClientHandshakeTest {

  /** The client of RFC 6455 section 1.3, with its nonce. */
  private static WsClientHandshake rfcClient() {
    return WsClientHandshake.builder(Uri.parse("ws://server.example.com/chat"))
        .subprotocols("chat", "superchat")
        .headers(Http1Fields.of("Origin", "http://example.com"))
        .build(rfcNonce());
  }

  /** The response of RFC 6455 section 1.3. */
  private static Http1Fields.Builder rfcResponse() {
    return Http1Fields.builder()
        .add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Accept", RFC_ACCEPT)
        .add("Sec-WebSocket-Protocol", "chat");
  }

  private static WsHandshakeException failure(WsClientHandshake hs, int status, Http1Fields response, Kind kind) {
    try {
      hs.validate(status, response);
    } catch (WsHandshakeException e) {
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
      assertThat(e.status()).isEqualTo(status);
      return e;
    }
    throw new AssertionError("expected a " + kind + " failure for " + response);
  }

  @Test
  void buildsTheRfc6455Request() {
    WsClientHandshake hs = rfcClient();
    assertThat(hs.method()).isEqualTo("GET");
    assertThat(hs.requestTarget()).isEqualTo("/chat");
    assertThat(hs.key()).isEqualTo(RFC_KEY);
    assertThat(hs.expectedAccept()).isEqualTo(RFC_ACCEPT);
    assertThat(hs.requestHeaders()).isEqualTo(Http1Fields.of(
        "Host", "server.example.com",
        "Upgrade", "websocket",
        "Connection", "Upgrade",
        "Sec-WebSocket-Key", RFC_KEY,
        "Sec-WebSocket-Version", "13",
        "Sec-WebSocket-Protocol", "chat, superchat",
        "Origin", "http://example.com"));
  }

  @Test
  void acceptsTheRfc6455Response() {
    WsClientHandshake.Accepted ok = rfcClient().validate(101, rfcResponse().build());
    assertThat(ok.subprotocol()).isEqualTo("chat");
    assertThat(ok.extensions()).isEmpty();
  }

  @Test
  void acceptsCaseInsensitiveTokensAndNoSubprotocol() {
    WsClientHandshake.Accepted ok = rfcClient().validate(101, rfcResponse()
        .set("Upgrade", "WebSocket").set("Connection", "keep-alive, UPGRADE").remove("Sec-WebSocket-Protocol")
        .build());
    assertThat(ok.subprotocol()).isNull();
    rfcClient().validate(101, rfcResponse().set("Connection", "close").add("Connection", "upgrade").build());
  }

  @Test
  void eachKeyIsFresh() {
    SecureRandom random = new SecureRandom();
    WsClientHandshake.Builder b = WsClientHandshake.builder("h", "/");
    assertThat(b.build(random).key()).isNotEqualTo(b.build(random).key());
  }

  @Test
  void targetFromUri() {
    WsClientHandshake hs = WsClientHandshake.builder(Uri.parse("wss://[::1]:8443/a%20b?x=1")).build(rfcNonce());
    assertThat(hs.requestHeaders().get("Host")).isEqualTo("[::1]:8443");
    assertThat(hs.requestTarget()).isEqualTo("/a%20b?x=1");
    assertThat(WsClientHandshake.builder(Uri.parse("wss://h:443/")).build(rfcNonce()).requestHeaders().get("Host"))
        .isEqualTo("h");
    assertThatThrownBy(() -> WsClientHandshake.builder(Uri.parse("https://h/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use ws:// or wss://");
  }

  @Test
  void statusOtherThan101FailsWithTheStatus() {
    WsHandshakeException e = failure(rfcClient(), 404, rfcResponse().build(), Kind.STATUS);
    assertThat(e).hasMessageContaining("404 instead of 101");
    assertThat(e).isInstanceOf(RemoteProtocolException.class);
    assertThat(e.closeCode()).isEqualTo(1002);
    assertThat(e.statusHint()).isZero();
    failure(rfcClient(), 200, rfcResponse().build(), Kind.STATUS);
  }

  @Test
  void upgradeMustBeWebsocket() {
    assertThat(failure(rfcClient(), 101, rfcResponse().remove("Upgrade").build(), Kind.UPGRADE))
        .hasMessageContaining("no Upgrade header");
    assertThat(failure(rfcClient(), 101, rfcResponse().set("Upgrade", "h2c").build(), Kind.UPGRADE))
        .hasMessageContaining("[h2c]");
    failure(rfcClient(), 101, rfcResponse().set("Upgrade", "websocket, h2c").build(), Kind.UPGRADE);
    failure(rfcClient(), 101, rfcResponse().add("Upgrade", "websocket").build(), Kind.UPGRADE);
  }

  @Test
  void connectionMustHoldUpgrade() {
    assertThat(failure(rfcClient(), 101, rfcResponse().remove("Connection").build(), Kind.CONNECTION))
        .hasMessageContaining("no Connection header");
    assertThat(failure(rfcClient(), 101, rfcResponse().set("Connection", "keep-alive").build(), Kind.CONNECTION))
        .hasMessageContaining("[keep-alive] without the 'Upgrade' token");
  }

  @Test
  void acceptMustMatchTheKey() {
    assertThat(failure(rfcClient(), 101, rfcResponse().remove("Sec-WebSocket-Accept").build(), Kind.ACCEPT))
        .hasMessageContaining("no Sec-WebSocket-Accept").hasMessageContaining(RFC_ACCEPT);
    WsHandshakeException wrong = failure(rfcClient(), 101,
        rfcResponse().set("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOO=").build(), Kind.ACCEPT);
    assertThat(wrong).hasMessageContaining("s3pPLMBiTxaQ9kYGzzhZRbK+xOO=").hasMessageContaining(RFC_KEY);
    failure(rfcClient(), 101, rfcResponse().add("Sec-WebSocket-Accept", RFC_ACCEPT).build(), Kind.ACCEPT);
    // A key from another attempt does not match.
    WsClientHandshake other = WsClientHandshake.builder("h", "/").build(new SecureRandom());
    failure(other, 101, rfcResponse().remove("Sec-WebSocket-Protocol").build(), Kind.ACCEPT);
  }

  @Test
  void subprotocolMustBeOneTheClientOffered() {
    assertThat(failure(rfcClient(), 101, rfcResponse().set("Sec-WebSocket-Protocol", "mqtt").build(),
        Kind.SUBPROTOCOL)).hasMessageContaining("'mqtt', which the client did not offer (offered: [chat, superchat])");
    failure(rfcClient(), 101, rfcResponse().set("Sec-WebSocket-Protocol", "chat, superchat").build(),
        Kind.SUBPROTOCOL);
    failure(rfcClient(), 101, rfcResponse().add("Sec-WebSocket-Protocol", "superchat").build(), Kind.SUBPROTOCOL);
    failure(rfcClient(), 101, rfcResponse().set("Sec-WebSocket-Protocol", "CHAT").build(), Kind.SUBPROTOCOL);
    WsClientHandshake none = WsClientHandshake.builder("h", "/").build(rfcNonce());
    failure(none, 101, rfcResponse().build(), Kind.SUBPROTOCOL);
  }

  @Test
  void extensionMustBeOneTheClientOffered() {
    WsClientHandshake plain = rfcClient();
    assertThat(failure(plain, 101, rfcResponse().add("Sec-WebSocket-Extensions", "permessage-deflate").build(),
        Kind.EXTENSION)).hasMessageContaining("'permessage-deflate', which the client did not offer");

    WsExtensionNegotiatorFixture dummy = WsExtensionNegotiatorFixture.client(
        WsExtensionOffer.of("x-dummy").withParam("level", "3"));
    WsClientHandshake hs = WsClientHandshake.builder("h", "/").subprotocols("chat").extensions(dummy)
        .build(rfcNonce());
    assertThat(hs.validate(101, rfcResponse().add("Sec-WebSocket-Extensions", "X-Dummy; level=\"2\"").build())
        .extensions()).containsExactly(WsExtensionOffer.of("X-Dummy").withParam("level", "2"));
    failure(hs, 101, rfcResponse().add("Sec-WebSocket-Extensions", "x-dummy, x-other").build(), Kind.EXTENSION);
    assertThat(failure(hs, 101, rfcResponse().add("Sec-WebSocket-Extensions", "x-dummy").add(
        "Sec-WebSocket-Extensions", "x-dummy").build(), Kind.EXTENSION)).hasMessageContaining("more than once");
    assertThat(failure(hs, 101, rfcResponse().add("Sec-WebSocket-Extensions", "x-dummy; level=5").build(),
        Kind.EXTENSION)).hasMessageContaining("not acceptable: level 5 is above the offered 3");
    assertThat(failure(hs, 101, rfcResponse().add("Sec-WebSocket-Extensions", "x-dummy; level=").build(),
        Kind.EXTENSION)).hasMessageContaining("malformed Sec-WebSocket-Extensions");
  }

  @Test
  void extensionChecksComeBeforeTheSubprotocol() {
    // RFC 6455 4.1 lists extensions (5th) before the subprotocol (6th).
    failure(rfcClient(), 101, rfcResponse().set("Sec-WebSocket-Protocol", "mqtt")
        .add("Sec-WebSocket-Extensions", "x-foo").build(), Kind.EXTENSION);
    // And the status before everything.
    failure(rfcClient(), 400, Http1Fields.empty(), Kind.STATUS);
  }

  @Test
  void extraHeadersThatBreakTheHandshakeAreRefused() {
    WsClientHandshake.Builder b = WsClientHandshake.builder("h", "/");
    for (String name : List.of("Upgrade", "Connection", "Sec-WebSocket-Key", "sec-websocket-version",
        "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions")) {
      assertThatThrownBy(() -> b.headers(Http1Fields.of(name, "x")))
          .as(name).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + name + "' would break the WebSocket handshake");
    }
    assertThatThrownBy(() -> b.headers(Http1Fields.of("host", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("builder(hostHeader, requestTarget)");
    assertThat(b.headers(Http1Fields.of("Authorization", "Bearer t")).build(rfcNonce()).requestHeaders()
        .get("Authorization")).isEqualTo("Bearer t");
  }

  @Test
  void builderRejectsBadTargetsAndSubprotocols() {
    assertThatThrownBy(() -> WsClientHandshake.builder("h", "chat"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must begin with '/'");
    assertThatThrownBy(() -> WsClientHandshake.builder("h", "/a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x20 at index 2");
    assertThatThrownBy(() -> WsClientHandshake.builder("h", "/a\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x0D");
    assertThatThrownBy(() -> WsClientHandshake.builder("", "/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Host header value is empty");
    assertThatThrownBy(() -> WsClientHandshake.builder("h\r\nX: y", "/"))
        .isInstanceOf(IllegalArgumentException.class);
    WsClientHandshake.Builder b = WsClientHandshake.builder("h", "/");
    assertThatThrownBy(() -> b.subprotocols("chat", "a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b' is not a token");
    assertThatThrownBy(() -> b.subprotocols("chat", "chat"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed twice");
  }

  @Test
  void negotiatorsMustOfferTheirOwnExtensionOnce() {
    WsExtensionNegotiatorFixture dummy = WsExtensionNegotiatorFixture.client(WsExtensionOffer.of("x-other"));
    assertThatThrownBy(() -> WsClientHandshake.builder("h", "/").extensions(dummy).build(rfcNonce()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offered extension 'x-other'");
    assertThatThrownBy(() -> WsClientHandshake.builder("h", "/")
        .extensions(WsExtensionNegotiatorFixture.client(), WsExtensionNegotiatorFixture.client()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two extension negotiators");
  }

  @Test
  void backToBackWithTheServer() {
    WsClientHandshake hs = WsClientHandshake.builder(Uri.parse("ws://example.com:9000/echo?x"))
        .subprotocols("v2.echo", "v1.echo").build(new SecureRandom());
    WsServerHandshake.Result r = WsServerHandshake.validate(hs.method(), "HTTP/1.1", hs.requestHeaders());
    assertThat(r).isInstanceOf(WsServerHandshake.Offer.class);
    WsServerHandshake.Offer offer = (WsServerHandshake.Offer) r;
    String chosen = offer.selectSubprotocol(List.of("v1.echo", "v2.echo"));
    Http1Fields response = WsServerHandshake.acceptResponseHeaders(offer, chosen, null, null);
    assertThat(hs.validate(101, response).subprotocol()).isEqualTo("v2.echo");
  }
}
