package io.loopwire.protocol.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * What the first bytes of a server connection say before any {@code SSLEngine} exists: the server name
 * (SNI, RFC 6066 section 3) and ALPN protocols (RFC 7301) of the client's ClientHello (RFC 8446 4.1.2;
 * the same layout in TLS 1.2). A server peeks so that it can pick the vhost, and with it the
 * {@code SSLContext}, before creating the engine: this is what lets each vhost bring its own context.
 *
 * <p>{@link #peek} never consumes or changes its input: the caller keeps the bytes and hands them to the
 * engine it then creates. A ClientHello split over several records is reassembled, up to
 * {@link TlsLimits#maxClientHelloBytes()}.
 */
public sealed interface TlsHelloPeek permits TlsHelloPeek.Hello, TlsHelloPeek.NotTls, TlsHelloPeek.Signal {

  /**
   * A complete ClientHello.
   *
   * @param serverName the requested host name, lower-case, or {@code null} when the client sent none (as
   *     clients do for IP addresses)
   * @param applicationProtocols the ALPN protocols offered, in the client's order; empty when none
   */
  record Hello(String serverName, List<String> applicationProtocols) implements TlsHelloPeek {
    public Hello {
      applicationProtocols = List.copyOf(applicationProtocols);
    }
  }

  /**
   * The bytes are not a TLS ClientHello (for example plain HTTP sent to a TLS port).
   *
   * @param reason what was wrong, naming the offending value
   */
  record NotTls(String reason) implements TlsHelloPeek {
    public NotTls {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Not answers yet. */
  enum Signal implements TlsHelloPeek {
    /** The ClientHello is not complete yet: peek again when more bytes have arrived. */
    NEED_DATA,
    /** The ClientHello is longer than the limit: give up peeking (treat it as a hello without SNI). */
    TOO_LARGE
  }

  /**
   * Peeks at {@code data} (position to limit), the first bytes a client sent.
   *
   * <p>Ownership: {@code data} is borrowed and left unchanged.
   *
   * @param maxHelloBytes the largest ClientHello message to wait for ({@link TlsLimits#maxClientHelloBytes()})
   */
  static TlsHelloPeek peek(ByteBuffer data, int maxHelloBytes) {
    return TlsHelloParser.peek(data, maxHelloBytes);
  }
}
