package io.loopwire.protocol.deflate;

import static io.loopwire.protocol.deflate.DeflateTesting.json;
import static io.loopwire.protocol.deflate.DeflateTesting.random;
import static io.loopwire.protocol.deflate.DeflateTesting.receive;
import static io.loopwire.protocol.deflate.DeflateTesting.send;
import static io.loopwire.protocol.deflate.DeflateTesting.transfer;
import static io.loopwire.protocol.deflate.DeflateTesting.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.LimitExceededException;
import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.deflate.DeflateTesting.Codecs;
import io.loopwire.protocol.deflate.DeflateTesting.End;
import io.loopwire.protocol.deflate.DeflateTesting.Message;
import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsEvent;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.protocol.ws.WsRole;
import io.loopwire.protocol.ws.WsState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * permessage-deflate through two {@link WsConnection}s wired back to back: round trips for every
 * negotiated parameter combination, with an independent decoder ({@link DeflateChecker}) checking each
 * sender's window and context promises on the wire; the threshold, empty messages, BFINAL streams, bad
 * data, the decompression-bomb bound and the release of the JDK codecs.
 */
class DeflateTransformTest {

  private static final DeflateOptions ALL = DeflateOptions.defaults().withMinCompressBytes(0);

  static Stream<Arguments> everyCombination() {
    List<Arguments> out = new ArrayList<>();
    for (boolean snct : new boolean[] {false, true}) {
      for (boolean cnct : new boolean[] {false, true}) {
        for (int sbits : new int[] {8, 9, 12, 15}) {
          for (int cbits : new int[] {8, 9, 15}) {
            out.add(Arguments.of(new DeflateParams(snct, cnct, sbits, cbits)));
          }
        }
      }
    }
    return out.stream();
  }

  /** Messages that exercise windows: JSON of typical sizes, long repeats, incompressible data, empties. */
  private static List<Message> traffic() {
    byte[] repeated = new byte[20_000];
    for (int i = 0; i < repeated.length; i++) {
      repeated[i] = (byte) "abcabcabd-0123456789".charAt(i % 20);
    }
    byte[] far = new byte[40_000]; // a random block repeated at distance 20000: only a 32 KiB window sees it
    byte[] block = random(20_000, 3);
    System.arraycopy(block, 0, far, 0, block.length);
    System.arraycopy(block, 0, far, block.length, block.length);
    return List.of(
        Message.text(json(200, 1)), Message.text(json(2048, 2)), Message.text(json(200, 1)),
        Message.text(json(20_000, 4)), Message.binary(repeated), Message.binary(random(3000, 5)),
        Message.text(""), Message.binary(new byte[0]), Message.text("Hello"), Message.text("Hello"),
        Message.binary(far), Message.text("é€😀 ".repeat(500)));
  }

  @ParameterizedTest
  @MethodSource("everyCombination")
  void everyParameterCombinationRoundTripsAndKeepsItsPromises(DeflateParams params) {
    End server = End.of(WsRole.SERVER, DeflateTransform.create(WsRole.SERVER, params, ALL), WsLimits.defaults());
    End client = End.of(WsRole.CLIENT, DeflateTransform.create(WsRole.CLIENT, params, ALL), WsLimits.defaults());
    List<Message> traffic = traffic();
    for (int fragment : new int[] {0, 1000}) {
      for (Message m : traffic) {
        send(client.conn(), m, fragment);
        assertThat(transfer(client.conn(), server.conn(), 0)).as("client to server, %s", m).containsExactly(m);
        send(server.conn(), m, fragment);
        assertThat(transfer(server.conn(), client.conn(), 1400)).as("server to client, %s", m).containsExactly(m);
      }
    }
    checkWire(client, params.clientMaxWindowBits(), params.clientNoContextTakeover(), traffic);
    checkWire(server, params.serverMaxWindowBits(), params.serverNoContextTakeover(), traffic);
  }

  /** The sender's compressed messages, decoded by the independent checker with its promises enforced. */
  private static void checkWire(End sender, int bits, boolean noContext, List<Message> traffic) {
    DeflateChecker checker = new DeflateChecker(bits, noContext);
    List<byte[]> sent = sender.transform().compressed;
    assertThat(sent).hasSize(2 * traffic.size());
    for (int i = 0; i < sent.size(); i++) {
      Message m = traffic.get(i % traffic.size());
      assertThat(checker.message(sent.get(i))).as("message %d decoded independently", i).isEqualTo(m.data());
    }
    assertThat(checker.maxDistance()).as("largest distance").isLessThanOrEqualTo(1 << bits);
    if (bits == DeflateParams.MAX_WINDOW_BITS) {
      assertThat(checker.maxDistance()).as("a 32 KiB window finds the repeat 20000 bytes back")
          .isGreaterThanOrEqualTo(20_000);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14})
  void smallWindowsReachNoFurtherThanTheirSize(int bits) {
    DeflateParams params = new DeflateParams(false, false, bits, 15);
    End server = End.of(WsRole.SERVER, DeflateTransform.create(WsRole.SERVER, params, ALL), WsLimits.defaults());
    DeflateChecker checker = new DeflateChecker(bits, false);
    for (int i = 0; i < 3; i++) {
      String m = json(30_000 + 77 * i, 7);
      server.conn().sendText(m, true);
      server.conn().drainTo(b -> { });
      assertThat(checker.message(server.transform().compressed.get(i))).isEqualTo(utf8(m));
    }
    assertThat(checker.maxDistance()).isLessThanOrEqualTo(1 << bits).isGreaterThan((1 << bits) / 4);
    assertThat(server.transform().compressed.get(2).length).as("still compresses, if less well")
        .isLessThan(30_000 * 2 / 3);
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 9, 12, 14})
  void smallWindowsKeepContextAcrossMessagesWithinTheirSize(int bits) {
    // a short message sent again and again: with context takeover a copy may refer to the one before,
    // when both lie within one chunk of 2^bits bytes; never further back than the window
    for (boolean noContext : new boolean[] {false, true}) {
      DeflateParams params = new DeflateParams(noContext, false, bits, 15);
      End server = End.of(WsRole.SERVER, DeflateTransform.create(WsRole.SERVER, params, ALL), WsLimits.defaults());
      End client = End.of(WsRole.CLIENT, DeflateTransform.create(WsRole.CLIENT, params, ALL), WsLimits.defaults());
      DeflateChecker checker = new DeflateChecker(bits, noContext);
      String m = json(100, 3);
      for (int i = 0; i < 40; i++) {
        server.conn().sendText(m, true);
        assertThat(transfer(server.conn(), client.conn(), 0)).containsExactly(Message.text(m));
        assertThat(checker.message(server.transform().compressed.get(i))).isEqualTo(utf8(m));
      }
      assertThat(checker.maxDistance()).isLessThanOrEqualTo(1 << bits);
      List<byte[]> sent = server.transform().compressed;
      long copies = sent.stream().filter(c -> c.length < sent.get(0).length / 3).count();
      if (noContext) {
        assertThat(copies).as("no context takeover: every copy compressed on its own").isZero();
      } else {
        assertThat(copies).as("copies that refer to the one before").isGreaterThanOrEqualTo(10);
      }
    }
  }

  @Test
  void contextTakeoverSharesTheWindowAcrossMessagesAndNoContextTakeoverDoesNot() {
    for (boolean noContext : new boolean[] {false, true}) {
      DeflateParams params = new DeflateParams(noContext, false, 15, 15);
      End server = End.of(WsRole.SERVER, DeflateTransform.create(WsRole.SERVER, params, ALL), WsLimits.defaults());
      End client = End.of(WsRole.CLIENT, DeflateTransform.create(WsRole.CLIENT, params, ALL), WsLimits.defaults());
      String m = json(2048, 11);
      for (int i = 0; i < 2; i++) {
        server.conn().sendText(m, true);
        assertThat(transfer(server.conn(), client.conn(), 0)).containsExactly(Message.text(m));
      }
      int first = server.transform().compressed.get(0).length;
      int second = server.transform().compressed.get(1).length;
      if (noContext) {
        assertThat(second).as("no context takeover: compressed on its own again").isEqualTo(first);
      } else {
        assertThat(second).as("context takeover: refers to the first copy").isLessThan(first / 10);
      }
    }
  }

  @Test
  void messagesBelowTheThresholdGoUncompressed() {
    DeflateOptions options = DeflateOptions.defaults().withMinCompressBytes(100);
    End server = End.of(WsRole.SERVER, DeflateTransform.create(WsRole.SERVER, DeflateParams.defaults(), options),
        WsLimits.defaults());
    End client = End.of(WsRole.CLIENT, DeflateTransform.create(WsRole.CLIENT, DeflateParams.defaults(), options),
        WsLimits.defaults());
    String small = "x".repeat(99);
    String big = "x".repeat(100);
    server.conn().sendText(small, true);
    byte[] wire = drain(server.conn());
    assertThat(wire[0] & 0xFF).as("FIN, text, no RSV1").isEqualTo(0x81);
    assertThat(receive(client.conn(), wire, 0)).containsExactly(Message.text(small));
    server.conn().sendText(big, true);
    wire = drain(server.conn());
    assertThat(wire[0] & 0xFF).as("FIN, RSV1, text").isEqualTo(0xC1);
    assertThat(receive(client.conn(), wire, 0)).containsExactly(Message.text(big));
    server.conn().sendText("x", false); // a fragmented message is compressed whatever its first fragment
    wire = drain(server.conn());
    assertThat(wire[0] & 0xFF).as("RSV1, text, no FIN").isEqualTo(0x41);
    assertThat(receive(client.conn(), wire, 0)).isEmpty();
    server.conn().sendText("y", true);
    assertThat(transfer(server.conn(), client.conn(), 0)).containsExactly(Message.text("xy"));
  }

  private static byte[] drain(WsConnection c) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    c.drainTo(b -> {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      wire.writeBytes(a);
    });
    return wire.toByteArray();
  }

  @Test
  void emptyMessagesCompressToOneZeroByteAtAnyPoint() {
    DeflateTransform t = DeflateTransform.create(WsRole.SERVER, DeflateParams.defaults(), ALL);
    assertThat(payload(t, "")).as("first message").containsExactly(0x00);
    assertThat(payload(t, "Hello")).containsExactly(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00);
    assertThat(payload(t, "")).as("right after a flush, where zlib emits nothing").containsExactly(0x00);
    assertThat(payload(t, "Hello")).as("the context survives").containsExactly(0xf2, 0x00, 0x11, 0x00, 0x00);
    t.close();
  }

  private static int[] payload(DeflateTransform t, String s) {
    assertThat(t.encodeMessage(true, utf8(s).length, true)).isTrue();
    ByteBuffer b = t.encode(ByteBuffer.wrap(utf8(s)), true);
    int[] out = new int[b.remaining()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get() & 0xFF;
    }
    return out;
  }

  @Test
  void anEmptyCompressedPayloadIsAnEmptyMessageAndTheStreamGoesOn() {
    WsConnection client = new WsConnection(WsRole.CLIENT, WsLimits.defaults(), null,
        DeflateTransform.create(WsRole.CLIENT, DeflateParams.defaults(), ALL));
    byte[] wire = DeflateTesting.unhex("c1 07 f2 48 cd c9 c9 07 00  c1 00  c1 05 f2 00 11 00 00");
    assertThat(receive(client, wire, 0))
        .containsExactly(Message.text("Hello"), Message.text(""), Message.text("Hello"));
  }

  @Test
  void streamsEndedWithBfinalBlocksAreInflatedMessageAfterMessage() {
    // a sender that can only finish its stream (RFC 7692 7.2.3.4): every message a fresh stream
    WsConnection client = new WsConnection(WsRole.CLIENT, WsLimits.defaults(), null,
        DeflateTransform.create(WsRole.CLIENT, DeflateParams.defaults(), ALL));
    List<Message> expected = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < 4; i++) {
      String m = json(300 + 500 * i, i);
      expected.add(Message.text(m));
      Deflater d = new Deflater(6, true);
      d.setInput(utf8(m));
      d.finish();
      byte[] buf = new byte[4096];
      int n = d.deflate(buf);
      d.end();
      byte[] payload = Arrays.copyOf(buf, n + (i % 2 == 0 ? 1 : 0)); // with and without the 7.2.3.4 0x00
      wire.writeBytes(new byte[] {(byte) 0xC1, 126, (byte) (payload.length >> 8), (byte) payload.length});
      wire.writeBytes(payload);
    }
    assertThat(receive(client, wire.toByteArray(), 7)).containsExactlyElementsOf(expected);
  }

  @Test
  void dataThatDoesNotInflateFailsWith1007() {
    WsConnection client = new WsConnection(WsRole.CLIENT, WsLimits.defaults(), null,
        DeflateTransform.create(WsRole.CLIENT, DeflateParams.defaults(), ALL));
    client.receive(ByteBuffer.wrap(DeflateTesting.unhex("c1 02 ff ff")));
    assertThatThrownBy(client::nextEvent).isInstanceOfSatisfying(RemoteProtocolException.class,
        e -> assertThat(e.closeCode()).isEqualTo(1007));
    assertThat(client.state()).isEqualTo(WsState.FAILED);
  }

  @Test
  void aDeflateBombStopsAtMaxMessageBytesWith1009() {
    int limit = 1 << 20;
    byte[] zeros = new byte[8 << 20]; // 8 MiB of zeros deflate to about 8 KiB
    DeflateTransform sender = DeflateTransform.create(WsRole.SERVER, DeflateParams.defaults(), ALL);
    ByteBuffer bomb = sender.encode(ByteBuffer.wrap(zeros), true);
    sender.close();
    assertThat(bomb.remaining()).as("compressed size").isLessThan(10_000);
    Codecs codecs = new Codecs(6);
    WsConnection client = new WsConnection(WsRole.CLIENT, WsLimits.defaults().withMaxMessageBytes(limit), null,
        codecs.transform(WsRole.CLIENT, DeflateParams.defaults(), ALL));
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.writeBytes(new byte[] {(byte) 0xC2, 126, (byte) (bomb.remaining() >> 8), (byte) bomb.remaining()});
    byte[] p = new byte[bomb.remaining()];
    bomb.get(p);
    frame.writeBytes(p);
    client.receive(ByteBuffer.wrap(frame.toByteArray()));
    long delivered = 0;
    LimitExceededException failure = null;
    for (int i = 0; i < 10_000 && failure == null; i++) {
      try {
        WsEvent e = client.nextEvent();
        assertThat(e).isInstanceOf(WsEvent.Binary.class);
        assertThat(((WsEvent.Binary) e).last()).as("never a whole message").isFalse();
        delivered += ((WsEvent.Binary) e).data().remaining();
      } catch (LimitExceededException x) {
        failure = x;
      }
    }
    assertThat(failure).as("the bomb is stopped").isNotNull();
    assertThat(failure.closeCode()).isEqualTo(1009);
    assertThat(delivered).as("decoded bytes handed out").isLessThanOrEqualTo(limit);
    byte[] close = drain(client);
    assertThat(Arrays.copyOfRange(close, 0, 2)).as("a masked close frame with 2 bytes").containsExactly(0x88, 0x82);
    assertThat(((close[6] ^ close[2]) & 0xFF) << 8 | (close[7] ^ close[3]) & 0xFF).as("close code").isEqualTo(1009);
  }

  @Test
  void closeEndsTheDeflaterAndInflaterOnceAndCreatesNoneBeforeUse() {
    Codecs codecs = new Codecs(6);
    DeflateTransform idle = codecs.transform(WsRole.SERVER, DeflateParams.defaults(), ALL);
    idle.close();
    assertThat(codecs.deflaters.get() + codecs.inflaters.get()).as("nothing created for an idle session").isZero();

    DeflateTransform server = codecs.transform(WsRole.SERVER, DeflateParams.defaults(), ALL);
    DeflateTransform client = codecs.transform(WsRole.CLIENT, DeflateParams.defaults(), ALL);
    WsConnection s = new WsConnection(WsRole.SERVER, WsLimits.defaults(), null, server);
    WsConnection c = new WsConnection(WsRole.CLIENT, WsLimits.defaults(), null, client);
    for (int i = 0; i < 3; i++) {
      s.sendText(json(500, i), true);
      c.sendText(json(500, i), true);
      assertThat(transfer(s, c, 0)).hasSize(1);
      assertThat(transfer(c, s, 0)).hasSize(1);
    }
    assertThat(codecs.deflaters.get()).as("one deflater per side").isEqualTo(2);
    assertThat(codecs.inflaters.get()).as("one inflater per side").isEqualTo(2);
    server.close();
    client.close();
    server.close();
    assertThat(codecs.deflatersEnded.get()).isEqualTo(2);
    assertThat(codecs.inflatersEnded.get()).isEqualTo(2);
    assertThat(server.isClosed()).isTrue();
    assertThatThrownBy(() -> server.encode(ByteBuffer.allocate(1), true)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> server.decodeInput(ByteBuffer.allocate(1), true))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void noContextTakeoverResetsTheReceiverSoAPeerBreakingItsPromiseFails() {
    // the server promised server_no_context_takeover; data that refers to the previous message breaks it
    DeflateParams params = new DeflateParams(true, false, 15, 15);
    WsConnection client = new WsConnection(WsRole.CLIENT, WsLimits.defaults(), null,
        DeflateTransform.create(WsRole.CLIENT, params, ALL));
    client.receive(ByteBuffer.wrap(DeflateTesting.unhex("c1 07 f2 48 cd c9 c9 07 00  c1 05 f2 00 11 00 00")));
    assertThat(client.nextEvent()).isEqualTo(new WsEvent.Text("Hello", true));
    assertThatThrownBy(client::nextEvent).isInstanceOfSatisfying(RemoteProtocolException.class,
        e -> assertThat(e.closeCode()).isEqualTo(1007));
  }
}
