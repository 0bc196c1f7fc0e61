package io.loopwire.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small blocking HTTP proxy for tests, written independently of Loopwire's codecs: it tunnels
 * {@code CONNECT host:port} (or refuses it with a chosen status), and forwards one absolute-form request
 * per connection ({@code GET http://host:port/path}) to its origin with {@code Connection: close}, relaying
 * the answer until the origin closes. It records every request head it saw.
 *
 * <p>Thread: one daemon thread per connection (and two per tunnel); {@link #close()} ends them.
 */
public final class TestProxy implements AutoCloseable {

  private final ServerSocket server;
  private final List<RawSocket.Head> heads = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile int refuseConnectWith;
  private volatile boolean closed;

  private TestProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(this::acceptLoop, "test-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  /** Starts a proxy on 127.0.0.1 and an ephemeral port. */
  public static TestProxy start() {
    try {
      return new TestProxy();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Answers every CONNECT with {@code status} (for example 407) instead of opening the tunnel. */
  public TestProxy refuseConnect(int status) {
    this.refuseConnectWith = status;
    return this;
  }

  /** The request heads the proxy received, in order. */
  public List<RawSocket.Head> heads() {
    return List.copyOf(heads);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(s);
      daemon("test-proxy-conn", () -> serve(s));
    }
  }

  private void serve(Socket s) {
    RawSocket client = RawSocket.accepted(s);
    try {
      RawSocket.Head head = client.readHead();
      heads.add(head);
      String[] line = head.startLine().split(" ");
      if (line[0].equals("CONNECT")) {
        if (refuseConnectWith != 0) {
          client.write("HTTP/1.1 " + refuseConnectWith + " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
          client.close();
          return;
        }
        String[] hp = line[1].split(":");
        Socket origin = new Socket(hp[0], Integer.parseInt(hp[1]));
        sockets.add(origin);
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        relay(s, origin);
        return;
      }
      URI target = URI.create(line[1]);
      Socket origin = new Socket(target.getHost(), target.getPort() < 0 ? 80 : target.getPort());
      sockets.add(origin);
      StringBuilder out = new StringBuilder(line[0]).append(' ').append(target.getRawPath())
          .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(' ').append(line[2])
          .append("\r\n");
      int length = 0;
      for (String[] f : head.fields()) {
        if (f[0].equalsIgnoreCase("Connection") || f[0].equalsIgnoreCase("Proxy-Authorization")) {
          continue;
        }
        if (f[0].equalsIgnoreCase("Content-Length")) {
          length = Integer.parseInt(f[1]);
        }
        out.append(f[0]).append(": ").append(f[1]).append("\r\n");
      }
      out.append("Connection: close\r\n\r\n");
      OutputStream o = origin.getOutputStream();
      o.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
      o.write(client.readBytes(length));
      o.flush();
      origin.getInputStream().transferTo(s.getOutputStream());
      s.close();
      origin.close();
    } catch (IOException | RuntimeException e) {
      RawSocket.closeQuietly(s);
    }
  }

  private void relay(Socket a, Socket b) {
    daemon("test-proxy-up", () -> copy(a, b));
    copy(b, a);
  }

  private static void copy(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      RawSocket.closeQuietly(from);
      RawSocket.closeQuietly(to);
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    RawSocket.closeQuietly(server);
    for (Socket s : sockets) {
      RawSocket.closeQuietly(s);
    }
  }
}
