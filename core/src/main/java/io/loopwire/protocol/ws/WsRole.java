package io.loopwire.protocol.ws;

/**
 * Which end of a WebSocket connection a {@link WsConnection} is. It decides masking (RFC 6455 5.1): a
 * client masks every frame it sends and rejects masked frames; a server never masks and rejects unmasked
 * frames.
 */
public enum WsRole {
  CLIENT,
  SERVER
}
