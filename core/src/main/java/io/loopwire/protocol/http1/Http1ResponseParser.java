package io.loopwire.protocol.http1;

import io.loopwire.protocol.RemoteProtocolException;
import java.nio.ByteBuffer;

/**
 * Sans-I/O parser for the responses a client receives on one connection (RFC 9112). Same verbs and same
 * strict line and field rules as {@link Http1RequestParser}; a status line longer than
 * {@code maxRequestLineBytes} is refused too.
 *
 * <p>A response's framing depends on the request it answers, so call {@link #expectResponse(String)} with
 * each request's method as the request is sent, in order (pipelining works). Then, per request:
 * <ul>
 *   <li>any interim 1xx responses (such as {@code 100 Continue}) as lone {@link Http1Event.ResponseHead}s;</li>
 *   <li>the final {@link Http1Event.ResponseHead}, {@link Http1Event.Body} pieces and
 *       {@link Http1Event.EndOfMessage}. No body after HEAD, 1xx, 204 and 304 (Content-Length there describes
 *       another representation). Otherwise chunked, or Content-Length, or, with neither, everything until the
 *       connection closes (HTTP/1.0 style): that EndOfMessage comes after {@link #receiveEof()};</li>
 *   <li>after {@code 101 Switching Protocols} or a 2xx answer to CONNECT: ResponseHead, EndOfMessage, then
 *       {@link Http1Event.Signal#PAUSED}; the bytes that follow belong to the new protocol or tunnel:
 *       {@link #takeLeftover()}.</li>
 * </ul>
 * Response bytes with no request outstanding are an error. A status line without the SP before an empty
 * reason phrase ({@code HTTP/1.1 200}) is accepted, since many servers send it and it cannot confuse
 * framing. Errors carry a {@code statusHint()} naming the broken rule as a server would (400, 413, 431, 501,
 * 505); a client answers none of them but closes the connection.
 *
 * <p>A clean close before any byte of an expected response gives {@code END_OF_INPUT} (the request may be
 * retried if idempotent); a close in the middle of a head or a delimited body is a
 * {@link RemoteProtocolException}.
 *
 * <p>Not thread-safe: use from one thread at a time (the connection's loop thread).
 */
public final class Http1ResponseParser {

  private final Http1Decoder decoder;

  /** A parser enforcing {@code limits}. */
  public Http1ResponseParser(Http1Limits limits) {
    this.decoder = new Http1Decoder(limits, false);
  }

  /** A parser enforcing {@link Http1Limits#defaults()}. */
  public Http1ResponseParser() {
    this(Http1Limits.defaults());
  }

  public Http1Limits limits() {
    return decoder.limits();
  }

  /**
   * Records that a request with {@code requestMethod} was sent; its response is parsed after the responses
   * to earlier requests.
   *
   * @throws IllegalArgumentException if {@code requestMethod} is not a token
   * @throws IllegalStateException once FAILED
   */
  public void expectResponse(String requestMethod) {
    decoder.expectResponse(requestMethod);
  }

  /** Requests recorded by {@link #expectResponse} whose final response has not been parsed yet. */
  public int pendingResponses() {
    return decoder.pendingResponses();
  }

  /**
   * Takes the bytes from {@code data}'s position to its limit.
   *
   * <p>Ownership: borrowed. All remaining bytes are copied during the call; the caller may reuse
   * {@code data} once it returns.
   *
   * @throws IllegalStateException after {@link #receiveEof()} or once FAILED
   */
  public void receive(ByteBuffer data) {
    decoder.receive(data);
  }

  /** The server closed its side; no more bytes will come. Idempotent; {@link IllegalStateException} once FAILED. */
  public void receiveEof() {
    decoder.receiveEof();
  }

  /**
   * The next event, or a {@link Http1Event.Signal}: {@code NEED_DATA}, {@code PAUSED} or {@code END_OF_INPUT}.
   *
   * <p>Ownership: the data of a {@link Http1Event.Body} is a read-only view borrowed until the next call into
   * this parser; everything else is owned by the caller.
   *
   * @throws RemoteProtocolException if the server broke HTTP/1.1
   * @throws IllegalStateException once FAILED
   */
  public Http1Event nextEvent() {
    return decoder.nextEvent();
  }

  /**
   * While PAUSED: removes and returns every byte received after the 101 or CONNECT response.
   *
   * <p>Ownership: the returned buffer (position 0, possibly empty) is the caller's.
   *
   * @throws IllegalStateException unless the state is PAUSED
   */
  public ByteBuffer takeLeftover() {
    return decoder.takeLeftover();
  }

  /**
   * While PAUSED: goes on parsing HTTP responses from the bytes already received.
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
