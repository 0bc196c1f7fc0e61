/**
 * permessage-deflate (RFC 7692), sans-I/O, on {@code java.util.zip} only.
 * {@link io.loopwire.protocol.deflate.DeflateNegotiator} takes part in the opening handshake on either side,
 * {@link io.loopwire.protocol.deflate.DeflateParams} is what it agreed, and
 * {@link io.loopwire.protocol.deflate.DeflateTransform} compresses and inflates one connection's messages
 * through {@link io.loopwire.protocol.ws.WsPayloadTransform}.
 * {@link io.loopwire.protocol.deflate.DeflateOptions} says what to ask for and how hard to compress.
 */
package io.loopwire.protocol.deflate;
