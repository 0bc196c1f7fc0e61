package io.loopwire.protocol.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.http1.Http1Fields;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WsExtensionNegotiationTest {

  private static final WsExtensionOffer DEFLATE = WsExtensionOffer.of("permessage-deflate");

  @Test
  void parsesOffersWithParameters() {
    assertThat(WsExtensionNegotiation.parse(
        "permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate"))
        .containsExactly(
            DEFLATE.withParam("client_max_window_bits").withParam("server_max_window_bits", "10"),
            DEFLATE);
  }

  @Test
  void quotedValuesAreUnquotedAndMustBeTokens() {
    assertThat(WsExtensionNegotiation.parse("foo; a=\"10\"; b=\"x\\y\""))
        .containsExactly(WsExtensionOffer.of("foo").withParam("a", "10").withParam("b", "xy"));
    assertThatThrownBy(() -> WsExtensionNegotiation.parse("foo; a=\"1 0\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a token inside the quotes of parameter 'a'").hasMessageContaining("index 7");
    assertThatThrownBy(() -> WsExtensionNegotiation.parse("foo; a=\"x,y\", bar"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not \"x,y\"");
    assertThatThrownBy(() -> WsExtensionNegotiation.parse("foo; a=\"10"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closing '\"'");
    assertThatThrownBy(() -> WsExtensionNegotiation.parse("foo; a=\"10\\"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closing '\"'");
  }

  @Test
  void whitespaceAndEmptyElementsAreTolerated() {
    assertThat(WsExtensionNegotiation.parse(" ,foo ;\ta = 1 ;b ,, bar ,"))
        .containsExactly(WsExtensionOffer.of("foo").withParam("a", "1").withParam("b"), WsExtensionOffer.of("bar"));
    assertThat(WsExtensionNegotiation.parse("")).isEmpty();
    assertThat(WsExtensionNegotiation.parse(" , ")).isEmpty();
  }

  @Test
  void multipleHeaderLinesFormOneList() {
    Http1Fields h = Http1Fields.of(
        "Sec-WebSocket-Extensions", "a; x=1",
        "Other", "ignored",
        "sec-websocket-extensions", "b, c");
    assertThat(WsExtensionNegotiation.parse(h)).extracting(WsExtensionOffer::name).containsExactly("a", "b", "c");
    assertThat(WsExtensionNegotiation.parse(Http1Fields.empty())).isEmpty();
  }

  @Test
  void malformedInputNamesIndexAndExpectation() {
    assertBad("foo bar", "expected ',' or ';' at index 4, found 'b' (0x62)");
    assertBad("foo;", "expected a parameter name at index 4, found the end");
    assertBad("foo; =1", "expected a parameter name at index 5");
    assertBad("foo; a=", "expected a parameter value at index 7");
    assertBad("foo; a=1=2", "expected ',' or ';' at index 8");
    assertBad(";a", "expected an extension name at index 0");
    assertBad("f\u00e9", "found 0xE9");
    assertBad("foo/1", "found '/' (0x2F)");
  }

  private static void assertBad(String value, String message) {
    assertThatThrownBy(() -> WsExtensionNegotiation.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed Sec-WebSocket-Extensions")
        .hasMessageContaining(message);
  }

  @Test
  void formatRoundTrips() {
    List<WsExtensionOffer> offers = List.of(
        DEFLATE.withParam("client_max_window_bits"), WsExtensionOffer.of("x-dummy").withParam("level", "3"));
    String text = WsExtensionNegotiation.format(offers);
    assertThat(text).isEqualTo("permessage-deflate; client_max_window_bits, x-dummy; level=3");
    assertThat(WsExtensionNegotiation.parse(text)).isEqualTo(offers);
    assertThat(WsExtensionNegotiation.format(List.of())).isEmpty();
  }

  @Test
  void offerAccessorsAndValidation() {
    WsExtensionOffer o = WsExtensionOffer.of("Foo").withParam("A", "1").withParam("b").withParam("a", "2");
    assertThat(o.is("foo")).isTrue();
    assertThat(o.hasParam("a")).isTrue();
    assertThat(o.paramValue("a")).isEqualTo("1");
    assertThat(o.hasParam("B")).isTrue();
    assertThat(o.paramValue("b")).isNull();
    assertThat(o.hasParam("c")).isFalse();
    assertThat(o.params()).hasSize(3);
    assertThatThrownBy(() -> WsExtensionOffer.of("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withParam("x", "1 2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a token");
    assertThatThrownBy(() -> o.params().add(new WsExtensionOffer.Param("z", null)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void serverNegotiationAsksEachNegotiatorAboutItsOffersOnly() {
    WsExtensionNegotiatorFixture dummy = WsExtensionNegotiatorFixture.server(2);
    List<WsExtensionOffer> offers = WsExtensionNegotiation.parse(
        "x-dummy; level=bogus, permessage-deflate, X-Dummy; level=5, x-dummy");
    List<WsExtensionOffer> accepted = WsExtensionNegotiation.negotiate(offers, List.of(dummy));
    // The first understood offer wins (level=5), capped at the server's 2; deflate has no negotiator.
    assertThat(accepted).containsExactly(WsExtensionOffer.of("x-dummy").withParam("level", "2"));
    assertThat(dummy.serverCalls).isEqualTo(1);
    assertThat(WsExtensionNegotiation.format(accepted)).isEqualTo("x-dummy; level=2");
  }

  @Test
  void serverNegotiationKeepsClientOrderAndSkipsUnofferedOrDeclined() {
    WsExtensionNegotiator first = fixed("a", Optional.of(WsExtensionOffer.of("a")));
    WsExtensionNegotiator second = fixed("b", Optional.of(WsExtensionOffer.of("b").withParam("k")));
    WsExtensionNegotiator declines = fixed("c", Optional.empty());
    WsExtensionNegotiator unoffered = fixed("d", Optional.of(WsExtensionOffer.of("d")));
    List<WsExtensionOffer> offers = WsExtensionNegotiation.parse("c, b, a");
    assertThat(WsExtensionNegotiation.negotiate(offers, List.of(first, second, declines, unoffered)))
        .extracting(WsExtensionOffer::format).containsExactly("b; k", "a");
  }

  @Test
  void negotiatorMistakesAreCaught() {
    WsExtensionNegotiator liar = fixed("a", Optional.of(WsExtensionOffer.of("b")));
    assertThatThrownBy(() -> WsExtensionNegotiation.negotiate(WsExtensionNegotiation.parse("a"), List.of(liar)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered with extension 'b'");
    assertThatThrownBy(() -> WsExtensionNegotiation.negotiate(List.of(),
        List.of(fixed("a", Optional.empty()), fixed("A", Optional.empty()))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two extension negotiators");
  }

  @Test
  void backToBackNegotiationWithTheDummyExtension() {
    WsExtensionNegotiatorFixture client = WsExtensionNegotiatorFixture.client(
        WsExtensionOffer.of("x-dummy").withParam("level", "7"), WsExtensionOffer.of("x-dummy"));
    WsClientHandshake hs = WsClientHandshake.builder("h", "/").extensions(client)
        .build(WsHandshakeTest.rfcNonce());
    assertThat(hs.requestHeaders().get("Sec-WebSocket-Extensions")).isEqualTo("x-dummy; level=7, x-dummy");

    WsServerHandshake.Offer offer = (WsServerHandshake.Offer) WsServerHandshake.validate("GET", "HTTP/1.1",
        hs.requestHeaders());
    List<WsExtensionOffer> accepted = WsExtensionNegotiation.negotiate(offer.extensions(),
        List.of(WsExtensionNegotiatorFixture.server(4)));
    var response = WsServerHandshake.acceptResponseHeaders(offer, null,
        WsExtensionNegotiation.format(accepted), null);

    WsClientHandshake.Accepted ok = hs.validate(101, response);
    assertThat(ok.extensions()).containsExactly(WsExtensionOffer.of("x-dummy").withParam("level", "4"));
    assertThat(client.clientChecks).isEqualTo(1);
  }

  private static WsExtensionNegotiator fixed(String name, Optional<WsExtensionOffer> answer) {
    return new WsExtensionNegotiator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<WsExtensionOffer> serverAccept(List<WsExtensionOffer> offers) {
        assertThat(offers).isNotEmpty().allMatch(o -> o.is(name));
        return answer;
      }

      @Override
      public List<WsExtensionOffer> clientOffers() {
        return List.of(WsExtensionOffer.of(name));
      }

      @Override
      public Optional<String> clientCheck(WsExtensionOffer response) {
        return Optional.empty();
      }
    };
  }
}
