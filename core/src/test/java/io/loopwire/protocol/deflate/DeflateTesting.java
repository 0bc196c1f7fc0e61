package io.loopwire.protocol.deflate;

import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsEvent;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.protocol.ws.WsPayloadTransform;
import io.loopwire.protocol.ws.WsRole;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Helpers for the deflate tests: payloads, counting codecs, and two connections wired back to back. */
final class DeflateTesting {

  private static final HexFormat HEX = HexFormat.of();

  private DeflateTesting() {}

  static byte[] unhex(String s) {
    String t = s.replaceAll("\\s+", "");
    return t.equals("-") ? new byte[0] : HEX.parseHex(t);
  }

  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON array of records like an application's messages, about {@code bytes} long. */
  static String json(int bytes, long seed) {
    Random r = new Random(seed);
    String[] names = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    String[] kinds = {"update", "insert", "delete", "snapshot"};
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; sb.length() < bytes; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"id\":").append(r.nextInt(1_000_000))
          .append(",\"user\":\"").append(names[r.nextInt(names.length)]).append('"')
          .append(",\"kind\":\"").append(kinds[r.nextInt(kinds.length)]).append('"')
          .append(",\"price\":").append(r.nextInt(100_000) / 100.0)
          .append(",\"active\":").append(r.nextBoolean())
          .append(",\"tags\":[\"t").append(r.nextInt(50)).append("\",\"t").append(r.nextInt(50)).append("\"]}");
    }
    sb.append(']');
    return sb.substring(0, Math.min(sb.length(), Math.max(bytes, 0)));
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Counts the codecs a transform creates and the {@code end()} calls on them. */
  static final class Codecs {
    final AtomicInteger deflaters = new AtomicInteger();
    final AtomicInteger inflaters = new AtomicInteger();
    final AtomicInteger deflatersEnded = new AtomicInteger();
    final AtomicInteger inflatersEnded = new AtomicInteger();
    private final int level;

    Codecs(int level) {
      this.level = level;
    }

    Deflater deflater() {
      deflaters.incrementAndGet();
      return new Deflater(level, true) {
        @Override
        public void end() {
          deflatersEnded.incrementAndGet();
          super.end();
        }
      };
    }

    Inflater inflater() {
      inflaters.incrementAndGet();
      return new Inflater(true) {
        @Override
        public void end() {
          inflatersEnded.incrementAndGet();
          super.end();
        }
      };
    }

    DeflateTransform transform(WsRole role, DeflateParams params, DeflateOptions options) {
      return DeflateTransform.create(role, params, options, this::deflater, this::inflater);
    }
  }

  /** Delegates to a transform and records each message's compressed payload as it leaves. */
  static final class Recording implements WsPayloadTransform {
    final DeflateTransform inner;
    final List<byte[]> compressed = new ArrayList<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    Recording(DeflateTransform inner) {
      this.inner = inner;
    }

    @Override
    public int rsvBits() {
      return inner.rsvBits();
    }

    @Override
    public void decodeInput(ByteBuffer piece, boolean endOfMessage) {
      inner.decodeInput(piece, endOfMessage);
    }

    @Override
    public int decodeOutput(ByteBuffer dst) {
      return inner.decodeOutput(dst);
    }

    @Override
    public boolean encodeMessage(boolean text) {
      return inner.encodeMessage(text);
    }

    @Override
    public boolean encodeMessage(boolean text, int firstFragmentBytes, boolean wholeMessage) {
      return inner.encodeMessage(text, firstFragmentBytes, wholeMessage);
    }

    @Override
    public ByteBuffer encode(ByteBuffer plain, boolean endOfMessage) {
      ByteBuffer out = inner.encode(plain, endOfMessage);
      byte[] b = new byte[out.remaining()];
      out.duplicate().get(b);
      current.writeBytes(b);
      if (endOfMessage) {
        compressed.add(current.toByteArray());
        current.reset();
      }
      return out;
    }
  }

  /** One end: its connection and the recording transform in it. */
  record End(WsConnection conn, Recording transform) {
    static End of(WsRole role, DeflateTransform t, WsLimits limits) {
      Recording r = new Recording(t);
      return new End(new WsConnection(role, limits, null, r), r);
    }
  }

  /** A message as received: text or binary content. */
  record Message(boolean text, byte[] data) {
    static Message text(String s) {
      return new Message(true, utf8(s));
    }

    static Message binary(byte[] b) {
      return new Message(false, b);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Message m && m.text == text && java.util.Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(data) * 31 + (text ? 1 : 0);
    }

    @Override
    public String toString() {
      return (text ? "text" : "binary") + "(" + data.length + " bytes)";
    }
  }

  /** Drains {@code from} and feeds {@code to}, in {@code pieces} of at most that many bytes (0: whole). */
  static List<Message> transfer(WsConnection from, WsConnection to, int pieces) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    from.drainTo(b -> {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      wire.writeBytes(a);
    });
    return receive(to, wire.toByteArray(), pieces);
  }

  /** Feeds {@code bytes} to {@code to} and collects whole messages (protocol errors propagate). */
  static List<Message> receive(WsConnection to, byte[] bytes, int pieces) {
    List<Message> out = new ArrayList<>();
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    boolean[] text = new boolean[1];
    int step = pieces <= 0 ? Math.max(bytes.length, 1) : pieces;
    for (int off = 0; off < bytes.length || off == 0; off += step) {
      to.receive(ByteBuffer.wrap(bytes, off, Math.min(step, bytes.length - off)));
      for (WsEvent e; (e = to.nextEvent()) != WsEvent.Signal.NEED_DATA; ) {
        if (e instanceof WsEvent.Text t) {
          text[0] = true;
          msg.writeBytes(utf8(t.data()));
          if (t.last()) {
            out.add(new Message(true, msg.toByteArray()));
            msg.reset();
          }
        } else if (e instanceof WsEvent.Binary b) {
          byte[] a = new byte[b.data().remaining()];
          b.data().get(a);
          msg.writeBytes(a);
          if (b.last()) {
            out.add(new Message(false, msg.toByteArray()));
            msg.reset();
          }
        } else if (e == WsEvent.Signal.CLOSED) {
          break;
        }
      }
      if (bytes.length == 0) {
        break;
      }
    }
    return out;
  }

  /** Sends {@code m} as one message, or in fragments of {@code fragment} bytes (binary) / chars (text). */
  static void send(WsConnection c, Message m, int fragment) {
    if (m.text()) {
      String s = new String(m.data(), StandardCharsets.UTF_8);
      if (fragment <= 0 || s.length() <= fragment) {
        c.sendText(s, true);
        return;
      }
      for (int i = 0; i < s.length(); i += fragment) {
        int end = Math.min(s.length(), i + fragment);
        c.sendText(s.substring(i, end), end == s.length());
      }
    } else {
      byte[] d = m.data();
      if (fragment <= 0 || d.length <= fragment) {
        c.sendBinary(ByteBuffer.wrap(d.clone()), true);
        return;
      }
      for (int i = 0; i < d.length; i += fragment) {
        int end = Math.min(d.length, i + fragment);
        c.sendBinary(ByteBuffer.wrap(java.util.Arrays.copyOfRange(d, i, end)), end == d.length);
      }
    }
  }
}
