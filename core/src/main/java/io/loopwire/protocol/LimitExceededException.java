package io.loopwire.protocol;

/**
 * The peer exceeded a configured limit (tungstenite's CapacityError). Names the limit, its value and what
 * was observed, for example {@code maxMessageBytes 1048576, observed 1048577}.
 */
public final class LimitExceededException extends RemoteProtocolException {

  private static final long serialVersionUID = 1L;

  private final String limitName;
  private final long limit;
  private final long observed;

  private LimitExceededException(int closeCode, int statusHint, String limitName, long limit, long observed) {
    super(closeCode, statusHint, limitName + " " + limit + " exceeded (observed " + observed + ")");
    this.limitName = limitName;
    this.limit = limit;
    this.observed = observed;
  }

  /** A WebSocket limit, answered with {@code closeCode} (usually 1009). */
  public static LimitExceededException ws(int closeCode, String limitName, long limit, long observed) {
    return new LimitExceededException(closeCode, 0, limitName, limit, observed);
  }

  /** An HTTP limit, answered with {@code status} (413, 414 or 431). */
  public static LimitExceededException http(int status, String limitName, long limit, long observed) {
    return new LimitExceededException(0, status, limitName, limit, observed);
  }

  public String limitName() {
    return limitName;
  }

  public long limit() {
    return limit;
  }

  public long observed() {
    return observed;
  }
}
