package io.loopwire.netty;

/** Shutdown and resource hygiene of owned and borrowed {@link NettyTransportType#IO_URING} loops. */
class NettyIoUringLifecycleTest extends LifecycleContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.IO_URING;
  }
}
