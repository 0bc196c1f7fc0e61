package io.loopwire.loop;

/**
 * A loop that is installed cannot run here, for example {@code netty-epoll} on macOS or
 * {@code netty-io_uring} on a kernel without io_uring. The message names the loop, the reason and, where
 * there is one, the alternative.
 */
public class LoopUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String loopName;

  public LoopUnavailableException(String loopName, String message) {
    super(message);
    this.loopName = loopName;
  }

  public LoopUnavailableException(String loopName, String message, Throwable cause) {
    super(message, cause);
    this.loopName = loopName;
  }

  /** The name of the loop that cannot run. */
  public String loopName() {
    return loopName;
  }
}
