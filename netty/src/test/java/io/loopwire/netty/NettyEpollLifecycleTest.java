package io.loopwire.netty;

/** Shutdown and resource hygiene of owned and borrowed {@link NettyTransportType#EPOLL} loops. */
class NettyEpollLifecycleTest extends LifecycleContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.EPOLL;
  }
}
