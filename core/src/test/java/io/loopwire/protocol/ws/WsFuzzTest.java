package io.loopwire.protocol.ws;

import static io.loopwire.protocol.ws.WsTesting.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.protocol.RemoteProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input to the decoder: it may only produce events, or a {@link RemoteProtocolException}
 * after which the connection is FAILED with its close frame queued; never another exception, never a
 * loop that does not settle.
 */
class WsFuzzTest {

  /** Feeds {@code input} in random pieces and checks the outcome; returns whether the peer was blamed. */
  static boolean feed(byte[] input, Random r) {
    WsRole role = r.nextBoolean() ? WsRole.SERVER : WsRole.CLIENT;
    WsLimits limits = r.nextInt(4) == 0 ? new WsLimits(1 + r.nextInt(300), 1 + r.nextInt(600)) : WsLimits.defaults();
    WsPayloadTransform transform = r.nextInt(4) == 0 ? new DoublingTransform(false) : null;
    WsConnection c = new WsConnection(role, limits, () -> 0x5a5a5a5a, transform);
    boolean closeSent = r.nextInt(8) == 0;
    if (closeSent) {
      c.sendClose(1000, "");
      WsTesting.drain(c);
    }
    try {
      int pos = 0;
      boolean done = false;
      while (pos < input.length && !done) {
        int n = 1 + r.nextInt(Math.min(input.length - pos, r.nextBoolean() ? 8 : 400));
        c.receive(ByteBuffer.wrap(input, pos, n));
        pos += n;
        done = settle(c, n);
      }
      if (!done) {
        c.receiveEof();
        assertThat(settle(c, 0)).as("CLOSED after EOF").isTrue();
      }
      assertThat(c.state()).isIn(WsState.CLOSED, WsState.OPEN, WsState.CLOSE_SENT);
      return false;
    } catch (RemoteProtocolException e) {
      assertThat(e.closeCode()).isIn(1002, 1007, 1009);
      assertThat(c.state()).isEqualTo(WsState.FAILED);
      byte[] out = WsTesting.drain(c);
      if (closeSent) {
        assertThat(out).as("nothing after our close").isEmpty();
      } else {
        // the last frame queued is our close with the code (a pong may come first)
        int n = out.length;
        int masked = role == WsRole.CLIENT ? 4 : 0;
        assertThat(n).isGreaterThanOrEqualTo(4 + masked);
        assertThat(out[n - 4 - masked] & 0xFF).isEqualTo(0x88);
        int code = ((out[n - 2] ^ (masked > 0 ? 0x5a : 0)) & 0xFF) << 8 | (out[n - 1] ^ (masked > 0 ? 0x5a : 0)) & 0xFF;
        assertThat(code).isEqualTo(e.closeCode());
      }
      return true;
    }
  }

  /** nextEvent() until NEED_DATA (false) or CLOSED (true), within a bound set by the bytes fed. */
  private static boolean settle(WsConnection c, int fed) {
    int bound = 2 * fed + 8;
    for (int i = 0; i < bound; i++) {
      WsEvent e = c.nextEvent();
      if (e == WsEvent.Signal.NEED_DATA) {
        return false;
      }
      if (e == WsEvent.Signal.CLOSED) {
        return true;
      }
      if (e instanceof WsEvent.Binary b) {
        assertThat(b.data().isReadOnly()).isTrue();
      }
    }
    throw new AssertionError("no NEED_DATA or CLOSED within " + bound + " nextEvent() calls after " + fed + " bytes");
  }

  private static void feedReporting(byte[] input, long seed) {
    try {
      feed(input, new Random(seed));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("input " + hex(input) + " seed " + seed + ": " + e, e);
    }
  }

  @Test
  void randomBytes() {
    Random r = new Random(20240601);
    int blamed = 0;
    for (int i = 0; i < 15_000; i++) {
      byte[] b = new byte[r.nextInt(120)];
      r.nextBytes(b);
      // make a good share of the headers plausible, so that the fuzzing gets past the first two bytes
      for (int p = 0; p + 1 < b.length && r.nextInt(3) > 0; p += 2 + r.nextInt(6)) {
        b[p] = (byte) ((b[p] & 0x8F) | (r.nextInt(6) == 0 ? 0x40 : 0));
        b[p + 1] = (byte) (b[p + 1] & 0x1F | (r.nextBoolean() ? 0x80 : 0));
      }
      long seed = r.nextLong();
      try {
        blamed += feed(b, new Random(seed)) ? 1 : 0;
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("input " + hex(b) + " seed " + seed + ": " + e, e);
      }
    }
    assertThat(blamed).as("peer errors among random inputs").isBetween(1000, 14_999);
  }

  @Test
  void mutatedValidStreams() {
    Random r = new Random(77);
    int blamed = 0;
    for (int i = 0; i < 15_000; i++) {
      byte[] valid = validStream(r);
      byte[] b = mutate(valid, r);
      long seed = r.nextLong();
      try {
        blamed += feed(b, new Random(seed)) ? 1 : 0;
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("input " + hex(b) + " seed " + seed + ": " + e, e);
      }
    }
    assertThat(blamed).isBetween(1000, 14_999);
  }

  @Property(tries = 300)
  void anyBytesAnySplit(@ForAll @Size(max = 64) byte[] input, @ForAll long seed) {
    feedReporting(input, seed);
  }

  /** A few frames as a client or server would send them (both maskings, so either role may be hit). */
  private static byte[] validStream(Random r) {
    WsConnection sender = new WsConnection(r.nextBoolean() ? WsRole.CLIENT : WsRole.SERVER, WsLimits.defaults(),
        r::nextInt);
    int frames = 1 + r.nextInt(5);
    for (int f = 0; f < frames; f++) {
      int kind = r.nextInt(6);
      byte[] payload = new byte[r.nextInt(kind < 3 ? 300 : 20)];
      r.nextBytes(payload);
      switch (kind) {
        case 0 -> sender.sendText(randomText(r, r.nextInt(40)), r.nextBoolean());
        case 1 -> sender.sendBinary(ByteBuffer.wrap(payload), r.nextInt(3) > 0);
        case 2 -> sender.sendText("\u00e9\u20ac\uD83D\uDE00", true);
        case 3 -> sender.sendPing(ByteBuffer.wrap(payload));
        case 4 -> sender.sendPong(ByteBuffer.wrap(payload));
        default -> {
          if (r.nextBoolean()) {
            sender.sendClose(1000 + r.nextInt(4), "r");
            f = frames;
          }
        }
      }
      if (kind <= 1) {
        try {
          sender.sendBinary(ByteBuffer.allocate(0), true); // end a fragmented binary message, if any
        } catch (io.loopwire.protocol.LocalProtocolException e) {
          sender.sendText("", true);
        }
      }
    }
    return WsTesting.drain(sender);
  }

  private static String randomText(Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(10);
      sb.appendCodePoint(k < 6 ? 'a' + r.nextInt(26) : k < 8 ? 0xE0 + r.nextInt(0x100) : k < 9 ? 0x4E00 + r.nextInt(500)
          : 0x1F600 + r.nextInt(50));
    }
    return sb.toString();
  }

  private static byte[] mutate(byte[] b, Random r) {
    if (b.length == 0) {
      return b;
    }
    byte[] m = b.clone();
    int mutations = 1 + r.nextInt(3);
    for (int k = 0; k < mutations && m.length > 0; k++) {
      int at = r.nextInt(m.length);
      switch (r.nextInt(6)) {
        case 0 -> m[at] ^= (byte) (1 << r.nextInt(8));
        case 1 -> m[at] = (byte) r.nextInt(256);
        case 2 -> m = Arrays.copyOf(m, at); // truncate
        case 3 -> { // delete a byte
          byte[] d = new byte[m.length - 1];
          System.arraycopy(m, 0, d, 0, at);
          System.arraycopy(m, at + 1, d, at, m.length - at - 1);
          m = d;
        }
        case 4 -> { // insert a byte
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          o.write(m, 0, at);
          o.write(r.nextInt(256));
          o.write(m, at, m.length - at);
          m = o.toByteArray();
        }
        default -> { // duplicate a range
          int len = Math.min(m.length - at, 1 + r.nextInt(10));
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          o.write(m, 0, at + len);
          o.write(m, at, m.length - at);
          m = o.toByteArray();
        }
      }
    }
    return m;
  }
}
