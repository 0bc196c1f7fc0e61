package io.loopwire.cli;

import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.TlsServerConfig;
import io.loopwire.VhostConfig;
import io.loopwire.WsProtocol;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What {@code loopwire serve --port 0} starts, started in-process for tests outside this package: the
 * demo page from the CLI's resources and the demo protocols, on 127.0.0.1 and a free port. In-process
 * rather than the shaded jar because {@code ./mvnw verify} runs tests before it packages the jar.
 * Keep in step with {@link ServeCommand#call()}.
 */
public final class DemoServer implements AutoCloseable {

  /** The files {@code loopwire serve} serves at {@code /}. */
  public static final Set<String> FILES = Set.of("index.html", "app.js", "style.css", "favicon.svg");

  private final Loopwire loopwire;
  private final Path caFile;

  private DemoServer(Loopwire loopwire, Path caFile) {
    this.loopwire = loopwire;
    this.caFile = caFile;
  }

  /** The server as {@code loopwire serve} runs it. */
  public static DemoServer start() {
    return start(UnaryOperator.identity(), FILES);
  }

  /**
   * A deliberately altered server, to show that a check notices when a demo breaks.
   *
   * @param edit applied to each demo protocol in turn; return it unchanged, or a replacement
   * @param files the subset of {@link #FILES} to serve; any other name gets 404
   */
  public static DemoServer start(UnaryOperator<WsProtocol<?>> edit, Set<String> files) {
    DemoProtocols.Status status = new DemoProtocols.Status();
    VhostConfig vhost = VhostConfig.of("default", 0).withHost("127.0.0.1")
        .withHttp(new ClasspathFiles("/io/loopwire/cli/demo/", files));
    for (WsProtocol<?> p : DemoProtocols.all(status)) {
      vhost = vhost.withProtocol(edit.apply(p));
    }
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withLoop("nio").withVhost(vhost));
    status.context.set(lw);
    return new DemoServer(lw, null);
  }

  /**
   * The server as {@code loopwire serve --tls --tls-dir DIR} runs it: https and wss with a certificate
   * for localhost, 127.0.0.1 and ::1 signed by the local CA in {@code dir} (made there if missing).
   */
  public static DemoServer startTls(Path dir) throws IOException {
    ServeCertificates.Files f = ServeCertificates.ensure(dir, ServeCertificates.namesFor("127.0.0.1", List.of()));
    DemoProtocols.Status status = new DemoProtocols.Status();
    VhostConfig vhost = VhostConfig.of("default", 0).withHost("127.0.0.1")
        .withHttp(new ClasspathFiles("/io/loopwire/cli/demo/", FILES))
        .withTls(TlsServerConfig.fromPem(f.serverChain(), f.serverKey()));
    for (WsProtocol<?> p : DemoProtocols.all(status)) {
      vhost = vhost.withProtocol(p);
    }
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withLoop("nio").withVhost(vhost));
    status.context.set(lw);
    return new DemoServer(lw, f.caCert());
  }

  /** The CA certificate to trust for a TLS server, else {@code null}. */
  public Path caFile() {
    return caFile;
  }

  public int port() {
    return loopwire.port();
  }

  /** The page's address, {@code http://127.0.0.1:PORT/} (https for {@link #startTls}). */
  public String url() {
    return (caFile == null ? "http" : "https") + "://127.0.0.1:" + port() + "/";
  }

  /** Server-side counters, as the {@code status} protocol reports them. */
  public io.loopwire.Stats stats() {
    return loopwire.stats();
  }

  /** Graceful shutdown (1001 to every session); waits for it. */
  @Override
  public void close() {
    loopwire.close();
  }
}
