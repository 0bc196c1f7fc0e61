package io.loopwire.cli.interop;

import java.util.List;

/** Interop with npm {@code ws} 8 (interop/node), both directions. */
final class NodeWsInteropTest extends ScriptedPeerSuite {

  @Override
  Peers.Peer peer() {
    return Peers.Peer.NODE_WS;
  }

  @Override
  List<String> clientCommand(String url, String script, String protocol, int timeoutSeconds) {
    return List.of("node", "node/ws-client.js", url, "--script", script, "--protocol", protocol,
        "--timeout", Integer.toString(timeoutSeconds));
  }

  @Override
  List<String> serverCommand() {
    return List.of("node", "node/ws-echo-server.js", "0");
  }
}
