package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.uri.UriSyntaxException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpClientConfigTest {

  @Test
  void defaultsArePinned() {
    HttpClientConfig d = HttpClientConfig.defaults();
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.responseHeaderTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.totalTimeout()).isEqualTo(Duration.ZERO);
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.maxConnectionsPerOrigin()).isEqualTo(6);
    assertThat(d.maxQueuedPerOrigin()).isEqualTo(256);
    assertThat(d.maxRedirects()).as("redirects are off by default").isZero();
    assertThat(d.maxResponseBodyBytes()).isEqualTo(16 << 20);
    assertThat(d.proxy()).isNull();
    assertThat(d.tls()).as("https verified against the JDK's CAs").isEqualTo(TlsClientConfig.defaults());
  }

  @Test
  void badValuesAreConfigErrors() {
    HttpClientConfig d = HttpClientConfig.defaults();
    assertThatThrownBy(() -> d.withMaxConnectionsPerOrigin(0)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> d.withMaxRedirects(-1)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> d.withConnectTimeout(Duration.ofSeconds(-1))).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> d.withMaxResponseBodyBytes(Integer.MAX_VALUE)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> HttpProxy.of("", 8080)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> HttpProxy.of("p", 0)).isInstanceOf(ConfigException.class);
  }

  @Test
  void requestsAreCheckedWhenBuilt() {
    assertThatThrownBy(() -> HttpClientRequest.get("http://h/a b")).isInstanceOf(UriSyntaxException.class);
    assertThatThrownBy(() -> HttpClientRequest.get("wss://h/")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("Loopwire.connect");
    assertThatThrownBy(() -> HttpClientRequest.of("GE T", "http://h/")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> HttpClientRequest.get("http://h/").withHeader("Transfer-Encoding", "chunked"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> HttpClientRequest.get("http://h/").withHeader("X", "a\r\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    HttpClientRequest r = HttpClientRequest.of("PATCH", "http://h:8080/p?q#frag").withHeader("A", "1")
        .withChunkedBody(List.of(ByteBuffer.allocate(3)));
    assertThat(r.uri().requestTarget()).isEqualTo("/p?q");
    assertThat(r.headers().get("A")).isEqualTo("1");
    assertThat(r.chunked()).isTrue();
    assertThat(r.retryable()).isNull();
    assertThat(r.withRetryable(true).retryable()).isTrue();
  }
}
