package io.loopwire.protocol.tls;

import io.loopwire.protocol.ByteSink;
import io.loopwire.protocol.LocalProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSession;

/**
 * TLS over the JDK's {@link SSLEngine}, sans-I/O: ciphertext in through {@link #receive}, events out
 * through {@link #nextEvent}, plaintext in through {@link #send}, ciphertext out through {@link #drainTo}.
 * No sockets, threads or clocks: the driver moves the bytes, runs the engine's delegated tasks where it
 * likes (see {@link TlsEvent.Signal#NEED_TASK}) and keeps the handshake timeout.
 *
 * <p>What it adds to the bare engine:
 * <ul>
 *   <li><b>Renegotiation is refused</b>: after the first handshake, a TLS 1.2 (or older) handshake started
 *       by the peer (a ClientHello to a server, a HelloRequest to a client) fails the connection with an
 *       {@link SSLProtocolException}. TLS 1.3's post-handshake messages (session tickets, key updates) are
 *       not renegotiation and pass.</li>
 *   <li><b>close_notify both ways</b>: {@link #sendCloseNotify} queues ours after the data sent before it;
 *       the peer's comes out as {@link TlsEvent.CloseNotifyReceived}, and anything received after it is
 *       discarded. A transport EOF without it ends in {@link TlsEvent.Signal#END_OF_INPUT} with
 *       {@link #closeNotifyReceived()} false (possible truncation), or, during the handshake, in an
 *       {@link SSLHandshakeException}.</li>
 *   <li><b>Bounded buffers</b>: received ciphertext is held up to {@link TlsLimits#maxBufferedInputBytes()};
 *       plaintext comes out one record at a time into one reused buffer. Queued plaintext is bounded by
 *       the caller (its own send watermarks).</li>
 *   <li><b>Coalesced records</b>: plaintext queued by several {@code send}s is wrapped together at the
 *       drain, up to 16 KiB per record, so a frame header and its payload share a record.</li>
 * </ul>
 *
 * <p>Errors: every {@link SSLException} leaves the connection {@link TlsState#FAILED}, with the engine's
 * alert (if it has one) queued for {@link #drainTo}; later calls other than {@code drainTo} and the
 * accessors throw {@link IllegalStateException}. Sending in the wrong state throws
 * {@link LocalProtocolException}.
 *
 * <p>Thread: confined to the caller, except that while a delegated task runs the caller may still call
 * {@link #receive}, {@link #send} and the accessors (they do not touch the engine).
 */
public final class TlsConnection {

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
  /** Plaintext buffers offered to one wrap: more could not fill a 16 KiB record in practice. */
  private static final int MAX_WRAP_SOURCES = 16;
  /** Plaintext per record (RFC 8446 5.1): a queue this large is wrapped straight into its own buffer. */
  private static final int MAX_RECORD_PLAINTEXT = 16 * 1024;

  private final SSLEngine engine;
  private final TlsLimits limits;
  private final ByteBuffer[] sources = new ByteBuffer[MAX_WRAP_SOURCES];
  private final ArrayDeque<ByteBuffer> plainOut = new ArrayDeque<>();
  private final ArrayDeque<ByteBuffer> netOut = new ArrayDeque<>();
  private final int initialAppBufferSize;
  private int packetSize;
  /** Received ciphertext, kept in read mode: position to limit is what the engine has not consumed. */
  private ByteBuffer netIn;
  private ByteBuffer appIn;
  private ByteBuffer scratch;
  private long plainOutBytes;
  private long netOutBytes;

  private TlsState state = TlsState.HANDSHAKING;
  private boolean handshakeFinished;
  private boolean handshakeReported;
  /** appIn holds plaintext that came with the end of the handshake: delivered after HandshakeDone. */
  private boolean dataPending;
  private boolean closeNotifyReceived;
  private boolean closeNotifyReported;
  private boolean closeNotifySent;
  private boolean outputClosed;
  private boolean inputEof;

  /**
   * Wraps {@code engine}, which must already be in client or server mode with its parameters set, and
   * begins the handshake (a client's ClientHello is then queued by the first {@link #nextEvent}).
   *
   * <p>Ownership: {@code engine} is transferred: only this connection (and the delegated tasks it asks
   * for) may use it from now on.
   *
   * @throws SSLException if the engine cannot begin (for example no protocol or cipher suite enabled)
   */
  public TlsConnection(SSLEngine engine, TlsLimits limits) throws SSLException {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.limits = Objects.requireNonNull(limits, "limits");
    SSLSession session = engine.getSession();
    this.packetSize = session.getPacketBufferSize();
    this.initialAppBufferSize = session.getApplicationBufferSize();
    this.netIn = ByteBuffer.allocate(packetSize).flip();
    this.appIn = ByteBuffer.allocate(initialAppBufferSize);
    this.scratch = ByteBuffer.allocate(packetSize);
    engine.beginHandshake();
  }

  /** Where the connection is. */
  public TlsState state() {
    return state;
  }

  /** Whether {@link TlsEvent.HandshakeDone} has been returned. */
  public boolean isHandshakeDone() {
    return handshakeReported;
  }

  /** Whether the peer's close_notify has arrived: its data ended cleanly. */
  public boolean closeNotifyReceived() {
    return closeNotifyReceived;
  }

  /** Plaintext queued by {@link #send} and not yet wrapped, plus ciphertext not yet drained. */
  public long pendingOutputBytes() {
    return plainOutBytes + netOutBytes;
  }

  /** Whether {@link #drainTo} has ciphertext to hand out now (queued plaintext may need a drain to wrap). */
  public boolean hasPendingOutput() {
    return netOutBytes > 0 || plainOutBytes > 0;
  }

  /** Received ciphertext not yet decrypted. */
  public int bufferedInputBytes() {
    return netIn.remaining();
  }

  /** The engine's session: the handshake session while handshaking, then the negotiated one. */
  public SSLSession session() {
    SSLSession hs = handshakeReported ? null : engine.getHandshakeSession();
    return hs != null ? hs : engine.getSession();
  }

  /**
   * Takes received ciphertext.
   *
   * <p>Ownership: {@code data} is borrowed: everything remaining is read (and copied) during the call.
   * Bytes that arrive after the peer's close_notify are discarded.
   *
   * @throws SSLProtocolException if more than {@link TlsLimits#maxBufferedInputBytes()} would be held
   *     (the connection is then FAILED, without an alert)
   * @throws IllegalStateException after {@link #receiveEof} or a failure
   */
  public void receive(ByteBuffer data) throws SSLException {
    checkUsable("receive");
    if (inputEof) {
      throw new IllegalStateException("receive after receiveEof");
    }
    int n = data.remaining();
    if (n == 0) {
      return;
    }
    if (closeNotifyReceived) {
      data.position(data.limit());
      return;
    }
    long held = (long) netIn.remaining() + n;
    if (held > limits.maxBufferedInputBytes()) {
      state = TlsState.FAILED;
      throw new SSLProtocolException("maxBufferedInputBytes " + limits.maxBufferedInputBytes()
          + " exceeded (observed " + held + "): received ciphertext is not being read");
    }
    if (netIn.capacity() - netIn.limit() < n) {
      int need = netIn.remaining() + n;
      if (need <= netIn.capacity()) {
        netIn.compact().flip();
      } else {
        int grown = Math.max(need, Math.min(limits.maxBufferedInputBytes(), netIn.capacity() * 2));
        netIn = ByteBuffer.allocate(grown).put(netIn).flip();
      }
    }
    int start = netIn.position();
    int end = netIn.limit();
    netIn.limit(end + n).position(end);
    netIn.put(data);
    netIn.position(start);
  }

  /** The transport's input ended. Idempotent. */
  public void receiveEof() {
    inputEof = true;
  }

  /**
   * Queues application plaintext; {@link #drainTo} wraps it once the handshake is done.
   *
   * <p>Ownership: {@code data} is transferred at entry (position to limit): the caller must not touch it.
   *
   * @throws LocalProtocolException after {@link #sendCloseNotify} or once the engine has closed its output
   * @throws IllegalStateException after a failure
   */
  public void send(ByteBuffer data) {
    checkUsable("send");
    if (closeNotifySent || outputClosed) {
      throw new LocalProtocolException("send after close_notify (state " + state + ")");
    }
    int n = data.remaining();
    if (n > 0) {
      plainOut.add(data);
      plainOutBytes += n;
    }
  }

  /**
   * The next event: {@link TlsEvent.HandshakeDone} once, then {@link TlsEvent.Data} for each record of
   * application data, {@link TlsEvent.CloseNotifyReceived} at most once, or a {@link TlsEvent.Signal}.
   * Handshake messages the engine must answer are queued for {@link #drainTo} on the way.
   *
   * @throws SSLException the handshake or a record failed (bad certificate, bad MAC, an alert from the
   *     peer, the peer closing during the handshake, or renegotiation refused); the connection is then
   *     FAILED and the alert queued
   * @throws IllegalStateException after a failure
   */
  public TlsEvent nextEvent() throws SSLException {
    checkUsable("nextEvent");
    while (true) {
      if (handshakeFinished && !handshakeReported) {
        handshakeReported = true;
        if (state == TlsState.HANDSHAKING) {
          state = TlsState.OPEN;
        }
        String alpn = engine.getApplicationProtocol();
        SSLSession s = engine.getSession();
        return new TlsEvent.HandshakeDone(s.getProtocol(), s.getCipherSuite(), alpn == null ? "" : alpn);
      }
      if (dataPending) {
        dataPending = false;
        return new TlsEvent.Data(appIn.asReadOnlyBuffer());
      }
      if (closeNotifyReceived && !closeNotifyReported) {
        closeNotifyReported = true;
        return new TlsEvent.CloseNotifyReceived();
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        return TlsEvent.Signal.NEED_TASK;
      }
      if (hs == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
        wrapControl();
        continue;
      }
      if (closeNotifyReceived || engine.isInboundDone() || !netIn.hasRemaining()) {
        return inputEof ? endOfInput() : TlsEvent.Signal.NEED_DATA;
      }
      appIn.clear();
      SSLEngineResult r;
      try {
        r = engine.unwrap(netIn, appIn);
      } catch (SSLException e) {
        throw fail(e);
      }
      noteFinished(r);
      checkRenegotiation(r);
      switch (r.getStatus()) {
        case BUFFER_UNDERFLOW:
          shrinkInputIfEmpty();
          return inputEof ? endOfInput() : TlsEvent.Signal.NEED_DATA;
        case BUFFER_OVERFLOW:
          growAppBuffer();
          continue;
        case CLOSED:
          if (engine.isInboundDone()) {
            closeNotifyReceived = true;
            state = closeNotifySent || state == TlsState.CLOSE_SENT ? TlsState.CLOSED : TlsState.CLOSE_RECEIVED;
            netIn.position(netIn.limit());
          } else if (r.bytesConsumed() == 0) {
            netIn.position(netIn.limit()); // the engine takes no more input; nothing can come of it
          }
          continue;
        default: // OK
          shrinkInputIfEmpty();
          if (r.bytesProduced() > 0) {
            appIn.flip();
            if (handshakeFinished && !handshakeReported) {
              dataPending = true;
              continue;
            }
            return new TlsEvent.Data(appIn.asReadOnlyBuffer());
          }
          if (r.bytesConsumed() == 0 && !progressing(r.getHandshakeStatus())) {
            return inputEof ? endOfInput() : TlsEvent.Signal.NEED_DATA;
          }
      }
    }
  }

  private static boolean progressing(HandshakeStatus hs) {
    return hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.FINISHED;
  }

  private TlsEvent endOfInput() throws SSLException {
    if (!handshakeFinished) {
      throw failQuietly(new SSLHandshakeException("the peer closed the connection during the TLS handshake"));
    }
    return TlsEvent.Signal.END_OF_INPUT;
  }

  /**
   * Hands out pending ciphertext: handshake messages, alerts, and the queued plaintext wrapped into
   * records (once the handshake is done and no delegated task is pending).
   *
   * <p>Ownership: each buffer is transferred to {@code sink}.
   *
   * @throws SSLException if wrapping fails (the connection is then FAILED; what is already queued,
   *     including the alert, is still handed out by the next call)
   */
  public void drainTo(ByteSink sink) throws SSLException {
    if (state != TlsState.FAILED) {
      wrapData();
    }
    while (!netOut.isEmpty()) {
      ByteBuffer b = netOut.poll();
      netOutBytes -= b.remaining();
      sink.accept(b);
    }
  }

  /**
   * Queues close_notify after whatever plaintext is queued (wrapped first, if the handshake is done;
   * dropped if not). Later {@link #send}s throw. Idempotent; does nothing after a failure.
   *
   * @throws SSLException if the engine fails while wrapping
   */
  public void sendCloseNotify() throws SSLException {
    if (state == TlsState.FAILED || closeNotifySent) {
      return;
    }
    if (handshakeFinished && engine.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
      wrapData();
    }
    plainOut.clear();
    plainOutBytes = 0;
    closeNotifySent = true;
    state = closeNotifyReceived ? TlsState.CLOSED : TlsState.CLOSE_SENT;
    engine.closeOutbound();
    for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
      if (wrapControl() == 0) {
        break;
      }
    }
  }

  private void wrapData() throws SSLException {
    if (!handshakeFinished || outputClosed) {
      return;
    }
    while (plainOutBytes > 0) {
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        return; // the driver runs the tasks and drains again
      }
      if (hs == HandshakeStatus.NEED_WRAP) {
        wrapControl(); // a post-handshake message (TLS 1.3 key update) goes first
        continue;
      }
      int n = 0;
      for (ByteBuffer b : plainOut) {
        if (n == MAX_WRAP_SOURCES) {
          break;
        }
        sources[n++] = b;
      }
      // A full record's worth goes straight into a buffer of its own; small writes share the scratch buffer.
      boolean own = plainOutBytes >= MAX_RECORD_PLAINTEXT;
      ByteBuffer dst = own ? ByteBuffer.allocate(packetSize) : scratch.clear();
      SSLEngineResult r;
      try {
        r = engine.wrap(sources, 0, n, dst);
      } catch (SSLException e) {
        throw fail(e);
      } finally {
        Arrays.fill(sources, 0, n, null);
      }
      plainOutBytes -= r.bytesConsumed();
      while (!plainOut.isEmpty() && !plainOut.peekFirst().hasRemaining()) {
        plainOut.pollFirst();
      }
      noteFinished(r);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        growPacketBuffers();
        continue;
      }
      emit(dst.flip(), own);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        outputClosed = true; // the engine closed its output (TLS 1.2 after the peer's close_notify)
        plainOut.clear();
        plainOutBytes = 0;
        return;
      }
      if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
        return; // no progress possible now
      }
    }
  }

  /** Wraps nothing: the engine's handshake messages, alerts or close_notify. Returns the bytes produced. */
  private int wrapControl() throws SSLException {
    while (true) {
      scratch.clear();
      SSLEngineResult r;
      try {
        r = engine.wrap(EMPTY, scratch);
      } catch (SSLException e) {
        throw fail(e);
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        growPacketBuffers();
        continue;
      }
      noteFinished(r);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        outputClosed = true; // our close_notify is out, asked for or sent by the engine in reply (TLS 1.2)
        if (state == TlsState.CLOSE_RECEIVED) {
          state = TlsState.CLOSED;
        }
      }
      emit(scratch.flip(), false);
      return r.bytesProduced();
    }
  }

  private void emit(ByteBuffer produced, boolean own) {
    int n = produced.remaining();
    if (n == 0) {
      return;
    }
    ByteBuffer out = own ? produced : ByteBuffer.allocate(n).put(produced).flip();
    netOut.add(out);
    netOutBytes += n;
  }

  private void noteFinished(SSLEngineResult r) {
    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
      handshakeFinished = true;
    }
  }

  /** After the first handshake, a TLS 1.2 peer asking for another one is refused. */
  private void checkRenegotiation(SSLEngineResult r) throws SSLException {
    if (!handshakeFinished || r.getHandshakeStatus() == HandshakeStatus.FINISHED
        || r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
        || engine.isInboundDone() || engine.isOutboundDone() || closeNotifySent) {
      return;
    }
    String protocol = engine.getSession().getProtocol();
    if ("TLSv1.3".equals(protocol)) {
      return; // post-handshake messages (tickets, key updates), not renegotiation
    }
    throw fail(new SSLProtocolException("the peer started a renegotiation of its " + protocol
        + " session; renegotiation is refused (Loopwire does not renegotiate)"));
  }

  private void growAppBuffer() throws SSLException {
    int want = Math.max(engine.getSession().getApplicationBufferSize(), appIn.capacity() * 2);
    if (want > 4 * Math.max(initialAppBufferSize, MAX_RECORD_PLAINTEXT)) {
      throw fail(new SSLProtocolException("a record decrypts to more than " + appIn.capacity() + " bytes"));
    }
    appIn = ByteBuffer.allocate(want);
  }

  private void growPacketBuffers() throws SSLException {
    int want = Math.max(engine.getSession().getPacketBufferSize(), scratch.capacity() + 1024);
    if (want > limits.maxBufferedInputBytes()) {
      throw fail(new SSLProtocolException("a record needs more than " + scratch.capacity() + " bytes"));
    }
    packetSize = want;
    scratch = ByteBuffer.allocate(want);
  }

  /** A connection whose input grew past a few records gives the memory back once it is drained. */
  private void shrinkInputIfEmpty() {
    if (!netIn.hasRemaining() && netIn.capacity() > 2 * packetSize) {
      netIn = ByteBuffer.allocate(packetSize).flip();
    }
  }

  /** Marks the connection failed and queues the engine's alert (if any) for the drain. */
  private SSLException fail(SSLException e) {
    state = TlsState.FAILED;
    plainOut.clear();
    plainOutBytes = 0;
    try {
      engine.closeOutbound();
      for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
        scratch.clear();
        SSLEngineResult r = engine.wrap(EMPTY, scratch);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          break;
        }
        emit(scratch.flip(), false);
        if (r.bytesProduced() == 0) {
          break;
        }
      }
    } catch (SSLException | RuntimeException ignored) {
      // the engine is past sending anything; the transport's close tells the peer
    }
    return e;
  }

  private SSLException failQuietly(SSLException e) {
    state = TlsState.FAILED;
    plainOut.clear();
    plainOutBytes = 0;
    return e;
  }

  private void checkUsable(String method) {
    if (state == TlsState.FAILED) {
      throw new IllegalStateException(method + " on a TlsConnection in state FAILED");
    }
  }
}
