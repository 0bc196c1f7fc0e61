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

  /**
   * Answers a plain HTTP request, now or later (from any thread), through {@code exchange}. Requests on
   * one connection come one at a time: the next is read once this one's response is complete.
   */
  void onRequest(ServerExchange exchange);

  /** Settings for new connections (timeouts, watermarks); the parser's limits come with the constructor. */
  HttpServerSettings settings();
}
