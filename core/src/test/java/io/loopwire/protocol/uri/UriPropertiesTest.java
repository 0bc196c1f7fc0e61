package io.loopwire.protocol.uri;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class UriPropertiesTest {

  private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String UNRESERVED = ALNUM + "-._~";
  private static final String SUB_DELIMS = "!$&'()*+,;=";
  private static final String PCHAR = UNRESERVED + SUB_DELIMS + ":@";

  /** A generated URI: its text and the components parse must find. */
  record Case(String text, String scheme, String host, int port, boolean explicit, String path, String query,
      String fragment) {}

  @Property(tries = 400)
  void parsesGeneratedUrisIntoTheirComponentsAndFormatRoundTrips(@ForAll("uris") Case c) {
    Uri u = Uri.parse(c.text());
    assertThat(u.scheme()).isEqualTo(c.scheme());
    assertThat(u.host()).isEqualTo(c.host());
    assertThat(u.port()).isEqualTo(c.port());
    assertThat(u.hasExplicitPort()).isEqualTo(c.explicit());
    assertThat(u.path()).isEqualTo(c.path());
    assertThat(u.query()).isEqualTo(c.query());
    assertThat(u.fragment()).isEqualTo(c.fragment());
    Uri again = Uri.parse(u.format());
    assertThat(again).isEqualTo(u).hasSameHashCodeAs(u);
    assertThat(again.format()).isEqualTo(u.format());
  }

  @Property(tries = 600)
  void randomStringsGiveAUriOrAUriSyntaxException(@ForAll("junk") String s) {
    Uri u;
    try {
      u = Uri.parse(s);
    } catch (UriSyntaxException e) {
      assertThat(e.index()).isBetween(0, s.length());
      assertThat(e.input()).isSameAs(s);
      return;
    }
    assertThat(u.path()).startsWith("/");
    assertThat(u.port()).isBetween(1, 65535);
    if (u.isWebSocket()) {
      assertThat(u.fragment()).isNull();
    }
    assertThat(Uri.parse(u.format())).isEqualTo(u);
  }

  @Property(tries = 400)
  void resolvingRandomReferencesGivesANormalizedUriOrAUriSyntaxException(
      @ForAll("uris") Case base, @ForAll("references") String ref) {
    Uri b = Uri.parse(base.text());
    Uri r;
    try {
      r = b.resolve(ref);
    } catch (UriSyntaxException e) {
      assertThat(e.index()).isBetween(0, ref.length());
      return;
    }
    assertThat(r.path()).startsWith("/");
    // RFC 3986 5.2.2: an empty reference path keeps the base path as it is, dot segments included
    boolean keepsBasePath = ref.isEmpty() || ref.startsWith("?") || ref.startsWith("#");
    if (!keepsBasePath) {
      assertThat(Arrays.asList(r.path().split("/", -1))).doesNotContain(".", "..");
    }
    assertThat(Uri.parse(r.format())).isEqualTo(r);
  }

  @Provide
  Arbitrary<Case> uris() {
    Arbitrary<String> scheme = Arbitraries.of("ws", "wss", "http", "https", "WS", "Https", "wSs", "HTTP");
    Arbitrary<String[]> host = Arbitraries.oneOf(regName(), ipv4(), ipv6());
    Arbitrary<Integer> port = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 65535));
    Arbitrary<List<String>> segments = component(PCHAR).list().ofMaxSize(5);
    Arbitrary<String> query = component(PCHAR + "/?").injectNull(0.4);
    Arbitrary<String> fragment = component(PCHAR + "/?").injectNull(0.5);
    return Combinators.combine(scheme, host, port, segments, query, fragment).as((s, h, p, segs, q, f) -> {
      String lower = s.toLowerCase(Locale.ROOT);
      boolean ws = lower.startsWith("ws");
      String frag = ws ? null : f;
      String path = segs.isEmpty() ? "" : "/" + String.join("/", segs);
      StringBuilder text = new StringBuilder(s).append("://").append(h[0]);
      if (p > 0) {
        text.append(':').append(p);
      }
      text.append(path);
      if (q != null) {
        text.append('?').append(q);
      }
      if (frag != null) {
        text.append('#').append(frag);
      }
      int port1 = p > 0 ? p : (lower.equals("wss") || lower.equals("https") ? 443 : 80);
      return new Case(text.toString(), lower, h[1], port1, p > 0, path.isEmpty() ? "/" : path, q, frag);
    });
  }

  /** URI-ish noise: valid characters, delimiters, forbidden ones and non-ASCII, after a likely prefix. */
  @Provide
  Arbitrary<String> junk() {
    Arbitrary<String> prefix = Arbitraries.of("", "ws://", "wss://", "http://", "HTTPS://", "ws://h", "ws://[",
        "ws://[::1]", "http://h/", "ws:");
    Arbitrary<String> body = Arbitraries.strings()
        .withChars(PCHAR + "/?#[]%%%:@ <>\"{}|\\^`\t\r\n\u0000\u007f\u00e9\u20ac")
        .withCharRange('\ud800', '\ud801')
        .ofMaxLength(30);
    return Combinators.combine(prefix, body).as(String::concat);
  }

  @Provide
  Arbitrary<String> references() {
    Arbitrary<String> atom = Arbitraries.of("", ".", "..", "/", "./", "../", "a", "b;c", "?", "q=1", "#", "f",
        "//", "g:", "http:", "https://x", "%2e", "%", " ", "[", ":", "x:y");
    return atom.list().ofMaxSize(8).map(l -> String.join("", l));
  }

  /** {text in URI, host() expected}. */
  private static Arbitrary<String[]> regName() {
    return Arbitraries.strings().withChars(UNRESERVED + SUB_DELIMS).ofMinLength(1).ofMaxLength(20)
        .map(s -> new String[] {s, s.toLowerCase(Locale.ROOT)});
  }

  private static Arbitrary<String[]> ipv4() {
    return Arbitraries.integers().between(0, 255).list().ofSize(4).map(l -> {
      String s = l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3);
      return new String[] {s, s};
    });
  }

  private static Arbitrary<String[]> ipv6() {
    Arbitrary<List<Integer>> groups = Arbitraries.integers().between(0, 0xffff).list().ofSize(8);
    Arbitrary<Integer> zeroStart = Arbitraries.integers().between(0, 8);
    Arbitrary<Integer> zeroLen = Arbitraries.integers().between(0, 8);
    Arbitrary<Boolean> upper = Arbitraries.of(true, false);
    Arbitrary<String> zone = Arbitraries.strings().withChars(UNRESERVED).ofMinLength(1).ofMaxLength(6)
        .injectNull(0.7);
    return Combinators.combine(groups, zeroStart, zeroLen, upper, zone).as((g, start, len, up, z) -> {
      String addr;
      int from = Math.min(start, 7);
      int to = Math.min(8, from + len);
      if (to > from) { // compress groups [from, to) as "::"
        addr = hex(g.subList(0, from)) + "::" + hex(g.subList(to, 8));
      } else {
        addr = hex(g);
      }
      String written = up ? addr.toUpperCase(Locale.ROOT) : addr;
      String lower = written.toLowerCase(Locale.ROOT);
      return z == null
          ? new String[] {"[" + written + "]", lower}
          : new String[] {"[" + written + "%25" + z + "]", lower + "%" + z};
    });
  }

  private static String hex(List<Integer> groups) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < groups.size(); i++) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups.get(i)));
    }
    return sb.toString();
  }

  /** A component of allowed characters and %XX triplets. */
  private static Arbitrary<String> component(String chars) {
    Arbitrary<String> plain = Arbitraries.chars().with(chars.toCharArray()).map(String::valueOf);
    Arbitrary<String> pct = Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(2).map(h -> "%" + h);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, plain), net.jqwik.api.Tuple.of(1, pct))
        .list().ofMaxSize(8).map(l -> String.join("", l));
  }
}
