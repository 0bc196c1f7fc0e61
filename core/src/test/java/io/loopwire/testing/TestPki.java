package io.loopwire.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests (BouncyCastle, test scope only): a CA, and server or
 * client certificates it signs, valid or expired, for any DNS names and IP addresses. EC P-256 keys,
 * which are fast to make.
 */
public final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private static final char[] PASSWORD = "test".toCharArray();

  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate caCert;

  private TestPki(String name, KeyPair caKeys, X509Certificate caCert) {
    this.name = name;
    this.caKeys = caKeys;
    this.caCert = caCert;
  }

  /** A new CA called {@code name}, valid from yesterday for a year. */
  public static TestPki create(String name) {
    try {
      KeyPair keys = newKeys();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name + ",O=Loopwire tests");
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofDays(1))),
          Date.from(now.plus(Duration.ofDays(365))), subject, keys.getPublic());
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keys.getPublic()));
      return new TestPki(name, keys, sign(b, keys.getPrivate()));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make test CA " + name, e);
    }
  }

  /** A key and its chain (leaf first, then the CA). */
  public record Issued(PrivateKey key, List<X509Certificate> chain) {

    public X509Certificate leaf() {
      return chain.get(0);
    }

    /** A server (or client-identity) SSLContext presenting this certificate, trusting nothing extra. */
    public SSLContext context() {
      return context(null);
    }

    /** As {@link #context()}, trusting {@code trust}'s CA for the peer's certificate. */
    public SSLContext context(TestPki trust) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key, PASSWORD, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trust == null ? null : trust.trustManagerFactory().getTrustManagers(), null);
        return ctx;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }

    public String certChainPem() {
      StringBuilder sb = new StringBuilder();
      for (X509Certificate c : chain) {
        sb.append(pem("CERTIFICATE", encoded(c)));
      }
      return sb.toString();
    }

    /** The key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Writes {@code NAME.pem} (chain) and {@code NAME-key.pem} into {@code dir}; returns {cert, key}. */
    public Path[] write(Path dir, String name) throws IOException {
      Path cert = dir.resolve(name + ".pem");
      Path keyFile = dir.resolve(name + "-key.pem");
      Files.writeString(cert, certChainPem(), StandardCharsets.US_ASCII);
      Files.writeString(keyFile, keyPem(), StandardCharsets.US_ASCII);
      return new Path[] {cert, keyFile};
    }

    /** Writes a PKCS#12 file with this key and chain under {@code password}. */
    public Path writePkcs12(Path file, char[] password) throws IOException {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key, password, chain.toArray(new Certificate[0]));
        try (var out = Files.newOutputStream(file)) {
          ks.store(out, password);
        }
        return file;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public X509Certificate caCert() {
    return caCert;
  }

  public String caPem() {
    return pem("CERTIFICATE", encoded(caCert));
  }

  /** Writes the CA certificate as PEM to {@code file}. */
  public Path writeCaPem(Path file) throws IOException {
    Files.writeString(file, caPem(), StandardCharsets.US_ASCII);
    return file;
  }

  /** A TrustManagerFactory that trusts this CA only. */
  public TrustManagerFactory trustManagerFactory() {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      return tmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client SSLContext trusting this CA only. */
  public SSLContext trustingContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trustManagerFactory().getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server certificate for {@code names} (DNS names or IP literals), valid now. */
  public Issued server(String... names) {
    Instant now = Instant.now();
    return issue(names[0], List.of(names), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), false);
  }

  /** A server certificate for {@code names} that expired yesterday. */
  public Issued expiredServer(String... names) {
    Instant now = Instant.now();
    return issue(names[0], List.of(names), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), false);
  }

  /** A client certificate (extended key usage clientAuth) for {@code cn}. */
  public Issued client(String cn) {
    Instant now = Instant.now();
    return issue(cn, List.of(), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true);
  }

  /** A certificate with any validity. */
  public Issued issue(String cn, List<String> names, Instant notBefore, Instant notAfter, boolean clientAuth) {
    try {
      KeyPair keys = newKeys();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(notBefore),
          Date.from(notAfter), new X500Name("CN=" + cn + ",O=Loopwire tests"), keys.getPublic());
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(clientAuth ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(caCert));
      if (!names.isEmpty()) {
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
          sans.add(isIp(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      return new Issued(keys.getPrivate(), List.of(sign(b, caKeys.getPrivate()), caCert));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a test certificate for " + cn + " from " + name, e);
    }
  }

  private static boolean isIp(String n) {
    if (n.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    try {
      InetAddress.getByName(n); // a literal: no lookup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
