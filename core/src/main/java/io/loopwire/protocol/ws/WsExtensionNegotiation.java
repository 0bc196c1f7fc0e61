package io.loopwire.protocol.ws;

import io.loopwire.protocol.http1.Http1Fields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code Sec-WebSocket-Extensions} header (RFC 6455 section 9.1): parsing, formatting, and the
 * server's side of negotiation over a list of {@link WsExtensionNegotiator}s.
 *
 * <p>Grammar accepted, per element of the comma-separated list (lines of the same header are one list):
 * {@code token *( ";" token [ "=" ( token / quoted-string ) ] )}, with optional spaces or tabs around
 * {@code ,} {@code ;} and {@code =}. Empty list elements are ignored (RFC 9110 5.6.1). A quoted value is
 * unquoted and must then be a token (RFC 6455 9.1).
 */
public final class WsExtensionNegotiation {

  private WsExtensionNegotiation() {}

  /** Every element of every {@code Sec-WebSocket-Extensions} line of {@code headers}, in order. */
  public static List<WsExtensionOffer> parse(Http1Fields headers) {
    List<WsExtensionOffer> out = new ArrayList<>();
    for (String line : headers.getAll(WsHandshake.SEC_WEBSOCKET_EXTENSIONS)) {
      new Parser(line).parseInto(out);
    }
    return List.copyOf(out);
  }

  /**
   * The elements of one header value.
   *
   * @throws IllegalArgumentException naming the index and what was expected, if malformed
   */
  public static List<WsExtensionOffer> parse(String headerValue) {
    List<WsExtensionOffer> out = new ArrayList<>();
    new Parser(Objects.requireNonNull(headerValue, "headerValue")).parseInto(out);
    return List.copyOf(out);
  }

  /** The header value for {@code elements}: their {@link WsExtensionOffer#format()}s joined by ", ". */
  public static String format(List<WsExtensionOffer> elements) {
    StringBuilder sb = new StringBuilder();
    for (WsExtensionOffer e : elements) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e.format());
    }
    return sb.toString();
  }

  /**
   * Server: asks each negotiator about the client's offers of its extension and returns the accepted
   * response elements, ordered as the client first offered them (RFC 6455 9.1: the order in the response
   * is the order the extensions apply). Extensions without a negotiator are declined.
   *
   * @throws IllegalArgumentException if two negotiators share a name
   * @throws IllegalStateException if a negotiator answers with another extension's name
   */
  public static List<WsExtensionOffer> negotiate(List<WsExtensionOffer> offers,
      List<? extends WsExtensionNegotiator> negotiators) {
    checkUniqueNames(negotiators);
    if (offers.isEmpty() || negotiators.isEmpty()) {
      return List.of(); // the common handshake: nothing to allocate
    }
    List<int[]> order = new ArrayList<>(); // {first offer index, index into accepted}
    List<WsExtensionOffer> accepted = new ArrayList<>();
    for (WsExtensionNegotiator n : negotiators) {
      List<WsExtensionOffer> mine = new ArrayList<>();
      int first = -1;
      for (int i = 0; i < offers.size(); i++) {
        if (offers.get(i).is(n.name())) {
          mine.add(offers.get(i));
          first = first < 0 ? i : first;
        }
      }
      if (mine.isEmpty()) {
        continue;
      }
      Optional<WsExtensionOffer> answer = n.serverAccept(List.copyOf(mine));
      if (answer.isPresent()) {
        if (!answer.get().is(n.name())) {
          throw new IllegalStateException("negotiator for '" + n.name() + "' answered with extension '"
              + answer.get().name() + "'; it may only accept its own extension");
        }
        order.add(new int[] {first, accepted.size()});
        accepted.add(answer.get());
      }
    }
    order.sort(Comparator.comparingInt(o -> o[0]));
    List<WsExtensionOffer> out = new ArrayList<>(accepted.size());
    for (int[] o : order) {
      out.add(accepted.get(o[1]));
    }
    return List.copyOf(out);
  }

  static void checkUniqueNames(List<? extends WsExtensionNegotiator> negotiators) {
    for (int i = 0; i < negotiators.size(); i++) {
      String name = negotiators.get(i).name();
      if (!Http1Fields.isToken(name)) {
        throw new IllegalArgumentException("extension negotiator name '" + name + "' is not a token");
      }
      for (int j = 0; j < i; j++) {
        if (negotiators.get(j).name().equalsIgnoreCase(name)) {
          throw new IllegalArgumentException(
              "two extension negotiators are named '" + name + "'; give each extension one negotiator");
        }
      }
    }
  }

  /** A recursive-descent parser over one header line. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    void parseInto(List<WsExtensionOffer> out) {
      while (true) {
        skipOws();
        if (i < s.length() && s.charAt(i) != ',') {
          out.add(element());
          skipOws();
        }
        if (i == s.length()) {
          return;
        }
        if (s.charAt(i) != ',') {
          throw fail("',' or ';'");
        }
        i++;
      }
    }

    private WsExtensionOffer element() {
      String name = token("an extension name");
      List<WsExtensionOffer.Param> params = new ArrayList<>();
      skipOws();
      while (i < s.length() && s.charAt(i) == ';') {
        i++;
        skipOws();
        String pname = token("a parameter name");
        String value = null;
        skipOws();
        if (i < s.length() && s.charAt(i) == '=') {
          i++;
          skipOws();
          value = i < s.length() && s.charAt(i) == '"' ? quoted(pname) : token("a parameter value");
          skipOws();
        }
        params.add(new WsExtensionOffer.Param(pname, value));
      }
      return new WsExtensionOffer(name, params);
    }

    private String token(String what) {
      int start = i;
      while (i < s.length() && Http1Fields.isTokenChar(s.charAt(i))) {
        i++;
      }
      if (i == start) {
        throw fail(what);
      }
      return s.substring(start, i);
    }

    private String quoted(String pname) {
      int start = i++;
      StringBuilder sb = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          String v = sb.toString();
          if (!Http1Fields.isToken(v)) {
            i = start;
            throw fail("a token inside the quotes of parameter '" + pname + "' (RFC 6455 9.1), not \"" + v + "\"");
          }
          return v;
        }
        if (c == '\\') {
          if (i == s.length()) {
            break;
          }
          c = s.charAt(i++);
        }
        sb.append(c);
      }
      i = start;
      throw fail("a closing '\"' for the value of parameter '" + pname + "'");
    }

    private void skipOws() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    private IllegalArgumentException fail(String expected) {
      String found = i == s.length() ? "the end"
          : s.charAt(i) > 0x20 && s.charAt(i) < 0x7f ? String.format("'%c' (0x%02X)", s.charAt(i), (int) s.charAt(i))
          : String.format("0x%02X", (int) s.charAt(i));
      return new IllegalArgumentException("malformed Sec-WebSocket-Extensions \"" + s + "\": expected " + expected
          + " at index " + i + ", found " + found);
    }
  }
}
