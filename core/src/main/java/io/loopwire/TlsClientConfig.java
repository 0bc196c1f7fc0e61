package io.loopwire;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * TLS for client connections to {@code wss://} URIs ({@link ClientOptions#withTls}) and {@code https://} ones
 * ({@link HttpClientConfig#withTls}). Immutable; start
 * from {@link #defaults()}.
 *
 * <p>By default the server's certificate chain must lead to a CA the JDK trusts and must be valid for the
 * host name of the URI (endpoint identification {@code HTTPS}, RFC 2818/6125), and that name is sent as
 * SNI (not for IP addresses, which the certificate must then list). Custom trust is one call:
 * {@link #trustingCaPem(Path)}. The only way to skip the checks is the loudly named
 * {@link #insecureTrustAllCertificatesForTesting()}.
 *
 * <p>A failed handshake ends the connection attempt with a {@link ConnectException} whose step is
 * {@link ConnectException.Step#TLS} and whose message names the problem: an expired certificate, a
 * certificate for another host name, an unknown CA, a server that stalled.
 *
 * @param trust which CAs to trust; default {@link TlsTrust#system()}; {@code null} with a borrowed context
 * @param identity a client certificate to present when the server asks; default none
 * @param sslContext an app's own context, borrowed; {@code null} (the default) to build one from
 *     {@code trust} and {@code identity}
 * @param protocols enabled protocol versions; empty, the default, keeps the JDK's (TLS 1.3 and 1.2)
 * @param cipherSuites enabled cipher suites; empty, the default, keeps the JDK's
 * @param handshakeTimeout time from TCP connect to the end of the TLS handshake; default 10 s
 */
public record TlsClientConfig(
    TlsTrust trust,
    TlsIdentity identity,
    SSLContext sslContext,
    List<String> protocols,
    List<String> cipherSuites,
    Duration handshakeTimeout) {

  private static final TlsClientConfig DEFAULTS =
      new TlsClientConfig(TlsTrust.system(), null, null, List.of(), List.of(), Duration.ofSeconds(10));

  public TlsClientConfig {
    if (sslContext == null) {
      Checks.notNull("trust", trust);
    } else if (trust != null || identity != null) {
      throw new ConfigException("with a borrowed SSLContext, trust and identity come from it; give neither");
    }
    protocols = List.copyOf(protocols);
    cipherSuites = List.copyOf(cipherSuites);
    Checks.notNegative("handshakeTimeout", handshakeTimeout);
  }

  /** The JDK's trusted CAs, host name verified, no client certificate, 10 s handshake timeout. */
  public static TlsClientConfig defaults() {
    return DEFAULTS;
  }

  /** Trusts only the CA certificates in {@code caPem} (and still verifies the host name). */
  public static TlsClientConfig trustingCaPem(Path caPem) {
    return DEFAULTS.withTrust(TlsTrust.fromPem(caPem));
  }

  /**
   * Trusts EVERY server certificate for ANY host name: the connection is encrypted but not authenticated,
   * so anyone on the path can read and change it. For tests against a throwaway server only; each
   * connection logs a WARNING.
   */
  public static TlsClientConfig insecureTrustAllCertificatesForTesting() {
    return DEFAULTS.withTrust(TlsTrust.insecureTrustAllCertificatesForTesting());
  }

  /** Uses the app's own context, which Loopwire only borrows. The host name is still verified. */
  public static TlsClientConfig borrowing(SSLContext sslContext) {
    Checks.notNull("sslContext", sslContext);
    return new TlsClientConfig(null, null, sslContext, List.of(), List.of(), DEFAULTS.handshakeTimeout);
  }

  /** Whether the certificate and host name checks are off. */
  public boolean isInsecure() {
    return trust != null && trust.isInsecure();
  }

  public TlsClientConfig withTrust(TlsTrust v) {
    return new TlsClientConfig(v, identity, sslContext, protocols, cipherSuites, handshakeTimeout);
  }

  /** Presents {@code v} when the server asks for a client certificate. */
  public TlsClientConfig withIdentity(TlsIdentity v) {
    return new TlsClientConfig(trust, v, sslContext, protocols, cipherSuites, handshakeTimeout);
  }

  public TlsClientConfig withProtocols(String... v) {
    return new TlsClientConfig(trust, identity, sslContext, List.of(v), cipherSuites, handshakeTimeout);
  }

  public TlsClientConfig withCipherSuites(String... v) {
    return new TlsClientConfig(trust, identity, sslContext, protocols, List.of(v), handshakeTimeout);
  }

  public TlsClientConfig withHandshakeTimeout(Duration v) {
    return new TlsClientConfig(trust, identity, sslContext, protocols, cipherSuites, v);
  }
}
