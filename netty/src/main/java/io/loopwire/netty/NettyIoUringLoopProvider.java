package io.loopwire.netty;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopProvider;

/** The {@code netty-io_uring} loop: a Netty group of its own, on {@link NettyTransportType#IO_URING}. */
public final class NettyIoUringLoopProvider implements LoopProvider {

  /** For {@link java.util.ServiceLoader}. */
  public NettyIoUringLoopProvider() {}

  @Override
  public String name() {
    return NettyTransportType.IO_URING.loopName();
  }

  @Override
  public Loop create(LoopOptions options) {
    return NettyLoops.create(NettyTransportType.IO_URING, options);
  }
}
