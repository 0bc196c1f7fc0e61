package io.loopwire.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A blocking {@link Socket} that speaks just enough HTTP/1.1 and RFC 6455 framing, written independently
 * of Loopwire's codecs, to play a misbehaving or minimal peer: send garbage, stop reading, never answer a
 * ping or a close, reset the connection. Client side it masks its frames, server side it does not.
 *
 * <p>Thread: one thread at a time (the test's, or a {@link RawServer} script's). Every read is bounded by
 * the socket timeout (10 s unless changed), so a hang fails the test instead of stalling it.
 */
public final class RawSocket implements AutoCloseable {

  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final Random RANDOM = new SecureRandom();

  private final Socket socket;
  private final boolean client;
  private final InputStream in;
  private final OutputStream out;
  private String key;

  private RawSocket(Socket socket, boolean client) throws IOException {
    this.socket = socket;
    this.client = client;
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port} as a client. */
  public static RawSocket connect(int port) {
    return connect(port, 0);
  }

  /**
   * Connects to 127.0.0.1:{@code port} as a client; a positive {@code receiveBufferBytes} is set before
   * connecting, so the peer's writes back up soon when this side stops reading.
   */
  public static RawSocket connect(int port, int receiveBufferBytes) {
    Socket s = new Socket();
    try {
      if (receiveBufferBytes > 0) {
        s.setReceiveBufferSize(receiveBufferBytes);
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      return new RawSocket(s, true);
    } catch (IOException e) {
      closeQuietly(s);
      throw new UncheckedIOException("raw connect to 127.0.0.1:" + port + " failed", e);
    }
  }

  /** Wraps an accepted socket (server role: frames go out unmasked). */
  public static RawSocket accepted(Socket s) {
    try {
      return new RawSocket(s, false);
    } catch (IOException e) {
      closeQuietly(s);
      throw new UncheckedIOException(e);
    }
  }

  public Socket socket() {
    return socket;
  }

  /** Changes the read timeout. */
  public RawSocket timeout(Duration d) {
    try {
      socket.setSoTimeout((int) d.toMillis());
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  // ---- bytes ----

  public RawSocket write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("raw write failed", e);
    }
    return this;
  }

  /** Writes {@code s} as ISO-8859-1 bytes. */
  public RawSocket write(String s) {
    return write(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads up to {@code max} bytes; returns an empty array at end of stream. */
  public byte[] readSome(int max) {
    byte[] buf = new byte[max];
    try {
      int n = in.read(buf);
      if (n < 0) {
        return new byte[0];
      }
      byte[] outBytes = new byte[n];
      System.arraycopy(buf, 0, outBytes, 0, n);
      return outBytes;
    } catch (IOException e) {
      throw new UncheckedIOException("raw read failed", e);
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("peer closed the connection");
    }
    return b;
  }

  private byte[] readExactly(int n) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new EOFException("peer closed the connection after " + off + " of " + n + " bytes");
      }
      off += r;
    }
    return b;
  }

  /**
   * Reads and discards until the peer closes (end of stream or reset), within the read timeout.
   * Returns {@code true} for an orderly end of stream, {@code false} for a reset.
   *
   * @throws AssertionError if the connection is still open when the timeout runs out
   */
  public boolean awaitEof() {
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // drain
      }
      return true;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the peer did not close the connection within the read timeout", e);
    } catch (IOException e) {
      return false; // reset
    }
  }

  /** Reads and discards everything until end of stream, counting bytes (for a reader that resumes). */
  public long drainUntilEof() {
    byte[] buf = new byte[64 * 1024];
    long n = 0;
    try {
      int r;
      while ((r = in.read(buf)) >= 0) {
        n += r;
      }
    } catch (IOException e) {
      // reset or closed by us: done
    }
    return n;
  }

  // ---- HTTP ----

  /** A response or request head: the start line and the header fields in order. */
  public record Head(String startLine, List<String[]> fields) {

    /** The status code of a response head. */
    public int status() {
      String[] parts = startLine.split(" ", 3);
      return Integer.parseInt(parts[1]);
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
      for (String[] f : fields) {
        if (f[0].equalsIgnoreCase(name)) {
          return f[1];
        }
      }
      return null;
    }
  }

  /** A response: its head and the body (by Content-Length, or until end of stream if absent). */
  public record Response(Head head, byte[] body) {

    public int status() {
      return head.status();
    }

    public String header(String name) {
      return head.header(name);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Reads a head up to its blank line. */
  public Head readHead() {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int state = 0; // how much of CR LF CR LF has been seen
      while (state < 4) {
        int c = readByte();
        b.write(c);
        if (c == '\r') {
          state = state == 2 ? 3 : 1;
        } else if (c == '\n' && (state == 1 || state == 3)) {
          state++;
        } else {
          state = 0;
        }
        if (b.size() > 64 * 1024) {
          throw new IOException("head longer than 64 KiB");
        }
      }
      String[] lines = b.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      List<String[]> fields = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          fields.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
        }
      }
      return new Head(lines[0], fields);
    } catch (IOException e) {
      throw new UncheckedIOException("reading an HTTP head failed", e);
    }
  }

  /** Reads a whole response (head and body). */
  public Response readResponse() {
    return readResponse("GET");
  }

  /**
   * Reads a whole response to a request with {@code method}: no body after HEAD, 1xx, 204 or 304; a
   * chunked body decoded (trailers dropped); else Content-Length bytes, or everything until end of stream.
   */
  public Response readResponse(String method) {
    Head h = readHead();
    String len = h.header("Content-Length");
    try {
      if (method.equals("HEAD") || h.status() < 200 || h.status() == 204 || h.status() == 304) {
        return new Response(h, new byte[0]);
      }
      String te = h.header("Transfer-Encoding");
      if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
        return new Response(h, readChunkedBody());
      }
      if (len != null) {
        return new Response(h, readExactly(Integer.parseInt(len)));
      }
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return new Response(h, b.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("reading an HTTP body failed", e);
    }
  }

  /** Reads one CRLF-terminated line (without the CRLF), at most 64 KiB. */
  public String readLine() {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int prev = -1;
      while (true) {
        int c = readByte();
        if (c == '\n' && prev == '\r') {
          byte[] line = b.toByteArray();
          return new String(line, 0, line.length - 1, StandardCharsets.ISO_8859_1);
        }
        b.write(c);
        prev = c;
        if (b.size() > 64 * 1024) {
          throw new IOException("line longer than 64 KiB");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading a line failed", e);
    }
  }

  /** Reads a chunked body after its head, up to and including the trailer section (trailers dropped). */
  public byte[] readChunkedBody() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      while (true) {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          while (!readLine().isEmpty()) {
            // trailer fields
          }
          return body.toByteArray();
        }
        body.write(readExactly(size));
        if (readByte() != '\r' || readByte() != '\n') {
          throw new IOException("chunk data not followed by CRLF");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading a chunked body failed", e);
    }
  }

  /** A request as a raw server reads it: head and body (by Content-Length or chunked). */
  public record Request(Head head, byte[] body) {

    public String method() {
      return head.startLine().split(" ", 3)[0];
    }

    public String target() {
      return head.startLine().split(" ", 3)[1];
    }

    public String header(String name) {
      return head.header(name);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Reads one request (head and body). */
  public Request readRequest() {
    Head h = readHead();
    String te = h.header("Transfer-Encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      return new Request(h, readChunkedBody());
    }
    String len = h.header("Content-Length");
    try {
      return new Request(h, len == null ? new byte[0] : readExactly(Integer.parseInt(len)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a request body failed", e);
    }
  }

  /** Reads exactly {@code n} bytes. */
  public byte[] readBytes(int n) {
    try {
      return readExactly(n);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + n + " bytes failed", e);
    }
  }

  /** The key this client sent in its last {@link #upgrade} request. */
  public String key() {
    return key;
  }

  /** The {@code Sec-WebSocket-Accept} value for {@code key} (RFC 6455 4.2.2). */
  public static String acceptFor(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends an upgrade request for {@code target} with a fresh key, the usual headers and {@code extraLines}
   * (each a whole header line without CRLF), and reads the response head.
   */
  public Head upgrade(String target, String... extraLines) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    key = Base64.getEncoder().encodeToString(nonce);
    StringBuilder sb = new StringBuilder();
    sb.append("GET ").append(target).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n")
        .append("Upgrade: websocket\r\n")
        .append("Connection: Upgrade\r\n")
        .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
        .append("Sec-WebSocket-Version: 13\r\n");
    for (String l : extraLines) {
      sb.append(l).append("\r\n");
    }
    sb.append("\r\n");
    write(sb.toString());
    return readHead();
  }

  /**
   * Like {@link #upgrade} but fails unless the server answered 101 with the right accept key.
   */
  public Head upgradeOk(String target, String... extraLines) {
    Head h = upgrade(target, extraLines);
    if (h.status() != 101 || !acceptFor(key).equals(h.header("Sec-WebSocket-Accept"))) {
      throw new AssertionError("expected 101 with a valid accept key, got " + h.startLine() + " " + h.fields()
          .stream().map(f -> f[0] + ": " + f[1]).toList());
    }
    return h;
  }

  /**
   * Server role: reads an upgrade request and answers {@code 101} with {@code accept} as the
   * {@code Sec-WebSocket-Accept} value ({@code null} for the correct one).
   */
  public Head acceptUpgrade(String accept, String... extraLines) {
    Head req = readHead();
    String k = req.header("Sec-WebSocket-Key");
    StringBuilder sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: ").append(accept != null ? accept : acceptFor(k))
        .append("\r\n");
    for (String l : extraLines) {
      sb.append(l).append("\r\n");
    }
    write(sb.append("\r\n").toString());
    return req;
  }

  // ---- frames ----

  /** One frame as read: opcode, FIN, and the unmasked payload. */
  public record Frame(int opcode, boolean fin, byte[] payload) {

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame, or 1005 if it has none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }

    public String closeReason() {
      return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }

    @Override
    public String toString() {
      return "Frame[op=" + opcode + (fin ? " fin" : "") + " " + payload.length + " bytes]";
    }
  }

  /** Sends one frame, masked in the client role. */
  public RawSocket sendFrame(int opcode, boolean fin, byte[] payload) {
    return write(encode(opcode, fin, payload, client));
  }

  /** Encodes a frame (masked with a random key if {@code mask}). */
  public static byte[] encode(int opcode, boolean fin, byte[] payload, boolean mask) {
    int n = payload.length;
    ByteBuffer b = ByteBuffer.allocate(14 + n);
    b.put((byte) ((fin ? 0x80 : 0) | opcode));
    int m = mask ? 0x80 : 0;
    if (n < 126) {
      b.put((byte) (m | n));
    } else if (n < 65536) {
      b.put((byte) (m | 126)).putShort((short) n);
    } else {
      b.put((byte) (m | 127)).putLong(n);
    }
    if (mask) {
      byte[] k = new byte[4];
      RANDOM.nextBytes(k);
      b.put(k);
      for (int i = 0; i < n; i++) {
        b.put((byte) (payload[i] ^ k[i & 3]));
      }
    } else {
      b.put(payload);
    }
    byte[] outBytes = new byte[b.position()];
    b.flip().get(outBytes);
    return outBytes;
  }

  public RawSocket sendText(String text) {
    return sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  public RawSocket sendPing(byte[] payload) {
    return sendFrame(PING, true, payload);
  }

  public RawSocket sendClose(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r);
    return sendFrame(CLOSE, true, b.array());
  }

  /** Reads one frame (unmasking it if the peer masked it). */
  public Frame readFrame() {
    try {
      int b0 = readByte();
      int b1 = readByte();
      long len = b1 & 0x7F;
      if (len == 126) {
        len = ((readByte() << 8) | readByte());
      } else if (len == 127) {
        len = ByteBuffer.wrap(readExactly(8)).getLong();
      }
      if (len > Integer.MAX_VALUE - 8) {
        throw new IOException("frame of " + len + " bytes is too big for a raw test peer");
      }
      byte[] k = (b1 & 0x80) != 0 ? readExactly(4) : null;
      byte[] p = readExactly((int) len);
      if (k != null) {
        for (int i = 0; i < p.length; i++) {
          p[i] ^= k[i & 3];
        }
      }
      return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, p);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a frame failed", e);
    }
  }

  /** Reads frames until one with {@code opcode} arrives, skipping others; returns it. */
  public Frame readFrame(int opcode) {
    for (int i = 0; i < 100_000; i++) {
      Frame f = readFrame();
      if (f.opcode() == opcode) {
        return f;
      }
    }
    throw new AssertionError("no frame with opcode " + opcode + " among 100000 frames");
  }

  // ---- ending ----

  /** Closes abortively: {@code SO_LINGER} 0, so the peer sees a TCP reset. */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(socket);
  }

  /** Sends FIN on our side, keeps reading possible. */
  public void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    closeQuietly(socket);
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "RawSocket[" + (client ? "client" : "server") + " " + socket.getLocalPort() + "->" + socket.getPort()
        + "]";
  }
}
