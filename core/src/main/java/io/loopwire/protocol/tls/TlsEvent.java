package io.loopwire.protocol.tls;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What {@link TlsConnection#nextEvent()} found. Ownership: every {@link ByteBuffer} is a read-only view
 * borrowed until the next call into the connection (copy what you keep); strings are the receiver's.
 */
public sealed interface TlsEvent
    permits TlsEvent.HandshakeDone, TlsEvent.Data, TlsEvent.CloseNotifyReceived, TlsEvent.Signal {

  /**
   * The handshake completed; application data may flow. Comes exactly once, before any {@link Data}.
   *
   * @param protocol the negotiated protocol version, for example {@code TLSv1.3}
   * @param cipherSuite the negotiated cipher suite
   * @param applicationProtocol the ALPN result, or the empty string when none was negotiated
   */
  record HandshakeDone(String protocol, String cipherSuite, String applicationProtocol) implements TlsEvent {
    public HandshakeDone {
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(cipherSuite, "cipherSuite");
      Objects.requireNonNull(applicationProtocol, "applicationProtocol");
    }
  }

  /**
   * Decrypted application data: the plaintext of one record.
   *
   * @param data read-only, never empty, borrowed until the next call into the connection
   */
  record Data(ByteBuffer data) implements TlsEvent {
    public Data {
      Objects.requireNonNull(data, "data");
      if (!data.hasRemaining()) {
        throw new IllegalArgumentException("a Data event is never empty");
      }
    }
  }

  /**
   * The peer sent close_notify: its data is complete (a clean end, unlike a transport EOF without it).
   * Comes at most once; after it only signals.
   */
  record CloseNotifyReceived() implements TlsEvent {}

  /** Not events: what the connection needs, or that it is done. */
  enum Signal implements TlsEvent {
    /** Feed more received bytes ({@link TlsConnection#receive}) before anything more can happen. */
    NEED_DATA,
    /**
     * The {@code SSLEngine} has delegated tasks (certificate checks, key exchange): run every
     * {@code engine.getDelegatedTask()} until it returns {@code null}, on any thread, then call
     * {@code nextEvent()} again. Until then call nothing on the connection but {@link TlsConnection#receive},
     * {@link TlsConnection#send} and the read-only accessors.
     */
    NEED_TASK,
    /**
     * The transport's input has ended ({@link TlsConnection#receiveEof}) and everything before it has been
     * delivered. Whether the peer ended cleanly is {@link TlsConnection#closeNotifyReceived()}: without its
     * close_notify the data may have been truncated.
     */
    END_OF_INPUT
  }
}
