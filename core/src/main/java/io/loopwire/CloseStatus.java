package io.loopwire;

/**
 * How a WebSocket session ended, delivered exactly once through {@code onClose}.
 *
 * @param code the close code: the one the peer sent (or {@code 1005} if it sent none) when the peer
 *     closed first; the one we sent when we closed first; {@code 1006} when the connection ended without
 *     a close handshake (reset, EOF, timeout), with {@link #cause()} saying why
 * @param reason the close reason (never null; empty when none was given)
 * @param remote {@code true} if the peer started the close or broke the connection, {@code false} if
 *     this side did (an app call, a timeout, a protocol error the peer made is still {@code remote})
 * @param cause what went wrong, or {@code null} for a clean close handshake
 */
public record CloseStatus(int code, String reason, boolean remote, Throwable cause) {

  public static final int NORMAL = 1000;
  public static final int GOING_AWAY = 1001;
  public static final int PROTOCOL_ERROR = 1002;
  public static final int UNSUPPORTED_DATA = 1003;
  public static final int NO_STATUS = 1005;
  public static final int ABNORMAL = 1006;
  public static final int INVALID_DATA = 1007;
  public static final int POLICY_VIOLATION = 1008;
  public static final int TOO_BIG = 1009;
  public static final int INTERNAL_ERROR = 1011;

  public CloseStatus {
    if (code < 0 || code > 65535) {
      throw new IllegalArgumentException("close code " + code + " is outside 0..65535");
    }
    if (reason == null) {
      reason = "";
    }
  }

  /** Whether the close handshake completed with code 1000 or 1001 and no error. */
  public boolean isNormal() {
    return cause == null && (code == NORMAL || code == GOING_AWAY || code == NO_STATUS);
  }

  @Override
  public String toString() {
    return "CloseStatus[" + code + (reason.isEmpty() ? "" : " \"" + reason + "\"")
        + (remote ? ", remote" : ", local") + (cause == null ? "" : ", cause=" + cause) + "]";
  }
}
