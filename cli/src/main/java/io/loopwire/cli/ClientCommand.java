package io.loopwire.cli;

import io.loopwire.ClientOptions;
import io.loopwire.CloseStatus;
import io.loopwire.ConnectException;
import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import io.loopwire.protocol.http1.Http1Fields;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loopwire client URL}: stdin lines out as text messages, received messages to stdout. */
@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Connect to a WebSocket server: each stdin line is sent as a text message, each received"
        + " message is printed on stdout (binary as hex), the close status goes to stderr.")
final class ClientCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "ws:// or wss:// URL")
  String url;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "wss: trust only the CA certificate(s) in this PEM file (for example ~/.loopwire/tls/ca.pem).")
  java.nio.file.Path ca;

  @Option(names = "--insecure-trust-any-certificate",
      description = "wss: accept ANY certificate for ANY host name (testing only; the traffic is not authenticated).")
  boolean insecure;

  @Option(names = "--protocol", description = "Subprotocol to offer (repeatable).")
  List<String> protocols = new ArrayList<>();

  @Option(names = "--header", description = "Extra request header NAME:VALUE (repeatable).")
  List<String> headers = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Http1Fields.Builder h = Http1Fields.builder();
    for (String kv : headers) {
      int colon = kv.indexOf(':');
      if (colon <= 0) {
        System.err.println("loopwire client: --header needs NAME:VALUE, got '" + kv + "'");
        return 2;
      }
      h.add(kv.substring(0, colon).strip(), kv.substring(colon + 1).strip());
    }
    ClientOptions options = ClientOptions.defaults().withSubprotocols(protocols.toArray(new String[0]))
        .withHeaders(h.build());
    if (insecure) {
      System.err.println("loopwire client: WARNING: --insecure-trust-any-certificate: the server is not authenticated");
      options = options.withTls(io.loopwire.TlsClientConfig.insecureTrustAllCertificatesForTesting());
    } else if (ca != null) {
      options = options.withTls(io.loopwire.TlsClientConfig.trustingCaPem(ca));
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    try (Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withThreads(1))) {
      CompletableFuture<Session<Void>> opened = lw.connect(url, options, new WsHandler<Void>() {
        @Override
        public Void onOpen(Session<Void> session) {
          return null;
        }

        @Override
        public void onText(Session<Void> session, String text) {
          out.println(text);
        }

        @Override
        public void onBinary(Session<Void> session, ByteBuffer data) {
          StringBuilder sb = new StringBuilder(data.remaining() * 2);
          for (int i = data.position(); i < data.limit(); i++) {
            sb.append(String.format("%02x", data.get(i)));
          }
          out.println(sb);
        }

        @Override
        public void onClose(Session<Void> session, CloseStatus status) {
          closed.complete(status);
        }
      });
      Session<Void> session;
      try {
        session = opened.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        System.err.println("loopwire client: " + (c instanceof ConnectException ? c.getMessage() : c.toString()));
        return 1;
      }
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null && session.isOpen()) {
            session.sendText(line);
          }
        } catch (Exception e) {
          // stdin failed: close as if it ended
        }
        session.close();
      }, "loopwire-client-stdin");
      reader.setDaemon(true);
      reader.start();
      CloseStatus status = closed.get();
      System.err.println("loopwire client: closed " + status.code()
          + (status.reason().isEmpty() ? "" : " \"" + status.reason() + "\"")
          + (status.cause() == null ? "" : " (" + status.cause().getMessage() + ")"));
      return status.isNormal() ? 0 : 1;
    }
  }
}
