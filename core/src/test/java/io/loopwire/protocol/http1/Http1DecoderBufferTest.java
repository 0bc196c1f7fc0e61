package io.loopwire.protocol.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The parser's input buffer exists only while bytes wait in it: drained between messages (an idle
 * keep-alive connection) or taken at an upgrade, the parser holds no array; and the release never loses
 * pipelined bytes or invalidates a body view before its borrow ends.
 */
class Http1DecoderBufferTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(ISO_8859_1));
  }

  @Test
  void aDrainedParserHoldsNoBuffer() {
    Http1Decoder d = new Http1Decoder(Http1Limits.defaults(), true);
    assertThat(d.bufferCapacity()).isZero();
    d.receive(bytes("GET / HTTP/1.1\r\nHost: h\r\n"));
    assertThat(d.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    assertThat(d.bufferCapacity()).as("a partial head is kept").isPositive();
    d.receive(bytes("\r\n"));
    assertThat(d.nextEvent()).isInstanceOf(Http1Event.RequestHead.class);
    assertThat(d.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(d.bufferCapacity()).as("drained between requests").isZero();
    assertThat(d.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    assertThat(d.bufferCapacity()).isZero();
  }

  @Test
  void theFirstBufferIsSizedToTheRead() {
    Http1Decoder d = new Http1Decoder(Http1Limits.defaults(), true);
    d.receive(bytes("GET / HTTP/1.1\r\n"));
    assertThat(d.bufferCapacity()).isLessThan(1024);
  }

  @Test
  void pipelinedRequestsSurviveTheRelease() {
    Http1Decoder d = new Http1Decoder(Http1Limits.defaults(), true);
    d.receive(bytes("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHo"));
    assertThat(d.nextEvent()).isInstanceOf(Http1Event.RequestHead.class);
    ByteBuffer body = ((Http1Event.Body) d.nextEvent()).data();
    assertThat(d.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(d.bufferCapacity()).as("the next request's start is still buffered").isPositive();
    assertThat(d.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    d.receive(bytes("st: h\r\n\r\n"));
    Http1Request second = ((Http1Event.RequestHead) d.nextEvent()).request();
    assertThat(second.target()).isEqualTo("/b");
    assertThat(d.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(d.bufferCapacity()).isZero();
    assertThat(ISO_8859_1.decode(body).toString()).as("a body view keeps its own array").isEqualTo("abc");
  }

  @Test
  void takeLeftoverReleasesTheBuffer() {
    Http1Decoder d = new Http1Decoder(Http1Limits.defaults(), true);
    d.receive(bytes("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081"));
    assertThat(d.nextEvent()).isInstanceOf(Http1Event.RequestHead.class);
    assertThat(d.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(d.nextEvent()).isEqualTo(Http1Event.Signal.PAUSED);
    assertThat(d.takeLeftover().remaining()).isEqualTo(1);
    assertThat(d.bufferCapacity()).isZero();
  }
}
