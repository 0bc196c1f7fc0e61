package io.loopwire.protocol.tls;

/** Where a {@link TlsConnection} is, named for who did what. */
public enum TlsState {
  /** The handshake is under way; no application data yet. */
  HANDSHAKING,
  /** The handshake is done; data flows both ways. */
  OPEN,
  /** We sent close_notify: no more data out; the peer's data may still arrive. */
  CLOSE_SENT,
  /** The peer sent close_notify: no more data in; ours may still go out (TLS 1.3 half-close). */
  CLOSE_RECEIVED,
  /** Both close_notify alerts are through. */
  CLOSED,
  /** A handshake or record failure (ours or the peer's); the alert, if any, is queued for the drain. */
  FAILED
}
