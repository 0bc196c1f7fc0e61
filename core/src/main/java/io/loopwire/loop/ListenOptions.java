package io.loopwire.loop;

/**
 * How a listening socket is set up. Immutable; {@link #defaults()} and the withers build it. Listeners
 * always set {@code SO_REUSEADDR}, so a restarted server can bind while old connections sit in TIME_WAIT.
 *
 * @param backlog the accept queue length asked of the kernel (which may cap it, on Linux at
 *     {@code net.core.somaxconn}). Default: 1024, so bursts of connections are not refused while the
 *     loop is busy.
 */
public record ListenOptions(int backlog) {

  private static final ListenOptions DEFAULTS = new ListenOptions(1024);

  public ListenOptions {
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
    }
  }

  /** The defaults described on each component. */
  public static ListenOptions defaults() {
    return DEFAULTS;
  }

  public ListenOptions withBacklog(int backlog) {
    return new ListenOptions(backlog);
  }
}
