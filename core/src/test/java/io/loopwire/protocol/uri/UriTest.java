package io.loopwire.protocol.uri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UriTest {

  static Stream<Arguments> parseVectors() {
    return UriVectors.lines("parse.txt").stream().map(line -> {
      String[] f = line.split("\\|", -1);
      if (f.length != 10) {
        throw new IllegalStateException("parse.txt: expected 10 fields in " + line);
      }
      return Arguments.of((Object[]) f);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parseVectors")
  void parsesVector(String input, String scheme, String host, String port, String explicit, String path,
      String query, String fragment, String authority, String target) {
    Uri u = Uri.parse(UriVectors.unescape(input));
    assertThat(u.scheme()).isEqualTo(scheme);
    assertThat(u.host()).isEqualTo(host);
    assertThat(u.port()).isEqualTo(Integer.parseInt(port));
    assertThat(u.hasExplicitPort()).isEqualTo(Boolean.parseBoolean(explicit));
    assertThat(u.path()).isEqualTo(path);
    assertThat(u.query()).isEqualTo(nullable(query));
    assertThat(u.fragment()).isEqualTo(nullable(fragment));
    assertThat(u.authority()).isEqualTo(authority);
    assertThat(u.requestTarget()).isEqualTo(target);
    assertThat(Uri.parse(u.format())).isEqualTo(u).hasSameHashCodeAs(u);
  }

  static Stream<Arguments> rejectVectors() {
    return UriVectors.lines("reject.txt").stream().map(line -> {
      int last = line.lastIndexOf('|');
      int mid = line.lastIndexOf('|', last - 1);
      return Arguments.of(line.substring(0, mid), Integer.parseInt(line.substring(mid + 1, last)),
          line.substring(last + 1));
    });
  }

  @ParameterizedTest(name = "{0} -> index {1}")
  @MethodSource("rejectVectors")
  void rejectsVector(String input, int index, String text) {
    String s = UriVectors.unescape(input);
    assertThatThrownBy(() -> Uri.parse(s))
        .isInstanceOfSatisfying(UriSyntaxException.class, e -> {
          assertThat(e.index()).as("index").isEqualTo(index);
          assertThat(e.input()).isSameAs(s);
          assertThat(e.getMessage()).contains(UriVectors.unescape(text)).contains("at index " + index);
        });
  }

  @Test
  void rfc6455ExampleTarget() {
    Uri u = Uri.parse("ws://server.example.com/chat");
    assertThat(u.authority()).isEqualTo("server.example.com");
    assertThat(u.requestTarget()).isEqualTo("/chat");
    assertThat(u.isSecure()).isFalse();
    assertThat(u.isWebSocket()).isTrue();
  }

  @Test
  void secureAndDefaultPorts() {
    assertThat(Uri.parse("wss://h").isSecure()).isTrue();
    assertThat(Uri.parse("https://h").isSecure()).isTrue();
    assertThat(Uri.parse("http://h").isSecure()).isFalse();
    assertThat(Uri.parse("http://h").isWebSocket()).isFalse();
    assertThat(Uri.parse("wss://h").port()).isEqualTo(443);
    assertThat(Uri.parse("https://h").port()).isEqualTo(443);
    assertThat(Uri.parse("ws://h").port()).isEqualTo(80);
    assertThat(Uri.parse("http://h").defaultPort()).isEqualTo(80);
  }

  @Test
  void ipv6FormsKeepBracketsForTheHeaderOnly() {
    Uri loop = Uri.parse("ws://[::1]:8080/x");
    assertThat(loop.host()).isEqualTo("::1");
    assertThat(loop.isIpv6()).isTrue();
    assertThat(loop.hostForHeader()).isEqualTo("[::1]");
    assertThat(loop.authority()).isEqualTo("[::1]:8080");
    assertThat(loop.zoneId()).isNull();
    assertThat(loop.format()).isEqualTo("ws://[::1]:8080/x");

    Uri doc = Uri.parse("http://[2001:db8::1]:8080");
    assertThat(doc.host()).isEqualTo("2001:db8::1");
    assertThat(doc.authority()).isEqualTo("[2001:db8::1]:8080");

    assertThat(Uri.parse("ws://example.com").isIpv6()).isFalse();
    assertThat(Uri.parse("ws://example.com").zoneId()).isNull();
  }

  @Test
  void zoneIdIsUsableForConnectingButNeverSentInHost() {
    Uri u = Uri.parse("ws://[FE80::1%25Eth0]/");
    assertThat(u.host()).isEqualTo("fe80::1%Eth0"); // address lower-cased, zone kept as given
    assertThat(u.zoneId()).isEqualTo("Eth0");
    assertThat(u.hostForHeader()).isEqualTo("[fe80::1]");
    assertThat(u.authority()).isEqualTo("[fe80::1]");
    assertThat(u.format()).isEqualTo("ws://[fe80::1%25Eth0]/");
    assertThat(Uri.parse(u.format())).isEqualTo(u);
  }

  @Test
  void registeredNamesAreLowerCasedAndPathCaseKept() {
    Uri u = Uri.parse("HTTP://WWW.Example.COM:8080/A/%2f?Q=%2F#F");
    assertThat(u.scheme()).isEqualTo("http");
    assertThat(u.host()).isEqualTo("www.example.com");
    assertThat(u.path()).isEqualTo("/A/%2f");
    assertThat(u.query()).isEqualTo("Q=%2F");
    assertThat(u.fragment()).isEqualTo("F");
    assertThat(u.format()).isEqualTo("http://www.example.com:8080/A/%2f?Q=%2F#F");
    assertThat(u.toString()).isEqualTo(u.format());
  }

  @Test
  void portBoundaries() {
    assertThat(Uri.parse("ws://h:1").port()).isEqualTo(1);
    assertThat(Uri.parse("ws://h:65535").port()).isEqualTo(65535);
    assertThatThrownBy(() -> Uri.parse("ws://h:0"))
        .isInstanceOf(UriSyntaxException.class).hasMessageContaining("port 0");
    assertThatThrownBy(() -> Uri.parse("ws://h:65536"))
        .isInstanceOf(UriSyntaxException.class).hasMessageContaining("65536");
  }

  @Test
  void explicitDefaultPortIsKeptInFormatAndEqualityButNotInAuthority() {
    Uri explicit = Uri.parse("wss://h:443/");
    Uri implicit = Uri.parse("wss://h/");
    assertThat(explicit.authority()).isEqualTo(implicit.authority()).isEqualTo("h");
    assertThat(explicit.format()).isEqualTo("wss://h:443/");
    assertThat(explicit).isNotEqualTo(implicit);
  }

  @Test
  void equalityComparesEveryComponent() {
    Uri base = Uri.parse("http://h/p?q#f");
    assertThat(base).isEqualTo(Uri.parse("HTTP://H/p?q#f")).hasSameHashCodeAs(Uri.parse("http://H/p?q#f"));
    for (String other : List.of("https://h/p?q#f", "http://g/p?q#f", "http://h:81/p?q#f", "http://h/P?q#f",
        "http://h/p?Q#f", "http://h/p#f", "http://h/p?q", "http://h/p?q#", "http://h/p?#f")) {
      assertThat(Uri.parse(other)).as(other).isNotEqualTo(base);
    }
    assertThat(base).isNotEqualTo("http://h/p?q#f");
  }

  @Test
  void messageNamesCharacterIndexInputAndFix() {
    assertThatThrownBy(() -> Uri.parse("ws://h/a<b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'<' (0x3C) is not allowed in the path at index 8 of \"ws://h/a<b\": "
            + "percent-encode it as %3C");
  }

  @Test
  void messageEscapesControlCharactersAndShortensLongInput() {
    UriSyntaxException e = catchUri("ws://h/\r\nX-Evil: 1");
    assertThat(e.getMessage()).contains("\\x0D\\x0AX-Evil").doesNotContain("\r").doesNotContain("\n");
    String longUri = "ws://h/" + "a".repeat(1000) + " ";
    UriSyntaxException e2 = catchUri(longUri);
    assertThat(e2.index()).isEqualTo(1007);
    assertThat(e2.getMessage()).contains("...(1008 chars)").hasSizeLessThan(400);
  }

  @Test
  void maxUriCharsBoundsTheInput() {
    UriLimits limits = UriLimits.defaults().withMaxUriChars(20);
    assertThat(Uri.parse("ws://h/" + "a".repeat(13), limits).path()).hasSize(14);
    assertThatThrownBy(() -> Uri.parse("ws://h/" + "a".repeat(14), limits))
        .isInstanceOfSatisfying(UriSyntaxException.class, e -> {
          assertThat(e.index()).isEqualTo(20);
          assertThat(e.getMessage()).contains("maxUriChars 20");
        });
    assertThatThrownBy(() -> Uri.parse("ws://h/" + "a".repeat(UriLimits.DEFAULT_MAX_URI_CHARS)))
        .isInstanceOf(UriSyntaxException.class).hasMessageContaining("maxUriChars 8192");
  }

  @Test
  void limitsDefaultsArePinned() {
    assertThat(UriLimits.defaults().maxUriChars()).isEqualTo(8192);
    assertThat(UriLimits.defaults().withMaxUriChars(100)).isEqualTo(new UriLimits(100));
    assertThatThrownBy(() -> new UriLimits(15))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15");
  }

  @Test
  void nullIsNotAUri() {
    assertThatThrownBy(() -> Uri.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void inputIsUntouchedAndResultShared() {
    String s = "ws://h/a?b";
    Uri u = Uri.parse(s);
    assertThat(s).isEqualTo("ws://h/a?b");
    assertThat(u.requestTarget()).isEqualTo("/a?b");
    assertThat(Uri.class.getModifiers() & java.lang.reflect.Modifier.FINAL).isNotZero();
    for (java.lang.reflect.Field f : Uri.class.getDeclaredFields()) {
      assertThat(java.lang.reflect.Modifier.isFinal(f.getModifiers())).as(f.getName()).isTrue();
    }
  }

  private static UriSyntaxException catchUri(String s) {
    try {
      Uri.parse(s);
    } catch (UriSyntaxException e) {
      return e;
    }
    throw new AssertionError("expected a UriSyntaxException for " + s);
  }

  private static String nullable(String s) {
    return s.equals("<null>") ? null : s;
  }
}
