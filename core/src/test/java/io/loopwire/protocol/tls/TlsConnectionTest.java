package io.loopwire.protocol.tls;

import static io.loopwire.protocol.tls.TlsPair.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.LocalProtocolException;
import io.loopwire.testing.TestPki;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLProtocolException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TlsConnection against itself and the JDK's engines, in memory: no sockets, no threads. */
class TlsConnectionTest {

  private static final TestPki CA = TestPki.create("tls-connection-test CA");
  private static final TestPki.Issued LOCALHOST = CA.server("localhost");

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void handshakeThenDataBothWays(String protocol) throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA, protocol);
    p.run();
    assertThat(p.client.failure).isNull();
    assertThat(p.server.failure).isNull();
    for (TlsPair.Side s : List.of(p.client, p.server)) {
      assertThat(s.events).as(s.name).hasSize(1);
      TlsEvent.HandshakeDone done = (TlsEvent.HandshakeDone) s.events.get(0);
      assertThat(done.protocol()).isEqualTo(protocol);
      assertThat(s.conn.state()).isEqualTo(TlsState.OPEN);
      assertThat(s.conn.isHandshakeDone()).isTrue();
      assertThat(s.tasksRun).as("%s ran delegated tasks (the NEED_TASK path)", s.name).isPositive();
    }

    p.client.conn.send(text("hello, "));
    p.client.conn.send(text("server"));
    p.run();
    assertThat(p.server.receivedText()).isEqualTo("hello, server");
    assertThat(p.server.records).as("two sends coalesced into one record").isEqualTo(1);

    byte[] big = new byte[1 << 20];
    new Random(7).nextBytes(big);
    p.server.conn.send(ByteBuffer.wrap(big));
    assertThat(p.server.conn.pendingOutputBytes()).isEqualTo(big.length);
    p.run();
    assertThat(Arrays.equals(p.client.received.toByteArray(), big)).as("1 MiB arrived intact (got %d bytes)",
        p.client.received.size()).isTrue();
    assertThat(p.client.records).as("one event per record of up to 16 KiB").isBetween(64, 65);
    assertThat(p.server.conn.pendingOutputBytes()).isZero();
  }

  @Test
  void alpnPicksHttp11FromTheClientsOffer() throws Exception {
    SSLEngine c = TlsPair.clientEngine(CA.trustingContext(), "localhost");
    SSLParameters cp = c.getSSLParameters();
    cp.setApplicationProtocols(new String[] {"h2", "http/1.1"});
    c.setSSLParameters(cp);
    SSLEngine s = TlsPair.serverEngine(LOCALHOST.context());
    SSLParameters sp = s.getSSLParameters();
    sp.setApplicationProtocols(new String[] {"http/1.1"});
    s.setSSLParameters(sp);
    TlsPair p = new TlsPair(c, s);
    p.run();
    assertThat(((TlsEvent.HandshakeDone) p.client.events.get(0)).applicationProtocol()).isEqualTo("http/1.1");
    assertThat(((TlsEvent.HandshakeDone) p.server.events.get(0)).applicationProtocol()).isEqualTo("http/1.1");
  }

  @Property(tries = 12)
  void anySplitOfTheCiphertextGivesTheSameData(@ForAll @IntRange(min = 1, max = 700) int maxChunk,
      @ForAll @IntRange(min = 0, max = 1000) int seed) throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA);
    Random r = new Random(seed);
    p.chunk = n -> 1 + r.nextInt(maxChunk);
    p.run();
    byte[] data = new byte[40_000];
    r.nextBytes(data);
    p.client.conn.send(ByteBuffer.wrap(data, 0, 100));
    p.client.conn.send(ByteBuffer.wrap(data, 100, data.length - 100));
    p.run();
    assertThat(p.server.failure).isNull();
    assertThat(Arrays.equals(p.server.received.toByteArray(), data)).as("40000 bytes intact (got %d)",
        p.server.received.size()).isTrue();
  }

  @Test
  void closeNotifyBothWaysWithHalfCloseUnderTls13() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA, "TLSv1.3");
    p.run();
    p.client.conn.send(text("last words"));
    p.client.conn.sendCloseNotify();
    assertThat(p.client.conn.state()).isEqualTo(TlsState.CLOSE_SENT);
    assertThatThrownBy(() -> p.client.conn.send(text("more"))).isInstanceOf(LocalProtocolException.class)
        .hasMessageContaining("close_notify");
    p.run();
    assertThat(p.server.receivedText()).as("data before close_notify arrives first").isEqualTo("last words");
    assertThat(p.server.events.get(p.server.events.size() - 1)).isInstanceOf(TlsEvent.CloseNotifyReceived.class);
    assertThat(p.server.conn.closeNotifyReceived()).isTrue();
    assertThat(p.server.conn.state()).isEqualTo(TlsState.CLOSE_RECEIVED);

    p.server.conn.send(text("still talking"));
    p.run();
    assertThat(p.client.receivedText()).as("TLS 1.3 half-close: the server may still send").isEqualTo("still talking");
    p.server.conn.sendCloseNotify();
    p.run();
    assertThat(p.client.eventsOf(TlsEvent.CloseNotifyReceived.class)).hasSize(1);
    assertThat(p.client.conn.state()).isEqualTo(TlsState.CLOSED);
    assertThat(p.server.conn.state()).isEqualTo(TlsState.CLOSED);

    p.client.conn.receiveEof();
    p.client.eofFed = true;
    p.run();
    assertThat(p.client.events).endsWith(TlsEvent.Signal.END_OF_INPUT);
  }

  @Test
  void closeNotifyUnderTls12IsAnsweredByTheEngine() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA, "TLSv1.2");
    p.run();
    p.client.conn.sendCloseNotify();
    p.run();
    assertThat(p.server.eventsOf(TlsEvent.CloseNotifyReceived.class)).hasSize(1);
    assertThat(p.client.eventsOf(TlsEvent.CloseNotifyReceived.class)).as("the server's reply").hasSize(1);
    assertThat(p.client.conn.state()).isEqualTo(TlsState.CLOSED);
    assertThat(p.server.conn.state()).isEqualTo(TlsState.CLOSED);
    assertThatThrownBy(() -> p.server.conn.send(text("x"))).isInstanceOf(LocalProtocolException.class);
  }

  @Test
  void bytesAfterCloseNotifyAreDiscarded() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA, "TLSv1.3");
    p.run();
    p.client.conn.sendCloseNotify();
    p.run();
    p.server.conn.receive(ByteBuffer.wrap(new byte[100_000]));
    assertThat(p.server.conn.bufferedInputBytes()).isZero();
  }

  @Test
  void eofWithoutCloseNotifyEndsTheInputButSaysItWasNotClean() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA);
    p.run();
    p.client.conn.send(text("cut"));
    p.run();
    p.server.conn.receiveEof();
    p.server.eofFed = true;
    p.run();
    assertThat(p.server.receivedText()).isEqualTo("cut");
    assertThat(p.server.events).endsWith(TlsEvent.Signal.END_OF_INPUT);
    assertThat(p.server.conn.closeNotifyReceived()).isFalse();
    assertThat(p.server.failure).isNull();
  }

  @Test
  void eofDuringTheHandshakeFailsIt() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA);
    p.step(p.client, p.server); // the ClientHello only
    p.server.conn.receiveEof();
    p.server.eofFed = true;
    p.run();
    assertThat(p.server.failure).isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("during the TLS handshake");
    assertThat(p.server.conn.state()).isEqualTo(TlsState.FAILED);
    assertThatThrownBy(p.server.conn::nextEvent).isInstanceOf(IllegalStateException.class).hasMessageContaining("FAILED");
  }

  @Test
  void anUntrustedServerFailsTheClientAndTheAlertReachesTheServer() throws Exception {
    TestPki other = TestPki.create("someone else's CA");
    TlsPair p = TlsPair.of(other.server("localhost"), CA);
    p.run();
    assertThat(p.client.failure).isInstanceOf(SSLHandshakeException.class);
    assertThat(p.client.conn.state()).isEqualTo(TlsState.FAILED);
    assertThat(p.server.failure).as("the client's alert was drained and sent").isNotNull();
    assertThat(p.server.failure.getMessage()).contains("alert");
  }

  @Test
  void peerInitiatedRenegotiationIsRefusedByTheServer() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA, "TLSv1.2");
    p.run();
    p.client.engine.beginHandshake(); // the client asks for a new handshake: a ClientHello in the session
    p.run();
    assertThat(p.server.failure).isInstanceOf(SSLProtocolException.class);
    assertThat(p.server.failure.getMessage()).contains("renegotiation is refused").contains("TLSv1.2");
    assertThat(p.server.conn.state()).isEqualTo(TlsState.FAILED);
  }

  @Test
  void serverRequestedRenegotiationIsRefusedByTheClient() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA, "TLSv1.2");
    p.run();
    p.server.engine.beginHandshake(); // a HelloRequest
    p.run();
    assertThat(p.client.failure).isInstanceOf(SSLProtocolException.class);
    assertThat(p.client.failure.getMessage()).contains("renegotiation is refused");
  }

  @Test
  void aTls13KeyUpdateIsNotRenegotiation() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA, "TLSv1.3");
    p.run();
    p.client.engine.beginHandshake(); // TLS 1.3: a KeyUpdate
    p.client.conn.send(text("after the key update"));
    p.run();
    assertThat(p.server.failure).isNull();
    assertThat(p.client.failure).isNull();
    assertThat(p.server.receivedText()).isEqualTo("after the key update");
    p.server.conn.send(text("me too"));
    p.run();
    assertThat(p.client.receivedText()).isEqualTo("me too");
  }

  @Test
  void bufferedInputIsBounded() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA);
    p.run();
    TlsConnection server = p.server.conn;
    server.receive(ByteBuffer.wrap(new byte[200_000])); // not read: nextEvent is never called
    assertThatThrownBy(() -> server.receive(ByteBuffer.wrap(new byte[100_000])))
        .isInstanceOf(SSLProtocolException.class)
        .hasMessageContaining("maxBufferedInputBytes 262144 exceeded (observed 300000)");
    assertThat(server.state()).isEqualTo(TlsState.FAILED);
  }

  @Test
  void receiveWhileATaskIsPendingOnlyBuffers() throws Exception {
    TlsPair p = TlsPair.of(LOCALHOST, CA);
    List<ByteBuffer> hello = new ArrayList<>();
    p.client.conn.nextEvent();
    p.client.conn.drainTo(hello::add);
    for (ByteBuffer b : hello) {
      p.server.conn.receive(b);
    }
    assertThat(p.server.conn.nextEvent()).isEqualTo(TlsEvent.Signal.NEED_TASK);
    p.server.conn.receive(ByteBuffer.wrap(new byte[] {22, 3, 3})); // the engine is not touched
    assertThat(p.server.conn.bufferedInputBytes()).isEqualTo(3);
    assertThat(p.server.conn.nextEvent()).as("still waiting for its tasks").isEqualTo(TlsEvent.Signal.NEED_TASK);
  }

  @Test
  void limitsRejectUnusableValues() {
    assertThat(TlsLimits.defaults().maxBufferedInputBytes()).isEqualTo(256 * 1024);
    assertThat(TlsLimits.defaults().maxClientHelloBytes()).isEqualTo(16 * 1024);
    assertThatThrownBy(() -> TlsLimits.defaults().withMaxBufferedInputBytes(16 * 1024))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16384");
    assertThatThrownBy(() -> TlsLimits.defaults().withMaxClientHelloBytes(100)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyEventTypeIsKnown() {
    assertThat(Arrays.stream(TlsEvent.class.getPermittedSubclasses()).map(Class::getSimpleName))
        .containsExactlyInAnyOrder("HandshakeDone", "Data", "CloseNotifyReceived", "Signal");
  }
}
