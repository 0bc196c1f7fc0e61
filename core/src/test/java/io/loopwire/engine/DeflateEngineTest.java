package io.loopwire.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.deflate.DeflateParams;
import io.loopwire.protocol.deflate.DeflateTransform;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.protocol.ws.WsRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate in the engine, over an in-memory transport: the server's upgrade negotiates it (or
 * not, when off), the client's connector offers it and fails the handshake on a bad answer, compressed
 * messages flow, and a session releases its deflater and inflater however it ends.
 */
class DeflateEngineTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final int MASK = 0x37fa213d;
  /** "Hello", compressed (RFC 7692 7.2.3.1), in a masked client frame. */
  private static final String MASKED_HELLO = "c1 87 37 fa 21 3d c5 b2 ec f4 fe fd 21";
  private static final String HELLO_FROM_SERVER = "c1 07 f2 48 cd c9 c9 07 00";

  // ---------------------------------------------------------------------------------------------- server

  @Test
  void serverUpgradeAcceptsTheOfferAndEchoesCompressed() {
    Loop loop = new Loop();
    FakeTransport t = new FakeTransport(loop);
    Echo echo = new Echo();
    HttpServerConnection c = new HttpServerConnection(t, router(echo, DeflateOptions.defaults().withMinCompressBytes(0)),
        io.loopwire.protocol.http1.Http1Limits.defaults());
    c.onOpen(t);
    c.onRead(ascii(upgrade("permessage-deflate; client_max_window_bits")));
    String head = t.takeAscii();
    assertThat(head).startsWith("HTTP/1.1 101 ").contains("\r\nSec-WebSocket-Extensions: permessage-deflate\r\n");
    c.onRead(ByteBuffer.wrap(unhex(MASKED_HELLO)));
    assertThat(echo.texts).containsExactly("Hello");
    assertThat(HEX.formatHex(t.take())).as("the echo, compressed").isEqualTo(HEX.formatHex(unhex(HELLO_FROM_SERVER)));
  }

  @Test
  void serverWithDeflateOffDeclinesAndTreatsRsv1AsAnError() {
    Loop loop = new Loop();
    FakeTransport t = new FakeTransport(loop);
    Echo echo = new Echo();
    HttpServerConnection c = new HttpServerConnection(t, router(echo, null),
        io.loopwire.protocol.http1.Http1Limits.defaults());
    c.onOpen(t);
    c.onRead(ascii(upgrade("permessage-deflate; client_max_window_bits")));
    assertThat(t.takeAscii()).startsWith("HTTP/1.1 101 ").doesNotContain("Sec-WebSocket-Extensions");
    c.onRead(ByteBuffer.wrap(unhex(MASKED_HELLO)));
    assertThat(echo.texts).isEmpty();
    assertThat(echo.closes).containsExactly(1002);
    assertThat(HEX.formatHex(t.take())).as("close 1002").isEqualTo("880203ea");
  }

  @Test
  void serverDeclinesOffersItCannotAcceptAndSpeaksPlain() {
    Loop loop = new Loop();
    FakeTransport t = new FakeTransport(loop);
    Echo echo = new Echo();
    HttpServerConnection c = new HttpServerConnection(t, router(echo, DeflateOptions.defaults()),
        io.loopwire.protocol.http1.Http1Limits.defaults());
    c.onOpen(t);
    c.onRead(ascii(upgrade("permessage-deflate; server_max_window_bits=16, permessage-deflate; x=1")));
    assertThat(t.takeAscii()).startsWith("HTTP/1.1 101 ").doesNotContain("Sec-WebSocket-Extensions");
  }

  private static ServerRouter router(WsEndpoint endpoint, DeflateOptions deflate) {
    WsSessionSettings settings = new WsSessionSettings(WsLimits.defaults(), 0, 0, 0, Duration.ofSeconds(5).toNanos(),
        1 << 20, 1 << 18, 16 << 20, deflate);
    return new ServerRouter() {
      @Override
      public UpgradeDecision onUpgrade(Http1Request request, List<String> offered, Transport transport) {
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

  private static String upgrade(String extensions) {
    return "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Extensions: " + extensions + "\r\n\r\n";
  }

  // ---------------------------------------------------------------------------------------------- client

  @Test
  void clientOffersDeflateAndUsesWhatTheServerAgreed() {
    Loop loop = new Loop();
    FakeTransport t = new FakeTransport(loop);
    Echo echo = new Echo();
    Callbacks cb = new Callbacks(echo);
    WsClientConnector c = new WsClientConnector("example.com", "/", List.of(), Http1Fields.empty(),
        settings(DeflateOptions.defaults().withMinCompressBytes(0)), 0, cb);
    c.onOpen(t);
    String request = t.takeAscii();
    assertThat(request).contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
    c.onRead(ascii(response(request, "permessage-deflate; server_no_context_takeover; client_max_window_bits=9")));
    assertThat(cb.failure).isNull();
    assertThat(cb.upgraded).isTrue();
    c.onRead(ByteBuffer.wrap(unhex(HELLO_FROM_SERVER + HELLO_FROM_SERVER)));
    assertThat(echo.texts).as("without context takeover both arrive whole").containsExactly("Hello", "Hello");
    byte[] sent = t.take();
    assertThat(sent[0] & 0xFF).as("the echo is compressed").isEqualTo(0xC1);
  }

  @Test
  void clientFailsTheHandshakeOnAnAnswerItDidNotAllow() {
    for (String bad : new String[] {"permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; server_max_window_bits", "permessage-deflate; mystery",
        "permessage-deflate; client_no_context_takeover; client_no_context_takeover"}) {
      Loop loop = new Loop();
      FakeTransport t = new FakeTransport(loop);
      Callbacks cb = new Callbacks(new Echo());
      WsClientConnector c = new WsClientConnector("example.com", "/", List.of(), Http1Fields.empty(),
          settings(DeflateOptions.defaults()), 0, cb);
      c.onOpen(t);
      c.onRead(ascii(response(t.takeAscii(), bad)));
      assertThat(cb.upgraded).as(bad).isFalse();
      assertThat(cb.step).as(bad).isEqualTo(ConnectStep.HANDSHAKE_VALIDATION);
      assertThat(cb.failure).as(bad).contains("permessage-deflate");
      assertThat(t.aborted).as(bad).isTrue();
    }
  }

  @Test
  void clientWithDeflateOffOffersNothingAndRefusesAnUnaskedExtension() {
    Loop loop = new Loop();
    FakeTransport t = new FakeTransport(loop);
    Callbacks cb = new Callbacks(new Echo());
    WsClientConnector c = new WsClientConnector("example.com", "/", List.of(), Http1Fields.empty(), settings(null), 0,
        cb);
    c.onOpen(t);
    String request = t.takeAscii();
    assertThat(request).doesNotContain("Sec-WebSocket-Extensions");
    c.onRead(ascii(response(request, "permessage-deflate")));
    assertThat(cb.step).isEqualTo(ConnectStep.HANDSHAKE_VALIDATION);
  }

  private static WsSessionSettings settings(DeflateOptions deflate) {
    return new WsSessionSettings(WsLimits.defaults(), 0, 0, 0, Duration.ofSeconds(5).toNanos(), 1 << 20, 1 << 18,
        16 << 20, deflate);
  }

  private static String response(String request, String extensions) {
    String key = request.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow()
        .substring("Sec-WebSocket-Key: ".length());
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + io.loopwire.protocol.ws.WsHandshake.acceptKey(key) + "\r\n"
        + "Sec-WebSocket-Extensions: " + extensions + "\r\n\r\n";
  }

  // ---------------------------------------------------------------------------------------------- release

  @Test
  void aSessionReleasesItsCodecsWhenTheCloseHandshakeEnds() {
    Counted counted = new Counted();
    Session s = Session.server(counted.transform(WsRole.SERVER));
    s.core.onRead(ByteBuffer.wrap(unhex(MASKED_HELLO)));
    assertThat(s.echo.texts).containsExactly("Hello");
    assertThat(counted.created()).as("one inflater for the message, one deflater for the echo").isEqualTo(2);
    assertThat(counted.ended.get()).isZero();
    s.core.onRead(ByteBuffer.wrap(unhex("88 82 37 fa 21 3d 34 12"))); // masked close 1000
    assertThat(s.echo.closes).containsExactly(1000);
    assertThat(counted.ended.get()).as("deflater and inflater ended").isEqualTo(2);
    s.core.onClosed(null);
    assertThat(counted.ended.get()).as("exactly once").isEqualTo(2);
  }

  @Test
  void aSessionReleasesItsCodecsWhenThePeerSendsBadCompressedData() {
    Counted counted = new Counted();
    Session s = Session.server(counted.transform(WsRole.SERVER));
    s.core.onRead(ByteBuffer.wrap(masked(0xC1, unhex("ff ff"))));
    assertThat(s.echo.closes).containsExactly(1007);
    assertThat(counted.created()).isEqualTo(1);
    assertThat(counted.ended.get()).isEqualTo(1);
  }

  @Test
  void aSessionReleasesItsCodecsWhenTheConnectionDrops() {
    Counted counted = new Counted();
    Session s = Session.server(counted.transform(WsRole.SERVER));
    s.core.sendText("x".repeat(1000), true);
    s.core.onClosed(new IOException("reset"));
    assertThat(s.echo.closes).containsExactly(1006);
    assertThat(counted.created()).isEqualTo(1);
    assertThat(counted.ended.get()).isEqualTo(1);
    assertThat(s.core.sendText("after", true)).as("no send after the end").isFalse();
  }

  @Test
  void aClientSessionReleasesItsCodecsWhenItsOwnCloseIsAnswered() {
    Counted counted = new Counted();
    Loop loop = new Loop();
    FakeTransport t = new FakeTransport(loop);
    Echo echo = new Echo();
    DeflateTransform transform = counted.transform(WsRole.CLIENT);
    WsSessionCore core = new WsSessionCore(t, new WsConnection(WsRole.CLIENT, WsLimits.defaults(), () -> MASK,
        transform), echo, settings(null), true, transform);
    core.start(null);
    core.onRead(ByteBuffer.wrap(unhex(HELLO_FROM_SERVER)));
    core.close(1000, "");
    core.onRead(ByteBuffer.wrap(unhex("88 02 03 e8")));
    assertThat(echo.closes).containsExactly(1000);
    assertThat(counted.ended.get()).isEqualTo(counted.created()).isEqualTo(2);
  }

  /** A server session over a fake transport, echoing. */
  private record Session(WsSessionCore core, Echo echo, FakeTransport transport) {
    static Session server(DeflateTransform transform) {
      Loop loop = new Loop();
      FakeTransport t = new FakeTransport(loop);
      Echo echo = new Echo();
      WsSessionCore core = new WsSessionCore(t, new WsConnection(WsRole.SERVER, WsLimits.defaults(), null, transform),
          echo, settings(null), false, transform);
      core.start(null);
      return new Session(core, echo, t);
    }
  }

  /** Creates codecs through counting factories. */
  private static final class Counted {
    final AtomicInteger deflaters = new AtomicInteger();
    final AtomicInteger inflaters = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();

    int created() {
      return deflaters.get() + inflaters.get();
    }

    DeflateTransform transform(WsRole role) {
      return DeflateTransform.create(role, DeflateParams.defaults(), DeflateOptions.defaults().withMinCompressBytes(0),
          () -> {
            deflaters.incrementAndGet();
            return new Deflater(6, true) {
              @Override
              public void end() {
                ended.incrementAndGet();
                super.end();
              }
            };
          },
          () -> {
            inflaters.incrementAndGet();
            return new Inflater(true) {
              @Override
              public void end() {
                ended.incrementAndGet();
                super.end();
              }
            };
          });
    }
  }

  // ---------------------------------------------------------------------------------------------- fakes

  private static byte[] masked(int b0, byte[] payload) {
    byte[] f = new byte[6 + payload.length];
    f[0] = (byte) b0;
    f[1] = (byte) (0x80 | payload.length);
    for (int i = 0; i < 4; i++) {
      f[2 + i] = (byte) (MASK >>> (24 - 8 * i));
    }
    for (int i = 0; i < payload.length; i++) {
      f[6 + i] = (byte) (payload[i] ^ f[2 + (i & 3)]);
    }
    return f;
  }

  private static byte[] unhex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static final class Echo implements WsEndpoint {
    final List<String> texts = new ArrayList<>();
    final List<Integer> closes = new ArrayList<>();
    WsSessionCore session;

    @Override
    public void onOpen(WsSessionCore s) {
      session = s;
    }

    @Override
    public void onText(String text) {
      texts.add(text);
      session.sendText(text, true);
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
    public void onClose(int code, String reason, boolean remote, Throwable cause) {
      closes.add(code);
    }
  }

  private static final class Callbacks implements ClientCallbacks {
    private final WsEndpoint endpoint;
    boolean upgraded;
    ConnectStep step;
    String failure;

    Callbacks(WsEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public WsEndpoint onUpgraded(Transport transport, String subprotocol, Http1Fields requestHeaders,
        Http1Fields responseHeaders) {
      upgraded = true;
      return endpoint;
    }

    @Override
    public void onFailed(ConnectStep step, int status, String message, Throwable cause) {
      this.step = step;
      this.failure = message;
    }
  }

  /** Runs everything at once on the calling thread; timers never fire. */
  private static final class Loop implements LoopThread {
    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public boolean inLoop() {
      return true;
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
      return () -> true;
    }

    @Override
    public long nanoTime() {
      return 0;
    }
  }

  private static final class FakeTransport implements Transport {
    private final LoopThread thread;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    boolean closed;
    boolean aborted;

    FakeTransport(LoopThread thread) {
      this.thread = thread;
    }

    byte[] take() {
      byte[] b = written.toByteArray();
      written.reset();
      return b;
    }

    String takeAscii() {
      return new String(take(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public LoopThread thread() {
      return thread;
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public InetSocketAddress localAddress() {
      return new InetSocketAddress("127.0.0.1", 7681);
    }

    @Override
    public boolean write(ByteBuffer buffer) {
      byte[] a = new byte[buffer.remaining()];
      buffer.get(a);
      written.writeBytes(a);
      return true;
    }

    @Override
    public void flush() {}

    @Override
    public long pendingWriteBytes() {
      return 0;
    }

    @Override
    public void setReadInterest(boolean on) {}

    @Override
    public void shutdownOutput() {}

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public void abort() {
      aborted = true;
      closed = true;
    }

    @Override
    public boolean isOpen() {
      return !closed;
    }
  }
}
