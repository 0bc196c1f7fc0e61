package io.loopwire.protocol.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WsHandshakeTest {

  static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  /** A SecureRandom that always yields {@code bytes}: the RFC's nonce "the sample nonce". */
  @SuppressWarnings("serial")
  static SecureRandom fixedRandom(byte[] bytes) {
    return new SecureRandom() {
      @Override
      public void nextBytes(byte[] out) {
        System.arraycopy(bytes, 0, out, 0, out.length);
      }
    };
  }

  static SecureRandom rfcNonce() {
    return fixedRandom("the sample nonce".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void acceptKeyMatchesRfc6455Example() {
    assertThat(WsHandshake.acceptKey(RFC_KEY)).isEqualTo(RFC_ACCEPT);
  }

  @Test
  void newClientKeyIsBase64OfSixteenRandomBytes() {
    assertThat(WsHandshake.newClientKey(rfcNonce())).isEqualTo(RFC_KEY);
    SecureRandom random = new SecureRandom();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      String k = WsHandshake.newClientKey(random);
      assertThat(Base64.getDecoder().decode(k)).hasSize(16);
      assertThat(WsHandshake.isValidKey(k)).isTrue();
      keys.add(k);
    }
    assertThat(keys).hasSizeGreaterThan(1);
  }

  @Test
  void isValidKeyAcceptsOnlyCanonicalBase64OfSixteenBytes() {
    assertThat(WsHandshake.isValidKey(RFC_KEY)).isTrue();
    assertThat(WsHandshake.isValidKey(null)).isFalse();
    assertThat(WsHandshake.isValidKey("")).isFalse();
    assertThat(WsHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ")).as("unpadded").isFalse();
    assertThat(WsHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZR==")).as("stray bits").isFalse();
    assertThat(WsHandshake.isValidKey("dGhlIHNhbXBsZSBub25j!Q==")).as("bad char").isFalse();
    assertThat(WsHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZWU=")).as("17 bytes").isFalse();
    assertThat(WsHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ==dGhl")).as("too long").isFalse();
    assertThat(WsHandshake.isValidKey("AAAAAAAAAAAAAAAAAAAAAA==")).isTrue();
  }
}
