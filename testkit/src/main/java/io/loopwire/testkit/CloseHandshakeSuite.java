package io.loopwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.ClientOptions;
import io.loopwire.CloseStatus;
import io.loopwire.Loopwire;
import io.loopwire.Session;
import io.loopwire.WsConfig;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.testkit.Recorder.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The close handshake (RFC 6455 5.5.1, 7): codes and reasons reach both sides with the right
 * {@code remote} flag, bad codes are the app's mistake, sends after close are refused, and a peer that
 * never answers our close is dropped after the close timeout.
 */
public abstract class CloseHandshakeSuite extends LoopSuite {

  private Recorder server;
  private Recorder client;
  private Loopwire srv;
  private Session<Object> session;

  private void open(WsConfig serverWs) {
    server = recorder("server").echo();
    client = recorder("client");
    srv = startServer(server, serverWs);
    session = connect(startClient(), srv, client);
    server.await(Kind.OPEN);
  }

  private void open() {
    open(WsConfig.defaults());
  }

  private Session<?> serverSession() {
    return server.sessions().get(0);
  }

  private static void assertStatus(CloseStatus s, int code, String reason, boolean remote) {
    assertThat(s.code()).as("code of " + s).isEqualTo(code);
    assertThat(s.reason()).as("reason of " + s).isEqualTo(reason);
    assertThat(s.remote()).as("remote flag of " + s).isEqualTo(remote);
    assertThat(s.cause()).as("cause of " + s).isNull();
  }

  @ParameterizedTest(name = "client closes with {0}")
  @ValueSource(ints = {1000, 1001, 1003, 1008, 1011, 3000, 4999})
  void clientCloseReachesBothSides(int code) {
    open();
    session.close(code, "client says bye " + code);
    assertStatus(client.awaitClose(session), code, "client says bye " + code, false);
    assertStatus(server.awaitClose(serverSession()), code, "client says bye " + code, true);
    server.assertOrder(serverSession(), Kind.OPEN, Kind.CLOSE);
    client.assertOrder(session, Kind.OPEN, Kind.CLOSE);
  }

  @ParameterizedTest(name = "server closes with {0}")
  @ValueSource(ints = {1000, 1001, 1008, 4000})
  void serverCloseReachesBothSides(int code) {
    open();
    serverSession().close(code, "server says bye");
    assertStatus(server.awaitClose(serverSession()), code, "server says bye", false);
    assertStatus(client.awaitClose(session), code, "server says bye", true);
    server.assertOrder(serverSession(), Kind.OPEN, Kind.CLOSE);
    client.assertOrder(session, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void plainCloseIsNormalWithEmptyReason() {
    open();
    session.close();
    CloseStatus c = client.awaitClose(session);
    assertStatus(c, CloseStatus.NORMAL, "", false);
    assertThat(c.isNormal()).isTrue();
    assertStatus(server.awaitClose(serverSession()), CloseStatus.NORMAL, "", true);
  }

  @Test
  void closeFromInsideACallback() {
    server = recorder("server").whenText((s, t) -> s.close(4003, "closing on " + t));
    client = recorder("client");
    session = connect(startClient(), startServer(server), client);
    session.sendText("cue");
    assertStatus(client.awaitClose(session), 4003, "closing on cue", true);
    assertStatus(server.awaitClose(serverSession()), 4003, "closing on cue", false);
  }

  @Test
  void secondCloseIsIgnored() {
    open();
    session.close(4001, "first");
    session.close(4002, "second");
    session.close();
    assertStatus(client.awaitClose(session), 4001, "first", false);
    assertStatus(server.awaitClose(serverSession()), 4001, "first", true);
    client.assertOrder(session, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void bothSidesClosingAtOnceCloseEachExactlyOnce() {
    open();
    Session<?> peer = serverSession();
    Thread t = new Thread(() -> peer.close(4010, "server"));
    t.start();
    session.close(4011, "client");
    CloseStatus c = client.awaitClose(session);
    CloseStatus s = server.awaitClose(peer);
    assertThat(c.code()).isIn(4010, 4011);
    assertThat(s.code()).isIn(4010, 4011);
    assertThat(c.cause()).isNull();
    assertThat(s.cause()).isNull();
    client.assertOrder(session, Kind.OPEN, Kind.CLOSE);
    server.assertOrder(peer, Kind.OPEN, Kind.CLOSE);
  }

  @ParameterizedTest(name = "close code {0} is refused")
  @ValueSource(ints = {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65536})
  void invalidCloseCodesThrow(int code) {
    open();
    assertThatThrownBy(() -> session.close(code, "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(code));
    assertThatThrownBy(() -> serverSession().close(code, "x")).isInstanceOf(IllegalArgumentException.class);
    // the mistake leaves the session open
    assertThat(session.isOpen()).isTrue();
    assertThat(session.sendText("still here")).isTrue();
    assertThat(client.await(Kind.TEXT).text()).isEqualTo("still here");
  }

  @Test
  void overlongReasonThrows() {
    open();
    String tooLong = "x".repeat(124);
    assertThatThrownBy(() -> session.close(1000, tooLong)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> session.close(1000, "é".repeat(62))).isInstanceOf(IllegalArgumentException.class);
    session.close(1000, "x".repeat(123));
    assertThat(server.awaitClose(serverSession()).reason()).hasSize(123);
  }

  @Test
  void sendsAfterCloseReturnFalse() {
    open();
    session.close(4020, "done");
    // the close was asked for: from now on nothing more is accepted, even before the handshake ends
    assertThat(session.isOpen()).isFalse();
    assertThat(session.sendText("late")).isFalse();
    assertThat(session.sendBinary(new byte[] {1})).isFalse();
    assertThat(session.ping(ByteBuffer.allocate(1))).isFalse();
    client.awaitClose(session);
    server.awaitClose(serverSession());
    assertThat(session.sendText("later")).isFalse();
    assertThat(session.sendText("frag", false)).isFalse();
    assertThat(serverSession().isOpen()).isFalse();
    assertThat(((Session<?>) serverSession()).sendText("late from server")).isFalse();
    assertThat(server.count(Kind.TEXT)).isZero();
  }

  @Test
  void sendsInsideOnCloseReturnFalse() {
    CopyOnWriteArrayList<Boolean> results = new CopyOnWriteArrayList<>();
    server = recorder("server").whenClose((s, c) -> {
      results.add(s.sendText("from onClose"));
      results.add(s.ping(ByteBuffer.allocate(0)));
    });
    client = recorder("client");
    session = connect(startClient(), startServer(server), client);
    session.close();
    server.awaitClose(server.sessions().get(0));
    assertThat(results).containsExactly(false, false);
    client.awaitClose(session);
    assertThat(client.count(Kind.TEXT)).isZero();
  }

  @Test
  void rawPeerCloseIsEchoedAndTcpClosed() {
    server = recorder("server");
    srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    raw.sendClose(4005, "raw bye");
    RawSocket.Frame reply = raw.readFrame(RawSocket.CLOSE);
    assertThat(reply.closeCode()).isEqualTo(4005);
    assertThat(raw.awaitEof()).as("the server closes TCP after the close handshake").isTrue();
    assertStatus(server.awaitClose(), 4005, "raw bye", true);
  }

  @Test
  void closeFrameWithoutCodeIsReportedAs1005() {
    server = recorder("server");
    srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    raw.sendFrame(RawSocket.CLOSE, true, new byte[0]);
    raw.readFrame(RawSocket.CLOSE);
    CloseStatus s = server.awaitClose();
    assertThat(s.code()).isEqualTo(CloseStatus.NO_STATUS);
    assertThat(s.remote()).isTrue();
    assertThat(s.isNormal()).isTrue();
  }

  @Test
  void closeFrameWithForbiddenCodeIsAProtocolError() {
    server = recorder("server");
    srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    raw.sendClose(1005, "");
    RawSocket.Frame reply = raw.readFrame(RawSocket.CLOSE);
    assertThat(reply.closeCode()).isEqualTo(CloseStatus.PROTOCOL_ERROR);
    CloseStatus s = server.awaitClose();
    assertThat(s.code()).isEqualTo(CloseStatus.PROTOCOL_ERROR);
    assertThat(s.remote()).isTrue();
    assertThat(s.cause()).isNotNull();
  }

  // ---- a peer's protocol mistake gets the protocol's answer (DESIGN "Errors and bad input") ----

  /** A raw client sends {@code bytes} after the upgrade; the server must close with {@code code}. */
  private void expectServerCloses(WsConfig ws, byte[] bytes, int code) {
    server = recorder("server");
    srv = startServer(server, ws);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    raw.write(bytes);
    RawSocket.Frame f = raw.readFrame(RawSocket.CLOSE);
    assertThat(f.closeCode()).as("close code sent to the peer").isEqualTo(code);
    raw.awaitEof();
    CloseStatus st = server.awaitClose();
    assertThat(st.code()).isEqualTo(code);
    assertThat(st.remote()).as("the peer is at fault").isTrue();
    assertThat(st.cause()).isNotNull();
    assertThat(server.count(Kind.TEXT) + server.count(Kind.BINARY)).isZero();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void anUnmaskedFrameFromAClientIs1002() {
    expectServerCloses(WsConfig.defaults(), RawSocket.encode(RawSocket.TEXT, true, "x".getBytes(), false),
        CloseStatus.PROTOCOL_ERROR);
  }

  @Test
  void aReservedOpcodeIs1002() {
    expectServerCloses(WsConfig.defaults(), RawSocket.encode(0x3, true, new byte[1], true),
        CloseStatus.PROTOCOL_ERROR);
  }

  @Test
  void anOverlongPingIs1002() {
    expectServerCloses(WsConfig.defaults(), RawSocket.encode(RawSocket.PING, true, new byte[126], true),
        CloseStatus.PROTOCOL_ERROR);
  }

  @Test
  void invalidUtf8TextIs1007() {
    expectServerCloses(WsConfig.defaults(),
        RawSocket.encode(RawSocket.TEXT, true, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}, true),
        CloseStatus.INVALID_DATA);
  }

  @Test
  void aFrameOverTheFrameLimitIs1009() {
    WsConfig small = WsConfig.defaults().withLimits(WsLimits.defaults()
        .withMaxFrameBytes(1000).withMaxMessageBytes(4000));
    expectServerCloses(small, RawSocket.encode(RawSocket.BINARY, true, new byte[1001], true), CloseStatus.TOO_BIG);
  }

  @Test
  void aFragmentedMessageOverTheMessageLimitIs1009() {
    WsConfig small = WsConfig.defaults().withLimits(WsLimits.defaults()
        .withMaxFrameBytes(1000).withMaxMessageBytes(1500));
    expectServerCloses(small, concat(RawSocket.encode(RawSocket.TEXT, false, "a".repeat(600).getBytes(), true),
        RawSocket.encode(RawSocket.CONTINUATION, false, "b".repeat(600).getBytes(), true),
        RawSocket.encode(RawSocket.CONTINUATION, true, "c".repeat(600).getBytes(), true)), CloseStatus.TOO_BIG);
  }

  @Test
  void aMaskedFrameFromAServerIs1002ForTheClient() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null);
      conn.write(RawSocket.encode(RawSocket.TEXT, true, "masked".getBytes(), true));
      conn.drainUntilEof();
    });
    client = recorder("client");
    session = await(startClient().connect(rs.uri("/"), client));
    CloseStatus st = client.awaitClose(session);
    assertThat(st.code()).isEqualTo(CloseStatus.PROTOCOL_ERROR);
    assertThat(st.remote()).isTrue();
    assertThat(st.cause()).isNotNull();
    assertThat(client.count(Kind.TEXT)).isZero();
  }

  @Test
  void aCodePointSplitAcrossFragmentsIsReassembled() {
    server = recorder("server");
    srv = startServer(server);
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    byte[] e = "é€😀".getBytes(StandardCharsets.UTF_8); // 2 + 3 + 4 bytes
    raw.sendFrame(RawSocket.TEXT, false, Arrays.copyOfRange(e, 0, 1));
    raw.sendPing(new byte[] {1});
    raw.sendFrame(RawSocket.CONTINUATION, false, Arrays.copyOfRange(e, 1, 4));
    raw.sendFrame(RawSocket.CONTINUATION, true, Arrays.copyOfRange(e, 4, e.length));
    assertThat(raw.readFrame().opcode()).isEqualTo(RawSocket.PONG);
    assertThat(server.await(Kind.TEXT).text()).isEqualTo("é€😀");
    assertThat(server.count(Kind.TEXT)).isEqualTo(1);
  }

  // ---- peers that never answer ----

  @Test
  void serverDropsAPeerThatNeverAnswersItsClose() {
    server = recorder("server");
    srv = startServer(server, WsConfig.defaults().withCloseTimeout(SHORT));
    RawSocket raw = raw(srv.port());
    raw.upgradeOk("/");
    Session<?> s = server.awaitOpen();
    s.close(4006, "please answer");
    RawSocket.Frame f = raw.readFrame(RawSocket.CLOSE);
    assertThat(f.closeCode()).isEqualTo(4006);
    // no answer: the server gives up after the close timeout
    CloseStatus st = server.awaitClose(s);
    assertThat(st.code()).isEqualTo(4006);
    assertThat(st.remote()).isFalse();
    assertThat(st.cause()).isInstanceOf(TimeoutException.class);
    raw.awaitEof();
    server.assertOrder(s, Kind.OPEN, Kind.CLOSE);
  }

  @Test
  void clientDropsAServerThatNeverAnswersItsClose() {
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null);
      conn.readFrame(RawSocket.CLOSE);
      conn.drainUntilEof(); // never answers
    });
    client = recorder("client");
    Loopwire cli = startClient();
    session = await(cli.connect(rs.uri("/"), ClientOptions.defaults().withWs(
        WsConfig.defaults().withCloseTimeout(SHORT)), client));
    session.close(4007, "hello?");
    CloseStatus st = client.awaitClose(session);
    assertThat(st.code()).isEqualTo(4007);
    assertThat(st.remote()).isFalse();
    assertThat(st.cause()).isInstanceOf(TimeoutException.class);
    assertThat(rs.errors()).isEmpty();
  }

  @Test
  void clientDropsTcpWhenServerAnswersCloseButKeepsTheConnection() {
    CopyOnWriteArrayList<Boolean> eof = new CopyOnWriteArrayList<>();
    RawServer rs = rawServer((conn, i) -> {
      conn.acceptUpgrade(null);
      RawSocket.Frame f = conn.readFrame(RawSocket.CLOSE);
      conn.sendClose(f.closeCode(), "ok");
      conn.drainUntilEof(); // leaves TCP open: the client must drop it itself
      eof.add(true);
    });
    client = recorder("client");
    session = await(startClient().connect(rs.uri("/"), ClientOptions.defaults().withWs(
        WsConfig.defaults().withCloseTimeout(SHORT)), client));
    session.close(1000, "");
    CloseStatus st = client.awaitClose(session);
    assertThat(st.code()).isEqualTo(1000);
    assertThat(st.cause()).isNull();
    awaitTrue("the client dropped TCP after the close timeout", () -> !eof.isEmpty());
  }
}
