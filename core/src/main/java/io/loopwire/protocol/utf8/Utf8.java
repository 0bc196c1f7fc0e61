package io.loopwire.protocol.utf8;

/**
 * UTF-16 to UTF-8 encoding straight into a caller's array: {@link #encodedLength} first (it also rejects
 * unpaired surrogates, which have no UTF-8 form), then {@link #encode}.
 */
public final class Utf8 {

  private Utf8() {}

  /**
   * The UTF-8 length of {@code s[from, to)}.
   *
   * @throws IllegalArgumentException naming the index of an unpaired surrogate (a {@code char} in
   *     U+D800..U+DFFF that is not part of a high-low pair inside the range)
   */
  public static long encodedLength(CharSequence s, int from, int to) {
    long n = to - from;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        n += 1;
      } else if (!Character.isSurrogate(c)) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 2; // two chars, four bytes
        i++;
      } else {
        throw new IllegalArgumentException(String.format(
            "unpaired surrogate U+%04X at index %d: text must be well-formed UTF-16 to be encoded as UTF-8", (int) c, i));
      }
    }
    return n;
  }

  /**
   * Encodes {@code s[from, to)} into {@code dst} from {@code off}; the range must have passed
   * {@link #encodedLength} and {@code dst} must have room for that many bytes.
   *
   * @return the index in {@code dst} after the last byte written
   */
  public static int encode(CharSequence s, int from, int to, byte[] dst, int off) {
    int p = off;
    int i = from;
    // ASCII run first: the common case
    while (i < to) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        break;
      }
      dst[p++] = (byte) c;
      i++;
    }
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst[p++] = (byte) c;
      } else if (c < 0x800) {
        dst[p++] = (byte) (0xC0 | c >> 6);
        dst[p++] = (byte) (0x80 | c & 0x3F);
      } else if (!Character.isSurrogate(c)) {
        dst[p++] = (byte) (0xE0 | c >> 12);
        dst[p++] = (byte) (0x80 | c >> 6 & 0x3F);
        dst[p++] = (byte) (0x80 | c & 0x3F);
      } else {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        dst[p++] = (byte) (0xF0 | cp >> 18);
        dst[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
        dst[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
        dst[p++] = (byte) (0x80 | cp & 0x3F);
      }
    }
    return p;
  }
}
