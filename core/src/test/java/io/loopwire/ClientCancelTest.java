package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
}
