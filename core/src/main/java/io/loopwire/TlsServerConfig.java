package io.loopwire;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * TLS for a vhost ({@link VhostConfig#withTls}): its certificate, optional client-certificate
 * authentication, and the protocol versions and cipher suites (the JDK's defaults unless set). Immutable;
 * start from {@link #fromPem}, {@link #fromPkcs12}, {@link #of} or {@link #borrowing}.
 *
 * <p>Every TLS connection advertises ALPN {@code http/1.1}. When several TLS vhosts share a port, the
 * server name the client asks for (SNI) picks the vhost, and with it the certificate, before the
 * handshake starts; a client that names no vhost (or asks by IP address) gets the port's default vhost
 * (the first without server names, else the first). See docs/tls.md.
 *
 * @param identity the certificate chain and key to present; {@code null} when {@code sslContext} is given
 * @param sslContext an app's own context, borrowed (never closed or changed); {@code null} when
 *     {@code identity} is given
 * @param clientAuth whether to ask clients for a certificate; default {@link ClientAuth#NONE}
 * @param clientTrust the CAs that may sign client certificates; {@code null} for the JDK's default trust
 *     (with a borrowed context: its own trust managers, and this must be {@code null})
 * @param protocols enabled protocol versions (for example {@code TLSv1.3}); empty, the default, keeps the
 *     JDK's (TLS 1.3 and 1.2 on Java 17)
 * @param cipherSuites enabled cipher suites; empty, the default, keeps the JDK's
 * @param handshakeTimeout time a client has from TCP accept to the end of the TLS handshake; default 10 s,
 *     like the HTTP handshake timeout, so a peer that stalls mid-handshake does not hold a connection for
 *     long
 */
public record TlsServerConfig(
    TlsIdentity identity,
    SSLContext sslContext,
    ClientAuth clientAuth,
    TlsTrust clientTrust,
    List<String> protocols,
    List<String> cipherSuites,
    Duration handshakeTimeout) {

  /** Client-certificate authentication. */
  public enum ClientAuth {
    /** Ask for no client certificate (the default). */
    NONE,
    /** Ask for one; a client without a certificate still connects ({@code HandshakeRequest#tlsSession()} says). */
    WANT,
    /** Require one signed by a trusted CA; the handshake fails without it. */
    NEED
  }

  private static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  public TlsServerConfig {
    if ((identity == null) == (sslContext == null)) {
      throw new ConfigException("TLS needs exactly one of a certificate (TlsIdentity) and an SSLContext");
    }
    Checks.notNull("clientAuth", clientAuth);
    if (sslContext != null && clientTrust != null) {
      throw new ConfigException("with a borrowed SSLContext, client certificates are checked by its own trust"
          + " managers; give no clientTrust");
    }
    if (clientTrust != null && clientTrust.isInsecure()) {
      throw new ConfigException("a server may not trust every client certificate; give the clients' CA");
    }
    protocols = List.copyOf(protocols);
    cipherSuites = List.copyOf(cipherSuites);
    Checks.notNegative("handshakeTimeout", handshakeTimeout);
  }

  /** Presents {@code identity}, with the defaults. */
  public static TlsServerConfig of(TlsIdentity identity) {
    Checks.notNull("identity", identity);
    return new TlsServerConfig(identity, null, ClientAuth.NONE, null, List.of(), List.of(), DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /** Presents the PEM chain and PKCS#8 key in these files ({@link TlsIdentity#fromPem}). */
  public static TlsServerConfig fromPem(Path certChainPem, Path keyPem) {
    return of(TlsIdentity.fromPem(certChainPem, keyPem));
  }

  /** Presents the key and chain of a PKCS#12 file ({@link TlsIdentity#fromPkcs12}). */
  public static TlsServerConfig fromPkcs12(Path file, char[] password) {
    return of(TlsIdentity.fromPkcs12(file, password));
  }

  /**
   * Uses the app's own context (key managers, trust managers, session settings), which Loopwire only
   * borrows: it creates engines from it and never changes or closes it. ALPN, client authentication,
   * protocols and cipher suites are still set per engine from this record.
   */
  public static TlsServerConfig borrowing(SSLContext sslContext) {
    Checks.notNull("sslContext", sslContext);
    return new TlsServerConfig(null, sslContext, ClientAuth.NONE, null, List.of(), List.of(), DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /** Asks clients for a certificate, checked against the JDK's trust (or a borrowed context's). */
  public TlsServerConfig withClientAuth(ClientAuth v) {
    return new TlsServerConfig(identity, sslContext, v, clientTrust, protocols, cipherSuites, handshakeTimeout);
  }

  /** Asks clients for a certificate signed by one of {@code trust}'s CAs. */
  public TlsServerConfig withClientAuth(ClientAuth v, TlsTrust trust) {
    Checks.notNull("trust", trust);
    return new TlsServerConfig(identity, sslContext, v, trust, protocols, cipherSuites, handshakeTimeout);
  }

  public TlsServerConfig withProtocols(String... v) {
    return new TlsServerConfig(identity, sslContext, clientAuth, clientTrust, List.of(v), cipherSuites, handshakeTimeout);
  }

  public TlsServerConfig withCipherSuites(String... v) {
    return new TlsServerConfig(identity, sslContext, clientAuth, clientTrust, protocols, List.of(v), handshakeTimeout);
  }

  public TlsServerConfig withHandshakeTimeout(Duration v) {
    return new TlsServerConfig(identity, sslContext, clientAuth, clientTrust, protocols, cipherSuites, v);
  }
}
