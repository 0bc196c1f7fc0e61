package io.loopwire.netty;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopProvider;

/** The {@code netty-nio} loop: a Netty group of its own, on {@link NettyTransportType#NIO}. */
public final class NettyNioLoopProvider implements LoopProvider {

  /** For {@link java.util.ServiceLoader}. */
  public NettyNioLoopProvider() {}

  @Override
  public String name() {
    return NettyTransportType.NIO.loopName();
  }

  @Override
  public Loop create(LoopOptions options) {
    return NettyLoops.create(NettyTransportType.NIO, options);
  }
}
