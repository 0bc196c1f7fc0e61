package io.loopwire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * A certificate chain and its private key: what a server presents (or a client, for client-certificate
 * authentication). Immutable. The factories read and check everything at once, so a wrong file fails at
 * configuration time with a message that names it: a missing file, a PEM block of the wrong kind, a key
 * that does not belong to the certificate, a wrong PKCS#12 password.
 */
public final class TlsIdentity {

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final String source;

  private TlsIdentity(PrivateKey key, List<X509Certificate> chain, String source) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.source = source;
    TlsPem.checkPair(key, this.chain.get(0), source);
  }

  /**
   * Reads a PEM certificate chain (the server's certificate first, then any intermediates) and its
   * unencrypted PKCS#8 PEM key ({@code -----BEGIN PRIVATE KEY-----}). Both may be the same file.
   *
   * @throws ConfigException naming the file and what is wrong with it
   */
  public static TlsIdentity fromPem(Path certChainPem, Path keyPem) {
    String source = certChainPem + " and " + keyPem;
    return new TlsIdentity(TlsPem.privateKey(TlsPem.read(keyPem, "key file"), keyPem.toString()),
        TlsPem.certificates(TlsPem.read(certChainPem, "certificate file"), certChainPem.toString()), source);
  }

  /** Like {@link #fromPem(Path, Path)}, from the PEM text itself. */
  public static TlsIdentity fromPemText(String certChainPem, String keyPem) {
    return new TlsIdentity(TlsPem.privateKey(keyPem, "the key PEM"),
        TlsPem.certificates(certChainPem, "the certificate PEM"), "PEM text");
  }

  /**
   * Reads a PKCS#12 file ({@code .p12}, {@code .pfx}) holding one private key entry and its chain.
   *
   * <p>Ownership: {@code password} is borrowed for the call; clear it afterwards if you like.
   *
   * @throws ConfigException if the file is missing, the password is wrong or there is no key entry
   */
  public static TlsIdentity fromPkcs12(Path file, char[] password) {
    KeyStore ks;
    try (InputStream in = Files.newInputStream(file)) {
      ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
    } catch (NoSuchFileException e) {
      throw new ConfigException("PKCS#12 file " + file.toAbsolutePath() + " does not exist");
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("cannot open PKCS#12 file " + file + " (wrong password, or not PKCS#12?): "
          + e.getMessage(), e);
    }
    try {
      for (String alias : Collections.list(ks.aliases())) {
        if (!ks.isKeyEntry(alias)) {
          continue;
        }
        Key k = ks.getKey(alias, password);
        Certificate[] certs = ks.getCertificateChain(alias);
        if (k instanceof PrivateKey pk && certs != null && certs.length > 0) {
          List<X509Certificate> chain = new ArrayList<>();
          for (Certificate c : certs) {
            chain.add((X509Certificate) c);
          }
          return new TlsIdentity(pk, chain, file.toString());
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException("cannot read the key in PKCS#12 file " + file + ": " + e.getMessage(), e);
    }
    throw new ConfigException("PKCS#12 file " + file + " holds no private key with a certificate chain");
  }

  /** An identity from objects the app already has (the leaf certificate first in {@code chain}). */
  public static TlsIdentity of(PrivateKey key, List<X509Certificate> chain) {
    Checks.notNull("key", key);
    Checks.notNull("chain", chain);
    if (chain.isEmpty()) {
      throw new ConfigException("a TLS identity needs at least one certificate");
    }
    return new TlsIdentity(key, chain, "the given key and chain");
  }

  /** The chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The private key that goes with {@link #certificate()}. */
  public PrivateKey privateKey() {
    return key;
  }

  /** The leaf certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  KeyManager[] keyManagers() {
    try {
      char[] pw = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("identity", key, pw, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      return kmf.getKeyManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("cannot use the key of " + source + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + certificate().getSubjectX500Principal().getName() + " from " + source + "]";
  }
}
