package io.loopwire;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which certificate authorities to trust: the JDK's own list (the default), CA certificates you give, or,
 * for tests only, anything at all. Immutable.
 */
public final class TlsTrust {

  private static final TlsTrust SYSTEM = new TlsTrust(null, false, "the JDK's trusted CAs");
  private static final TlsTrust INSECURE = new TlsTrust(null, true, "INSECURE: every certificate, any host name");

  private final List<X509Certificate> cas;
  private final boolean trustAll;
  private final String description;

  private TlsTrust(List<X509Certificate> cas, boolean trustAll, String description) {
    this.cas = cas;
    this.trustAll = trustAll;
    this.description = description;
  }

  /** The JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore} if set). */
  public static TlsTrust system() {
    return SYSTEM;
  }

  /**
   * The CA certificates in a PEM file (one or more {@code -----BEGIN CERTIFICATE-----} blocks), and only
   * those: for a private CA, such as the one {@code loopwire serve --tls} makes.
   *
   * @throws ConfigException if the file is missing or holds no certificate
   */
  public static TlsTrust fromPem(Path caPem) {
    return new TlsTrust(TlsPem.certificates(TlsPem.read(caPem, "CA file"), caPem.toString()), false,
        "the CAs in " + caPem);
  }

  /** Like {@link #fromPem(Path)}, from the PEM text itself. */
  public static TlsTrust fromPemText(String caPem) {
    return new TlsTrust(TlsPem.certificates(caPem, "the CA PEM"), false, "the CAs in the given PEM");
  }

  /** Exactly these CA certificates. */
  public static TlsTrust of(X509Certificate... cas) {
    if (cas.length == 0) {
      throw new ConfigException("TlsTrust.of needs at least one CA certificate (TlsTrust.system() for the JDK's)");
    }
    return new TlsTrust(List.of(cas), false, cas.length + " given CA certificate(s)");
  }

  /**
   * Trusts EVERY certificate and skips the host name check: anyone on the path can read and change the
   * traffic. For tests against a throwaway server only; a WARNING is logged at each use.
   */
  public static TlsTrust insecureTrustAllCertificatesForTesting() {
    return INSECURE;
  }

  /** Whether this is {@link #insecureTrustAllCertificatesForTesting()}. */
  public boolean isInsecure() {
    return trustAll;
  }

  /** The CA certificates given, or an empty list for the JDK's own and for the insecure mode. */
  public List<X509Certificate> certificates() {
    return cas == null ? List.of() : cas;
  }

  /** Trust managers for {@code SSLContext.init}; {@code null} means the JDK's default. */
  TrustManager[] trustManagers() {
    if (trustAll) {
      return new TrustManager[] {new TrustAll()};
    }
    if (cas == null) {
      return null;
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : cas) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("cannot build trust from " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TlsTrust[" + description + "]";
  }

  /** Accepts everything: the insecure testing mode. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
