package io.loopwire.protocol.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A client and a server {@link WsConnection} wired back to back in memory: random messages of random sizes,
 * fragmented at random points (text fragments may split surrogate pairs), interleaved with pings, carried
 * in random read sizes, arrive intact in both directions; pings come back as pongs; the close handshake
 * completes on both sides.
 */
class WsRoundTripTest {

  record Message(boolean fromClient, boolean text, int size, int fragments, boolean pingFirst, long seed) {}

  @Provide
  Arbitrary<List<Message>> messages() {
    Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 300)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 70_000)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 200_000)));
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), sizes,
            Arbitraries.integers().between(1, 6), Arbitraries.of(true, false), Arbitraries.longs())
        .as(Message::new)
        .list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 300)
  void messagesArriveIntactBothWays(@ForAll("messages") List<Message> messages, @ForAll long seed) {
    Random r = new Random(seed);
    WsConnection client = new WsConnection(WsRole.CLIENT, WsLimits.defaults());
    WsConnection server = new WsConnection(WsRole.SERVER, WsLimits.defaults());
    for (Message m : messages) {
      WsConnection from = m.fromClient() ? client : server;
      WsConnection to = m.fromClient() ? server : client;
      Random content = new Random(m.seed());
      byte[] ping = new byte[content.nextInt(126)];
      content.nextBytes(ping);
      if (m.pingFirst()) {
        from.sendPing(ByteBuffer.wrap(ping.clone()));
      }
      List<String> received = new ArrayList<>();
      if (m.text()) {
        String s = text(content, m.size());
        List<Integer> cuts = cuts(content, s.length(), m.fragments());
        for (int i = 0; i + 1 < cuts.size(); i++) {
          from.sendText(s.subSequence(cuts.get(i), cuts.get(i + 1)), i + 2 == cuts.size());
        }
        carry(from, to, r, received);
        assertThat(received).containsExactlyElementsOf(expected(m, "text " + s.hashCode() + " " + s.length()));
        assertThat(lastText).isEqualTo(s);
      } else {
        byte[] b = new byte[m.size()];
        content.nextBytes(b);
        List<Integer> cuts = cuts(content, b.length, m.fragments());
        for (int i = 0; i + 1 < cuts.size(); i++) {
          byte[] piece = java.util.Arrays.copyOfRange(b, cuts.get(i), cuts.get(i + 1));
          ByteBuffer buf = r.nextBoolean() ? ByteBuffer.wrap(piece) : ByteBuffer.allocateDirect(piece.length).put(piece).flip();
          from.sendBinary(buf, i + 2 == cuts.size());
        }
        carry(from, to, r, received);
        assertThat(received).containsExactlyElementsOf(expected(m, "binary"));
        assertThat(lastBinary).isEqualTo(b);
      }
      if (m.pingFirst()) {
        assertThat(lastPing).isEqualTo(ping);
        List<String> back = new ArrayList<>();
        carry(to, from, r, back); // the automatic pong
        assertThat(back).containsExactly("pong");
        assertThat(lastPong).isEqualTo(ping);
      }
      assertThat(from.hasPendingOutput()).isFalse();
    }
    client.sendClose(1000, "done");
    List<String> events = new ArrayList<>();
    carry(client, server, r, events);
    carry(server, client, r, events);
    assertThat(events).containsExactly("close 1000 done", "closed", "close 1000 done", "closed"); // the reply echoes the reason
    assertThat(client.state()).isEqualTo(WsState.CLOSED);
    assertThat(server.state()).isEqualTo(WsState.CLOSED);
  }

  private static List<String> expected(Message m, String message) {
    return m.pingFirst() ? List.of("ping", message) : List.of(message);
  }

  private String lastText;
  private byte[] lastBinary;
  private byte[] lastPing;
  private byte[] lastPong;

  /** Drains {@code from} into {@code to} in random read sizes and records the reassembled messages. */
  private void carry(WsConnection from, WsConnection to, Random r, List<String> out) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    from.drainTo(b -> wire.writeBytes(WsTesting.bytes(b)));
    byte[] bytes = wire.toByteArray();
    StringBuilder text = null;
    ByteArrayOutputStream binary = null;
    int pos = 0;
    do {
      int n = Math.min(bytes.length - pos, r.nextInt(4) == 0 ? 1 + r.nextInt(10) : 1 + r.nextInt(70_000));
      to.receive(ByteBuffer.wrap(bytes, pos, n));
      pos += n;
      for (WsEvent e; (e = to.nextEvent()) != WsEvent.Signal.NEED_DATA; ) {
        if (e instanceof WsEvent.Text t) {
          text = text == null ? new StringBuilder() : text;
          text.append(t.data());
          if (t.last()) {
            lastText = text.toString();
            out.add("text " + lastText.hashCode() + " " + lastText.length());
            text = null;
          }
        } else if (e instanceof WsEvent.Binary b) {
          binary = binary == null ? new ByteArrayOutputStream() : binary;
          binary.writeBytes(WsTesting.bytes(b.data()));
          if (b.last()) {
            lastBinary = binary.toByteArray();
            out.add("binary");
            binary = null;
          }
        } else if (e instanceof WsEvent.Ping p) {
          lastPing = WsTesting.bytes(p.payload());
          out.add("ping");
        } else if (e instanceof WsEvent.Pong p) {
          lastPong = WsTesting.bytes(p.payload());
          out.add("pong");
        } else if (e instanceof WsEvent.CloseReceived c) {
          out.add("close " + c.code() + " " + c.reason());
        } else if (e == WsEvent.Signal.CLOSED) {
          out.add("closed");
          break;
        }
      }
    } while (pos < bytes.length);
    assertThat(text).as("unfinished text message").isNull();
    assertThat(binary).as("unfinished binary message").isNull();
  }

  /** {@code fragments} cut points from 0 to {@code n}, possibly with empty fragments. */
  private static List<Integer> cuts(Random r, int n, int fragments) {
    List<Integer> c = new ArrayList<>();
    c.add(0);
    for (int i = 1; i < fragments; i++) {
      c.add(r.nextInt(n + 1));
    }
    c.add(n);
    c.sort(null);
    return c;
  }

  /** Text of about {@code n} chars mixing 1-, 2-, 3- and 4-byte UTF-8 forms. */
  private static String text(Random r, int n) {
    StringBuilder sb = new StringBuilder(n + 1);
    int mode = r.nextInt(3); // mostly ASCII, mixed, or mostly non-ASCII
    while (sb.length() < n) {
      int k = r.nextInt(10);
      if (mode == 0 && k < 9 || mode == 1 && k < 5) {
        sb.append((char) (0x20 + r.nextInt(0x5F)));
      } else if (k % 3 == 0) {
        sb.append((char) (0x80 + r.nextInt(0x780)));
      } else if (k % 3 == 1) {
        char c = (char) (0x800 + r.nextInt(0xF800));
        sb.append(Character.isSurrogate(c) ? 'x' : c);
      } else {
        sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
      }
    }
    return sb.toString();
  }
}
