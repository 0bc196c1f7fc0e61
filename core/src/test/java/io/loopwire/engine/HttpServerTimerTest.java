package io.loopwire.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server connection's header, idle and linger waits on a fake clock: one loop timer is reused across
 * keep-alive requests, and each wait still ends exactly when its own timeout says.
 */
class HttpServerTimerTest {

  private static final long SECOND = 1_000_000_000L;
  private static final String GET = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";

  private static FakeLoop open(long headerNanos, long idleNanos) {
    HttpServerSettings settings = new HttpServerSettings(HttpServerSettings.defaults().limits(), headerNanos,
        idleNanos, 2 * SECOND, 256 * 1024, 64 * 1024, 16 * 1024 * 1024, 64 * 1024);
    FakeLoop loop = new FakeLoop();
    ServerRouter router = new ServerRouter() {
      @Override
      public UpgradeDecision onUpgrade(Http1Request request, List<String> offered, Transport transport) {
        return UpgradeDecision.reject(404, Http1Fields.empty(), new byte[0]);
      }

      @Override
      public void onRequest(ServerExchange exchange) {
        exchange.respond(200, null, Http1Fields.empty(), ByteBuffer.wrap(new byte[] {'k'}));
      }

      @Override
      public HttpServerSettings settings() {
        return settings;
      }
    };
    HttpServerConnection conn = new HttpServerConnection(loop, router, settings.limits());
    loop.handler = conn;
    conn.onOpen(loop);
    return loop;
  }

  private static void send(FakeLoop loop, String bytes) {
    loop.handler.onRead(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    loop.drain();
  }

  private static String written(FakeLoop loop) {
    loop.drain();
    return new String(loop.written(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void aTrickledSecondRequestGets408AfterTheHeaderTimeoutThoughTheIdleTimeoutIsLonger() {
    FakeLoop loop = open(SECOND, 10 * SECOND);
    send(loop, GET);
    assertThat(written(loop)).startsWith("HTTP/1.1 200 OK\r\n");
    loop.advance(5 * SECOND); // idle, within the idle timeout
    assertThat(loop.closed).isFalse();
    send(loop, "GET /x HTTP/1.1\r\nHo");
    loop.advance(SECOND - 1);
    assertThat(written(loop)).doesNotContain("408");
    assertThat(loop.outputShut).isFalse();
    loop.advance(1);
    assertThat(written(loop)).contains("HTTP/1.1 408 Request Timeout\r\n");
    assertThat(loop.outputShut).isTrue();
  }

  @Test
  void anIdleTimeoutShorterThanTheHeaderTimeoutClosesOnTime() {
    FakeLoop loop = open(10 * SECOND, SECOND);
    loop.advance(3 * SECOND);
    send(loop, GET);
    loop.advance(SECOND - 1);
    assertThat(loop.closed).isFalse();
    loop.advance(1);
    assertThat(loop.closed).isTrue();
    assertThat(written(loop)).doesNotContain("408");
  }

  @Test
  void anIdleTimeoutLongerThanTheHeaderTimeoutWaitsItsFullTime() {
    FakeLoop loop = open(SECOND, 5 * SECOND);
    send(loop, GET);
    loop.advance(5 * SECOND - 1);
    assertThat(loop.closed).isFalse();
    loop.advance(1);
    assertThat(loop.closed).isTrue();
  }

  @Test
  void keepAliveRequestsReuseOneTimer() {
    FakeLoop loop = open(SECOND, 10 * SECOND);
    for (int i = 0; i < 100; i++) {
      send(loop, GET);
    }
    assertThat(written(loop).split("HTTP/1.1 200 OK", -1)).hasSize(101);
    assertThat(loop.scheduled).as("timers scheduled for 100 requests").isLessThanOrEqualTo(2);
    assertThat(loop.timers).hasSize(1);
    loop.advance(10 * SECOND);
    assertThat(loop.closed).as("closed by the idle timeout").isTrue();
  }

  @Test
  void aSilentConnectionIsClosedAfterTheHeaderTimeout() {
    FakeLoop loop = open(SECOND, 10 * SECOND);
    loop.advance(SECOND - 1);
    assertThat(loop.closed).isFalse();
    loop.advance(1);
    assertThat(loop.closed).isTrue();
  }
}
