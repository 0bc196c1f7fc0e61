package io.loopwire.cli;

import io.loopwire.ClientOptions;
import io.loopwire.CloseStatus;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Session;
import io.loopwire.WsConfig;
import io.loopwire.WsHandler;
import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.ws.WsLimits;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loopwire autobahn}: the standard Autobahn fuzzing-server client driver. Asks for the case count,
 * runs every case echoing each message, then asks the server to write its reports.
 */
@Command(name = "autobahn", mixinStandardHelpOptions = true,
    description = "Run the Autobahn fuzzingserver client driver against --url (getCaseCount, runCase, updateReports).")
final class AutobahnCommand implements Callable<Integer> {

  @Option(names = "--url", defaultValue = "ws://127.0.0.1:9001", description = "Fuzzing server (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--agent", defaultValue = "loopwire", description = "Agent name in the reports (default: ${DEFAULT-VALUE}).")
  String agent;

  @Option(names = "--loop", defaultValue = "nio", description = "Event loop (default: ${DEFAULT-VALUE}).")
  String loop;

  @Option(names = "--case-timeout", defaultValue = "120", description = "Seconds one case may take (default: ${DEFAULT-VALUE}).")
  int caseTimeout;

  @Option(names = "--no-deflate", description = "Do not offer permessage-deflate (offered by default, for cases 12 and 13).")
  boolean noDeflate;

  @Override
  public Integer call() throws Exception {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    String a = URLEncoder.encode(agent, StandardCharsets.UTF_8);
    // Autobahn's 9.x cases send up to 16 MiB messages; allow them, and give slow cases time to close.
    WsConfig ws = WsConfig.defaults()
        .withLimits(WsLimits.defaults().withMaxFrameBytes(64 << 20).withMaxMessageBytes(64 << 20))
        .withMaxSendQueueBytes(256L << 20).withCloseTimeout(Duration.ofSeconds(5));
    if (!noDeflate) {
      // compress every echo, however small, so that cases 12 and 13 exercise every message
      ws = ws.withDeflate(DeflateOptions.defaults().withMinCompressBytes(0));
    }
    ClientOptions options = ClientOptions.defaults().withWs(ws);
    try (Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withLoop(loop).withThreads(1))) {
      CompletableFuture<String> count = new CompletableFuture<>();
      run(lw, base + "/getCaseCount", options, new Collector(count));
      int cases = Integer.parseInt(count.get(30, TimeUnit.SECONDS).strip());
      System.out.println("autobahn: " + cases + " cases");
      for (int i = 1; i <= cases; i++) {
        CloseStatus st = run(lw, base + "/runCase?case=" + i + "&agent=" + a, options, new Echo());
        System.out.println("autobahn: case " + i + "/" + cases + " closed " + (st == null ? "(timeout)" : st.code()));
      }
      run(lw, base + "/updateReports?agent=" + a, options, new Echo());
      System.out.println("autobahn: reports updated");
      return 0;
    }
  }

  private CloseStatus run(Loopwire lw, String u, ClientOptions options, Closing handler) throws Exception {
    try {
      lw.connect(u, options, handler).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      System.out.println("autobahn: " + u + " failed: " + e.getCause().getMessage());
      return null;
    }
    try {
      return handler.closed.get(caseTimeout, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return null;
    }
  }

  private abstract static class Closing implements WsHandler<Void> {
    final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onClose(Session<Void> session, CloseStatus status) {
      closed.complete(status);
    }
  }

  private static final class Echo extends Closing {
    @Override
    public void onText(Session<Void> session, String text) {
      session.sendText(text);
    }

    @Override
    public void onBinary(Session<Void> session, ByteBuffer data) {
      session.sendBinary(DemoProtocols.copy(data));
    }
  }

  private static final class Collector extends Closing {
    private final CompletableFuture<String> text;

    Collector(CompletableFuture<String> text) {
      this.text = text;
    }

    @Override
    public void onText(Session<Void> session, String t) {
      text.complete(t);
    }
  }
}
