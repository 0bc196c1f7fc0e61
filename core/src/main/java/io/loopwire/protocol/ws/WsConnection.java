package io.loopwire.protocol.ws;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loopwire.protocol.ByteSink;
import io.loopwire.protocol.LimitExceededException;
import io.loopwire.protocol.LocalProtocolException;
import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.utf8.Utf8;
import io.loopwire.protocol.utf8.Utf8Decoder;
import io.loopwire.protocol.utf8.Utf8Validator;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;

/**
 * One end of an RFC 6455 WebSocket connection after the opening handshake, sans-I/O: bytes go in through
 * {@link #receive}, events come out of {@link #nextEvent}, frames to send are queued by the {@code send*}
 * methods and handed out by {@link #drainTo}. It never reads, writes, blocks or looks at a clock.
 *
 * <p>Typical driving loop (the engine's):
 * <pre>{@code
 * ws.receive(readBuffer);                 // all of it is consumed (copied as needed)
 * for (WsEvent e; (e = ws.nextEvent()) != WsEvent.Signal.NEED_DATA; ) {
 *   if (e == WsEvent.Signal.CLOSED) { ...; break; }
 *   dispatch(e);                          // buffers in e are valid until the next call into ws
 * }
 * ws.drainTo(transport::write);           // includes automatic pongs and close replies
 * }</pre>
 *
 * <p>Receiving: data arrives as {@link WsEvent.Text}/{@link WsEvent.Binary} pieces as soon as their bytes
 * do, so memory stays bounded by what was fed, never by frame or message size; except that a binary frame
 * of at most 256 KiB (without a transform) is delivered whole once all of it is here, as one view, so that
 * a reassembler has nothing to copy. Text is validated as UTF-8
 * as it arrives and fails at the first invalid byte, even in the middle of a frame. A ping queues a pong with the same
 * payload, ahead of queued frames (every ping is answered, in order; past 16 pings between two drains the
 * latest replaces the last pong). A close frame in
 * {@link WsState#OPEN} queues the reply (the same code and reason, or an empty payload if the peer sent none) and
 * completes the handshake: {@link WsState#CLOSED}. After our own close frame, incoming data frames are
 * checked for framing and discarded, control frames are still reported, and nothing is answered.
 *
 * <p>Peer errors: {@link #nextEvent} throws {@link RemoteProtocolException} (close code 1002, 1007 or
 * 1009; {@link LimitExceededException} for limits) after queueing our close frame with that code (unless our
 * close frame was already sent); the state becomes {@link WsState#FAILED}, further input is dropped and
 * {@code nextEvent} throws {@link IllegalStateException}. Valid text received before an invalid UTF-8 byte
 * is delivered first, so every split of the input yields the same events.
 *
 * <p>End of input: {@link #receiveEof()} without a completed close handshake is reported, after the events
 * of the bytes already received, as {@code CloseReceived(1006, reason)} (not from the wire; no reply is
 * queued), then {@link WsEvent.Signal#CLOSED}.
 *
 * <p>Sending: {@code send*} validate their arguments ({@link IllegalArgumentException}) and the state
 * ({@link LocalProtocolException}: nothing may be sent after our close frame, in any later state, nor a
 * new data message inside an unfinished fragmented one); a rejected call queues nothing and changes no
 * state. Clients mask every frame with a fresh key; servers never mask; lengths use the shortest encoding.
 *
 * <p>Extensions: a {@link WsPayloadTransform} (permessage-deflate) allows its RSV bits on the first frame of
 * a data message and rewrites those messages' payloads; without one every RSV bit is a protocol error.
 *
 * <p>Not thread-safe: one caller at a time (the connection's loop thread).
 */
public final class WsConnection {

  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  private static final int FIN = 0x80;
  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final int MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD - 2;

  /** Input kept after a large read is released once drained, so idle connections stay small. */
  private static final int RETAINED_INPUT_BYTES = 256 * 1024;
  private static final int MIN_INPUT_BYTES = 4096;
  /** Output is gathered in chunks of this size; frames larger than it get an array of their own. */
  private static final int OUTPUT_CHUNK_BYTES = 4096;
  /** A server hands payloads at least this large to the sink as they are, behind a separate header. */
  private static final int ZERO_COPY_MIN_BYTES = 8192;
  /** Size of the pieces pulled from a {@link WsPayloadTransform}. */
  private static final int DECODED_PIECE_BYTES = 16 * 1024;
  /**
   * A binary frame up to this size is delivered whole, once all of it has arrived, as one view of the
   * input: a reassembler then has nothing to copy. Larger frames stream in pieces as they arrive.
   */
  private static final int WHOLE_FRAME_MAX_BYTES = RETAINED_INPUT_BYTES;
  private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

  private static final byte[] NO_BYTES = new byte[0];
  private static final ByteBuffer EMPTY_VIEW = ByteBuffer.wrap(NO_BYTES).asReadOnlyBuffer();
  private static final SecureRandom MASK_SEEDS = new SecureRandom();

  private final WsRole role;
  private final WsLimits limits;
  private final IntSupplier maskKeys;
  private final WsPayloadTransform transform;
  private final int allowedRsv;
  /** Server: frames we receive are masked and frames we send are not; client: the reverse. */
  private final boolean server;

  private WsState state = WsState.OPEN;

  // ---- input
  private byte[] in = NO_BYTES;
  private ByteBuffer inView = EMPTY_VIEW;
  /** {@code in} and {@code inView} as one object, which moves between connections whole (no allocation). */
  private InputBuffer input = InputBuffer.NONE;
  private int rpos;
  private int wpos;
  private boolean eof;
  /** A failure found after a valid prefix was delivered; thrown by the next nextEvent(). */
  private RemoteProtocolException pendingFailure;

  // the data frame whose payload is being delivered
  private boolean inPayload;
  private int frameRemaining;
  private boolean frameFin;
  /** The frame is delivered as one piece once all of it is here (see {@link #WHOLE_FRAME_MAX_BYTES}). */
  private boolean frameWhole;
  private int maskKey;
  private long maskPhase;

  // the data message in progress (msgOpcode 0: none)
  private int msgOpcode;
  private long msgBytes;
  private boolean msgTransformed;
  private long textOffset;
  /** Created with the first text message: many connections never see one. */
  private Utf8Decoder textDecoder;

  // a transformed message being pulled from the transform
  private boolean pulling;
  private boolean transformInputEnded;
  private long decodedBytes;
  private byte[] decoded;
  private ByteBuffer decodedView;

  // ---- output
  /** Current output chunk; {@code [outStart, outEnd)} is queued and not yet drained. */
  private byte[] out;
  private int outStart;
  private int outEnd;
  /** Earlier output, in order, before {@code [outStart, outEnd)}. */
  private ArrayDeque<ByteBuffer> outQueue; // created on first use: idle connections stay small
  private long queuedBytes;
  /** Automatic pongs due, sent ahead of queued frames; at most {@link #MAX_QUEUED_PONGS} between drains. */
  private byte[][] pongPayloads; // both created with the first ping
  private int[] pongLengths;
  private int pongCount;
  private static final int MAX_QUEUED_PONGS = 16;
  /** Opcode of our unfinished fragmented message, or 0. */
  private int outMessage;
  private boolean outTransformed;
  /** High surrogate at the end of the previous text fragment, waiting for its low half; or 0. */
  private char pendingHighSurrogate;

  /** A connection without extensions; a client masks with keys from a {@link SecureRandom}-seeded generator. */
  public WsConnection(WsRole role, WsLimits limits) {
    this(role, limits, null, null);
  }

  /**
   * A connection without extensions, with mask keys from {@code maskKeys} (for deterministic tests; a
   * server never asks for keys).
   */
  public WsConnection(WsRole role, WsLimits limits, IntSupplier maskKeys) {
    this(role, limits, maskKeys, null);
  }

  /**
   * Payload bytes of the data frame being delivered that have not been delivered yet (0 between frames,
   * and for a message that goes through a transform). A reassembler can size its buffer once from the
   * first piece plus this, instead of growing it piece by piece. Thread: the caller's.
   */
  public int frameBytesRemaining() {
    return inPayload && !msgTransformed ? frameRemaining : 0;
  }

  /**
   * A connection.
   *
   * @param maskKeys source of a client's masking keys, one call per frame; {@code null} for the default:
   *     a per-connection {@link SplittableRandom} seeded from a shared {@link SecureRandom}, a few
   *     nanoseconds per frame. RFC 6455 10.3 wants keys the payload's author cannot predict, so that it
   *     cannot choose the bytes on the wire; the seed is unpredictable and keys are never exposed. Pass
   *     {@code new SecureRandom()::nextInt} for keys from a cryptographic generator, at a higher cost
   * @param transform the negotiated per-message extension, or {@code null} for none; ownership: borrowed for
   *     the life of the connection, which calls it only from its own caller's thread
   */
  public WsConnection(WsRole role, WsLimits limits, IntSupplier maskKeys, WsPayloadTransform transform) {
    this.role = Objects.requireNonNull(role, "role");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.server = role == WsRole.SERVER;
    this.maskKeys = maskKeys != null ? maskKeys : server ? () -> 0 : defaultMaskKeys();
    this.transform = transform;
    this.allowedRsv = transform == null ? 0 : transform.rsvBits();
    if ((allowedRsv & ~0x70) != 0) {
      throw new IllegalArgumentException("WsPayloadTransform.rsvBits() 0x" + Integer.toHexString(allowedRsv)
          + " must use only RSV1 0x40, RSV2 0x20 and RSV3 0x10");
    }
  }

  public WsRole role() {
    return role;
  }

  public WsLimits limits() {
    return limits;
  }

  public WsState state() {
    return state;
  }

  /** RSV bits a peer may set on the first frame of a data message: those of the transform, else 0. */
  public int allowedRsvBits() {
    return allowedRsv;
  }

  // ------------------------------------------------------------------------------------------------ input

  /**
   * Takes received bytes. Decoding happens in {@link #nextEvent()}; call it until
   * {@link WsEvent.Signal#NEED_DATA} before the next {@code receive}, so that unread input stays small.
   * Bytes that arrive after the close handshake completed or the connection failed are dropped.
   *
   * <p>Ownership: {@code src} is borrowed: all its remaining bytes are consumed during the call and the
   * ones kept are copied; the caller may reuse it on return.
   *
   * @throws IllegalStateException after {@link #receiveEof()}
   */
  public void receive(ByteBuffer src) {
    if (eof) {
      throw new IllegalStateException("receive() after receiveEof(): the peer's input has ended");
    }
    int n = src.remaining();
    if (n == 0) {
      return;
    }
    if (state == WsState.CLOSED || state == WsState.FAILED) {
      src.position(src.limit());
      return;
    }
    if (rpos == wpos) {
      rpos = 0;
      wpos = 0;
      if (in.length > RETAINED_INPUT_BYTES && n <= RETAINED_INPUT_BYTES) {
        setInput(new byte[Math.max(n, MIN_INPUT_BYTES)]);
      }
    }
    if (in.length - wpos < n) {
      int live = wpos - rpos;
      if ((long) live + n > MAX_ARRAY_BYTES) {
        throw new IllegalStateException("unread input would exceed 2 GiB: call nextEvent() until NEED_DATA"
            + " between receive() calls");
      }
      byte[] dst = in;
      if (live + n > in.length) {
        dst = new byte[(int) Math.min(MAX_ARRAY_BYTES, Math.max((long) live + n, Math.max(2L * in.length,
            MIN_INPUT_BYTES)))];
      }
      System.arraycopy(in, rpos, dst, 0, live);
      if (dst != in) {
        setInput(dst);
      }
      rpos = 0;
      wpos = live;
    }
    src.get(in, wpos, n);
    wpos += n;
  }

  /**
   * Gives up the input array when it holds no unread byte and no message is in progress, so that an idle
   * connection keeps no input buffer; the caller may lend it to another connection with
   * {@link #lendInput}. Returns null when there is nothing to give (no array, or bytes still unread); an
   * array above 256 KiB is dropped rather than given.
   *
   * <p>Ownership: the array passes to the caller; views from earlier events must no longer be in use
   * (they are borrowed only until the next call into this connection anyway).
   */
  public InputBuffer takeInputIfDrained() {
    if (in == NO_BYTES || rpos != wpos || msgOpcode != 0 || pulling || inPayload) {
      return null;
    }
    InputBuffer a = input;
    setInput(InputBuffer.NONE);
    rpos = 0;
    wpos = 0;
    // one large message must not leave a large array to be passed around (or kept by a thread) for good
    return a.array.length > RETAINED_INPUT_BYTES ? null : a;
  }

  /**
   * Lends an input array to a connection that has none (one given up by {@link #takeInputIfDrained}, maybe
   * by another connection), so that a read needs no new one.
   *
   * @return whether the array was taken (ownership passes to this connection); false, and the caller keeps
   *     it, when this connection holds an array already or {@code a} is null
   */
  public boolean lendInput(InputBuffer a) {
    if (in != NO_BYTES || a == null || a == InputBuffer.NONE) {
      return false;
    }
    setInput(a);
    rpos = 0;
    wpos = 0;
    return true;
  }

  /**
   * Notes that the peer's byte stream ended (the transport read EOF). Events for bytes already received
   * still come first; then, unless the close handshake completed, {@code CloseReceived(1006, ...)}.
   */
  public void receiveEof() {
    eof = true;
  }

  /**
   * Decodes the next event from the bytes received so far.
   *
   * <p>Ownership: buffers in the event are read-only views borrowed until the next call into this
   * connection.
   *
   * @return an event, {@link WsEvent.Signal#NEED_DATA} when more bytes are needed, or
   *     {@link WsEvent.Signal#CLOSED} once nothing more will come
   * @throws RemoteProtocolException when the peer broke the protocol (close code 1002, 1007, 1009); our
   *     close frame with that code is queued and the state is {@link WsState#FAILED}
   * @throws IllegalStateException in {@link WsState#FAILED}
   */
  public WsEvent nextEvent() {
    if (state == WsState.FAILED) {
      throw new IllegalStateException("connection is FAILED after a protocol error: drain its close frame"
          + " and close the transport");
    }
    try {
      return decode();
    } catch (RemoteProtocolException e) {
      fail(e.closeCode());
      throw e;
    }
  }

  private WsEvent decode() {
    if (pendingFailure != null) {
      RemoteProtocolException e = pendingFailure;
      pendingFailure = null;
      throw e;
    }
    while (state != WsState.CLOSED) {
      WsEvent e;
      if (pulling) {
        e = pullDecoded();
      } else if (inPayload) {
        int n = Math.min(wpos - rpos, frameRemaining);
        if (n == 0 && frameRemaining > 0 || n < frameRemaining && frameWhole) {
          return needData();
        }
        e = payload(n);
      } else {
        e = frame();
      }
      if (e != null) {
        return e;
      }
    }
    return WsEvent.Signal.CLOSED;
  }

  /** Parses one frame header: returns an event (control frames, NEED_DATA) or null to go on to a payload. */
  private WsEvent frame() {
    int avail = wpos - rpos;
    if (avail < 2) {
      return needData();
    }
    byte[] a = in;
    int p = rpos;
    int b0 = a[p];
    int b1 = a[p + 1];
    int opcode = b0 & 0x0F;
    int rsv = b0 & 0x70;
    boolean fin = b0 < 0;
    boolean masked = b1 < 0;
    int len7 = b1 & 0x7F;
    if (masked != server) {
      throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR, server
          ? "client frame is not masked (RFC 6455 5.1)" : "server frame is masked (RFC 6455 5.1)");
    }
    if (opcode >= OP_CLOSE) {
      return controlFrame(opcode, fin, rsv, len7, avail);
    }
    if (opcode > OP_BINARY) {
      throw reservedOpcode(opcode);
    }
    if (opcode == OP_CONTINUATION) {
      if (msgOpcode == 0) {
        throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR,
            "continuation frame without a fragmented message to continue (RFC 6455 5.4)");
      }
      if (rsv != 0) {
        throw badRsv(rsv, "a continuation frame");
      }
    } else {
      if (msgOpcode != 0) {
        throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR, "new data frame (opcode " + opcode
            + ") inside a fragmented message; expected a continuation frame (RFC 6455 5.4)");
      }
      if ((rsv & ~allowedRsv) != 0) {
        throw badRsv(rsv & ~allowedRsv, "a data frame");
      }
    }
    int lengthEnd = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
    if (avail < lengthEnd) {
      return needData();
    }
    long length = len7 < 126 ? len7 : len7 == 126 ? u16(a, p + 2) : i64(a, p + 2);
    if (length < 0) {
      throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR,
          "64-bit payload length has its most significant bit set (RFC 6455 5.2)");
    }
    if (length > limits.maxFrameBytes()) {
      throw LimitExceededException.ws(WsCloseCodes.MESSAGE_TOO_BIG, "maxFrameBytes", limits.maxFrameBytes(),
          length);
    }
    long total = (opcode == OP_CONTINUATION ? msgBytes : 0) + length;
    if (total > limits.maxMessageBytes()) {
      throw LimitExceededException.ws(WsCloseCodes.MESSAGE_TOO_BIG, "maxMessageBytes",
          limits.maxMessageBytes(), total);
    }
    int headerLength = lengthEnd + (masked ? 4 : 0);
    if (avail < headerLength) {
      return needData(); // checked so far: fails on the length before the mask key arrives
    }
    if (opcode != OP_CONTINUATION) {
      msgOpcode = opcode;
      msgTransformed = rsv != 0;
      textOffset = 0;
      decodedBytes = 0;
      if (opcode == OP_TEXT) {
        if (textDecoder == null) {
          textDecoder = new Utf8Decoder();
        } else {
          textDecoder.reset();
        }
      }
    }
    msgBytes = total;
    if (masked) {
      maskKey = i32(a, p + headerLength - 4);
      maskPhase = 0;
    }
    frameFin = fin;
    frameRemaining = (int) length;
    frameWhole = msgOpcode == OP_BINARY && !msgTransformed && length <= WHOLE_FRAME_MAX_BYTES && state == WsState.OPEN;
    inPayload = true;
    rpos = p + headerLength;
    return null;
  }

  private WsEvent controlFrame(int opcode, boolean fin, int rsv, int length, int avail) {
    if (opcode > OP_PONG) {
      throw reservedOpcode(opcode);
    }
    if (!fin) {
      throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR,
          "fragmented control frame (opcode " + opcode + ", FIN=0) (RFC 6455 5.5)");
    }
    if (length > MAX_CONTROL_PAYLOAD) {
      throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR, "control frame (opcode " + opcode
          + ") payload over 125 bytes (length code " + length + ") (RFC 6455 5.5)");
    }
    if (rsv != 0) {
      throw badRsv(rsv, "a control frame");
    }
    int start = rpos + (server ? 6 : 2);
    if (avail < start - rpos + length) {
      return needData(); // control payloads are at most 125 bytes: wait for all of it
    }
    if (server) {
      WsMasking.mask(in, start, length, i32(in, start - 4), 0);
    }
    rpos = start + length;
    if (opcode == OP_PING) {
      if (state == WsState.OPEN) {
        // every ping gets its own pong, in order (RFC 6455 5.5.3; Autobahn 2.10), up to a bound
        // between two drains; past it the latest ping replaces the last pong, which 5.5.3 allows
        int slot = Math.min(pongCount, MAX_QUEUED_PONGS - 1);
        if (pongPayloads == null) {
          pongPayloads = new byte[MAX_QUEUED_PONGS][];
          pongLengths = new int[MAX_QUEUED_PONGS];
        }
        if (pongPayloads[slot] == null) {
          pongPayloads[slot] = new byte[MAX_CONTROL_PAYLOAD];
        }
        System.arraycopy(in, start, pongPayloads[slot], 0, length);
        pongLengths[slot] = length;
        pongCount = slot + 1;
      }
      return new WsEvent.Ping(view(start, length));
    }
    if (opcode == OP_PONG) {
      return new WsEvent.Pong(view(start, length));
    }
    return closeFrame(start, length);
  }

  private WsEvent closeFrame(int start, int length) {
    int code = WsCloseCodes.NO_STATUS;
    String reason = "";
    if (length == 1) {
      throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR,
          "close frame payload of 1 byte; a status code needs 2 (RFC 6455 5.5.1)");
    }
    if (length >= 2) {
      code = u16(in, start);
      if (!WsCloseCodes.isValidOnWire(code)) {
        throw RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR,
            "close code " + code + " is not allowed in a close frame (RFC 6455 7.4)");
      }
      if (length > 2) {
        if (!Utf8Validator.isValid(in, start + 2, length - 2)) {
          throw RemoteProtocolException.ws(WsCloseCodes.INVALID_PAYLOAD,
              "close reason is not valid UTF-8 (RFC 6455 5.5.1)");
        }
        reason = new String(in, start + 2, length - 2, UTF_8);
      }
    }
    if (state == WsState.OPEN) {
      // echo the code and the reason: RFC 6455 5.5.1 asks for the code; peers and people like the reason
      queueClose(code == WsCloseCodes.NO_STATUS ? -1 : code, reason);
    }
    state = WsState.CLOSED;
    dropInput();
    return new WsEvent.CloseReceived(code, reason);
  }

  /** Consumes {@code n} payload bytes of the current data frame; returns an event or null to go on. */
  private WsEvent payload(int n) {
    int start = rpos;
    rpos += n;
    frameRemaining -= n;
    boolean last = false;
    if (frameRemaining == 0) {
      inPayload = false;
      last = frameFin;
    }
    if (state != WsState.OPEN) {
      // our close frame is out: data is checked for framing only, then discarded (RFC 6455 5.5.1)
      if (last) {
        endMessage();
      }
      return null;
    }
    if (server && n > 0) {
      WsMasking.mask(in, start, n, maskKey, maskPhase);
      maskPhase += n;
    }
    if (msgTransformed) {
      transform.decodeInput(view(start, n), last);
      pulling = true;
      transformInputEnded = last;
      return null;
    }
    return deliver(in, start, n, last, true);
  }

  /** Pulls the next decoded piece of a transformed message; returns an event or null to go on. */
  private WsEvent pullDecoded() {
    if (decoded == null) {
      decoded = new byte[DECODED_PIECE_BYTES];
      decodedView = ByteBuffer.wrap(decoded).asReadOnlyBuffer();
    }
    // fill the piece as far as the transform can, so that the end of the message rides on the last data
    ByteBuffer dst = ByteBuffer.wrap(decoded);
    int r;
    long reported = 0;
    do {
      r = transform.decodeOutput(dst);
      reported += Math.max(r, 0);
    } while (r > 0 && dst.hasRemaining());
    int n = dst.position();
    if (reported != n) {
      throw new IllegalStateException("WsPayloadTransform.decodeOutput reported " + reported + " bytes but wrote "
          + n);
    }
    if (r <= 0) {
      pulling = false;
      if (r < 0 && !transformInputEnded) {
        throw new IllegalStateException("WsPayloadTransform.decodeOutput ended a message before its input");
      }
      if (r == 0 && transformInputEnded) {
        throw new IllegalStateException("WsPayloadTransform.decodeOutput wants input after the message ended");
      }
    }
    decodedBytes += n;
    if (decodedBytes > limits.maxMessageBytes()) {
      throw LimitExceededException.ws(WsCloseCodes.MESSAGE_TOO_BIG, "maxMessageBytes",
          limits.maxMessageBytes(), decodedBytes);
    }
    return deliver(decoded, 0, n, r < 0, false);
  }

  /** Turns message bytes into a Text or Binary piece; null when there is nothing to report yet. */
  private WsEvent deliver(byte[] a, int start, int n, boolean last, boolean fromInput) {
    WsEvent e;
    if (msgOpcode == OP_TEXT) {
      String s = textDecoder.decode(a, start, n);
      RemoteProtocolException bad = null;
      if (textDecoder.isMalformed()) {
        bad = RemoteProtocolException.ws(WsCloseCodes.INVALID_PAYLOAD, "invalid UTF-8 at byte "
            + (textOffset + textDecoder.malformedIndex() - start) + " of a text message (RFC 6455 8.1)");
      } else if (last && !textDecoder.isComplete()) {
        bad = RemoteProtocolException.ws(WsCloseCodes.INVALID_PAYLOAD,
            "text message ends inside a UTF-8 sequence (RFC 6455 8.1)");
      }
      if (bad != null) {
        if (s.isEmpty()) {
          throw bad;
        }
        pendingFailure = bad; // deliver the valid prefix first, so every split of the input fails alike
        return new WsEvent.Text(s, false);
      }
      textOffset += n;
      if (s.isEmpty() && !last) {
        return null;
      }
      e = new WsEvent.Text(s, last);
    } else {
      if (n == 0 && !last) {
        return null;
      }
      e = new WsEvent.Binary(fromInput ? view(start, n) : decodedView(n), last);
    }
    if (last) {
      endMessage();
    }
    return e;
  }

  private void endMessage() {
    msgOpcode = 0;
    msgBytes = 0;
    msgTransformed = false;
  }

  private WsEvent needData() {
    if (!eof) {
      return WsEvent.Signal.NEED_DATA;
    }
    boolean midFrame = wpos > rpos || inPayload;
    state = WsState.CLOSED;
    dropInput();
    return new WsEvent.CloseReceived(WsCloseCodes.ABNORMAL, midFrame
        ? "connection ended inside a frame" : "connection ended without a close frame");
  }

  private void fail(int code) {
    if (state == WsState.OPEN) {
      queueClose(code, "");
    }
    state = WsState.FAILED;
    pulling = false;
    inPayload = false;
    dropInput();
  }

  private void dropInput() {
    rpos = 0;
    wpos = 0;
    if (in.length > RETAINED_INPUT_BYTES) {
      setInput(InputBuffer.NONE);
    }
  }

  private void setInput(byte[] a) {
    setInput(new InputBuffer(a));
  }

  private void setInput(InputBuffer b) {
    input = b;
    in = b.array;
    inView = b.view;
  }

  /**
   * An input array with its read-only view, as {@link #takeInputIfDrained} gives it up and {@link #lendInput}
   * takes it: opaque to callers, who only pass it from one connection to another of the same thread.
   */
  public static final class InputBuffer {
    static final InputBuffer NONE = new InputBuffer(NO_BYTES);

    final byte[] array;
    final ByteBuffer view;

    private InputBuffer(byte[] array) {
      this.array = array;
      this.view = array.length == 0 ? EMPTY_VIEW : ByteBuffer.wrap(array).asReadOnlyBuffer();
    }
  }

  private ByteBuffer view(int start, int n) {
    return n == 0 ? EMPTY_VIEW : inView.slice(start, n);
  }

  private ByteBuffer decodedView(int n) {
    return n == 0 ? EMPTY_VIEW : decodedView.slice(0, n);
  }

  private static RemoteProtocolException reservedOpcode(int opcode) {
    return RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR,
        "reserved opcode 0x" + Integer.toHexString(opcode) + " (RFC 6455 5.2)");
  }

  private RemoteProtocolException badRsv(int bits, String where) {
    return RemoteProtocolException.ws(WsCloseCodes.PROTOCOL_ERROR, "RSV bits 0x" + Integer.toHexString(bits)
        + " set on " + where + " without a negotiated extension that allows them (RFC 6455 5.2)");
  }

  private static int u16(byte[] a, int p) {
    return (a[p] & 0xFF) << 8 | a[p + 1] & 0xFF;
  }

  private static int i32(byte[] a, int p) {
    return a[p] << 24 | (a[p + 1] & 0xFF) << 16 | (a[p + 2] & 0xFF) << 8 | a[p + 3] & 0xFF;
  }

  private static long i64(byte[] a, int p) {
    return (long) i32(a, p) << 32 | i32(a, p + 4) & 0xFFFFFFFFL;
  }

  // ----------------------------------------------------------------------------------------------- output

  /**
   * Queues a text frame: a whole message ({@code fin}) or the next fragment of one. A surrogate pair split
   * between two fragments is kept whole (the high half waits for the next fragment).
   *
   * <p>Ownership: {@code text} is read during the call only.
   *
   * @throws IllegalArgumentException if the text (with the previous fragment) has an unpaired surrogate
   * @throws LocalProtocolException if our close frame was sent, or a fragmented binary message is unfinished
   */
  public void sendText(CharSequence text, boolean fin) {
    Objects.requireNonNull(text, "text");
    checkCanSend("a text frame");
    if (outMessage == OP_BINARY) {
      throw new LocalProtocolException("cannot send a text frame while a fragmented binary message is"
          + " unfinished: end it with sendBinary(data, true) first (RFC 6455 5.4)");
    }
    int from = 0;
    int to = text.length();
    char carried = pendingHighSurrogate;
    char nextCarry = 0;
    if (carried != 0) {
      if (to > 0) {
        if (!Character.isLowSurrogate(text.charAt(0))) {
          throw new IllegalArgumentException(String.format(
              "unpaired surrogate U+%04X at the end of the previous text fragment", (int) carried));
        }
        from = 1;
      } else if (fin) {
        throw new IllegalArgumentException(String.format(
            "text message ends with an unpaired surrogate U+%04X", (int) carried));
      } else {
        nextCarry = carried;
      }
    }
    if (!fin && to > from && Character.isHighSurrogate(text.charAt(to - 1))) {
      nextCarry = text.charAt(to - 1);
      to--;
    }
    long length = (from == 1 ? 4 : 0) + Utf8.encodedLength(text, from, to);
    if (length > MAX_ARRAY_BYTES - 14) {
      throw new IllegalArgumentException("text of " + length + " UTF-8 bytes is too long for one frame");
    }
    int n = (int) length;
    int opcode = outMessage == 0 ? OP_TEXT : OP_CONTINUATION;
    boolean transformed = startOutbound(opcode, true, n, fin);
    if (transformed) {
      byte[] plain = new byte[n];
      encodeText(text, carried, from, to, plain, 0);
      writeFrame(firstByte(fin, opcode), transform.encode(ByteBuffer.wrap(plain), fin));
    } else {
      boolean mask = !server;
      int p = reserve(headerLength(n, mask) + n);
      int key = mask ? maskKeys.getAsInt() : 0;
      int q = writeHeader(out, p, firstByte(fin, opcode), n, mask, key);
      encodeText(text, carried, from, to, out, q);
      if (mask) {
        WsMasking.mask(out, q, n, key, 0);
      }
    }
    pendingHighSurrogate = nextCarry;
    outMessage = fin ? 0 : OP_TEXT;
  }

  /**
   * Queues a binary frame: a whole message ({@code fin}) or the next fragment of one.
   *
   * <p>Ownership: {@code data} (position to limit) is transferred, whether the call succeeds or fails: its
   * content must not change afterwards, since a server may hand a large one to the sink without copying.
   * The connection never moves its position or limit, so one unchanging buffer (read-only, say) may be
   * sent on several connections.
   *
   * @throws LocalProtocolException if our close frame was sent, or a fragmented text message is unfinished
   */
  public void sendBinary(ByteBuffer data, boolean fin) {
    Objects.requireNonNull(data, "data");
    int opcode = startBinary(data.remaining(), fin);
    writeFrame(firstByte(fin, opcode), outTransformed ? transform.encode(data.duplicate(), fin) : data);
    outMessage = fin ? 0 : OP_BINARY;
  }

  /** Checks that a binary frame may go now and starts its message; returns the frame's opcode. */
  private int startBinary(int length, boolean fin) {
    checkCanSend("a binary frame");
    if (outMessage == OP_TEXT) {
      throw new LocalProtocolException("cannot send a binary frame while a fragmented text message is"
          + " unfinished: end it with sendText(text, true) first (RFC 6455 5.4)");
    }
    int opcode = outMessage == 0 ? OP_BINARY : OP_CONTINUATION;
    startOutbound(opcode, false, length, fin);
    return opcode;
  }

  /**
   * Sends a binary frame (a whole message, or the next fragment) whose payload is only borrowed: read
   * during the call, never kept. Where the payload goes out as it is (a server, no extension transforming
   * the message), this writes the frame's header into {@code header} and returns its length: the caller
   * then writes that header and the payload, copying both, right after everything {@link #drainTo} has
   * handed out, which must be all output queued so far ({@link #hasPendingOutput()} false). Otherwise (a
   * client masks, an extension transforms) the frame is built from a copy in the connection's own output,
   * as by {@link #sendBinary}, and this returns -1.
   *
   * @param header receives the header; at least 14 bytes
   * @throws IllegalStateException if output is still pending (drain it first)
   * @throws LocalProtocolException as {@link #sendBinary}
   */
  public int sendBinaryBorrowed(ByteBuffer data, boolean fin, byte[] header) {
    Objects.requireNonNull(data, "data");
    if (hasPendingOutput()) {
      throw new IllegalStateException("drain the pending output before a borrowed frame, which is written after it");
    }
    int n = data.remaining();
    int opcode = startBinary(n, fin);
    int headerLength = -1;
    if (outTransformed) {
      ByteBuffer plain = ByteBuffer.allocate(n).put(0, data, data.position(), n); // encode() takes it
      writeFrame(firstByte(fin, opcode), transform.encode(plain, fin));
    } else if (server) {
      headerLength = writeHeader(header, 0, firstByte(fin, opcode), n, false, 0);
    } else {
      writeFrame(firstByte(fin, opcode), data); // a client masks into its own output: a copy already
    }
    outMessage = fin ? 0 : OP_BINARY;
    return headerLength;
  }

  /**
   * Queues a ping. Ownership: {@code payload} is transferred; as for {@link #sendBinary}, its position and
   * limit are not moved.
   *
   * @throws IllegalArgumentException if the payload is over 125 bytes
   * @throws LocalProtocolException if our close frame was sent
   */
  public void sendPing(ByteBuffer payload) {
    sendControl(OP_PING, payload, "ping");
  }

  /**
   * Queues an unsolicited pong (pings are answered automatically). Ownership: {@code payload} is
   * transferred; as for {@link #sendBinary}, its position and limit are not moved.
   *
   * @throws IllegalArgumentException if the payload is over 125 bytes
   * @throws LocalProtocolException if our close frame was sent
   */
  public void sendPong(ByteBuffer payload) {
    sendControl(OP_PONG, payload, "pong");
  }

  /**
   * Queues our close frame; nothing may be sent after it. The state becomes {@link WsState#CLOSE_SENT}
   * until the peer's close frame arrives.
   *
   * @param code 1000-1003, 1007-1014 or 3000-4999
   * @param reason at most 123 bytes in UTF-8; may be empty
   * @throws IllegalArgumentException for a code that may not be sent, or a reason too long or with an
   *     unpaired surrogate
   * @throws LocalProtocolException if our close frame was already sent
   */
  public void sendClose(int code, String reason) {
    Objects.requireNonNull(reason, "reason");
    if (!WsCloseCodes.isValidOnWire(code)) {
      throw new IllegalArgumentException("close code " + code + " may not be sent: use 1000-1003, 1007-1014"
          + " or 3000-4999 (RFC 6455 7.4)");
    }
    long reasonBytes = Utf8.encodedLength(reason, 0, reason.length());
    if (reasonBytes > MAX_CLOSE_REASON_BYTES) {
      throw new IllegalArgumentException("close reason of " + reasonBytes + " UTF-8 bytes is too long: at most "
          + MAX_CLOSE_REASON_BYTES + " fit in a close frame (RFC 6455 5.5)");
    }
    checkCanSend("a close frame");
    queueClose(code, reason);
    state = WsState.CLOSE_SENT;
  }

  /**
   * Hands every pending output byte to {@code sink}, in order: the automatic pong first if one is due, then
   * frames in the order they were queued (including close replies).
   *
   * <p>Ownership: each buffer is transferred to the sink. Small frames are gathered in shared arrays: a
   * buffer handed out is a view of exactly its bytes, which the connection never writes again.
   */
  public void drainTo(ByteSink sink) {
    Objects.requireNonNull(sink, "sink");
    for (int i = 0; i < pongCount; i++) {
      int n = pongLengths[i];
      boolean mask = !server;
      byte[] frame = new byte[headerLength(n, mask) + n];
      int key = mask ? maskKeys.getAsInt() : 0;
      int q = writeHeader(frame, 0, FIN | OP_PONG, n, mask, key);
      System.arraycopy(pongPayloads[i], 0, frame, q, n);
      if (mask) {
        WsMasking.mask(frame, q, n, key, 0);
      }
      sink.accept(ByteBuffer.wrap(frame));
    }
    pongCount = 0;
    for (ByteBuffer b; outQueue != null && (b = outQueue.poll()) != null; ) {
      queuedBytes -= b.remaining();
      sink.accept(b);
    }
    if (outEnd > outStart) {
      ByteBuffer b = ByteBuffer.wrap(out, outStart, outEnd - outStart).slice();
      outStart = outEnd; // later frames go after it in the same array, never over it
      sink.accept(b);
    }
  }

  public boolean hasPendingOutput() {
    return pongCount > 0 || outEnd > outStart || outQueue != null && !outQueue.isEmpty();
  }

  /** Bytes {@link #drainTo} would hand out now. */
  public long pendingOutputBytes() {
    long n = queuedBytes + (outEnd - outStart);
    for (int i = 0; i < pongCount; i++) {
      n += headerLength(pongLengths[i], !server) + pongLengths[i];
    }
    return n;
  }

  private void checkCanSend(String what) {
    if (state == WsState.OPEN) {
      return;
    }
    String why = state == WsState.CLOSE_SENT ? "our close frame was sent and nothing may follow it"
        : state == WsState.FAILED ? "it failed with a protocol error and our close frame was queued"
        : "the close handshake is over or the connection ended";
    throw new LocalProtocolException("cannot send " + what + " in state " + state + ": " + why
        + " (RFC 6455 5.5.1)");
  }

  private boolean startOutbound(int opcode, boolean text, int firstFragmentBytes, boolean fin) {
    if (opcode != OP_CONTINUATION) {
      outTransformed = transform != null && transform.encodeMessage(text, firstFragmentBytes, fin);
    }
    return outTransformed;
  }

  private int firstByte(boolean fin, int opcode) {
    int b = (fin ? FIN : 0) | opcode;
    return outTransformed && opcode != OP_CONTINUATION ? b | allowedRsv : b;
  }

  private void sendControl(int opcode, ByteBuffer payload, String what) {
    Objects.requireNonNull(payload, "payload");
    if (payload.remaining() > MAX_CONTROL_PAYLOAD) {
      throw new IllegalArgumentException(what + " payload " + payload.remaining() + " > 125 bytes (RFC 6455 5.5)");
    }
    checkCanSend("a " + what);
    writeFrame(FIN | opcode, payload);
  }

  /** Queues a close frame: {@code code < 0} for an empty payload. */
  private void queueClose(int code, String reason) {
    int n = code < 0 ? 0 : 2 + (int) Utf8.encodedLength(reason, 0, reason.length());
    boolean mask = !server;
    int p = reserve(headerLength(n, mask) + n);
    int key = mask ? maskKeys.getAsInt() : 0;
    int q = writeHeader(out, p, FIN | OP_CLOSE, n, mask, key);
    if (code >= 0) {
      out[q] = (byte) (code >>> 8);
      out[q + 1] = (byte) code;
      Utf8.encode(reason, 0, reason.length(), out, q + 2);
      if (mask) {
        WsMasking.mask(out, q, n, key, 0);
      }
    }
  }

  private void writeFrame(int b0, ByteBuffer payload) {
    int n = payload.remaining();
    boolean mask = !server;
    int headerLength = headerLength(n, mask);
    if (!mask && n >= ZERO_COPY_MIN_BYTES) {
      int p = reserve(headerLength); // before reading the field 'out', which reserve() may replace
      writeHeader(out, p, b0, n, false, 0);
      flushChunk();
      queue().add(payload.slice()); // own position and limit: the caller's buffer is never moved
      queuedBytes += n;
      return;
    }
    int p = reserve(headerLength + n);
    int key = mask ? maskKeys.getAsInt() : 0;
    int q = writeHeader(out, p, b0, n, mask, key);
    payload.get(payload.position(), out, q, n);
    if (mask) {
      WsMasking.mask(out, q, n, key, 0);
    }
  }

  private static void encodeText(CharSequence text, char carried, int from, int to, byte[] dst, int off) {
    int p = off;
    if (from == 1) {
      int cp = Character.toCodePoint(carried, text.charAt(0));
      dst[p++] = (byte) (0xF0 | cp >> 18);
      dst[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
      dst[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
      dst[p++] = (byte) (0x80 | cp & 0x3F);
    }
    Utf8.encode(text, from, to, dst, p);
  }

  /** Room for {@code n} bytes at the end of the output; returns where they go in {@link #out}. */
  private int reserve(int n) {
    if (out == null || out.length - outEnd < n) {
      flushChunk();
      out = new byte[Math.max(n, OUTPUT_CHUNK_BYTES)];
      outStart = 0;
      outEnd = 0;
    }
    int p = outEnd;
    outEnd += n;
    return p;
  }

  private ArrayDeque<ByteBuffer> queue() {
    if (outQueue == null) {
      outQueue = new ArrayDeque<>(4);
    }
    return outQueue;
  }

  /** Moves {@code [outStart, outEnd)} to the queue, so that what follows is queued after it. */
  private void flushChunk() {
    if (outEnd > outStart) {
      queue().add(ByteBuffer.wrap(out, outStart, outEnd - outStart).slice());
      queuedBytes += outEnd - outStart;
      outStart = outEnd;
    }
  }

  private static int headerLength(int n, boolean mask) {
    return (n <= MAX_CONTROL_PAYLOAD ? 2 : n <= 0xFFFF ? 4 : 10) + (mask ? 4 : 0);
  }

  private static int writeHeader(byte[] a, int p, int b0, int n, boolean mask, int key) {
    a[p++] = (byte) b0;
    int m = mask ? 0x80 : 0;
    if (n <= MAX_CONTROL_PAYLOAD) {
      a[p++] = (byte) (m | n);
    } else if (n <= 0xFFFF) {
      a[p++] = (byte) (m | 126);
      a[p++] = (byte) (n >>> 8);
      a[p++] = (byte) n;
    } else {
      a[p++] = (byte) (m | 127);
      a[p++] = 0;
      a[p++] = 0;
      a[p++] = 0;
      a[p++] = 0;
      a[p++] = (byte) (n >>> 24);
      a[p++] = (byte) (n >>> 16);
      a[p++] = (byte) (n >>> 8);
      a[p++] = (byte) n;
    }
    if (mask) {
      a[p++] = (byte) (key >>> 24);
      a[p++] = (byte) (key >>> 16);
      a[p++] = (byte) (key >>> 8);
      a[p++] = (byte) key;
    }
    return p;
  }

  /** The default of the constructor's {@code maskKeys}. */
  private static IntSupplier defaultMaskKeys() {
    return new SplittableRandom(MASK_SEEDS.nextLong())::nextInt;
  }
}
