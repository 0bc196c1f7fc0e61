package io.loopwire.protocol.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Http1Request / Http1Response: validation and the connection helpers. */
class Http1MessageTest {

  static Http1Request request(Http1Version v, String... fields) {
    return new Http1Request("GET", "/", v, Http1Fields.of(fields));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "HTTP/1.1 |                          | true",
      "HTTP/1.1 | close                    | false",
      "HTTP/1.1 | Keep-Alive, CLOSE        | false",
      "HTTP/1.1 | keep-alive               | true",
      "HTTP/1.0 |                          | false",
      "HTTP/1.0 | keep-alive               | true",
      "HTTP/1.0 | Keep-Alive               | true",
      "HTTP/1.0 | keep-alive, close        | false",
      "HTTP/1.0 | upgrade                  | false",
  })
  void keepAlive(String version, String connection, boolean expected) {
    Http1Version v = Http1Version.of(version);
    Http1Request r = connection == null ? request(v) : request(v, "Connection", connection);
    assertThat(r.keepAlive()).isEqualTo(expected);
    Http1Response resp = new Http1Response(200, "OK", v, r.headers());
    assertThat(resp.keepAlive()).isEqualTo(expected);
  }

  @Test
  void keepAliveReadsEveryConnectionLine() {
    assertThat(request(Http1Version.HTTP_1_1, "Connection", "foo", "Connection", "close").keepAlive()).isFalse();
  }

  @Test
  void expectsContinue() {
    assertThat(request(Http1Version.HTTP_1_1, "Expect", "100-continue").expectsContinue()).isTrue();
    assertThat(request(Http1Version.HTTP_1_1, "Expect", "100-Continue").expectsContinue()).isTrue();
    assertThat(request(Http1Version.HTTP_1_1).expectsContinue()).isFalse();
    assertThat(request(Http1Version.HTTP_1_1, "Expect", "something-else").expectsContinue()).isFalse();
    // RFC 9110 10.1.1: ignored in HTTP/1.0
    assertThat(request(Http1Version.HTTP_1_0, "Expect", "100-continue").expectsContinue()).isFalse();
  }

  @Test
  void isUpgrade() {
    assertThat(request(Http1Version.HTTP_1_1, "Connection", "Upgrade", "Upgrade", "websocket").isUpgrade()).isTrue();
    assertThat(request(Http1Version.HTTP_1_1, "Connection", "keep-alive, upgrade", "Upgrade", "h2c").isUpgrade())
        .isTrue();
    assertThat(request(Http1Version.HTTP_1_1, "Upgrade", "websocket").isUpgrade()).isFalse();
    assertThat(request(Http1Version.HTTP_1_1, "Connection", "upgrade").isUpgrade()).isFalse();
    assertThat(request(Http1Version.HTTP_1_1, "Connection", "upgrade", "Upgrade", " ").isUpgrade()).isFalse();
    assertThat(request(Http1Version.HTTP_1_0, "Connection", "upgrade", "Upgrade", "websocket").isUpgrade()).isFalse();
  }

  @Test
  void requestValidation() {
    assertThatThrownBy(() -> Http1Request.of("GE T", "/", Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid HTTP method 'GE T'");
    assertThatThrownBy(() -> Http1Request.of("GET", "/a b", Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x20 at index 2");
    assertThatThrownBy(() -> Http1Request.of("GET", "/a\r\nX: y", Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x0d");
    assertThatThrownBy(() -> Http1Request.of("GET", "", Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty request target");
    assertThatThrownBy(() -> Http1Request.of("GET", "*", Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only allowed with OPTIONS");
    assertThatThrownBy(() -> Http1Request.of("CONNECT", "/", Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authority-form");
    assertThatThrownBy(() -> new Http1Request("GET", "/", null, Http1Fields.empty()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("version");
    assertThat(Http1Request.of("PROPFIND", "/dav", Http1Fields.empty()).method()).isEqualTo("PROPFIND");
    assertThat(Http1Request.of("OPTIONS", "*", Http1Fields.empty()).target()).isEqualTo("*");
    assertThat(Http1Request.of("CONNECT", "[::1]:443", Http1Fields.empty()).isConnect()).isTrue();
  }

  @Test
  void responseValidation() {
    assertThatThrownBy(() -> Http1Response.of(99, Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99 is outside 100-599");
    assertThatThrownBy(() -> Http1Response.of(600, Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Http1Response(200, "OK\r\nSet-Cookie: x", Http1Version.HTTP_1_1, Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x0d at index 2 of reason phrase");
    assertThatThrownBy(() -> new Http1Response(200, "\u0100", Http1Version.HTTP_1_1, Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Http1Response(200, null, Http1Version.HTTP_1_1, Http1Fields.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use \"\"");
    assertThat(Http1Response.of(404, Http1Fields.empty()).reason()).isEqualTo("Not Found");
    assertThat(Http1Response.of(299, Http1Fields.empty()).reason()).isEmpty();
    assertThat(Http1Response.of(101, Http1Fields.empty()).isSwitchingProtocols()).isTrue();
    assertThat(Http1Response.of(101, Http1Fields.empty()).isInformational()).isTrue();
    assertThat(Http1Response.of(200, Http1Fields.empty()).isInformational()).isFalse();
  }

  @Test
  void versionText() {
    assertThat(Http1Version.HTTP_1_1.text()).isEqualTo("HTTP/1.1");
    assertThat(Http1Version.of("HTTP/1.0")).isEqualTo(Http1Version.HTTP_1_0);
    assertThat(Http1Version.of("http/1.1")).isNull();
    assertThat(Http1Version.of("HTTP/2")).isNull();
  }
}
