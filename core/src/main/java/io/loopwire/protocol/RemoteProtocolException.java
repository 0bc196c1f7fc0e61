package io.loopwire.protocol;

/**
 * The peer broke a protocol rule. Carries the answer to give: a WebSocket close code
 * ({@link #closeCode()}: 1002, 1007, 1008 or 1009) or an HTTP status ({@link #statusHint()}: 400, 413,
 * 414, 431, 501 or 505). Exactly one of the two is meaningful; the other is {@code 0}.
 *
 * <p>Messages name the rule and the value, for example "control frame payload 126 &gt; 125 (RFC 6455 5.5)".
 */
public non-sealed class RemoteProtocolException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  private final int closeCode;
  private final int statusHint;

  private RemoteProtocolException(String message, int closeCode, int statusHint) {
    super(message);
    this.closeCode = closeCode;
    this.statusHint = statusHint;
  }

  /** For subclasses: exactly one of {@code closeCode} and {@code statusHint} is non-zero. */
  protected RemoteProtocolException(int closeCode, int statusHint, String message) {
    this(message, closeCode, statusHint);
    if ((closeCode == 0) == (statusHint == 0)) {
      throw new IllegalArgumentException(
          "exactly one of closeCode (" + closeCode + ") and statusHint (" + statusHint + ") must be set");
    }
  }

  /** A WebSocket peer error to be answered with close code {@code closeCode}. */
  public static RemoteProtocolException ws(int closeCode, String message) {
    return new RemoteProtocolException(closeCode, 0, message);
  }

  /** An HTTP peer error to be answered with status {@code status}. */
  public static RemoteProtocolException http(int status, String message) {
    return new RemoteProtocolException(0, status, message);
  }

  /** The WebSocket close code to send, or {@code 0} if this is an HTTP error. */
  public int closeCode() {
    return closeCode;
  }

  /** The HTTP status the server should answer, or {@code 0} if this is a WebSocket error. */
  public int statusHint() {
    return statusHint;
  }
}
