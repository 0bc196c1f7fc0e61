package io.loopwire.testkit;

import io.loopwire.CloseStatus;
import io.loopwire.ConnectException;
import io.loopwire.HandshakeDecision;
import io.loopwire.HandshakeRequest;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link WsHandler} that logs every callback with its thread and arguments and checks the threading
 * and lifecycle contracts as the calls arrive (OkHttp's {@code WebSocketRecorder}, grown up): a callback
 * off a loop thread, on another thread than the session's {@code onOpen}, two at once for one session,
 * before {@code onOpen} or after {@code onClose}, a second {@code onOpen} or {@code onClose} is a
 * {@linkplain #violations() violation}. Behaviour is added with the {@code when*} hooks; the log and
 * the checks stay the same.
 *
 * <p>Thread: callbacks arrive on loop threads; every other method may be called from any thread (the
 * test thread awaits). Ownership: borrowed buffers are copied before the hooks see them, so the log
 * never holds a loop's buffer.
 */
public final class Recorder implements WsHandler<Object> {

  /** Which callback an {@link Event} records. */
  public enum Kind { HANDSHAKE, OPEN, TEXT, BINARY, PING, PONG, WRITABLE, CLOSE, CONNECT_FAILED, RECONNECTING }

  /**
   * One callback as it happened.
   *
   * @param seq position in this recorder's log, from 0
   * @param kind the callback
   * @param thread the thread it ran on
   * @param session the session, or {@code null} for {@code onHandshake}, {@code onConnectFailed} and
   *     {@code onReconnecting}
   * @param arg the argument: {@link HandshakeRequest}, {@link String} (text), {@code byte[]} (a copy of a
   *     binary, ping or pong payload), {@link CloseStatus}, {@link ConnectException}, {@link Reconnect},
   *     or {@code null}
   */
  public record Event(int seq, Kind kind, Thread thread, Session<?> session, Object arg) {

    public HandshakeRequest request() {
      return (HandshakeRequest) arg;
    }

    public String text() {
      return (String) arg;
    }

    public byte[] bytes() {
      return (byte[]) arg;
    }

    public CloseStatus status() {
      return (CloseStatus) arg;
    }

    public ConnectException failure() {
      return (ConnectException) arg;
    }

    public Reconnect reconnect() {
      return (Reconnect) arg;
    }

    @Override
    public String toString() {
      String a;
      if (arg instanceof byte[] b) {
        a = b.length + " bytes";
      } else if (arg instanceof String s) {
        a = s.length() > 40 ? "\"" + s.substring(0, 40) + "...\" (" + s.length() + " chars)" : "\"" + s + "\"";
      } else {
        a = String.valueOf(arg);
      }
      return seq + " " + kind + (session == null ? "" : " s" + session.id()) + " on " + thread.getName() + ": " + a;
    }
  }

  /** The arguments of {@code onReconnecting}. */
  public record Reconnect(int attempt, Duration delay, Throwable cause) {}

  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final List<Event> log = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  // guarded by log
  private final Map<Session<?>, Thread> openThread = new IdentityHashMap<>();
  private final Map<Session<?>, Boolean> closed = new IdentityHashMap<>();
  private final Map<Session<?>, Thread> inCallback = new IdentityHashMap<>();

  private volatile Predicate<Thread> loopThread = t -> true;
  private volatile Function<HandshakeRequest, HandshakeDecision> handshakeHook = r -> HandshakeDecision.accept();
  private volatile Function<Session<Object>, Object> openHook = s -> null;
  private volatile BiConsumer<Session<Object>, String> textHook = (s, t) -> {};
  private volatile BiConsumer<Session<Object>, byte[]> binaryHook = (s, b) -> {};
  /** When set, gets the buffer {@code onBinary} lent (borrowed: only during the call) instead of a copy. */
  private volatile BiConsumer<Session<Object>, ByteBuffer> lentBinaryHook;
  private volatile Consumer<Session<Object>> writableHook = s -> {};
  private volatile BiConsumer<Session<Object>, CloseStatus> closeHook = (s, c) -> {};

  private Recorder(String name) {
    this.name = name;
  }

  /** A recorder named {@code name} (for messages) that accepts every handshake and does nothing else. */
  public static Recorder named(String name) {
    return new Recorder(name);
  }

  // ---- behaviour ----

  /** Every callback must run on a thread {@code isLoopThread} accepts; others are violations. */
  public Recorder loopThreads(Predicate<Thread> isLoopThread) {
    this.loopThread = isLoopThread;
    return this;
  }

  /** Answers every text with the same text and every binary with a copy of the same bytes. */
  public Recorder echo() {
    textHook = (s, t) -> s.sendText(t);
    binaryHook = (s, b) -> s.sendBinary(b.clone());
    return this;
  }

  /** Echoes text as {@link #echo()} does, and binary from the lent buffer with {@code sendBinaryCopy}. */
  public Recorder echoByCopy() {
    textHook = (s, t) -> s.sendText(t);
    lentBinaryHook = (s, b) -> s.sendBinaryCopy(b);
    return this;
  }

  /** What {@code onBinary} does with the buffer it lends (borrowed for the hook's call only). */
  public Recorder whenLentBinary(BiConsumer<Session<Object>, ByteBuffer> hook) {
    this.lentBinaryHook = hook;
    return this;
  }

  public Recorder whenHandshake(Function<HandshakeRequest, HandshakeDecision> hook) {
    this.handshakeHook = hook;
    return this;
  }

  /** What {@code onOpen} does; its result becomes the session state. */
  public Recorder whenOpen(Function<Session<Object>, Object> hook) {
    this.openHook = hook;
    return this;
  }

  public Recorder whenText(BiConsumer<Session<Object>, String> hook) {
    this.textHook = hook;
    return this;
  }

  /** What {@code onBinary} does; the hook gets a copy it may keep. */
  public Recorder whenBinary(BiConsumer<Session<Object>, byte[]> hook) {
    this.binaryHook = hook;
    return this;
  }

  public Recorder whenWritable(Consumer<Session<Object>> hook) {
    this.writableHook = hook;
    return this;
  }

  public Recorder whenClose(BiConsumer<Session<Object>, CloseStatus> hook) {
    this.closeHook = hook;
    return this;
  }

  // ---- WsHandler ----

  @Override
  public HandshakeDecision onHandshake(HandshakeRequest request) {
    record(Kind.HANDSHAKE, null, request);
    return handshakeHook.apply(request);
  }

  @Override
  public Object onOpen(Session<Object> session) {
    enter(Kind.OPEN, session);
    try {
      return openHook.apply(session);
    } finally {
      exit(Kind.OPEN, session, null);
    }
  }

  @Override
  public void onText(Session<Object> session, String text) {
    enter(Kind.TEXT, session);
    try {
      textHook.accept(session, text);
    } finally {
      exit(Kind.TEXT, session, text);
    }
  }

  @Override
  public void onBinary(Session<Object> session, ByteBuffer data) {
    byte[] copy = copy(data);
    enter(Kind.BINARY, session);
    try {
      BiConsumer<Session<Object>, ByteBuffer> lent = lentBinaryHook;
      if (lent != null) {
        lent.accept(session, data);
      } else {
        binaryHook.accept(session, copy.clone());
      }
    } finally {
      exit(Kind.BINARY, session, copy);
    }
  }

  @Override
  public void onPing(Session<Object> session, ByteBuffer payload) {
    enter(Kind.PING, session);
    exit(Kind.PING, session, copy(payload));
  }

  @Override
  public void onPong(Session<Object> session, ByteBuffer payload) {
    enter(Kind.PONG, session);
    exit(Kind.PONG, session, copy(payload));
  }

  @Override
  public void onWritable(Session<Object> session) {
    enter(Kind.WRITABLE, session);
    try {
      writableHook.accept(session);
    } finally {
      exit(Kind.WRITABLE, session, null);
    }
  }

  @Override
  public void onClose(Session<Object> session, CloseStatus status) {
    enter(Kind.CLOSE, session);
    try {
      closeHook.accept(session, status);
    } finally {
      exit(Kind.CLOSE, session, status);
    }
  }

  @Override
  public void onConnectFailed(ConnectException cause) {
    record(Kind.CONNECT_FAILED, null, cause);
  }

  @Override
  public void onReconnecting(int attempt, Duration delay, Throwable cause) {
    record(Kind.RECONNECTING, null, new Reconnect(attempt, delay, cause));
  }

  private static byte[] copy(ByteBuffer b) {
    ByteBuffer view = b.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }

  private void record(Kind kind, Session<?> session, Object arg) {
    Thread t = Thread.currentThread();
    synchronized (log) {
      if (!loopThread.test(t)) {
        violations.add(kind + " ran on " + t.getName() + ", not on a loop thread");
      }
      log.add(new Event(log.size(), kind, t, session, arg));
      log.notifyAll();
    }
  }

  /** Checks the contract as a session callback starts. */
  private void enter(Kind kind, Session<?> session) {
    Thread t = Thread.currentThread();
    synchronized (log) {
      String s = "session " + session.id() + ": ";
      if (!loopThread.test(t)) {
        violations.add(s + kind + " ran on " + t.getName() + ", not on a loop thread");
      }
      Thread other = inCallback.put(session, t);
      if (other != null) {
        violations.add(s + kind + " on " + t.getName() + " while another callback ran on " + other.getName());
      }
      Thread opener = openThread.get(session);
      if (kind == Kind.OPEN) {
        if (opener != null) {
          violations.add(s + "onOpen called twice");
        }
        openThread.put(session, t);
      } else if (opener == null) {
        violations.add(s + kind + " before onOpen");
      } else if (opener != t) {
        violations.add(s + kind + " ran on " + t.getName() + " but onOpen ran on " + opener.getName());
      }
      if (closed.containsKey(session)) {
        violations.add(s + kind + " after onClose");
      }
      if (kind == Kind.CLOSE) {
        closed.put(session, Boolean.TRUE);
      }
    }
  }

  /** Logs the call once its hook has returned, so a test that awaits it also sees the hook's effects. */
  private void exit(Kind kind, Session<?> session, Object arg) {
    synchronized (log) {
      inCallback.remove(session);
      log.add(new Event(log.size(), kind, Thread.currentThread(), session, arg));
      log.notifyAll();
    }
  }

  // ---- reading the log ----

  public String name() {
    return name;
  }

  /** A snapshot of the log. */
  public List<Event> events() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** The events of {@code kind}, in order. */
  public List<Event> events(Kind kind) {
    return events().stream().filter(e -> e.kind() == kind).toList();
  }

  /** The events of one session, in order. */
  public List<Event> events(Session<?> session) {
    return events().stream().filter(e -> e.session() == session).toList();
  }

  public int count(Kind kind) {
    return events(kind).size();
  }

  public int count(Session<?> session, Kind kind) {
    return (int) events(session).stream().filter(e -> e.kind() == kind).count();
  }

  /** The sessions that got {@code onOpen}, in order. */
  public List<Session<?>> sessions() {
    return events(Kind.OPEN).stream().<Session<?>>map(Event::session).toList();
  }

  /** The contract violations seen so far (empty when all is well). */
  public List<String> violations() {
    synchronized (log) {
      return List.copyOf(violations);
    }
  }

  // ---- waiting ----

  /** Waits until the log holds at least {@code n} events of {@code kind}; returns the first {@code n}. */
  public List<Event> awaitCount(Kind kind, int n) {
    return awaitCount(kind, n, DEFAULT_WAIT);
  }

  public List<Event> awaitCount(Kind kind, int n, Duration wait) {
    return awaitMatching(e -> e.kind() == kind, n, wait, n + " x " + kind);
  }

  /** Waits until the log holds at least {@code n} events matching {@code test}; returns the first {@code n}. */
  public List<Event> awaitMatching(Predicate<Event> test, int n, Duration wait, String what) {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (log) {
      List<Event> hits = new ArrayList<>();
      int scanned = 0; // the log only grows: look at each event once
      while (true) {
        for (; scanned < log.size(); scanned++) {
          Event e = log.get(scanned);
          if (test.test(e)) {
            hits.add(e);
            if (hits.size() == n) {
              return hits;
            }
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(name + ": timed out after " + wait.toMillis() + " ms waiting for " + what
              + "; found " + hits.size() + ". Log:\n" + dump());
        }
        try {
          log.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new AssertionError(name + ": interrupted waiting for " + what, ie);
        }
      }
    }
  }

  /** Waits for the first event of {@code kind}. */
  public Event await(Kind kind) {
    return awaitCount(kind, 1).get(0);
  }

  /** Waits for the {@code index}th (0-based) event of {@code kind}. */
  public Event awaitNth(Kind kind, int index) {
    return awaitCount(kind, index + 1).get(index);
  }

  /** Waits for the first {@code onOpen} and returns its session. */
  @SuppressWarnings("unchecked")
  public Session<Object> awaitOpen() {
    return (Session<Object>) await(Kind.OPEN).session();
  }

  /** Waits for the first {@code onClose} and returns its status. */
  public CloseStatus awaitClose() {
    return await(Kind.CLOSE).status();
  }

  /** Waits for {@code session}'s {@code onClose} and returns its status. */
  public CloseStatus awaitClose(Session<?> session) {
    return awaitClose(session, DEFAULT_WAIT);
  }

  public CloseStatus awaitClose(Session<?> session, Duration wait) {
    return awaitMatching(e -> e.kind() == Kind.CLOSE && e.session() == session, 1, wait,
        "onClose of session " + session.id()).get(0).status();
  }

  /** Waits for the first {@code onConnectFailed} and returns its cause. */
  public ConnectException awaitConnectFailed() {
    return await(Kind.CONNECT_FAILED).failure();
  }

  /** Waits for the first text message whose content equals {@code text}. */
  public Event awaitText(String text) {
    return awaitMatching(e -> e.kind() == Kind.TEXT && text.equals(e.arg()), 1, DEFAULT_WAIT,
        "text \"" + text + "\"").get(0);
  }

  /** Waits for the first binary message with exactly {@code bytes}. */
  public Event awaitBinary(byte[] bytes) {
    return awaitMatching(e -> e.kind() == Kind.BINARY && Arrays.equals(bytes, e.bytes()), 1, DEFAULT_WAIT,
        "binary of " + bytes.length + " bytes").get(0);
  }

  // ---- assertions ----

  /** Fails if any callback broke the threading or lifecycle contract. */
  public void assertNoViolations() {
    List<String> v = violations();
    if (!v.isEmpty()) {
      throw new AssertionError(name + ": contract violations:\n  " + String.join("\n  ", v) + "\nLog:\n" + dump());
    }
  }

  /** Fails unless {@code session}'s callbacks were exactly {@code kinds}, in that order. */
  public void assertOrder(Session<?> session, Kind... kinds) {
    List<Kind> seen = events(session).stream().map(Event::kind).toList();
    if (!seen.equals(List.of(kinds))) {
      throw new AssertionError(name + ": session " + session.id() + " expected callbacks " + List.of(kinds)
          + " but got " + seen + ". Log:\n" + dump());
    }
  }

  /**
   * Fails unless every session that opened was closed exactly once, with {@code onClose} its last
   * callback, and every callback of it ran on the thread of its {@code onOpen}.
   */
  public void assertEverySessionClosedOnce() {
    assertNoViolations();
    for (Session<?> s : sessions()) {
      List<Event> ev = events(s);
      long closes = ev.stream().filter(e -> e.kind() == Kind.CLOSE).count();
      if (closes != 1 || ev.get(ev.size() - 1).kind() != Kind.CLOSE) {
        throw new AssertionError(name + ": session " + s.id() + " got " + closes + " onClose (want exactly 1, last)."
            + " Log:\n" + dump());
      }
    }
  }

  /** The log as text, for failure messages. */
  public String dump() {
    List<Event> ev = events();
    StringBuilder sb = new StringBuilder();
    int from = Math.max(0, ev.size() - 60);
    if (from > 0) {
      sb.append("  ... ").append(from).append(" earlier events\n");
    }
    for (int i = from; i < ev.size(); i++) {
      sb.append("  ").append(ev.get(i)).append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Recorder[" + name + "]";
  }
}
