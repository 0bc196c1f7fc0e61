package io.loopwire.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.CloseStatus;
import io.loopwire.Loopwire;
import io.loopwire.WsProtocol;
import io.loopwire.cli.TestDemoServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK's {@link java.net.http.WebSocket} client against Loopwire's in-process server. */
final class JdkWebSocketInteropTest {

  private static final long STEP_SECONDS = 20;

  private final CommandEcho commandEcho = new CommandEcho();
  private Loopwire server;
  private HttpClient http;
  private WebSocket ws;
  private final Recorder recorder = new Recorder();

  /** JDK listener events: whole messages (parts joined), pongs and the close. */
  private sealed interface Event {
    record Text(String text) implements Event {}

    record Binary(byte[] data) implements Event {}

    record Pong(String payload) implements Event {}

    record Close(int code, String reason) implements Event {}

    record Error(Throwable cause) implements Event {}
  }

  private static final class Recorder implements WebSocket.Listener {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        events.add(new Event.Text(text.toString()));
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      binary.writeBytes(b);
      if (last) {
        events.add(new Event.Binary(binary.toByteArray()));
        binary.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      events.add(new Event.Pong(StandardCharsets.UTF_8.decode(message).toString()));
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      events.add(new Event.Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      events.add(new Event.Error(error));
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = TestDemoServer.start(WsProtocol.of(CommandEcho.NAME, commandEcho));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void stop() {
    if (ws != null) {
      ws.abort();
    }
    server.close();
  }

  private void connect(String subprotocol) throws Exception {
    ws = http.newWebSocketBuilder().subprotocols(subprotocol).connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), recorder)
        .get(STEP_SECONDS, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo(subprotocol);
  }

  private Event next() throws InterruptedException {
    Event e = recorder.events.poll(STEP_SECONDS, TimeUnit.SECONDS);
    assertThat(e).as("a JDK listener event within %d s", STEP_SECONDS).isNotNull();
    return e;
  }

  @Test
  void echoesTextAndBinaryOfEverySize() throws Exception {
    connect("echo");
    for (int size : Payloads.SIZES) {
      String text = Payloads.text(size);
      ws.sendText(text, true).get(STEP_SECONDS, TimeUnit.SECONDS);
      Event e = next();
      assertThat(e).as("echo of text %d bytes", size).isInstanceOf(Event.Text.class);
      byte[] got = ((Event.Text) e).text().getBytes(StandardCharsets.UTF_8);
      assertThat(Payloads.firstDiff(text.getBytes(StandardCharsets.UTF_8), got))
          .as("text %d bytes: first differing byte (got %d bytes)", size, got.length).isEqualTo(-1);

      byte[] data = Payloads.binary(size);
      ws.sendBinary(ByteBuffer.wrap(data.clone()), true).get(STEP_SECONDS, TimeUnit.SECONDS);
      e = next();
      assertThat(e).as("echo of binary %d bytes", size).isInstanceOf(Event.Binary.class);
      byte[] gotBinary = ((Event.Binary) e).data();
      assertThat(Payloads.firstDiff(data, gotBinary))
          .as("binary %d bytes: first differing byte (got %d bytes)", size, gotBinary.length).isEqualTo(-1);
    }
  }

  @Test
  void answersAPing() throws Exception {
    connect("echo");
    ws.sendPing(ByteBuffer.wrap("loopwire-ping".getBytes(StandardCharsets.UTF_8))).get(STEP_SECONDS, TimeUnit.SECONDS);
    assertThat(next()).isEqualTo(new Event.Pong("loopwire-ping"));
  }

  @Test
  void answersEachOfTenPingsInARow() throws Exception {
    connect("echo");
    for (int i = 0; i < 10; i++) {
      // Each send completes when written, not when answered: the ten go out back to back.
      ws.sendPing(ByteBuffer.wrap(("burst-" + i).getBytes(StandardCharsets.UTF_8))).get(STEP_SECONDS, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(next()).as("answer %d of 10 pings", i + 1).isEqualTo(new Event.Pong("burst-" + i));
    }
  }

  @Test
  void echoesTheClientsCloseCodeAndReason() throws Exception {
    connect(CommandEcho.NAME);
    ws.sendClose(4000, "bye").get(STEP_SECONDS, TimeUnit.SECONDS);
    assertThat(next()).as("our server's answer to close 4000 \"bye\"").isEqualTo(new Event.Close(4000, "bye"));
    CloseStatus atServer = commandEcho.closes.poll(STEP_SECONDS, TimeUnit.SECONDS);
    assertThat(atServer).as("our server's onClose").isNotNull();
    assertThat(atServer.code()).isEqualTo(4000);
    assertThat(atServer.reason()).isEqualTo("bye");
    assertThat(atServer.remote()).isTrue();
    assertThat(atServer.cause()).isNull();
  }

  @Test
  void serverCloseCarriesCodeAndReason() throws Exception {
    connect(CommandEcho.NAME);
    ws.sendText(CommandEcho.CLOSE_COMMAND + "4001 server bye", true).get(STEP_SECONDS, TimeUnit.SECONDS);
    assertThat(next()).isEqualTo(new Event.Close(4001, "server bye"));
    // The JDK answers once onClose's stage completes (here at once); our server then sees its close done.
    CloseStatus atServer = commandEcho.closes.poll(STEP_SECONDS, TimeUnit.SECONDS);
    assertThat(atServer).as("our server's onClose").isNotNull();
    assertThat(atServer.code()).isEqualTo(4001);
    assertThat(atServer.remote()).isFalse();
    assertThat(atServer.cause()).as("the JDK answered our close").isNull();
  }
}
