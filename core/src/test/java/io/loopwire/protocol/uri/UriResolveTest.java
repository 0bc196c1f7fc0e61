package io.loopwire.protocol.uri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 3986 section 5 reference resolution, as used for redirects. */
class UriResolveTest {

  private static final Uri BASE = Uri.parse("http://a/b/c/d;p?q");
  private static final Pattern LINE = Pattern.compile("\"([^\"]*)\"\\s+(?:\"([^\"]*)\"|!\\s*(.*))");

  static Stream<Arguments> rfcExamples() {
    return UriVectors.lines("rfc3986-resolve.txt").stream().map(line -> {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalStateException("rfc3986-resolve.txt: bad line " + line);
      }
      return Arguments.of(m.group(1), m.group(2));
    });
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @MethodSource("rfcExamples")
  void rfc3986Examples(String reference, String expected) {
    if (expected == null) {
      assertThatThrownBy(() -> BASE.resolve(reference)).isInstanceOf(UriSyntaxException.class);
    } else {
      Uri got = BASE.resolve(reference);
      assertThat(got).isEqualTo(Uri.parse(expected));
      // The RFC's text, except that an empty path is written "/".
      assertThat(got.format()).isEqualTo(expected.equals("http://g") ? "http://g/" : expected);
    }
  }

  @Test
  void vectorFileHoldsEveryRfcExample() {
    // 23 normal + 19 abnormal examples in RFC 3986 5.4.1 and 5.4.2.
    assertThat(rfcExamples().count()).isEqualTo(42);
  }

  @Test
  void otherSchemesAreRejectedWithTheReason() {
    assertThatThrownBy(() -> BASE.resolve("g:h"))
        .isInstanceOfSatisfying(UriSyntaxException.class, e -> {
          assertThat(e.getMessage()).contains("unsupported scheme \"g\"");
          assertThat(e.input()).isEqualTo("g:h");
        });
    assertThatThrownBy(() -> BASE.resolve("mailto:x@y")).isInstanceOf(UriSyntaxException.class);
    assertThatThrownBy(() -> BASE.resolve("http:g"))
        .isInstanceOf(UriSyntaxException.class).hasMessageContaining("missing \"//\"");
  }

  @Test
  void absoluteReferencesLoseDotSegments() {
    assertThat(BASE.resolve("wss://x:8443/a/./b/../c?d").format()).isEqualTo("wss://x:8443/a/c?d");
    assertThat(BASE.resolve("//x/../y").format()).isEqualTo("http://x/y");
    assertThat(BASE.resolve("//x:81").format()).isEqualTo("http://x:81/");
  }

  @Test
  void relativeReferencesKeepBaseAuthorityAndPort() {
    Uri base = Uri.parse("wss://[::1]:8443/chat/room?x");
    Uri r = base.resolve("../lobby?y");
    assertThat(r.format()).isEqualTo("wss://[::1]:8443/lobby?y");
    assertThat(r.hasExplicitPort()).isTrue();
    assertThat(base.resolve("").format()).isEqualTo("wss://[::1]:8443/chat/room?x");
  }

  @Test
  void fragmentIsRejectedWhenTheResultIsWebSocket() {
    Uri ws = Uri.parse("ws://h/a");
    assertThatThrownBy(() -> ws.resolve("#s"))
        .isInstanceOfSatisfying(UriSyntaxException.class, e -> {
          assertThat(e.index()).isZero();
          assertThat(e.getMessage()).contains("RFC 6455");
        });
    assertThatThrownBy(() -> ws.resolve("b#s")).isInstanceOf(UriSyntaxException.class);
    // An absolute http reference may carry one, even from a ws base.
    assertThat(ws.resolve("http://h/#s").fragment()).isEqualTo("s");
  }

  @Test
  void malformedReferencesNameTheirIndex() {
    assertThatThrownBy(() -> BASE.resolve("a b"))
        .isInstanceOfSatisfying(UriSyntaxException.class, e -> assertThat(e.index()).isEqualTo(1));
    assertThatThrownBy(() -> BASE.resolve("1a:b"))
        .isInstanceOfSatisfying(UriSyntaxException.class, e -> {
          assertThat(e.index()).isEqualTo(2);
          assertThat(e.getMessage()).contains("./1a:b");
        });
    assertThat(BASE.resolve("./1a:b").path()).isEqualTo("/b/c/1a:b");
    assertThat(BASE.resolve("x/1a:b").path()).isEqualTo("/b/c/x/1a:b");
    assertThatThrownBy(() -> BASE.resolve("//u@g/")).hasMessageContaining("userinfo");
    assertThatThrownBy(() -> BASE.resolve("///x")).hasMessageContaining("missing host");
    assertThatThrownBy(() -> BASE.resolve("?%zz")).hasMessageContaining("'%' not followed");
  }

  @Test
  void removeDotSegmentsMatchesRfcWalkthrough() {
    // RFC 3986 5.2.4's two worked examples.
    assertThat(UriParser.removeDotSegments("/a/b/c/./../../g")).isEqualTo("/a/g");
    assertThat(UriParser.removeDotSegments("mid/content=5/../6")).isEqualTo("mid/6");
    assertThat(UriParser.removeDotSegments("/..")).isEqualTo("/");
    assertThat(UriParser.removeDotSegments("/.")).isEqualTo("/");
    assertThat(UriParser.removeDotSegments("/a/..")).isEqualTo("/");
    assertThat(UriParser.removeDotSegments("")).isEqualTo("");
    assertThat(UriParser.removeDotSegments("/a/%2E%2E/b")).isEqualTo("/a/%2E%2E/b");
  }
}
