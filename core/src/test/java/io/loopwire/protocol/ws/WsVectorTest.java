package io.loopwire.protocol.ws;

import static io.loopwire.protocol.ws.WsTesting.hex;
import static io.loopwire.protocol.ws.WsTesting.pattern;
import static io.loopwire.protocol.ws.WsTesting.quote;
import static io.loopwire.protocol.ws.WsTesting.unhex;
import static io.loopwire.protocol.ws.WsTesting.unquote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the byte-exact vectors in {@code src/test/resources/vectors/ws/} (format: see rfc6455.vec). Each
 * vector is fed whole, split in two at every byte offset (inputs over 2 KiB: the first and last 300
 * offsets and every 97th between), and one byte at a time; every run must give the expected events, output
 * and state.
 */
class WsVectorTest {

  private static final String[] FILES = {"rfc6455.vec", "framing.vec", "close.vec", "utf8.vec", "limits.vec"};

  record Vector(String file, String name, WsRole role, int maskKey, WsLimits limits, List<String> setup,
      byte[] input, boolean eof, List<String> expected, byte[] output, WsState state) {}

  record Outcome(List<String> events, String output, WsState state) {}

  @TestFactory
  Stream<DynamicTest> vectors() throws IOException {
    List<Vector> all = new ArrayList<>();
    for (String f : FILES) {
      all.addAll(load(f));
    }
    assertThat(all).hasSizeGreaterThan(100);
    return all.stream().map(v -> dynamicTest(v.file() + " " + v.name(), () -> check(v)));
  }

  private static void check(Vector v) {
    Outcome whole = run(v, List.of(v.input()));
    assertThat(whole.events()).as("events").containsExactlyElementsOf(v.expected());
    assertThat(whole.output()).as("output").isEqualTo(hex(v.output()));
    if (v.state() != null) {
      assertThat(whole.state()).as("final state").isEqualTo(v.state());
    }
    byte[] in = v.input();
    for (int k : splitPoints(in.length)) {
      Outcome split = run(v, List.of(Arrays.copyOfRange(in, 0, k), Arrays.copyOfRange(in, k, in.length)));
      assertThat(split).as("input split at offset %d", k).isEqualTo(whole);
    }
    List<byte[]> single = new ArrayList<>();
    for (byte b : in) {
      single.add(new byte[] {b});
    }
    assertThat(run(v, single)).as("input one byte at a time").isEqualTo(whole);
  }

  private static TreeSet<Integer> splitPoints(int n) {
    TreeSet<Integer> points = new TreeSet<>();
    for (int k = 0; k <= n; k++) {
      if (n <= 2048 || k <= 300 || k >= n - 300 || k % 97 == 0) {
        points.add(k);
      }
    }
    return points;
  }

  private static Outcome run(Vector v, List<byte[]> pieces) {
    WsConnection c = new WsConnection(v.role(), v.limits(), v::maskKey);
    for (String s : v.setup()) {
      setup(c, s);
    }
    WsTesting.Recorder r = new WsTesting.Recorder();
    boolean open = true;
    for (byte[] piece : pieces) {
      c.receive(ByteBuffer.wrap(piece));
      if (!(open = WsTesting.poll(c, r, 1_000_000))) {
        break;
      }
    }
    if (open && v.eof()) {
      c.receiveEof();
      WsTesting.poll(c, r, 1_000_000);
    }
    return new Outcome(r.finish(), hex(WsTesting.drain(c)), c.state());
  }

  private static void setup(WsConnection c, String line) {
    String[] kv = line.split(":", 2);
    String arg = kv[1].strip();
    switch (kv[0]) {
      case "send-text" -> {
        int q = arg.lastIndexOf('"');
        c.sendText(unquote(arg.substring(0, q + 1)), arg.substring(q + 1).strip().equals("fin"));
      }
      case "send-binary", "send-binary-pattern" -> {
        int sp = arg.lastIndexOf(' ');
        String data = arg.substring(0, sp);
        byte[] b = kv[0].equals("send-binary") ? unhex(data) : pattern(Integer.parseInt(data));
        c.sendBinary(ByteBuffer.wrap(b), arg.substring(sp + 1).equals("fin"));
      }
      case "send-ping" -> c.sendPing(ByteBuffer.wrap(unhex(arg)));
      case "send-pong" -> c.sendPong(ByteBuffer.wrap(unhex(arg)));
      case "send-close" -> {
        int sp = arg.indexOf(' ');
        c.sendClose(Integer.parseInt(arg.substring(0, sp)), unquote(arg.substring(sp + 1)));
      }
      default -> throw new IllegalArgumentException("unknown setup line: " + line);
    }
  }

  // ---- loading

  private static List<Vector> load(String file) throws IOException {
    String text;
    try (InputStream s = WsVectorTest.class.getResourceAsStream("/vectors/ws/" + file)) {
      assertThat(s).as("vector file %s", file).isNotNull();
      text = new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Vector> out = new ArrayList<>();
    Builder b = null;
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("=== ")) {
        if (b != null) {
          out.add(b.build());
        }
        b = new Builder(file, line.substring(4).strip());
        continue;
      }
      if (b == null) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": line before the first '=== name'");
      }
      try {
        b.line(line);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
      }
    }
    if (b != null) {
      out.add(b.build());
    }
    return out;
  }

  private static final class Builder {
    final String file;
    final String name;
    WsRole role;
    int maskKey = 0x01020304;
    WsLimits limits = WsLimits.defaults();
    final List<String> setup = new ArrayList<>();
    final ByteArrayOutputStream input = new ByteArrayOutputStream();
    boolean eof;
    final List<String> expected = new ArrayList<>();
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    WsState state;

    Builder(String file, String name) {
      this.file = file;
      this.name = name;
    }

    void line(String line) {
      if (line.equals("eof")) {
        eof = true;
        return;
      }
      String[] kv = line.split(":", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected 'key: value', got " + line);
      }
      String key = kv[0].strip();
      String value = kv[1].strip();
      switch (key) {
        case "role" -> role = WsRole.valueOf(value.toUpperCase());
        case "mask-key" -> maskKey = (int) Long.parseLong(value, 16);
        case "limits" -> {
          String[] parts = value.split("\\s+");
          limits = new WsLimits(Integer.parseInt(parts[0].substring("frame=".length())),
              Long.parseLong(parts[1].substring("message=".length())));
        }
        case "in" -> input.writeBytes(unhex(value));
        case "in-pattern" -> input.writeBytes(pattern(Integer.parseInt(value)));
        case "out" -> output.writeBytes(unhex(value));
        case "out-pattern" -> output.writeBytes(pattern(Integer.parseInt(value)));
        case "expect" -> expected.add(canonical(value));
        case "state" -> state = WsState.valueOf(value);
        default -> {
          if (!key.startsWith("send-")) {
            throw new IllegalArgumentException("unknown key " + key);
          }
          setup.add(line);
        }
      }
    }

    /** The expected event in the spelling {@link WsTesting.Recorder} produces. */
    private static String canonical(String e) {
      int sp = e.indexOf(' ');
      String kind = sp < 0 ? e : e.substring(0, sp);
      String arg = sp < 0 ? "" : e.substring(sp + 1).strip();
      return switch (kind) {
        case "text", "text-more" -> kind + " " + quote(unquote(arg));
        case "binary", "binary-more", "ping", "pong" -> kind + " " + hex(unhex(arg));
        case "binary-pattern" -> "binary " + hex(pattern(Integer.parseInt(arg)));
        case "close" -> {
          int s2 = arg.indexOf(' ');
          String reason = arg.substring(s2 + 1).strip();
          yield "close " + Integer.parseInt(arg.substring(0, s2)) + " "
              + (reason.equals("*") ? "*" : quote(unquote(reason)));
        }
        case "error" -> "error " + Integer.parseInt(arg);
        case "closed" -> "closed";
        default -> throw new IllegalArgumentException("unknown event " + e);
      };
    }

    Vector build() {
      if (role == null) {
        throw new IllegalArgumentException(file + " " + name + ": no role");
      }
      return new Vector(file, name, role, maskKey, limits, List.copyOf(setup), input.toByteArray(), eof,
          List.copyOf(expected), output.toByteArray(), state);
    }
  }
}
