package io.loopwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.ClientOptions;
import io.loopwire.CloseStatus;
import io.loopwire.ConnectException;
import io.loopwire.HandshakeDecision;
import io.loopwire.Loopwire;
import io.loopwire.ReconnectPolicy;
import io.loopwire.Session;
import io.loopwire.VhostConfig;
import io.loopwire.WsConfig;
import io.loopwire.WsProtocol;
import io.loopwire.testkit.Recorder.Event;
import io.loopwire.testkit.Recorder.Kind;
import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle contract (DESIGN "Lifecycle contract"): {@code onOpen} and {@code onClose} exactly once
 * each, in that order, on both sides, however a session ends; a client attempt ends in either a session
 * or exactly one {@code onConnectFailed} naming the step; timeouts fire; shutdown closes everything;
 * many sessions leave nothing behind; reconnects are reported and can be stopped.
 */
public abstract class LifecycleSuite extends LoopSuite {

  private static ClientOptions ws(WsConfig c) {
    return ClientOptions.defaults().withWs(c);
  }

  private static void shutdown(Loopwire lw) {
    await(lw.shutdown());
  }

  // ---- orderly ends ----

  @Test
  void normalCloseByClient() {
    Recorder server = recorder("server").echo();
    Recorder client = recorder("client");
    Loopwire srv = startServer(server);
    Session<Object> s = connect(startClient(), srv, client);
    s.sendText("hi");
    client.awaitText("hi");
    s.close();
    CloseStatus c = client.awaitClose(s);
    Session<?> peer = server.sessions().get(0);
    CloseStatus p = server.awaitClose(peer);
    assertThat(c.remote()).isFalse();
    assertThat(p.remote()).isTrue();
    assertThat(c.isNormal()).isTrue();
    assertThat(p.isNormal()).isTrue();
    client.assertOrder(s, Kind.OPEN, Kind.TEXT, Kind.CLOSE);
    server.assertOrder(peer, Kind.OPEN, Kind.TEXT, Kind.CLOSE);
    assertThat(server.count(Kind.HANDSHAKE)).isEqualTo(1);
    assertThat(server.events(Kind.HANDSHAKE).get(0).seq()).isLessThan(server.events(Kind.OPEN).get(0).seq());
  }

  @Test
  void normalCloseByServer() {
    Recorder server = recorder("server").whenText((ss, t) -> ss.close());
    Recorder client = recorder("client");
    Session<Object> s = connect(startClient(), startServer(server), client);
    s.sendText("close me");
    CloseStatus c = client.awaitClose(s);
    Session<?> peer = server.sessions().get(0);
    CloseStatus p = server.awaitClose(peer);
    assertThat(c.remote()).isTrue();
    assertThat(p.remote()).isFalse();
    assertThat(c.code()).isEqualTo(CloseStatus.NORMAL);
    assertThat(p.code()).isEqualTo(CloseStatus.NORMAL);
    client.assertOrder(s, Kind.OPEN, Kind.CLOSE);
    server.assertOrder(peer, Kind.OPEN, Kind.TEXT, Kind.CLOSE);
  }

  // ---- abrupt ends ----

  @Test
  void abruptResetByClient() {
    Recorder server = recorder("server");
    Loopwire srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    Session<?> peer = server.awaitOpen();
    raw.abort();
    CloseStatus p = server.awaitClose(peer);
    assertThat(p.code()).isEqualTo(CloseStatus.ABNORMAL);
    assertThat(p.remote()).isTrue();
    assertThat(p.cause()).isNotNull();
    shutdown(srv);
    server.assertOrder(peer, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void eofWithoutCloseFrameByClient() {
    Recorder server = recorder("server");
    Loopwire srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    Session<?> peer = server.awaitOpen();
    raw.shutdownOutput();
    CloseStatus p = server.awaitClose(peer);
    assertThat(p.code()).isEqualTo(CloseStatus.ABNORMAL);
    assertThat(p.remote()).isTrue();
    assertThat(p.cause()).isNotNull();
    raw.awaitEof();
    shutdown(srv);
    server.assertOrder(peer, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void abruptResetByServer() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null);
      conn.readFrame(RawSocket.TEXT);
      conn.abort();
    });
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    Session<Object> s = await(cli.connect(rs.uri("/"), client));
    s.sendText("reset me");
    CloseStatus c = client.awaitClose(s);
    assertThat(c.code()).isEqualTo(CloseStatus.ABNORMAL);
    assertThat(c.remote()).isTrue();
    assertThat(c.cause()).isNotNull();
    shutdown(cli);
    client.assertOrder(s, Kind.OPEN, Kind.CLOSE);
    assertThat(rs.errors()).isEmpty();
  }

  // ---- failed attempts ----

  @Test
  void handshakeRejectedByTheServerHandler() {
    Recorder server = recorder("server").whenHandshake(r -> HandshakeDecision.reject(403, "not you"));
    Recorder client = recorder("client");
    Loopwire srv = startServer(server);
    Loopwire cli = startClient();
    CompletableFuture<Session<Object>> f = cli.connect(uri(srv.port(), "/"), client);
    Throwable t = awaitFailure(f);
    assertThat(t).isInstanceOf(ConnectException.class);
    ConnectException e = (ConnectException) t;
    assertThat(e.step()).isEqualTo(ConnectException.Step.HANDSHAKE_STATUS);
    assertThat(e.status()).isEqualTo(403);
    shutdown(cli);
    shutdown(srv);
    assertThat(client.events()).extracting(Event::kind).containsExactly(Kind.CONNECT_FAILED);
    assertThat(client.awaitConnectFailed().step()).isEqualTo(ConnectException.Step.HANDSHAKE_STATUS);
    assertThat(server.events()).extracting(Event::kind).containsExactly(Kind.HANDSHAKE);
  }

  /** Connects with {@code options}, expects one failure at {@code step}, and nothing else. */
  private ConnectException expectConnectFailure(String uri, ClientOptions options, ConnectException.Step step) {
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    Throwable t = awaitFailure(cli.connect(uri, options, client));
    assertThat(t).isInstanceOf(ConnectException.class);
    assertThat(((ConnectException) t).step()).as("step of " + t).isEqualTo(step);
    shutdown(cli); // after this no callback can come any more
    assertThat(client.events()).extracting(Event::kind).containsExactly(Kind.CONNECT_FAILED);
    ConnectException e = client.awaitConnectFailed();
    assertThat(e.step()).isEqualTo(step);
    assertThat(e.getMessage()).isNotBlank();
    return e;
  }

  @Test
  void connectFailsToResolveAnInvalidName() {
    expectConnectFailure("ws://no-such-host.invalid:80/", ClientOptions.defaults(), ConnectException.Step.RESOLVE);
  }

  @Test
  void connectFailsOnAClosedPort() {
    expectConnectFailure(uri(closedPort(), "/"), ClientOptions.defaults(), ConnectException.Step.TCP);
  }

  @Test
  void connectTimesOutWhenTheServerNeverAnswers() {
    RawServer rs = rawServer((conn, i) -> conn.drainUntilEof());
    ConnectException e = expectConnectFailure(rs.uri("/"), ws(WsConfig.defaults().withHandshakeTimeout(SHORT)),
        ConnectException.Step.TIMEOUT);
    assertThat(e).hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void connectFailsOnAWrongAcceptKey() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade("dGhlIHNhbXBsZSBub25jZQ==");
      conn.drainUntilEof();
    });
    expectConnectFailure(rs.uri("/"), ClientOptions.defaults(), ConnectException.Step.HANDSHAKE_VALIDATION);
  }

  @Test
  void connectFailsOnAnUnofferedSubprotocol() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null, "Sec-WebSocket-Protocol: never-offered");
      conn.drainUntilEof();
    });
    expectConnectFailure(rs.uri("/"), ClientOptions.defaults().withSubprotocols("a"),
        ConnectException.Step.HANDSHAKE_VALIDATION);
  }

  @Test
  void connectFailsOnAnErrorStatus() {
    RawServer rs = rawServer((conn, i) -> {
      conn.readHead();
      conn.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
      conn.drainUntilEof();
    });
    ConnectException e = expectConnectFailure(rs.uri("/"), ClientOptions.defaults(),
        ConnectException.Step.HANDSHAKE_STATUS);
    assertThat(e.status()).isEqualTo(503);
  }

  @Test
  void connectOnAClosedContextThrows() {
    Loopwire cli = startClient();
    shutdown(cli);
    assertThatThrownBy(() -> cli.connect(uri(closedPort(), "/"), recorder("client")))
        .isInstanceOf(IllegalStateException.class);
  }

  // ---- timers ----

  @Test
  void keepaliveTimeoutOnAClientWhoseServerNeverAnswersPings() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null);
      conn.drainUntilEof(); // reads the pings, never answers
    });
    Recorder client = recorder("client");
    Session<Object> s = await(startClient().connect(rs.uri("/"),
        ws(WsConfig.defaults().withPingInterval(SHORT).withPongTimeout(SHORT)), client));
    CloseStatus c = client.awaitClose(s);
    assertThat(c.code()).isEqualTo(CloseStatus.ABNORMAL);
    assertThat(c.cause()).isInstanceOf(TimeoutException.class);
    assertThat(c.remote()).as("a timeout is this side's decision (CloseStatus.remote)").isFalse();
    client.assertOrder(s, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void keepaliveTimeoutOnAServerWhoseClientNeverAnswersPings() {
    Recorder server = recorder("server");
    Loopwire srv = startServer(server, WsConfig.defaults().withPingInterval(SHORT).withPongTimeout(SHORT));
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    Session<?> peer = server.awaitOpen();
    assertThat(raw.readFrame().opcode()).isEqualTo(RawSocket.PING);
    CloseStatus p = server.awaitClose(peer);
    assertThat(p.code()).isEqualTo(CloseStatus.ABNORMAL);
    assertThat(p.cause()).isInstanceOf(TimeoutException.class);
    assertThat(p.remote()).isFalse();
    server.assertOrder(peer, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void keepaliveKeepsAnsweringPeersOpen() {
    Duration interval = Duration.ofMillis(40);
    Recorder server = recorder("server");
    Recorder client = recorder("client");
    // a generous pong deadline: this checks that answered pings keep the session, not how fast they are
    Loopwire srv = startServer(server, WsConfig.defaults().withPingInterval(interval)
        .withPongTimeout(Duration.ofSeconds(5)));
    Session<Object> s = connect(startClient(), srv, client);
    client.awaitCount(Kind.PING, 5);
    assertThat(s.isOpen()).isTrue();
    assertThat(client.count(Kind.CLOSE)).isZero();
    assertThat(server.count(Kind.CLOSE)).isZero();
    assertThat(client.count(Kind.WRITABLE) + server.count(Kind.WRITABLE)).isZero();
  }

  @Test
  void idleTimeoutClosesASilentSession() {
    Recorder server = recorder("server");
    Recorder client = recorder("client");
    Loopwire srv = startServer(server, WsConfig.defaults().withIdleTimeout(SHORT));
    Session<Object> s = connect(startClient(), srv, client);
    Session<?> peer = server.awaitOpen();
    CloseStatus p = server.awaitClose(peer);
    assertThat(p.code()).isEqualTo(CloseStatus.GOING_AWAY);
    assertThat(p.remote()).isFalse();
    CloseStatus c = client.awaitClose(s);
    assertThat(c.code()).isEqualTo(CloseStatus.GOING_AWAY);
    assertThat(c.remote()).isTrue();
    server.assertOrder(peer, Kind.OPEN, Kind.CLOSE);
  }

  // ---- shutdown ----

  @Test
  void aSessionIgnoresEveryCallAfterItsContextShutDown() {
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    Session<Object> s = connect(cli, startServer(recorder("server")), client);
    shutdown(cli);
    client.awaitClose(s);
    assertThat(s.isOpen()).isFalse();
    assertThat(s.isWritable()).isFalse();
    assertThat(s.sendText("late")).isFalse();
    assertThat(s.sendBinary(new byte[1])).isFalse();
    assertThat(s.ping(ByteBuffer.allocate(1))).isFalse();
    s.requestWritable();
    s.close();
    s.close(4000, "late");
    assertThat(client.events(s)).extracting(Event::kind).containsExactly(Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void shutdownDuringAHandshakeFailsTheAttemptAsCancelled() {
    RawServer rs = rawServer((conn, i) -> conn.drainUntilEof()); // never answers the upgrade
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    CompletableFuture<Session<Object>> f = cli.connect(rs.uri("/"), client);
    awaitTrue("the raw server accepted", () -> rs.accepted() == 1);
    shutdown(cli);
    Throwable t = awaitFailure(f);
    assertThat(t).isInstanceOf(ConnectException.class);
    assertThat(((ConnectException) t).step()).isEqualTo(ConnectException.Step.CANCELLED);
    assertThat(client.events()).extracting(Event::kind).containsExactly(Kind.CONNECT_FAILED);
  }

  @Test
  void cancellingTheFutureDuringAHandshakeFailsTheAttemptOnce() {
    RawServer rs = rawServer((conn, i) -> conn.drainUntilEof()); // never answers the upgrade
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    CompletableFuture<Session<Object>> f = cli.connect(rs.uri("/"), client);
    awaitTrue("the raw server accepted", () -> rs.accepted() == 1);
    f.cancel(true);
    assertThat(client.awaitConnectFailed().step()).isEqualTo(ConnectException.Step.CANCELLED);
    rs.connections().get(0).awaitEof();
    shutdown(cli);
    assertThat(client.events()).extracting(Event::kind).containsExactly(Kind.CONNECT_FAILED);
  }

  @Test
  void shutdownWithAHalfSentRequestCompletes() {
    Recorder server = recorder("server");
    Loopwire srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.write("GET / HTTP/1.1\r\nHost: x\r\n"); // the head never ends
    pause(Duration.ofMillis(20));
    shutdown(srv);
    raw.awaitEof();
    assertThat(server.events()).isEmpty();
  }

  @Test
  void aHandlerThatThrowsGetsItsSessionClosedWith1011() {
    Recorder server = recorder("server").whenText((s, t) -> {
      throw new IllegalStateException("app bug on " + t);
    });
    Recorder client = recorder("client");
    Session<Object> s = connect(startClient(), startServer(server), client);
    s.sendText("boom");
    assertThat(client.awaitClose(s).code()).isEqualTo(CloseStatus.INTERNAL_ERROR);
    Session<?> peer = server.sessions().get(0);
    assertThat(server.awaitClose(peer).code()).isEqualTo(CloseStatus.INTERNAL_ERROR);
    server.assertOrder(peer, Kind.OPEN, Kind.TEXT, Kind.CLOSE);
  }

  @Test
  void aHandlerThatThrowsInOnOpenStillGetsOnCloseOnce() {
    Recorder server = recorder("server").whenOpen(s -> {
      throw new IllegalStateException("app bug in onOpen");
    });
    Recorder client = recorder("client");
    Session<Object> s = connect(startClient(), startServer(server), client);
    assertThat(client.awaitClose(s).code()).isEqualTo(CloseStatus.INTERNAL_ERROR);
    Session<?> peer = server.awaitOpen();
    server.awaitClose(peer);
    server.assertOrder(peer, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void aHandshakeHandlerThatThrowsGets500AndNoSession() {
    Recorder server = recorder("server").whenHandshake(r -> {
      throw new IllegalStateException("app bug in onHandshake");
    });
    Recorder client = recorder("client");
    Throwable t = awaitFailure(startClient().connect(uri(startServer(server).port(), "/"), client));
    assertThat(((ConnectException) t).status()).isEqualTo(500);
    assertThat(server.events()).extracting(Event::kind).containsExactly(Kind.HANDSHAKE);
  }

  @Test
  void shutdownClosesEveryLiveSessionWith1001() {
    Recorder server = recorder("server");
    Recorder client = recorder("client");
    Loopwire srv = startServer(server);
    Loopwire cli = startClient();
    List<Session<Object>> sessions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sessions.add(connect(cli, srv, client));
    }
    server.awaitCount(Kind.OPEN, 8);
    shutdown(srv);
    assertThat(server.count(Kind.CLOSE)).isEqualTo(8);
    for (Event e : server.events(Kind.CLOSE)) {
      assertThat(e.status().code()).isEqualTo(CloseStatus.GOING_AWAY);
      assertThat(e.status().remote()).isFalse();
    }
    for (Session<Object> s : sessions) {
      CloseStatus c = client.awaitClose(s);
      assertThat(c.code()).isEqualTo(CloseStatus.GOING_AWAY);
      assertThat(c.remote()).isTrue();
    }
    server.assertEverySessionClosedOnce();
    client.assertEverySessionClosedOnce();
    assertThat(srv.stats().connections()).isZero();
    assertThat(srv.shutdown()).as("shutdown is idempotent").isCompleted();
  }

  @Test
  void shutdownOfAClientContextClosesItsSessions() {
    Recorder server = recorder("server");
    Recorder client = recorder("client");
    Loopwire srv = startServer(server);
    Loopwire cli = startClient();
    Session<Object> s = connect(cli, srv, client);
    shutdown(cli);
    CloseStatus c = client.awaitClose(s);
    assertThat(c.code()).isEqualTo(CloseStatus.GOING_AWAY);
    assertThat(c.remote()).isFalse();
    CloseStatus p = server.awaitClose(server.sessions().get(0));
    assertThat(p.code()).isEqualTo(CloseStatus.GOING_AWAY);
    assertThat(p.remote()).isTrue();
  }

  @Test
  void shutdownDropsAPeerThatNeverAnswersWithinTheShutdownTimeout() {
    Recorder server = recorder("server");
    Loopwire srv = start(baseConfig().withShutdownTimeout(SHORT)
        .withVhost(VhostConfig.of("default", 0).withProtocol(WsProtocol.of("p", server))));
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    Session<?> peer = server.awaitOpen();
    CompletableFuture<Void> down = srv.shutdown();
    assertThat(raw.readFrame(RawSocket.CLOSE).closeCode()).isEqualTo(CloseStatus.GOING_AWAY);
    await(down); // the peer never answers: the shutdown timeout drops it
    assertThat(server.count(peer, Kind.CLOSE)).isEqualTo(1);
    CloseStatus p = server.awaitClose(peer);
    // we closed first (1001) and we dropped the connection when our timeout ran out
    assertThat(p.code()).isEqualTo(CloseStatus.GOING_AWAY);
    assertThat(p.remote()).isFalse();
    assertThat(p.cause()).isNotNull();
  }

  // ---- hygiene ----

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .collect(Collectors.toSet());
  }

  private static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  @Test
  void thousandConnectCloseCyclesLeaveNothingBehind() {
    Set<String> threadsBefore = threadNames();
    int fdsBefore = openFds();
    Recorder server = recorder("server").echo();
    Recorder client = recorder("client");
    Loopwire srv = startServer(server);
    Loopwire cli = startClient();
    int fdsStarted = openFds();
    int cycles = 1000;
    int inFlight = 4;
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    for (int i = 0; i < cycles; i += inFlight) {
      assertThat(System.nanoTime()).as("1000 cycles within 40 s (at cycle " + i + ")").isLessThan(deadline);
      List<CompletableFuture<Session<Object>>> fs = new ArrayList<>();
      for (int j = 0; j < inFlight; j++) {
        fs.add(cli.connect(uri(srv.port(), "/"), client));
      }
      for (CompletableFuture<Session<Object>> f : fs) {
        Session<Object> s = await(f);
        if ((s.id() & 1) == 0) {
          s.sendText("x");
        }
        s.close();
      }
      client.awaitCount(Kind.CLOSE, i + inFlight);
      server.awaitCount(Kind.CLOSE, i + inFlight);
    }
    assertThat(client.count(Kind.OPEN)).isEqualTo(cycles);
    assertThat(server.count(Kind.OPEN)).isEqualTo(cycles);
    client.assertEverySessionClosedOnce();
    server.assertEverySessionClosedOnce();
    awaitTrue("no live session on either side", () -> srv.stats().connections() == 0 && cli.stats().connections() == 0);
    if (fdsBefore >= 0) {
      // the server closes TCP after its onClose; give the last few sockets a moment to go
      awaitTrue("descriptors back near the level after start (" + fdsStarted + ")",
          () -> openFds() <= fdsStarted + 8);
    }
    shutdown(cli);
    shutdown(srv);
    awaitTrue("no loop thread left", () -> threadNames().stream().noneMatch(n -> n.startsWith(THREAD_PREFIX)
        && !threadsBefore.contains(n)));
    awaitTrue("no more threads than before (+2)", () -> threadNames().size() <= threadsBefore.size() + 2);
    if (fdsBefore >= 0) {
      awaitTrue("descriptors back near the level before start (" + fdsBefore + ")",
          () -> openFds() <= fdsBefore + 4);
    }
  }

  // ---- reconnect ----

  private static ReconnectPolicy fixedDelay(Duration d, int maxAttempts) {
    return new ReconnectPolicy(List.of(d), 0, maxAttempts);
  }

  @Test
  void reconnectsAfterTheServerResets() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null);
      if (i == 0) {
        conn.abort();
      } else {
        conn.sendClose(conn.readFrame(RawSocket.CLOSE).closeCode(), "");
        conn.close();
      }
    });
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    Session<Object> first = await(cli.connect(rs.uri("/"),
        ClientOptions.defaults().withReconnect(fixedDelay(Duration.ofMillis(20), 0)), client));
    client.awaitCount(Kind.OPEN, 2);
    List<Kind> kinds = client.events().stream().map(Event::kind).toList();
    assertThat(kinds).containsExactly(Kind.OPEN, Kind.CLOSE, Kind.RECONNECTING, Kind.OPEN);
    assertThat(client.await(Kind.CLOSE).status().code()).isEqualTo(CloseStatus.ABNORMAL);
    Recorder.Reconnect r = client.await(Kind.RECONNECTING).reconnect();
    assertThat(r.attempt()).isEqualTo(1);
    assertThat(r.delay()).isEqualTo(Duration.ofMillis(20));
    assertThat(r.cause()).isNotNull();
    assertThat(client.sessions().get(0)).isSameAs(first);
    Session<?> second = client.sessions().get(1);
    assertThat(second).isNotSameAs(first);
    // a normal close by the app ends the chain
    second.close();
    client.awaitClose(second);
    shutdown(cli);
    assertThat(client.count(Kind.RECONNECTING)).isEqualTo(1);
    assertThat(rs.accepted()).isEqualTo(2);
  }

  @Test
  void anAppCloseDoesNotReconnectEvenIfTheServerNeverAnswersIt() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null);
      conn.drainUntilEof(); // never answers the close
    });
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    Session<Object> s = await(cli.connect(rs.uri("/"), ClientOptions.defaults()
        .withWs(WsConfig.defaults().withCloseTimeout(SHORT))
        .withReconnect(fixedDelay(Duration.ofMillis(10), 0)), client));
    s.close(1000, "bye");
    CloseStatus c = client.awaitClose(s);
    assertThat(c.cause()).isInstanceOf(TimeoutException.class);
    pause(Duration.ofMillis(200)); // twenty delays: a reconnect would have happened by now
    shutdown(cli);
    assertThat(client.events()).extracting(Event::kind).containsExactly(Kind.OPEN, Kind.CLOSE);
    assertThat(rs.accepted()).isEqualTo(1);
  }

  @Test
  void reconnectAttemptsAreNumberedAndBounded() {
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    Throwable t = awaitFailure(cli.connect(uri(closedPort(), "/"),
        ClientOptions.defaults().withReconnect(fixedDelay(Duration.ofMillis(10), 3)), client));
    assertThat(t).isInstanceOf(ConnectException.class);
    shutdown(cli);
    assertThat(client.events()).extracting(Event::kind).containsExactly(Kind.CONNECT_FAILED, Kind.RECONNECTING,
        Kind.CONNECT_FAILED, Kind.RECONNECTING, Kind.CONNECT_FAILED);
    assertThat(client.events(Kind.RECONNECTING)).extracting(e -> e.reconnect().attempt()).containsExactly(2, 3);
    assertThat(client.events(Kind.CONNECT_FAILED)).extracting(e -> e.failure().step())
        .containsOnly(ConnectException.Step.TCP);
  }

  @Test
  void cancellingTheFutureStopsReconnecting() {
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    CompletableFuture<Session<Object>> f = cli.connect(uri(closedPort(), "/"),
        ClientOptions.defaults().withReconnect(fixedDelay(Duration.ofMillis(20), 0)), client);
    client.awaitCount(Kind.RECONNECTING, 2);
    int failuresAtCancel = client.count(Kind.CONNECT_FAILED);
    f.cancel(true);
    pause(Duration.ofMillis(200)); // ten delays: a live chain would have failed again by now
    int settled = client.count(Kind.CONNECT_FAILED);
    // at most the attempt that raced with the cancel, and the CANCELLED report of the next one
    assertThat(settled).isLessThanOrEqualTo(failuresAtCancel + 2);
    pause(Duration.ofMillis(200));
    assertThat(client.count(Kind.CONNECT_FAILED)).isEqualTo(settled);
    assertThat(f).isCancelled();
  }

  @Test
  void shutdownDuringAReconnectDelayCompletesTheFuture() {
    Recorder client = recorder("client");
    Loopwire cli = startClient();
    CompletableFuture<Session<Object>> f = cli.connect(uri(closedPort(), "/"),
        ClientOptions.defaults().withReconnect(fixedDelay(Duration.ofSeconds(30), 0)), client);
    client.await(Kind.RECONNECTING); // now waiting 30 s before the next attempt
    shutdown(cli);
    Throwable t = awaitFailure(f);
    assertThat(t).isInstanceOf(ConnectException.class);
    assertThat(((ConnectException) t).step()).isEqualTo(ConnectException.Step.CANCELLED);
  }
}
