package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.Loops;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A context on a loop the application owns ({@link LoopwireConfig#withLoop(Loop)}): closing the context
 * closes every connection it opened (sessions, plain HTTP, handshakes in progress, client sessions), fires
 * every {@code onClose}, and leaves the loop running for its owner and for other contexts on it.
 */
@Timeout(60)
class BorrowedLoopTest {

  private static final long WAIT = 20;
  private static final AtomicInteger LOOPS = new AtomicInteger();

  /** Echoes text and counts opens and closes; notes the close codes. */
  static final class Echo implements WsHandler<Void> {
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final List<Integer> codes = new CopyOnWriteArrayList<>();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final boolean echo;

    Echo(boolean echo) {
      this.echo = echo;
    }

    @Override
    public Void onOpen(Session<Void> session) {
      opens.incrementAndGet();
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      texts.add(text);
      if (echo) {
        session.sendText(text);
      }
    }

    @Override
    public void onClose(Session<Void> session, CloseStatus status) {
      closes.incrementAndGet();
      codes.add(status.code());
    }
  }

  private static String prefix() {
    return "lw-borrowed-" + LOOPS.incrementAndGet() + "-";
  }

  private static Loop appLoop(String prefix) {
    return Loops.create("nio", LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
  }

  private static Loopwire server(Loop loop, Echo echo) {
    return Loopwire.start(LoopwireConfig.defaults().withLoop(loop).withShutdownTimeout(Duration.ofSeconds(5))
        .withVhost(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("echo", echo)).withDefaultProtocol("echo")));
  }

  private static List<Session<Void>> connect(Loopwire client, int port, Echo handler, int n) throws Exception {
    List<CompletableFuture<Session<Void>>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(client.connect("ws://127.0.0.1:" + port + "/", handler));
    }
    List<Session<Void>> sessions = new ArrayList<>();
    for (CompletableFuture<Session<Void>> f : futures) {
      sessions.add(f.get(WAIT, TimeUnit.SECONDS));
    }
    return sessions;
  }

  private static void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
    for (int i = 0; i < 2000 && count.get() < expected; i++) {
      Thread.sleep(5);
    }
  }

  @Test
  void closingAContextOnABorrowedLoopClosesItsConnectionsAndLeavesTheLoopRunning() throws Exception {
    String prefix = prefix();
    Loop loop = appLoop(prefix);
    try {
      Echo serverSide = new Echo(true);
      Loopwire server = server(loop, serverSide);
      Loopwire client = Loopwire.start(LoopwireConfig.defaults().withLoop(loop));
      Echo clientSide = new Echo(false);
      List<Session<Void>> sessions = connect(client, server.port(), clientSide, 5);
      for (Session<Void> s : sessions) {
        s.sendText("hello");
      }
      awaitCount(serverSide.opens, 5);
      for (int i = 0; i < 2000 && clientSide.texts.size() < 5; i++) {
        Thread.sleep(5);
      }
      assertThat(clientSide.texts).hasSize(5).containsOnly("hello");

      // A plain HTTP keep-alive connection, idle after its answer, and one that has sent nothing yet.
      try (Socket http = new Socket(InetAddress.getLoopbackAddress(), server.port());
          Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        http.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
        silent.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
        OutputStream out = http.getOutputStream();
        out.write("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = http.getInputStream();
        byte[] head = new byte[12];
        assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 ");
        for (int i = 0; i < 2000 && server.liveTransports() < 7; i++) {
          Thread.sleep(5);
        }
        assertThat(server.liveTransports()).as("5 sessions, 1 HTTP, 1 silent").isEqualTo(7);

        server.shutdown().get(WAIT, TimeUnit.SECONDS);

        assertThat(serverSide.opens.get()).isEqualTo(5);
        assertThat(serverSide.closes.get()).as("server onClose calls").isEqualTo(5);
        assertThat(serverSide.codes).containsOnly(CloseStatus.GOING_AWAY);
        assertThat(server.liveTransports()).isZero();
        assertThat(drain(in)).as("the idle HTTP connection was closed").isEqualTo(-1);
        assertThat(drain(silent.getInputStream())).as("the silent connection was closed").isEqualTo(-1);
      }
      awaitCount(clientSide.closes, 5);
      assertThat(clientSide.closes.get()).as("client onClose calls").isEqualTo(5);
      assertThat(clientSide.codes).containsOnly(CloseStatus.GOING_AWAY);

      // The loop is the application's: still running, and other contexts on it still work.
      CompletableFuture<Void> ran = new CompletableFuture<>();
      loop.next().execute(() -> ran.complete(null));
      ran.get(WAIT, TimeUnit.SECONDS);
      assertThat(liveThreads(prefix)).isEqualTo(2);
      Echo again = new Echo(true);
      Loopwire second = server(loop, again);
      List<Session<Void>> more = connect(client, second.port(), new Echo(false), 2);
      assertThat(more).hasSize(2);
      second.shutdown().get(WAIT, TimeUnit.SECONDS);
      awaitCount(again.closes, 2);
      assertThat(again.closes.get()).isEqualTo(2);
      client.shutdown().get(WAIT, TimeUnit.SECONDS);
      assertThat(client.liveTransports()).isZero();
      assertThat(liveThreads(prefix)).isEqualTo(2);
    } finally {
      loop.shutdown().get(WAIT, TimeUnit.SECONDS);
    }
    assertThat(liveThreads(prefix)).isZero();
  }

  @Test
  void closingAContextOnABorrowedLoopClosesItsHttpClientsPooledConnections() throws Exception {
    Loop loop = appLoop(prefix());
    try {
      Loopwire server = Loopwire.start(LoopwireConfig.defaults().withLoop(loop)
          .withVhost(VhostConfig.of("v", 0).withHttp((request, remote) -> HttpResponse.text(200, "hi"))));
      Loopwire client = Loopwire.start(LoopwireConfig.defaults().withLoop(loop));
      HttpClient http = HttpClient.create(client);
      HttpClientResponse r = http.send(HttpClientRequest.get("http://127.0.0.1:" + server.port() + "/"))
          .get(WAIT, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(http.stats().connections()).as("kept alive in the pool").isEqualTo(1);
      assertThat(client.liveTransports()).as("the pooled connection is the context's").isEqualTo(1);

      client.shutdown().get(WAIT, TimeUnit.SECONDS);

      assertThat(client.liveTransports()).isZero();
      assertThat(http.stats().connections()).isZero();
      for (int i = 0; i < 2000 && server.liveTransports() > 0; i++) {
        Thread.sleep(5);
      }
      assertThat(server.liveTransports()).as("the server saw the connection close").isZero();
      server.shutdown().get(WAIT, TimeUnit.SECONDS);
    } finally {
      loop.shutdown().get(WAIT, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenTheApplicationStopsItsLoopFirstSessionsStillCloseAndShutdownCompletes() throws Exception {
    Loop loop = appLoop(prefix());
    Echo serverSide = new Echo(true);
    Loopwire server = server(loop, serverSide);
    Loopwire client = Loopwire.start(LoopwireConfig.defaults().withLoop(loop));
    Echo clientSide = new Echo(false);
    connect(client, server.port(), clientSide, 3);
    awaitCount(serverSide.opens, 3);

    loop.shutdown().get(WAIT, TimeUnit.SECONDS);

    assertThat(serverSide.closes.get()).isEqualTo(3);
    assertThat(clientSide.closes.get()).isEqualTo(3);
    server.shutdown().get(WAIT, TimeUnit.SECONDS);
    client.shutdown().get(WAIT, TimeUnit.SECONDS);
    assertThat(server.liveTransports() + client.liveTransports()).isZero();
    assertThat(serverSide.closes.get() + clientSide.closes.get()).as("still exactly once each").isEqualTo(6);
  }

  @Test
  void aBorrowedLoopReplacesTheNameAndSurvivesTheWithers() {
    Loop loop = appLoop(prefix());
    try {
      LoopwireConfig c = LoopwireConfig.defaults().withLoop(loop).withThreads(3)
          .withVhost(VhostConfig.of("v", 0)).withShutdownTimeout(Duration.ofSeconds(1));
      assertThat(c.isLoopBorrowed()).isTrue();
      assertThat(c.borrowedLoop()).isSameAs(loop);
      assertThat(c.loop()).isNull();
      LoopwireConfig named = c.withLoop("nio");
      assertThat(named.isLoopBorrowed()).isFalse();
      assertThat(named.loop()).isEqualTo("nio");
      assertThatThrownBy(() -> new LoopwireConfig("nio", LoopOptions.defaults(), List.of(), Duration.ZERO, loop))
          .isInstanceOf(ConfigException.class).hasMessageContaining("keep one");
      assertThatThrownBy(() -> new LoopwireConfig(null, LoopOptions.defaults(), List.of(), Duration.ZERO, null))
          .isInstanceOf(ConfigException.class).hasMessageContaining("withLoop");
    } finally {
      loop.shutdown();
    }
  }

  @Test
  void aContextOnAnAppDrivenLoopStartsServesAndClosesOnTheDrivingThread() throws Exception {
    Echo echo = new Echo(true);
    CompletableFuture<Integer> port = new CompletableFuture<>();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<String> finished = new CompletableFuture<>();
    Thread app = new Thread(() -> {
      try {
        io.loopwire.loop.driven.DrivenLoop loop = io.loopwire.loop.driven.DrivenLoop.open(LoopOptions.defaults());
        Loopwire lw = server(loop, echo); // on the driving thread: binds without the loop turning
        port.complete(lw.port());
        while (!stop.isDone()) {
          loop.runOnce(Duration.ofMillis(20));
        }
        CompletableFuture<Void> closed = lw.shutdown();
        for (int i = 0; i < 2000 && !closed.isDone(); i++) {
          loop.runOnce(Duration.ofMillis(20));
        }
        loop.shutdown();
        for (int i = 0; i < 2000 && loop.runOnce(Duration.ofMillis(20)); i++) {
          // drain the loop's own shutdown
        }
        finished.complete(closed.isDone() ? "closed" : "context still closing");
      } catch (Throwable t) {
        port.completeExceptionally(t);
        finished.completeExceptionally(t);
      }
    }, "app-driving-thread");
    app.start();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    CompletableFuture<String> got = new CompletableFuture<>();
    CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    java.net.http.WebSocket ws = http.newWebSocketBuilder().buildAsync(
        java.net.URI.create("ws://127.0.0.1:" + port.get(WAIT, TimeUnit.SECONDS) + "/"),
        new java.net.http.WebSocket.Listener() {
          @Override
          public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data,
              boolean last) {
            got.complete(data.toString());
            w.request(1);
            return null;
          }

          @Override
          public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
            closeCode.complete(code);
            return null;
          }
        }).get(WAIT, TimeUnit.SECONDS);
    ws.sendText("driven", true).get(WAIT, TimeUnit.SECONDS);
    assertThat(got.get(WAIT, TimeUnit.SECONDS)).isEqualTo("driven");
    stop.complete(null);
    assertThat(finished.get(WAIT, TimeUnit.SECONDS)).isEqualTo("closed");
    assertThat(closeCode.get(WAIT, TimeUnit.SECONDS)).isEqualTo(CloseStatus.GOING_AWAY);
    assertThat(echo.opens.get()).isEqualTo(1);
    assertThat(echo.closes.get()).isEqualTo(1);
    app.join(TimeUnit.SECONDS.toMillis(WAIT));
    assertThat(app.isAlive()).isFalse();
  }

  /** Reads to the end; returns -1 at end of stream (after any bytes still in flight). */
  private static int drain(InputStream in) throws Exception {
    byte[] b = new byte[4096];
    for (int i = 0; i < 1000; i++) {
      int n = in.read(b);
      if (n < 0) {
        return -1;
      }
    }
    return 0;
  }

  private static long liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
  }
}
