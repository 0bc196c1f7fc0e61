package io.loopwire;

import io.loopwire.loop.Loop;
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
 * <p>The loop is either named (Loopwire creates it and owns it: {@link Loopwire#shutdown()} stops it) or
 * borrowed: a {@link Loop} the application owns, such as {@code NettyLoops.borrow(group)} over its own
 * Netty event loop group or an app-driven {@code DrivenLoop}. Loopwire never shuts a borrowed loop down;
 * {@link Loopwire#shutdown()} closes only the listeners and connections it opened on it.
 *
 * @param loop the loop's name, found through {@link java.util.ServiceLoader}: {@code nio} (built in, the
 *     default), or a plugin's ({@code netty-nio}, {@code netty-epoll}, {@code netty-io_uring}); {@code null}
 *     when {@code borrowedLoop} is set
 * @param loopOptions threads and buffers of a loop that Loopwire creates (and therefore owns); unused for
 *     a borrowed loop, which was set up by whoever created it
 * @param vhosts the virtual hosts to serve; empty for a client-only context
 * @param shutdownTimeout how long {@link Loopwire#close()} waits for sessions to finish their close
 *     handshakes before dropping them; default 5 s
 * @param borrowedLoop a loop the application owns and lends to this context, or {@code null} to create
 *     the loop named {@code loop}; exactly one of the two is set
 */
public record LoopwireConfig(String loop, LoopOptions loopOptions, List<VhostConfig> vhosts, Duration shutdownTimeout,
    Loop borrowedLoop) {

  public LoopwireConfig {
    if ((loop == null) == (borrowedLoop == null)) {
      throw new ConfigException(loop == null
          ? "no loop: name one (withLoop(\"nio\")) or lend one (withLoop(Loop))"
          : "both a loop name (" + loop + ") and a borrowed loop are set; keep one");
    }
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

  /** As before borrowed loops existed: a named loop that Loopwire creates. */
  public LoopwireConfig(String loop, LoopOptions loopOptions, List<VhostConfig> vhosts, Duration shutdownTimeout) {
    this(loop, loopOptions, vhosts, shutdownTimeout, null);
  }

  /** The {@code nio} loop with default options, no vhosts, 5 s shutdown timeout. */
  public static LoopwireConfig defaults() {
    return new LoopwireConfig(Loops.DEFAULT, LoopOptions.defaults(), List.of(), Duration.ofSeconds(5), null);
  }

  /** Loopwire creates the loop named {@code name} and owns it (replaces a borrowed loop). */
  public LoopwireConfig withLoop(String name) {
    Checks.notNull("loop", name);
    return new LoopwireConfig(name, loopOptions, vhosts, shutdownTimeout, null);
  }

  /**
   * Runs on {@code borrowed}, a loop the application owns (replaces a loop name). Loopwire never calls
   * {@link Loop#shutdown()} on it: {@link Loopwire#shutdown()} closes the listeners and connections this
   * context opened and completes when each has closed, leaving the loop running. One borrowed loop may
   * serve several contexts, one after another or at once.
   */
  public LoopwireConfig withLoop(Loop borrowed) {
    Checks.notNull("borrowed loop", borrowed);
    return new LoopwireConfig(null, loopOptions, vhosts, shutdownTimeout, borrowed);
  }

  /** Whether the loop is the application's ({@link #withLoop(Loop)}) rather than Loopwire's. */
  public boolean isLoopBorrowed() {
    return borrowedLoop != null;
  }

  public LoopwireConfig withLoopOptions(LoopOptions v) {
    return new LoopwireConfig(loop, v, vhosts, shutdownTimeout, borrowedLoop);
  }

  public LoopwireConfig withThreads(int threads) {
    return new LoopwireConfig(loop, loopOptions.withThreads(threads), vhosts, shutdownTimeout, borrowedLoop);
  }

  public LoopwireConfig withVhost(VhostConfig v) {
    List<VhostConfig> list = new ArrayList<>(vhosts);
    list.add(v);
    return new LoopwireConfig(loop, loopOptions, list, shutdownTimeout, borrowedLoop);
  }

  public LoopwireConfig withShutdownTimeout(Duration v) {
    return new LoopwireConfig(loop, loopOptions, vhosts, v, borrowedLoop);
  }
}
