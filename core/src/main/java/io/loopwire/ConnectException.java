package io.loopwire;

/**
 * Why a client connection failed before {@code onOpen}: delivered exactly once through
 * {@link WsHandler#onConnectFailed} and the failed future of {@link Loopwire#connect}.
 */
public final class ConnectException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The step that failed. */
  public enum Step {
    /** The host name could not be resolved. */
    RESOLVE,
    /** The TCP connection was refused, unreachable or reset. */
    TCP,
    /** The TLS handshake failed. */
    TLS,
    /** The server answered the upgrade request with a status other than 101 ({@link #status()}). */
    HANDSHAKE_STATUS,
    /** The server's 101 response broke RFC 6455 (wrong accept key, unoffered subprotocol, ...). */
    HANDSHAKE_VALIDATION,
    /** The connect or handshake timeout ran out. */
    TIMEOUT,
    /** The context was closed, or the connection was cancelled, before it opened. */
    CANCELLED
  }

  private final Step step;
  private final int status;

  public ConnectException(Step step, String message, Throwable cause) {
    this(step, 0, message, cause);
  }

  public ConnectException(Step step, int status, String message, Throwable cause) {
    super(step + ": " + message, cause);
    this.step = step;
    this.status = status;
  }

  public Step step() {
    return step;
  }

  /** The HTTP status for {@link Step#HANDSHAKE_STATUS}, else {@code 0}. */
  public int status() {
    return status;
  }
}
