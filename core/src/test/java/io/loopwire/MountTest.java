package io.loopwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.protocol.http1.Http1Fields;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MountTest {

  private static final HttpExchangeHandler NOOP = ex -> ex.respond(204, "");

  @Test
  void prefixesAreNormalizedAndMatchWholeSegments() {
    Mount m = Mount.handler("/api/", NOOP);
    assertThat(m.prefix()).isEqualTo("/api");
    assertThat(m.matches("/api")).isTrue();
    assertThat(m.matches("/api/x")).isTrue();
    assertThat(m.matches("/apix")).isFalse();
    assertThat(m.matches("/ap")).isFalse();
    assertThat(Mount.handler("/", NOOP).matches("/anything/at/all")).isTrue();
    assertThat(Mount.handler("///", NOOP).prefix()).isEqualTo("/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "api", "/a b", "/a?b", "/a#b", "/a%20b", "/a/../b", "/./a", "/a\\b", "/caf\u00e9"})
  void badPrefixesAreConfigErrors(String prefix) {
    assertThatThrownBy(() -> Mount.handler(prefix, NOOP)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("prefix");
  }

  @Test
  void redirectsNeedARedirectStatusAndAValidLocation() {
    assertThat(Mount.redirect("/a", "/b", 308).status()).isEqualTo(308);
    assertThatThrownBy(() -> Mount.redirect("/a", "/b", 200)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("301, 302, 303, 307 or 308");
    assertThatThrownBy(() -> Mount.redirect("/a", "/b\r\nX: y", 302)).isInstanceOf(ConfigException.class);
  }

  @Test
  void indexAndHeadersAreChecked() {
    Mount m = Mount.directory("/", Path.of(".")).withIndex("default.htm")
        .withHeaders(Http1Fields.of("Cache-Control", "max-age=60"));
    assertThat(m.index()).isEqualTo("default.htm");
    assertThat(m.headers().get("Cache-Control")).isEqualTo("max-age=60");
    assertThat(Mount.directory("/", Path.of(".")).index()).isEqualTo(Mount.DEFAULT_INDEX);
    assertThat(Mount.directory("/", Path.of(".")).withIndex(null).index()).isNull();
    assertThatThrownBy(() -> Mount.directory("/", Path.of(".")).withIndex("../x")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> Mount.directory("/", Path.of(".")).withHeaders(Http1Fields.of("Content-Length", "1")))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void classpathBasesGetATrailingSlashAndNoLeadingOne() {
    assertThat(Mount.classpath("/", "/com/example/site").resourceBase()).isEqualTo("com/example/site/");
    assertThat(Mount.classpath("/", "").resourceBase()).isEmpty();
  }

  @Test
  void aVhostRefusesTwoMountsAtOnePrefix() {
    VhostConfig v = VhostConfig.of("v", 0).withMount(Mount.handler("/a", NOOP));
    assertThatThrownBy(() -> v.withMount(Mount.handler("/a/", NOOP))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("two mounts at '/a'");
  }

  @Test
  void serverDefaultsArePinned() {
    HttpServerConfig d = HttpServerConfig.defaults();
    assertThat(d.headerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.lingerTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.limits().maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(d.sendHighWatermark()).isEqualTo(256 * 1024);
    assertThat(d.sendLowWatermark()).isEqualTo(64 * 1024);
    assertThat(d.maxSendQueueBytes()).isEqualTo(16 << 20);
    assertThat(VhostConfig.of("v", 0).httpServer()).isEqualTo(d);
    assertThat(d.withMaxBodyBytes(5).limits().maxBodyBytes()).isEqualTo(5);
    assertThatThrownBy(() -> d.withSendWatermarks(10, 5)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> d.withHeaderTimeout(Duration.ofSeconds(-1))).isInstanceOf(ConfigException.class);
  }
}
