package io.loopwire.protocol.deflate;

import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.ws.WsCloseCodes;
import io.loopwire.protocol.ws.WsPayloadTransform;
import io.loopwire.protocol.ws.WsRole;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) for one connection, on the JDK's {@link Deflater} and {@link Inflater}
 * (raw DEFLATE, "nowrap"); plug it into a {@link io.loopwire.protocol.ws.WsConnection}. Compressed messages
 * carry RSV1 on their first frame.
 *
 * <p>Sending (7.2.1): a message is compressed unless it is whole and smaller than
 * {@link DeflateOptions#minCompressBytes()}; its end is flushed with an empty stored block whose
 * {@code 00 00 ff ff} tail is removed. With context takeover the compressor keeps its window from message to
 * message; without, it is reset after each.
 *
 * <p>Window bits below 15 (7.1.2): the JDK's compressor always uses a 32 KiB window. To honour a smaller
 * window of 2^N bytes, the input goes in chunks of 2^(N-1) bytes; after each full chunk a full flush resets
 * the compression state, and the chunk just compressed becomes the preset dictionary of the next
 * ({@link Deflater#setDictionary}). A back-reference can reach no further than the dictionary plus the
 * chunk, 2^N - 1 bytes: valid for any peer inflating with window N, even 8 (which zlib itself cannot
 * compress with). The chunks run on across messages, so with context takeover a message still refers to
 * the end of the one before. The cost is compression ratio: each chunk is a DEFLATE block of its own (see
 * docs/deflate.md).
 *
 * <p>Receiving (7.2.2): the payload, with {@code 00 00 ff ff} appended, is inflated in pieces as large as
 * the connection asks for, so decoded memory stays bounded and the connection's
 * {@link io.loopwire.protocol.ws.WsLimits#maxMessageBytes()} stops a decompression bomb with 1009. The
 * JDK's inflater takes data made with any window up to 15. Without the peer's context takeover it is reset
 * after each message. A DEFLATE block with BFINAL set (7.2.3.5) ends the stream: the inflater is reset and
 * goes on with the bytes after it (a peer that then refers to earlier messages fails with 1007, since the
 * JDK cannot carry the window over). Data that does not inflate fails the connection with 1007.
 *
 * <p>Memory: a {@link Deflater} (about 260 KiB of native memory at level 6) is created at the first
 * compressed message sent and an {@link Inflater} (about 40 KiB) at the first compressed message received;
 * {@link #close()} releases both. Whoever creates a transform must close it when the connection ends.
 *
 * <p>Not thread-safe: the connection's caller only.
 */
public final class DeflateTransform implements WsPayloadTransform, AutoCloseable {

  /** RSV1, the bit that marks a compressed message (RFC 7692 6). */
  public static final int RSV1 = 0x40;

  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
  private static final byte[] EMPTY_BLOCK = {0};
  /** Input and output scratch arrays larger than this are dropped after the message. */
  private static final int RETAINED_BYTES = 64 * 1024;

  private final DeflateParams params;
  private final Supplier<Deflater> deflaters;
  private final Supplier<Inflater> inflaters;
  private final int minCompressBytes;
  /** Reset our compression context after each message. */
  private final boolean sendReset;
  /** Input bytes between two full flushes for windows below 15 (half the window); 0 for no limit. */
  private final int chunkBytes;
  /** Reset the inflater after each message: the peer promised not to refer back. */
  private final boolean receiveReset;

  private Deflater deflater;
  private Inflater inflater;
  private boolean closed;

  // sending
  private byte[] out = new byte[256];
  private int outLen;
  /** Input given to the deflater since its last flush. */
  private boolean unflushed;
  /** The current chunk's input, the next chunk's dictionary; {@code [0, sinceFullFlush)} is filled. */
  private byte[] chunk;
  private int sinceFullFlush;

  // receiving: a copy of the current piece, plus the tail at the end of a message
  private byte[] in = new byte[256];
  private int inLen;
  private boolean inputEnded;
  private long messageInputBytes;

  private DeflateTransform(WsRole role, DeflateParams params, DeflateOptions options, Supplier<Deflater> deflaters,
      Supplier<Inflater> inflaters) {
    Objects.requireNonNull(role, "role");
    this.params = Objects.requireNonNull(params, "params");
    this.deflaters = Objects.requireNonNull(deflaters, "deflaters");
    this.inflaters = Objects.requireNonNull(inflaters, "inflaters");
    this.minCompressBytes = options.minCompressBytes();
    WsRole peer = role == WsRole.SERVER ? WsRole.CLIENT : WsRole.SERVER;
    int bits = params.maxWindowBits(role);
    this.chunkBytes = bits < DeflateParams.MAX_WINDOW_BITS ? 1 << (bits - 1) : 0;
    this.sendReset = params.noContextTakeover(role);
    this.receiveReset = params.noContextTakeover(peer);
  }

  /**
   * A transform for our side {@code role} of a connection that agreed {@code params}, compressing as
   * {@code options} say.
   */
  public static DeflateTransform create(WsRole role, DeflateParams params, DeflateOptions options) {
    int level = options.compressionLevel();
    return new DeflateTransform(role, params, options, () -> new Deflater(level, true), () -> new Inflater(true));
  }

  /**
   * As {@link #create(WsRole, DeflateParams, DeflateOptions)}, with the compressor and decompressor from
   * the given factories (to pool or count them). They must make raw ("nowrap") instances; each is called
   * at most once, and the transform owns what it returns.
   */
  public static DeflateTransform create(WsRole role, DeflateParams params, DeflateOptions options,
      Supplier<Deflater> deflaters, Supplier<Inflater> inflaters) {
    return new DeflateTransform(role, params, options, deflaters, inflaters);
  }

  public DeflateParams params() {
    return params;
  }

  @Override
  public int rsvBits() {
    return RSV1;
  }

  // ------------------------------------------------------------------------------------------------ receive

  @Override
  public void decodeInput(ByteBuffer piece, boolean endOfMessage) {
    checkOpen();
    if (inflater == null) {
      inflater = inflaters.get();
    }
    int n = piece.remaining();
    messageInputBytes += n;
    // an empty payload is an empty message: the tail alone would start a stored block it cannot finish
    int total = n + (endOfMessage && messageInputBytes > 0 ? TAIL.length : 0);
    if (in.length < total) {
      in = new byte[Math.max(total, Math.min(2 * in.length, RETAINED_BYTES))];
    }
    // copied: the piece is borrowed for this call only, and the inflater reads lazily
    piece.get(piece.position(), in, 0, n);
    if (total > n) {
      System.arraycopy(TAIL, 0, in, n, TAIL.length);
    }
    inLen = total;
    inputEnded = endOfMessage;
    inflater.setInput(in, 0, total);
  }

  @Override
  public int decodeOutput(ByteBuffer dst) {
    checkOpen();
    try {
      // each round either returns or consumes input after a final block; input is finite
      while (true) {
        int w = inflater.inflate(dst);
        if (w > 0) {
          return w;
        }
        if (inflater.finished()) {
          // a block with BFINAL ended the DEFLATE stream (7.2.3.5); start a new one with what follows
          int rest = inflater.getRemaining();
          inflater.reset();
          if (inputEnded && rest <= TAIL.length) {
            return endOfMessage(); // only (part of) our appended tail is left
          }
          inflater.setInput(in, inLen - rest, rest);
        } else if (inflater.needsInput()) {
          return inputEnded ? endOfMessage() : 0;
        } else if (inflater.needsDictionary()) {
          throw RemoteProtocolException.ws(WsCloseCodes.INVALID_PAYLOAD,
              "compressed message asks for a preset dictionary (RFC 7692 7.2.2)");
        } else if (!dst.hasRemaining()) {
          return 0;
        } else {
          throw new IllegalStateException("inflater made no progress with input and output space");
        }
      }
    } catch (DataFormatException e) {
      throw RemoteProtocolException.ws(WsCloseCodes.INVALID_PAYLOAD,
          "compressed message does not inflate: " + e.getMessage() + " (RFC 7692 7.2.2)");
    }
  }

  private int endOfMessage() {
    if (receiveReset) {
      inflater.reset();
    }
    inputEnded = false;
    inLen = 0;
    messageInputBytes = 0;
    if (in.length > RETAINED_BYTES) {
      in = new byte[256];
    }
    return -1;
  }

  // ------------------------------------------------------------------------------------------------ send

  @Override
  public boolean encodeMessage(boolean text) {
    return true;
  }

  @Override
  public boolean encodeMessage(boolean text, int firstFragmentBytes, boolean wholeMessage) {
    return !(wholeMessage && firstFragmentBytes < minCompressBytes);
  }

  @Override
  public ByteBuffer encode(ByteBuffer plain, boolean endOfMessage) {
    checkOpen();
    if (deflater == null) {
      deflater = deflaters.get();
    }
    outLen = 0;
    if (chunkBytes == 0) {
      if (plain.hasRemaining()) {
        deflater.setInput(plain);
        unflushed = true;
        deflate(Deflater.NO_FLUSH);
      }
    } else {
      if (chunk == null) {
        chunk = new byte[chunkBytes];
      }
      while (plain.hasRemaining()) {
        if (sinceFullFlush == chunkBytes) {
          deflate(Deflater.FULL_FLUSH);
          nextChunk();
        }
        int take = Math.min(plain.remaining(), chunkBytes - sinceFullFlush);
        plain.get(plain.position(), chunk, sinceFullFlush, take);
        deflater.setInput(chunk, sinceFullFlush, take);
        unflushed = true;
        deflate(Deflater.NO_FLUSH);
        plain.position(plain.position() + take);
        sinceFullFlush += take;
      }
    }
    if (endOfMessage) {
      endMessage();
    }
    ByteBuffer result = ByteBuffer.wrap(Arrays.copyOf(out, outLen));
    if (out.length > RETAINED_BYTES) {
      out = new byte[256];
    }
    return result;
  }

  private void endMessage() {
    if (!unflushed) {
      // nothing since the last flush, where zlib would emit nothing: an empty stored block's header is
      // what remains of "00 00 00 ff ff" once the tail is removed (7.2.3.6)
      append(EMPTY_BLOCK);
    } else {
      // without context takeover the next message must not refer to this one; a full chunk ends here
      // too; otherwise the window (or the chunk) goes on into the next message
      boolean chunkFull = chunkBytes > 0 && sinceFullFlush == chunkBytes;
      deflate(sendReset || chunkFull ? Deflater.FULL_FLUSH : Deflater.SYNC_FLUSH);
      if (outLen < TAIL.length || !Arrays.equals(out, outLen - TAIL.length, outLen, TAIL, 0, TAIL.length)) {
        throw new IllegalStateException("deflater's flush did not end with 00 00 ff ff");
      }
      outLen -= TAIL.length; // 7.2.1
      if (sendReset) {
        sinceFullFlush = 0; // and no dictionary
      } else if (chunkFull) {
        nextChunk();
      }
    }
    unflushed = false;
  }

  /** After a full flush: the chunk just compressed is the dictionary the next one may refer to. */
  private void nextChunk() {
    deflater.setDictionary(chunk, 0, chunkBytes);
    sinceFullFlush = 0;
  }

  /** Runs the deflater over its input ({@code NO_FLUSH}) or until the flush is complete. */
  private void deflate(int flush) {
    while (true) {
      if (out.length - outLen < 64) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, 256));
      }
      int space = out.length - outLen;
      int w = deflater.deflate(out, outLen, space, flush);
      outLen += w;
      if (flush == Deflater.NO_FLUSH ? deflater.needsInput() : w < space) {
        break;
      }
    }
    if (flush != Deflater.NO_FLUSH) {
      unflushed = false;
    }
  }

  private void append(byte[] b) {
    if (out.length - outLen < b.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, outLen + b.length));
    }
    System.arraycopy(b, 0, out, outLen, b.length);
    outLen += b.length;
  }

  // ------------------------------------------------------------------------------------------------ life

  /** Whether {@link #close()} ran. */
  public boolean isClosed() {
    return closed;
  }

  /** Releases the deflater and inflater ({@code end()}). Idempotent; the transform is unusable after it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (deflater != null) {
      deflater.end();
      deflater = null;
    }
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("DeflateTransform is closed: its connection ended");
    }
  }
}
