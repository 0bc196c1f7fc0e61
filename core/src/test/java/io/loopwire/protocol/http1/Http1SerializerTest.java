package io.loopwire.protocol.http1;

import static io.loopwire.protocol.http1.Http1RequestParserTest.bytes;
import static io.loopwire.protocol.http1.Http1RequestParserTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact bytes, validation of what the application gives, and round trips through the parsers. */
class Http1SerializerTest {

  @Test
  void requestHeadBytes() {
    Http1Request r = Http1Request.of("POST", "/submit?x=1",
        Http1Fields.of("Host", "example.com", "Content-Length", "5", "X-Tab", "a\tb"));
    ByteBuffer out = Http1Serializer.requestHead(r);
    assertThat(out.position()).isZero();
    assertThat(out.remaining()).isEqualTo(out.capacity());
    assertThat(text(out)).isEqualTo(
        "POST /submit?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nX-Tab: a\tb\r\n\r\n");
  }

  @Test
  void responseHeadBytes() {
    assertThat(text(Http1Serializer.responseHead(Http1Response.of(404, Http1Fields.of("Content-Length", "0")))))
        .isEqualTo("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    assertThat(text(Http1Serializer.responseHead(
        new Http1Response(200, "", Http1Version.HTTP_1_0, Http1Fields.of("X", "caf\u00e9")))))
        .isEqualTo("HTTP/1.0 200 \r\nX: caf\u00e9\r\n\r\n");
  }

  @Test
  void chunkBytes() {
    ByteBuffer data = bytes("0123456789abcdefXYZ");
    assertThat(text(Http1Serializer.chunk(data))).isEqualTo("13\r\n0123456789abcdefXYZ\r\n");
    assertThat(data.hasRemaining()).isFalse();
    assertThat(Http1Serializer.chunk(bytes("")).remaining()).isZero();
    assertThat(text(Http1Serializer.lastChunk(Http1Fields.empty()))).isEqualTo("0\r\n\r\n");
    assertThat(text(Http1Serializer.lastChunk(Http1Fields.of("X-Sum", "abc", "Y", "")))).isEqualTo(
        "0\r\nX-Sum: abc\r\nY: \r\n\r\n");
  }

  @Test
  void writeChunkTransfersTheDataWithoutCopying() {
    List<ByteBuffer> out = new ArrayList<>();
    ByteBuffer data = bytes("hello");
    Http1Serializer.writeChunk(data, out::add);
    assertThat(out).hasSize(3);
    assertThat(out.get(1)).isSameAs(data);
    assertThat(text(out.get(0)) + text(out.get(1)) + text(out.get(2))).isEqualTo("5\r\nhello\r\n");
    out.clear();
    Http1Serializer.writeChunk(bytes(""), out::add);
    assertThat(out).isEmpty();
  }

  @Test
  void applicationMistakesNameTheProblem() {
    assertThatThrownBy(() -> Http1Serializer.requestHead(Http1Request.of("GET", "/", Http1Fields.of("Host", "h",
        "X-Bell", "a\u0007b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x07").hasMessageContaining("'X-Bell'");
    assertThatThrownBy(() -> Http1Serializer.responseHead(Http1Response.of(200, Http1Fields.of("X", "\u007f"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x7f");
    assertThatThrownBy(() -> Http1Fields.of("X", "a\r\nInjected: yes"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0xd");
    assertThatThrownBy(() -> Http1Serializer.requestHead(Http1Request.of("GET", "/", Http1Fields.empty())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one Host");
    assertThatThrownBy(() -> Http1Serializer.requestHead(Http1Request.of("GET", "/",
        Http1Fields.of("Host", "a", "Host", "b"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 2");
    assertThatThrownBy(() -> Http1Serializer.requestHead(Http1Request.of("GET", "/", Http1Fields.of("Host", "a b"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid Host");
    assertThatThrownBy(() -> Http1Serializer.requestHead(Http1Request.of("POST", "/", Http1Fields.of("Host", "h",
        "Content-Length", "1", "Transfer-Encoding", "chunked"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both Content-Length and Transfer-Encoding");
    assertThatThrownBy(() -> Http1Serializer.requestHead(Http1Request.of("POST", "/", Http1Fields.of("Host", "h",
        "Content-Length", "-1"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'-1'");
    assertThatThrownBy(() -> Http1Serializer.responseHead(Http1Response.of(200, Http1Fields.of(
        "Content-Length", "1", "Content-Length", "1"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep one");
    assertThatThrownBy(() -> Http1Serializer.responseHead(Http1Response.of(200, Http1Fields.of(
        "Transfer-Encoding", "gzip"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must end with chunked");
    assertThatThrownBy(() -> Http1Serializer.requestHead(new Http1Request("POST", "/", Http1Version.HTTP_1_0,
        Http1Fields.of("Transfer-Encoding", "chunked"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTTP/1.0");
    assertThatThrownBy(() -> Http1Serializer.responseHead(Http1Response.of(204, Http1Fields.of(
        "Content-Length", "0"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("204 response has no body");
    assertThatThrownBy(() -> Http1Serializer.lastChunk(Http1Fields.of("Content-Length", "5")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not allowed in trailers");
  }

  /** The serializer skips its value scan for fields known clean: every way of building must keep that honest. */
  @Test
  void aControlCharacterIsRefusedHoweverTheFieldsWereBuilt() {
    Http1Fields dirty = Http1Fields.of("X-Bell", "a\u0007b");
    Http1Fields clean = Http1Fields.of("X-Fine", "a\tb");
    List<Http1Fields> built = List.of(dirty,
        dirty.toBuilder().add("Y", "z").build(),
        clean.toBuilder().addAll(dirty).build(),
        Http1Fields.builder().addAll(clean).add("X-Bell", "\u0001").build(),
        dirty.toBuilder().remove("Nothing").set("Y", "z").build(),
        Http1Fields.builder().addAll(dirty).addAll(clean).remove("X-Fine").build());
    for (Http1Fields h : built) {
      assertThatThrownBy(() -> Http1Serializer.responseHead(Http1Response.of(200, h)))
          .as("%s", h).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
    }
    assertThat(text(Http1Serializer.responseHead(Http1Response.of(200, clean.toBuilder().addAll(clean).build()))))
        .isEqualTo("HTTP/1.1 200 OK\r\nX-Fine: a\tb\r\nX-Fine: a\tb\r\n\r\n");
  }

  @Test
  void builderEditsKeepOrderAndCase() {
    Http1Fields h = Http1Fields.of("A", "1", "b", "2", "A", "3", "C", "4").toBuilder()
        .remove("a").set("B", "5").add("D", "6").build();
    assertThat(h).isEqualTo(Http1Fields.of("C", "4", "B", "5", "D", "6"));
    assertThat(h.name(1)).isEqualTo("B");
    Http1Fields.Builder many = Http1Fields.builder();
    for (int i = 0; i < 40; i++) {
      many.add("X-" + i, Integer.toString(i));
    }
    Http1Fields big = many.build();
    assertThat(big.size()).isEqualTo(40);
    assertThat(big.value(39)).isEqualTo("39");
    assertThat(big.toBuilder().addAll(big).build().size()).isEqualTo(80);
    assertThatThrownBy(() -> Http1Fields.builder().add("X", "\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void roundTripThroughTheParsers() {
    Http1Request req = Http1Request.of("PUT", "/f", Http1Fields.of("Host", "h", "Transfer-Encoding", "chunked"));
    Http1RequestParser rp = new Http1RequestParser();
    rp.receive(Http1Serializer.requestHead(req));
    rp.receive(Http1Serializer.chunk(bytes("abc")));
    rp.receive(Http1Serializer.lastChunk(Http1Fields.of("T", "1")));
    assertThat(rp.nextEvent()).isEqualTo(new Http1Event.RequestHead(req));
    assertThat(rp.nextEvent()).isEqualTo(new Http1Event.Body(bytes("abc")));
    assertThat(rp.nextEvent()).isEqualTo(new Http1Event.EndOfMessage(Http1Fields.of("T", "1")));

    Http1Response resp = new Http1Response(200, "Fine\tthanks", Http1Version.HTTP_1_1,
        Http1Fields.of("Content-Length", "2", "X", "\u00ff"));
    Http1ResponseParser sp = new Http1ResponseParser();
    sp.expectResponse("GET");
    sp.receive(Http1Serializer.responseHead(resp));
    sp.receive(bytes("ok"));
    assertThat(sp.nextEvent()).isEqualTo(new Http1Event.ResponseHead(resp));
    assertThat(sp.nextEvent()).isEqualTo(new Http1Event.Body(bytes("ok")));
    assertThat(sp.nextEvent()).isInstanceOf(Http1Event.EndOfMessage.class);
  }
}
