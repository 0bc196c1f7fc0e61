package io.loopwire.protocol.ws;

/** Where a {@link WsConnection} is in its life, named for who did what (RFC 6455 7). */
public enum WsState {
  /** Both directions open: messages may be sent and received. */
  OPEN,
  /** We queued our close frame; nothing more will be sent, incoming data is discarded until the reply. */
  CLOSE_SENT,
  /**
   * The peer's close frame arrived and ours is not yet queued. {@link WsConnection} queues its reply at
   * once, so it passes straight to {@link #CLOSED}; the value exists for layers above that report the phase.
   */
  CLOSE_RECEIVED,
  /** The close handshake is complete, or the transport ended; nothing more will come or may be sent. */
  CLOSED,
  /** The peer broke the protocol; our close frame with the answer (1002, 1007, 1009) is queued. */
  FAILED
}
