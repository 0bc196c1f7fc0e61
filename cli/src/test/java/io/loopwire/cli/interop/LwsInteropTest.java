package io.loopwire.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.CloseStatus;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Stats;
import io.loopwire.cli.TestDemoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * libwebsockets 4.1 (Debian's test apps, see interop/lws/NOTES.md): their test client against our
 * server, judged by its log; our client against their test server's dumb-increment and mirror protocols.
 */
final class LwsInteropTest {

  /** "I: rx 2 '10'": the dumb-increment client's info line for one received counter. */
  private static final Pattern RX = Pattern.compile(".* I: rx \\d+ '(\\d+)'$");
  private static final Pattern INTERESTING = Pattern.compile(
      ".*( I: rx \\d+ '| LWS_CALLBACK_CLIENT_ESTABLISHED|CLIENT_CONNECTION_ERROR|closing mirror session|"
          + "LWS_CALLBACK_CLOSED| E: ).*");
  private static final int INCREMENTS = 20;

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    cleanup.clear();
  }

  @Test
  void theirTestClientAgainstOurServer() throws Exception {
    Peers.require(Peers.Peer.LWS_TEST_CLIENT);
    Loopwire server = TestDemoServer.start();
    cleanup.add(server);
    // -d 15 adds the info lines that carry the counter values; the client never exits by itself.
    PeerProcess client = PeerProcess.start("lws-test-client", Peers.interopDir(),
        List.of(Peers.LWS_CLIENT, "127.0.0.1", "--port=" + server.port(), "-d", "15"),
        true, line -> INTERESTING.matcher(line).matches()).withStdinGrace(Duration.ZERO);
    cleanup.add(client);

    boolean dumbOpen = false;
    boolean mirrorOpen = false;
    boolean mirrorDone = false;
    List<Long> counters = new ArrayList<>();
    // Bounded: at most 60 s, then the client is killed in tearDown.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(dumbOpen && mirrorOpen && mirrorDone && counters.size() >= INCREMENTS)) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      String line = client.awaitLine(l -> true, left,
          "both connections established, " + INCREMENTS + " counters and a finished mirror session (so far: dumb "
              + dumbOpen + ", mirror " + mirrorOpen + ", mirror done " + mirrorDone + ", counters " + counters + ")");
      assertThat(line).as("lws client log").doesNotContain("CLIENT_CONNECTION_ERROR");
      Matcher rx = RX.matcher(line);
      if (rx.matches()) {
        counters.add(Long.parseLong(rx.group(1)));
      } else if (line.contains("dumb: LWS_CALLBACK_CLIENT_ESTABLISHED")) {
        dumbOpen = true;
      } else if (line.contains("mirror: LWS_CALLBACK_CLIENT_ESTABLISHED")) {
        mirrorOpen = true;
      } else if (line.contains("closing mirror session")) {
        mirrorDone = true; // it sent its whole "lifetime" of messages to our mirror and closes
      }
    }
    for (int i = 1; i < counters.size(); i++) {
      assertThat(counters.get(i)).as("counter %d of %s", i, counters).isEqualTo(counters.get(i - 1) + 1);
    }
    assertThat(counters.get(0)).as("the first counter").isZero();
    // The alias may count under its own name or under "mirror", depending on how serve registers it.
    long in = 0;
    long out = 0;
    for (String name : List.of("lws-mirror-protocol", "mirror")) {
      Stats.ProtocolStats p = server.stats().protocols().get(name);
      if (p != null) {
        in += p.messagesIn();
        out += p.messagesOut();
      }
    }
    assertThat(in).as("mirror messages our server got from the lws client").isPositive();
    assertThat(out).as("mirror messages our server relayed back").isPositive();
  }

  @Test
  void ourClientAgainstTheirDumbIncrement() throws Exception {
    int port = startLwsServer();
    Loopwire lw = clientContext();
    try (RecordingClient c = RecordingClient.connect(lw, "ws://127.0.0.1:" + port + "/", "dumb-increment-protocol")) {
      assertThat(c.session().subprotocol()).isEqualTo("dumb-increment-protocol");
      long previous = -1;
      for (int i = 0; i < 10; i++) {
        long n = Long.parseLong(c.next(RecordingClient.Event.Text.class, "counter " + i).text());
        if (previous >= 0) {
          assertThat(n).as("counter after %d", previous).isEqualTo(previous + 1);
        }
        previous = n;
      }
      assertThat(c.session().sendText("reset\n")).isTrue();
      // Counters already in flight may still arrive; within a bounded number a small one must come.
      boolean reset = false;
      for (int i = 0; i < 40 && !reset; i++) {
        long n = Long.parseLong(c.next(RecordingClient.Event.Text.class, "counter after reset").text());
        reset = n < previous;
        previous = n;
      }
      assertThat(reset).as("the counter restarted after \"reset\\n\"").isTrue();
      c.session().close(1000, "");
      CloseStatus st = c.awaitClose("close 1000");
      assertThat(st.code()).isEqualTo(1000);
      assertThat(st.remote()).isFalse();
      assertThat(st.cause()).as("lws answered our close").isNull();
    }
  }

  @Test
  void ourClientAgainstTheirMirror() throws Exception {
    int port = startLwsServer();
    Loopwire lw = clientContext();
    try (RecordingClient c = RecordingClient.connect(lw, "ws://127.0.0.1:" + port + "/", "lws-mirror-protocol")) {
      assertThat(c.session().subprotocol()).isEqualTo("lws-mirror-protocol");
      // lws relays through a ring buffer and splits a message where the ring wraps (a few KiB into a
      // fresh server), so only a small total of text round-trips unchanged (interop/lws/NOTES.md).
      for (int size : new int[] {1, 125, 126, 1000}) {
        c.echoText(Payloads.text(size));
      }
      c.pings("loopwire-ping", 1);
      c.session().close(4000, "bye");
      CloseStatus st = c.awaitClose("close 4000 \"bye\"");
      assertThat(st.code()).isEqualTo(4000);
      assertThat(st.reason()).isEqualTo("bye");
      assertThat(st.remote()).isFalse();
      assertThat(st.cause()).as("lws answered our close").isNull();
    }
  }

  // ---- plumbing ----

  private Loopwire clientContext() {
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults());
    cleanup.add(lw);
    return lw;
  }

  /** Starts libwebsockets-test-server on a free loopback port and waits until it accepts connections. */
  private int startLwsServer() throws Exception {
    Peers.require(Peers.Peer.LWS_TEST_SERVER);
    AssertionError last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort(); // freed again just below; another process could take it, so retry
      }
      PeerProcess server = PeerProcess.start("lws-test-server", Peers.interopDir(),
          List.of(Peers.LWS_SERVER, "--port=" + port, "--interface=lo"), true, l -> false)
          .withStdinGrace(Duration.ZERO);
      cleanup.add(server);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (server.isAlive() && System.nanoTime() < deadline) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
          return port;
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      last = new AssertionError("libwebsockets-test-server did not accept on 127.0.0.1:" + port + "\n"
          + server.describe());
      server.close();
    }
    throw last;
  }
}
