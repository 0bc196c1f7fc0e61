package io.loopwire.cli;

import io.loopwire.Loopwire;
import io.loopwire.Session;
import io.loopwire.Stats;
import io.loopwire.WsHandler;
import io.loopwire.WsProtocol;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The test server's protocols, after libwebsockets' test server: {@code echo}, {@code dumb-increment},
 * {@code mirror} and {@code status}.
 */
final class DemoProtocols {

  private DemoProtocols() {}

  static ByteBuffer copy(ByteBuffer data) {
    ByteBuffer c = ByteBuffer.allocate(data.remaining());
    c.put(data.duplicate()).flip();
    return c;
  }

  /** Echoes text as text and binary as binary. */
  static final class Echo implements WsHandler<Void> {
    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      session.sendText(text);
    }

    @Override
    public void onBinary(Session<Void> session, ByteBuffer data) {
      session.sendBinaryCopy(data); // the loop copies it into its socket memory: nothing allocated per echo
    }
  }

  /** A shared 50 ms (or 1 s) ticker, the per-vhost state of the push protocols; closed with the vhost. */
  static final class Ticker implements AutoCloseable {
    final Set<Session<?>> sessions = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    Ticker(String name, long periodMillis, Runnable tick) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loopwire-demo-" + name);
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** Pushes an increasing counter every 50 ms; "reset" resets it. */
  static final class DumbIncrement implements WsHandler<AtomicLong> {
    @Override
    public AtomicLong onOpen(Session<AtomicLong> session) {
      Ticker t = session.vhostState();
      t.sessions.add(session);
      return new AtomicLong();
    }

    @Override
    public void onText(Session<AtomicLong> session, String text) {
      if (text.strip().equals("reset")) {
        session.state().set(0);
      }
    }

    @Override
    public void onClose(Session<AtomicLong> session, io.loopwire.CloseStatus status) {
      Ticker t = session.vhostState();
      t.sessions.remove(session);
    }

    @SuppressWarnings("unchecked")
    static void tick(Ticker t) {
      for (Session<?> s : t.sessions) {
        Session<AtomicLong> session = (Session<AtomicLong>) s;
        AtomicLong n = session.state();
        if (n != null && session.isWritable()) {
          session.sendText(Long.toString(n.getAndIncrement()));
        }
      }
    }
  }

  /** Relays every message to every mirror session, the sender included. */
  static final class Mirror implements WsHandler<Void> {
    @Override
    public Void onOpen(Session<Void> session) {
      Set<Session<?>> all = session.vhostState();
      all.add(session);
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      Set<Session<?>> all = session.vhostState();
      for (Session<?> s : all) {
        s.sendText(text);
      }
    }

    @Override
    public void onBinary(Session<Void> session, ByteBuffer data) {
      Set<Session<?>> all = session.vhostState();
      for (Session<?> s : all) {
        s.sendBinary(copy(data));
      }
    }

    @Override
    public void onClose(Session<Void> session, io.loopwire.CloseStatus status) {
      Set<Session<?>> all = session.vhostState();
      all.remove(session);
    }
  }

  /** Pushes live statistics as JSON about once a second, and once right after opening. */
  static final class Status implements WsHandler<Void> {
    final AtomicReference<Loopwire> context = new AtomicReference<>();

    @Override
    public Void onOpen(Session<Void> session) {
      Ticker t = session.vhostState();
      t.sessions.add(session);
      String json = json(context.get());
      if (json != null) {
        session.sendText(json);
      }
      return null;
    }

    @Override
    public void onClose(Session<Void> session, io.loopwire.CloseStatus status) {
      Ticker t = session.vhostState();
      t.sessions.remove(session);
    }

    void tick(Ticker t) {
      String json = json(context.get());
      if (json == null) {
        return;
      }
      for (Session<?> s : t.sessions) {
        s.sendText(json);
      }
    }

    static String json(Loopwire lw) {
      if (lw == null) {
        return null;
      }
      Stats st = lw.stats();
      StringBuilder sb = new StringBuilder(256);
      sb.append("{\"uptimeSeconds\":").append(st.uptimeSeconds())
          .append(",\"connections\":").append(st.connections())
          .append(",\"protocols\":{");
      boolean first = true;
      for (Map.Entry<String, Stats.ProtocolStats> e : st.protocols().entrySet()) {
        Stats.ProtocolStats p = e.getValue();
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append('"').append(e.getKey()).append("\":{\"connections\":").append(p.connections())
            .append(",\"messagesIn\":").append(p.messagesIn())
            .append(",\"messagesOut\":").append(p.messagesOut())
            .append(",\"bytesIn\":").append(p.bytesIn())
            .append(",\"bytesOut\":").append(p.bytesOut()).append('}');
      }
      return sb.append("}}").toString();
    }
  }

  /**
   * The four protocols, plus libwebsockets' names for two of them ({@code dumb-increment-protocol},
   * {@code lws-mirror-protocol}) so that its test client works against us. {@code status} needs the
   * context once it has started.
   */
  static WsProtocol<?>[] all(Status status) {
    DumbIncrement inc = new DumbIncrement();
    Mirror mirror = new Mirror();
    Set<Session<?>> mirrors = ConcurrentHashMap.newKeySet();
    return new WsProtocol<?>[] {
        WsProtocol.of("echo", new Echo()),
        WsProtocol.of("dumb-increment", inc).withPath("/dumb-increment").withVhostState(() -> ticker(inc)),
        WsProtocol.of("mirror", mirror).withPath("/mirror").withVhostState(() -> mirrors),
        WsProtocol.of("status", status).withPath("/status")
            .withVhostState(() -> {
              Ticker[] holder = new Ticker[1];
              holder[0] = new Ticker("status", 1000, () -> status.tick(holder[0]));
              return holder[0];
            }),
        WsProtocol.of("dumb-increment-protocol", inc).withVhostState(() -> ticker(inc)),
        WsProtocol.of("lws-mirror-protocol", mirror).withVhostState(() -> mirrors),
    };
  }

  private static Ticker ticker(DumbIncrement inc) {
    Ticker[] holder = new Ticker[1];
    holder[0] = new Ticker("increment", 50, () -> DumbIncrement.tick(holder[0]));
    return holder[0];
  }
}
