package io.loopwire.protocol.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.protocol.RemoteProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Helpers shared by the ws tests: hex, quoting, and an event recorder that merges message pieces. */
final class WsTesting {

  private static final HexFormat HEX = HexFormat.of();

  private WsTesting() {}

  static String hex(byte[] b) {
    return b.length == 0 ? "-" : HEX.formatHex(b);
  }

  static byte[] unhex(String s) {
    String t = s.replaceAll("\\s+", "");
    return t.equals("-") ? new byte[0] : HEX.parseHex(t);
  }

  /** {@code n} bytes 00 01 02 ... FF 00 ... */
  static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  /** Printable ASCII as is, everything else as a Java escape: one canonical spelling per string. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7F) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.append('"').toString();
  }

  /** Reads a string written by {@link #quote} (or by hand with \\uXXXX, \\\\ and \\" escapes). */
  static String unquote(String q) {
    String s = q.strip();
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      throw new IllegalArgumentException("not a quoted string: " + q);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = s.charAt(++i);
      if (e == 'u') {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
        i += 4;
      } else {
        sb.append(e);
      }
    }
    return sb.toString();
  }

  /**
   * Records events in a canonical form that does not depend on how the input was split: consecutive pieces
   * of a message are merged ({@code text "..."} when the message ended, {@code text-more "..."} when another
   * event or the end of input came first). Also checks each event's shape.
   */
  static final class Recorder {
    final List<String> events = new ArrayList<>();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final StringBuilder pendingText = new StringBuilder();
    private String pendingKind; // "text", "binary" or null

    void add(WsEvent e) {
      if (e instanceof WsEvent.Text t) {
        assertThat(t.data().isEmpty() && !t.last()).as("empty text piece that is not last").isFalse();
        piece("text", t.last());
        pendingText.append(t.data());
        if (t.last()) {
          flush("");
        }
      } else if (e instanceof WsEvent.Binary b) {
        assertThat(b.data().isReadOnly()).as("binary data is a read-only view").isTrue();
        assertThat(!b.data().hasRemaining() && !b.last()).as("empty binary piece that is not last").isFalse();
        piece("binary", b.last());
        pending.writeBytes(bytes(b.data()));
        if (b.last()) {
          flush("");
        }
      } else {
        flush("-more");
        if (e instanceof WsEvent.Ping p) {
          assertThat(p.payload().isReadOnly()).isTrue();
          events.add("ping " + hex(bytes(p.payload())));
        } else if (e instanceof WsEvent.Pong p) {
          assertThat(p.payload().isReadOnly()).isTrue();
          events.add("pong " + hex(bytes(p.payload())));
        } else if (e instanceof WsEvent.CloseReceived c) {
          // 1006 is made up locally, its reason is not pinned by vectors
          events.add("close " + c.code() + " " + (c.code() == 1006 ? "*" : quote(c.reason())));
        } else if (e == WsEvent.Signal.CLOSED) {
          events.add("closed");
        } else {
          throw new AssertionError("unexpected event " + e);
        }
      }
    }

    void error(RemoteProtocolException e) {
      flush("-more");
      events.add("error " + e.closeCode());
    }

    List<String> finish() {
      flush("-more");
      return events;
    }

    private void piece(String kind, boolean last) {
      if (pendingKind != null && !pendingKind.equals(kind)) {
        throw new AssertionError(kind + " piece inside a " + pendingKind + " message");
      }
      pendingKind = kind;
    }

    private void flush(String suffix) {
      if (pendingKind == null) {
        return;
      }
      if (pendingKind.equals("text")) {
        events.add("text" + suffix + " " + quote(pendingText.toString()));
      } else {
        events.add("binary" + suffix + " " + hex(pending.toByteArray()));
      }
      pendingKind = null;
      pendingText.setLength(0);
      pending.reset();
    }
  }

  /**
   * Calls {@code nextEvent()} until NEED_DATA (returns true), or CLOSED or a peer error (returns false),
   * recording every event; fails if it does not settle within {@code bound} calls.
   */
  static boolean poll(WsConnection c, Recorder r, int bound) {
    for (int i = 0; i < bound; i++) {
      WsEvent e;
      try {
        e = c.nextEvent();
      } catch (RemoteProtocolException ex) {
        r.error(ex);
        return false;
      }
      if (e == WsEvent.Signal.NEED_DATA) {
        return true;
      }
      r.add(e);
      if (e == WsEvent.Signal.CLOSED) {
        return false;
      }
    }
    throw new AssertionError("nextEvent() did not return NEED_DATA or CLOSED within " + bound + " calls");
  }

  static byte[] drain(WsConnection c) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.drainTo(b -> out.writeBytes(bytes(b)));
    return out.toByteArray();
  }

  /** One frame: first byte {@code b0}, the shortest length form, masked with {@code key} when not null. */
  static byte[] frame(int b0, byte[] payload, Integer key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b0);
    int m = key != null ? 0x80 : 0;
    int n = payload.length;
    if (n <= 125) {
      out.write(m | n);
    } else if (n <= 0xFFFF) {
      out.write(m | 126);
      out.write(n >>> 8);
      out.write(n);
    } else {
      out.write(m | 127);
      out.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
    }
    byte[] p = payload.clone();
    if (key != null) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(key).array());
      for (int i = 0; i < n; i++) {
        p[i] ^= (byte) (key >>> (24 - 8 * (i & 3)));
      }
    }
    out.writeBytes(p);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Every event until NEED_DATA or CLOSED (included); a peer error propagates. */
  static List<WsEvent> events(WsConnection c) {
    List<WsEvent> out = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      WsEvent e = c.nextEvent();
      if (e == WsEvent.Signal.NEED_DATA) {
        return out;
      }
      out.add(copy(e));
      if (e == WsEvent.Signal.CLOSED) {
        return out;
      }
    }
    throw new AssertionError("no NEED_DATA");
  }

  /** The event with its borrowed buffers copied, so that it may be kept. */
  static WsEvent copy(WsEvent e) {
    if (e instanceof WsEvent.Binary b) {
      return new WsEvent.Binary(ByteBuffer.wrap(bytes(b.data())).asReadOnlyBuffer(), b.last());
    } else if (e instanceof WsEvent.Ping p) {
      return new WsEvent.Ping(ByteBuffer.wrap(bytes(p.payload())).asReadOnlyBuffer());
    } else if (e instanceof WsEvent.Pong p) {
      return new WsEvent.Pong(ByteBuffer.wrap(bytes(p.payload())).asReadOnlyBuffer());
    }
    return e;
  }
}
