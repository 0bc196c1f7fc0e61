package io.loopwire;

import io.loopwire.engine.WsSessionSettings;

/** Maps the api's configuration records to the engine's. */
final class Settings {

  private Settings() {}

  static WsSessionSettings of(WsConfig c) {
    return new WsSessionSettings(c.limits(), c.idleTimeout().toNanos(), c.pingInterval().toNanos(),
        c.pongTimeout().toNanos(), c.closeTimeout().toNanos(), c.sendHighWatermark(), c.sendLowWatermark(),
        c.maxSendQueueBytes(), c.deflate());
  }
}
