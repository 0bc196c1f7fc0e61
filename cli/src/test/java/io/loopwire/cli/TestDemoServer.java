package io.loopwire.cli;

import io.loopwire.Loopwire;
import io.loopwire.LoopwireConfig;
import io.loopwire.VhostConfig;
import io.loopwire.WsConfig;
import io.loopwire.WsProtocol;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-process {@code loopwire serve} for tests outside this package: the demo page, the CLI's own
 * {@link DemoProtocols} and libwebsockets' protocol names as aliases, on 127.0.0.1 and a free port.
 */
public final class TestDemoServer {

  /**
   * libwebsockets' test apps ask for these names; they map onto the demo protocols of the same
   * behaviour. An alias that {@code serve} itself already registers is not added twice.
   */
  public static final Map<String, String> LWS_ALIASES = Map.of(
      "dumb-increment-protocol", "dumb-increment",
      "lws-mirror-protocol", "mirror");

  private TestDemoServer() {}

  /**
   * Starts the server. {@code extra} protocols come after the demo ones (echo stays the default).
   * The caller owns the returned context and must close it.
   */
  public static Loopwire start(WsProtocol<?>... extra) {
    return start(null, WsConfig.defaults(), extra);
  }

  /** As {@link #start(WsProtocol[])}, with session configuration {@code ws} (e.g. with permessage-deflate). */
  public static Loopwire start(WsConfig ws, WsProtocol<?>... extra) {
    return start(null, ws, extra);
  }

  /**
   * Starts the server with https and wss on its port, presenting {@code tls}'s certificate.
   * The caller owns the returned context and must close it.
   */
  public static Loopwire startTls(io.loopwire.TlsServerConfig tls, WsProtocol<?>... extra) {
    return start(tls, WsConfig.defaults(), extra);
  }

  /** As {@link #startTls}, with session configuration {@code ws}. */
  public static Loopwire startTls(io.loopwire.TlsServerConfig tls, WsConfig ws, WsProtocol<?>... extra) {
    return start(tls, ws, extra);
  }

  /** Makes (or reuses) a CA and a 127.0.0.1/localhost server certificate in {@code dir}; returns the CA file. */
  public static java.nio.file.Path certificates(java.nio.file.Path dir) throws java.io.IOException {
    return ServeCertificates.ensure(dir, ServeCertificates.namesFor("127.0.0.1", List.of())).caCert();
  }

  /** The server config for the certificate {@link #certificates} made in {@code dir}. */
  public static io.loopwire.TlsServerConfig tlsConfig(java.nio.file.Path dir) {
    return io.loopwire.TlsServerConfig.fromPem(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
  }

  private static Loopwire start(io.loopwire.TlsServerConfig tls, WsConfig ws, WsProtocol<?>... extra) {
    DemoProtocols.Status status = new DemoProtocols.Status();
    VhostConfig vhost = VhostConfig.of("interop", 0).withWs(ws)
        .withHttp(new ClasspathFiles("/io/loopwire/cli/demo/",
            Set.of("index.html", "app.js", "style.css", "favicon.svg")));
    Set<String> names = new HashSet<>();
    List<WsProtocol<?>> demo = List.of(DemoProtocols.all(status));
    for (WsProtocol<?> p : demo) {
      vhost = vhost.withProtocol(p);
      names.add(p.name());
    }
    for (Map.Entry<String, String> alias : LWS_ALIASES.entrySet()) {
      if (names.contains(alias.getKey())) {
        continue;
      }
      for (WsProtocol<?> p : demo) {
        if (p.name().equals(alias.getValue())) {
          // Same handler, no path, its own per-vhost state (a separate ticker or mirror group).
          vhost = vhost.withProtocol(new WsProtocol<>(alias.getKey(), p.handler(), null, p.vhostState()));
        }
      }
    }
    for (WsProtocol<?> p : extra) {
      vhost = vhost.withProtocol(p);
    }
    vhost = vhost.withTls(tls);
    Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withVhost(vhost));
    status.context.set(lw);
    return lw;
  }
}
