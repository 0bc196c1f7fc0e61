package io.loopwire.loop;

/**
 * A kind of loop, found by {@link #name()} through {@link java.util.ServiceLoader}. Implementations are
 * registered in {@code META-INF/services/io.loopwire.loop.LoopProvider} and need a public no-argument
 * constructor. The built-in one is {@code nio}; the {@code loopwire-netty} artifact adds {@code netty-nio},
 * {@code netty-epoll} and {@code netty-io_uring}.
 */
public interface LoopProvider {

  /**
   * The name applications ask for, for example {@code "nio"}: lower case, stable, unique among providers.
   */
  String name();

  /**
   * Starts a new loop that Loopwire owns (its {@link Loop#shutdown()} stops its threads).
   *
   * <p>Thread: any. Calls: zero or more times; each call starts an independent loop.
   *
   * @throws LoopUnavailableException if this loop cannot run here (for example a native transport that
   *     is missing on this operating system); the message says why and what to use instead
   */
  Loop create(LoopOptions options);
}
