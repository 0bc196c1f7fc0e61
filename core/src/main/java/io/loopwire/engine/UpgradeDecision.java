package io.loopwire.engine;

import io.loopwire.protocol.http1.Http1Fields;

/**
 * The layer above's answer to an upgrade request: accept (subprotocol, extra headers, the endpoint that
 * will get the session's events, its settings) or reject (status, headers, body).
 */
public record UpgradeDecision(
    int status, Http1Fields headers, byte[] body, String subprotocol, WsEndpoint endpoint, WsSessionSettings settings) {

  public static UpgradeDecision accept(String subprotocol, Http1Fields headers, WsEndpoint endpoint,
      WsSessionSettings settings) {
    return new UpgradeDecision(101, headers, null, subprotocol, endpoint, settings);
  }

  public static UpgradeDecision reject(int status, Http1Fields headers, byte[] body) {
    return new UpgradeDecision(status, headers, body, null, null, null);
  }

  public boolean accepted() {
    return status == 101;
  }
}
