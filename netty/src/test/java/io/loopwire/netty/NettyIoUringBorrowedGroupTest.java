package io.loopwire.netty;

/** Loopwire on an application-owned {@link NettyTransportType#IO_URING} group. */
class NettyIoUringBorrowedGroupTest extends BorrowedGroupContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.IO_URING;
  }
}
