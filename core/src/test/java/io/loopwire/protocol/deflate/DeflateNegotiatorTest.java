package io.loopwire.protocol.deflate;

import static io.loopwire.protocol.deflate.DeflateTesting.json;
import static io.loopwire.protocol.deflate.DeflateTesting.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.deflate.DeflateTesting.Message;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.ws.WsClientHandshake;
import io.loopwire.protocol.ws.WsExtensionNegotiation;
import io.loopwire.protocol.ws.WsExtensionOffer;
import io.loopwire.protocol.ws.WsHandshakeException;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.protocol.ws.WsRole;
import io.loopwire.protocol.ws.WsServerHandshake;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7692 7.1 negotiation on both sides, every parameter, and a full handshake into a compressed session. */
class DeflateNegotiatorTest {

  private static final DeflateNegotiator DEFAULT = new DeflateNegotiator(DeflateOptions.defaults());

  /** The server's answer to a Sec-WebSocket-Extensions value, or "declined". */
  private static String serverAnswer(DeflateNegotiator n, String header) {
    List<WsExtensionOffer> accepted = WsExtensionNegotiation.negotiate(WsExtensionNegotiation.parse(header),
        List.of(n));
    return accepted.isEmpty() ? "declined" : WsExtensionNegotiation.format(accepted);
  }

  private static Optional<String> check(String offer, String response) {
    return DeflateNegotiator.checkResponse(WsExtensionNegotiation.parse(offer).get(0),
        WsExtensionNegotiation.parse(response).get(0));
  }

  // ------------------------------------------------------------------------------------------------ server

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "permessage-deflate | permessage-deflate",
      "permessage-deflate; server_no_context_takeover | permessage-deflate; server_no_context_takeover",
      "permessage-deflate; client_no_context_takeover | permessage-deflate; client_no_context_takeover",
      "permessage-deflate; client_max_window_bits | permessage-deflate",
      "permessage-deflate; client_max_window_bits=12 | permessage-deflate; client_max_window_bits=12",
      "permessage-deflate; server_max_window_bits=15 | permessage-deflate; server_max_window_bits=15",
      "permessage-deflate; server_max_window_bits=\"10\" | permessage-deflate; server_max_window_bits=10",
      "Permessage-Deflate; Server_No_Context_Takeover | permessage-deflate; server_no_context_takeover",
      "permessage-deflate; client_max_window_bits; server_max_window_bits=9; server_no_context_takeover;"
          + " client_no_context_takeover | permessage-deflate; server_no_context_takeover;"
          + " client_no_context_takeover; server_max_window_bits=9",
      // several offers: the first valid one is accepted, the others declined
      "permessage-deflate; server_max_window_bits=9; server_no_context_takeover, permessage-deflate"
          + " | permessage-deflate; server_no_context_takeover; server_max_window_bits=9",
      "permessage-deflate; foo, permessage-deflate; server_max_window_bits=12"
          + " | permessage-deflate; server_max_window_bits=12",
      "permessage-deflate; server_max_window_bits, permessage-deflate; client_max_window_bits=9"
          + " | permessage-deflate; client_max_window_bits=9",
      "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits | permessage-deflate",
  })
  void serverAcceptsTheFirstValidOfferAndGrantsWhatItAsks(String offers, String answer) {
    assertThat(serverAnswer(DEFAULT, offers)).isEqualTo(answer);
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14, 15})
  void serverGrantsEveryServerWindowAndUsesIt(int bits) {
    String answer = serverAnswer(DEFAULT, "permessage-deflate; server_max_window_bits=" + bits);
    assertThat(answer).isEqualTo("permessage-deflate; server_max_window_bits=" + bits);
    DeflateParams agreed = DEFAULT.agreed(WsRole.SERVER, WsExtensionNegotiation.parse(answer).get(0));
    assertThat(agreed.maxWindowBits(WsRole.SERVER)).isEqualTo(bits);
    assertThat(agreed.maxWindowBits(WsRole.CLIENT)).isEqualTo(15);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "permessage-deflate; foo",
      "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
      "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
      "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
      "permessage-deflate; server_no_context_takeover=1",
      "permessage-deflate; client_no_context_takeover=true",
      "permessage-deflate; server_max_window_bits",
      "permessage-deflate; server_max_window_bits=7",
      "permessage-deflate; server_max_window_bits=16",
      "permessage-deflate; server_max_window_bits=010",
      "permessage-deflate; client_max_window_bits=0",
      "permessage-deflate; client_max_window_bits=abc",
      "permessage-deflate; x=1, permessage-deflate; server_max_window_bits=99",
  })
  void serverDeclinesOffersWithBadParameters(String offers) {
    assertThat(serverAnswer(DEFAULT, offers)).isEqualTo("declined");
  }

  @Test
  void offersInSeveralHeaderLinesAreOneList() {
    Http1Fields headers = Http1Fields.builder()
        .add("Sec-WebSocket-Extensions", "permessage-deflate; bogus=1")
        .add("Sec-WebSocket-Extensions", "foo, permessage-deflate; client_no_context_takeover")
        .add("Sec-WebSocket-Extensions", "permessage-deflate")
        .build();
    List<WsExtensionOffer> accepted = WsExtensionNegotiation.negotiate(WsExtensionNegotiation.parse(headers),
        List.of(DEFAULT));
    assertThat(WsExtensionNegotiation.format(accepted)).isEqualTo("permessage-deflate; client_no_context_takeover");
  }

  @Test
  void serverAddsWhatItsOptionsAskFor() {
    DeflateNegotiator n = new DeflateNegotiator(DeflateOptions.defaults().withServerNoContextTakeover(true)
        .withClientNoContextTakeover(true).withServerMaxWindowBits(11).withClientMaxWindowBits(10));
    assertThat(serverAnswer(n, "permessage-deflate")).as("no client_max_window_bits without the client's consent")
        .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
            + " server_max_window_bits=11");
    assertThat(serverAnswer(n, "permessage-deflate; client_max_window_bits"))
        .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
            + " server_max_window_bits=11; client_max_window_bits=10");
    assertThat(serverAnswer(n, "permessage-deflate; server_max_window_bits=9; client_max_window_bits=8"))
        .as("the smaller of asked and wanted").isEqualTo("permessage-deflate; server_no_context_takeover;"
            + " client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8");
    assertThat(serverAnswer(n, "permessage-deflate; server_max_window_bits=13; client_max_window_bits=12"))
        .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
            + " server_max_window_bits=11; client_max_window_bits=10");
    DeflateParams agreed = n.agreed(WsRole.SERVER, WsExtensionNegotiation.parse(
        serverAnswer(n, "permessage-deflate; client_max_window_bits")).get(0));
    assertThat(agreed).isEqualTo(new DeflateParams(true, true, 11, 10));
  }

  // ------------------------------------------------------------------------------------------------ client

  @Test
  void clientOffersItsOptionsAndAlwaysClientMaxWindowBits() {
    assertThat(DEFAULT.clientOffers()).extracting(WsExtensionOffer::format)
        .containsExactly("permessage-deflate; client_max_window_bits");
    DeflateNegotiator all = new DeflateNegotiator(DeflateOptions.defaults().withServerNoContextTakeover(true)
        .withClientNoContextTakeover(true).withServerMaxWindowBits(10).withClientMaxWindowBits(9));
    assertThat(all.offer().format()).isEqualTo("permessage-deflate; server_no_context_takeover;"
        + " client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "permessage-deflate; client_max_window_bits | permessage-deflate",
      "permessage-deflate; client_max_window_bits | permessage-deflate; server_no_context_takeover",
      "permessage-deflate; client_max_window_bits | permessage-deflate; client_no_context_takeover",
      "permessage-deflate; client_max_window_bits | permessage-deflate; server_max_window_bits=8",
      "permessage-deflate; client_max_window_bits | permessage-deflate; client_max_window_bits=8",
      "permessage-deflate; client_max_window_bits | permessage-deflate; client_max_window_bits=15",
      "permessage-deflate; client_max_window_bits=10 | permessage-deflate; client_max_window_bits=10",
      "permessage-deflate; client_max_window_bits=10 | permessage-deflate",
      "permessage-deflate; server_max_window_bits=10 | permessage-deflate; server_max_window_bits=9",
      "permessage-deflate; server_no_context_takeover | permessage-deflate; server_no_context_takeover",
  })
  void clientAcceptsAnswersItAllowed(String offer, String response) {
    assertThat(check(offer, response)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "permessage-deflate | permessage-deflate; client_max_window_bits=10 | was not offered",
      "permessage-deflate; client_max_window_bits=10 | permessage-deflate; client_max_window_bits=11 | larger",
      "permessage-deflate; client_max_window_bits | permessage-deflate; client_max_window_bits | needs a value",
      "permessage-deflate; client_max_window_bits | permessage-deflate; client_max_window_bits=7 | 8..15",
      "permessage-deflate; client_max_window_bits | permessage-deflate; client_max_window_bits=16 | 8..15",
      "permessage-deflate; client_max_window_bits | permessage-deflate; server_max_window_bits=09 | 8..15",
      "permessage-deflate; client_max_window_bits | permessage-deflate; server_max_window_bits | needs a value",
      "permessage-deflate; server_max_window_bits=10 | permessage-deflate | does not grant",
      "permessage-deflate; server_max_window_bits=10 | permessage-deflate; server_max_window_bits=11 | larger",
      "permessage-deflate; server_no_context_takeover | permessage-deflate | does not grant",
      "permessage-deflate | permessage-deflate; server_no_context_takeover; server_no_context_takeover"
          + " | more than once",
      "permessage-deflate | permessage-deflate; server_max_window_bits=9; server_max_window_bits=9"
          + " | more than once",
      "permessage-deflate | permessage-deflate; client_no_context_takeover=1 | takes no value",
      "permessage-deflate | permessage-deflate; x_unknown | unknown parameter",
  })
  void clientRefusesAnswersItDidNotAllow(String offer, String response, String why) {
    assertThat(check(offer, response)).hasValueSatisfying(s -> assertThat(s).contains(why));
  }

  @Test
  void aRefusedAnswerFailsTheHandshakeAsAnExtensionError() {
    WsClientHandshake hs = WsClientHandshake.builder("example.com", "/").extensions(DEFAULT)
        .build(new SecureRandom());
    assertThat(hs.requestHeaders().get("Sec-WebSocket-Extensions"))
        .isEqualTo("permessage-deflate; client_max_window_bits");
    Http1Fields bad = Http1Fields.of("Upgrade", "websocket", "Connection", "Upgrade",
        "Sec-WebSocket-Accept", hs.expectedAccept(), "Sec-WebSocket-Extensions",
        "permessage-deflate; client_max_window_bits=20");
    assertThatThrownBy(() -> hs.validate(101, bad)).isInstanceOfSatisfying(WsHandshakeException.class,
        e -> {
          assertThat(e.kind()).isEqualTo(WsHandshakeException.Kind.EXTENSION);
          assertThat(e.getMessage()).contains("client_max_window_bits=20");
        });
    Http1Fields good = Http1Fields.of("Upgrade", "websocket", "Connection", "Upgrade",
        "Sec-WebSocket-Accept", hs.expectedAccept(), "Sec-WebSocket-Extensions",
        "permessage-deflate; client_max_window_bits=9; server_no_context_takeover");
    WsClientHandshake.Accepted ok = hs.validate(101, good);
    assertThat(DEFAULT.agreed(WsRole.CLIENT, ok.extensions().get(0)))
        .isEqualTo(new DeflateParams(true, false, 15, 9));
  }

  @Test
  void aClientKeepsTheWindowItLimitedItselfToInTheOffer() {
    DeflateNegotiator n = new DeflateNegotiator(DeflateOptions.defaults().withClientMaxWindowBits(10));
    assertThat(n.agreed(WsRole.CLIENT, WsExtensionOffer.of("permessage-deflate")).clientMaxWindowBits())
        .isEqualTo(10);
    assertThat(n.agreed(WsRole.CLIENT, WsExtensionNegotiation.parse("permessage-deflate; client_max_window_bits=9")
        .get(0)).clientMaxWindowBits()).isEqualTo(9);
    assertThatThrownBy(() -> n.agreed(WsRole.CLIENT, WsExtensionOffer.of("x-other")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsAndParamsRejectBadValues() {
    assertThatThrownBy(() -> DeflateOptions.defaults().withServerMaxWindowBits(7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverMaxWindowBits 7");
    assertThatThrownBy(() -> DeflateOptions.defaults().withClientMaxWindowBits(16))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeflateOptions.defaults().withCompressionLevel(10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeflateOptions.defaults().withMinCompressBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeflateParams(false, false, 15, 7)).isInstanceOf(IllegalArgumentException.class);
    assertThat(DeflateOptions.defaults()).as("the documented defaults")
        .isEqualTo(new DeflateOptions(6, 64, false, false, 15, 15));
  }

  // ------------------------------------------------------------------------------------------------ both

  /** Client and server handshakes back to back, then a compressed session between them. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "false | false | 15 | 15 | false | false | 15 | 15",
      "true | true | 9 | 8 | false | false | 15 | 15",
      "false | false | 15 | 15 | true | true | 10 | 12",
      "true | false | 8 | 15 | false | true | 15 | 9",
  })
  void aFullHandshakeAgreesTheSameParamsOnBothSidesAndMessagesFlow(boolean cSnct, boolean cCnct, int cSbits,
      int cCbits, boolean sSnct, boolean sCnct, int sSbits, int sCbits) {
    DeflateOptions clientOptions = DeflateOptions.defaults().withMinCompressBytes(0).withServerNoContextTakeover(cSnct)
        .withClientNoContextTakeover(cCnct).withServerMaxWindowBits(cSbits).withClientMaxWindowBits(cCbits);
    DeflateOptions serverOptions = DeflateOptions.defaults().withMinCompressBytes(0).withServerNoContextTakeover(sSnct)
        .withClientNoContextTakeover(sCnct).withServerMaxWindowBits(sSbits).withClientMaxWindowBits(sCbits);
    DeflateNegotiator clientSide = new DeflateNegotiator(clientOptions);
    DeflateNegotiator serverSide = new DeflateNegotiator(serverOptions);

    WsClientHandshake hs = WsClientHandshake.builder("example.com", "/chat").extensions(clientSide)
        .build(new SecureRandom());
    WsServerHandshake.Offer offer = (WsServerHandshake.Offer) WsServerHandshake.validate("GET", "HTTP/1.1",
        hs.requestHeaders());
    List<WsExtensionOffer> accepted = WsExtensionNegotiation.negotiate(offer.extensions(), List.of(serverSide));
    assertThat(accepted).hasSize(1);
    Http1Fields response = WsServerHandshake.acceptResponseHeaders(offer, null,
        WsExtensionNegotiation.format(accepted), Http1Fields.empty());
    WsClientHandshake.Accepted ok = hs.validate(101, response);

    DeflateParams atServer = serverSide.agreed(WsRole.SERVER, accepted.get(0));
    DeflateParams atClient = clientSide.agreed(WsRole.CLIENT, ok.extensions().get(0));
    assertThat(atClient.serverNoContextTakeover()).isEqualTo(atServer.serverNoContextTakeover()).isEqualTo(cSnct || sSnct);
    assertThat(atClient.clientNoContextTakeover()).isEqualTo(atServer.clientNoContextTakeover()).isEqualTo(cCnct || sCnct);
    assertThat(atClient.serverMaxWindowBits()).isEqualTo(atServer.serverMaxWindowBits())
        .isEqualTo(Math.min(cSbits, sSbits));
    assertThat(atClient.clientMaxWindowBits()).as("the client's own limit holds")
        .isEqualTo(Math.min(cCbits, sCbits)).isLessThanOrEqualTo(atServer.clientMaxWindowBits());

    DeflateTesting.End server = DeflateTesting.End.of(WsRole.SERVER,
        DeflateTransform.create(WsRole.SERVER, atServer, serverOptions), WsLimits.defaults());
    DeflateTesting.End client = DeflateTesting.End.of(WsRole.CLIENT,
        DeflateTransform.create(WsRole.CLIENT, atClient, clientOptions), WsLimits.defaults());
    DeflateChecker fromServer = new DeflateChecker(atServer.serverMaxWindowBits(), atServer.serverNoContextTakeover());
    DeflateChecker fromClient = new DeflateChecker(atClient.clientMaxWindowBits(), atClient.clientNoContextTakeover());
    for (int i = 0; i < 5; i++) {
      String m = json(3000, i % 2);
      server.conn().sendText(m, true);
      assertThat(transfer(server.conn(), client.conn(), 0)).containsExactly(Message.text(m));
      client.conn().sendText(m, true);
      assertThat(transfer(client.conn(), server.conn(), 0)).containsExactly(Message.text(m));
      assertThat(fromServer.message(server.transform().compressed.get(i))).isEqualTo(DeflateTesting.utf8(m));
      assertThat(fromClient.message(client.transform().compressed.get(i))).isEqualTo(DeflateTesting.utf8(m));
    }
    server.transform().inner.close();
    client.transform().inner.close();
  }
}
