package io.loopwire.protocol.ws;

/** Close status codes (RFC 6455 7.4, IANA registry) and which of them may appear on the wire. */
public final class WsCloseCodes {

  public static final int NORMAL = 1000;
  public static final int GOING_AWAY = 1001;
  public static final int PROTOCOL_ERROR = 1002;
  public static final int UNSUPPORTED_DATA = 1003;
  /** Never on the wire: the close frame had no payload. */
  public static final int NO_STATUS = 1005;
  /** Never on the wire: the connection ended without a close frame. */
  public static final int ABNORMAL = 1006;
  public static final int INVALID_PAYLOAD = 1007;
  public static final int POLICY_VIOLATION = 1008;
  public static final int MESSAGE_TOO_BIG = 1009;
  public static final int MANDATORY_EXTENSION = 1010;
  public static final int INTERNAL_ERROR = 1011;
  public static final int SERVICE_RESTART = 1012;
  public static final int TRY_AGAIN_LATER = 1013;
  public static final int BAD_GATEWAY = 1014;

  private WsCloseCodes() {}

  /**
   * Whether {@code code} may be sent in, and is accepted from, a close frame: 1000-1003, 1007-1014
   * (1012-1014 are IANA-registered after RFC 6455) and 3000-4999 (registered and private use). 0-999,
   * 1004-1006, 1015, 1016-2999 and 5000 up are not.
   */
  public static boolean isValidOnWire(int code) {
    return code >= 1000 && code <= 1003
        || code >= 1007 && code <= 1014
        || code >= 3000 && code <= 4999;
  }
}
