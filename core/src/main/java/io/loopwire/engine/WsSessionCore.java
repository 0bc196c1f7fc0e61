package io.loopwire.engine;

import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.ByteSink;
import io.loopwire.protocol.LocalProtocolException;
import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsEvent;
import java.io.EOFException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * Drives one open WebSocket session: a {@link WsConnection} over a {@link Transport}, with message
 * reassembly, keepalive, idle and close timers, send-queue watermarks, and the exactly-once end.
 *
 * <p>Thread: callbacks and the private state belong to the transport's loop thread. The public send,
 * close and requestWritable methods may be called from any thread: off-loop calls go into an inbox that
 * one scheduled task drains, so a burst of sends costs one wakeup and one flush.
 */
public final class WsSessionCore implements TransportHandler {

  private static final System.Logger LOG = System.getLogger(WsSessionCore.class.getName());
  /** Per thread: an input array given up by a drained connection, for the next read on any connection. */
  private static final ThreadLocal<WsConnection.InputBuffer[]> SPARE_INPUT =
      ThreadLocal.withInitial(() -> new WsConnection.InputBuffer[1]);

  private final Transport transport;
  private final LoopThread thread;
  private final WsConnection conn;
  private final WsEndpoint endpoint;
  private final WsSessionSettings settings;
  private final boolean client;
  /** Released when the session ends (the permessage-deflate transform); may be null. */
  private final AutoCloseable extension;

  // Off-loop sends: plain fields updated through VarHandles, and a queue made by the first such send, so
  // that the many sessions that only ever send from their loop thread carry no atomic objects.
  private static final VarHandle INBOX;
  private static final VarHandle INBOX_SCHEDULED;
  private static final VarHandle INBOX_BYTES;
  private static final VarHandle WRITABLE_PENDING;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      INBOX = l.findVarHandle(WsSessionCore.class, "inbox", ConcurrentLinkedQueue.class);
      INBOX_SCHEDULED = l.findVarHandle(WsSessionCore.class, "inboxScheduled", boolean.class);
      INBOX_BYTES = l.findVarHandle(WsSessionCore.class, "inboxBytes", long.class);
      WRITABLE_PENDING = l.findVarHandle(WsSessionCore.class, "writablePending", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile ConcurrentLinkedQueue<Runnable> inbox;
  private volatile boolean inboxScheduled;
  private volatile long inboxBytes;
  /** A requestWritable() is waiting for its onWritable: later calls coalesce into it. */
  private volatile boolean writablePending;

  /** Bytes queued on the loop side (codec + transport), published for off-loop isWritable(). */
  private volatile long loopQueued;
  /** No more sends are accepted: our close is out, or the session ended. */
  private volatile boolean closing;

  private boolean opened;
  private boolean terminated;
  private boolean dispatching;
  private boolean writableRequested;
  private boolean closeSent;
  private int sentCode;
  private String sentReason = "";

  private StringBuilder text;
  private ByteBuffer binary;
  /** The codec's output goes here: made once, at the first output, so that a flush allocates nothing. */
  private ByteSink toTransport;
  /** A borrowed frame's header, copied out by the transport at once (lazy: most sessions never need it). */
  private byte[] headerScratch;

  private Timer closeTimer;
  private Timer pingTimer;
  private Timer pongTimer;
  private Timer idleTimer;
  private long lastReadNanos;
  private boolean awaitingPong;

  public WsSessionCore(Transport transport, WsConnection conn, WsEndpoint endpoint, WsSessionSettings settings,
      boolean client) {
    this(transport, conn, endpoint, settings, client, null);
  }

  /**
   * A session whose connection uses {@code extension} (e.g. a permessage-deflate transform): ownership
   * passes to the session, which closes it exactly once when it ends, after {@code onClose}.
   */
  public WsSessionCore(Transport transport, WsConnection conn, WsEndpoint endpoint, WsSessionSettings settings,
      boolean client, AutoCloseable extension) {
    this.extension = extension;
    this.transport = transport;
    this.thread = transport.thread();
    this.conn = conn;
    this.endpoint = endpoint;
    this.settings = settings;
    this.client = client;
  }

  public Transport transport() {
    return transport;
  }

  /** Whether the caller is this session's loop thread. Thread: any. */
  public boolean onLoopThread() {
    return thread.inLoop();
  }

  /**
   * Opens the session on the loop thread: {@code onOpen}, then any bytes that arrived with the upgrade.
   * Ownership: {@code leftover} is borrowed for the call.
   */
  public void start(ByteBuffer leftover) {
    opened = true;
    lastReadNanos = thread.nanoTime();
    try {
      endpoint.onOpen(this);
    } catch (RuntimeException e) {
      appFailed("onOpen", e);
    }
    if (settings.pingIntervalNanos() > 0) {
      pingTimer = thread.schedule(java.time.Duration.ofNanos(settings.pingIntervalNanos()), this::onPingTimer);
    }
    if (settings.idleTimeoutNanos() > 0) {
      idleTimer = thread.schedule(java.time.Duration.ofNanos(settings.idleTimeoutNanos()), this::onIdleTimer);
    }
    if (leftover != null && leftover.hasRemaining() && !terminated) {
      onRead(leftover);
    } else {
      flushOut();
    }
  }

  // ---- any thread ----

  /** Queues a text message or fragment. Returns false if the session is closing or closed. */
  public boolean sendText(String data, boolean fin) {
    int size = data.length();
    if (thread.inLoop()) {
      return sendDataOnLoop(data, null, false, fin, size);
    }
    return offLoop(() -> sendDataOnLoop(data, null, false, fin, 0), size);
  }

  /**
   * Queues a binary message or fragment from a copy of {@code data}, which is borrowed for the call only.
   * On the loop thread the bytes go straight to the transport's {@link Transport#writeCopy} (for a server
   * without an extension on the message), so the copy is the only one; elsewhere they are copied into a
   * new buffer and sent as by {@link #sendBinary}.
   */
  public boolean sendBinaryCopy(ByteBuffer data, boolean fin) {
    int size = data.remaining();
    if (!thread.inLoop()) {
      return sendBinary(ByteBuffer.allocate(size).put(0, data, data.position(), size), fin);
    }
    return sendDataOnLoop(null, data, true, fin, size);
  }

  /** Queues a binary message or fragment; {@code data} is transferred. */
  public boolean sendBinary(ByteBuffer data, boolean fin) {
    int size = data.remaining();
    if (thread.inLoop()) {
      return sendDataOnLoop(null, data, false, fin, size);
    }
    return offLoop(() -> sendDataOnLoop(null, data, false, fin, 0), size);
  }

  /** Queues a ping; {@code payload} (at most 125 bytes) is transferred. */
  public boolean sendPing(ByteBuffer payload) {
    if (payload.remaining() > 125) {
      throw new IllegalArgumentException("ping payload " + payload.remaining() + " > 125 bytes (RFC 6455 5.5)");
    }
    if (thread.inLoop()) {
      return sendOnLoop(() -> conn.sendPing(payload), 0);
    }
    return offLoop(() -> sendOnLoop(() -> conn.sendPing(payload), 0), payload.remaining());
  }

  /** Starts the close handshake. Idempotent; later calls are ignored. */
  public void close(int code, String reason) {
    validateCloseArgs(code, reason);
    if (thread.inLoop()) {
      closeOnLoop(code, reason);
    } else {
      offLoop(() -> {
        closeOnLoop(code, reason);
        return true;
      }, 0);
      // the close is queued: later sends must be refused now, not accepted and then dropped by closeOnLoop
      closing = true;
    }
  }

  /** Asks for one {@link WsEndpoint#onWritable()} once the queue is at or below the low watermark. */
  public void requestWritable() {
    if (closing) {
      return; // no onWritable can follow; and after shutdown the loop would refuse the task
    }
    if (!WRITABLE_PENDING.compareAndSet(this, false, true)) {
      return; // coalesces with the request already waiting
    }
    thread.execute(() -> {
      if (!terminated && !closeSent) {
        writableRequested = true;
        checkWritable();
      }
    });
  }

  /** Whether queued output is at or below the high watermark. */
  public boolean isWritable() {
    return !closing && queuedBytes() <= settings.sendHighWatermark();
  }

  /** Bytes accepted by send and not yet written to the socket (approximate off the loop thread). */
  public long queuedBytes() {
    return inboxBytes + loopQueued;
  }

  public boolean isOpen() {
    return !closing;
  }

  public String state() {
    return terminated ? "CLOSED" : conn.state().name();
  }

  // ---- loop thread: sending ----

  private interface Send {
    void run();
  }

  private boolean offLoop(java.util.function.BooleanSupplier task, int size) {
    if (closing) {
      return false;
    }
    if (inboxBytes + loopQueued + size > settings.maxSendQueueBytes()) {
      thread.execute(() -> overCap(size));
      return false;
    }
    INBOX_BYTES.getAndAdd(this, (long) size);
    inbox().add(() -> {
      INBOX_BYTES.getAndAdd(this, (long) -size);
      task.getAsBoolean();
    });
    if (INBOX_SCHEDULED.compareAndSet(this, false, true)) {
      thread.execute(this::drainInbox);
    }
    return true;
  }

  private ConcurrentLinkedQueue<Runnable> inbox() {
    ConcurrentLinkedQueue<Runnable> q = inbox;
    if (q == null) {
      q = new ConcurrentLinkedQueue<>();
      if (!INBOX.compareAndSet(this, null, q)) {
        q = inbox; // another thread made it first
      }
    }
    return q;
  }

  private void dropInbox() {
    ConcurrentLinkedQueue<Runnable> q = inbox;
    if (q != null) {
      q.clear();
    }
    inboxBytes = 0;
  }

  private void drainInbox() {
    inboxScheduled = false;
    boolean was = dispatching;
    dispatching = true;
    try {
      Runnable r;
      ConcurrentLinkedQueue<Runnable> q = inbox;
      while (q != null && (r = q.poll()) != null) {
        try {
          r.run();
        } catch (RuntimeException e) {
          // an app mistake found only here (an unpaired surrogate, a message inside an open fragmented
          // one): the send already returned true, so drop it, say so, and keep the session going
          LOG.log(System.Logger.Level.WARNING, "a send queued from another thread was refused on the loop thread;"
              + " it is dropped", e);
        }
      }
    } finally {
      dispatching = was;
    }
    if (!was) {
      flushOut();
    }
  }

  /**
   * A text ({@code text} non-null) or binary message on the loop thread; a {@code borrowed} binary is
   * copied during the call. The hot path of an echo: the codec is called directly, with no lambda per
   * message.
   */
  private boolean sendDataOnLoop(String text, ByteBuffer binary, boolean borrowed, boolean fin, int size) {
    if (!canSendOnLoop(size)) {
      return false;
    }
    try {
      if (text != null) {
        conn.sendText(text, fin);
      } else if (borrowed) {
        sendBorrowedOnLoop(binary, fin);
      } else {
        conn.sendBinary(binary, fin);
      }
    } catch (LocalProtocolException e) {
      if (borrowed && !dispatching) {
        flushOut(); // what sendBorrowedOnLoop drained must not wait for a later flush
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
    return sentOnLoop();
  }

  /**
   * Output queued before goes to the transport first; then, for a server without an extension on the
   * message, the header and the borrowed payload are copied by the transport ({@link Transport#writeCopy}),
   * so that copy is the only one. Otherwise the codec has copied the payload into its own output.
   */
  private void sendBorrowedOnLoop(ByteBuffer data, boolean fin) {
    if (conn.hasPendingOutput()) {
      conn.drainTo(toTransport());
    }
    byte[] header = headerScratch;
    if (header == null) {
      header = headerScratch = new byte[14];
    }
    int h = conn.sendBinaryBorrowed(data, fin, header);
    if (h >= 0) {
      transport.writeCopy(ByteBuffer.wrap(header, 0, h), data);
    }
  }

  private boolean sendOnLoop(Send send, int size) {
    if (!canSendOnLoop(size)) {
      return false;
    }
    try {
      send.run();
    } catch (LocalProtocolException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return sentOnLoop();
  }

  private boolean canSendOnLoop(int size) {
    if (terminated || closeSent) {
      return false;
    }
    if (size > 0 && loopQueued + conn.pendingOutputBytes() + size > settings.maxSendQueueBytes()) {
      overCap(size);
      return false;
    }
    return true;
  }

  private boolean sentOnLoop() {
    if (!dispatching) {
      flushOut();
    } else {
      loopQueued = conn.pendingOutputBytes() + transport.pendingWriteBytes();
    }
    return true;
  }

  private void overCap(int size) {
    if (!terminated && !closeSent) {
      LOG.log(System.Logger.Level.DEBUG, "send queue cap {0} exceeded by a {1}-byte message; closing with 1008",
          settings.maxSendQueueBytes(), size);
      closeOnLoop(1008, "send queue exceeded " + settings.maxSendQueueBytes() + " bytes");
    }
  }

  private void flushOut() {
    if (conn.hasPendingOutput()) {
      conn.drainTo(toTransport());
    }
    transport.flush();
    loopQueued = transport.pendingWriteBytes();
    if (loopQueued > settings.maxSendQueueBytes() && !closeSent && !terminated) {
      // the peer stopped reading while making us answer (pongs, close replies): bound it like app sends
      overCap(0);
    }
    checkWritable();
  }

  private ByteSink toTransport() {
    if (toTransport == null) {
      toTransport = transport::write;
    }
    return toTransport;
  }

  private void checkWritable() {
    if (writableRequested && !terminated && !closeSent
        && transport.pendingWriteBytes() + conn.pendingOutputBytes() <= settings.sendLowWatermark()) {
      writableRequested = false;
      writablePending = false; // a request made from here on gets its own call
      try {
        endpoint.onWritable();
      } catch (RuntimeException e) {
        appFailed("onWritable", e);
      }
    }
  }

  private void closeOnLoop(int code, String reason) {
    if (terminated || closeSent) {
      return;
    }
    closeSent = true;
    closing = true;
    sentCode = code;
    sentReason = reason == null ? "" : reason;
    dropInbox();
    try {
      conn.sendClose(code, sentReason);
    } catch (LocalProtocolException e) {
      // the codec already sent a close (e.g. an echo); nothing more to send
    }
    if (!dispatching) {
      flushOut();
    }
    closeTimer = thread.schedule(java.time.Duration.ofNanos(settings.closeTimeoutNanos()), () -> {
      if (!terminated) {
        terminate(sentCode, sentReason, false,
            new TimeoutException("no close frame from the peer within " + millis(settings.closeTimeoutNanos())));
      }
      transport.abort();
    });
  }

  /** Closes with 1001, for shutdown. */
  public void goingAway(String reason) {
    close(1001, reason);
  }

  // ---- loop thread: transport callbacks ----

  @Override
  public void onOpen(Transport t) {
    // the transport opened before the upgrade; start() opens the session
  }

  @Override
  public void onRead(ByteBuffer data) {
    lastReadNanos = thread.nanoTime();
    awaitingPong = false;
    if (terminated) {
      return; // a client waiting for the server to close TCP discards what still comes
    }
    dispatching = true;
    try {
      WsConnection.InputBuffer[] spare = SPARE_INPUT.get();
      if (conn.lendInput(spare[0])) {
        spare[0] = null;
      }
      conn.receive(data);
      processEvents();
      // an idle connection keeps no input array: the drained one serves this thread's next read, on any
      // connection (a ping every minute on 10,000 connections would otherwise pin 40 MB)
      WsConnection.InputBuffer drained = conn.takeInputIfDrained();
      if (drained != null) {
        spare[0] = drained;
      }
    } finally {
      dispatching = false;
    }
    flushOut();
  }

  @Override
  public void onReadEof() {
    if (terminated) {
      transport.close();
      return;
    }
    dispatching = true;
    try {
      conn.receiveEof();
      processEvents();
    } finally {
      dispatching = false;
    }
    if (!terminated) {
      terminate(1006, "peer closed the connection without a close frame", true,
          new EOFException("peer closed the connection without a close frame"));
    }
    transport.close();
  }

  @Override
  public void onWriteDrained() {
    loopQueued = transport.pendingWriteBytes();
    checkWritable();
  }

  @Override
  public void onClosed(Throwable cause) {
    if (!terminated) {
      if (cause == null) {
        // an orderly close the peer did not cause (this side's abort, e.g. by the shutdown timeout, or the
        // loop shutting down): a local end, with the code we sent if we had started closing
        terminate(closeSent ? sentCode : 1006, closeSent ? sentReason : "connection closed", false,
            new IOException("the connection was closed by this side before the close handshake completed"));
      } else {
        terminate(1006, String.valueOf(cause.getMessage()), true, cause);
      }
    }
    cancelTimers();
  }

  private void processEvents() {
    while (!terminated) {
      WsEvent ev;
      try {
        ev = conn.nextEvent();
      } catch (RemoteProtocolException e) {
        failRemote(e);
        return;
      }
      if (ev == WsEvent.Signal.NEED_DATA) {
        return;
      }
      dispatch(ev);
    }
  }

  private void dispatch(WsEvent ev) {
    try {
      if (ev instanceof WsEvent.Text t) {
        onTextPiece(t);
      } else if (ev instanceof WsEvent.Binary b) {
        onBinaryPiece(b);
      } else if (ev instanceof WsEvent.Ping p) {
        if (!closeSent) {
          endpoint.onPing(p.payload());
        }
      } else if (ev instanceof WsEvent.Pong p) {
        if (!closeSent) {
          endpoint.onPong(p.payload());
        }
      } else if (ev instanceof WsEvent.CloseReceived c) {
        onCloseReceived(c);
      } else if (ev == WsEvent.Signal.CLOSED) {
        if (!terminated) {
          terminate(1006, "connection ended", true, new EOFException("connection ended"));
        }
      }
    } catch (RuntimeException e) {
      appFailed("a callback", e);
    }
  }

  private void onTextPiece(WsEvent.Text t) {
    if (closeSent) {
      return;
    }
    if (t.last() && text == null) {
      endpoint.onText(t.data());
      return;
    }
    if (text == null) {
      long want = (long) t.data().length() + conn.frameBytesRemaining(); // chars <= UTF-8 bytes
      text = new StringBuilder((int) Math.min(1 << 24, Math.max(16, want)));
    }
    text.append(t.data());
    if (t.last()) {
      String s = text.toString();
      text = null;
      endpoint.onText(s);
    }
  }

  private void onBinaryPiece(WsEvent.Binary b) {
    if (closeSent) {
      return;
    }
    ByteBuffer data = b.data();
    if (b.last() && binary == null) {
      endpoint.onBinary(data);
      return;
    }
    if (binary == null) {
      // size it once from what the frame still holds: a 64 KiB message arriving in pieces costs one array
      long want = (long) data.remaining() + conn.frameBytesRemaining();
      binary = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, Math.max(256, want)));
    } else if (binary.remaining() < data.remaining()) {
      long need = (long) binary.position() + data.remaining();
      ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * binary.capacity())));
      binary.flip();
      bigger.put(binary);
      binary = bigger;
    }
    binary.put(data);
    if (b.last()) {
      ByteBuffer whole = binary.flip().asReadOnlyBuffer();
      binary = null;
      endpoint.onBinary(whole);
    }
  }

  private void onCloseReceived(WsEvent.CloseReceived c) {
    if (c.code() == 1006) {
      // not from the wire (1006 may not be sent): the codec's report of end of input without a close
      // handshake, which is an abnormal end and needs a cause, not a clean close
      terminate(1006, c.reason(), true, new EOFException(c.reason()));
      return;
    }
    if (closeSent) {
      // our close was answered: the handshake is complete
      finishClose(sentCode, sentReason, false);
    } else {
      closeSent = true;
      closing = true;
      sentCode = c.code();
      finishClose(c.code(), c.reason(), true);
    }
  }

  private void finishClose(int code, String reason, boolean remote) {
    flushOut();
    terminate(code, reason, remote, null);
    if (client) {
      // RFC 6455 7.1.1: the server closes TCP first; give it the close timeout to do so
      if (closeTimer != null) {
        closeTimer.cancel();
      }
      closeTimer = thread.schedule(java.time.Duration.ofNanos(settings.closeTimeoutNanos()), transport::abort);
    } else {
      transport.close();
    }
  }

  private void failRemote(RemoteProtocolException e) {
    LOG.log(System.Logger.Level.DEBUG, "peer protocol error: {0}", e.getMessage());
    closeSent = true;
    closing = true;
    flushOut();
    terminate(e.closeCode() == 0 ? 1002 : e.closeCode(), e.getMessage(), true, e);
    transport.close();
  }

  private void appFailed(String where, RuntimeException e) {
    LOG.log(System.Logger.Level.WARNING, "handler threw in " + where + "; closing the session with 1011", e);
    if (!terminated && !closeSent) {
      closeOnLoop(1011, "internal error");
    }
  }

  private void onPingTimer() {
    if (terminated || closeSent) {
      return;
    }
    if (!awaitingPong) {
      awaitingPong = true;
      long n = thread.nanoTime();
      ByteBuffer payload = ByteBuffer.allocate(8).putLong(0, n);
      conn.sendPing(payload);
      flushOut();
      pongTimer = thread.schedule(java.time.Duration.ofNanos(settings.pongTimeoutNanos()), () -> {
        if (awaitingPong && !terminated) {
          // a timeout is this side's decision: remote is false (CloseStatus.remote)
          terminate(1006, "no answer to a keepalive ping within " + millis(settings.pongTimeoutNanos()), false,
              new TimeoutException("peer went silent: no pong within " + millis(settings.pongTimeoutNanos())));
          transport.abort();
        }
      });
    }
    pingTimer = thread.schedule(java.time.Duration.ofNanos(settings.pingIntervalNanos()), this::onPingTimer);
  }

  private void onIdleTimer() {
    if (terminated || closeSent) {
      return;
    }
    long idle = thread.nanoTime() - lastReadNanos;
    long left = settings.idleTimeoutNanos() - idle;
    if (left <= 0) {
      closeOnLoop(1001, "idle timeout");
    } else {
      idleTimer = thread.schedule(java.time.Duration.ofNanos(left), this::onIdleTimer);
    }
  }

  /** The one place that ends the session: onClose fires exactly once, after onOpen. */
  private void terminate(int code, String reason, boolean remote, Throwable cause) {
    if (terminated) {
      return;
    }
    terminated = true;
    closing = true;
    dropInbox();
    text = null;
    binary = null;
    cancelTimers();
    if (opened) {
      try {
        endpoint.onClose(code, reason == null ? "" : reason, remote, cause);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "handler threw in onClose", e);
      }
    }
    releaseExtension();
  }

  /** Frees the extension's native memory (Deflater/Inflater); nothing calls the connection after this. */
  private void releaseExtension() {
    if (extension != null) {
      try {
        extension.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing the session's extension failed", e);
      }
    }
  }

  private void cancelTimers() {
    for (Timer t : new Timer[] {closeTimer, pingTimer, pongTimer, idleTimer}) {
      if (t != null) {
        t.cancel();
      }
    }
    closeTimer = pingTimer = pongTimer = idleTimer = null;
  }

  private static void validateCloseArgs(int code, String reason) {
    boolean valid = code == 1000 || code == 1001 || code == 1002 || code == 1003 || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
    if (!valid) {
      throw new IllegalArgumentException("close code " + code
          + " may not be sent (RFC 6455 7.4): use 1000-1003, 1007-1014 or 3000-4999");
    }
    if (reason != null && reason.getBytes(StandardCharsets.UTF_8).length > 123) {
      throw new IllegalArgumentException("close reason is " + reason.getBytes(StandardCharsets.UTF_8).length
          + " UTF-8 bytes; at most 123 fit in a close frame (RFC 6455 5.5)");
    }
  }

  private static String millis(long nanos) {
    return (nanos / 1_000_000) + " ms";
  }
}
