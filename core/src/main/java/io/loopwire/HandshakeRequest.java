package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * An upgrade request as the server saw it, handed to {@link WsHandler#onHandshake}. Immutable.
 *
 * @param vhost the name of the vhost that took the connection
 * @param target the request target as received ({@code path?query})
 * @param path the path part of the target
 * @param query the query part, or {@code null}
 * @param headers the request headers
 * @param offeredProtocols the subprotocols the client offered, in its order
 * @param protocol the protocol Loopwire selected for this request
 * @param remoteAddress the peer's address
 */
public record HandshakeRequest(
    String vhost,
    String target,
    String path,
    String query,
    Http1Fields headers,
    List<String> offeredProtocols,
    String protocol,
    InetSocketAddress remoteAddress) {

  public HandshakeRequest {
    offeredProtocols = List.copyOf(offeredProtocols);
  }
}
