package io.loopwire.protocol.http1;

/** Where an HTTP/1.1 parser stands, as {@code state()} reports it. */
public enum Http1ParserState {
  /** Between messages: no byte of the next message consumed yet (the place for a clean close). */
  IDLE,
  /** Reading a start line and header section. */
  HEAD,
  /** Head delivered; reading (or about to end) the body. */
  BODY,
  /** Stopped after an upgrade or tunnel; see {@link Http1Event.Signal#PAUSED}. */
  PAUSED,
  /** The peer closed its side between messages; nothing more will be parsed. */
  INPUT_SHUT,
  /** The peer broke the protocol; every later call throws {@link IllegalStateException}. */
  FAILED
}
