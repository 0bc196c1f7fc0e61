package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Loopwire.adopt: a socket the application accepted itself is served by a vhost; ownership moves at the call. */
class AdoptTest {

  private static final class Echo implements WsHandler<Void> {
    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      session.sendText(text);
    }
  }

  @Test
  void anAdoptedSocketIsServedByItsVhost() throws Exception {
    try (Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
            .withVhost(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("echo", new Echo()))));
        ServerSocketChannel own = ServerSocketChannel.open()) {
      own.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) own.getLocalAddress()).getPort();
      CompletableFuture<String> reply = new CompletableFuture<>();
      CompletableFuture<WebSocket> ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              reply.complete(data.toString());
              return null;
            }
          });
      SocketChannel accepted = own.accept();
      lw.adopt("v", accepted).get(10, TimeUnit.SECONDS);
      WebSocket socket = ws.get(10, TimeUnit.SECONDS);
      socket.sendText("adopted", true);
      assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("adopted");
      socket.abort();
    }
  }

  @Test
  void anUnknownVhostClosesTheChannelAndSaysWhichExist() throws Exception {
    try (Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
            .withVhost(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("echo", new Echo()))));
        ServerSocketChannel own = ServerSocketChannel.open()) {
      own.bind(new InetSocketAddress("127.0.0.1", 0));
      try (SocketChannel client = SocketChannel.open(own.getLocalAddress())) {
        SocketChannel accepted = own.accept();
        assertThatThrownBy(() -> lw.adopt("nope", accepted))
            .isInstanceOf(ConfigException.class).hasMessageContaining("nope").hasMessageContaining("[v]");
        assertThat(accepted.isOpen()).as("the channel is Loopwire's: closed on failure").isFalse();
      }
    }
  }

  @Test
  void aClosedChannelFailsTheFutureAndStaysClosed() throws Exception {
    try (Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1)
            .withVhost(VhostConfig.of("v", 0).withProtocol(WsProtocol.of("echo", new Echo()))))) {
      SocketChannel closed = SocketChannel.open();
      closed.close();
      CompletableFuture<Void> f = lw.adopt("v", closed);
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(Exception.class);
      assertThat(closed.isOpen()).isFalse();
    }
  }
}
