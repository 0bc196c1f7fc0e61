package io.loopwire.protocol.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link WsMasking} equals the byte-by-byte definition of RFC 6455 5.3 for any offset, length and phase. */
class WsMaskingTest {

  private static void naive(byte[] a, int off, int len, int key, long phase) {
    for (int i = 0; i < len; i++) {
      int k = (int) ((phase + i) & 3);
      a[off + i] ^= (byte) (key >>> (24 - 8 * k));
    }
  }

  @Test
  void rfcExample() {
    byte[] hello = "Hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    WsMasking.mask(hello, 0, 5, 0x37fa213d, 0);
    assertThat(hello).containsExactly(0x7f, 0x9f, 0x4d, 0x51, 0x58);
  }

  @Test
  void everyOffsetLengthAndPhase() {
    Random r = new Random(42);
    for (int off = 0; off < 17; off++) {
      for (int len = 0; len < 70; len++) {
        for (int phase = 0; phase < 8; phase++) {
          int key = r.nextInt();
          byte[] a = new byte[off + len + 5];
          r.nextBytes(a);
          byte[] expected = a.clone();
          naive(expected, off, len, key, phase);
          WsMasking.mask(a, off, len, key, phase);
          assertThat(a).as("off %d len %d phase %d", off, len, phase).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void maskingInPiecesEqualsMaskingWhole() {
    Random r = new Random(7);
    byte[] a = new byte[1000];
    r.nextBytes(a);
    byte[] whole = a.clone();
    WsMasking.mask(whole, 0, whole.length, 0xdeadbeef, 0);
    for (int pos = 0; pos < a.length; ) {
      int n = Math.min(a.length - pos, r.nextInt(23));
      WsMasking.mask(a, pos, n, 0xdeadbeef, pos);
      pos += n;
    }
    assertThat(a).isEqualTo(whole);
  }

  @Property(tries = 200)
  void maskTwiceIsIdentity(@ForAll @IntRange(max = 5000) int len, @ForAll @IntRange(max = 9) int off,
      @ForAll int key, @ForAll long phase) {
    byte[] a = new byte[len + off];
    new Random(len * 31L + off).nextBytes(a);
    byte[] original = a.clone();
    byte[] expected = a.clone();
    naive(expected, off, len, key, phase);
    WsMasking.mask(a, off, len, key, phase);
    assertThat(a).isEqualTo(expected);
    WsMasking.mask(a, off, len, key, phase);
    assertThat(a).isEqualTo(original);
  }

  @Test
  void outOfBoundsIsRejectedBeforeAnyWrite() {
    byte[] a = new byte[10];
    assertThatThrownBy(() -> WsMasking.mask(a, 5, 6, 1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(a).isEqualTo(new byte[10]);
    Arrays.fill(a, (byte) 1);
    WsMasking.mask(a, 10, 0, 1, 0);
    assertThat(a).containsOnly(1);
  }
}
