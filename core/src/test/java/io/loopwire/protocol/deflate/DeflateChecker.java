package io.loopwire.protocol.deflate;

import java.util.Arrays;

/**
 * An independent RFC 1951 decoder for the tests, written from the RFC's block format (not zlib), that also
 * checks what zlib cannot: every back-reference distance stays within the negotiated window, and, when the
 * sender promised no context takeover, within the current message. Fed one message payload at a time
 * (RFC 7692 7.2.2: the {@code 00 00 ff ff} tail is appended here); history carries over between messages.
 */
final class DeflateChecker {

  private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
      59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4,
      4, 5, 5, 5, 5, 0};
  private static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
      769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  private static final int[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
      10, 11, 11, 12, 12, 13, 13};
  private static final int[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1,
      15};

  private final int windowBytes;
  private final boolean perMessage;
  private byte[] history = new byte[4096];
  private int historyLength;
  private int maxDistance;
  private int blocks;

  // the message being decoded
  private byte[] in;
  private long bitPos;
  private int messageStart;

  /**
   * @param windowBits the window the sender agreed to
   * @param noContextTakeover whether the sender promised not to refer to earlier messages
   */
  DeflateChecker(int windowBits, boolean noContextTakeover) {
    this.windowBytes = 1 << windowBits;
    this.perMessage = noContextTakeover;
  }

  /** The largest distance seen so far. */
  int maxDistance() {
    return maxDistance;
  }

  /** DEFLATE blocks decoded so far. */
  int blocks() {
    return blocks;
  }

  /** Decodes one message's payload (as sent, without the tail). */
  byte[] message(byte[] payload) {
    in = Arrays.copyOf(payload, payload.length + 4);
    in[payload.length + 2] = (byte) 0xff;
    in[payload.length + 3] = (byte) 0xff;
    bitPos = 0;
    messageStart = historyLength;
    while (bitPos < 8L * in.length) {
      boolean last = bits(1) == 1;
      int type = bits(2);
      blocks++;
      if (last) {
        throw new AssertionError("block with BFINAL set: our sender never ends the stream");
      }
      if (type == 0) {
        stored();
      } else if (type == 1) {
        codes(Huffman.FIXED_LITERALS, Huffman.FIXED_DISTANCES);
      } else if (type == 2) {
        dynamic();
      } else {
        throw new AssertionError("reserved block type 3 at bit " + bitPos);
      }
    }
    return Arrays.copyOfRange(history, messageStart, historyLength);
  }

  private void stored() {
    bitPos = (bitPos + 7) & ~7L;
    int len = bits(16);
    int nlen = bits(16);
    if ((len ^ 0xffff) != nlen) {
      throw new AssertionError("stored block LEN " + len + " does not match NLEN " + nlen);
    }
    for (int i = 0; i < len; i++) {
      emit(bits(8));
    }
  }

  private void dynamic() {
    int nlen = bits(5) + 257;
    int ndist = bits(5) + 1;
    int ncode = bits(4) + 4;
    int[] lengths = new int[19];
    for (int i = 0; i < ncode; i++) {
      lengths[CODE_LENGTH_ORDER[i]] = bits(3);
    }
    Huffman lencode = new Huffman(lengths);
    int[] all = new int[nlen + ndist];
    for (int i = 0; i < all.length; ) {
      int sym = lencode.decode(this);
      if (sym < 16) {
        all[i++] = sym;
        continue;
      }
      int value = 0;
      int repeat;
      if (sym == 16) {
        if (i == 0) {
          throw new AssertionError("repeat with no previous length");
        }
        value = all[i - 1];
        repeat = 3 + bits(2);
      } else if (sym == 17) {
        repeat = 3 + bits(3);
      } else {
        repeat = 11 + bits(7);
      }
      if (i + repeat > all.length) {
        throw new AssertionError("code lengths overflow");
      }
      Arrays.fill(all, i, i + repeat, value);
      i += repeat;
    }
    codes(new Huffman(Arrays.copyOfRange(all, 0, nlen)), new Huffman(Arrays.copyOfRange(all, nlen, all.length)));
  }

  private void codes(Huffman literals, Huffman distances) {
    while (true) {
      int sym = literals.decode(this);
      if (sym < 256) {
        emit(sym);
      } else if (sym == 256) {
        return;
      } else {
        sym -= 257;
        if (sym >= 29) {
          throw new AssertionError("invalid length symbol " + (sym + 257));
        }
        int len = LENGTH_BASE[sym] + bits(LENGTH_EXTRA[sym]);
        int dsym = distances.decode(this);
        if (dsym >= 30) {
          throw new AssertionError("invalid distance symbol " + dsym);
        }
        int dist = DIST_BASE[dsym] + bits(DIST_EXTRA[dsym]);
        maxDistance = Math.max(maxDistance, dist);
        if (dist > windowBytes) {
          throw new AssertionError("distance " + dist + " exceeds the window of " + windowBytes + " bytes");
        }
        int available = perMessage ? historyLength - messageStart : historyLength;
        if (dist > available) {
          throw new AssertionError("distance " + dist + " reaches before " + (perMessage
              ? "the start of the message (no context takeover)" : "the start of the stream"));
        }
        for (int i = 0; i < len; i++) {
          emit(history[historyLength - dist]);
        }
      }
    }
  }

  private void emit(int b) {
    if (historyLength == history.length) {
      history = Arrays.copyOf(history, history.length * 2);
    }
    history[historyLength++] = (byte) b;
  }

  int bits(int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      int byteIndex = (int) (bitPos >>> 3);
      if (byteIndex >= in.length) {
        throw new AssertionError("compressed data ends inside a block");
      }
      v |= ((in[byteIndex] >>> (bitPos & 7)) & 1) << i;
      bitPos++;
    }
    return v;
  }

  /** A canonical Huffman code, decoded bit by bit (RFC 1951 3.2.2). */
  private static final class Huffman {
    static final Huffman FIXED_LITERALS;
    static final Huffman FIXED_DISTANCES;

    static {
      int[] lit = new int[288];
      Arrays.fill(lit, 0, 144, 8);
      Arrays.fill(lit, 144, 256, 9);
      Arrays.fill(lit, 256, 280, 7);
      Arrays.fill(lit, 280, 288, 8);
      FIXED_LITERALS = new Huffman(lit);
      int[] dist = new int[30];
      Arrays.fill(dist, 5);
      FIXED_DISTANCES = new Huffman(dist);
    }

    private final int[] count = new int[16];
    private final int[] symbols;

    Huffman(int[] lengths) {
      for (int len : lengths) {
        count[len]++;
      }
      count[0] = 0;
      int[] offsets = new int[16];
      for (int len = 1; len < 15; len++) {
        offsets[len + 1] = offsets[len] + count[len];
      }
      symbols = new int[lengths.length];
      for (int s = 0; s < lengths.length; s++) {
        if (lengths[s] != 0) {
          symbols[offsets[lengths[s]]++] = s;
        }
      }
    }

    int decode(DeflateChecker r) {
      int code = 0;
      int first = 0;
      int index = 0;
      for (int len = 1; len <= 15; len++) {
        code |= r.bits(1);
        int n = count[len];
        if (code - n < first) {
          return symbols[index + (code - first)];
        }
        index += n;
        first = (first + n) << 1;
        code <<= 1;
      }
      throw new AssertionError("no Huffman code matches");
    }
  }
}
