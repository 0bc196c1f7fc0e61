package io.loopwire;

import io.loopwire.engine.WsSessionCore;
import io.loopwire.protocol.http1.Http1Fields;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket session, server or client side: a handle owned by Loopwire from {@code onOpen} to
 * {@code onClose}.
 *
 * <p>Thread: every method may be called from any thread. Sends never block: they queue, and an off-loop
 * call is handed to the session's loop thread (a burst of calls costs one wakeup). Messages sent from one
 * thread go out in the order of the calls.
 *
 * <p>Back-pressure: above the high watermark {@link #isWritable()} turns false; call
 * {@link #requestWritable()} and wait for {@code onWritable}. Past the hard cap
 * ({@link WsConfig#maxSendQueueBytes()}) a send returns {@code false} and the session closes with 1008.
 *
 * @param <S> the per-session state type
 */
public final class Session<S> {

  private static final AtomicLong IDS = new AtomicLong();
  private static final VarHandle ATTRIBUTES;

  static {
    try {
      ATTRIBUTES = MethodHandles.lookup().findVarHandle(Session.class, "attributes", ConcurrentHashMap.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long id = IDS.incrementAndGet();
  private final String protocol;
  private final String vhost;
  private final Object vhostState;
  private final InetSocketAddress remoteAddress;
  private final InetSocketAddress localAddress;
  private final String requestTarget;
  /** The handshake's headers, packed: an idle session should not hold a String pair per header line. */
  private final byte[] requestHeaders;
  private final byte[] responseHeaders;
  private final boolean client;
  private final Stats.Counters counters;
  /** Counts of sends made on the loop thread while open; set and cleared there by the binding. */
  Stats.Local local;
  /** Created by the first {@link #attribute(String, Object)}: most sessions never set one. */
  private volatile ConcurrentHashMap<String, Object> attributes;
  volatile WsSessionCore core;
  volatile S state;
  /** The app asked to close: the session's end, however it goes, must not start a reconnect. */
  volatile boolean closeCalled;

  Session(String protocol, String vhost, Object vhostState, InetSocketAddress remoteAddress,
      InetSocketAddress localAddress, String requestTarget, Http1Fields requestHeaders, Http1Fields responseHeaders,
      boolean client, Stats.Counters counters) {
    this.counters = counters;
    this.protocol = protocol;
    this.vhost = vhost;
    this.vhostState = vhostState;
    this.remoteAddress = remoteAddress;
    this.localAddress = localAddress;
    this.requestTarget = requestTarget;
    this.requestHeaders = PackedFields.pack(requestHeaders);
    this.responseHeaders = PackedFields.pack(responseHeaders);
    this.client = client;
  }

  /**
   * Queues a whole text message. Returns {@code false} (and sends nothing) if the session is closing or
   * closed, or if the message would exceed the send-queue cap.
   */
  public boolean sendText(String text) {
    return sendText(text, true);
  }

  /**
   * Queues a text fragment: {@code last == false} starts or continues a fragmented message, which must
   * be finished (with {@code last == true}) before another message starts. A code point must not be
   * split across fragments (a Java {@code String} holds whole code points unless it ends in a lone
   * high surrogate, which is rejected).
   */
  public boolean sendText(String text, boolean last) {
    int n = text.length();
    boolean queued = core.sendText(text, last);
    if (queued) {
      counted(n, last);
    }
    return queued;
  }

  /**
   * Queues a whole binary message. Ownership: {@code data} (position to limit) is transferred to Loopwire
   * at the call, whether it succeeds or not; do not touch it afterwards.
   */
  public boolean sendBinary(ByteBuffer data) {
    return sendBinary(data, true);
  }

  /** Queues a binary fragment; {@code data} is transferred. See {@link #sendText(String, boolean)}. */
  public boolean sendBinary(ByteBuffer data, boolean last) {
    int n = data.remaining();
    boolean queued = core.sendBinary(data, last);
    if (queued) {
      counted(n, last);
    }
    return queued;
  }

  /**
   * Queues a whole binary message from a copy of {@code data}. Ownership: {@code data} is borrowed for the
   * call only and stays the caller's (position and limit untouched), so it may be the buffer
   * {@code onBinary} lent, or one the caller reuses. On the loop thread the bytes are copied straight into
   * memory the loop keeps for the socket (the {@code nio} loop pools it), so an echo allocates nothing per
   * message; from another thread they are copied into a new buffer first.
   */
  public boolean sendBinaryCopy(ByteBuffer data) {
    return sendBinaryCopy(data, true);
  }

  /** Queues a binary fragment from a copy of {@code data}; see {@link #sendBinaryCopy(ByteBuffer)}. */
  public boolean sendBinaryCopy(ByteBuffer data, boolean last) {
    int n = data.remaining();
    boolean queued = core.sendBinaryCopy(data, last);
    if (queued) {
      counted(n, last);
    }
    return queued;
  }

  /** Queues a whole binary message from an array, which is transferred (not copied). */
  public boolean sendBinary(byte[] data) {
    return sendBinary(ByteBuffer.wrap(data), true);
  }

  private void counted(int bytes, boolean last) {
    Stats.Local l = local;
    if (l != null && core.onLoopThread()) {
      l.bytesOut += bytes;
      if (last) {
        l.messagesOut++;
      }
      return;
    }
    counters.bytesOut.add(bytes);
    if (last) {
      counters.messagesOut.increment();
    }
  }

  /** Queues a ping with a payload of at most 125 bytes (transferred). */
  public boolean ping(ByteBuffer payload) {
    return core.sendPing(payload);
  }

  /** Starts a normal close (1000). Idempotent. {@code onClose} follows exactly once. */
  public void close() {
    closeCalled = true;
    core.close(CloseStatus.NORMAL, "");
  }

  /**
   * Starts the close handshake with {@code code} (1000-1003, 1007-1014, 3000-4999) and a reason of at
   * most 123 UTF-8 bytes; throws {@link IllegalArgumentException} for anything else. Idempotent: only
   * the first call sends a close frame. If the peer does not answer within the close timeout, the
   * connection is dropped.
   */
  public void close(int code, String reason) {
    core.close(code, reason);
    closeCalled = true; // after the argument checks: a refused close changes nothing
  }

  /**
   * Asks for one {@code onWritable} once queued output is at or below the low watermark (right away,
   * on the loop thread, if it already is). Calls made before that {@code onWritable} coalesce.
   */
  public void requestWritable() {
    core.requestWritable();
  }

  /** Whether queued output is at or below the high watermark and the session is open. */
  public boolean isWritable() {
    return core.isWritable();
  }

  /** Whether the session still accepts sends (no close started). */
  public boolean isOpen() {
    return core.isOpen();
  }

  /** Bytes queued and not yet written (approximate off the loop thread). */
  public long queuedBytes() {
    return core.queuedBytes();
  }

  /** The per-session state returned by {@link WsHandler#onOpen}, or null. */
  public S state() {
    return state;
  }

  /** The per-vhost state of this session's protocol (see {@link WsProtocol#vhostState()}), or null. */
  @SuppressWarnings("unchecked")
  public <V> V vhostState() {
    return (V) vhostState;
  }

  /** The negotiated subprotocol, or null if none was agreed. */
  public String subprotocol() {
    return client ? responseHeaders().get("Sec-WebSocket-Protocol") : protocol;
  }

  /** The name of the protocol serving this session (server side), or the negotiated one (client side). */
  public String protocol() {
    return protocol;
  }

  /** The vhost's name (server side), or null (client side). */
  public String vhost() {
    return vhost;
  }

  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** The upgrade request's target ({@code path?query}). */
  public String requestTarget() {
    return requestTarget;
  }

  /**
   * The upgrade request's headers (as received on a server, as sent on a client). The session keeps them
   * packed and builds the returned object on each call: keep it if you read it often.
   */
  public Http1Fields requestHeaders() {
    return PackedFields.unpack(requestHeaders);
  }

  /**
   * The 101 response's headers (as sent on a server, as received on a client). Built on each call, like
   * {@link #requestHeaders()}.
   */
  public Http1Fields responseHeaders() {
    return PackedFields.unpack(responseHeaders);
  }

  public boolean isClient() {
    return client;
  }

  /** A process-unique id, for logs. */
  public long id() {
    return id;
  }

  /** An app attribute (thread-safe map), or null. */
  @SuppressWarnings("unchecked")
  public <T> T attribute(String name) {
    Objects.requireNonNull(name, "name");
    ConcurrentHashMap<String, Object> m = attributes;
    return m == null ? null : (T) m.get(name);
  }

  /** Sets (or with null removes) an app attribute. */
  public void attribute(String name, Object value) {
    Objects.requireNonNull(name, "name");
    ConcurrentHashMap<String, Object> m = attributes;
    if (value == null) {
      if (m != null) {
        m.remove(name);
      }
      return;
    }
    if (m == null) {
      ATTRIBUTES.compareAndSet(this, null, new ConcurrentHashMap<String, Object>(4));
      m = attributes;
    }
    m.put(name, value);
  }

  @Override
  public String toString() {
    return "Session[" + id + " " + (client ? "client" : "server") + " " + protocol + " " + remoteAddress + "]";
  }
}
