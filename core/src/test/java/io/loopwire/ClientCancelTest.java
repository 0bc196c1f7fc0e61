package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancelling a client connect's future drops the connection at once, whichever layer is still opening:
 * a TLS handshake or a proxy's CONNECT tunnel (whose own timeouts here are far longer than the test).
 */
@Timeout(60)
class ClientCancelTest {

  private static final Duration LONG = Duration.ofSeconds(120);
  private static final int WAIT_MS = 20_000;

  private Loopwire client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  /** A client that counts its one connect failure. */
  private static final class Client implements WsHandler<Void> {
    final AtomicInteger failures = new AtomicInteger();

    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onConnectFailed(ConnectException cause) {
      failures.incrementAndGet();
    }
  }

  /** Accepts one connection, reads what comes and never answers; returns once the peer has gone. */
  private static boolean peerGoneAfterCancel(ServerSocket silent, CompletableFuture<Session<Void>> connecting)
      throws IOException {
    try (Socket s = silent.accept()) {
      s.setSoTimeout(WAIT_MS);
      InputStream in = s.getInputStream();
      assertThat(in.read()).as("the client sent its first bytes (ClientHello or CONNECT)").isNotNegative();
      assertThat(connecting.cancel(true)).isTrue();
      byte[] buf = new byte[4096];
      try {
        while (in.read(buf) >= 0) {
          // the rest of what the client sent
        }
        return true;
      } catch (SocketTimeoutException e) {
        return false; // still open WAIT_MS after the cancel
      } catch (SocketException e) {
        return true; // reset
      }
    }
  }

  @Test
  void cancellingDuringTheTlsHandshakeDropsTheConnection() throws Exception {
    client = Loopwire.start(LoopwireConfig.defaults().withThreads(1));
    Client c = new Client();
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Session<Void>> f = client.connect("wss://127.0.0.1:" + silent.getLocalPort() + "/",
          ClientOptions.defaults().withConnectTimeout(LONG)
              .withTls(TlsClientConfig.defaults().withHandshakeTimeout(LONG)), c);
      assertThat(peerGoneAfterCancel(silent, f)).as("the connection closed after the cancel").isTrue();
    }
    assertThat(c.failures.get()).as("onConnectFailed exactly once").isEqualTo(1);
  }

  @Test
  void cancellingWhileTheProxyHasNotAnsweredDropsTheConnection() throws Exception {
    client = Loopwire.start(LoopwireConfig.defaults().withThreads(1));
    Client c = new Client();
    try (ServerSocket silentProxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Session<Void>> f = client.connect("ws://127.0.0.1:9/",
          ClientOptions.defaults().withConnectTimeout(LONG)
              .withProxy(HttpProxy.of("127.0.0.1", silentProxy.getLocalPort())), c);
      assertThat(peerGoneAfterCancel(silentProxy, f)).as("the connection closed after the cancel").isTrue();
    }
    assertThat(c.failures.get()).as("onConnectFailed exactly once").isEqualTo(1);
  }

  /** Occupies the context's resolver pool (one thread runs its queue) until the returned latch opens. */
  private static CountDownLatch blockResolver(Loopwire lw) throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    lw.resolver().execute(() -> {
      running.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(running.await(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();
    return release;
  }

  private static void awaitQueuedLookup(Loopwire lw) throws InterruptedException {
    ThreadPoolExecutor pool = (ThreadPoolExecutor) lw.resolver();
    for (int i = 0; i < WAIT_MS / 10 && pool.getQueue().isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertThat(pool.getQueue()).as("the name lookup waits in the resolver pool").hasSize(1);
  }

  @Test
  void shutdownDuringANameLookupFailsTheAttemptOnceAsCancelled() throws Exception {
    client = Loopwire.start(LoopwireConfig.defaults().withThreads(1));
    Client c = new Client();
    CountDownLatch release = blockResolver(client);
    try {
      CompletableFuture<Session<Void>> f = client.connect("ws://localhost:9/", c);
      awaitQueuedLookup(client);
      client.shutdown().get(WAIT_MS, TimeUnit.MILLISECONDS);
      assertThatThrownBy(() -> f.get(WAIT_MS, TimeUnit.MILLISECONDS)).hasCauseInstanceOf(ConnectException.class)
          .cause().satisfies(e -> assertThat(((ConnectException) e).step()).isEqualTo(ConnectException.Step.CANCELLED));
    } finally {
      release.countDown();
    }
    assertThat(c.failures.get()).as("onConnectFailed exactly once").isEqualTo(1);
  }

  @Test
  void cancellingDuringANameLookupReportsOnceAndIgnoresTheLateAnswer() throws Exception {
    client = Loopwire.start(LoopwireConfig.defaults().withThreads(1));
    Client c = new Client();
    CountDownLatch release = blockResolver(client);
    CompletableFuture<Session<Void>> f;
    try {
      f = client.connect("ws://localhost:9/", c);
      awaitQueuedLookup(client);
      assertThat(f.cancel(true)).isTrue();
      for (int i = 0; i < WAIT_MS / 10 && c.failures.get() == 0; i++) {
        Thread.sleep(10);
      }
      assertThat(c.failures.get()).as("the cancel is reported while the lookup still waits").isEqualTo(1);
    } finally {
      release.countDown();
    }
    // the lookup now completes and hands its answer to the loop; a task queued after that runs after it
    ThreadPoolExecutor pool = (ThreadPoolExecutor) client.resolver();
    for (int i = 0; i < WAIT_MS / 10 && pool.getCompletedTaskCount() < 2; i++) {
      Thread.sleep(10);
    }
    assertThat(pool.getCompletedTaskCount()).isEqualTo(2);
    CompletableFuture<Void> after = new CompletableFuture<>();
    client.loop().next().execute(() -> after.complete(null));
    after.get(WAIT_MS, TimeUnit.MILLISECONDS);
    assertThat(c.failures.get()).as("the late lookup answer starts nothing and reports nothing").isEqualTo(1);
    assertThat(f).isCancelled();
  }
}
