package io.loopwire.netty;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopProvider;

/** The {@code netty-epoll} loop: a Netty group of its own, on {@link NettyTransportType#EPOLL}. */
public final class NettyEpollLoopProvider implements LoopProvider {

  /** For {@link java.util.ServiceLoader}. */
  public NettyEpollLoopProvider() {}

  @Override
  public String name() {
    return NettyTransportType.EPOLL.loopName();
  }

  @Override
  public Loop create(LoopOptions options) {
    return NettyLoops.create(NettyTransportType.EPOLL, options);
  }
}
