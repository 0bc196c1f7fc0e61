package io.loopwire.engine.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns the JDK's handshake failures into messages that say what is wrong and what to do: the JDK's own
 * ("PKIX path building failed: ... unable to find valid certification path to requested target") names
 * the mechanism, not the problem. The original stays the cause.
 */
public final class TlsFailures {

  private TlsFailures() {}

  /**
   * A client's handshake failure, described.
   *
   * @param host the host name (or IP address) the client connected to and verified against
   */
  public static SSLHandshakeException describe(SSLException e, String host) {
    String message = explain(e, host);
    SSLHandshakeException out = new SSLHandshakeException(message);
    out.initCause(e);
    return out;
  }

  static String explain(Throwable e, String host) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof CertificateExpiredException) {
        return "the certificate of " + host + " has expired (" + c.getMessage() + ")";
      }
      if (c instanceof CertificateNotYetValidException) {
        return "the certificate of " + host + " is not valid yet (" + c.getMessage() + ")";
      }
      if (c instanceof CertPathBuilderException) {
        return "the certificate of " + host + " is not signed by a trusted CA (unknown CA): no chain to a"
            + " trusted root; trust its CA with TlsClientConfig.trustingCaPem(file)";
      }
      if (c instanceof CertificateException && c.getMessage() != null
          && (c.getMessage().startsWith("No subject alternative") || c.getMessage().startsWith("No name matching"))) {
        return "the certificate presented by " + host + " is not valid for that host name (" + c.getMessage() + ")";
      }
    }
    String m = e.getMessage();
    return "TLS handshake with " + host + " failed: " + (m == null ? e.getClass().getSimpleName() : m);
  }
}
