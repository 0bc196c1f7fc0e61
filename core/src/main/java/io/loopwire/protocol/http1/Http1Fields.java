package io.loopwire.protocol.http1;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * An immutable, ordered list of HTTP fields (header or trailer lines). Names compare case-insensitively;
 * values keep their bytes: they are ISO-8859-1 strings, one char per octet, exactly as received or as
 * given, without the surrounding optional whitespace.
 *
 * <p>Built with {@link #builder()} or {@link #of(String...)}; both validate names (RFC 9110 token) and
 * values (no CR, LF or NUL) and throw {@link IllegalArgumentException} naming the offending field.
 */
public final class Http1Fields {

  private static final Http1Fields EMPTY = new Http1Fields(new String[0], true);

  /** name0, value0, name1, value1, ... */
  private final String[] nv;
  /**
   * Whether every value is known to hold only what the wire allows (HTAB, SP, VCHAR, obs-text), found
   * while the values were checked anyway, so the serializer need not scan them again per message.
   */
  private final boolean wireClean;

  private Http1Fields(String[] nv, boolean wireClean) {
    this.nv = nv;
    this.wireClean = wireClean;
  }

  /** See {@link #wireClean}; false only means "not known". */
  boolean wireClean() {
    return wireClean;
  }

  public static Http1Fields empty() {
    return EMPTY;
  }

  /** Fields from alternating names and values: {@code of("Host", "example.com", "Accept", "*&#47;*")}. */
  public static Http1Fields of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "Http1Fields.of needs name/value pairs, got " + namesAndValues.length + " strings");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding a copy of these fields. */
  public Builder toBuilder() {
    Builder b = new Builder(Arrays.copyOf(nv, nv.length + 8));
    b.size = nv.length;
    b.clean = wireClean;
    return b;
  }

  public int size() {
    return nv.length / 2;
  }

  public boolean isEmpty() {
    return nv.length == 0;
  }

  /** The name of field {@code i}, as given (case preserved). */
  public String name(int i) {
    return nv[2 * i];
  }

  /** The value of field {@code i}. */
  public String value(int i) {
    return nv[2 * i + 1];
  }

  /** The first value of field {@code name}, or {@code null}. */
  public String get(String name) {
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i].equalsIgnoreCase(name)) {
        return nv[i + 1];
      }
    }
    return null;
  }

  /** All values of field {@code name}, in order; empty if none. */
  public List<String> getAll(String name) {
    List<String> out = null;
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i].equalsIgnoreCase(name)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(nv[i + 1]);
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  /** How many lines carry field {@code name}. */
  public int count(String name) {
    int n = 0;
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i].equalsIgnoreCase(name)) {
        n++;
      }
    }
    return n;
  }

  public boolean contains(String name) {
    return get(name) != null;
  }

  /**
   * Whether any line of {@code name}, split at commas and trimmed, holds {@code token} (case-insensitive),
   * as for {@code Connection: keep-alive, Upgrade}.
   */
  public boolean containsToken(String name, String token) {
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i].equalsIgnoreCase(name) && elements(nv[i + 1], token, null)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Walks the comma-separated elements of {@code v} in place, trimmed as by {@link String#trim()}: this runs
   * on every request (Connection, Upgrade), so no split. With a {@code token}, returns whether an element
   * equals it ignoring case; without, adds every non-empty element to {@code out} and returns false.
   */
  private static boolean elements(String v, String token, List<String> out) {
    for (int from = 0; from <= v.length(); ) {
      int comma = v.indexOf(',', from);
      int end = comma < 0 ? v.length() : comma;
      int s = trimStart(v, from, end);
      int e = trimEnd(v, s, end);
      if (token != null) {
        if (e - s == token.length() && v.regionMatches(true, s, token, 0, e - s)) {
          return true;
        }
      } else if (e > s) {
        out.add(s == 0 && e == v.length() ? v : v.substring(s, e));
      }
      from = end + 1;
    }
    return false;
  }

  /** First index in {@code [from, to)} after leading whitespace (as {@link String#trim()}), or {@code to}. */
  private static int trimStart(String v, int from, int to) {
    while (from < to && v.charAt(from) <= ' ') {
      from++;
    }
    return from;
  }

  /** End of {@code [from, to)} without trailing whitespace (as {@link String#trim()}). */
  private static int trimEnd(String v, int from, int to) {
    while (to > from && v.charAt(to - 1) <= ' ') {
      to--;
    }
    return to;
  }

  /** The comma-separated elements of every {@code name} line, trimmed, empty elements dropped. */
  public List<String> tokens(String name) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i].equalsIgnoreCase(name)) {
        elements(nv[i + 1], null, out);
      }
    }
    return out;
  }

  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < nv.length; i += 2) {
      action.accept(nv[i], nv[i + 1]);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Http1Fields other) || other.nv.length != nv.length) {
      return false;
    }
    for (int i = 0; i < nv.length; i += 2) {
      if (!nv[i].equalsIgnoreCase(other.nv[i]) || !nv[i + 1].equals(other.nv[i + 1])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < nv.length; i += 2) {
      h = 31 * h + nv[i].toLowerCase(Locale.ROOT).hashCode();
      h = 31 * h + nv[i + 1].hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Http1Fields[");
    for (int i = 0; i < nv.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(nv[i]).append(": ").append(nv[i + 1]);
    }
    return sb.append(']').toString();
  }

  /** Whether {@code c} is an RFC 9110 tchar. */
  public static boolean isTokenChar(int c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return c < 128 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** Whether {@code s} is a non-empty RFC 9110 token. */
  public static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** A mutable builder; not thread-safe. */
  public static final class Builder {
    private String[] nv;
    /** Used length of {@link #nv}: twice the number of fields. */
    private int size;
    private boolean clean = true;

    private Builder() {
      this(new String[16]);
    }

    private Builder(String[] nv) {
      this.nv = nv;
    }

    /** Appends a field line. */
    public Builder add(String name, String value) {
      checkName(name);
      return append(name, checkValue(name, value));
    }

    /**
     * Appends a field line the request or response parser has validated already: a token name, and a
     * value without surrounding whitespace that holds only HTAB, SP, VCHAR and obs-text.
     */
    Builder addParsed(String name, String value) {
      return append(name, value);
    }

    private Builder append(String name, String value) {
      if (size + 2 > nv.length) {
        nv = Arrays.copyOf(nv, Math.max(16, nv.length * 2));
      }
      nv[size++] = name;
      nv[size++] = value;
      return this;
    }

    /** Replaces every line of {@code name} with one line. */
    public Builder set(String name, String value) {
      remove(name);
      return add(name, value);
    }

    /** Removes every line of {@code name}. */
    public Builder remove(String name) {
      int to = 0;
      for (int i = 0; i < size; i += 2) {
        if (!nv[i].equalsIgnoreCase(name)) {
          nv[to++] = nv[i];
          nv[to++] = nv[i + 1];
        }
      }
      Arrays.fill(nv, to, size, null);
      size = to;
      return this;
    }

    /** Appends every line of {@code fields}. */
    public Builder addAll(Http1Fields fields) {
      if (size + fields.nv.length > nv.length) {
        nv = Arrays.copyOf(nv, Math.max(size + fields.nv.length, nv.length * 2));
      }
      System.arraycopy(fields.nv, 0, nv, size, fields.nv.length);
      size += fields.nv.length;
      clean &= fields.wireClean;
      return this;
    }

    public int size() {
      return size / 2;
    }

    public Http1Fields build() {
      return size == 0 ? EMPTY : new Http1Fields(Arrays.copyOf(nv, size), clean);
    }

    private static String checkName(String name) {
      if (!isToken(name)) {
        throw new IllegalArgumentException(
            "invalid HTTP field name '" + name + "': use a non-empty RFC 9110 token (letters, digits, !#$%&'*+-.^_`|~)");
      }
      return name;
    }

    private String checkValue(String name, String value) {
      if (value == null) {
        throw new IllegalArgumentException("HTTP field '" + name + "' has a null value");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == 0 || c > 0xFF) {
          throw new IllegalArgumentException(
              "invalid character 0x" + Integer.toHexString(c) + " at index " + i + " in value of HTTP field '"
                  + name + "': CR, LF, NUL and chars above 0xFF are not allowed");
        }
        if (!Http1Syntax.isFieldValueChar(c)) {
          clean = false; // allowed here, refused by the serializer, which then names it
        }
      }
      return value.strip();
    }
  }
}
