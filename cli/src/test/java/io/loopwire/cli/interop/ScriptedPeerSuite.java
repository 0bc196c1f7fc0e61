package io.loopwire.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.ClientOptions;
import io.loopwire.CloseStatus;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.TlsClientConfig;
import io.loopwire.cli.TestDemoServer;
import java.nio.file.Path;
import io.loopwire.WsConfig;
import io.loopwire.protocol.deflate.DeflateOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both directions against a peer that ships a scripted client and an echo server in interop/ (see
 * interop/README.md): the peer's client against Loopwire's in-process server, and Loopwire's client
 * against the peer's echo server. Each subclass names the peer and its two commands.
 */
abstract class ScriptedPeerSuite {

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START = Duration.ofSeconds(20);

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final CommandEcho commandEcho = new CommandEcho();
  private Loopwire server;
  private Loopwire clientContext;

  /** The peer these tests need. */
  abstract Peers.Peer peer();

  /** The peer's scripted client: {@code URL SCRIPT --protocol P --timeout S}, run in interop/. */
  abstract List<String> clientCommand(String url, String script, String protocol, int timeoutSeconds);

  /** The peer's echo server on port 0, run in interop/. */
  abstract List<String> serverCommand();

  /** Whether both directions run over TLS (wss://) with a test CA; see {@link #tlsCa()}. */
  boolean tls() {
    return false;
  }

  @TempDir
  Path tlsDir;
  private Path ca;

  @BeforeEach
  final void requirePeer() throws Exception {
    Peers.require(peer());
    if (tls()) {
      ca = TestDemoServer.certificates(tlsDir);
    }
  }

  /** The test CA's certificate (TLS suites): the peer's client trusts it with {@code --ca}. */
  final Path tlsCa() {
    return ca;
  }

  /** The server certificate chain (127.0.0.1, localhost) for the peer's server: {@code --tls-cert}. */
  final Path tlsCert() {
    return tlsDir.resolve("server.pem");
  }

  /** Its key: {@code --tls-key}. */
  final Path tlsKey() {
    return tlsDir.resolve("server-key.pem");
  }

  private String scheme() {
    return tls() ? "wss" : "ws";
  }

  private RecordingClient connectToPeer(String url, String... subprotocols) throws Exception {
    return RecordingClient.connect(clientContext(), url, withTrust(ClientOptions.defaults()), subprotocols);
  }

  private ClientOptions withTrust(ClientOptions options) {
    return tls() ? options.withTls(TlsClientConfig.trustingCaPem(ca)) : options;
  }

  @AfterEach
  final void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    cleanup.clear();
  }

  // ---- the peer's client against our server ----

  @Test
  void peerClientEchoesEverySizeAgainstOurServer() throws Exception {
    List<String> steps = new ArrayList<>();
    for (int size : Payloads.SIZES) {
      steps.add(Script.text(size));
      steps.add(Script.binary(size));
    }
    steps.add(Script.ping("loopwire-ping", 1));
    steps.add(Script.close(1000, "")); // the reason echo is a separate test
    List<String> out = runPeerClient(Script.of(steps), "echo");
    assertThat(out.get(0)).as("connect line: the server chose the offered subprotocol")
        .contains("\"ok\":true").contains("\"protocol\":\"echo\"");
  }

  @Test
  void peerClientGetsAPongForEachOfTenPingsInARow() throws Exception {
    runPeerClient(Script.of(List.of(Script.ping("burst", 10), Script.close(1000, ""))), "echo");
  }

  @Test
  void peerClientClosesWithCodeAndReasonAndOurServerEchoesBoth() throws Exception {
    runPeerClient(Script.of(List.of(Script.text(126), Script.close(4000, "bye"))), CommandEcho.NAME);
    CloseStatus atServer = commandEcho.closes.poll(10, TimeUnit.SECONDS);
    assertThat(atServer).as("our server's onClose").isNotNull();
    assertThat(atServer.code()).isEqualTo(4000);
    assertThat(atServer.reason()).isEqualTo("bye");
    assertThat(atServer.remote()).as("the peer started the close").isTrue();
    assertThat(atServer.cause()).as("a clean close handshake").isNull();
  }

  @Test
  void ourServerClosesWithCodeAndReasonAndPeerClientSeesBoth() throws Exception {
    runPeerClient(Script.of(List.of(Script.text(125), Script.serverClose(4001, "server bye"))), CommandEcho.NAME);
    CloseStatus atServer = commandEcho.closes.poll(10, TimeUnit.SECONDS);
    assertThat(atServer).as("our server's onClose").isNotNull();
    assertThat(atServer.code()).isEqualTo(4001);
    assertThat(atServer.remote()).as("our server started the close").isFalse();
    assertThat(atServer.cause()).as("the peer answered the close (no timeout, no reset)").isNull();
  }

  @Test
  void peerClientWithDeflateEchoesEverySizeAgainstOurServer() throws Exception {
    List<String> steps = new ArrayList<>();
    for (int size : Payloads.SIZES) {
      steps.add(Script.text(size));
      steps.add(Script.binary(size));
    }
    for (int i = 0; i < 3; i++) {
      steps.add(Script.text(2000)); // repeats: the shared window (context takeover) at work both ways
    }
    steps.add(Script.ping("loopwire-ping", 1));
    steps.add(Script.close(4000, "bye"));
    deflateServer = DeflateOptions.defaults().withMinCompressBytes(0);
    List<String> out = runPeerClient(Script.of(steps), "echo", "--deflate");
    assertThat(out.get(0)).as("connect line: permessage-deflate negotiated with our server")
        .contains("\"ok\":true").contains("permessage-deflate");
  }

  @Test
  void peerClientWithDeflateAndSmallWindowsAgainstOurServer() throws Exception {
    // our server compresses with a 512-byte window (full-flush chunks) and asks the peer for the same,
    // without context takeover either way: the peer's zlib inflates with exactly that window
    deflateServer = DeflateOptions.defaults().withMinCompressBytes(0).withServerMaxWindowBits(9)
        .withClientMaxWindowBits(9).withServerNoContextTakeover(true).withClientNoContextTakeover(true);
    List<String> steps = new ArrayList<>();
    for (int size : List.of(0, 125, 4096, 65_536, 1 << 20)) {
      steps.add(Script.text(size));
      steps.add(Script.binary(size));
    }
    steps.add(Script.close(1000, ""));
    List<String> out = runPeerClient(Script.of(steps), "echo", "--deflate");
    assertThat(out.get(0)).as("connect line").contains("server_max_window_bits=9")
        .contains("server_no_context_takeover").contains("client_no_context_takeover");
  }

  // ---- our client against the peer's server ----

  @Test
  void ourClientWithDeflateEchoesEverySizeAgainstPeerServer() throws Exception {
    ClientOptions options = withTrust(ClientOptions.defaults()).withSubprotocols("echo")
        .withWs(WsConfig.defaults().withDeflate(DeflateOptions.defaults().withMinCompressBytes(0)));
    try (RecordingClient c = RecordingClient.connect(clientContext(), peerServerUrl("--deflate"), options)) {
      assertThat(c.session().responseHeaders().get("Sec-WebSocket-Extensions"))
          .as("the peer server accepted our offer").startsWith("permessage-deflate");
      for (int size : Payloads.SIZES) {
        c.echoText(Payloads.text(size));
        c.echoBinary(Payloads.binary(size));
      }
      for (int i = 0; i < 3; i++) {
        c.echoText(Payloads.text(2000));
      }
      c.pings("loopwire-ping", 1);
      c.session().close(4000, "bye");
      CloseStatus st = c.awaitClose("close 4000");
      assertThat(st.code()).isEqualTo(4000);
      assertThat(st.cause()).as("clean close handshake").isNull();
    }
    assertThat(peerServer.awaitLine(l -> l.startsWith("CLOSED "), START, "CLOSED line"))
        .isEqualTo("CLOSED 4000 \"bye\"");
  }

  @Test
  void ourClientEchoesEverySizeAgainstPeerServer() throws Exception {
    try (RecordingClient c = connectToPeer(peerServerUrl(), "echo")) {
      assertThat(c.session().subprotocol()).as("the peer server picks the first offered subprotocol").isEqualTo("echo");
      for (int size : Payloads.SIZES) {
        c.echoText(Payloads.text(size));
        c.echoBinary(Payloads.binary(size));
      }
      c.pings("loopwire-ping", 1);
      c.session().close(1000, "");
      CloseStatus st = c.awaitClose("close 1000");
      assertThat(st.code()).isEqualTo(1000);
      assertThat(st.cause()).as("clean close handshake").isNull();
    }
  }

  @Test
  void ourClientGetsAPongForEachOfTenPingsInARow() throws Exception {
    try (RecordingClient c = connectToPeer(peerServerUrl())) {
      c.pings("burst", 10);
    }
  }

  @Test
  void ourClientClosesWithCodeAndReasonAndPeerServerSeesBoth() throws Exception {
    try (RecordingClient c = connectToPeer(peerServerUrl())) {
      c.echoText(Payloads.text(126));
      c.session().close(4000, "bye");
      CloseStatus st = c.awaitClose("our close 4000 \"bye\"");
      assertThat(st.code()).isEqualTo(4000);
      assertThat(st.reason()).isEqualTo("bye");
      assertThat(st.remote()).as("we started the close").isFalse();
      assertThat(st.cause()).as("the peer answered our close frame").isNull();
    }
    assertThat(peerServer.awaitLine(l -> l.startsWith("CLOSED "), START, "CLOSED line"))
        .as("what the peer server's close event saw").isEqualTo("CLOSED 4000 \"bye\"");
  }

  @Test
  void peerServerClosesWithCodeAndReasonAndOurClientEchoesBoth() throws Exception {
    try (RecordingClient c = connectToPeer(peerServerUrl())) {
      assertThat(c.session().sendText(CommandEcho.CLOSE_COMMAND + "4001 server bye")).isTrue();
      CloseStatus st = c.awaitClose("peer's close 4001 \"server bye\"");
      assertThat(st.code()).isEqualTo(4001);
      assertThat(st.reason()).isEqualTo("server bye");
      assertThat(st.remote()).as("the peer started the close").isTrue();
      assertThat(st.cause()).isNull();
    }
    assertThat(peerServer.awaitLine(l -> l.startsWith("CLOSED "), START, "CLOSED line"))
        .as("the close frame our client echoed, as the peer server saw it").isEqualTo("CLOSED 4001 \"server bye\"");
  }

  // ---- plumbing ----

  private PeerProcess peerServer;

  private String peerServerUrl(String... flags) throws Exception {
    List<String> command = new ArrayList<>(serverCommand());
    command.addAll(List.of(flags));
    peerServer = PeerProcess.start(peer().name().toLowerCase() + "-server", Peers.interopDir(), command);
    cleanup.add(peerServer);
    return scheme() + "://127.0.0.1:" + peerServer.awaitListening(START) + "/";
  }

  private Loopwire clientContext() {
    clientContext = Loopwire.start(LoopwireConfig.defaults());
    cleanup.add(clientContext);
    return clientContext;
  }

  /** permessage-deflate for {@link #server()}, or null for off. */
  private DeflateOptions deflateServer;

  private Loopwire server() {
    io.loopwire.WsProtocol<?> echo = io.loopwire.WsProtocol.of(CommandEcho.NAME, commandEcho);
    WsConfig ws = WsConfig.defaults().withDeflate(deflateServer);
    server = tls() ? TestDemoServer.startTls(TestDemoServer.tlsConfig(tlsDir), ws, echo) : TestDemoServer.start(ws, echo);
    cleanup.add(server);
    return server;
  }

  /** Runs the peer's client with {@code script}; expects exit 0 and RESULT OK; returns the step lines. */
  private List<String> runPeerClient(String script, String protocol, String... flags) throws Exception {
    String url = scheme() + "://127.0.0.1:" + server().port() + "/";
    int timeout = (int) CLIENT_TIMEOUT.toSeconds();
    List<String> command = new ArrayList<>(clientCommand(url, script, protocol, timeout));
    command.addAll(List.of(flags));
    PeerProcess client = PeerProcess.start(peer().name().toLowerCase() + "-client", Peers.interopDir(), command);
    cleanup.add(client);
    String result = client.awaitLine(l -> l.startsWith("RESULT "), CLIENT_TIMEOUT.plusSeconds(30), "RESULT line");
    int exit = client.awaitExit(Duration.ofSeconds(10));
    String report = "\nscript: " + script + "\n" + client.describe();
    assertThat(result).as("peer client verdict%s", report).isEqualTo("RESULT OK");
    assertThat(exit).as("peer client exit code%s", report).isZero();
    return readStepLines(client, report);
  }

  private static List<String> readStepLines(PeerProcess client, String report) {
    List<String> steps = new ArrayList<>();
    for (String line : client.describe().lines().toList()) {
      if (line.startsWith("{\"step\":")) {
        steps.add(line);
      }
    }
    assertThat(steps).as("step lines%s", report).isNotEmpty();
    return steps;
  }

  /** The step JSON of interop/README.md. */
  static final class Script {
    private Script() {}

    static String of(List<String> steps) {
      return "[" + String.join(",", steps) + "]";
    }

    static String text(int size) {
      return "{\"op\":\"text\",\"size\":" + size + "}";
    }

    static String binary(int size) {
      return "{\"op\":\"binary\",\"size\":" + size + "}";
    }

    static String ping(String payload, int count) {
      return "{\"op\":\"ping\",\"payload\":\"" + payload + "\",\"count\":" + count + "}";
    }

    static String close(int code, String reason) {
      return "{\"op\":\"close\",\"code\":" + code + ",\"reason\":\"" + reason + "\"}";
    }

    static String serverClose(int code, String reason) {
      return "{\"op\":\"server-close\",\"code\":" + code + ",\"reason\":\"" + reason + "\"}";
    }
  }
}
