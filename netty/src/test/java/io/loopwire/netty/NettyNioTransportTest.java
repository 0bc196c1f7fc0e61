package io.loopwire.netty;

/** The transport contract on {@link NettyTransportType#NIO}, on a group the loop owns. */
class NettyNioTransportTest extends TransportContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.NIO;
  }
}
