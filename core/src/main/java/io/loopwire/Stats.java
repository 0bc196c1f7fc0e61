package io.loopwire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of a {@link Loopwire} context, kept cheaply (striped adders, no locks) and read as a
 * snapshot. Thread: any.
 */
public final class Stats {

  /** A snapshot of one protocol's counters. */
  public record ProtocolStats(long connections, long opened, long messagesIn, long messagesOut, long bytesIn,
      long bytesOut, long errors) {}

  private final long startNanos = System.nanoTime();
  private final Map<String, Counters> byProtocol = new ConcurrentHashMap<>();

  Counters counters(String protocol) {
    return byProtocol.computeIfAbsent(protocol, k -> new Counters());
  }

  /** Seconds since the context started. */
  public long uptimeSeconds() {
    return (System.nanoTime() - startNanos) / 1_000_000_000L;
  }

  /** Sessions open now, over all protocols. */
  public long connections() {
    long n = 0;
    for (Counters c : byProtocol.values()) {
      n += c.open.sum();
    }
    return n;
  }

  /** A snapshot per protocol, in name order. */
  public Map<String, ProtocolStats> protocols() {
    Map<String, ProtocolStats> out = new LinkedHashMap<>();
    byProtocol.keySet().stream().sorted().forEach(name -> out.put(name, byProtocol.get(name).snapshot()));
    return Collections.unmodifiableMap(out);
  }

  static final class Counters {
    final LongAdder open = new LongAdder();
    final LongAdder opened = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Inbound counts of open sessions, kept by their loop threads without atomics, folded in at close. */
    private final java.util.Set<Local> live = ConcurrentHashMap.newKeySet();

    Local openLocal() {
      Local l = new Local();
      live.add(l);
      return l;
    }

    void closeLocal(Local l) {
      messagesIn.add(l.messagesIn);
      bytesIn.add(l.bytesIn);
      messagesOut.add(l.messagesOut);
      bytesOut.add(l.bytesOut);
      live.remove(l);
    }

    ProtocolStats snapshot() {
      long mIn = messagesIn.sum();
      long bIn = bytesIn.sum();
      long mOut = messagesOut.sum();
      long bOut = bytesOut.sum();
      for (Local l : live) {
        mIn += l.messagesIn;
        bIn += l.bytesIn;
        mOut += l.messagesOut;
        bOut += l.bytesOut;
      }
      return new ProtocolStats(open.sum(), opened.sum(), mIn, mOut, bIn, bOut, errors.sum());
    }
  }

  /**
   * One open session's counts: written only by its loop thread (a plain increment on the hot path, where
   * four striped-adder updates per echo showed up in profiles), read racily by snapshots, which are
   * approximate anyway. Sends from other threads count in the shared adders instead.
   */
  static final class Local {
    long messagesIn;
    long bytesIn;
    long messagesOut;
    long bytesOut;
  }
}
