package io.loopwire.protocol.ws;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Shared pieces of the WebSocket opening handshake (RFC 6455 section 4): header names, the key and its
 * accept value. The two sides are {@link WsServerHandshake} and {@link WsClientHandshake}.
 */
public final class WsHandshake {

  /** The GUID the accept value is derived with (RFC 6455 section 1.3). */
  public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** The only protocol version spoken, as sent in {@value #SEC_WEBSOCKET_VERSION}. */
  public static final String VERSION = "13";

  public static final String SEC_WEBSOCKET_KEY = "Sec-WebSocket-Key";
  public static final String SEC_WEBSOCKET_ACCEPT = "Sec-WebSocket-Accept";
  public static final String SEC_WEBSOCKET_VERSION = "Sec-WebSocket-Version";
  public static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
  public static final String SEC_WEBSOCKET_EXTENSIONS = "Sec-WebSocket-Extensions";

  /** Bytes of nonce in a key (RFC 6455 4.1: "a randomly selected 16-byte value"). */
  static final int KEY_BYTES = 16;

  private WsHandshake() {}

  /**
   * The {@code Sec-WebSocket-Accept} value for {@code clientKey}: base64 of the SHA-1 of the key (as sent,
   * without surrounding whitespace) followed by {@link #GUID}. For the RFC's example key
   * {@code dGhlIHNhbXBsZSBub25jZQ==} it is {@code s3pPLMBiTxaQ9kYGzzhZRbK+xOo=}.
   */
  public static String acceptKey(String clientKey) {
    Objects.requireNonNull(clientKey, "clientKey");
    // SHA-1 (FIPS 180-4 6.1) over the chars as ISO-8859-1 bytes, computed here rather than through
    // MessageDigest: a server does this once per connection, and the provider lookup and digest state
    // were most of the handshake's garbage. WsHandshakeTest checks it against MessageDigest.
    int keyLength = clientKey.length();
    long length = keyLength + GUID.length();
    int blocks = (int) ((length + 8) / 64 + 1);
    int[] w = new int[16];
    int h0 = 0x67452301;
    int h1 = 0xEFCDAB89;
    int h2 = 0x98BADCFE;
    int h3 = 0x10325476;
    int h4 = 0xC3D2E1F0;
    for (int block = 0; block < blocks; block++) {
      for (int i = 0; i < 64; i++) {
        long at = (long) block * 64 + i;
        int b;
        if (at < keyLength) {
          char c = clientKey.charAt((int) at);
          b = c <= 0xFF ? c : '?'; // what String.getBytes(ISO_8859_1) does with an unmappable char
        } else if (at < length) {
          b = GUID.charAt((int) (at - keyLength));
        } else if (at == length) {
          b = 0x80;
        } else if (block == blocks - 1 && i >= 56) {
          b = (int) ((length * 8) >>> (8 * (63 - i))) & 0xFF;
        } else {
          b = 0;
        }
        w[i >> 2] = (w[i >> 2] << 8) | b;
      }
      int a = h0;
      int b = h1;
      int c = h2;
      int d = h3;
      int e = h4;
      for (int t = 0; t < 80; t++) {
        int wt;
        if (t < 16) {
          wt = w[t];
        } else {
          int x = w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15];
          wt = Integer.rotateLeft(x, 1);
          w[t & 15] = wt;
        }
        int f;
        int k;
        if (t < 20) {
          f = (b & c) | (~b & d);
          k = 0x5A827999;
        } else if (t < 40) {
          f = b ^ c ^ d;
          k = 0x6ED9EBA1;
        } else if (t < 60) {
          f = (b & c) | (b & d) | (c & d);
          k = 0x8F1BBCDC;
        } else {
          f = b ^ c ^ d;
          k = 0xCA62C1D6;
        }
        int temp = Integer.rotateLeft(a, 5) + f + e + k + wt;
        e = d;
        d = c;
        c = Integer.rotateLeft(b, 30);
        b = a;
        a = temp;
      }
      h0 += a;
      h1 += b;
      h2 += c;
      h3 += d;
      h4 += e;
    }
    return base64Of(h0, h1, h2, h3, h4);
  }

  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

  /** Standard base64 of the 20 bytes of the five big-endian words: 28 chars ending in one '='. */
  private static String base64Of(int h0, int h1, int h2, int h3, int h4) {
    int[] h = {h0, h1, h2, h3, h4};
    byte[] out = new byte[28];
    int o = 0;
    for (int i = 0; i < 20; i += 3) {
      int n = 0;
      for (int j = 0; j < 3; j++) {
        int idx = i + j;
        n = (n << 8) | (idx < 20 ? (h[idx >> 2] >>> (8 * (3 - (idx & 3)))) & 0xFF : 0);
      }
      out[o++] = BASE64[(n >>> 18) & 63];
      out[o++] = BASE64[(n >>> 12) & 63];
      out[o++] = i + 1 < 20 ? BASE64[(n >>> 6) & 63] : (byte) '=';
      out[o++] = i + 2 < 20 ? BASE64[n & 63] : (byte) '=';
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** A fresh {@code Sec-WebSocket-Key}: 16 bytes from {@code random}, base64-encoded (24 chars). */
  public static String newClientKey(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] nonce = new byte[KEY_BYTES];
    random.nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  /**
   * Whether {@code key} is the canonical base64 of exactly 16 bytes: 24 chars of the standard alphabet
   * ending in {@code ==}, with no stray bits in the last char.
   */
  public static boolean isValidKey(String key) {
    if (key == null || key.length() != 24 || !key.endsWith("==")) {
      return false;
    }
    for (int i = 0; i < 21; i++) {
      char c = key.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
        return false;
      }
    }
    // 16 bytes use 4 bits of the 22nd char; the other 2 must be zero: only 'A', 'Q', 'g' and 'w' qualify
    char last = key.charAt(21);
    return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
  }
}
