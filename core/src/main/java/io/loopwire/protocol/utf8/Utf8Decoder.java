package io.loopwire.protocol.utf8;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Objects;

/**
 * Decodes a UTF-8 byte stream fed in pieces into strings of complete code points. A code point split
 * between pieces (at most 3 bytes) is carried over and appears in the string of the piece that completes it.
 *
 * <p>Invalid input does not throw: {@link #decode} returns the text before the first invalid byte and
 * {@link #isMalformed()} becomes true, so a protocol can deliver the valid prefix and then fail at the exact
 * byte ({@link #malformedIndex()}). Not thread-safe; one instance per stream.
 */
public final class Utf8Decoder {

  private final Utf8Validator validator = new Utf8Validator();
  private final byte[] carry = new byte[4];
  private int carryLen;
  private int malformedIndex = -1;

  /**
   * Validates and decodes {@code len} bytes of {@code src} from {@code off}.
   *
   * <p>Ownership: {@code src} is borrowed for the call; the returned string is the caller's.
   *
   * @return the complete code points of the valid part of this piece (with any code point completed from
   *     the previous piece), possibly empty
   * @throws IllegalStateException if the decoder is already {@linkplain #isMalformed() malformed}
   */
  public String decode(byte[] src, int off, int len) {
    Objects.checkFromIndexSize(off, len, src.length);
    if (malformedIndex >= 0) {
      throw new IllegalStateException("decoder already saw malformed UTF-8; reset() it to start a new stream");
    }
    int bad = validator.validate(src, off, len);
    int end = bad < 0 ? off + len : bad;
    int i = off;
    String head = null;
    if (carryLen > 0) {
      int total = sequenceLength(carry[0]);
      int take = Math.min(total - carryLen, end - i);
      System.arraycopy(src, i, carry, carryLen, take);
      carryLen += take;
      i += take;
      if (carryLen < total) {
        // still incomplete: the piece ended, or the next byte is the invalid one
        if (bad >= 0) {
          fail(bad);
        }
        return "";
      }
      head = new String(carry, 0, total, UTF_8);
      carryLen = 0;
    }
    // [i, end) starts between code points; its last sequence may be incomplete
    int trailing = bad < 0 && validator.isComplete() ? 0 : trailingIncomplete(src, i, end);
    int n = end - i - trailing;
    String body = n == 0 ? "" : new String(src, i, n, UTF_8);
    if (bad >= 0) {
      fail(bad);
    } else if (trailing > 0) {
      System.arraycopy(src, end - trailing, carry, 0, trailing);
      carryLen = trailing;
    }
    return head == null ? body : head.concat(body);
  }

  /** Whether the stream so far is valid and ends between code points. */
  public boolean isComplete() {
    return malformedIndex < 0 && validator.isComplete();
  }

  /** Whether an invalid byte has been seen since the last {@link #reset()}. */
  public boolean isMalformed() {
    return malformedIndex >= 0;
  }

  /** Index, in the array given to the failing {@link #decode} call, of the first invalid byte; or -1. */
  public int malformedIndex() {
    return malformedIndex;
  }

  /** Bytes of an incomplete code point carried over to the next piece (0 to 3). */
  public int pendingBytes() {
    return carryLen;
  }

  /** Starts a new stream. */
  public void reset() {
    validator.reset();
    carryLen = 0;
    malformedIndex = -1;
  }

  private void fail(int index) {
    malformedIndex = index;
    carryLen = 0;
  }

  /** Length of the sequence that lead byte {@code b} starts (validated input, so only 2, 3 or 4 here). */
  private static int sequenceLength(byte b) {
    int v = b & 0xFF;
    return v < 0xE0 ? 2 : v < 0xF0 ? 3 : 4;
  }

  /** Number of bytes after the last code point boundary in validated {@code [from, end)}: 0 to 3. */
  private static int trailingIncomplete(byte[] src, int from, int end) {
    int p = end - 1;
    int stop = Math.max(from, end - 4);
    while (p >= stop && (src[p] & 0xC0) == 0x80) {
      p--;
    }
    if (p < stop || src[p] >= 0) {
      return 0;
    }
    int have = end - p;
    return have < sequenceLength(src[p]) ? have : 0;
  }
}
