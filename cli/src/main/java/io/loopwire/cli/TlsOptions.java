package io.loopwire.cli;

import io.loopwire.TlsServerConfig;
import io.loopwire.VhostConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The TLS options of {@code loopwire serve}: one picocli mixin, so the command itself stays small. */
final class TlsOptions {

  @Option(names = "--tls", description = "Serve https and wss (on the same port) with a certificate signed by a"
      + " local CA made on first run in --tls-dir; trust its ca.pem once (see docs/tls.md).")
  boolean tls;

  @Option(names = "--cert", paramLabel = "FILE", description = "PEM certificate chain to serve instead (implies --tls).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "Unencrypted PKCS#8 PEM key of --cert.")
  Path key;

  @Option(names = "--tls-dir", paramLabel = "DIR",
      description = "Where --tls keeps its CA and server certificate (default: ~/.loopwire/tls).")
  Path dir;

  @Option(names = "--tls-name", paramLabel = "NAME",
      description = "Another host name or IP address for the generated certificate (repeatable).")
  List<String> names = new ArrayList<>();

  /** Whether https/wss is asked for. */
  boolean enabled() {
    return tls || cert != null || key != null;
  }

  /**
   * Applies TLS to {@code vhost} and tells the user which certificate is served and what to trust.
   *
   * @throws IllegalArgumentException for --cert without --key (or the reverse)
   */
  VhostConfig apply(VhostConfig vhost, String host, PrintStream out) throws IOException {
    if (!enabled()) {
      return vhost;
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--cert and --key go together: give both, or neither (with --tls)");
    }
    if (cert != null) {
      out.println("loopwire: TLS with " + cert.toAbsolutePath() + " and its key " + key.toAbsolutePath());
      return vhost.withTls(TlsServerConfig.fromPem(cert, key));
    }
    ServeCertificates.Files f = ServeCertificates.ensure(dir != null ? dir : ServeCertificates.defaultDir(),
        ServeCertificates.namesFor(host, names));
    if (f.newCa()) {
      out.println("loopwire: made a local certificate authority: " + f.caCert().toAbsolutePath());
    }
    out.println("loopwire: TLS certificate " + f.serverChain().toAbsolutePath() + (f.newServer() ? " (new)" : "")
        + ", signed by the local CA " + f.caCert().toAbsolutePath());
    out.println("loopwire: to trust it: curl --cacert " + f.caCert().toAbsolutePath()
        + "; in a browser, import that file as an authority (docs/tls.md)");
    return vhost.withTls(TlsServerConfig.fromPem(f.serverChain(), f.serverKey()));
  }
}
