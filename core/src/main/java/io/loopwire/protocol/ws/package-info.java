/**
 * RFC 6455 WebSocket framing, sans-I/O. {@link io.loopwire.protocol.ws.WsConnection} is one end of an open
 * connection: {@code receive}/{@code receiveEof} take bytes, {@code nextEvent} returns
 * {@link io.loopwire.protocol.ws.WsEvent}s, {@code send*} queue frames and {@code drainTo} hands them out,
 * automatic pongs and close replies included. {@link io.loopwire.protocol.ws.WsLimits} bounds what a peer
 * can make it accept; {@link io.loopwire.protocol.ws.WsPayloadTransform} is the seam for per-message
 * extensions such as permessage-deflate; {@link io.loopwire.protocol.ws.WsMasking} is the masking
 * primitive. The opening handshake lives in its own classes.
 */
package io.loopwire.protocol.ws;
