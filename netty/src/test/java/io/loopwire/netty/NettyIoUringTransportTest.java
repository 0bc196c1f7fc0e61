package io.loopwire.netty;

/** The transport contract on {@link NettyTransportType#IO_URING}, on a group the loop owns. */
class NettyIoUringTransportTest extends TransportContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.IO_URING;
  }
}
