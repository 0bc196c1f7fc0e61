package io.loopwire.protocol.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.loopwire.protocol.LimitExceededException;
import io.loopwire.protocol.RemoteProtocolException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** API behaviour of Http1RequestParser beyond the vectors: states, pause/resume, ownership, memory. */
class Http1RequestParserTest {

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(ISO_8859_1));
  }

  static String text(ByteBuffer b) {
    return ISO_8859_1.decode(b).toString();
  }

  @Test
  void statesFollowTheMessage() {
    Http1RequestParser p = new Http1RequestParser();
    assertThat(p.state()).isEqualTo(Http1ParserState.IDLE);
    p.receive(bytes("POST / HTTP/1.1\r\nHost: h\r\n"));
    assertThat(p.state()).isEqualTo(Http1ParserState.HEAD);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    assertThat(p.state()).isEqualTo(Http1ParserState.HEAD);
    p.receive(bytes("Content-Length: 3\r\n\r\nab"));
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.RequestHead.class);
    assertThat(p.state()).isEqualTo(Http1ParserState.BODY);
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.Body.class);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    p.receive(bytes("c"));
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.Body.class);
    assertThat(p.nextEvent()).isEqualTo(new Http1Event.EndOfMessage(Http1Fields.empty()));
    assertThat(p.state()).isEqualTo(Http1ParserState.IDLE);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
    p.receiveEof();
    p.receiveEof(); // idempotent
    assertThat(p.state()).isEqualTo(Http1ParserState.INPUT_SHUT);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.END_OF_INPUT);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.END_OF_INPUT);
    assertThatThrownBy(() -> p.receive(bytes("GET"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after receiveEof");
  }

  @Test
  void headEventCarriesTheParsedRequest() {
    Http1RequestParser p = new Http1RequestParser();
    p.receive(bytes("GET /x?y HTTP/1.1\r\nHost: h\r\nAccept: a\r\nACCEPT: b\r\n\r\n"));
    Http1Request r = ((Http1Event.RequestHead) p.nextEvent()).request();
    assertThat(r).isEqualTo(new Http1Request("GET", "/x?y", Http1Version.HTTP_1_1,
        Http1Fields.of("Host", "h", "Accept", "a", "ACCEPT", "b")));
    assertThat(r.headers().getAll("accept")).containsExactly("a", "b");
    assertThat(r.host()).isEqualTo("h");
  }

  @Test
  void receiveReadsTheWholeBufferAndKeepsACopy() {
    Http1RequestParser p = new Http1RequestParser();
    byte[] raw = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody".getBytes(ISO_8859_1);
    ByteBuffer in = ByteBuffer.wrap(raw);
    p.receive(in);
    assertThat(in.hasRemaining()).isFalse();
    Arrays.fill(raw, (byte) 0); // the caller reuses its buffer
    assertThat(p.bufferedBytes()).isEqualTo(raw.length);
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.RequestHead.class);
    ByteBuffer data = ((Http1Event.Body) p.nextEvent()).data();
    assertThat(text(data.duplicate())).isEqualTo("body");
    assertThat(p.bufferedBytes()).isZero();
  }

  @Test
  void bodyIsAReadOnlyView() {
    Http1RequestParser p = new Http1RequestParser();
    p.receive(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"));
    p.nextEvent();
    ByteBuffer data = ((Http1Event.Body) p.nextEvent()).data();
    assertThat(data.isReadOnly()).isTrue();
    assertThat(data.position()).isZero();
    assertThat(data.remaining()).isEqualTo(2);
    assertThatThrownBy(() -> data.put(0, (byte) 'X')).isInstanceOf(ReadOnlyBufferException.class);
  }

  @Test
  void declinedUpgradeResumesWithTheBufferedNextRequest() {
    Http1RequestParser p = new Http1RequestParser();
    p.receive(bytes("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"));
    Http1Request upgrade = ((Http1Event.RequestHead) p.nextEvent()).request();
    assertThat(upgrade.isUpgrade()).isTrue();
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.PAUSED);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.PAUSED);
    assertThat(p.state()).isEqualTo(Http1ParserState.PAUSED);
    p.resume();
    assertThat(((Http1Event.RequestHead) p.nextEvent()).request().target()).isEqualTo("/next");
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
  }

  @Test
  void acceptedUpgradeHandsOverEveryLaterByte() {
    Http1RequestParser p = new Http1RequestParser();
    p.receive(bytes("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\nAB"));
    p.nextEvent();
    p.nextEvent();
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.PAUSED);
    p.receive(bytes("CD"));
    ByteBuffer first = p.takeLeftover();
    assertThat(first.position()).isZero();
    assertThat(text(first)).isEqualTo("ABCD");
    assertThat(p.takeLeftover().remaining()).isZero();
    p.receive(bytes("EF"));
    p.receiveEof();
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.PAUSED);
    assertThat(text(p.takeLeftover())).isEqualTo("EF");
  }

  @Test
  void connectPausesAfterTheHead() {
    Http1RequestParser p = new Http1RequestParser();
    p.receive(bytes("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n"));
    assertThat(((Http1Event.RequestHead) p.nextEvent()).request().isConnect()).isTrue();
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.PAUSED);
  }

  @Test
  void pauseVerbsNeedThePausedState() {
    Http1RequestParser p = new Http1RequestParser();
    assertThatThrownBy(p::takeLeftover).isInstanceOf(IllegalStateException.class).hasMessageContaining("IDLE");
    assertThatThrownBy(p::resume).isInstanceOf(IllegalStateException.class).hasMessageContaining("PAUSED");
  }

  @Test
  void failedParserRefusesEveryCall() {
    Http1RequestParser p = new Http1RequestParser();
    p.receive(bytes("GET / HTTP/1.1\r\nHost : h\r\n\r\n"));
    RemoteProtocolException e = catchThrowableOfType(RemoteProtocolException.class, p::nextEvent);
    assertThat(e.statusHint()).isEqualTo(400);
    assertThat(e.closeCode()).isZero();
    assertThat(p.state()).isEqualTo(Http1ParserState.FAILED);
    assertThat(p.bufferedBytes()).isZero();
    assertThatThrownBy(p::nextEvent).isInstanceOf(IllegalStateException.class).hasMessageContaining("FAILED");
    assertThatThrownBy(() -> p.receive(bytes("x"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(p::receiveEof).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(p::resume).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(p::takeLeftover).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void limitErrorsNameTheLimit() {
    Http1RequestParser p = new Http1RequestParser(Http1Limits.defaults().withMaxHeaderCount(1));
    p.receive(bytes("GET / HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n"));
    LimitExceededException e = catchThrowableOfType(LimitExceededException.class, p::nextEvent);
    assertThat(e.statusHint()).isEqualTo(431);
    assertThat(e.limitName()).isEqualTo("maxHeaderCount");
    assertThat(e.limit()).isEqualTo(1);
    assertThat(e.observed()).isEqualTo(2);
  }

  @Test
  void endlessHeaderLineFailsWithinTheLimitNotAtItsEnd() {
    Http1Limits limits = Http1Limits.defaults();
    Http1RequestParser p = new Http1RequestParser(limits);
    p.receive(bytes("GET / HTTP/1.1\r\nCookie: "));
    byte[] chunk = new byte[1024];
    Arrays.fill(chunk, (byte) 'a');
    int maxBuffered = 0;
    LimitExceededException failure = null;
    for (int i = 0; i < 10_000 && failure == null; i++) { // 10 MiB if the limit were ignored
      p.receive(ByteBuffer.wrap(chunk));
      maxBuffered = Math.max(maxBuffered, p.bufferedBytes());
      try {
        assertThat(p.nextEvent()).isEqualTo(Http1Event.Signal.NEED_DATA);
      } catch (LimitExceededException e) {
        failure = e;
      }
    }
    assertThat(failure).isNotNull();
    assertThat(failure.statusHint()).isEqualTo(431);
    assertThat(maxBuffered).isLessThanOrEqualTo(limits.maxHeaderBytes() + chunk.length);
  }

  @Test
  void endlessRequestLineFailsWithinTheLimit() {
    Http1RequestParser p = new Http1RequestParser();
    byte[] chunk = new byte[1000];
    Arrays.fill(chunk, (byte) '/');
    p.receive(bytes("GET "));
    LimitExceededException failure = null;
    int pieces = 0;
    while (failure == null && pieces < 10_000) {
      p.receive(ByteBuffer.wrap(chunk));
      pieces++;
      try {
        p.nextEvent();
      } catch (LimitExceededException e) {
        failure = e;
      }
    }
    assertThat(failure.statusHint()).isEqualTo(414);
    assertThat(pieces).isEqualTo(9); // 8 KiB + 1 byte needs the ninth piece
  }

  @Test
  void longBodyStreamsThroughABoundedBuffer() {
    long total = 64L << 20;
    Http1RequestParser p = new Http1RequestParser(Http1Limits.defaults().withMaxBodyBytes(total));
    p.receive(bytes("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: " + total + "\r\n\r\n"));
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.RequestHead.class);
    byte[] chunk = new byte[64 * 1024];
    long seen = 0;
    int maxBuffered = 0;
    for (long sent = 0; sent < total; sent += chunk.length) {
      p.receive(ByteBuffer.wrap(chunk));
      maxBuffered = Math.max(maxBuffered, p.bufferedBytes());
      for (Http1Event e = p.nextEvent(); e instanceof Http1Event.Body b; e = p.nextEvent()) {
        seen += b.data().remaining();
      }
    }
    assertThat(seen).isEqualTo(total);
    assertThat(maxBuffered).isEqualTo(chunk.length);
    assertThat(p.state()).isEqualTo(Http1ParserState.IDLE);
  }

  @Test
  void pipelinedRequestsWaitInTheBufferUntilAsked() {
    Http1RequestParser p = new Http1RequestParser();
    String one = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    p.receive(bytes(one + one + one));
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.RequestHead.class);
    assertThat(p.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
    assertThat(p.bufferedBytes()).isEqualTo(2 * one.length());
  }

  @Test
  void statusHintsOfTheMainRules() {
    assertThat(statusOf("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"))
        .isEqualTo(400);
    assertThat(statusOf("BREW / HTTP/1.1\r\nHost: h\r\n\r\n")).isEqualTo(501);
    assertThat(statusOf("GET / HTTP/3.0\r\nHost: h\r\n\r\n")).isEqualTo(505);
    assertThat(statusOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")).isEqualTo(501);
    assertThat(statusOf("GET / HTTP/1.1\r\n\r\n")).isEqualTo(400);
  }

  private static int statusOf(String request) {
    Http1RequestParser p = new Http1RequestParser();
    p.receive(bytes(request));
    return catchThrowableOfType(RemoteProtocolException.class, () -> {
      for (int i = 0; i < 10; i++) {
        p.nextEvent();
      }
    }).statusHint();
  }
}
