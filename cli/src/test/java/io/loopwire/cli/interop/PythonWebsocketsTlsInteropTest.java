package io.loopwire.cli.interop;

import java.util.List;

/**
 * Interop with Debian's Python {@code websockets} 10.4 over TLS (the ssl module, our test CA), both
 * directions.
 */
final class PythonWebsocketsTlsInteropTest extends ScriptedPeerSuite {

  @Override
  Peers.Peer peer() {
    return Peers.Peer.PYTHON_WEBSOCKETS;
  }

  @Override
  boolean tls() {
    return true;
  }

  @Override
  List<String> clientCommand(String url, String script, String protocol, int timeoutSeconds) {
    return List.of(Peers.PYTHON, "python/ws_client.py", url, "--script", script, "--protocol", protocol,
        "--timeout", Integer.toString(timeoutSeconds), "--ca", tlsCa().toString());
  }

  @Override
  List<String> serverCommand() {
    return List.of(Peers.PYTHON, "python/ws_echo_server.py", "0", "--tls-cert", tlsCert().toString(),
        "--tls-key", tlsKey().toString());
  }
}
