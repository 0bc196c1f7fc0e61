package io.loopwire.protocol;

/** The local caller broke a protocol rule, such as sending a data frame after a close frame. */
public final class LocalProtocolException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  public LocalProtocolException(String message) {
    super(message);
  }
}
