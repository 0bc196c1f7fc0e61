package io.loopwire.protocol.deflate;

import static io.loopwire.protocol.deflate.DeflateTesting.hex;
import static io.loopwire.protocol.deflate.DeflateTesting.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsEvent;
import io.loopwire.protocol.ws.WsExtensionNegotiation;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.protocol.ws.WsRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the byte-exact vectors in {@code src/test/resources/vectors/deflate/} (format: see rfc7692.vec)
 * through a {@link WsConnection} with a {@link DeflateTransform}. Each input is fed whole, split in two at
 * every offset and one byte at a time; every run must give the expected events and output.
 */
class DeflateVectorTest {

  record Vector(String name, WsRole role, String agreed, DeflateOptions options, int maskKey, List<String> sends,
      byte[] input, List<String> expected, byte[] output) {}

  @TestFactory
  Stream<DynamicTest> vectors() throws IOException {
    List<Vector> all = load("rfc7692.vec");
    assertThat(all).hasSizeGreaterThan(25);
    return all.stream().map(v -> dynamicTest(v.name(), () -> check(v)));
  }

  private static void check(Vector v) {
    Outcome whole = run(v, List.of(v.input()));
    assertThat(whole.events()).as("events").containsExactlyElementsOf(v.expected());
    assertThat(whole.output()).as("output").isEqualTo(hex(v.output()));
    byte[] in = v.input();
    for (int k = 1; k < in.length; k++) {
      Outcome split = run(v, List.of(Arrays.copyOfRange(in, 0, k), Arrays.copyOfRange(in, k, in.length)));
      assertThat(split.events()).as("input split at offset %d", k).isEqualTo(whole.events());
    }
    List<byte[]> bytes = new ArrayList<>();
    for (byte b : in) {
      bytes.add(new byte[] {b});
    }
    assertThat(run(v, bytes).events()).as("input one byte at a time").isEqualTo(whole.events());
  }

  record Outcome(List<String> events, String output) {}

  private static Outcome run(Vector v, List<byte[]> pieces) {
    DeflateNegotiator negotiator = new DeflateNegotiator(v.options());
    DeflateParams params = negotiator.agreed(v.role(), WsExtensionNegotiation.parse(v.agreed()).get(0));
    DeflateTransform transform = DeflateTransform.create(v.role(), params, v.options());
    WsConnection conn = new WsConnection(v.role(), WsLimits.defaults(), () -> v.maskKey(), transform);
    for (String s : v.sends()) {
      int q = s.lastIndexOf('"');
      conn.sendText(s.substring(1, q), s.substring(q + 1).strip().equals("fin"));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    conn.drainTo(b -> {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      out.writeBytes(a);
    });
    List<String> events = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    ByteArrayOutputStream binary = new ByteArrayOutputStream();
    try {
      for (byte[] piece : pieces) {
        conn.receive(ByteBuffer.wrap(piece));
        for (WsEvent e; (e = conn.nextEvent()) != WsEvent.Signal.NEED_DATA; ) {
          if (e instanceof WsEvent.Text t) {
            text.append(t.data());
            if (t.last()) {
              events.add("text \"" + text + "\"");
              text.setLength(0);
            }
          } else if (e instanceof WsEvent.Binary b) {
            byte[] a = new byte[b.data().remaining()];
            b.data().get(a);
            binary.writeBytes(a);
            if (b.last()) {
              events.add("binary " + hex(binary.toByteArray()));
              binary.reset();
            }
          } else if (e instanceof WsEvent.Ping p) {
            events.add("ping " + hex(bytes(p.payload())));
          } else if (e instanceof WsEvent.CloseReceived c) {
            events.add("close " + c.code());
          } else {
            events.add(e.toString());
            break;
          }
        }
      }
    } catch (RemoteProtocolException e) {
      events.add("error " + e.closeCode());
    } finally {
      transform.close();
    }
    return new Outcome(events, hex(out.toByteArray()));
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  private static List<Vector> load(String file) throws IOException {
    String text;
    try (InputStream in = DeflateVectorTest.class.getResourceAsStream("/vectors/deflate/" + file)) {
      assertThat(in).as(file).isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Vector> out = new ArrayList<>();
    String[] blocks = text.split("(?m)^=== ");
    for (int i = 1; i < blocks.length; i++) {
      String[] lines = blocks[i].split("\n");
      String name = lines[0].strip();
      WsRole role = null;
      String agreed = "permessage-deflate";
      DeflateOptions options = DeflateOptions.defaults().withMinCompressBytes(0);
      int maskKey = 0;
      List<String> sends = new ArrayList<>();
      ByteArrayOutputStream input = new ByteArrayOutputStream();
      List<String> expected = new ArrayList<>();
      byte[] output = new byte[0];
      for (int j = 1; j < lines.length; j++) {
        String line = lines[j].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(':');
        String key = line.substring(0, colon);
        String value = line.substring(colon + 1).strip();
        switch (key) {
          case "role" -> role = WsRole.valueOf(value.toUpperCase());
          case "agreed" -> agreed = value;
          case "options" -> {
            for (String kv : value.split("\\s+")) {
              String[] p = kv.split("=");
              int n = Integer.parseInt(p[1]);
              options = p[0].equals("min") ? options.withMinCompressBytes(n) : options.withCompressionLevel(n);
            }
          }
          case "mask-key" -> maskKey = (int) Long.parseLong(value, 16);
          case "send-text" -> sends.add(value);
          case "in" -> input.writeBytes(unhex(value));
          case "expect" -> expected.add(value);
          case "out" -> output = unhex(value);
          default -> throw new IllegalArgumentException(file + " " + name + ": unknown key '" + key + "'");
        }
      }
      out.add(new Vector(name, role, agreed, options, maskKey, sends, input.toByteArray(), expected, output));
    }
    return out;
  }
}
