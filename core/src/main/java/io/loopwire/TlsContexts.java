package io.loopwire;

import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Builds contexts and engines from the TLS config records. Thread: any; call off the loop (contexts are slow). */
final class TlsContexts {

  private static final System.Logger LOG = System.getLogger(TlsContexts.class.getName());
  private static final String[] ALPN = {"http/1.1"};

  private TlsContexts() {}

  static SSLContext server(TlsServerConfig c) {
    if (c.sslContext() != null) {
      return c.sslContext();
    }
    return build(c.identity(), c.clientTrust(), "the server context for " + c.identity());
  }

  static SSLContext client(TlsClientConfig c) {
    if (c.sslContext() != null) {
      return c.sslContext();
    }
    if (c.trust() == TlsTrust.system() && c.identity() == null) {
      try {
        return SSLContext.getDefault();
      } catch (GeneralSecurityException e) {
        throw new ConfigException("the JDK has no default SSLContext: " + e.getMessage(), e);
      }
    }
    return build(c.identity(), c.trust(), "a client context trusting " + c.trust());
  }

  private static SSLContext build(TlsIdentity identity, TlsTrust trust, String what) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(identity == null ? null : identity.keyManagers(), trust == null ? null : trust.trustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("cannot build " + what + ": " + e.getMessage(), e);
    }
  }

  /** A server engine: ALPN http/1.1, client authentication, protocols and suites from {@code c}. */
  static SSLEngine serverEngine(SSLContext ctx, TlsServerConfig c) {
    SSLEngine e = ctx.createSSLEngine();
    e.setUseClientMode(false);
    SSLParameters p = e.getSSLParameters();
    p.setApplicationProtocols(ALPN);
    restrict(p, c.protocols(), c.cipherSuites());
    switch (c.clientAuth()) {
      case NEED -> p.setNeedClientAuth(true);
      case WANT -> p.setWantClientAuth(true);
      default -> p.setNeedClientAuth(false);
    }
    e.setSSLParameters(p);
    return e;
  }

  /**
   * A client engine for {@code host}: endpoint identification HTTPS (unless insecure), SNI for host names
   * (not IP literals), ALPN http/1.1.
   */
  static SSLEngine clientEngine(SSLContext ctx, TlsClientConfig c, String host, int port) {
    SSLEngine e = ctx.createSSLEngine(host, port);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    if (c.isInsecure()) {
      LOG.log(System.Logger.Level.WARNING, "TLS to " + host + ":" + port + " trusts ANY certificate for ANY host"
          + " name (TlsClientConfig.insecureTrustAllCertificatesForTesting): not for production");
    } else {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    if (!isIpLiteral(host)) {
      try {
        p.setServerNames(List.of(new SNIHostName(host)));
      } catch (IllegalArgumentException ex) {
        // not a valid SNI name (RFC 6066 3); the certificate is still checked against it
      }
    }
    p.setApplicationProtocols(ALPN);
    restrict(p, c.protocols(), c.cipherSuites());
    e.setSSLParameters(p);
    return e;
  }

  private static void restrict(SSLParameters p, List<String> protocols, List<String> cipherSuites) {
    if (!protocols.isEmpty()) {
      p.setProtocols(protocols.toArray(new String[0]));
    }
    if (!cipherSuites.isEmpty()) {
      p.setCipherSuites(cipherSuites.toArray(new String[0]));
    }
  }

  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < host.length(); i++) {
      char ch = host.charAt(i);
      if (ch != '.' && (ch < '0' || ch > '9')) {
        return false;
      }
    }
    return !host.isEmpty();
  }
}
