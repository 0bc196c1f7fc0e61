package io.loopwire.protocol.tls;

/**
 * Bounds on what a TLS peer may make a {@link TlsConnection} (and the ClientHello peek of
 * {@link TlsHelloPeek}) hold. Immutable; {@link #defaults()} gives safe values and the withers change one
 * field each: {@code TlsLimits.defaults().withMaxBufferedInputBytes(64 << 10)}.
 *
 * @param maxBufferedInputBytes most received ciphertext held before it is decrypted. Default 262144
 *     (256 KiB): a partial record (at most about 16.7 KiB) plus what a loop may still deliver after the
 *     engine paused reading (one 64 KiB read buffer on the nio loop), with room to spare for loops that
 *     complete reads later. The driver pauses reading while the application does, so only a driver bug or
 *     a loop that ignores the pause can reach it; reaching it fails the connection. At least 34816
 *     (34 KiB), so that the largest record the JDK accepts always fits.
 * @param maxClientHelloBytes largest ClientHello a server peeks at to read the requested server name
 *     (SNI) before choosing a certificate. Default 16384 (16 KiB): real ClientHellos are 0.5 to 2 KiB
 *     (with post-quantum key shares); one that is larger is not peeked at but handed to the default
 *     vhost's engine, which then sees no server name.
 */
public record TlsLimits(int maxBufferedInputBytes, int maxClientHelloBytes) {

  /** Default {@link #maxBufferedInputBytes()}: 256 KiB. */
  public static final int DEFAULT_MAX_BUFFERED_INPUT_BYTES = 256 * 1024;
  /** Default {@link #maxClientHelloBytes()}: 16 KiB. */
  public static final int DEFAULT_MAX_CLIENT_HELLO_BYTES = 16 * 1024;

  private static final TlsLimits DEFAULTS =
      new TlsLimits(DEFAULT_MAX_BUFFERED_INPUT_BYTES, DEFAULT_MAX_CLIENT_HELLO_BYTES);

  /** Rejects values that would make a connection unusable. */
  public TlsLimits {
    // The JDK's packet buffer is 16709 bytes, or 33093 with large fragments allowed: a whole record must fit.
    if (maxBufferedInputBytes < 34 * 1024) {
      throw new IllegalArgumentException("maxBufferedInputBytes " + maxBufferedInputBytes
          + " must be >= 34816, so that the largest TLS record fits");
    }
    if (maxClientHelloBytes < 512) {
      throw new IllegalArgumentException("maxClientHelloBytes " + maxClientHelloBytes + " must be >= 512");
    }
  }

  /** The defaults described on each component. */
  public static TlsLimits defaults() {
    return DEFAULTS;
  }

  public TlsLimits withMaxBufferedInputBytes(int v) {
    return new TlsLimits(v, maxClientHelloBytes);
  }

  public TlsLimits withMaxClientHelloBytes(int v) {
    return new TlsLimits(maxBufferedInputBytes, v);
  }
}
