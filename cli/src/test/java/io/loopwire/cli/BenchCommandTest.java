package io.loopwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Session;
import io.loopwire.VhostConfig;
import io.loopwire.WsConfig;
import io.loopwire.WsHandler;
import io.loopwire.WsProtocol;
import io.loopwire.protocol.deflate.DeflateOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code loopwire bench} against an in-process Loopwire echo server: each mode ends by itself and reports
 * a {@code RESULT} line with what it did; bad arguments exit with 2. No timing assertions: only counts.
 */
final class BenchCommandTest {

  private static Loopwire server;
  private static String url;

  @BeforeAll
  static void startServer() {
    server = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
        .withVhost(VhostConfig.of("default", 0).withHost("127.0.0.1")
            .withProtocol(WsProtocol.of("echo", new DemoProtocols.Echo()))));
    url = "ws://127.0.0.1:" + server.port() + "/";
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Runs the CLI, returns the exit code and the RESULT line's pairs (under "exit"). */
  private static Map<String, String> bench(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int code;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "bench";
      System.arraycopy(args, 0, all, 1, args.length);
      code = Main.run(all);
    } finally {
      System.setOut(saved);
    }
    Map<String, String> result = new LinkedHashMap<>();
    result.put("exit", Integer.toString(code));
    for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("RESULT ") || line.startsWith("HOLDING ")) {
        for (String kv : line.substring(line.indexOf(' ') + 1).trim().split(" ")) {
          int eq = kv.indexOf('=');
          result.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    return result;
  }

  @Test
  void echoBinaryCountsRoundTripsWithoutErrors() {
    Map<String, String> r = bench(url, "-c", "3", "-d", "4", "-s", "100", "-w", "0", "-t", "1", "--threads", "1");
    assertThat(r).containsEntry("exit", "0").containsEntry("mode", "echo").containsEntry("opened", "3")
        .containsEntry("type", "binary").containsEntry("errors", "0");
    assertThat(Long.parseLong(r.get("messages"))).isPositive();
    assertThat(Double.parseDouble(r.get("p50_us"))).isPositive();
    assertThat(Double.parseDouble(r.get("max_us"))).isGreaterThanOrEqualTo(Double.parseDouble(r.get("p99_us")));
  }

  @Test
  void echoWithDeflateCompressesOnEveryConnection() {
    try (Loopwire compressing = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
        .withVhost(VhostConfig.of("default", 0).withHost("127.0.0.1")
            .withWs(WsConfig.defaults().withDeflate(DeflateOptions.defaults()))
            .withProtocol(WsProtocol.of("echo", new DemoProtocols.Echo()))))) {
      String deflating = "ws://127.0.0.1:" + compressing.port() + "/";
      Map<String, String> r = bench(deflating, "--deflate", "-c", "2", "-d", "2", "-s", "1000", "-w", "0", "-t", "1");
      assertThat(r).containsEntry("exit", "0").containsEntry("deflate_conns", "2").containsEntry("errors", "0");
      assertThat(Long.parseLong(r.get("messages"))).isPositive();
      assertThat(bench(deflating, "-c", "1", "-w", "0", "-t", "1")).as("not offered without --deflate")
          .containsEntry("deflate_conns", "0");
    }
    assertThat(bench(url, "--deflate", "-c", "1", "-w", "0", "-t", "1")).as("a server that declines")
        .containsEntry("exit", "0").containsEntry("deflate_conns", "0").containsEntry("errors", "0");
  }

  @Test
  void echoTextWithLargeMessages() {
    Map<String, String> r = bench(url, "--text", "-c", "2", "-d", "2", "-s", "70000", "-w", "0", "-t", "1");
    assertThat(r).containsEntry("exit", "0").containsEntry("type", "text").containsEntry("errors", "0");
    assertThat(Long.parseLong(r.get("messages"))).isPositive();
  }

  /** Echoes a binary message only if it carries bench's payload (byte i is i); closes with 1008 if not. */
  private static final class CheckingEcho implements WsHandler<Void> {
    final AtomicLong checked = new AtomicLong();

    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onBinary(Session<Void> session, ByteBuffer data) {
      for (int i = 0; i < data.remaining(); i++) {
        if (data.get(data.position() + i) != (byte) i) {
          session.close(1008, "payload byte " + i + " is wrong: the frame was masked wrongly");
          return;
        }
      }
      checked.incrementAndGet();
      session.sendBinary(DemoProtocols.copy(data));
    }
  }

  /** The server unmasks and checks every payload, so a wrongly built frame ends the run with errors. */
  @Test
  void rawEchoInEveryLengthFormCountsRoundTripsWithoutErrors() {
    CheckingEcho checking = new CheckingEcho();
    try (Loopwire strict = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
        .withVhost(VhostConfig.of("default", 0).withHost("127.0.0.1").withProtocol(WsProtocol.of("echo", checking))))) {
      String strictUrl = "ws://127.0.0.1:" + strict.port() + "/";
      for (String size : new String[] {"0", "100", "1000", "70000"}) {
        Map<String, String> r = bench(strictUrl, "--raw", "-c", "3", "-d", "4", "-s", size, "-w", "0", "-t", "1");
        assertThat(r).as("size %s", size).containsEntry("exit", "0").containsEntry("raw", "1")
            .containsEntry("opened", "3").containsEntry("size", size).containsEntry("errors", "0");
        assertThat(Long.parseLong(r.get("messages"))).as("size %s", size).isPositive();
      }
    }
    assertThat(checking.checked.get()).isPositive();
  }

  @Test
  void rawEchoAgainstAServerThatRefusesTheUpgradeExitsWithOne() {
    try (Loopwire plain = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
        .withVhost(VhostConfig.of("default", 0).withHost("127.0.0.1")))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream saved = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      Map<String, String> r;
      try {
        r = bench("ws://127.0.0.1:" + plain.port() + "/", "--raw", "-c", "2", "-w", "0", "-t", "1");
      } finally {
        System.setErr(saved);
      }
      assertThat(r).containsEntry("exit", "1").doesNotContainKey("mode");
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("handshake failed: the server answered \"HTTP/1.1 ");
    }
  }

  @Test
  void holdKeepsEveryConnectionUp() {
    Map<String, String> r = bench(url, "-m", "hold", "-c", "20", "-t", "1");
    assertThat(r).containsEntry("exit", "0").containsEntry("mode", "hold").containsEntry("opened", "20")
        .containsEntry("stayed", "20").containsEntry("errors", "0");
  }

  @Test
  void rateCountsHandshakes() {
    Map<String, String> r = bench(url, "-m", "rate", "-c", "2", "-w", "0", "-t", "1");
    assertThat(r).containsEntry("exit", "0").containsEntry("mode", "rate").containsEntry("errors", "0");
    assertThat(Long.parseLong(r.get("handshakes"))).isPositive();
  }

  @Test
  void nothingToConnectToExitsWithOne() {
    Loopwire gone = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
        .withVhost(VhostConfig.of("default", 0).withHost("127.0.0.1")));
    int port = gone.port();
    gone.close();
    Map<String, String> r = bench("ws://127.0.0.1:" + port + "/", "-c", "2", "-w", "0", "-t", "1");
    assertThat(r).containsEntry("exit", "1").doesNotContainKey("mode");
  }

  @Test
  void badArgumentsExitWithTwo() {
    assertThat(bench(url, "-c", "0")).containsEntry("exit", "2");
    assertThat(bench(url, "--text", "--binary")).containsEntry("exit", "2");
    assertThat(bench("http://127.0.0.1:1/")).containsEntry("exit", "2");
    assertThat(bench(url, "--raw", "--text")).containsEntry("exit", "2");
    assertThat(bench(url, "--raw", "-m", "hold")).containsEntry("exit", "2");
  }

  @Test
  void echoRunsOnAnotherLoopAndAnUnknownLoopIsNamedInOneLine() {
    Map<String, String> r = bench(url, "--loop", "netty-nio", "-c", "2", "-d", "2", "-w", "0", "-t", "1");
    assertThat(r).containsEntry("exit", "0").containsEntry("opened", "2").containsEntry("errors", "0");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(bench(url, "--loop", "nope", "-t", "1")).containsEntry("exit", "2");
    } finally {
      System.setErr(saved);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("loopwire bench: no loop named \"nope\"").contains("netty-epoll").doesNotContain("\tat ");
  }
}
