package io.loopwire.protocol.http1;

import io.loopwire.protocol.RemoteProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Feeds bytes to a parser in given pieces and writes what comes out as a transcript of text lines, the
 * format of the vector files: {@code request M T V}, {@code response V S R}, {@code field N: V},
 * {@code body ...} (consecutive pieces merged), {@code end}, {@code trailer N: V}, {@code paused},
 * {@code leftover ...}, {@code end-of-input}, {@code error S message}. Bytes are escaped ({@link #escape}).
 *
 * <p>The driver poisons each input buffer after {@code receive} returns (a parser must copy what it keeps)
 * and checks that every Body view is read-only. Any exception other than RemoteProtocolException escapes.
 */
final class Http1Driver {

  /** The verbs both parsers share. */
  interface Parser {
    void receive(ByteBuffer data);

    void receiveEof();

    Http1Event nextEvent();

    ByteBuffer takeLeftover();
  }

  /** Upper bound on events per drain; a parser that never signals is a bug (a hang). */
  static final int MAX_EVENTS_PER_DRAIN = 1_000_000;

  private Http1Driver() {}

  static Supplier<Parser> request(Http1Limits limits) {
    return () -> {
      Http1RequestParser p = new Http1RequestParser(limits);
      return new Parser() {
        public void receive(ByteBuffer data) {
          p.receive(data);
        }

        public void receiveEof() {
          p.receiveEof();
        }

        public Http1Event nextEvent() {
          return p.nextEvent();
        }

        public ByteBuffer takeLeftover() {
          return p.takeLeftover();
        }
      };
    };
  }

  static Supplier<Parser> response(Http1Limits limits, List<String> methods) {
    return () -> {
      Http1ResponseParser p = new Http1ResponseParser(limits);
      methods.forEach(p::expectResponse);
      return new Parser() {
        public void receive(ByteBuffer data) {
          p.receive(data);
        }

        public void receiveEof() {
          p.receiveEof();
        }

        public Http1Event nextEvent() {
          return p.nextEvent();
        }

        public ByteBuffer takeLeftover() {
          return p.takeLeftover();
        }
      };
    };
  }

  /** Feeds {@code input} cut at the increasing offsets {@code cuts}, then EOF if asked, and transcribes. */
  static List<String> run(Supplier<Parser> factory, byte[] input, int[] cuts, boolean eof) {
    Transcript t = new Transcript();
    Parser p = factory.get();
    int from = 0;
    try {
      for (int i = 0; i <= cuts.length; i++) {
        int to = i < cuts.length ? cuts[i] : input.length;
        if (to > from) {
          byte[] piece = Arrays.copyOfRange(input, from, to);
          ByteBuffer buf = ByteBuffer.wrap(piece);
          p.receive(buf);
          if (buf.hasRemaining()) {
            throw new AssertionError("receive left " + buf.remaining() + " bytes unread");
          }
          Arrays.fill(piece, (byte) 'X');
        }
        from = to;
        t.drain(p);
      }
      if (eof) {
        p.receiveEof();
        t.drain(p);
      }
      if (t.paused) {
        t.flushBody();
        t.lines.add(join("leftover", escape(bytes(p.takeLeftover()))));
      }
    } catch (RemoteProtocolException e) {
      t.flushBody();
      t.lines.add("error " + e.statusHint() + " " + e.getMessage());
    }
    t.flushBody();
    return t.lines;
  }

  /** The transcript of {@code events} (a model of what a parser should produce). */
  static List<String> transcribe(List<Http1Event> events) {
    Transcript t = new Transcript();
    for (Http1Event e : events) {
      if (e == Http1Event.Signal.END_OF_INPUT) {
        t.flushBody();
        t.lines.add("end-of-input");
      } else if (e instanceof Http1Event.Body b) {
        t.body.writeBytes(bytes(b.data().duplicate()));
      } else {
        t.flushBody();
        t.record(e);
      }
    }
    t.flushBody();
    return t.lines;
  }

  static List<String> whole(Supplier<Parser> factory, byte[] input, boolean eof) {
    return run(factory, input, new int[0], eof);
  }

  static List<String> bytewise(Supplier<Parser> factory, byte[] input, boolean eof) {
    int[] cuts = new int[Math.max(0, input.length - 1)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    return run(factory, input, cuts, eof);
  }

  private static final class Transcript {
    final List<String> lines = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean paused;
    boolean ended;

    void drain(Parser p) {
      for (int n = 0; n < MAX_EVENTS_PER_DRAIN; n++) {
        Http1Event e = p.nextEvent();
        if (e instanceof Http1Event.Body b) {
          if (!b.data().isReadOnly() || !b.data().hasRemaining()) {
            throw new AssertionError("Body must be a non-empty read-only view: " + b.data());
          }
          byte[] copy = new byte[b.data().remaining()];
          b.data().get(copy);
          body.writeBytes(copy);
          continue;
        }
        if (e == Http1Event.Signal.NEED_DATA) {
          return; // a body may go on in the next piece: keep merging
        }
        flushBody();
        if (e == Http1Event.Signal.PAUSED) {
          if (!paused) {
            lines.add("paused");
          }
          paused = true;
          return;
        }
        if (e == Http1Event.Signal.END_OF_INPUT) {
          if (!ended) {
            lines.add("end-of-input");
          }
          ended = true;
          return;
        }
        record(e);
      }
      throw new AssertionError("no signal after " + MAX_EVENTS_PER_DRAIN + " events: the parser hangs");
    }

    /** Adds a head or EndOfMessage (a Body piece must go to {@link #body} first). */
    void record(Http1Event e) {
      if (e instanceof Http1Event.RequestHead h) {
        Http1Request r = h.request();
        lines.add("request " + r.method() + " " + escape(latin1(r.target())) + " " + r.version().text());
        fields("field", r.headers());
      } else if (e instanceof Http1Event.ResponseHead h) {
        Http1Response r = h.response();
        lines.add(join("response " + r.version().text() + " " + r.status(), escape(latin1(r.reason()))));
        fields("field", r.headers());
      } else if (e instanceof Http1Event.EndOfMessage m) {
        lines.add("end");
        fields("trailer", m.trailers());
      } else {
        throw new AssertionError("unexpected event " + e);
      }
    }

    void fields(String kind, Http1Fields f) {
      for (int i = 0; i < f.size(); i++) {
        lines.add(join(kind + " " + f.name(i) + ":", escape(latin1(f.value(i)))));
      }
    }

    void flushBody() {
      if (body.size() > 0) {
        lines.add("body " + escape(body.toByteArray()));
        body.reset();
      }
    }
  }

  /** {@code head SP tail}, or just {@code head} when tail is empty (no trailing spaces in vector files). */
  static String join(String head, String tail) {
    return tail.isEmpty() ? head : head + " " + tail;
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static byte[] latin1(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Printable ASCII as is; {@code \r \n \t \\} and {@code \xHH} for the rest. */
  static String escape(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte x : bytes) {
      int c = x & 0xFF;
      switch (c) {
        case '\r': sb.append("\\r"); break;
        case '\n': sb.append("\\n"); break;
        case '\t': sb.append("\\t"); break;
        case '\\': sb.append("\\\\"); break;
        default:
          if (c >= 0x20 && c < 0x7F) {
            sb.append((char) c);
          } else {
            sb.append(String.format("\\x%02x", c));
          }
      }
    }
    return sb.toString();
  }

  /** The inverse of {@link #escape}. */
  static byte[] unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.write(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'r': out.write('\r'); break;
        case 'n': out.write('\n'); break;
        case 't': out.write('\t'); break;
        case '\\': out.write('\\'); break;
        case 'x':
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
          break;
        default:
          throw new IllegalArgumentException("bad escape \\" + n + " in " + s);
      }
    }
    return out.toByteArray();
  }
}
