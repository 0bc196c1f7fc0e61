package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SSLSession;

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
 * @param tlsSession the TLS session of an https/wss connection (protocol, cipher suite, and with client
 *     authentication the client's certificates: {@code getPeerCertificates()}), or {@code null} for plain ws
 */
public record HandshakeRequest(
    String vhost,
    String target,
    String path,
    String query,
    Http1Fields headers,
    List<String> offeredProtocols,
    String protocol,
    InetSocketAddress remoteAddress,
    SSLSession tlsSession) {

  public HandshakeRequest {
    offeredProtocols = List.copyOf(offeredProtocols);
  }

  /** The canonical constructor for a plain (non-TLS) connection. */
  public HandshakeRequest(String vhost, String target, String path, String query, Http1Fields headers,
      List<String> offeredProtocols, String protocol, InetSocketAddress remoteAddress) {
    this(vhost, target, path, query, headers, offeredProtocols, protocol, remoteAddress, null);
  }
}
