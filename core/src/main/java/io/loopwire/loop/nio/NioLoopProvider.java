package io.loopwire.loop.nio;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopProvider;

/** The {@code nio} loop: java.nio selectors, no dependencies, runs wherever the JDK does. */
public final class NioLoopProvider implements LoopProvider {

  /** For {@link java.util.ServiceLoader}. */
  public NioLoopProvider() {}

  @Override
  public String name() {
    return "nio";
  }

  @Override
  public Loop create(LoopOptions options) {
    return NioLoop.start(options);
  }
}
