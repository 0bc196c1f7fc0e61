package io.loopwire.protocol.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Pins the documented defaults; withers change exactly one field; nonsense is refused. */
class Http1LimitsTest {

  @Test
  void defaultsArePinned() {
    Http1Limits d = Http1Limits.defaults();
    assertThat(d.maxRequestLineBytes()).isEqualTo(8192);
    assertThat(d.maxHeaderBytes()).isEqualTo(32768);
    assertThat(d.maxHeaderCount()).isEqualTo(100);
    assertThat(d.maxBodyBytes()).isEqualTo(1048576);
    assertThat(d.maxChunkExtBytes()).isEqualTo(1024);
    assertThat(new Http1RequestParser().limits()).isEqualTo(d);
    assertThat(new Http1ResponseParser().limits()).isEqualTo(d);
  }

  @Test
  void withersChangeOneField() {
    Http1Limits d = Http1Limits.defaults();
    assertThat(d.withMaxRequestLineBytes(100))
        .isEqualTo(new Http1Limits(100, 32768, 100, 1048576, 1024));
    assertThat(d.withMaxHeaderBytes(100)).isEqualTo(new Http1Limits(8192, 100, 100, 1048576, 1024));
    assertThat(d.withMaxHeaderCount(7)).isEqualTo(new Http1Limits(8192, 32768, 7, 1048576, 1024));
    assertThat(d.withMaxBodyBytes(Long.MAX_VALUE)).isEqualTo(new Http1Limits(8192, 32768, 100, Long.MAX_VALUE, 1024));
    assertThat(d.withMaxChunkExtBytes(0)).isEqualTo(new Http1Limits(8192, 32768, 100, 1048576, 0));
    assertThat(Http1Limits.defaults()).isEqualTo(d);
  }

  @Test
  void nonsenseIsRefused() {
    Http1Limits d = Http1Limits.defaults();
    assertThatThrownBy(() -> d.withMaxRequestLineBytes(15)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRequestLineBytes 15");
    assertThatThrownBy(() -> d.withMaxHeaderBytes(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxHeaderCount(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxBodyBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxChunkExtBytes(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
