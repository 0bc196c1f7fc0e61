package io.loopwire;

import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.Loops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a {@link Loopwire} context is built from. Immutable; start from {@link #defaults()}.
 *
 * @param loop the loop's name, found through {@link java.util.ServiceLoader}: {@code nio} (built in, the
 *     default), or a plugin's ({@code netty-nio}, {@code netty-epoll}, {@code netty-io_uring})
 * @param loopOptions threads and buffers of a loop that Loopwire creates (and therefore owns)
 * @param vhosts the virtual hosts to serve; empty for a client-only context
 * @param shutdownTimeout how long {@link Loopwire#close()} waits for sessions to finish their close
 *     handshakes before dropping them; default 5 s
 */
public record LoopwireConfig(String loop, LoopOptions loopOptions, List<VhostConfig> vhosts, Duration shutdownTimeout) {

  public LoopwireConfig {
    Checks.notNull("loop", loop);
    Checks.notNull("loopOptions", loopOptions);
    vhosts = List.copyOf(vhosts);
    Set<String> names = new HashSet<>();
    for (VhostConfig v : vhosts) {
      if (!names.add(v.name())) {
        throw new ConfigException("two vhosts are named '" + v.name() + "'; vhost names must be unique");
      }
    }
    Checks.notNegative("shutdownTimeout", shutdownTimeout);
  }

  /** The {@code nio} loop with default options, no vhosts, 5 s shutdown timeout. */
  public static LoopwireConfig defaults() {
    return new LoopwireConfig(Loops.DEFAULT, LoopOptions.defaults(), List.of(), Duration.ofSeconds(5));
  }

  public LoopwireConfig withLoop(String name) {
    return new LoopwireConfig(name, loopOptions, vhosts, shutdownTimeout);
  }

  public LoopwireConfig withLoopOptions(LoopOptions v) {
    return new LoopwireConfig(loop, v, vhosts, shutdownTimeout);
  }

  public LoopwireConfig withThreads(int threads) {
    return new LoopwireConfig(loop, loopOptions.withThreads(threads), vhosts, shutdownTimeout);
  }

  public LoopwireConfig withVhost(VhostConfig v) {
    List<VhostConfig> list = new ArrayList<>(vhosts);
    list.add(v);
    return new LoopwireConfig(loop, loopOptions, list, shutdownTimeout);
  }

  public LoopwireConfig withShutdownTimeout(Duration v) {
    return new LoopwireConfig(loop, loopOptions, vhosts, v);
  }
}
