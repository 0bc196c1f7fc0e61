package io.loopwire.netty;

/** The transport contract on {@link NettyTransportType#EPOLL}, on a group the loop owns. */
class NettyEpollTransportTest extends TransportContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.EPOLL;
  }
}
