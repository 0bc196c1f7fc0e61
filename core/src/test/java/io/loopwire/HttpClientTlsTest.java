package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * https with Loopwire's own {@link HttpClient} against a TLS vhost of ours (a test CA): directly and
 * through a CONNECT proxy, plus a wss client through the same proxy (TCP, then the tunnel, then TLS, then
 * the WebSocket handshake).
 */
@Timeout(120)
class HttpClientTlsTest {

  private static final TestPki CA = TestPki.create("http client test CA");
  private static final TestPki.Issued LOCALHOST = CA.server("localhost", "127.0.0.1");
  private static final long WAIT = 20;

  @TempDir
  Path dir;

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private static final byte[] BIG = new byte[300_000];

  static {
    for (int i = 0; i < BIG.length; i++) {
      BIG[i] = (byte) (i * 31);
    }
  }

  /** Echoes WebSocket text; serves /big (300 kB, several TLS records) and answers anything else with its target. */
  private Loopwire tlsServer() throws Exception {
    Path[] files = LOCALHOST.write(dir, "server");
    WsHandler<Void> echo = new WsHandler<>() {
      @Override
      public Void onOpen(Session<Void> session) {
        return null;
      }

      @Override
      public void onText(Session<Void> session, String text) {
        session.sendText(text);
      }
    };
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1).withVhost(VhostConfig.of("web", 0)
        .withProtocol(WsProtocol.of("echo", echo))
        .withMount(Mount.handler("/big", ex -> ex.respond(HttpResponse.of(200, "application/octet-stream", BIG))))
        .withHttp((req, from) -> HttpResponse.text(200, "over tls: " + req.method() + " " + req.target()))
        .withTls(TlsServerConfig.fromPem(files[0], files[1]))));
    cleanup.add(lw);
    return lw;
  }

  private Loopwire clientContext() {
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1));
    cleanup.add(lw);
    return lw;
  }

  private TlsClientConfig trustingTestCa() throws Exception {
    return TlsClientConfig.trustingCaPem(CA.writeCaPem(dir.resolve("ca.pem")));
  }

  @Test
  void httpsGetAndPostAgainstOurTlsVhostTrustingTheTestCaOverOneKeptAliveConnection() throws Exception {
    Loopwire server = tlsServer();
    HttpClient http = HttpClient.create(clientContext(), HttpClientConfig.defaults().withTls(trustingTestCa()));
    String base = "https://localhost:" + server.port();

    HttpClientResponse page = http.send(HttpClientRequest.get(base + "/page?x=1")).get(WAIT, TimeUnit.SECONDS);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.bodyText()).isEqualTo("over tls: GET /page?x=1");

    HttpClientResponse big = http.send(HttpClientRequest.get(base + "/big")).get(WAIT, TimeUnit.SECONDS);
    assertThat(big.status()).isEqualTo(200);
    assertThat(Arrays.equals(big.body(), BIG)).as("300 kB over TLS, byte for byte").isTrue();

    HttpClientResponse post = http.send(HttpClientRequest.post(base + "/form", "text/plain",
        "a=1".getBytes(StandardCharsets.UTF_8))).get(WAIT, TimeUnit.SECONDS);
    assertThat(post.bodyText()).isEqualTo("over tls: POST /form");

    HttpClientResponse byIp = http.send(HttpClientRequest.get("https://127.0.0.1:" + server.port() + "/ip"))
        .get(WAIT, TimeUnit.SECONDS);
    assertThat(byIp.bodyText()).as("an IP address the certificate lists").isEqualTo("over tls: GET /ip");

    HttpClient.Stats stats = http.stats();
    assertThat(stats.connectionsOpened()).as("one per origin (localhost, 127.0.0.1): kept alive").isEqualTo(2);
    assertThat(stats.succeeded()).isEqualTo(4);
    assertThat(stats.duplicateCompletions()).isZero();
  }

  @Test
  void anUntrustedCertificateFailsTheRequestWithTlsAndSaysWhy() throws Exception {
    Loopwire server = tlsServer();
    HttpClient http = HttpClient.create(clientContext()); // the JDK's CAs: ours is not among them
    HttpClientException e = failure(http.send(HttpClientRequest.get("https://localhost:" + server.port() + "/")));
    assertThat(e.kind()).isEqualTo(HttpClientException.Kind.TLS);
    assertThat(e.getMessage()).contains("localhost").contains("trusted CA");

    HttpClient plain = HttpClient.create(clientContext(), HttpClientConfig.defaults().withTls(trustingTestCa()));
    HttpClientResponse wrongScheme = plain.send(HttpClientRequest.get("http://localhost:" + server.port() + "/"))
        .get(WAIT, TimeUnit.SECONDS);
    assertThat(wrongScheme.status()).as("plain HTTP to a TLS port").isEqualTo(400);
    assertThat(wrongScheme.bodyText()).contains("https://");
  }

  @Test
  void httpsAndWssThroughAConnectProxyOpenTheTunnelFirstThenTls() throws Exception {
    Loopwire server = tlsServer();
    ConnectProxy proxy = new ConnectProxy();
    cleanup.add(proxy);
    TlsClientConfig trust = trustingTestCa();
    HttpProxy via = HttpProxy.of("127.0.0.1", proxy.port());
    Loopwire client = clientContext();

    HttpClient http = HttpClient.create(client, HttpClientConfig.defaults().withTls(trust).withProxy(via));
    String base = "https://localhost:" + server.port();
    assertThat(http.send(HttpClientRequest.get(base + "/one")).get(WAIT, TimeUnit.SECONDS).bodyText())
        .isEqualTo("over tls: GET /one");
    assertThat(http.send(HttpClientRequest.get(base + "/two")).get(WAIT, TimeUnit.SECONDS).bodyText())
        .isEqualTo("over tls: GET /two");
    assertThat(proxy.connects).as("one tunnel, kept alive").containsExactly("CONNECT localhost:" + server.port());

    BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    Session<Void> s = client.connect("wss://localhost:" + server.port() + "/",
        ClientOptions.defaults().withTls(trust).withProxy(via), new WsHandler<Void>() {
          @Override
          public Void onOpen(Session<Void> session) {
            return null;
          }

          @Override
          public void onText(Session<Void> session, String text) {
            texts.add(text);
          }
        }).get(WAIT, TimeUnit.SECONDS);
    s.sendText("through the tunnel, encrypted");
    assertThat(texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("through the tunnel, encrypted");
    assertThat(proxy.connects).hasSize(2).last().isEqualTo("CONNECT localhost:" + server.port());
    s.close();
  }

  private static HttpClientException failure(CompletableFuture<HttpClientResponse> f) throws Exception {
    try {
      HttpClientResponse r = f.get(WAIT, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + r.status());
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(HttpClientException.class);
      return (HttpClientException) e.getCause();
    }
  }

  /** A minimal CONNECT-only proxy on blocking sockets: answers 200 and copies bytes both ways. */
  private static final class ConnectProxy implements AutoCloseable {
    final List<String> connects = new CopyOnWriteArrayList<>();
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ConnectProxy() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "test-connect-proxy");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    private void acceptLoop() {
      while (!listener.isClosed()) {
        try {
          Socket in = listener.accept();
          sockets.add(in);
          Thread t = new Thread(() -> serve(in), "test-connect-proxy-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket in) {
      try {
        String head = readHead(in.getInputStream());
        String first = head.substring(0, head.indexOf("\r\n"));
        String[] parts = first.split(" ");
        connects.add(parts[0] + " " + parts[1]);
        String[] hostPort = parts[1].split(":");
        Socket out = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        sockets.add(out);
        in.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Thread back = new Thread(() -> copy(out, in), "test-connect-proxy-back");
        back.setDaemon(true);
        back.start();
        copy(in, out);
      } catch (IOException | RuntimeException e) {
        closeQuietly(in);
      }
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && b.size() < 8192) {
        b.write(c);
        String s = b.toString(StandardCharsets.ISO_8859_1);
        if (s.endsWith("\r\n\r\n")) {
          return s;
        }
      }
      throw new IOException("no complete CONNECT head");
    }

    private static void copy(Socket from, Socket to) {
      byte[] buf = new byte[16384];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(from);
        closeQuietly(to);
      }
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // already gone
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        closeQuietly(s);
      }
    }
  }
}
