package io.loopwire.netty;

/** Loopwire on an application-owned {@link NettyTransportType#EPOLL} group. */
class NettyEpollBorrowedGroupTest extends BorrowedGroupContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.EPOLL;
  }
}
