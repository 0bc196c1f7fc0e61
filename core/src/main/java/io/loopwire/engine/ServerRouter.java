package io.loopwire.engine;

import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Request;
import java.util.List;

/**
 * What a server connection asks the layer above. Thread: the connection's loop thread; never block.
 */
public interface ServerRouter {

  /**
   * Decides on a valid WebSocket upgrade request.
   *
   * @param offeredProtocols the subprotocols the client offered, in its order
   */
  UpgradeDecision onUpgrade(Http1Request request, List<String> offeredProtocols, Transport transport);

  /** Answers a plain HTTP request (its body, if any, has been read and dropped). */
  HttpAnswer onRequest(Http1Request request, Transport transport);

  /** Settings for new connections: the handshake (header read) timeout in nanoseconds; 0 is off. */
  long headerTimeoutNanos();
}
