package io.loopwire.protocol.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** containsToken and tokens scan comma-separated lists in place; they must agree with split-and-trim. */
class Http1FieldsTokensTest {

  @Test
  void findsTokensAcrossLinesWhitespaceAndCase() {
    Http1Fields h = Http1Fields.builder().add("Connection", "keep-alive , Upgrade").add("Upgrade", "h2c")
        .add("upgrade", " WebSocket\t").add("Accept", ",, a,").build();
    assertThat(h.containsToken("connection", "upgrade")).isTrue();
    assertThat(h.containsToken("Upgrade", "websocket")).isTrue();
    assertThat(h.containsToken("Upgrade", "web")).isFalse();
    assertThat(h.containsToken("Connection", "close")).isFalse();
    assertThat(h.containsToken("Missing", "x")).isFalse();
    assertThat(h.tokens("Upgrade")).containsExactly("h2c", "WebSocket");
    assertThat(h.tokens("Accept")).containsExactly("a");
    assertThat(h.tokens("Missing")).isEmpty();
  }

  @Property(tries = 2000)
  void agreesWithSplitAndTrim(@ForAll("values") String value, @ForAll("tokens") String token) {
    Http1Fields h = Http1Fields.builder().add("X", value).build();
    boolean expected = false;
    List<String> parts = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      expected |= part.trim().equalsIgnoreCase(token);
      if (!part.trim().isEmpty()) {
        parts.add(part.trim());
      }
    }
    assertThat(h.containsToken("x", token)).as("containsToken(%s) in '%s'", token, value).isEqualTo(expected);
    assertThat(h.tokens("x")).isEqualTo(parts);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withChars("aAbB, \t-").ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings().withChars("aAbB-").ofMinLength(0).ofMaxLength(3);
  }
}
