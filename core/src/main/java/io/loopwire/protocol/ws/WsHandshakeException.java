package io.loopwire.protocol.ws;

import io.loopwire.protocol.RemoteProtocolException;

/**
 * A client's opening handshake failed because of the server's response (RFC 6455 section 4.1: the client
 * must <em>Fail the WebSocket Connection</em>). {@link #kind()} says which check failed and the message
 * says exactly what was received and what was expected.
 *
 * <p>It is a {@link RemoteProtocolException} because the peer is at fault. Its {@link #closeCode()} is
 * 1002 (protocol error), the status RFC 6455 attaches to failing the connection; since the WebSocket never
 * opened, no close frame is sent: the engine closes the transport and reports this exception through
 * {@code onConnectFailed}. {@link Kind#STATUS} covers a well-formed HTTP answer that is not 101 (for
 * example 401 or 404): not a broken HTTP rule, but the end of the WebSocket handshake all the same;
 * {@link #status()} carries the status received.
 */
public final class WsHandshakeException extends RemoteProtocolException {

  private static final long serialVersionUID = 1L;

  /** Which check of RFC 6455 section 4.1 failed, in the order they are made. */
  public enum Kind {
    /** The status was not 101 Switching Protocols. */
    STATUS,
    /** {@code Upgrade} was missing or not {@code websocket}. */
    UPGRADE,
    /** {@code Connection} was missing or had no {@code Upgrade} token. */
    CONNECTION,
    /** {@code Sec-WebSocket-Accept} was missing, repeated or did not match the key. */
    ACCEPT,
    /** {@code Sec-WebSocket-Extensions} was malformed, named an extension not offered, or had parameters
     * the extension's negotiator refused. */
    EXTENSION,
    /** {@code Sec-WebSocket-Protocol} named a subprotocol not offered, or more than one. */
    SUBPROTOCOL
  }

  private final Kind kind;
  private final int status;

  WsHandshakeException(Kind kind, int status, String message) {
    super(1002, 0, message);
    this.kind = kind;
    this.status = status;
  }

  /** Which check failed. */
  public Kind kind() {
    return kind;
  }

  /** The HTTP status of the response (101 unless {@link #kind()} is {@link Kind#STATUS}). */
  public int status() {
    return status;
  }
}
