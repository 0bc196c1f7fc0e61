package io.loopwire.protocol.uri;

/**
 * A string is not a URI Loopwire can use. The message names the offending character (printable and as
 * hex), its index in the input, the input itself and how to fix it, for example:
 *
 * <pre>'&lt;' (0x3C) at index 9 is not allowed in the path of "ws://h/a&lt;b": percent-encode it as %3C</pre>
 *
 * <p>An {@link IllegalArgumentException}: a bad URI is the app's mistake (DESIGN "Errors"). When the string
 * came from a peer (a {@code Location} header), the engine reports it as that peer's error instead.
 */
public final class UriSyntaxException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Inputs longer than this are shortened in the message (never in {@link #input()}). */
  private static final int ECHO_CHARS = 200;

  private final String input;
  private final int index;

  UriSyntaxException(String input, int index, String problem, String fix) {
    super(problem + " at index " + index + " of \"" + echo(input) + "\": " + fix);
    this.input = input;
    this.index = index;
  }

  /** The string that failed to parse, unchanged. */
  public String input() {
    return input;
  }

  /** The index in {@link #input()} of the offending character, or of where something is missing. */
  public int index() {
    return index;
  }

  /** The input for a message: control and non-ASCII chars escaped (no log injection), long input cut. */
  private static String echo(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), ECHO_CHARS) + 8);
    int n = Math.min(s.length(), ECHO_CHARS);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02X", (int) c));
      } else if (c > 0x7e) {
        sb.append(String.format("\\u%04X", (int) c));
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    if (s.length() > n) {
      sb.append("...(").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
