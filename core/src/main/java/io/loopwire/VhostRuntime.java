package io.loopwire;

import io.loopwire.engine.WsSessionSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** A started vhost: its config plus the per-vhost protocol state, created at start and closed once at stop. */
final class VhostRuntime {

  private static final System.Logger LOG = System.getLogger(VhostRuntime.class.getName());

  final VhostConfig config;
  /** The vhost's TLS context (built at start, or the app's, borrowed), or {@code null} for plain. */
  final SSLContext sslContext;
  /** The engine's form of {@code config.ws()}, built once and shared by every session of the vhost. */
  final WsSessionSettings wsSettings;
  private final Map<String, WsProtocol<?>> byName = new LinkedHashMap<>();
  private final Map<String, Object> states = new LinkedHashMap<>();
  private final AtomicBoolean stopped = new AtomicBoolean();

  VhostRuntime(VhostConfig config) {
    this.config = config;
    this.sslContext = config.tls() == null ? null : TlsContexts.server(config.tls());
    this.wsSettings = Settings.of(config.ws());
    try {
      for (WsProtocol<?> p : config.protocols()) {
        byName.put(p.name(), p);
        if (p.vhostState() != null) {
          states.put(p.name(), p.vhostState().get());
        }
      }
    } catch (RuntimeException e) {
      stop(); // a factory threw: close the states created before it, then fail the start
      throw e;
    }
  }

  WsProtocol<?> protocol(String name) {
    return byName.get(name);
  }

  java.util.Set<String> protocolNames() {
    return byName.keySet();
  }

  WsProtocol<?> protocolForPath(String path) {
    for (WsProtocol<?> p : config.protocols()) {
      if (path.equals(p.path())) {
        return p;
      }
    }
    return null;
  }

  Object state(String protocol) {
    return states.get(protocol);
  }

  boolean matches(String hostHeader) {
    if (hostHeader == null || config.serverNames().isEmpty()) {
      return false;
    }
    String h = hostHeader;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end > 0 ? h.substring(0, end + 1) : h;
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) {
        h = h.substring(0, colon);
      }
    }
    for (String n : config.serverNames()) {
      if (n.equalsIgnoreCase(h)) {
        return true;
      }
    }
    return false;
  }

  /** A new server engine for one connection (TLS vhosts only). */
  SSLEngine newEngine() {
    return TlsContexts.serverEngine(sslContext, config.tls());
  }

  /** Closes the per-vhost states, exactly once. */
  void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    for (Map.Entry<String, Object> e : states.entrySet()) {
      if (e.getValue() instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception ex) {
          LOG.log(System.Logger.Level.WARNING, "closing the vhost state of protocol " + e.getKey() + " on vhost "
              + config.name() + " failed", ex);
        }
      }
    }
  }
}
