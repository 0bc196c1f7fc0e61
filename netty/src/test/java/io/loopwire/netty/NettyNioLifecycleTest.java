package io.loopwire.netty;

/** Shutdown and resource hygiene of owned and borrowed {@link NettyTransportType#NIO} loops. */
class NettyNioLifecycleTest extends LifecycleContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.NIO;
  }
}
