package io.loopwire.protocol.ws;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What {@link WsConnection#nextEvent()} found in the received bytes. Data messages arrive as pieces
 * ({@link Text}, {@link Binary}) as soon as their bytes do, never buffered up to a whole frame or message;
 * a piece with {@code last == true} ends its message. Control frames ({@link Ping}, {@link Pong},
 * {@link CloseReceived}) may come between the pieces of a message.
 *
 * <p>Ownership: strings are the receiver's; every {@link ByteBuffer} is a read-only view borrowed until the
 * next call into the connection (copy what you keep).
 */
public sealed interface WsEvent
    permits WsEvent.Text, WsEvent.Binary, WsEvent.Ping, WsEvent.Pong, WsEvent.CloseReceived, WsEvent.Signal {

  /**
   * A piece of a text message: the complete code points received since the previous piece. A code point
   * split between frames or reads comes whole in the piece that completes it.
   *
   * @param data the text; may be empty only when {@code last}
   * @param last whether this piece ends the message
   */
  record Text(String data, boolean last) implements WsEvent {
    public Text {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A piece of a binary message.
   *
   * @param data read-only view, borrowed until the next call into the connection; may be empty only when
   *     {@code last}
   * @param last whether this piece ends the message
   */
  record Binary(ByteBuffer data, boolean last) implements WsEvent {
    public Binary {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A ping. The connection has already queued the pong (same payload) for the next drain, unless our close
   * frame was sent.
   *
   * @param payload read-only view of 0 to 125 bytes, borrowed until the next call into the connection
   */
  record Ping(ByteBuffer payload) implements WsEvent {
    public Ping {
      checkControlPayload(payload);
    }
  }

  /**
   * A pong, solicited or not.
   *
   * @param payload read-only view of 0 to 125 bytes, borrowed until the next call into the connection
   */
  record Pong(ByteBuffer payload) implements WsEvent {
    public Pong {
      checkControlPayload(payload);
    }
  }

  /**
   * The peer's close frame, or the end of the connection without one. Followed only by
   * {@link Signal#CLOSED}.
   *
   * @param code the peer's status code; {@link WsCloseCodes#NO_STATUS} (1005) for an empty close payload;
   *     {@link WsCloseCodes#ABNORMAL} (1006) when the transport ended without a close frame (then not from
   *     the wire and no reply is queued)
   * @param reason the peer's reason (valid UTF-8 by then), or empty
   */
  record CloseReceived(int code, String reason) implements WsEvent {
    public CloseReceived {
      if (code < 1000 || code > 4999) {
        throw new IllegalArgumentException("close code " + code + " is outside 1000-4999");
      }
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Not events but the absence of one (h11's sentinels). */
  enum Signal implements WsEvent {
    /** Nothing more can be decoded until more bytes are {@linkplain WsConnection#receive received}. */
    NEED_DATA,
    /** Nothing more will ever come: the close handshake completed or the transport ended. */
    CLOSED
  }

  private static void checkControlPayload(ByteBuffer payload) {
    Objects.requireNonNull(payload, "payload");
    if (payload.remaining() > 125) {
      throw new IllegalArgumentException(
          "control frame payload " + payload.remaining() + " > 125 bytes (RFC 6455 5.5)");
    }
  }
}
