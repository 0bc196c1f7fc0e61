package io.loopwire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM files (RFC 7468): certificates and unencrypted PKCS#8 private keys, with errors that say what to do. */
final class TlsPem {

  private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

  private TlsPem() {}

  /** One {@code -----BEGIN type-----} block. */
  record Block(String type, byte[] der) {}

  static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new ConfigException(what + " " + file.toAbsolutePath() + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read " + what + " " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  static List<Block> blocks(String text, String source) {
    List<Block> out = new ArrayList<>();
    int at = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", at);
      if (begin < 0) {
        return out;
      }
      int typeEnd = text.indexOf("-----", begin + 11);
      if (typeEnd < 0) {
        throw new ConfigException(source + ": unterminated PEM header at character " + begin);
      }
      String type = text.substring(begin + 11, typeEnd);
      String footer = "-----END " + type + "-----";
      int end = text.indexOf(footer, typeEnd + 5);
      if (end < 0) {
        throw new ConfigException(source + ": no '" + footer + "' after the header at character " + begin);
      }
      try {
        out.add(new Block(type, Base64.getMimeDecoder().decode(text.substring(typeEnd + 5, end))));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": the " + type + " block at character " + begin + " is not valid base64");
      }
      at = end + footer.length();
    }
  }

  static List<X509Certificate> certificates(String text, String source) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(text, source)) {
        if (b.type().equals("CERTIFICATE")) {
          certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new ConfigException(source + ": a CERTIFICATE block is not an X.509 certificate: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new ConfigException(source + " holds no '-----BEGIN CERTIFICATE-----' block");
    }
    return certs;
  }

  static PrivateKey privateKey(String text, String source) {
    for (Block b : blocks(text, source)) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(b.der(), source);
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          throw new ConfigException(source + " holds a '" + b.type() + "' (PKCS#1/SEC1); Loopwire reads PKCS#8"
              + " ('BEGIN PRIVATE KEY'): convert it with openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem");
        case "ENCRYPTED PRIVATE KEY":
          throw new ConfigException(source + " holds an encrypted key; decrypt it (openssl pkcs8 -in KEY -out"
              + " KEY.plain.pem) or use a PKCS#12 file with its password (TlsIdentity.fromPkcs12)");
        default:
          // certificates may share the file
      }
    }
    throw new ConfigException(source + " holds no '-----BEGIN PRIVATE KEY-----' block");
  }

  private static PrivateKey pkcs8(byte[] der, String source) {
    for (String alg : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    throw new ConfigException(source + ": the PRIVATE KEY block is not a PKCS#8 key of a known algorithm (RSA, EC,"
        + " Ed25519, Ed448, RSASSA-PSS, DSA)");
  }

  /** Fails unless {@code key} signs what the certificate's public key verifies. */
  static void checkPair(PrivateKey key, X509Certificate cert, String source) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm().equals("EdDSA") ? "Ed25519" : key.getAlgorithm();
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    PublicKey pub = cert.getPublicKey();
    if (alg == null) {
      return; // RSASSA-PSS and others: the handshake will tell
    }
    boolean ok;
    try {
      byte[] probe = "loopwire key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      ok = v.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      ok = false;
    }
    if (!ok) {
      throw new ConfigException(source + ": the private key does not belong to the certificate "
          + cert.getSubjectX500Principal().getName() + " (first in the chain); give the key that was issued with it");
    }
  }
}
