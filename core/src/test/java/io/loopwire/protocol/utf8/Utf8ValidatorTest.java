package io.loopwire.protocol.utf8;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8Validator} and {@link Utf8Decoder} agree with the JDK's strict UTF-8 decoder
 * ({@link CodingErrorAction#REPORT}): the first invalid byte is exactly the first byte after which the
 * input can no longer be a prefix of valid UTF-8, whatever the split of the input.
 */
class Utf8ValidatorTest {

  // ---- the JDK as oracle

  private static final CharsetDecoder JDK = UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Whether the JDK decodes {@code b[0, n)} as complete, valid UTF-8. */
  static boolean jdkValid(byte[] b, int n) {
    JDK.reset();
    ByteBuffer in = ByteBuffer.wrap(b, 0, n);
    CharBuffer out = CharBuffer.allocate(n + 4);
    CoderResult r = JDK.decode(in, out, true);
    return !r.isError() && !JDK.flush(out).isError() && !in.hasRemaining();
  }

  /**
   * Whether {@code b[0, n)} is a prefix of valid UTF-8: the JDK accepts it followed by some completion of
   * 0 to 3 bytes from {80, 90, A0, BF} (every allowed range of a continuation byte holds one of them). The
   * JDK's own incremental mode is no oracle: it accepts "ED A0" and reports the surrogate a byte later.
   */
  static boolean jdkAccepts(byte[] b, int n, boolean complete) {
    if (complete) {
      return jdkValid(b, n);
    }
    JDK.reset();
    if (JDK.decode(ByteBuffer.wrap(b, 0, n), CharBuffer.allocate(n + 4), false).isError()) {
      return false; // an error the JDK reports is real; only its acceptance needs checking
    }
    byte[] t = Arrays.copyOf(b, n + 3);
    byte[] picks = {(byte) 0x80, (byte) 0x90, (byte) 0xA0, (byte) 0xBF};
    for (int k = 0; k <= 3; k++) {
      int combos = 1 << (2 * k);
      for (int c = 0; c < combos; c++) {
        for (int j = 0; j < k; j++) {
          t[n + j] = picks[(c >> (2 * j)) & 3];
        }
        if (jdkValid(t, n + k)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Our verdict on {@code b}, and on {@code b} between ASCII (so that the whole-code-point path, which
   * needs 4 bytes ahead, sees every sequence), checked against the oracle.
   */
  static void assertAgrees(byte[] b) {
    assertAgreesExactly(b);
    byte[] padded = new byte[b.length + 10];
    Arrays.fill(padded, (byte) 'A');
    System.arraycopy(b, 0, padded, 1, b.length);
    assertAgreesExactly(padded);
  }

  static void assertAgreesExactly(byte[] b) {
    Utf8Validator v = new Utf8Validator();
    int bad = v.validate(b, 0, b.length);
    if (bad < 0) {
      assertThat(jdkAccepts(b, b.length, false)).as("JDK accepts %s as a prefix", hex(b)).isTrue();
      assertThat(v.isComplete()).as("complete %s", hex(b)).isEqualTo(jdkAccepts(b, b.length, true));
    } else {
      assertThat(jdkAccepts(b, bad, false)).as("JDK accepts the %d bytes before the first invalid one of %s",
          bad, hex(b)).isTrue();
      assertThat(jdkAccepts(b, bad + 1, false)).as("JDK rejects %s up to byte %d", hex(b), bad).isFalse();
      assertThat(v.isRejected()).isTrue();
    }
  }

  // ---- exhaustive over short inputs

  @Test
  void everyInputOfOneAndTwoBytes() {
    for (int x = 0; x < 256; x++) {
      assertAgrees(new byte[] {(byte) x});
      for (int y = 0; y < 256; y++) {
        assertAgrees(new byte[] {(byte) x, (byte) y});
      }
    }
  }

  @Test
  void everyThreeByteInputAroundTheBoundaries() {
    int[] edges = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
        0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
    for (int x = 0xC0; x < 256; x++) {
      boolean four = x >= 0xF0 && x <= 0xF7 || x == 0xE0 || x == 0xED || x == 0xC2;
      for (int y : edges) {
        for (int z : edges) {
          assertAgrees(new byte[] {(byte) x, (byte) y, (byte) z});
          for (int w : four ? edges : new int[0]) {
            assertAgrees(new byte[] {(byte) x, (byte) y, (byte) z, (byte) w});
          }
        }
      }
    }
  }

  @Test
  void adversarialSequences() {
    String[] cases = {
      "c0 80", "c1 bf", "e0 80 80", "e0 9f bf", "f0 80 80 80", "f0 8f bf bf", // overlong
      "ed a0 80", "ed bf bf", "ed 9f bf", "ee 80 80", // surrogates and their neighbours
      "f4 90 80 80", "f4 8f bf bf", "f5 80 80 80", "f8 88 80 80 80", "fc 84 80 80 80 80", "fe", "ff", // range
      "e2 82", "f0 9f 98", "c3", "41 c3", "e2 28 a1", "f0 28 8c bc", "f0 90 28 bc", "80", "bf 41",
      "ce ba e1 bd b9 cf 83 ce bc ce b5", "ef bb bf", "ef bf bd", "ef bf be", "f4 8f bf bf", "00"
    };
    for (String c : cases) {
      assertAgrees(unhex(c));
    }
    assertThat(new Utf8Validator().validate(unhex("41 42 e0 80 80"), 0, 5)).isEqualTo(3);
    assertThat(new Utf8Validator().validate(unhex("ed a0 80"), 0, 3)).isEqualTo(1);
    assertThat(new Utf8Validator().validate(unhex("f4 90 80 80"), 0, 4)).isEqualTo(1);
    assertThat(new Utf8Validator().validate(unhex("c3 41"), 0, 2)).isEqualTo(1);
  }

  // ---- the ASCII fast path

  @Test
  void asciiFastPathFindsABadByteAtEveryPositionAndOffset() {
    for (int off = 0; off < 9; off++) {
      for (int len = 0; len < 70; len++) {
        byte[] a = new byte[off + len + 3];
        Arrays.fill(a, (byte) 'a');
        Utf8Validator v = new Utf8Validator();
        assertThat(v.validate(a, off, len)).isEqualTo(-1);
        assertThat(v.isComplete()).isTrue();
        for (int bad = 0; bad < len; bad++) {
          for (byte b : new byte[] {(byte) 0x80, (byte) 0xFF, (byte) 0xC3}) {
            a[off + bad] = b;
            int expected = b == (byte) 0xC3 ? (bad + 1 < len ? off + bad + 1 : -1) : off + bad;
            assertThat(new Utf8Validator().validate(a, off, len))
                .as("off %d len %d bad %d byte %02x", off, len, bad, b).isEqualTo(expected);
            a[off + bad] = 'a';
          }
        }
      }
    }
  }

  @Test
  void rejectedStaysRejectedUntilReset() {
    Utf8Validator v = new Utf8Validator();
    assertThat(v.validate(unhex("41 ff"), 0, 2)).isEqualTo(1);
    assertThat(v.validate(unhex("41 42"), 0, 2)).isEqualTo(0);
    assertThat(v.isRejected()).isTrue();
    v.reset();
    assertThat(v.validate(unhex("41 42"), 0, 2)).isEqualTo(-1);
    assertThat(v.isComplete()).isTrue();
  }

  @Test
  void byteBufferFormsAgreeWithArrays() {
    byte[] b = unhex("00 41 42 43 44 45 46 47 48 49 4a ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 41");
    for (int from = 0; from < b.length; from++) {
      int expected = new Utf8Validator().validate(b, from, b.length - from);
      ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).position(from);
      assertThat(new Utf8Validator().validate(direct)).isEqualTo(expected);
      assertThat(direct.position()).isEqualTo(from);
      ByteBuffer sliced = ByteBuffer.wrap(b, 0, b.length).position(1).slice().position(from == 0 ? 0 : from - 1);
      int slicedExpected = new Utf8Validator().validate(b, Math.max(from, 1), b.length - Math.max(from, 1));
      assertThat(new Utf8Validator().validate(sliced)).isEqualTo(slicedExpected < 0 ? -1 : slicedExpected - 1);
    }
  }

  // ---- random and split inputs

  @Property(tries = 400)
  void randomInputAgreesWithJdkWhateverTheSplit(@ForAll("utf8ish") byte[] b, @ForAll long seed) {
    assertAgrees(b);
    int whole = new Utf8Validator().validate(b, 0, b.length);
    Random r = new Random(seed);
    Utf8Validator v = new Utf8Validator();
    int pos = 0;
    int found = -1;
    while (pos < b.length && found < 0) {
      int n = 1 + r.nextInt(Math.min(20, b.length - pos));
      found = v.validate(b, pos, n);
      pos += n;
    }
    assertThat(found).isEqualTo(whole);
  }

  @Property(tries = 300)
  void decoderMatchesJdkOnValidTextSplitAnywhere(@ForAll("text") String s, @ForAll long seed) {
    byte[] b = s.getBytes(UTF_8);
    Utf8Decoder d = new Utf8Decoder();
    StringBuilder sb = new StringBuilder();
    Random r = new Random(seed);
    for (int pos = 0; pos < b.length; ) {
      int n = r.nextInt(Math.min(12, b.length - pos) + 1);
      sb.append(d.decode(b, pos, n));
      assertThat(d.pendingBytes()).isBetween(0, 3);
      pos += n;
    }
    assertThat(d.isComplete()).isTrue();
    assertThat(sb.toString()).isEqualTo(s);
  }

  @Property(tries = 400)
  void decoderDeliversTheValidPrefixThenStops(@ForAll("utf8ish") byte[] b, @ForAll long seed) {
    int bad = new Utf8Validator().validate(b, 0, b.length);
    Utf8Decoder d = new Utf8Decoder();
    StringBuilder sb = new StringBuilder();
    Random r = new Random(seed);
    int pos = 0;
    while (pos < b.length && !d.isMalformed()) {
      int n = 1 + r.nextInt(b.length - pos);
      sb.append(d.decode(b, pos, n));
      pos += n;
    }
    assertThat(d.isMalformed()).isEqualTo(bad >= 0);
    int end = bad < 0 ? b.length : bad;
    // the longest prefix of complete code points before 'end'
    int complete = end;
    while (complete > 0 && !jdkAccepts(b, complete, true)) {
      complete--;
    }
    assertThat(sb.toString()).isEqualTo(new String(b, 0, complete, UTF_8));
    if (bad >= 0) {
      assertThat(d.malformedIndex()).isEqualTo(bad);
      assertThatThrownBy(() -> d.decode(b, 0, 0)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Property(tries = 300)
  void encoderMatchesJdk(@ForAll("text") String s) {
    assertThat(Utf8.encodedLength(s, 0, s.length())).isEqualTo(s.getBytes(UTF_8).length);
    byte[] out = new byte[(int) Utf8.encodedLength(s, 0, s.length()) + 2];
    int end = Utf8.encode(s, 0, s.length(), out, 1);
    assertThat(Arrays.copyOfRange(out, 1, end)).isEqualTo(s.getBytes(UTF_8));
  }

  @Test
  void encoderRejectsUnpairedSurrogates() {
    for (String s : new String[] {"a\uD800", "\uDC00b", "\uD800\uD800\uDC00", "x\uDFFFy"}) {
      assertThatThrownBy(() -> Utf8.encodedLength(s, 0, s.length()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
    }
    assertThat(Utf8.encodedLength("\uD83D\uDE00", 0, 2)).isEqualTo(4);
    assertThatThrownBy(() -> Utf8.encodedLength("\uD83D\uDE00", 0, 1)).hasMessageContaining("index 0");
  }

  @Provide
  Arbitrary<byte[]> utf8ish() {
    // mostly valid pieces, with adversarial bytes mixed in, so that errors happen late as well as early
    Arbitrary<byte[]> valid = Arbitraries.strings().all().ofMaxLength(6).map(s -> s.getBytes(UTF_8));
    Arbitrary<byte[]> hostile = Arbitraries.of(
        unhex("c0 af"), unhex("e0 80 af"), unhex("ed a0 80"), unhex("f4 90 80 80"), unhex("f5"), unhex("80"),
        unhex("e2 82"), unhex("f0 9f 98"), unhex("c3"), unhex("ff"), unhex("ef bf bf"), unhex("f0 90 80 80"));
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(4);
    Arbitrary<byte[]> ascii = Arbitraries.strings().ascii().ofMinLength(8).ofMaxLength(40).map(s -> s.getBytes(UTF_8));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, valid), net.jqwik.api.Tuple.of(2, hostile),
            net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(3, ascii))
        .list().ofMaxSize(12)
        .map(parts -> {
          java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
          parts.forEach(out::writeBytes);
          return out.toByteArray();
        });
  }

  @Provide
  Arbitrary<String> text() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(60)
        .filter(s -> s.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE));
    Arbitrary<String> emoji = Arbitraries.strings().withCharRange('a', 'e').ofMaxLength(5)
        .map(s -> s + "\uD83D\uDE00\u00e9\u20ac" + s);
    return Arbitraries.oneOf(any, emoji, Arbitraries.strings().ascii().ofMaxLength(100));
  }

  @Property(tries = 50)
  void isValidMatchesJdkForLongInputs(@ForAll @IntRange(min = 0, max = 5000) int n, @ForAll long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < n) {
      int cp = r.nextInt(10) < 7 ? 0x20 + r.nextInt(0x5F) : r.nextInt(0x110000);
      if (Character.getType(cp) != Character.SURROGATE) {
        sb.appendCodePoint(cp);
      }
    }
    byte[] b = sb.toString().getBytes(UTF_8);
    assertThat(Utf8Validator.isValid(b, 0, b.length)).isTrue();
    if (b.length > 0) {
      int at = r.nextInt(b.length);
      b[at] = (byte) (0x80 | r.nextInt(0x80));
      assertAgrees(b);
    }
  }

  static byte[] unhex(String s) {
    return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.ofDelimiter(" ").formatHex(b);
  }
}
