package io.loopwire.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;
import io.loopwire.protocol.http1.Http1Request;
import io.loopwire.protocol.ws.WsLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An upgraded connection keeps no HTTP state: {@link HttpServerConnection} drops its request parser (and
 * with it the parser's buffer) once a WebSocket session takes over, and only forwards to the session, which
 * still gets the bytes that came with the upgrade and everything after.
 */
class UpgradeReleaseTest {

  private static final String UPGRADE = "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  /** A masked client text frame "Hello" (RFC 6455 5.7). */
  private static final byte[] MASKED_HELLO = HexFormat.of().parseHex("818537fa213d7f9f4d5158");

  @Test
  void theParserIsDroppedAtTheUpgradeAndTheSessionGetsTheLeftover() {
    FakeLoop loop = new FakeLoop();
    Texts texts = new Texts();
    HttpServerConnection c = new HttpServerConnection(loop, router(texts), Http1Limits.defaults());
    loop.handler = c;
    c.onOpen(loop);
    assertThat(c.holdsParser()).isTrue();

    byte[] head = UPGRADE.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer read = ByteBuffer.allocate(head.length + 3);
    read.put(head).put(MASKED_HELLO, 0, 3).flip(); // the first frame's start arrives with the request
    c.onRead(read);

    loop.drain();
    assertThat(new String(loop.written(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101 ");
    assertThat(c.holdsParser()).as("parser held after the upgrade").isFalse();
    c.onRead(ByteBuffer.wrap(MASKED_HELLO, 3, MASKED_HELLO.length - 3));
    assertThat(texts.texts).containsExactly("Hello");
  }

  @Test
  void aRejectedUpgradeKeepsTheParser() {
    FakeLoop loop = new FakeLoop();
    HttpServerConnection c = new HttpServerConnection(loop, router(null), Http1Limits.defaults());
    loop.handler = c;
    c.onOpen(loop);
    c.onRead(ByteBuffer.wrap(UPGRADE.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")
        .getBytes(StandardCharsets.US_ASCII)));
    loop.drain();
    assertThat(new String(loop.written(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 426 ");
    assertThat(c.holdsParser()).isTrue();
  }

  private static ServerRouter router(WsEndpoint endpoint) {
    WsSessionSettings settings = new WsSessionSettings(WsLimits.defaults(), 0, 0, 0, 5_000_000_000L, 1 << 20,
        1 << 18, 16 << 20, null);
    return new ServerRouter() {
      @Override
      public UpgradeDecision onUpgrade(Http1Request request, List<String> offered,
          io.loopwire.loop.Transport transport) {
        return UpgradeDecision.accept(null, Http1Fields.empty(), endpoint, settings);
      }

      @Override
      public void onRequest(ServerExchange exchange) {
        throw new AssertionError("no plain requests here");
      }

      @Override
      public HttpServerSettings settings() {
        return HttpServerSettings.defaults().withHeaderTimeoutNanos(0);
      }
    };
  }

  private static final class Texts implements WsEndpoint {
    final List<String> texts = new ArrayList<>();

    @Override
    public void onOpen(WsSessionCore session) {}

    @Override
    public void onText(String text) {
      texts.add(text);
    }

    @Override
    public void onBinary(ByteBuffer data) {}

    @Override
    public void onPing(ByteBuffer payload) {}

    @Override
    public void onPong(ByteBuffer payload) {}

    @Override
    public void onWritable() {}

    @Override
    public void onClose(int code, String reason, boolean remote, Throwable cause) {}
  }
}
