package io.loopwire.protocol.ws;

/**
 * Bounds on what a WebSocket peer may make us accept. Exceeding one fails the connection with close code
 * 1009 ({@link io.loopwire.protocol.LimitExceededException}), checked when a frame header arrives, before
 * any of its payload is read.
 *
 * <p>Defaults ({@link #defaults()}): 16 MiB per frame and 16 MiB per message. Large enough for the usual
 * application messages and for the largest Autobahn test-suite messages (16 MiB, cases 9.x), small enough
 * that a hostile peer cannot make the layer that reassembles messages hold more than 16 MiB per connection.
 * Lower them for servers with many connections and small messages.
 *
 * @param maxFrameBytes largest accepted payload of one frame, in bytes; at least 1
 * @param maxMessageBytes largest accepted payload of one message (the sum of its frames, and for a
 *     transformed message also its decoded size), in bytes; at least 1
 */
public record WsLimits(int maxFrameBytes, long maxMessageBytes) {

  /** 16 MiB: see the class comment. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** 16 MiB: see the class comment. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 16L * 1024 * 1024;

  private static final WsLimits DEFAULTS = new WsLimits(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_MESSAGE_BYTES);

  public WsLimits {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " must be at least 1");
    }
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes + " must be at least 1");
    }
  }

  /** 16 MiB per frame and per message; see the class comment for why. */
  public static WsLimits defaults() {
    return DEFAULTS;
  }

  public WsLimits withMaxFrameBytes(int maxFrameBytes) {
    return new WsLimits(maxFrameBytes, maxMessageBytes);
  }

  public WsLimits withMaxMessageBytes(long maxMessageBytes) {
    return new WsLimits(maxFrameBytes, maxMessageBytes);
  }
}
