package io.loopwire;

import java.util.function.Supplier;

/**
 * A WebSocket protocol offered by a vhost: its name (matched against {@code Sec-WebSocket-Protocol}),
 * the handler that serves its sessions, an optional path it also answers on, and an optional factory
 * for per-vhost state.
 *
 * <p>Selection on an upgrade request: the first subprotocol the client offered (in the client's order)
 * that the vhost has; if the client offered subprotocols and none is served, 400 (a client that offered
 * some fails a 101 without one); if it offered none, the protocol bound to the request path, else the
 * vhost's default protocol, else 404.
 *
 * @param name the subprotocol name, an RFC 9110 token
 * @param handler the app's handler; borrowed, never closed by Loopwire
 * @param path a path that selects this protocol when the client offers no known subprotocol, or null
 * @param vhostState creates the per-vhost state when the vhost starts ({@link Session#vhostState()});
 *     closed when the vhost stops if it is {@link AutoCloseable}; exactly once each; may be null
 * @param <S> the per-session state type
 */
public record WsProtocol<S>(String name, WsHandler<S> handler, String path, Supplier<?> vhostState) {

  public WsProtocol {
    if (name == null || !io.loopwire.protocol.http1.Http1Fields.isToken(name)) {
      throw new ConfigException("protocol name '" + name + "' must be an RFC 9110 token (letters, digits, -._~ ...)");
    }
    Checks.notNull("handler of protocol " + name, handler);
    if (path != null && !path.startsWith("/")) {
      throw new ConfigException("path '" + path + "' of protocol " + name + " must begin with '/'");
    }
  }

  public static <S> WsProtocol<S> of(String name, WsHandler<S> handler) {
    return new WsProtocol<>(name, handler, null, null);
  }

  public WsProtocol<S> withPath(String p) {
    return new WsProtocol<>(name, handler, p, vhostState);
  }

  public WsProtocol<S> withVhostState(Supplier<?> factory) {
    return new WsProtocol<>(name, handler, path, factory);
  }
}
