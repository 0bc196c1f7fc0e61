package io.loopwire.protocol.ws;

import java.nio.ByteBuffer;

/**
 * The seam for a per-message extension that rewrites message payloads and marks them with RSV bits, such as
 * permessage-deflate (RFC 7692: RSV1 on the first frame of a compressed message). One instance serves one
 * connection, after the handshake negotiated it; {@link WsConnection} calls it only on its caller's thread.
 *
 * <p>Inbound, a data message whose first frame carries any of {@link #rsvBits()} is transformed: its payload
 * pieces go to {@link #decodeInput}, and the connection pulls plain bytes with {@link #decodeOutput} in
 * bounded pieces, which become the usual {@link WsEvent.Text} (UTF-8 checked after decoding) and
 * {@link WsEvent.Binary} events; the decoded size counts against {@link WsLimits#maxMessageBytes()}. RSV
 * bits on continuation or control frames, or bits outside {@link #rsvBits()}, stay protocol errors (1002).
 *
 * <p>Outbound, when a message starts the connection asks {@link #encodeMessage(boolean, int, boolean)}; if
 * true, each fragment goes through {@link #encode} and the first frame carries {@link #rsvBits()}.
 *
 * <p>A peer's bad transformed data is reported by throwing
 * {@link io.loopwire.protocol.RemoteProtocolException} with its close code; the connection then fails as for
 * any protocol error.
 */
public interface WsPayloadTransform {

  /** The RSV bits, as in the first header byte (RSV1 {@code 0x40}, RSV2 {@code 0x20}, RSV3 {@code 0x10}). */
  int rsvBits();

  /**
   * Takes the next piece of a transformed message's payload, as received (already unmasked).
   *
   * <p>Thread: the connection's caller. Calls: zero or more per message, in order, the last with
   * {@code endOfMessage}; each followed by {@link #decodeOutput} until it returns 0 or -1. Ownership:
   * {@code piece} is a read-only view borrowed for the call; copy what you keep. May: throw
   * {@code RemoteProtocolException}.
   */
  void decodeInput(ByteBuffer piece, boolean endOfMessage);

  /**
   * Writes decoded bytes of the current message into {@code dst} (up to its remaining space).
   *
   * <p>Thread: the connection's caller. Calls: repeatedly after {@link #decodeInput}. Ownership:
   * {@code dst} is borrowed for the call. May: throw {@code RemoteProtocolException}.
   *
   * @return the number of bytes written ({@code > 0}); {@code 0} if more input is needed; {@code -1} once
   *     the message's input has ended and all its output has been written (the transform is then ready for
   *     the next message)
   */
  int decodeOutput(ByteBuffer dst);

  /**
   * Whether to transform the outbound message that starts now.
   *
   * <p>Thread: the connection's caller. Calls: once per outbound data message, at its first fragment.
   */
  boolean encodeMessage(boolean text);

  /**
   * Whether to transform the outbound message that starts now, knowing the size of its first fragment (for
   * example to send small messages as they are). The connection calls this one; the default asks
   * {@link #encodeMessage(boolean)}.
   *
   * <p>Thread: the connection's caller. Calls: once per outbound data message, at its first fragment.
   *
   * @param firstFragmentBytes the payload size of the first fragment, before transformation (UTF-8 bytes
   *     for text)
   * @param wholeMessage whether that fragment is the whole message (FIN set), so that
   *     {@code firstFragmentBytes} is the message's size
   */
  default boolean encodeMessage(boolean text, int firstFragmentBytes, boolean wholeMessage) {
    return encodeMessage(text);
  }

  /**
   * Transforms one fragment of an outbound message that {@link #encodeMessage} accepted.
   *
   * <p>Thread: the connection's caller. Calls: once per fragment, the last with {@code endOfMessage}.
   * Ownership: {@code plain} is transferred; the returned buffer becomes the connection's.
   */
  ByteBuffer encode(ByteBuffer plain, boolean endOfMessage);
}
