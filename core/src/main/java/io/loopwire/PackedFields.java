package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import java.nio.charset.StandardCharsets;

/**
 * An {@link Http1Fields} kept as one ISO-8859-1 array, {@code name LF value LF} per line, for what a
 * long-lived object must keep but is rarely read (a session's handshake headers): one small array instead
 * of an array plus a pair of {@code String}s per line. LF never occurs inside a name (a token) or a value
 * (Http1Fields refuses CR, LF and NUL), and every char fits a byte (values are ISO-8859-1).
 */
final class PackedFields {

  private PackedFields() {}

  /** The packed form, or {@code null} for no fields. */
  static byte[] pack(Http1Fields fields) {
    int n = fields.size();
    if (n == 0) {
      return null;
    }
    int length = 0;
    for (int i = 0; i < n; i++) {
      length += fields.name(i).length() + fields.value(i).length() + 2;
    }
    byte[] out = new byte[length];
    int p = 0;
    for (int i = 0; i < n; i++) {
      p = put(fields.name(i), out, p);
      p = put(fields.value(i), out, p);
    }
    return out;
  }

  /** The fields {@link #pack} was given, as a new object (equal, not the same). */
  static Http1Fields unpack(byte[] packed) {
    if (packed == null) {
      return Http1Fields.empty();
    }
    Http1Fields.Builder b = Http1Fields.builder();
    int p = 0;
    while (p < packed.length) {
      int nameEnd = lineEnd(packed, p);
      int valueEnd = lineEnd(packed, nameEnd + 1);
      b.add(latin1(packed, p, nameEnd), latin1(packed, nameEnd + 1, valueEnd));
      p = valueEnd + 1;
    }
    return b.build();
  }

  private static int put(String s, byte[] out, int p) {
    for (int i = 0; i < s.length(); i++) {
      out[p++] = (byte) s.charAt(i);
    }
    out[p] = '\n';
    return p + 1;
  }

  private static int lineEnd(byte[] a, int from) {
    int i = from;
    while (a[i] != '\n') {
      i++;
    }
    return i;
  }

  private static String latin1(byte[] a, int from, int to) {
    return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
