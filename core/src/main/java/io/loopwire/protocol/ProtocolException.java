package io.loopwire.protocol;

/**
 * A protocol rule was broken. Split by who is at fault, as in h11 and wsproto:
 * {@link LocalProtocolException} when the caller broke a rule (for example sending in the wrong state),
 * {@link RemoteProtocolException} when the peer did; the latter carries the answer to give.
 *
 * <p>After any protocol exception the side that threw it is {@code FAILED}: the answer (a close frame or
 * an HTTP status) is already queued, and later calls throw {@link IllegalStateException} naming the state.
 */
public abstract sealed class ProtocolException extends RuntimeException
    permits LocalProtocolException, RemoteProtocolException {

  private static final long serialVersionUID = 1L;

  protected ProtocolException(String message) {
    super(message);
  }

  protected ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
