package io.loopwire.engine;

import io.loopwire.loop.TransportHandler;

/**
 * Where TLS slots into a client connection: given the handler that speaks HTTP, returns the handler the
 * loop should connect (or a proxy tunnel should open) with, which performs the handshake and then opens
 * {@code plain} on a decrypting transport decorator. Reports a failed handshake through
 * {@code plain.onConnectFailed} (an {@link javax.net.ssl.SSLException} cause is classified as TLS).
 */
@FunctionalInterface
public interface TlsWrapper {

  /** Thread: the connection's loop thread, once per connection attempt. */
  TransportHandler wrap(String host, int port, TransportHandler plain);
}
