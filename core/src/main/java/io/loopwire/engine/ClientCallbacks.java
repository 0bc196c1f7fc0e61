package io.loopwire.engine;

import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;

/**
 * What a client connection tells the layer above. Thread: the connection's loop thread. Exactly one of
 * the two methods is called, exactly once.
 */
public interface ClientCallbacks {

  /**
   * The server accepted the upgrade. Returns the endpoint that gets the session's events; its
   * {@code onOpen} follows at once.
   */
  WsEndpoint onUpgraded(Transport transport, String subprotocol, Http1Fields requestHeaders,
      Http1Fields responseHeaders);

  /** The attempt failed at {@code step}; {@code status} is the HTTP status for HANDSHAKE_STATUS, else 0. */
  void onFailed(ConnectStep step, int status, String message, Throwable cause);
}
