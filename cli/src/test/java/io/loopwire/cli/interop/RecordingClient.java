package io.loopwire.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.ClientOptions;
import io.loopwire.CloseStatus;
import io.loopwire.ConnectException;
import io.loopwire.Loopwire;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loopwire's client, recording every callback in arrival order so a test can take them one by one with
 * a deadline (the Java side of the peer scripts' event queue).
 */
final class RecordingClient implements WsHandler<Void>, AutoCloseable {

  static final Duration STEP = Duration.ofSeconds(20);

  /** One callback. */
  sealed interface Event {
    record Text(String text) implements Event {
      @Override
      public String toString() {
        return "text message of " + text.getBytes(StandardCharsets.UTF_8).length + " bytes";
      }
    }

    record Binary(byte[] data) implements Event {
      @Override
      public String toString() {
        return "binary message of " + data.length + " bytes";
      }
    }

    record Ping(byte[] payload) implements Event {}

    record Pong(byte[] payload) implements Event {
      @Override
      public String toString() {
        return "pong \"" + new String(payload, StandardCharsets.UTF_8) + "\"";
      }
    }

    record Closed(CloseStatus status) implements Event {}
  }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Session<Void> session;
  private volatile ConnectException connectFailure;

  private RecordingClient(Loopwire lw, String uri, ClientOptions options) throws Exception {
    try {
      session = lw.connect(uri, options, this).get(STEP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("connect to " + uri + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("connect to " + uri + " did not complete within " + STEP.toMillis() + " ms");
    }
  }

  /** Connects (failing the test if that fails) offering {@code subprotocols}. */
  static RecordingClient connect(Loopwire lw, String uri, String... subprotocols) throws Exception {
    return new RecordingClient(lw, uri, ClientOptions.defaults().withSubprotocols(subprotocols));
  }

  /** Connects with {@code options} (for example TLS trust) offering {@code subprotocols}. */
  static RecordingClient connect(Loopwire lw, String uri, ClientOptions options, String... subprotocols)
      throws Exception {
    return new RecordingClient(lw, uri, subprotocols.length == 0 ? options : options.withSubprotocols(subprotocols));
  }

  Session<Void> session() {
    return session;
  }

  /** The next event, failing the test if none comes within {@link #STEP}. */
  Event next() throws InterruptedException {
    Event e = events.poll(STEP.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError("no event within " + STEP.toMillis() + " ms"
          + (connectFailure != null ? " (connect failed: " + connectFailure + ")" : ""));
    }
    return e;
  }

  /** The next event, which must be of {@code type}. */
  <T extends Event> T next(Class<T> type, String context) throws InterruptedException {
    Event e = next();
    assertThat(e).as(context).isInstanceOf(type);
    return type.cast(e);
  }

  /** Skips messages still in flight and returns the close. */
  CloseStatus awaitClose(String context) throws InterruptedException {
    for (int i = 0; i < 1_000; i++) {
      Event e = next();
      if (e instanceof Event.Closed c) {
        return c.status();
      }
      assertThat(e).as(context + ": only messages may precede the close").isNotInstanceOf(Event.Pong.class);
    }
    throw new AssertionError(context + ": no close after 1000 events");
  }

  /** Sends text and expects an identical text echo. */
  void echoText(String text) throws InterruptedException {
    byte[] sent = text.getBytes(StandardCharsets.UTF_8);
    assertThat(session.sendText(text)).as("sendText %d bytes queued", sent.length).isTrue();
    Event e = next();
    assertThat(e).as("echo of a text message of %d bytes", sent.length).isInstanceOf(Event.Text.class);
    byte[] got = ((Event.Text) e).text().getBytes(StandardCharsets.UTF_8);
    assertThat(Payloads.firstDiff(sent, got))
        .as("text %d bytes: first differing byte of the echo (got %d bytes)", sent.length, got.length).isEqualTo(-1);
  }

  /** Sends binary and expects an identical binary echo. */
  void echoBinary(byte[] data) throws InterruptedException {
    assertThat(session.sendBinary(data.clone())).as("sendBinary %d bytes queued", data.length).isTrue();
    Event e = next();
    assertThat(e).as("echo of a binary message of %d bytes", data.length).isInstanceOf(Event.Binary.class);
    byte[] got = ((Event.Binary) e).data();
    assertThat(Payloads.firstDiff(data, got))
        .as("binary %d bytes: first differing byte of the echo (got %d bytes)", data.length, got.length).isEqualTo(-1);
  }

  /** Sends {@code count} pings without waiting, then expects one matching pong for each, in order. */
  void pings(String prefix, int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      String p = count == 1 ? prefix : prefix + "-" + i;
      assertThat(session.ping(ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)))).as("ping %s queued", p).isTrue();
    }
    for (int i = 0; i < count; i++) {
      String p = count == 1 ? prefix : prefix + "-" + i;
      Event e = next();
      assertThat(e).as("answer %d of %d pings", i + 1, count).isInstanceOf(Event.Pong.class);
      assertThat(new String(((Event.Pong) e).payload(), StandardCharsets.UTF_8)).as("pong %d payload", i).isEqualTo(p);
    }
  }

  // ---- WsHandler ----

  @Override
  public Void onOpen(Session<Void> session) {
    return null;
  }

  @Override
  public void onText(Session<Void> session, String text) {
    events.add(new Event.Text(text));
  }

  @Override
  public void onBinary(Session<Void> session, ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.duplicate().get(b);
    events.add(new Event.Binary(b));
  }

  @Override
  public void onPing(Session<Void> session, ByteBuffer payload) {
    byte[] b = new byte[payload.remaining()];
    payload.duplicate().get(b);
    events.add(new Event.Ping(b));
  }

  @Override
  public void onPong(Session<Void> session, ByteBuffer payload) {
    byte[] b = new byte[payload.remaining()];
    payload.duplicate().get(b);
    events.add(new Event.Pong(b));
  }

  @Override
  public void onClose(Session<Void> session, CloseStatus status) {
    events.add(new Event.Closed(status));
  }

  @Override
  public void onConnectFailed(ConnectException cause) {
    connectFailure = cause;
  }

  /** Drops the connection if a test left it open (the context's close would too, more slowly). */
  @Override
  public void close() {
    if (session.isOpen()) {
      session.close(1001, "test over");
    }
  }
}
