package io.loopwire.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking server on 127.0.0.1 (an ephemeral port) that runs a {@link Script} for each accepted
 * connection on its own thread: the misbehaving server a client test needs (accepts and never answers,
 * answers 101 with a wrong accept key, never answers pings, resets).
 *
 * <p>Thread: the scripts run on daemon threads named {@code raw-server-*}; {@link #close()} closes the
 * listening socket and every accepted one, which ends the scripts. Failures inside a script are kept in
 * {@link #errors()} (an {@link java.io.UncheckedIOException} after close is expected and ignored).
 */
public final class RawServer implements AutoCloseable {

  /** What to do with one accepted connection. */
  @FunctionalInterface
  public interface Script {
    /**
     * Runs on the connection's own thread.
     *
     * @param conn the connection, in the server role
     * @param index 0 for the first connection accepted, 1 for the second, ...
     */
    void run(RawSocket conn, int index) throws Exception;
  }

  private final ServerSocket server;
  private final Script script;
  private final List<RawSocket> conns = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean closed;

  private RawServer(Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    this.script = script;
    this.acceptor = new Thread(this::acceptLoop, "raw-server-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a server that runs {@code script} for each connection. */
  public static RawServer start(Script script) {
    try {
      return new RawServer(script);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a raw server", e);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      int index = accepted.getAndIncrement();
      RawSocket conn = RawSocket.accepted(s);
      conns.add(conn);
      Thread t = new Thread(() -> {
        try {
          script.run(conn, index);
        } catch (Throwable e) {
          if (!closed) {
            errors.add(e);
          }
        }
      }, "raw-server-conn-" + index);
      t.setDaemon(true);
      t.start();
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code ws://127.0.0.1:port} + {@code path}. */
  public String uri(String path) {
    return "ws://127.0.0.1:" + port() + path;
  }

  /** How many connections were accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** The accepted connections, in order. */
  public List<RawSocket> connections() {
    return List.copyOf(conns);
  }

  /** Failures thrown by scripts before {@link #close()}. */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  /** Stops listening (later connects are refused) but leaves accepted connections alone. */
  public void stopListening() {
    RawSocket.closeQuietly(server);
  }

  @Override
  public void close() {
    closed = true;
    RawSocket.closeQuietly(server);
    for (RawSocket c : conns) {
      c.close();
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
