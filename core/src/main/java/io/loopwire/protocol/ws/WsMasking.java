package io.loopwire.protocol.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * RFC 6455 section 5.3 masking: byte {@code i} of a payload is XORed with byte {@code i % 4} of the 32-bit
 * masking key. Masking and unmasking are the same operation. Works 8 bytes per step (one {@code long} XOR,
 * unaligned reads are fine on byte arrays), then byte by byte for the tail.
 */
public final class WsMasking {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private WsMasking() {}

  /**
   * XORs {@code len} bytes of {@code a} from {@code off} with the masking key, in place.
   *
   * @param key the masking key in wire order: its most significant byte masks the first payload byte
   * @param keyOffset how many payload bytes precede {@code a[off]} (only its value modulo 4 matters), so a
   *     payload can be unmasked in pieces
   */
  public static void mask(byte[] a, int off, int len, int key, long keyOffset) {
    Objects.checkFromIndexSize(off, len, a.length);
    // rotated: the key as seen from a[off], still in wire order
    int rotated = Integer.rotateLeft(key, 8 * (int) (keyOffset & 3));
    int i = off;
    int end = off + len;
    if (len >= 8) {
      int lanes = LITTLE_ENDIAN ? Integer.reverseBytes(rotated) : rotated;
      long m = (lanes & 0xFFFFFFFFL) | ((long) lanes << 32);
      int last8 = end - 8;
      for (; i <= last8; i += 8) {
        LONGS.set(a, i, (long) LONGS.get(a, i) ^ m);
      }
    }
    // 8 is a multiple of 4: the key phase at i is unchanged
    for (int j = 0; i < end; i++, j++) {
      a[i] ^= (byte) (rotated >>> (24 - 8 * (j & 3)));
    }
  }
}
