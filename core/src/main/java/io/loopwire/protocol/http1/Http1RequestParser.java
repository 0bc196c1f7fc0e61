package io.loopwire.protocol.http1;

import io.loopwire.protocol.LimitExceededException;
import io.loopwire.protocol.RemoteProtocolException;
import java.nio.ByteBuffer;

/**
 * Sans-I/O parser for the requests a server receives on one connection (RFC 9112): feed bytes with
 * {@link #receive(ByteBuffer)}, then call {@link #nextEvent()} until it returns a {@link Http1Event.Signal}.
 * Any split of the input gives the same events (bodies may arrive in different pieces) and the same error.
 *
 * <p>Events per request: {@link Http1Event.RequestHead}, zero or more {@link Http1Event.Body},
 * {@link Http1Event.EndOfMessage}. Then the parser reads the next pipelined request from the bytes it already
 * holds. After an Upgrade request ({@link Http1Request#isUpgrade()}) or a CONNECT it stops with
 * {@link Http1Event.Signal#PAUSED}: accept the switch and {@link #takeLeftover()} the bytes that follow, or
 * {@link #resume()} to decline it and go on with HTTP.
 *
 * <p>Framing is strict, each violation a {@link RemoteProtocolException} whose {@code statusHint()} is the
 * answer to send (then close the connection, since framing is unsure):
 * <ul>
 *   <li>400: malformed request line (a method that is not a token, not exactly one SP between parts, a
 *       target with a control, space, non-ASCII or '#' character, or of the wrong form for its method:
 *       authority-form only and always with CONNECT, '*' only with OPTIONS), malformed version; field line
 *       starting with whitespace (obs-fold), whitespace before ':', empty or non-token field name, control
 *       character in a value (HTAB is allowed); bare CR, and bare LF too (see below); missing Host in
 *       HTTP/1.1, more than one Host, invalid Host; both Content-Length and Transfer-Encoding; a
 *       Content-Length that is not a decimal number, overflows, or lists different values (identical
 *       repeats such as {@code 5, 5} are accepted as RFC 9110 8.6 permits); Transfer-Encoding in HTTP/1.0,
 *       or whose last coding is not {@code chunked}, or with {@code chunked} twice; bad chunk size (empty,
 *       not hex, more than 16 digits, overflowing), bad chunk extension, missing CRLF after chunk data; a
 *       CONNECT with a body; the connection closing mid-message.</li>
 *   <li>501: a well-formed method other than GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH;
 *       a transfer coding other than chunked.</li>
 *   <li>505: a well-formed version other than HTTP/1.0 and HTTP/1.1 (HTTP/1.2 included: strict).</li>
 *   <li>{@link LimitExceededException} for {@link Http1Limits}: 414 request line, 431 header or trailer
 *       section bytes or count, 413 body (a declared Content-Length is refused before any body byte), 400
 *       chunk extension. A limit is enforced while the line is still arriving, so a hostile peer cannot make
 *       the parser buffer more than the limit.</li>
 * </ul>
 * Line endings must be CRLF. A bare LF, which RFC 9112 2.2 lets a recipient accept, is rejected too: a proxy
 * in front that reads it differently could be desynchronised (request smuggling), and real clients send
 * CRLF. Empty lines before a request line are skipped (RFC 9112 2.2), at most {@code maxRequestLineBytes} of
 * them.
 *
 * <p>After a {@link RemoteProtocolException} the parser is {@link Http1ParserState#FAILED} and every later
 * call except {@link #state()} and {@link #bufferedBytes()} throws {@link IllegalStateException}.
 *
 * <p>Memory: the parser holds at most one partial line (bounded by the limits) plus the received bytes not
 * yet turned into events. Drain {@link #nextEvent()} until a signal before receiving more, or watch
 * {@link #bufferedBytes()} and pause reading (for example while pipelined requests wait their turn).
 *
 * <p>Not thread-safe: use from one thread at a time (the connection's loop thread).
 */
public final class Http1RequestParser {

  private final Http1Decoder decoder;

  /** A parser enforcing {@code limits}. */
  public Http1RequestParser(Http1Limits limits) {
    this.decoder = new Http1Decoder(limits, true);
  }

  /** A parser enforcing {@link Http1Limits#defaults()}. */
  public Http1RequestParser() {
    this(Http1Limits.defaults());
  }

  public Http1Limits limits() {
    return decoder.limits();
  }

  /**
   * Takes the bytes from {@code data}'s position to its limit. Parsing happens in {@link #nextEvent()}.
   *
   * <p>Ownership: borrowed. All remaining bytes are read (copied) during the call; the caller may reuse
   * {@code data} once it returns.
   *
   * @throws IllegalStateException after {@link #receiveEof()} or once FAILED
   */
  public void receive(ByteBuffer data) {
    decoder.receive(data);
  }

  /** The peer closed its side; no more bytes will come. Idempotent; {@link IllegalStateException} once FAILED. */
  public void receiveEof() {
    decoder.receiveEof();
  }

  /**
   * The next event, or a {@link Http1Event.Signal} if there is none now: {@code NEED_DATA} (receive more),
   * {@code PAUSED} (see class doc) or {@code END_OF_INPUT} (the peer closed between requests).
   *
   * <p>Ownership: the data of a {@link Http1Event.Body} is a read-only view borrowed until the next call into
   * this parser; everything else is owned by the caller.
   *
   * @throws RemoteProtocolException if the peer broke HTTP/1.1; {@code statusHint()} is the answer to send
   * @throws IllegalStateException once FAILED
   */
  public Http1Event nextEvent() {
    return decoder.nextEvent();
  }

  /**
   * While PAUSED: removes and returns every byte received after the upgrade or CONNECT request, for the
   * protocol that takes over. Bytes received later accumulate for the next call.
   *
   * <p>Ownership: the returned buffer (position 0, possibly empty) is the caller's.
   *
   * @throws IllegalStateException unless the state is PAUSED
   */
  public ByteBuffer takeLeftover() {
    return decoder.takeLeftover();
  }

  /**
   * While PAUSED: goes on parsing HTTP from the bytes already received, as when the server declines an
   * upgrade or refuses a CONNECT.
   *
   * @throws IllegalStateException unless the state is PAUSED
   */
  public void resume() {
    decoder.resume();
  }

  public Http1ParserState state() {
    return decoder.state();
  }

  /** Bytes received and not yet consumed by {@link #nextEvent()}. */
  public int bufferedBytes() {
    return decoder.bufferedBytes();
  }
}
