package io.loopwire.netty;

/** Loopwire on an application-owned {@link NettyTransportType#NIO} group. */
class NettyNioBorrowedGroupTest extends BorrowedGroupContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.NIO;
  }
}
