package io.loopwire.protocol.utf8;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * An incremental, strict UTF-8 validator: feed a byte stream in pieces of any size and it reports the first
 * byte that cannot belong to well-formed UTF-8, as soon as that byte is seen (not when the sequence or the
 * stream ends). Code points split across pieces are carried over in the state.
 *
 * <p>Implementation: between code points, ASCII is skipped 8 bytes per step
 * ({@code word & 0x8080808080808080L}) and other code points are checked whole against Unicode table 3-7
 * (well-formed byte sequences). The last bytes of a piece, a code point cut between pieces and the exact
 * position of an error go through a table-driven automaton over 12 byte classes and 9 states built from the
 * same table.
 *
 * <p>Not thread-safe; one instance per stream. A validator that has rejected a byte stays rejected until
 * {@link #reset()}.
 */
public final class Utf8Validator {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** Number of byte classes; states are pre-multiplied by it so that a transition is one table load. */
  private static final int CLASSES = 12;

  static final int ACCEPT = 0;
  static final int REJECT = 1 * CLASSES;
  private static final int NEED1 = 2 * CLASSES; // one more 80..BF
  private static final int NEED2 = 3 * CLASSES; // two more 80..BF
  private static final int NEED3 = 4 * CLASSES; // three more 80..BF
  private static final int AFTER_E0 = 5 * CLASSES; // next must be A0..BF (no overlong 3-byte form)
  private static final int AFTER_ED = 6 * CLASSES; // next must be 80..9F (no surrogates)
  private static final int AFTER_F0 = 7 * CLASSES; // next must be 90..BF (no overlong 4-byte form)
  private static final int AFTER_F4 = 8 * CLASSES; // next must be 80..8F (nothing above U+10FFFF)

  /** Byte class of each byte value; see {@link #transitions()}. */
  private static final byte[] CLASS = byteClasses();
  /** Next state, indexed by {@code state + class}. */
  private static final byte[] NEXT = transitions();

  private int state = ACCEPT;

  /**
   * Validates {@code len} bytes of {@code src} from {@code off}, continuing the stream fed so far.
   *
   * @return {@code -1} if every byte may belong to well-formed UTF-8 (the last code point may still be
   *     incomplete; see {@link #isComplete()}), otherwise the index in {@code src} of the first invalid byte.
   *     Once invalid, every later call returns its {@code off}.
   */
  public int validate(byte[] src, int off, int len) {
    Objects.checkFromIndexSize(off, len, src.length);
    int s = state;
    if (s == REJECT) {
      return off;
    }
    int i = off;
    int end = off + len;
    // finish a code point begun in the previous piece
    for (; s != ACCEPT && i < end; i++) {
      s = NEXT[s + CLASS[src[i] & 0xFF]];
      if (s == REJECT) {
        state = REJECT;
        return i;
      }
    }
    // between code points: ASCII 8 bytes at a time, other code points whole
    int last8 = end - 8;
    int last4 = end - 4;
    while (i < end) {
      while (i <= last8 && ((long) LONGS.get(src, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= end) {
        break;
      }
      int b0 = src[i];
      if (b0 >= 0) {
        i++;
        continue;
      }
      if (i > last4) {
        break; // a sequence may be cut by the end of the piece: the automaton carries it over
      }
      int n = sequenceLength(src, i, b0 & 0xFF);
      if (n == 0) {
        break; // invalid: the automaton finds the exact byte
      }
      i += n;
    }
    // the last few bytes, or an invalid sequence: byte by byte
    for (; i < end; i++) {
      s = NEXT[s + CLASS[src[i] & 0xFF]];
      if (s == REJECT) {
        state = REJECT;
        return i;
      }
    }
    state = s;
    return -1;
  }

  /**
   * The length of the well-formed sequence with lead byte {@code b0} at {@code i} (at least 4 bytes
   * available), or 0 if it is not well-formed. Continuation bytes 80..BF are the signed values below -64.
   */
  private static int sequenceLength(byte[] src, int i, int b0) {
    if (b0 < 0xE0) {
      return b0 >= 0xC2 && src[i + 1] < -64 ? 2 : 0;
    }
    int b1 = src[i + 1];
    if (b0 < 0xF0) {
      if (b1 >= -64 || src[i + 2] >= -64
          || (b0 == 0xE0 ? b1 < (byte) 0xA0 : b0 == 0xED && b1 >= (byte) 0xA0)) {
        return 0; // E0: no overlong form; ED: no surrogates
      }
      return 3;
    }
    if (b0 > 0xF4 || b1 >= -64 || src[i + 2] >= -64 || src[i + 3] >= -64
        || (b0 == 0xF0 ? b1 < (byte) 0x90 : b0 == 0xF4 && b1 >= (byte) 0x90)) {
      return 0; // F0: no overlong form; F4: nothing above U+10FFFF
    }
    return 4;
  }

  /**
   * Validates the remaining bytes of {@code src} without moving its position.
   *
   * @return {@code -1} or the absolute index in {@code src} of the first invalid byte, as for
   *     {@link #validate(byte[], int, int)}
   */
  public int validate(ByteBuffer src) {
    if (src.hasArray()) {
      int base = src.arrayOffset();
      int r = validate(src.array(), base + src.position(), src.remaining());
      return r < 0 ? r : r - base;
    }
    int s = state;
    if (s == REJECT) {
      return src.position();
    }
    int i = src.position();
    int end = src.limit();
    while (i < end) {
      if (s == ACCEPT) {
        while (i <= end - 8 && (src.getLong(i) & HIGH_BITS) == 0) {
          i += 8;
        }
        while (i < end && src.get(i) >= 0) {
          i++;
        }
        if (i == end) {
          break;
        }
      }
      s = NEXT[s + CLASS[src.get(i) & 0xFF]];
      if (s == REJECT) {
        state = REJECT;
        return i;
      }
      i++;
    }
    state = s;
    return -1;
  }

  /** Whether the stream so far is valid and ends between code points (a complete UTF-8 text). */
  public boolean isComplete() {
    return state == ACCEPT;
  }

  /** Whether an invalid byte has been seen since the last {@link #reset()}. */
  public boolean isRejected() {
    return state == REJECT;
  }

  /** Starts a new stream. */
  public void reset() {
    state = ACCEPT;
  }

  /** Whether {@code len} bytes of {@code src} from {@code off} are complete, well-formed UTF-8. */
  public static boolean isValid(byte[] src, int off, int len) {
    Utf8Validator v = new Utf8Validator();
    return v.validate(src, off, len) < 0 && v.isComplete();
  }

  private static byte[] byteClasses() {
    byte[] c = new byte[256];
    for (int b = 0; b < 256; b++) {
      int k;
      if (b < 0x80) {
        k = 0;
      } else if (b < 0x90) {
        k = 1;
      } else if (b < 0xA0) {
        k = 2;
      } else if (b < 0xC0) {
        k = 3;
      } else if (b < 0xC2) {
        k = 4; // C0, C1: only overlong 2-byte forms
      } else if (b < 0xE0) {
        k = 5;
      } else if (b == 0xE0) {
        k = 6;
      } else if (b == 0xED) {
        k = 8;
      } else if (b < 0xF0) {
        k = 7;
      } else if (b == 0xF0) {
        k = 9;
      } else if (b < 0xF4) {
        k = 10;
      } else if (b == 0xF4) {
        k = 11;
      } else {
        k = 4; // F5..FF never occur
      }
      c[b] = (byte) k;
    }
    return c;
  }

  /**
   * Classes: 0 ASCII, 1 80..8F, 2 90..9F, 3 A0..BF, 4 never valid, 5 C2..DF, 6 E0, 7 E1..EC/EE..EF, 8 ED,
   * 9 F0, 10 F1..F3, 11 F4.
   */
  private static byte[] transitions() {
    byte[] t = new byte[9 * CLASSES];
    java.util.Arrays.fill(t, (byte) REJECT);
    set(t, ACCEPT, 0, ACCEPT);
    set(t, ACCEPT, 5, NEED1);
    set(t, ACCEPT, 6, AFTER_E0);
    set(t, ACCEPT, 7, NEED2);
    set(t, ACCEPT, 8, AFTER_ED);
    set(t, ACCEPT, 9, AFTER_F0);
    set(t, ACCEPT, 10, NEED3);
    set(t, ACCEPT, 11, AFTER_F4);
    for (int k = 1; k <= 3; k++) {
      set(t, NEED1, k, ACCEPT);
      set(t, NEED2, k, NEED1);
      set(t, NEED3, k, NEED2);
    }
    set(t, AFTER_E0, 3, NEED1);
    set(t, AFTER_ED, 1, NEED1);
    set(t, AFTER_ED, 2, NEED1);
    set(t, AFTER_F0, 2, NEED2);
    set(t, AFTER_F0, 3, NEED2);
    set(t, AFTER_F4, 1, NEED2);
    return t;
  }

  private static void set(byte[] t, int state, int cls, int next) {
    t[state + cls] = (byte) next;
  }
}
