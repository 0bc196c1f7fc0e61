package io.loopwire.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.testing.TestPki;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** Reading SNI and ALPN from real ClientHellos made by the JDK, whole and split, and from junk. */
class TlsHelloPeekTest {

  private static final SSLContext CLIENT = TestPki.create("peek CA").trustingContext();
  private static final int MAX = TlsLimits.DEFAULT_MAX_CLIENT_HELLO_BYTES;

  /** The first flight of a JDK client for {@code host}, with SNI set unless it is null, offering {@code alpn}. */
  private static byte[] clientHello(String host, String... alpn) throws Exception {
    SSLEngine e = CLIENT.createSSLEngine(host == null ? "127.0.0.1" : host, 443);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    if (host != null) {
      p.setServerNames(List.of(new SNIHostName(host)));
    }
    p.setApplicationProtocols(alpn);
    e.setSSLParameters(p);
    TlsConnection c = new TlsConnection(e, TlsLimits.defaults());
    c.nextEvent();
    List<ByteBuffer> out = new ArrayList<>();
    c.drainTo(out::add);
    int n = out.stream().mapToInt(ByteBuffer::remaining).sum();
    ByteBuffer all = ByteBuffer.allocate(n);
    out.forEach(all::put);
    return all.array();
  }

  @Test
  void readsTheServerNameAndAlpnOfAJdkClientHello() throws Exception {
    byte[] hello = clientHello("Chat.Example.Test", "h2", "http/1.1");
    ByteBuffer in = ByteBuffer.wrap(hello);
    TlsHelloPeek peek = TlsHelloPeek.peek(in, MAX);
    assertThat(peek).isEqualTo(new TlsHelloPeek.Hello("chat.example.test", List.of("h2", "http/1.1")));
    assertThat(in.position()).as("peek leaves its input alone").isZero();
  }

  @Test
  void everyPrefixNeedsMoreData() throws Exception {
    byte[] hello = clientHello("a.test");
    for (int n = 0; n < hello.length; n++) {
      assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(hello, 0, n), MAX)).as("first %d bytes", n)
          .isEqualTo(TlsHelloPeek.Signal.NEED_DATA);
    }
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(hello), MAX)).isInstanceOf(TlsHelloPeek.Hello.class);
  }

  @Test
  void noServerNameForAnIpAddress() throws Exception {
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(clientHello(null)), MAX))
        .isEqualTo(new TlsHelloPeek.Hello(null, List.of()));
  }

  @Test
  void aHelloSplitOverTwoRecordsIsReassembled() throws Exception {
    byte[] hello = clientHello("split.test", "http/1.1");
    int body = hello.length - 5;
    int first = body / 3;
    ByteBuffer two = ByteBuffer.allocate(hello.length + 5);
    two.put(new byte[] {22, 3, 1, (byte) (first >> 8), (byte) first}).put(hello, 5, first);
    int rest = body - first;
    two.put(new byte[] {22, 3, 1, (byte) (rest >> 8), (byte) rest}).put(hello, 5 + first, rest).flip();
    assertThat(TlsHelloPeek.peek(two, MAX)).isEqualTo(new TlsHelloPeek.Hello("split.test", List.of("http/1.1")));
  }

  @Test
  void plainHttpIsNotTls() {
    byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(http), MAX))
        .isEqualTo(new TlsHelloPeek.NotTls("first record has type 71, not handshake (22)"));
  }

  @Test
  void aHelloOverTheLimitIsTooLarge() throws Exception {
    byte[] hello = clientHello("big.test");
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(hello), 100)).isEqualTo(TlsHelloPeek.Signal.TOO_LARGE);
    // the limit is judged from the record header, before the whole record has arrived
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(hello, 0, 10), 100)).isEqualTo(TlsHelloPeek.Signal.TOO_LARGE);
  }

  @Test
  void malformedLengthsAreNotTls() throws Exception {
    byte[] hello = clientHello("m.test");
    hello[5 + 4 + 2 + 32] = 40; // session id length 40 > 32 bytes that follow? It eats into the suites
    TlsHelloPeek peek = TlsHelloPeek.peek(ByteBuffer.wrap(hello), MAX);
    assertThat(peek).isInstanceOf(TlsHelloPeek.NotTls.class);
    assertThat(((TlsHelloPeek.NotTls) peek).reason()).startsWith("malformed ClientHello: ").doesNotContain("null");
  }

  @Test
  void aServerNameWithABadByteIsNotTls() throws Exception {
    byte[] hello = clientHello("bad.test");
    String s = new String(hello, StandardCharsets.ISO_8859_1);
    int at = s.indexOf("bad.test");
    hello[at] = '/';
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(hello), MAX))
        .isEqualTo(new TlsHelloPeek.NotTls("server name has byte 0x2f at index 0 (RFC 6066 3: an ASCII host name)"));
  }

  @Test
  void otherRecordTypesAndVersionsAreNotTls() {
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(new byte[] {23, 3, 3, 0, 5, 1, 2, 3, 4, 5}), MAX))
        .isInstanceOf(TlsHelloPeek.NotTls.class);
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(new byte[] {22, 2, 0, 0, 5, 1, 2, 3, 4, 5}), MAX))
        .isEqualTo(new TlsHelloPeek.NotTls("record version major 2 is not 3 (TLS)"));
    assertThat(TlsHelloPeek.peek(ByteBuffer.wrap(new byte[] {22, 3, 1, 0, 5, 2, 0, 0, 1, 0}), MAX))
        .isEqualTo(new TlsHelloPeek.NotTls("first handshake message has type 2, not ClientHello (1)"));
  }
}
