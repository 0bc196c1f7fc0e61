package io.loopwire.protocol.tls;

import io.loopwire.protocol.tls.TlsHelloPeek.Hello;
import io.loopwire.protocol.tls.TlsHelloPeek.NotTls;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The ClientHello reader behind {@link TlsHelloPeek#peek}. */
final class TlsHelloParser {

  /** TLS record content type of handshake messages. */
  private static final int HANDSHAKE = 22;
  /** Handshake message type of a ClientHello. */
  private static final int CLIENT_HELLO = 1;
  /** The server_name extension (RFC 6066). */
  private static final int EXT_SERVER_NAME = 0;
  /** The application_layer_protocol_negotiation extension (RFC 7301). */
  private static final int EXT_ALPN = 16;

  private TlsHelloParser() {}

  static TlsHelloPeek peek(ByteBuffer data, int maxHelloBytes) {
    ByteBuffer in = data.duplicate();
    byte[] hello = new byte[0];
    int have = 0;
    for (int records = 0; ; records++) {
      if (in.remaining() < 5) {
        return TlsHelloPeek.Signal.NEED_DATA;
      }
      int type = in.get(in.position()) & 0xff;
      int major = in.get(in.position() + 1) & 0xff;
      int length = in.getShort(in.position() + 3) & 0xffff;
      if (type != HANDSHAKE) {
        return new NotTls((records == 0 ? "first record" : "record " + (records + 1) + " of the hello")
            + " has type " + type + ", not handshake (22)");
      }
      if (major != 3) {
        return new NotTls("record version major " + major + " is not 3 (TLS)");
      }
      if (length == 0 || length > (1 << 14)) {
        return new NotTls("handshake record length " + length + " is outside 1..16384 (RFC 8446 5.1)");
      }
      if ((long) have + length > maxHelloBytes + 4L) {
        return TlsHelloPeek.Signal.TOO_LARGE;
      }
      if (in.remaining() < 5 + length) {
        return TlsHelloPeek.Signal.NEED_DATA;
      }
      in.position(in.position() + 5);
      hello = Arrays.copyOf(hello, have + length);
      in.get(hello, have, length);
      have += length;
      if (have >= 4) {
        if ((hello[0] & 0xff) != CLIENT_HELLO) {
          return new NotTls("first handshake message has type " + (hello[0] & 0xff) + ", not ClientHello (1)");
        }
        int messageLength = ((hello[1] & 0xff) << 16) | ((hello[2] & 0xff) << 8) | (hello[3] & 0xff);
        if (messageLength > maxHelloBytes) {
          return TlsHelloPeek.Signal.TOO_LARGE;
        }
        if (have >= 4 + messageLength) {
          return parseHello(ByteBuffer.wrap(hello, 4, messageLength).slice());
        }
      }
    }
  }

  private static TlsHelloPeek parseHello(ByteBuffer b) {
    try {
      skip(b, 2 + 32, "version and random");
      skip(b, u8(b, "session id length"), "session id");
      int suites = u16(b, "cipher suites length");
      if (suites < 2 || suites % 2 != 0) {
        return new NotTls("cipher suites length " + suites + " is not a positive even number");
      }
      skip(b, suites, "cipher suites");
      skip(b, u8(b, "compression methods length"), "compression methods");
      String serverName = null;
      List<String> alpn = List.of();
      if (!b.hasRemaining()) {
        return new Hello(null, alpn); // a hello without extensions (RFC 5246 7.4.1.2)
      }
      int extensions = u16(b, "extensions length");
      if (extensions != b.remaining()) {
        return new NotTls("extensions length " + extensions + " but " + b.remaining() + " bytes follow");
      }
      while (b.hasRemaining()) {
        int type = u16(b, "extension type");
        int length = u16(b, "extension length");
        ByteBuffer ext = slice(b, length, "extension " + type);
        if (type == EXT_SERVER_NAME && length > 0) {
          serverName = serverName(ext);
          if (serverName != null && serverName.startsWith("!")) {
            return new NotTls(serverName.substring(1));
          }
        } else if (type == EXT_ALPN) {
          alpn = alpn(ext);
        }
      }
      return new Hello(serverName, alpn);
    } catch (Malformed e) {
      return new NotTls("malformed ClientHello: " + e.getMessage());
    }
  }

  /** The host_name entry, lower-case; a name starting with '!' is an error message instead. */
  private static String serverName(ByteBuffer ext) throws Malformed {
    ByteBuffer list = slice(ext, u16(ext, "server name list length"), "server name list");
    while (list.hasRemaining()) {
      int nameType = u8(list, "server name type");
      byte[] name = new byte[u16(list, "server name length")];
      if (name.length > list.remaining()) {
        throw new Malformed("server name length " + name.length + " exceeds its list");
      }
      list.get(name);
      if (nameType != 0) {
        continue; // only host_name (0) is defined
      }
      if (name.length == 0 || name.length > 255) {
        return "!server name length " + name.length + " is outside 1..255";
      }
      for (int i = 0; i < name.length; i++) {
        int c = name[i] & 0xff;
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_';
        if (!ok) {
          return "!server name has byte 0x" + Integer.toHexString(c) + " at index " + i
              + " (RFC 6066 3: an ASCII host name)";
        }
      }
      return new String(name, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }
    return null;
  }

  private static List<String> alpn(ByteBuffer ext) throws Malformed {
    ByteBuffer list = slice(ext, u16(ext, "ALPN list length"), "ALPN list");
    List<String> out = new ArrayList<>();
    while (list.hasRemaining()) {
      byte[] name = new byte[u8(list, "ALPN protocol length")];
      if (name.length > list.remaining()) {
        throw new Malformed("ALPN protocol length " + name.length + " exceeds its list");
      }
      list.get(name);
      out.add(new String(name, StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  private static int u8(ByteBuffer b, String what) throws Malformed {
    if (b.remaining() < 1) {
      throw new Malformed(what + " missing");
    }
    return b.get() & 0xff;
  }

  private static int u16(ByteBuffer b, String what) throws Malformed {
    if (b.remaining() < 2) {
      throw new Malformed(what + " missing");
    }
    return b.getShort() & 0xffff;
  }

  private static void skip(ByteBuffer b, int n, String what) throws Malformed {
    if (b.remaining() < n) {
      throw new Malformed(what + " needs " + n + " bytes, " + b.remaining() + " left");
    }
    b.position(b.position() + n);
  }

  private static ByteBuffer slice(ByteBuffer b, int n, String what) throws Malformed {
    if (b.remaining() < n) {
      throw new Malformed(what + " needs " + n + " bytes, " + b.remaining() + " left");
    }
    ByteBuffer s = b.slice();
    s.limit(n);
    b.position(b.position() + n);
    return s;
  }

  /** A length that does not fit: the hello is malformed. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }
}
