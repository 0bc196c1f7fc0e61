package io.loopwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.ClientOptions;
import io.loopwire.ConnectException;
import io.loopwire.HandshakeDecision;
import io.loopwire.HandshakeRequest;
import io.loopwire.HttpResponse;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Session;
import io.loopwire.VhostConfig;
import io.loopwire.WsConfig;
import io.loopwire.WsProtocol;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.testkit.Recorder.Event;
import io.loopwire.testkit.Recorder.Kind;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The server's HTTP side: bad input gets the right status and a closed connection, never a hang;
 * subprotocol, path and vhost selection; per-vhost and per-session state are created and closed exactly
 * once; one bad connection does not disturb the others.
 */
public abstract class UpgradeSuite extends LoopSuite {

  /** A counted {@link AutoCloseable}, for per-vhost and per-session state. */
  public static final class Counted implements AutoCloseable {
    public final AtomicInteger closes = new AtomicInteger();

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  /** An HTTP/1.1 request head with {@code headerLines} (each without CRLF). */
  protected static String request(String method, String target, String... headerLines) {
    StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** The headers of a valid upgrade request except Host, with version {@code version}. */
  protected static String[] upgradeHeaders(String host, String version, String... more) {
    List<String> h = new ArrayList<>(List.of("Host: " + host, "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: " + version));
    h.addAll(List.of(more));
    return h.toArray(String[]::new);
  }

  private Loopwire echoServer(Recorder r) {
    return startServer(r);
  }

  // ---- bad input ----

  @Test
  void plainGetOnAWebSocketOnlyVhostIs426Or404() {
    Loopwire srv = echoServer(recorder("server"));
    RawSocket raw = raw(srv.port());
    raw.write(request("GET", "/", "Host: 127.0.0.1"));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isIn(426, 404);
    if (r.status() == 426) {
      assertThat(r.header("Upgrade")).containsIgnoringCase("websocket");
    }
  }

  @Test
  void garbageGets400AndAClosedConnection() {
    Loopwire srv = echoServer(recorder("server"));
    RawSocket raw = raw(srv.port());
    raw.write("\u0001\u0002 this is not HTTP \u0000\r\n\r\n");
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(400);
    raw.awaitEof();
  }

  @Test
  void anOverlongRequestLineGets414() {
    Loopwire srv = echoServer(recorder("server"));
    RawSocket raw = raw(srv.port());
    raw.write(request("GET", "/" + "a".repeat(9000), "Host: 127.0.0.1"));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(414);
    raw.awaitEof();
  }

  @Test
  void overlongHeadersGet431() {
    Loopwire srv = echoServer(recorder("server"));
    RawSocket raw = raw(srv.port());
    raw.write(request("GET", "/", upgradeHeaders("127.0.0.1", "13", "X-Big: " + "b".repeat(40 * 1024))));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(431);
    raw.awaitEof();
  }

  @Test
  void webSocketVersion12Gets426WithVersion13() {
    Loopwire srv = echoServer(recorder("server"));
    RawSocket raw = raw(srv.port());
    raw.write(request("GET", "/", upgradeHeaders("127.0.0.1", "12")));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(426);
    assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
  }

  @Test
  void postUpgradeGets405() {
    Loopwire srv = echoServer(recorder("server"));
    RawSocket raw = raw(srv.port());
    raw.write(request("POST", "/", upgradeHeaders("127.0.0.1", "13", "Content-Length: 0")));
    RawSocket.Response r = raw.readResponse();
    assertThat(r.status()).isEqualTo(405);
  }

  @Test
  void missingKeyGets400() {
    Loopwire srv = echoServer(recorder("server"));
    RawSocket raw = raw(srv.port());
    raw.write(request("GET", "/", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Version: 13"));
    assertThat(raw.readResponse().status()).isEqualTo(400);
  }

  @Test
  void aSilentConnectionIsDroppedAfterTheHandshakeTimeout() {
    Recorder server = recorder("server");
    Loopwire srv = startServer(server, WsConfig.defaults().withHandshakeTimeout(SHORT));
    RawSocket raw = raw(srv.port());
    raw.write("GET / HT"); // and then nothing
    raw.awaitEof();
    assertThat(server.events()).isEmpty();
  }

  @Test
  void badInputReachesNoHandler() {
    Recorder server = recorder("server");
    Loopwire srv = echoServer(server);
    for (String bad : List.of("\u0000\r\n\r\n", request("GET", "/", upgradeHeaders("x", "12")),
        request("PUT", "/", upgradeHeaders("x", "13", "Content-Length: 0")))) {
      RawSocket raw = raw(srv.port());
      raw.write(bad);
      assertThat(raw.readResponse().status()).isBetween(400, 499);
    }
    assertThat(server.events()).isEmpty();
  }

  @Test
  void theServerKeepsServingOthersWhileOneConnectionSendsGarbage() throws Exception {
    Recorder server = recorder("server").echo();
    Loopwire srv = echoServer(server);
    RawSocket slow = raw(srv.port());
    // a request line that never ends, trickled in: the server must cut it off, not wait for it
    CompletableFuture<Void> trickle = inThread("trickle", () -> {
      try {
        slow.write("GET /");
        for (int i = 0; i < 200; i++) {
          slow.write("a".repeat(100));
          Thread.sleep(1);
        }
      } catch (UncheckedIOException e) {
        // the server closed on us: expected
      }
      return null;
    });
    Recorder client = recorder("client");
    Session<Object> s = connect(startClient(), srv, client);
    for (int i = 0; i < 200; i++) {
      s.sendText("m" + i);
      if (i % 40 == 0) {
        RawSocket bad = raw(srv.port());
        bad.write("\u0007garbage\r\n\r\n");
        assertThat(bad.readResponse().status()).isEqualTo(400);
      }
    }
    client.awaitCount(Kind.TEXT, 200);
    assertThat(client.events(Kind.TEXT)).extracting(Event::text).startsWith("m0", "m1").endsWith("m199");
    await(trickle);
    slow.awaitEof();
    s.close();
  }

  // ---- selection ----

  @Test
  void theFirstOfferedSubprotocolTheVhostHasIsChosen() {
    Recorder x = recorder("x");
    Recorder b = recorder("b");
    Loopwire srv = start(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("x", x))
        .withProtocol(WsProtocol.of("b", b)));
    Recorder client = recorder("client");
    Session<Object> s = connect(startClient(), srv, "/", ClientOptions.defaults().withSubprotocols("a", "b"), client);
    assertThat(s.subprotocol()).isEqualTo("b");
    Session<?> served = b.awaitOpen();
    assertThat(served.protocol()).isEqualTo("b");
    assertThat(served.subprotocol()).isEqualTo("b");
    assertThat(b.await(Kind.HANDSHAKE).request().offeredProtocols()).containsExactly("a", "b");
    assertThat(x.events()).isEmpty();
    // the raw view of the same choice
    RawSocket raw = raw(srv.port());
    RawSocket.Head h = raw.upgradeOk("/", "Sec-WebSocket-Protocol: zz, b, x");
    assertThat(h.header("Sec-WebSocket-Protocol")).isEqualTo("b");
    s.close();
  }

  @Test
  void headersAddedByOnHandshakeAreInThe101() {
    Recorder server = recorder("server").whenHandshake(r -> HandshakeDecision.accept(
        Http1Fields.of("X-Served-By", r.vhost() + "/" + r.protocol())));
    Loopwire srv = echoServer(server);
    RawSocket raw = raw(srv.port());
    RawSocket.Head h = raw.upgradeOk("/path?q=1");
    assertThat(h.header("X-Served-By")).isEqualTo("default/echo");
    HandshakeRequest req = server.await(Kind.HANDSHAKE).request();
    assertThat(req.path()).isEqualTo("/path");
    assertThat(req.query()).isEqualTo("q=1");
    assertThat(req.target()).isEqualTo("/path?q=1");
    assertThat(server.awaitOpen().responseHeaders().get("X-Served-By")).isEqualTo("default/echo");
  }

  @Test
  void noOfferGetsTheDefaultProtocol() {
    Recorder x = recorder("x");
    Recorder b = recorder("b");
    Loopwire srv = start(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("x", x)).withProtocol(WsProtocol.of("b", b))
        .withDefaultProtocol("b"));
    Session<Object> s = connect(startClient(), srv, recorder("client"));
    assertThat(s.subprotocol()).isNull();
    assertThat(b.awaitOpen().protocol()).isEqualTo("b");
    assertThat(x.events()).isEmpty();
    s.close();
  }

  @Test
  void aPathBoundProtocolServesItsPath() {
    Recorder x = recorder("x");
    Recorder chat = recorder("chat");
    Loopwire srv = start(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("x", x))
        .withProtocol(WsProtocol.of("chat", chat).withPath("/chat")));
    Loopwire cli = startClient();
    Session<Object> s1 = connect(cli, srv, "/chat?room=1", ClientOptions.defaults(), recorder("c1"));
    assertThat(chat.awaitOpen().requestTarget()).isEqualTo("/chat?room=1");
    assertThat(s1.subprotocol()).isNull();
    Session<Object> s2 = connect(cli, srv, "/elsewhere", ClientOptions.defaults(), recorder("c2"));
    assertThat(x.awaitOpen().requestTarget()).isEqualTo("/elsewhere");
    assertThat(s2.subprotocol()).isNull();
    assertThat(chat.count(Kind.OPEN)).isEqualTo(1);
    s1.close();
    s2.close();
  }

  @Test
  void noMatchAndNoDefaultIs404() {
    Recorder x = recorder("x");
    Loopwire srv = start(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("x", x).withPath("/x"))
        .withDefaultProtocol(null));
    Recorder client = recorder("client");
    Throwable t = awaitFailure(startClient().connect(uri(srv.port(), "/nothing"), ClientOptions.defaults(), client));
    assertThat(t).isInstanceOf(ConnectException.class);
    assertThat(((ConnectException) t).step()).isEqualTo(ConnectException.Step.HANDSHAKE_STATUS);
    assertThat(((ConnectException) t).status()).isEqualTo(404);
    assertThat(x.events()).isEmpty();
  }

  @Test
  void onlyUnknownSubprotocolsOfferedIs400EvenWithADefault() {
    // a client that offered subprotocols fails a 101 without one (RFC 6455 4.1), so the server says why
    Recorder x = recorder("x");
    Loopwire srv = start(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("x", x).withPath("/x")));
    Throwable t = awaitFailure(startClient().connect(uri(srv.port(), "/x"),
        ClientOptions.defaults().withSubprotocols("nope", "nada"), recorder("client")));
    assertThat(t).isInstanceOf(ConnectException.class);
    assertThat(((ConnectException) t).step()).isEqualTo(ConnectException.Step.HANDSHAKE_STATUS);
    assertThat(((ConnectException) t).status()).isEqualTo(400);
    assertThat(x.events()).isEmpty();
  }

  @Test
  void vhostsSharingAPortAreSelectedByHost() {
    int port = freePort();
    Recorder a = recorder("a");
    Recorder b = recorder("b");
    Loopwire srv = start(baseConfig()
        .withVhost(VhostConfig.of("A", port).withServerNames("a.test").withProtocol(WsProtocol.of("pa", a)))
        .withVhost(VhostConfig.of("B", port).withServerNames("b.test").withProtocol(WsProtocol.of("pb", b))));
    assertThat(srv.port("A")).isEqualTo(srv.port("B")).isEqualTo(port);
    RawSocket rb = raw(port);
    rb.write(request("GET", "/", upgradeHeaders("b.test:" + port, "13")));
    assertThat(rb.readHead().status()).isEqualTo(101);
    assertThat(b.awaitOpen().vhost()).isEqualTo("B");
    RawSocket ra = raw(port);
    ra.write(request("GET", "/", upgradeHeaders("A.TEST", "13")));
    assertThat(ra.readHead().status()).isEqualTo(101);
    assertThat(a.awaitOpen().vhost()).isEqualTo("A");
    assertThat(a.await(Kind.HANDSHAKE).request().vhost()).isEqualTo("A");
    assertThat(a.count(Kind.OPEN)).isEqualTo(1);
    assertThat(b.count(Kind.OPEN)).isEqualTo(1);
    // an unknown name still gets an answer (from the port's default vhost), not a hang
    RawSocket rc = raw(port);
    rc.write(request("GET", "/", upgradeHeaders("c.test", "13")));
    assertThat(rc.readHead().status()).isEqualTo(101);
    awaitTrue("the unknown host was served by one vhost", () -> a.count(Kind.OPEN) + b.count(Kind.OPEN) == 3);
  }

  @Test
  void plainHttpIsServedByTheVhostHandlerWithKeepAliveAndPipelining() {
    Recorder ws = recorder("ws");
    Loopwire srv = start(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("ws", ws).withPath("/ws"))
        .withHttp((req, from) -> req.target().equals("/hello") ? HttpResponse.text(200, "hi " + req.method()) : null));
    RawSocket raw = raw(srv.port());
    raw.write(request("GET", "/hello", "Host: x") + request("GET", "/missing", "Host: x")
        + request("GET", "/ws", "Host: x"));
    RawSocket.Response r1 = raw.readResponse();
    assertThat(r1.status()).isEqualTo(200);
    assertThat(r1.bodyText()).isEqualTo("hi GET");
    assertThat(raw.readResponse().status()).isEqualTo(404);
    RawSocket.Response r3 = raw.readResponse();
    assertThat(r3.status()).isEqualTo(426);
    assertThat(r3.header("Upgrade")).containsIgnoringCase("websocket");
    assertThat(ws.events()).isEmpty();
  }

  @Test
  void framesSentWithTheUpgradeRequestAreNotLost() {
    Recorder server = recorder("server").echo();
    Loopwire srv = echoServer(server);
    RawSocket raw = raw(srv.port());
    byte[] head = request("GET", "/", upgradeHeaders("127.0.0.1", "13")).getBytes(StandardCharsets.US_ASCII);
    byte[] frame = RawSocket.encode(RawSocket.TEXT, true, "early".getBytes(StandardCharsets.UTF_8), true);
    byte[] both = new byte[head.length + frame.length];
    System.arraycopy(head, 0, both, 0, head.length);
    System.arraycopy(frame, 0, both, head.length, frame.length);
    raw.write(both);
    assertThat(raw.readHead().status()).isEqualTo(101);
    assertThat(raw.readFrame(RawSocket.TEXT).text()).isEqualTo("early");
    assertThat(server.await(Kind.TEXT).text()).isEqualTo("early");
  }

  // ---- state ----

  @Test
  void perVhostStateIsCreatedOnceAndClosedOnceAtShutdown() {
    AtomicInteger created = new AtomicInteger();
    List<Counted> states = new CopyOnWriteArrayList<>();
    List<Integer> closesSeenInOnClose = new CopyOnWriteArrayList<>();
    Recorder server = recorder("server").whenClose((s, c) -> closesSeenInOnClose.add(((Counted) s.vhostState())
        .closes.get()));
    Loopwire srv = start(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("p", server).withVhostState(() -> {
      created.incrementAndGet();
      Counted c = new Counted();
      states.add(c);
      return c;
    })));
    assertThat(created).hasValue(1);
    Loopwire cli = startClient();
    Recorder client = recorder("client");
    connect(cli, srv, client);
    connect(cli, srv, client);
    server.awaitCount(Kind.OPEN, 2);
    for (Session<?> s : server.sessions()) {
      Object v = s.vhostState();
      assertThat(v).isSameAs(states.get(0));
    }
    assertThat(states.get(0).closes).hasValue(0);
    await(srv.shutdown());
    await(srv.shutdown());
    assertThat(created).hasValue(1);
    assertThat(states).hasSize(1);
    assertThat(states.get(0).closes).hasValue(1);
    assertThat(closesSeenInOnClose).as("the vhost state outlives every session").containsExactly(0, 0);
  }

  private static long loopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(THREAD_PREFIX)).count();
  }

  @Test
  void aStartThatCannotBindClosesThePerVhostStateItCreatedAndItsLoop() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      long threadsBefore = loopThreads();
      Counted state = new Counted();
      LoopwireConfig c = baseConfig()
          .withVhost(VhostConfig.of("free", 0)
              .withProtocol(WsProtocol.of("p", recorder("p")).withVhostState(() -> state)))
          .withVhost(VhostConfig.of("taken", taken.getLocalPort()).withProtocol(WsProtocol.of("q", recorder("q"))));
      assertThatThrownBy(() -> start(c)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
      assertThat(state.closes).as("the state created before the failure is closed once").hasValue(1);
      awaitTrue("the failed context's loop threads are gone", () -> loopThreads() <= threadsBefore);
    }
  }

  @Test
  void aVhostStateFactoryThatThrowsFailsTheStartAndClosesTheStatesBeforeIt() {
    Counted first = new Counted();
    Counted second = new Counted();
    LoopwireConfig c = baseConfig()
        .withVhost(VhostConfig.of("one", 0).withProtocol(WsProtocol.of("p", recorder("p")).withVhostState(() -> first)))
        .withVhost(VhostConfig.of("two", 0).withProtocol(WsProtocol.of("q", recorder("q")).withVhostState(() -> second))
            .withProtocol(WsProtocol.of("r", recorder("r")).withVhostState(() -> {
              throw new IllegalStateException("cannot create the state of r");
            })));
    assertThatThrownBy(() -> start(c)).isInstanceOf(IllegalStateException.class);
    assertThat(first.closes).hasValue(1);
    assertThat(second.closes).hasValue(1);
  }

  @Test
  void perSessionStateIsClosedAfterOnClose() {
    List<Counted> states = new CopyOnWriteArrayList<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    Recorder server = recorder("server").whenOpen(s -> {
      Counted c = new Counted();
      states.add(c);
      return c;
    }).whenText((s, t) -> seen.add("text, state " + (s.state() == states.get(0) ? "set" : "missing")))
        .whenClose((s, c) -> seen.add("close, state closed " + ((Counted) s.state()).closes.get() + " times"));
    Loopwire srv = echoServer(server);
    Session<Object> s = connect(startClient(), srv, recorder("client"));
    s.sendText("x");
    server.await(Kind.TEXT);
    s.close();
    Session<?> peer = server.sessions().get(0);
    server.awaitClose(peer);
    awaitTrue("the state was closed", () -> states.get(0).closes.get() == 1);
    assertThat(seen).containsExactly("text, state set", "close, state closed 0 times");
    assertThat((Object) peer.state()).as("released after onClose").isNull();
    await(srv.shutdown());
    assertThat(states).hasSize(1);
    assertThat(states.get(0).closes).hasValue(1);
  }
}
