package io.loopwire.cli;

import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.VhostConfig;
import io.loopwire.WsProtocol;
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

  private DemoServer(Loopwire loopwire) {
    this.loopwire = loopwire;
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
    return new DemoServer(lw);
  }

  public int port() {
    return loopwire.port();
  }

  /** The page's address, {@code http://127.0.0.1:PORT/}. */
  public String url() {
    return "http://127.0.0.1:" + port() + "/";
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
