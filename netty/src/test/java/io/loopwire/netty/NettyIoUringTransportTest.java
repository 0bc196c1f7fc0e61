package io.loopwire.netty;

/** The transport contract on {@link NettyTransportType#IO_URING}, on a group the loop owns. */
class NettyIoUringTransportTest extends TransportContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.IO_URING;
  }

  @Override
  boolean seesResetsRacingTheFirstRead() {
    return false; // Netty 4.2.18 io_uring; see the base class
  }
}
