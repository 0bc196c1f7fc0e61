/**
 * Sans-I/O TLS over the JDK's {@code SSLEngine} ({@code javax.net.ssl}, part of {@code java.base}):
 * {@link io.loopwire.protocol.tls.TlsConnection} moves bytes through the engine with the same verbs as
 * every protocol here ({@code receive}, {@code nextEvent}, {@code send}, {@code drainTo}), refuses
 * renegotiation and bounds what it buffers; {@link io.loopwire.protocol.tls.TlsHelloPeek} reads the
 * server name and ALPN offer of a ClientHello before any engine exists, so a server can choose its
 * certificate by SNI. Delegated tasks are handed to the driver ({@code NEED_TASK}); nothing here starts a
 * thread, reads a clock or touches a socket.
 */
package io.loopwire.protocol.tls;
