package io.loopwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.TlsIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA and server certificate of {@code serve --tls}: made once, reused, renewed when they no longer fit. */
class ServeCertificatesTest {

  @TempDir
  Path dir;

  @Test
  void firstRunMakesACaAndAServerCertificateForTheLocalNames() throws Exception {
    ServeCertificates.Files f = ServeCertificates.ensure(dir, ServeCertificates.namesFor("127.0.0.1", List.of()));
    assertThat(f.newCa()).isTrue();
    assertThat(f.newServer()).isTrue();
    TlsIdentity ca = TlsIdentity.fromPem(f.caCert(), f.caKey());
    assertThat(ca.certificate().getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    TlsIdentity server = TlsIdentity.fromPem(f.serverChain(), f.serverKey());
    X509Certificate leaf = server.certificate();
    assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(server.chain()).hasSize(2);
    assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
        .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    for (Path key : List.of(f.caKey(), f.serverKey())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }
  }

  @Test
  void laterRunsReuseThemAndANewNameRenewsOnlyTheServerCertificate() throws Exception {
    ServeCertificates.Files first = ServeCertificates.ensure(dir, ServeCertificates.namesFor("127.0.0.1", List.of()));
    String ca = Files.readString(first.caCert());
    String server = Files.readString(first.serverChain());

    ServeCertificates.Files again = ServeCertificates.ensure(dir, ServeCertificates.namesFor("127.0.0.1", List.of()));
    assertThat(again.newCa()).isFalse();
    assertThat(again.newServer()).isFalse();
    assertThat(Files.readString(again.serverChain())).isEqualTo(server);

    ServeCertificates.Files renamed = ServeCertificates.ensure(dir,
        ServeCertificates.namesFor("192.0.2.7", List.of("demo.example")));
    assertThat(renamed.newCa()).isFalse();
    assertThat(renamed.newServer()).isTrue();
    assertThat(Files.readString(renamed.caCert())).as("the CA the user trusts stays").isEqualTo(ca);
    X509Certificate leaf = TlsIdentity.fromPem(renamed.serverChain(), renamed.serverKey()).certificate();
    assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
        .contains("192.0.2.7", "demo.example", "localhost");
  }

  @Test
  void aServerCertificateFromAnotherCaIsReplaced() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    ServeCertificates.Files foreign = ServeCertificates.ensure(other, List.of("localhost"));
    ServeCertificates.ensure(dir, List.of("localhost"));
    Files.copy(foreign.serverChain(), dir.resolve("server.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(foreign.serverKey(), dir.resolve("server-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ServeCertificates.Files f = ServeCertificates.ensure(dir, List.of("localhost"));
    assertThat(f.newServer()).isTrue();
    TlsIdentity.fromPem(f.serverChain(), f.serverKey()).certificate()
        .verify(TlsIdentity.fromPem(f.caCert(), f.caKey()).certificate().getPublicKey());
  }

  @Test
  void wildcardListenAddressesAreNotNames() {
    assertThat(ServeCertificates.namesFor("0.0.0.0", List.of())).containsExactly("localhost", "127.0.0.1", "::1");
    assertThat(ServeCertificates.namesFor("::", List.of("Box.Local"))).containsExactly("localhost", "127.0.0.1",
        "::1", "box.local");
  }
}
