package io.loopwire.cli;

import io.loopwire.TlsIdentity;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * The certificates of {@code loopwire serve --tls}: a local CA, made once, and a server certificate it
 * signs for the names the server answers to. The user trusts the CA file once (curl {@code --cacert},
 * a browser's authorities, {@code TlsClientConfig.trustingCaPem}) and every later server certificate is
 * trusted with it. Files, in the directory given (default {@code ~/.loopwire/tls/}):
 * <ul>
 *   <li>{@code ca.pem}: the CA certificate, the file to trust; {@code ca-key.pem}: its key (mode 600);</li>
 *   <li>{@code server.pem}: the server certificate then the CA's; {@code server-key.pem}: its key (mode 600).</li>
 * </ul>
 * The server certificate is made again when it is missing, expires within a week, was not signed by this
 * CA or does not name every host asked for. Keys are EC P-256; made with BouncyCastle's certificate
 * builder over the JDK's own crypto.
 */
final class ServeCertificates {

  /** Names every local server answers to; {@code --host} and {@code --tls-name} add more. */
  static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1", "::1");

  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** Below the 398 days browsers accept for server certificates of public CAs, to be safe everywhere. */
  private static final Duration SERVER_VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(7);

  private ServeCertificates() {}

  /** The files in use, and whether this run made them. */
  record Files(Path dir, Path caCert, Path caKey, Path serverChain, Path serverKey, boolean newCa, boolean newServer) {}

  /** {@code ~/.loopwire/tls}. */
  static Path defaultDir() {
    return Path.of(System.getProperty("user.home"), ".loopwire", "tls");
  }

  /**
   * Makes or reuses the CA and a server certificate for {@code names} (DNS names or IP literals) in
   * {@code dir}.
   *
   * @throws IOException if the directory or files cannot be written
   */
  static Files ensure(Path dir, Collection<String> names) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    Path caCert = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca-key.pem");
    Path serverChain = dir.resolve("server.pem");
    Path serverKey = dir.resolve("server-key.pem");
    Set<String> wanted = new LinkedHashSet<>();
    for (String n : names) {
      wanted.add(n.toLowerCase(Locale.ROOT));
    }
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one name");
    }
    try {
      boolean newCa = false;
      TlsIdentity ca;
      if (java.nio.file.Files.exists(caCert) && java.nio.file.Files.exists(caKey)) {
        ca = TlsIdentity.fromPem(caCert, caKey);
      } else {
        ca = newCa();
        writePem(caCert, "CERTIFICATE", ca.certificate().getEncoded(), false);
        writePem(caKey, "PRIVATE KEY", ca.privateKey().getEncoded(), true);
        ca = TlsIdentity.fromPem(caCert, caKey);
        newCa = true;
      }
      boolean newServer = false;
      if (newCa || !usable(serverChain, serverKey, ca.certificate(), wanted)) {
        KeyPair keys = newKeys();
        X509Certificate leaf = issue(ca, keys, wanted);
        writePem(serverChain, "CERTIFICATE", leaf.getEncoded(), false);
        java.nio.file.Files.writeString(serverChain, pem("CERTIFICATE", ca.certificate().getEncoded()),
            StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.APPEND);
        writePem(serverKey, "PRIVATE KEY", keys.getPrivate().getEncoded(), true);
        newServer = true;
      }
      return new Files(dir, caCert, caKey, serverChain, serverKey, newCa, newServer);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the TLS certificates in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The names to certify for a server listening on {@code host}, plus {@code extra}. */
  static List<String> namesFor(String host, List<String> extra) {
    Set<String> names = new LinkedHashSet<>(LOCAL_NAMES);
    if (!host.equals("0.0.0.0") && !host.equals("::") && !host.isEmpty()) {
      names.add(host.toLowerCase(Locale.ROOT));
    }
    for (String e : extra) {
      names.add(e.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(names);
  }

  private static boolean usable(Path chain, Path key, X509Certificate ca, Set<String> wanted) {
    if (!java.nio.file.Files.exists(chain) || !java.nio.file.Files.exists(key)) {
      return false;
    }
    try {
      X509Certificate leaf = TlsIdentity.fromPem(chain, key).certificate();
      leaf.verify(ca.getPublicKey());
      if (leaf.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
        return false;
      }
      Set<String> have = sans(leaf);
      for (String w : wanted) {
        if (!have.contains(normal(w))) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException | GeneralSecurityException e) {
      return false; // unreadable, or from another CA: make a new one
    }
  }

  /** The certificate's names, IP addresses in the JDK's spelling. */
  private static Set<String> sans(X509Certificate cert) throws CertificateParsingException {
    Set<String> out = new LinkedHashSet<>();
    Collection<List<?>> all = cert.getSubjectAlternativeNames();
    if (all != null) {
      for (List<?> san : all) {
        out.add(normal(String.valueOf(san.get(1))));
      }
    }
    return out;
  }

  private static String normal(String name) {
    if (isIp(name)) {
      try {
        return InetAddress.getByName(name).getHostAddress(); // a literal: no lookup
      } catch (IOException e) {
        return name;
      }
    }
    return name.toLowerCase(Locale.ROOT);
  }

  private static TlsIdentity newCa() throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair keys = newKeys();
    Instant now = Instant.now();
    String who = System.getProperty("user.name", "user") + "@" + hostName();
    X500Name subject = new X500Name("CN=Loopwire local CA (" + who + "),O=Loopwire serve --tls");
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic());
    JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0)); // signs server certificates only
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keys.getPublic()));
    X509Certificate cert = sign(b, keys.getPrivate());
    return TlsIdentity.of(keys.getPrivate(), List.of(cert));
  }

  private static X509Certificate issue(TlsIdentity ca, KeyPair keys, Set<String> names)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    String cn = names.iterator().next();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SERVER_VALIDITY)),
        new X500Name("CN=" + cn + ",O=Loopwire serve --tls"), keys.getPublic());
    JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keys.getPublic()));
    b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(ca.certificate()));
    List<GeneralName> sans = new ArrayList<>();
    for (String n : names) {
      sans.add(isIp(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
    }
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
    return sign(b, ca.privateKey());
  }

  static boolean isIp(String n) {
    if (n.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return !n.isEmpty();
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    java.nio.file.Files.deleteIfExists(tmp);
    java.nio.file.Files.createFile(tmp);
    if (secret) {
      try {
        java.nio.file.Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the directory's own protection applies
      }
    }
    java.nio.file.Files.writeString(tmp, pem(type, der), StandardCharsets.US_ASCII);
    java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
