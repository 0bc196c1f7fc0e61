package io.loopwire.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.loop.Listener;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.Loops;
import io.loopwire.loop.Transport;
import io.loopwire.protocol.tls.TlsLimits;
import io.loopwire.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TlsTransport on the nio loop over loopback: our client and server, and the JDK's SSLSocket as a peer. */
@Timeout(120)
class TlsTransportTest {

  private static final TestPki CA = TestPki.create("tls-transport-test CA");
  private static final TestPki.Issued SERVER = CA.server("localhost", "127.0.0.1");
  private static final Duration HANDSHAKE = Duration.ofSeconds(10);
  private static final long WAIT = 20;
  private static final AtomicInteger LOOPS = new AtomicInteger();

  private Loop loop;
  private ExecutorService tasks;
  private final Set<String> taskThreads = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tasksRun = new AtomicInteger();
  private final List<AppRecorder> recorders = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeEach
  void start() {
    // One loop thread: whatever blocks it would stall every connection in these tests.
    loop = Loops.create("nio", LoopOptions.defaults().withThreads(1)
        .withThreadNamePrefix("tls-test-loop-" + LOOPS.incrementAndGet() + "-"));
    AtomicInteger n = new AtomicInteger();
    tasks = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "tls-test-task-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    loop.shutdown().get(WAIT, TimeUnit.SECONDS);
    tasks.shutdownNow();
    for (AppRecorder r : recorders) {
      assertThat(r.problems).as("callback rule violations").isEmpty();
    }
  }

  /** Runs each task batch on the pool, recording the thread. */
  private final Executor counting = r -> tasks.execute(() -> {
    taskThreads.add(Thread.currentThread().getName());
    tasksRun.incrementAndGet();
    r.run();
  });

  private static TlsTransport.ServerEngines engines(SSLContext ctx) {
    return name -> {
      SSLEngine e = ctx.createSSLEngine();
      e.setUseClientMode(false);
      SSLParameters p = e.getSSLParameters();
      p.setApplicationProtocols(new String[] {"http/1.1"});
      e.setSSLParameters(p);
      return e;
    };
  }

  private static SSLEngine clientEngine(SSLContext ctx, String host) {
    SSLEngine e = ctx.createSSLEngine(host, 443);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    e.setSSLParameters(p);
    return e;
  }

  private AppRecorder track(AppRecorder r) {
    recorders.add(r);
    return r;
  }

  private int listen(TlsTransport.ServerEngines engines, Duration handshakeTimeout, Executor exec,
      Supplier<AppRecorder> apps) throws Exception {
    Listener l = loop.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ListenOptions.defaults(),
        raw -> TlsTransport.server(raw, engines, exec, handshakeTimeout, TlsLimits.defaults(), t -> track(apps.get())))
        .get(WAIT, TimeUnit.SECONDS);
    return l.localAddress().getPort();
  }

  private AppRecorder connect(int port, SSLEngine engine, Executor exec, AppRecorder app) {
    track(app);
    loop.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), loop.next(),
        TlsTransport.client(engine, exec, HANDSHAKE, TlsLimits.defaults(), "localhost", app), HANDSHAKE);
    return app;
  }

  private static AppRecorder echo() {
    AppRecorder r = new AppRecorder();
    r.onReadHook = (t, data) -> {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining());
      copy.put(data.duplicate()).flip();
      t.write(copy);
      t.flush();
    };
    return r;
  }

  private static void onLoop(Transport t, Runnable r) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    t.thread().execute(() -> {
      try {
        r.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    done.get(WAIT, TimeUnit.SECONDS);
  }

  private static void awaitBytes(AppRecorder r, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
    while (r.receivedCount() < n) {
      assertThat(System.nanoTime()).as("%d of %d bytes arrived", r.receivedCount(), n).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void echoesAMegabyteOverTlsOnTheNioLoop() throws Exception {
    List<AppRecorder> servers = new CopyOnWriteArrayList<>();
    int port = listen(engines(SERVER.context()), HANDSHAKE, counting, () -> {
      AppRecorder e = echo();
      servers.add(e);
      return e;
    });
    byte[] data = new byte[1 << 20];
    new Random(1).nextBytes(data);
    AppRecorder client = connect(port, clientEngine(CA.trustingContext(), "localhost"), counting, new AppRecorder());
    Transport t = client.opened.get(WAIT, TimeUnit.SECONDS);
    onLoop(t, () -> {
      assertThat(((TlsTransport) t).session().getProtocol()).isEqualTo("TLSv1.3");
      t.write(ByteBuffer.wrap(data.clone()));
      t.flush();
    });
    awaitBytes(client, data.length);
    assertThat(Arrays.equals(client.received(), data)).as("the echo is intact").isTrue();
    onLoop(t, t::close);
    assertThat(client.closed.get(WAIT, TimeUnit.SECONDS)).as("an orderly close").isNull();
    AppRecorder server = servers.get(0);
    server.eof.get(WAIT, TimeUnit.SECONDS); // our close_notify, then the server's handler closed too
    assertThat(server.closed.get(WAIT, TimeUnit.SECONDS)).isNull();
    assertThat(client.closes.get()).isEqualTo(1);
    assertThat(server.closes.get()).isEqualTo(1);
    assertThat(tasksRun.get()).as("delegated tasks ran on the executor").isPositive();
    assertThat(taskThreads).allMatch(n -> n.startsWith("tls-test-task-"));
  }

  @Test
  void delegatedTasksNeverBlockTheLoopThread() throws Exception {
    // The gate holds every delegated task until released: a handshake waits, the loop does not.
    CountDownLatch gate = new CountDownLatch(1);
    Executor gated = r -> tasks.execute(() -> {
      try {
        gate.await(WAIT, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      tasksRun.incrementAndGet();
      r.run();
    });
    int tlsPort = listen(engines(SERVER.context()), HANDSHAKE, gated, TlsTransportTest::echo);
    AppRecorder tlsClient = connect(tlsPort, clientEngine(CA.trustingContext(), "localhost"), gated, new AppRecorder());

    // A plain TCP echo on the same (single) loop thread keeps working while the TLS tasks are held.
    Listener plain = loop.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ListenOptions.defaults(),
        raw -> new PlainEcho()).get(WAIT, TimeUnit.SECONDS);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), plain.localAddress().getPort())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
      s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
    }
    assertThat(tlsClient.opened).as("the TLS handshake waits for its tasks").isNotDone();
    assertThat(tasksRun.get()).isZero();

    gate.countDown();
    Transport t = tlsClient.opened.get(WAIT, TimeUnit.SECONDS);
    assertThat(tasksRun.get()).isPositive();
    onLoop(t, () -> {
      t.write(ByteBuffer.wrap("after the tasks".getBytes(StandardCharsets.US_ASCII)));
      t.flush();
    });
    awaitBytes(tlsClient, 15);
    assertThat(new String(tlsClient.received(), StandardCharsets.US_ASCII)).isEqualTo("after the tasks");
  }

  /** Echoes on a plain transport. */
  private static final class PlainEcho implements io.loopwire.loop.TransportHandler {
    private Transport t;

    @Override
    public void onOpen(Transport transport) {
      t = transport;
    }

    @Override
    public void onRead(ByteBuffer data) {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining());
      copy.put(data).flip();
      t.write(copy);
      t.flush();
    }

    @Override
    public void onReadEof() {
      t.close();
    }

    @Override
    public void onWriteDrained() {}

    @Override
    public void onClosed(Throwable cause) {}
  }

  @Test
  void stalledAndDroppedHandshakesDoNotStallTheLoopAndTimeOut() throws Exception {
    List<AppRecorder> servers = new CopyOnWriteArrayList<>();
    int port = listen(engines(SERVER.context()), Duration.ofMillis(500), counting, () -> {
      AppRecorder e = echo();
      servers.add(e);
      return e;
    });
    byte[] hello = firstFlight();
    try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port);
        Socket half = new Socket(InetAddress.getLoopbackAddress(), port)) {
      // one peer says nothing; one sends half a ClientHello and stops; one sends half and drops
      half.getOutputStream().write(hello, 0, hello.length / 2);
      try (Socket dropper = new Socket(InetAddress.getLoopbackAddress(), port)) {
        dropper.getOutputStream().write(hello, 0, hello.length / 2);
      }
      AppRecorder client = connect(port, clientEngine(CA.trustingContext(), "localhost"), counting, new AppRecorder());
      Transport t = client.opened.get(WAIT, TimeUnit.SECONDS);
      onLoop(t, () -> {
        t.write(ByteBuffer.wrap("still served".getBytes(StandardCharsets.US_ASCII)));
        t.flush();
      });
      awaitBytes(client, 12);
      // the handshake timeout ends both stalled connections: their reads end (EOF or reset)
      for (Socket s : List.of(silent, half)) {
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
        int r;
        try {
          r = s.getInputStream().read();
        } catch (java.net.SocketException e) {
          r = -1; // reset: the server aborted it
        }
        assertThat(r).as("the server closed the stalled connection").isEqualTo(-1);
      }
    }
    assertThat(servers).as("only the connection that completed its handshake reached the handler above")
        .hasSize(4) // silent, half, dropper, client
        .filteredOn(r -> r.opens.get() == 1).hasSize(1);
  }

  /** A JDK client's first flight (its ClientHello), for peers that stop half way. */
  private static byte[] firstFlight() throws Exception {
    io.loopwire.protocol.tls.TlsConnection c = new io.loopwire.protocol.tls.TlsConnection(
        clientEngine(CA.trustingContext(), "localhost"), TlsLimits.defaults());
    c.nextEvent();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.drainTo(b -> {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      out.write(a, 0, a.length);
    });
    return out.toByteArray();
  }

  @Test
  void anUntrustedServerIsOneOnConnectFailedWithAClearMessage() throws Exception {
    TestPki other = TestPki.create("unknown CA");
    int port = listen(engines(other.server("localhost").context()), HANDSHAKE, counting, TlsTransportTest::echo);
    AppRecorder client = connect(port, clientEngine(CA.trustingContext(), "localhost"), counting, new AppRecorder());
    Throwable cause = client.connectFailed.get(WAIT, TimeUnit.SECONDS);
    assertThat(cause).isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("not signed by a trusted CA (unknown CA)");
    Thread.sleep(100); // nothing else may follow
    assertThat(client.opens.get()).isZero();
    assertThat(client.closes.get()).isZero();
    assertThat(client.failures.get()).isEqualTo(1);
  }

  @Test
  void aServerThatNeverAnswersTimesTheClientOut() throws Exception {
    try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AppRecorder client = track(new AppRecorder());
      loop.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), mute.getLocalPort()), loop.next(),
          TlsTransport.client(clientEngine(CA.trustingContext(), "localhost"), counting, Duration.ofMillis(300),
              TlsLimits.defaults(), "localhost", client), HANDSHAKE);
      assertThat(client.connectFailed.get(WAIT, TimeUnit.SECONDS)).isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("no TLS handshake with localhost within 300 ms");
    }
  }

  @Test
  void closeSendsCloseNotifyAfterTheDataAndThePeersCloseNotifyIsReadEof() throws Exception {
    List<AppRecorder> servers = new CopyOnWriteArrayList<>();
    int port = listen(engines(SERVER.context()), HANDSHAKE, counting, () -> {
      AppRecorder r = new AppRecorder();
      // on the client's close_notify, answer and close: data, then our close_notify
      r.onEofHook = t -> {
        t.write(ByteBuffer.wrap("eof seen".getBytes(StandardCharsets.US_ASCII)));
        t.close();
      };
      servers.add(r);
      return r;
    });
    try (SSLSocket s = jdkClient(port, null)) {
      s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.shutdownOutput(); // TLS 1.3 half-close: a close_notify, the socket stays open for reading
      InputStream in = s.getInputStream();
      assertThat(new String(in.readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("eof seen");
      assertThat(in.read()).as("our close_notify: a clean end of stream for the JDK").isEqualTo(-1);
    }
    AppRecorder server = servers.get(0);
    assertThat(server.closed.get(WAIT, TimeUnit.SECONDS)).isNull();
    assertThat(new String(server.received(), StandardCharsets.US_ASCII)).isEqualTo("hi");
  }

  @Test
  void sniChoosesTheEngineAndPlainHttpGetsAReadableAnswer() throws Exception {
    TestPki.Issued a = CA.server("a.test");
    TestPki.Issued b = CA.server("b.test");
    List<String> asked = new CopyOnWriteArrayList<>();
    TlsTransport.ServerEngines byName = name -> {
      asked.add(String.valueOf(name));
      return engines(("b.test".equals(name) ? b : a).context()).engineFor(name);
    };
    int port = listen(byName, HANDSHAKE, counting, TlsTransportTest::echo);
    try (SSLSocket s = jdkClient(port, "b.test")) {
      s.startHandshake();
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=b.test");
      assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
    }
    try (SSLSocket s = jdkClient(port, "a.test")) {
      s.startHandshake();
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=a.test");
    }
    assertThat(asked).containsExactly("b.test", "a.test");

    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
      plain.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
      OutputStream out = plain.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(plain.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("use https:// or wss://");
    }
  }

  /** A JDK SSLSocket client trusting the test CA, verifying {@code sni} (or localhost) and sending it as SNI. */
  private SSLSocket jdkClient(int port, String sni) throws Exception {
    SSLSocket s = (SSLSocket) CA.trustingContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(sni == null ? "localhost" : sni)));
    p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setApplicationProtocols(new String[] {"http/1.1"});
    s.setSSLParameters(p);
    return s;
  }

  @Test
  void pausedReadingPausesTheSocketAndResumingDeliversEverything() throws Exception {
    List<AppRecorder> servers = new CopyOnWriteArrayList<>();
    int port = listen(engines(SERVER.context()), HANDSHAKE, counting, () -> {
      AppRecorder r = new AppRecorder();
      r.onOpenHook = t -> t.setReadInterest(false);
      servers.add(r);
      return r;
    });
    byte[] data = new byte[32 << 20]; // more than loopback socket buffers hold, even autotuned
    new Random(3).nextBytes(data);
    AppRecorder client = connect(port, clientEngine(CA.trustingContext(), "localhost"), counting, new AppRecorder());
    Transport t = client.opened.get(WAIT, TimeUnit.SECONDS);
    onLoop(t, () -> {
      t.write(ByteBuffer.wrap(data));
      t.flush();
    });
    // With the server paused, its socket fills and our queue stops draining: no drain callback, no reads.
    Thread.sleep(300);
    long[] pending = new long[1];
    onLoop(t, () -> pending[0] = t.pendingWriteBytes());
    assertThat(pending[0]).as("bytes still queued at the client while the server reads nothing").isPositive();
    AppRecorder server = servers.get(0);
    assertThat(server.reads.get()).isZero();
    assertThat(client.drains.get()).isZero();

    Transport st = server.transport;
    onLoop(st, () -> st.setReadInterest(true));
    awaitBytes(server, data.length);
    assertThat(Arrays.equals(server.received(), data)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
    while (client.drains.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(client.drains.get()).as("onWriteDrained once the queue is gone").isEqualTo(1);
  }

  @Test
  void aTls12ClientThatRenegotiatesIsDropped() throws Exception {
    List<AppRecorder> servers = new CopyOnWriteArrayList<>();
    int port = listen(engines(SERVER.context()), HANDSHAKE, counting, () -> {
      AppRecorder e = echo();
      servers.add(e);
      return e;
    });
    try (SSLSocket s = jdkClient(port, null)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.getOutputStream().write('a');
      assertThat(s.getInputStream().read()).isEqualTo('a');
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
      int r;
      try {
        s.startHandshake(); // a second handshake on a TLS 1.2 session: renegotiation
        s.getOutputStream().write('b');
        r = s.getInputStream().read();
      } catch (java.io.IOException e) {
        r = -1;
      }
      assertThat(r).as("no echo after the renegotiation attempt").isEqualTo(-1);
    }
    AppRecorder server = servers.get(0);
    assertThat(server.closed.get(WAIT, TimeUnit.SECONDS)).isInstanceOf(javax.net.ssl.SSLProtocolException.class)
        .hasMessageContaining("renegotiation is refused");
    assertThat(new String(server.received(), StandardCharsets.US_ASCII)).isEqualTo("a");
  }

  @Test
  void aHandlerThatThrowsAbortsAndHearsOnClosedOnceWithTheException() throws Exception {
    List<AppRecorder> servers = new CopyOnWriteArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");
    int port = listen(engines(SERVER.context()), HANDSHAKE, counting, () -> {
      AppRecorder r = new AppRecorder();
      r.onReadHook = (t, b) -> {
        throw boom;
      };
      servers.add(r);
      return r;
    });
    AppRecorder client = connect(port, clientEngine(CA.trustingContext(), "localhost"), counting, new AppRecorder());
    Transport t = client.opened.get(WAIT, TimeUnit.SECONDS);
    onLoop(t, () -> {
      t.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      t.flush();
    });
    AppRecorder server = servers.get(0);
    assertThat(server.closed.get(WAIT, TimeUnit.SECONDS)).isSameAs(boom);
    client.closed.get(WAIT, TimeUnit.SECONDS); // the abort reached the client
    Thread.sleep(100);
    assertThat(server.closes.get()).isEqualTo(1);
    assertThat(server.reads.get()).isEqualTo(1);
  }
}
