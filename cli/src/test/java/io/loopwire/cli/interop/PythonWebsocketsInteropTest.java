package io.loopwire.cli.interop;

import java.util.List;

/** Interop with Debian's Python {@code websockets} 10.4 (interop/python), both directions. */
final class PythonWebsocketsInteropTest extends ScriptedPeerSuite {

  @Override
  Peers.Peer peer() {
    return Peers.Peer.PYTHON_WEBSOCKETS;
  }

  @Override
  List<String> clientCommand(String url, String script, String protocol, int timeoutSeconds) {
    return List.of(Peers.PYTHON, "python/ws_client.py", url, "--script", script, "--protocol", protocol,
        "--timeout", Integer.toString(timeoutSeconds));
  }

  @Override
  List<String> serverCommand() {
    return List.of(Peers.PYTHON, "python/ws_echo_server.py", "0");
  }
}
