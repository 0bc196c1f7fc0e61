package io.loopwire.protocol.http1;

import static io.loopwire.protocol.http1.Http1RequestParserTest.bytes;
import static io.loopwire.protocol.http1.Http1RequestParserTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** API behaviour of Http1ResponseParser beyond the vectors. */
class Http1ResponseParserTest {

  @Test
  void interimResponsesDoNotConsumeTheExpectation() {
    Http1ResponseParser p = new Http1ResponseParser();
    p.expectResponse("PUT");
    p.expectResponse("GET");
    assertThat(p.pendingResponses()).isEqualTo(2);
    p.receive(bytes("HTTP/1.1 100 Continue\r\n\r\n"));
    Http1Response interim = ((Http1Event.ResponseHead) p.nextEvent()).response();
    assertThat(interim.isInformational()).isTrue();
    assertThat(p.pendingResponses()).isEqualTo(2);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    p.receive(bytes("HTTP/1.1 204 No Content\r\n\r\n"));
    assertThat(((Http1Event.ResponseHead) p.nextEvent()).response().status()).isEqualTo(204);
    assertThat(p.pendingResponses()).isEqualTo(1);
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
  }

  @Test
  void switchingProtocolsPausesWithTheFrameBytes() {
    Http1ResponseParser p = new Http1ResponseParser();
    p.expectResponse("GET");
    p.receive(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081"));
    Http1Response r = ((Http1Event.ResponseHead) p.nextEvent()).response();
    assertThat(r.isSwitchingProtocols()).isTrue();
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.PAUSED);
    assertThat(p.pendingResponses()).isZero();
    p.receive(bytes("\u0000"));
    assertThat(text(p.takeLeftover())).isEqualTo("\u0081\u0000");
  }

  @Test
  void bodyUntilCloseEndsAtEof() {
    Http1ResponseParser p = new Http1ResponseParser();
    p.expectResponse("GET");
    p.receive(bytes("HTTP/1.1 200 OK\r\n\r\nabc"));
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.ResponseHead.class);
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.Body.class);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    assertThat(p.state()).isEqualTo(Http1ParserState.BODY);
    p.receiveEof();
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.END_OF_INPUT);
    assertThat(p.state()).isEqualTo(Http1ParserState.INPUT_SHUT);
  }

  @Test
  void cleanCloseWithARequestOutstandingIsEndOfInput() {
    Http1ResponseParser p = new Http1ResponseParser();
    p.expectResponse("GET");
    p.receiveEof();
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.END_OF_INPUT);
    assertThat(p.pendingResponses()).isEqualTo(1); // the client may retry it
  }

  @Test
  void expectResponseRejectsANonToken() {
    Http1ResponseParser p = new Http1ResponseParser();
    assertThatThrownBy(() -> p.expectResponse("GE T")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'GE T'");
    assertThatThrownBy(() -> p.expectResponse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nullLimitsAreRefusedWithAFix() {
    assertThatThrownBy(() -> new Http1ResponseParser(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Http1Limits.defaults()");
  }
}
