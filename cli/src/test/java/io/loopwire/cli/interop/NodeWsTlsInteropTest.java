package io.loopwire.cli.interop;

import java.util.List;

/**
 * Interop with npm {@code ws} 8 over TLS, both directions: its client ({@code --ca} with our test CA)
 * against our wss server, and our wss client against its echo server behind node's https server.
 */
final class NodeWsTlsInteropTest extends ScriptedPeerSuite {

  @Override
  Peers.Peer peer() {
    return Peers.Peer.NODE_WS;
  }

  @Override
  boolean tls() {
    return true;
  }

  @Override
  List<String> clientCommand(String url, String script, String protocol, int timeoutSeconds) {
    return List.of("node", "node/ws-client.js", url, "--script", script, "--protocol", protocol,
        "--timeout", Integer.toString(timeoutSeconds), "--ca", tlsCa().toString());
  }

  @Override
  List<String> serverCommand() {
    return List.of("node", "node/ws-echo-server.js", "0", "--tls-cert", tlsCert().toString(),
        "--tls-key", tlsKey().toString());
  }
}
