package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.testing.TestPki;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** wss and https through the api on the nio loop: our client, the JDK's HttpClient and SSLSocket. */
@Timeout(120)
class TlsTest {

  private static final TestPki CA = TestPki.create("api test CA");
  private static final TestPki.Issued LOCALHOST = CA.server("localhost", "127.0.0.1");
  private static final long WAIT = 20;

  @TempDir
  Path dir;

  private final List<Loopwire> contexts = new ArrayList<>();

  @AfterEach
  void close() {
    for (Loopwire lw : contexts) {
      lw.close();
    }
  }

  /** Echoes text; answers plain HTTP with the vhost's name. */
  private static final class Echo implements WsHandler<Void> {
    final BlockingQueue<HandshakeRequest> handshakes = new LinkedBlockingQueue<>();

    @Override
    public HandshakeDecision onHandshake(HandshakeRequest request) {
      handshakes.add(request);
      return HandshakeDecision.accept();
    }

    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      session.sendText(text);
    }
  }

  private Loopwire server(VhostConfig... vhosts) {
    LoopwireConfig c = LoopwireConfig.defaults().withThreads(1);
    for (VhostConfig v : vhosts) {
      c = c.withVhost(v);
    }
    Loopwire lw = Loopwire.start(c);
    contexts.add(lw);
    return lw;
  }

  private Loopwire client() {
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1));
    contexts.add(lw);
    return lw;
  }

  private VhostConfig tlsVhost(String name, int port, TlsServerConfig tls, Echo echo) {
    return VhostConfig.of(name, port).withProtocol(WsProtocol.of("echo", echo))
        .withHttp((req, from) -> HttpResponse.text(200, "vhost " + name + " over " + req.target()))
        .withTls(tls);
  }

  /** A client that records its messages and its one connect failure. */
  private static final class Client implements WsHandler<Void> {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    final AtomicInteger failures = new AtomicInteger();

    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      texts.add(text);
    }

    @Override
    public void onClose(Session<Void> session, CloseStatus status) {
      closed.complete(status);
    }

    @Override
    public void onConnectFailed(ConnectException cause) {
      failures.incrementAndGet();
    }
  }

  private Path caFile() throws Exception {
    return CA.writeCaPem(dir.resolve("ca.pem"));
  }

  @Test
  void wssEchoWithPemFilesAndATrustedCaFile() throws Exception {
    Path[] files = LOCALHOST.write(dir, "server");
    Echo echo = new Echo();
    Loopwire server = server(tlsVhost("default", 0, TlsServerConfig.fromPem(files[0], files[1]), echo));
    ClientOptions options = ClientOptions.defaults().withTls(TlsClientConfig.trustingCaPem(caFile()));
    for (String host : List.of("localhost", "127.0.0.1")) {
      Client c = new Client();
      Session<Void> s = client().connect("wss://" + host + ":" + server.port() + "/chat", options, c)
          .get(WAIT, TimeUnit.SECONDS);
      assertThat(s.sendText("hello over " + host)).isTrue();
      assertThat(c.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("hello over " + host);
      s.close(1000, "done");
      assertThat(c.closed.get(WAIT, TimeUnit.SECONDS).code()).isEqualTo(1000);
      HandshakeRequest hr = echo.handshakes.poll(WAIT, TimeUnit.SECONDS);
      assertThat(hr.tlsSession()).as("the server side sees the TLS session").isNotNull();
      assertThat(hr.tlsSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void httpsWithTheJdkHttpClientAndAPkcs12Identity() throws Exception {
    Path p12 = LOCALHOST.writePkcs12(dir.resolve("server.p12"), "secret".toCharArray());
    Loopwire server = server(tlsVhost("web", 0, TlsServerConfig.fromPkcs12(p12, "secret".toCharArray()), new Echo()));
    HttpClient http = HttpClient.newBuilder().sslContext(CA.trustingContext()).version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(WAIT)).build();
    var res = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/page"))
        .timeout(Duration.ofSeconds(WAIT)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("vhost web over /page");
    assertThat(res.version()).as("ALPN offered h2 and http/1.1; we speak http/1.1").isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  private ConnectException failure(Loopwire server, String host, TlsClientConfig tls, Client c) throws Exception {
    CompletableFuture<Session<Void>> f = client().connect("wss://" + host + ":" + server.port() + "/",
        ClientOptions.defaults().withTls(tls), c);
    try {
      f.get(WAIT, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ConnectException.class);
      ConnectException ce = (ConnectException) e.getCause();
      assertThat(c.failures.get()).as("onConnectFailed exactly once").isEqualTo(1);
      return ce;
    }
    throw new AssertionError("connected to " + host + " although it should not have");
  }

  @Test
  void aCertificateForAnotherHostNameIsRefused() throws Exception {
    Loopwire server = server(tlsVhost("v", 0, TlsServerConfig.of(identity(CA.server("wrong.example"))), new Echo()));
    ConnectException e = failure(server, "localhost", TlsClientConfig.trustingCaPem(caFile()), new Client());
    assertThat(e.step()).isEqualTo(ConnectException.Step.TLS);
    assertThat(e.getMessage()).startsWith("TLS: ")
        .contains("the certificate presented by localhost is not valid for that host name");
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    Loopwire server = server(tlsVhost("v", 0, TlsServerConfig.of(identity(CA.expiredServer("localhost"))), new Echo()));
    ConnectException e = failure(server, "localhost", TlsClientConfig.trustingCaPem(caFile()), new Client());
    assertThat(e.step()).isEqualTo(ConnectException.Step.TLS);
    assertThat(e.getMessage()).contains("the certificate of localhost has expired");
  }

  @Test
  void aCertificateFromAnUnknownCaIsRefusedAlsoByTheJdksDefaultTrust() throws Exception {
    TestPki stranger = TestPki.create("stranger CA");
    Loopwire server = server(tlsVhost("v", 0, TlsServerConfig.of(identity(stranger.server("localhost"))), new Echo()));
    for (TlsClientConfig tls : List.of(TlsClientConfig.trustingCaPem(caFile()), TlsClientConfig.defaults())) {
      ConnectException e = failure(server, "localhost", tls, new Client());
      assertThat(e.step()).isEqualTo(ConnectException.Step.TLS);
      assertThat(e.getMessage()).contains("is not signed by a trusted CA (unknown CA)")
          .contains("TlsClientConfig.trustingCaPem");
    }
  }

  @Test
  void theInsecureModeConnectsAnyway() throws Exception {
    TestPki stranger = TestPki.create("stranger CA");
    Loopwire server = server(tlsVhost("v", 0, TlsServerConfig.of(identity(stranger.expiredServer("wrong.example"))),
        new Echo()));
    Client c = new Client();
    Session<Void> s = client().connect("wss://localhost:" + server.port() + "/",
        ClientOptions.defaults().withTls(TlsClientConfig.insecureTrustAllCertificatesForTesting()), c)
        .get(WAIT, TimeUnit.SECONDS);
    s.sendText("unsafe");
    assertThat(c.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("unsafe");
    assertThat(TlsClientConfig.insecureTrustAllCertificatesForTesting().isInsecure()).isTrue();
    assertThat(TlsClientConfig.defaults().isInsecure()).isFalse();
  }

  @Test
  void clientCertificatesNeedAndWant() throws Exception {
    TestPki clients = TestPki.create("client CA");
    Echo echo = new Echo();
    TlsServerConfig need = TlsServerConfig.of(identity(LOCALHOST))
        .withClientAuth(TlsServerConfig.ClientAuth.NEED, TlsTrust.of(clients.caCert()));
    Loopwire server = server(tlsVhost("need", 0, need, echo));
    TlsClientConfig base = TlsClientConfig.trustingCaPem(caFile());

    ConnectException refused = failure(server, "localhost", base, new Client());
    assertThat(refused.step()).isEqualTo(ConnectException.Step.TLS);
    assertThat(refused.getMessage()).contains("the TLS session failed before the upgrade: Received fatal alert");

    Client c = new Client();
    Session<Void> s = client().connect("wss://localhost:" + server.port() + "/",
        ClientOptions.defaults().withTls(base.withIdentity(identity(clients.client("alice")))), c)
        .get(WAIT, TimeUnit.SECONDS);
    s.sendText("it's me");
    assertThat(c.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("it's me");
    HandshakeRequest hr = echo.handshakes.poll(WAIT, TimeUnit.SECONDS);
    assertThat(hr.tlsSession().getPeerPrincipal().getName()).contains("CN=alice");

    Echo wantEcho = new Echo();
    Loopwire want = server(tlsVhost("want", 0, TlsServerConfig.of(identity(LOCALHOST))
        .withClientAuth(TlsServerConfig.ClientAuth.WANT, TlsTrust.of(clients.caCert())), wantEcho));
    client().connect("wss://localhost:" + want.port() + "/", ClientOptions.defaults().withTls(base), new Client())
        .get(WAIT, TimeUnit.SECONDS);
    HandshakeRequest anonymous = wantEcho.handshakes.poll(WAIT, TimeUnit.SECONDS);
    assertThatThrownBy(() -> anonymous.tlsSession().getPeerCertificates())
        .isInstanceOf(javax.net.ssl.SSLPeerUnverifiedException.class);
  }

  @Test
  void sniPicksTheVhostOnASharedPortAndAMismatchedHostIs421() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    server(tlsVhost("alpha", port, TlsServerConfig.of(identity(CA.server("a.test"))), new Echo()).withServerNames("a.test"),
        tlsVhost("beta", port, TlsServerConfig.of(identity(CA.server("b.test"))), new Echo()).withServerNames("b.test"));
    assertThat(get(port, "b.test", "b.test")).contains("CN=b.test").endsWith("vhost beta over /");
    assertThat(get(port, "a.test", "a.test")).contains("CN=a.test").endsWith("vhost alpha over /");
    assertThat(get(port, "a.test", "b.test")).contains("HTTP/1.1 421 Misdirected Request")
        .contains("Host b.test is vhost beta, but this TLS connection was made for a.test");
  }

  /** GET / over an SSLSocket with {@code sni}, sending Host {@code host}: the peer's CN, then the response. */
  private static String get(int port, String sni, String host) throws Exception {
    try (SSLSocket s = (SSLSocket) CA.trustingContext().getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sni)));
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      return leaf.getSubjectX500Principal().getName() + "\n" + response.strip();
    }
  }

  @Test
  void aPlainClientOnATlsPortGetsA400() throws Exception {
    Loopwire server = server(tlsVhost("v", 0, TlsServerConfig.of(identity(LOCALHOST)), new Echo()));
    CompletableFuture<Session<Void>> f = client().connect("ws://127.0.0.1:" + server.port() + "/", new Client());
    assertThatThrownBy(() -> f.get(WAIT, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class)
        .cause().hasMessageContaining("400");
  }

  @Test
  void aPortIsAllTlsOrAllPlain() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    VhostConfig plain = VhostConfig.of("plain", port).withProtocol(WsProtocol.of("echo", new Echo()));
    VhostConfig secure = tlsVhost("secure", port, TlsServerConfig.of(identity(LOCALHOST)), new Echo())
        .withServerNames("x.test");
    assertThatThrownBy(() -> server(plain, secure)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("vhosts plain and secure share").hasMessageContaining("only secure has TLS");
  }

  @Test
  void badKeyMaterialFailsAtConfigurationTimeWithTheFileNamed() throws Exception {
    Path[] files = LOCALHOST.write(dir, "server");
    Path[] other = CA.server("other").write(dir, "other");
    assertThatThrownBy(() -> TlsIdentity.fromPem(files[0], other[1])).isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not belong to the certificate").hasMessageContaining("server.pem");
    assertThatThrownBy(() -> TlsIdentity.fromPem(dir.resolve("missing.pem"), files[1]))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing.pem does not exist");
    assertThatThrownBy(() -> TlsIdentity.fromPem(files[0], files[0])).isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds no '-----BEGIN PRIVATE KEY-----' block");
    Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TlsIdentity.fromPem(files[0], pkcs1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("openssl pkcs8 -topk8");
    Path p12 = LOCALHOST.writePkcs12(dir.resolve("s.p12"), "right".toCharArray());
    assertThatThrownBy(() -> TlsIdentity.fromPkcs12(p12, "wrong".toCharArray())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("wrong password");
    assertThatThrownBy(() -> TlsTrust.fromPem(files[1])).isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds no '-----BEGIN CERTIFICATE-----' block");
    assertThat(TlsIdentity.fromPem(files[0], files[1]).chain()).hasSize(2);
  }

  @Test
  void configDefaultsArePinned() {
    TlsClientConfig c = TlsClientConfig.defaults();
    assertThat(c.trust()).isSameAs(TlsTrust.system());
    assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.protocols()).isEmpty();
    assertThat(ClientOptions.defaults().tls()).isEqualTo(c);
    TlsServerConfig s = TlsServerConfig.of(identity(LOCALHOST));
    assertThat(s.clientAuth()).isEqualTo(TlsServerConfig.ClientAuth.NONE);
    assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(VhostConfig.of("v", 0).tls()).isNull();
    assertThatThrownBy(() -> TlsServerConfig.borrowing(CA.trustingContext()).withClientAuth(
        TlsServerConfig.ClientAuth.NEED, TlsTrust.system())).isInstanceOf(ConfigException.class);
  }

  private static TlsIdentity identity(TestPki.Issued i) {
    return TlsIdentity.of(i.key(), i.chain());
  }
}
