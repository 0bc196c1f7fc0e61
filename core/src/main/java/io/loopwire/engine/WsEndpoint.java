package io.loopwire.engine;

import java.nio.ByteBuffer;

/**
 * What the engine tells the layer above about one WebSocket session. Every call runs on the session's
 * loop thread, never two at once; {@link #onClose} is the last call and comes exactly once after
 * {@link #onOpen}. Buffers are read-only and borrowed until the call returns.
 */
public interface WsEndpoint {

  void onOpen(WsSessionCore session);

  void onText(String text);

  void onBinary(ByteBuffer data);

  void onPing(ByteBuffer payload);

  void onPong(ByteBuffer payload);

  void onWritable();

  /**
   * @param code the close code (see the api's CloseStatus for its meaning)
   * @param remote whether the peer started the end
   * @param cause null for a clean close handshake
   */
  void onClose(int code, String reason, boolean remote, Throwable cause);
}
