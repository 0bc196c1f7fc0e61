package io.loopwire.protocol.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
    sha1.update(clientKey.getBytes(StandardCharsets.ISO_8859_1));
    byte[] digest = sha1.digest(GUID.getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encodeToString(digest);
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
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      return false;
    }
    // Re-encoding catches non-zero padding bits, which a lenient decoder ignores.
    return raw.length == KEY_BYTES && Base64.getEncoder().encodeToString(raw).equals(key);
  }
}
