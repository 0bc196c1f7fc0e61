package io.loopwire.protocol.tls;

import io.loopwire.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A client and a server {@link TlsConnection} wired back to back in memory (h11's helpers): the test
 * moves the bytes, in chunks it chooses, and runs delegated tasks inline.
 */
final class TlsPair {

  /** One side and everything it saw. */
  static final class Side {
    final String name;
    final SSLEngine engine;
    final TlsConnection conn;
    final List<Object> events = new ArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    int tasksRun;
    int records;
    boolean eofFed;
    SSLException failure;

    Side(String name, SSLEngine engine, TlsLimits limits) throws SSLException {
      this.name = name;
      this.engine = engine;
      this.conn = new TlsConnection(engine, limits);
    }

    String receivedText() {
      return received.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    <T> List<T> eventsOf(Class<T> type) {
      List<T> out = new ArrayList<>();
      for (Object e : events) {
        if (type.isInstance(e)) {
          out.add((T) e);
        }
      }
      return out;
    }
  }

  final Side client;
  final Side server;
  /** Chunk size for the next piece of ciphertext, given what is left of a buffer. */
  IntUnaryOperator chunk = n -> n;

  TlsPair(SSLEngine clientEngine, SSLEngine serverEngine) throws SSLException {
    this.client = new Side("client", clientEngine, TlsLimits.defaults());
    this.server = new Side("server", serverEngine, TlsLimits.defaults());
  }

  /** A pair: a server presenting {@code serverCert}, a client trusting {@code trusted} and verifying "localhost". */
  static TlsPair of(TestPki.Issued serverCert, TestPki trusted, String... protocols) throws SSLException {
    return new TlsPair(clientEngine(trusted.trustingContext(), "localhost", protocols),
        serverEngine(serverCert.context(), protocols));
  }

  static SSLEngine clientEngine(SSLContext ctx, String host, String... protocols) {
    SSLEngine e = ctx.createSSLEngine(host, 443);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (protocols.length > 0) {
      p.setProtocols(protocols);
    }
    e.setSSLParameters(p);
    return e;
  }

  static SSLEngine serverEngine(SSLContext ctx, String... protocols) {
    SSLEngine e = ctx.createSSLEngine();
    e.setUseClientMode(false);
    if (protocols.length > 0) {
      SSLParameters p = e.getSSLParameters();
      p.setProtocols(protocols);
      e.setSSLParameters(p);
    }
    return e;
  }

  /** Moves bytes both ways until neither side makes progress. */
  void run() {
    for (int round = 0; round < 10_000; round++) {
      boolean progress = step(client, server);
      progress |= step(server, client);
      if (!progress) {
        return;
      }
    }
    throw new AssertionError("the pair never settled");
  }

  /** Lets {@code from} process what it has, then hands its output to {@code to}, piece by piece. */
  boolean step(Side from, Side to) {
    boolean progress = process(from);
    List<ByteBuffer> out = new ArrayList<>();
    try {
      from.conn.drainTo(out::add);
    } catch (SSLException e) {
      from.failure = e;
    }
    for (ByteBuffer b : out) {
      progress = true;
      while (b.hasRemaining()) {
        int n = Math.max(1, Math.min(b.remaining(), chunk.applyAsInt(b.remaining())));
        ByteBuffer piece = b.slice();
        piece.limit(n);
        b.position(b.position() + n);
        if (to.failure == null && !to.eofFed) {
          try {
            to.conn.receive(piece);
          } catch (SSLException e) {
            to.failure = e;
          }
          process(to); // as a driver does after each read
        }
      }
    }
    return progress;
  }

  /** Takes events until the side needs data (running delegated tasks inline). */
  boolean process(Side side) {
    boolean progress = false;
    while (side.failure == null) {
      TlsEvent ev;
      try {
        ev = side.conn.nextEvent();
      } catch (SSLException e) {
        side.failure = e;
        return true;
      }
      if (ev == TlsEvent.Signal.NEED_TASK) {
        for (Runnable r = side.engine.getDelegatedTask(); r != null; r = side.engine.getDelegatedTask()) {
          r.run();
          side.tasksRun++;
        }
        progress = true;
        continue;
      }
      if (ev instanceof TlsEvent.Signal) {
        if (ev == TlsEvent.Signal.END_OF_INPUT
            && (side.events.isEmpty() || side.events.get(side.events.size() - 1) != ev)) {
          side.events.add(ev);
        }
        return progress;
      }
      if (ev instanceof TlsEvent.Data d) {
        if (!d.data().isReadOnly()) {
          throw new AssertionError("Data must be a read-only view");
        }
        byte[] b = new byte[d.data().remaining()];
        d.data().get(b);
        side.received.write(b, 0, b.length);
        side.records++;
        side.events.add("data");
      } else {
        side.events.add(ev);
      }
      progress = true;
    }
    return progress;
  }

  static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
