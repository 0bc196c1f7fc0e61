package io.loopwire.cli;

import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.VhostConfig;
import io.loopwire.WsConfig;
import io.loopwire.WsProtocol;
import io.loopwire.protocol.deflate.DeflateOptions;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loopwire serve}: the test server with the demo page and the four demo protocols. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the test server: a demo page at / and the protocols echo (default), dumb-increment,"
        + " mirror and status, selected by subprotocol or by path (/dumb-increment, /mirror, /status).")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "7681", description = "Port (default: ${DEFAULT-VALUE}; 0 picks one).")
  int port;

  @Option(names = "--loop", defaultValue = "nio", description = "Event loop (default: ${DEFAULT-VALUE}).")
  String loop;

  @Option(names = "--threads", defaultValue = "0", description = "Loop threads (default: available processors).")
  int threads;

  @Option(names = "--no-deflate", description = "Do not accept permessage-deflate (compression is on by default).")
  boolean noDeflate;

  @Override
  public Integer call() throws Exception {
    DemoProtocols.Status status = new DemoProtocols.Status();
    // the test server compresses whenever the client offers it, as browsers do; the library's default is off
    WsConfig ws = noDeflate ? WsConfig.defaults() : WsConfig.defaults().withDeflate(DeflateOptions.defaults());
    VhostConfig vhost = VhostConfig.of("default", port).withHost(host).withWs(ws)
        .withHttp(new ClasspathFiles("/io/loopwire/cli/demo/",
            Set.of("index.html", "app.js", "style.css", "favicon.svg")));
    for (WsProtocol<?> p : DemoProtocols.all(status)) {
      vhost = vhost.withProtocol(p);
    }
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
    System.out.println("loopwire: serving on http://" + shown + ":" + lw.port() + "/ (ws://" + shown + ":"
        + lw.port() + "/); open the URL in a browser; Ctrl-C stops");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
