package io.loopwire.protocol.http1;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What {@link Http1RequestParser#nextEvent()} and {@link Http1ResponseParser#nextEvent()} return.
 *
 * <p>A message is a head ({@link RequestHead} or {@link ResponseHead}), zero or more {@link Body} pieces,
 * then one {@link EndOfMessage}. An interim (1xx) response other than 101 is a lone {@link ResponseHead}: the
 * real response follows it. {@link Signal}s are not part of a message: they say why there is no event now.
 *
 * <p>Dispatch with {@code instanceof} (switch patterns are a preview feature in Java 17).
 */
public sealed interface Http1Event {

  /** A complete, validated request head. */
  record RequestHead(Http1Request request) implements Http1Event {
    public RequestHead {
      Objects.requireNonNull(request, "request");
    }
  }

  /** A complete, validated response head, interim (1xx) or final. */
  record ResponseHead(Http1Response response) implements Http1Event {
    public ResponseHead {
      Objects.requireNonNull(response, "response");
    }
  }

  /**
   * A piece of the message body, after chunked framing is removed; never empty. How the body is cut into
   * pieces depends on how the bytes arrived: only their concatenation is meaningful.
   *
   * <p>Ownership: {@code data} is a read-only view of the parser's buffer, borrowed until the next call into
   * the parser. Copy what you keep.
   */
  record Body(ByteBuffer data) implements Http1Event {
    public Body {
      Objects.requireNonNull(data, "data");
    }
  }

  /** The message is complete; {@code trailers} holds a chunked body's trailer fields, otherwise empty. */
  record EndOfMessage(Http1Fields trailers) implements Http1Event {
    public EndOfMessage {
      Objects.requireNonNull(trailers, "trailers");
    }
  }

  /** Why there is no event now (h11's sentinels). Not part of any message. */
  enum Signal implements Http1Event {
    /** Every received byte is consumed: {@code receive} more (or {@code receiveEof}) and ask again. */
    NEED_DATA,
    /**
     * The HTTP stream stopped after an Upgrade or CONNECT request, a 101 response or a 2xx answer to
     * CONNECT. Bytes after the message belong to whoever takes over: get them with {@code takeLeftover()},
     * or call {@code resume()} to go on with HTTP (an upgrade the server declined). Repeats until then.
     */
    PAUSED,
    /** The peer closed its side ({@code receiveEof}) between messages; no event will ever follow. */
    END_OF_INPUT
  }
}
