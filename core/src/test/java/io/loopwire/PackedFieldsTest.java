package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.protocol.http1.Http1Fields;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A session's packed handshake headers read back exactly as given: order, case, repeats, empty values. */
class PackedFieldsTest {

  @Test
  void emptyPacksToNothing() {
    assertThat(PackedFields.pack(Http1Fields.empty())).isNull();
    assertThat(PackedFields.unpack(null)).isEqualTo(Http1Fields.empty());
  }

  @Test
  void aHandshakeRoundTrips() {
    Http1Fields f = Http1Fields.of("Host", "example.com:80", "Upgrade", "websocket", "X-Empty", "",
        "x-latin1", "caf\u00e9 \u00ff\ttab", "upgrade", "again");
    assertThat(PackedFields.unpack(PackedFields.pack(f))).isEqualTo(f);
  }

  @Property(tries = 300)
  void anyFieldsRoundTrip(@ForAll("fields") Http1Fields f) {
    Http1Fields back = PackedFields.unpack(PackedFields.pack(f));
    assertThat(back).isEqualTo(f);
    for (int i = 0; i < f.size(); i++) {
      assertThat(back.name(i)).isEqualTo(f.name(i)); // the case of names is kept too
    }
  }

  @Provide
  Arbitrary<Http1Fields> fields() {
    Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ-019!#$%&'*+.^_`|~").ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> value = Arbitraries.strings().withCharRange('\u0001', '\u00ff').ofMaxLength(30)
        .filter(s -> s.indexOf('\r') < 0 && s.indexOf('\n') < 0);
    Arbitrary<List<String>> pair = Combinators.combine(name, value).as(List::of);
    return pair.list().ofMaxSize(8).map(pairs -> {
      Http1Fields.Builder b = Http1Fields.builder();
      pairs.forEach(p -> b.add(p.get(0), p.get(1)));
      return b.build();
    });
  }
}
