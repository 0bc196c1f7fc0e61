package io.loopwire.bench.peer;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The Java-WebSocket peer for bench/compare.sh: an echo server on any path.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.loopwire.bench.peer.JavaWebSocketEchoServer [--port P]
 *     [--decoders N]</pre>
 *
 * Prints {@code LISTENING <port>} once bound to 127.0.0.1; runs until killed. Java-WebSocket serves no
 * plain HTTP, so it has no part in the HTTP scenario.
 */
public final class JavaWebSocketEchoServer extends WebSocketServer {

  private final CountDownLatch started = new CountDownLatch(1);

  private JavaWebSocketEchoServer(InetSocketAddress address, int decoders) {
    super(address, decoders);
    setTcpNoDelay(true);
    setReuseAddr(true);
    setConnectionLostTimeout(0); // no pings: the peers are compared on echo work only
  }

  public static void main(String[] args) throws Exception {
    int port = 0;
    int decoders = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--decoders" -> decoders = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: [--port P] [--decoders N]");
      }
    }
    JavaWebSocketEchoServer server = new JavaWebSocketEchoServer(new InetSocketAddress("127.0.0.1", port), decoders);
    server.start();
    server.started.await();
    System.out.println("LISTENING " + server.getPort());
    System.out.flush();
    Thread.currentThread().join();
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {}

  @Override
  public void onMessage(WebSocket conn, String message) {
    conn.send(message);
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    conn.send(message);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      ex.printStackTrace();
      System.exit(1);
    }
  }
}
