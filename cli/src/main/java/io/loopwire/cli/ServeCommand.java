package io.loopwire.cli;

import io.loopwire.HttpServerConfig;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Mount;
import io.loopwire.VhostConfig;
import io.loopwire.WsConfig;
import io.loopwire.WsProtocol;
import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.http1.Http1Fields;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loopwire serve}: the test server with the demo page and the four demo protocols. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the test server: a demo page at / and the protocols echo (default), dumb-increment,"
        + " mirror and status, selected by subprotocol or by path (/dumb-increment, /mirror, /status)."
        + " With --root DIR, DIR is served at / and the demo page moves to /demo/.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "7681", description = "Port (default: ${DEFAULT-VALUE}; 0 picks one).")
  int port;

  @Option(names = "--loop", defaultValue = "nio", description = "Event loop (default: ${DEFAULT-VALUE}).")
  String loop;

  @Option(names = "--threads", defaultValue = "0", description = "Loop threads (default: available processors).")
  int threads;

  @Option(names = "--root", paramLabel = "DIR",
      description = "Serve the files under DIR at / (the demo page moves to /demo/).")
  Path root;

  @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "1048576",
      description = "Largest request body accepted; larger ones get 413 (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  /** Where the demo page's files are, on the classpath. */
  static final String DEMO_RESOURCES = "io/loopwire/cli/demo/";

  @Mixin
  TlsOptions tls = new TlsOptions();

  @Option(names = "--no-deflate", description = "Do not accept permessage-deflate (compression is on by default).")
  boolean noDeflate;

  @Override
  public Integer call() throws Exception {
    if (root != null && !Files.isDirectory(root)) {
      System.err.println("loopwire: --root " + root + " is not a directory");
      return 2;
    }
    if (maxBodyBytes < 0) {
      System.err.println("loopwire: --max-body-bytes must not be negative, got " + maxBodyBytes);
      return 2;
    }
    DemoProtocols.Status status = new DemoProtocols.Status();
    Mount demo = Mount.classpath(root == null ? "/" : "/demo", ServeCommand.class.getClassLoader(), DEMO_RESOURCES)
        .withHeaders(Http1Fields.of("Cache-Control", "no-cache"));
    // the test server compresses whenever the client offers it, as browsers do; the library's default is off
    WsConfig wsConfig = noDeflate ? WsConfig.defaults() : WsConfig.defaults().withDeflate(DeflateOptions.defaults());
    VhostConfig vhost = VhostConfig.of("default", port).withHost(host).withMount(demo).withWs(wsConfig)
        .withHttpServer(HttpServerConfig.defaults().withMaxBodyBytes(maxBodyBytes));
    if (root != null) {
      vhost = vhost.withMount(Mount.directory("/", root));
    }
    for (WsProtocol<?> p : DemoProtocols.all(status)) {
      vhost = vhost.withProtocol(p);
    }
    vhost = tls.apply(vhost, host, System.out);
    LoopwireConfig config = LoopwireConfig.defaults().withLoop(loop).withVhost(vhost);
    if (threads > 0) {
      config = config.withThreads(threads);
    }
    Loopwire lw = Loopwire.start(config);
    status.context.set(lw);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("loopwire: shutting down (1001 to every session)");
      lw.close();
      stopped.countDown();
    }, "loopwire-shutdown"));
    String shown = host.contains(":") ? "[" + host + "]" : host;
    String s = tls.enabled() ? "s" : "";
    String base = "http" + s + "://" + shown + ":" + lw.port();
    String ws = "ws" + s + "://" + shown + ":" + lw.port() + "/";
    if (root == null) {
      System.out.println("loopwire: serving on " + base + "/ (" + ws + "); open the URL in a browser; Ctrl-C stops");
    } else {
      System.out.println("loopwire: serving on " + base + "/ (files from " + root.toAbsolutePath().normalize()
          + "; the demo page at " + base + "/demo/; " + ws + "); Ctrl-C stops");
    }
    System.out.flush();
    stopped.await();
    return 0;
  }
}
