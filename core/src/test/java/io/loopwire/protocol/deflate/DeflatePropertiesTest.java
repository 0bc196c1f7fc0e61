package io.loopwire.protocol.deflate;

import static io.loopwire.protocol.deflate.DeflateTesting.send;
import static io.loopwire.protocol.deflate.DeflateTesting.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.protocol.deflate.DeflateTesting.End;
import io.loopwire.protocol.deflate.DeflateTesting.Message;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.protocol.ws.WsRole;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random agreements, messages, fragmentations and wire splits: every message arrives intact in both
 * directions, and each sender's stream keeps its window and context promises ({@link DeflateChecker}).
 */
class DeflatePropertiesTest {

  @Property(tries = 40)
  void randomTrafficRoundTripsUnderRandomAgreements(@ForAll("params") DeflateParams params,
      @ForAll("traffic") List<Message> traffic, @ForAll @IntRange(min = 0, max = 3000) int fragment,
      @ForAll @IntRange(min = 0, max = 5000) int wirePiece, @ForAll @IntRange(min = 0, max = 200) int threshold) {
    DeflateOptions options = DeflateOptions.defaults().withMinCompressBytes(threshold).withCompressionLevel(
        1 + threshold % 9);
    End server = End.of(WsRole.SERVER, DeflateTransform.create(WsRole.SERVER, params, options), WsLimits.defaults());
    End client = End.of(WsRole.CLIENT, DeflateTransform.create(WsRole.CLIENT, params, options), WsLimits.defaults());
    DeflateChecker fromServer = new DeflateChecker(params.serverMaxWindowBits(), params.serverNoContextTakeover());
    DeflateChecker fromClient = new DeflateChecker(params.clientMaxWindowBits(), params.clientNoContextTakeover());
    for (Message m : traffic) {
      send(server.conn(), m, fragment);
      assertThat(transfer(server.conn(), client.conn(), wirePiece)).containsExactly(m);
      send(client.conn(), m, fragment);
      assertThat(transfer(client.conn(), server.conn(), wirePiece)).containsExactly(m);
    }
    for (byte[] c : server.transform().compressed) {
      fromServer.message(c);
    }
    for (byte[] c : client.transform().compressed) {
      fromClient.message(c);
    }
    server.transform().inner.close();
    client.transform().inner.close();
  }

  @Provide
  Arbitrary<DeflateParams> params() {
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
        Arbitraries.integers().between(8, 15), Arbitraries.integers().between(8, 15)).as(DeflateParams::new);
  }

  @Provide
  Arbitrary<List<Message>> traffic() {
    // a small alphabet repeats often enough to make back-references at every distance
    Arbitrary<String> text = Arbitraries.strings().withChars("abcdefgh{}\":,é€😀 0123456789").ofMaxLength(6000);
    Arbitrary<Message> texts = text.map(Message::text);
    Arbitrary<Message> binaries = Arbitraries.bytes().between((byte) 0, (byte) 7).array(byte[].class)
        .ofMaxSize(9000).map(Message::binary);
    return Arbitraries.oneOf(texts, binaries).list().ofMinSize(1).ofMaxSize(6).map(ArrayList::new);
  }
}
