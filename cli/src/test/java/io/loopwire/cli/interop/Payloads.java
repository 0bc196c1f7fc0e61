package io.loopwire.cli.interop;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The deterministic payloads of interop/README.md, byte for byte the same as the peer scripts'. */
final class Payloads {

  /** Frame-length encoding edges (7-bit, 16-bit, 64-bit lengths) and 1 MiB. */
  static final List<Integer> SIZES = List.of(0, 125, 126, 65_535, 65_536, 1 << 20);

  /** 21 UTF-8 bytes: 1-, 2-, 3- and 4-byte sequences. */
  private static final byte[] TEXT_UNIT = "loopwire-\u00e9-\u20ac-\ud83d\ude00|".getBytes(StandardCharsets.UTF_8);

  private Payloads() {}

  /** Exactly {@code size} bytes of valid UTF-8: whole units, then ASCII letters a, b, c, ... */
  static String text(int size) {
    byte[] out = new byte[size];
    int i = 0;
    while (size - i >= TEXT_UNIT.length) {
      System.arraycopy(TEXT_UNIT, 0, out, i, TEXT_UNIT.length);
      i += TEXT_UNIT.length;
    }
    for (int k = 0; i < size; i++, k++) {
      out[i] = (byte) ('a' + k % 26);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** Byte i is {@code (i * 31 + 7) & 0xff}. */
  static byte[] binary(int size) {
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = (byte) ((i * 31 + 7) & 0xff);
    }
    return out;
  }

  /** Index of the first differing byte, or -1 if equal. */
  static int firstDiff(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      if (a[i] != b[i]) {
        return i;
      }
    }
    return a.length == b.length ? -1 : n;
  }
}
