package io.loopwire.protocol.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The handshake's own SHA-1 and key check agree with the JDK's MessageDigest and Base64 for any input:
 * every length around the SHA-1 block and padding boundaries, and chars outside ISO-8859-1.
 */
class WsHandshakeDigestTest {

  @Test
  void rfcExample() {
    assertThat(WsHandshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Property(tries = 300)
  void acceptKeyIsBase64OfSha1(@ForAll("keys") String key) throws Exception {
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    sha1.update(key.getBytes(StandardCharsets.ISO_8859_1));
    String expected = Base64.getEncoder().encodeToString(sha1.digest(WsHandshake.GUID.getBytes(StandardCharsets.US_ASCII)));
    assertThat(WsHandshake.acceptKey(key)).isEqualTo(expected);
  }

  @Property(tries = 300)
  void isValidKeyMatchesADecodeAndReencode(@ForAll("keyLike") String key) {
    assertThat(WsHandshake.isValidKey(key)).isEqualTo(reference(key));
  }

  @Property(tries = 100)
  void everyEncodedNonceIsValid(@ForAll @IntRange(min = 0, max = 255) int last, @ForAll("nonces") byte[] nonce) {
    nonce[15] = (byte) last; // the last byte decides the 22nd char
    assertThat(WsHandshake.isValidKey(Base64.getEncoder().encodeToString(nonce))).isTrue();
  }

  @Provide
  Arbitrary<String> keys() {
    // 0..200 chars spans one to four SHA-1 blocks with the GUID, across every padding boundary
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200),
        Arbitraries.strings().withCharRange('\u0000', '\u024f').ofMaxLength(40));
  }

  @Provide
  Arbitrary<String> keyLike() {
    Arbitrary<String> base64ish = Arbitraries.strings()
        .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ .")
        .ofMinLength(22).ofMaxLength(22).map(s -> s + "==");
    Arbitrary<String> lastCharVaries = Arbitraries.strings()
        .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        .ofLength(22).map(s -> s + "==");
    return Arbitraries.oneOf(base64ish, lastCharVaries, Arbitraries.strings().ofMaxLength(30));
  }

  @Provide
  Arbitrary<byte[]> nonces() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16);
  }

  /** The former implementation: decode, then re-encode to catch stray padding bits. */
  private static boolean reference(String key) {
    if (key == null || key.length() != 24 || !key.endsWith("==")) {
      return false;
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return raw.length == 16 && Base64.getEncoder().encodeToString(raw).equals(key);
  }
}
