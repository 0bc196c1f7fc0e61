package io.loopwire.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.loopwire.cli.DemoServer;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page of {@code loopwire serve} in a real browser (headless Chromium, two tabs, fresh
 * profile): echo text and binary, the counter advancing and resetting, a stroke drawn in one tab
 * appearing in the other, status numbers moving. Console errors, page errors, failed or foreign
 * requests, HTTP errors and WebSocket closes other than 1000/1001 fail it; the checks themselves are
 * in {@code interop/node/demo-check.js}. Screenshots land in {@code cli/target/browser/}. The wss run
 * trusts the test CA through the browser profile's NSS database.
 */
final class DemoPageBrowserTest {

  @BeforeEach
  void peers() {
    DemoCheck.requirePeers();
  }

  @Test
  void everyCardWorksInTwoTabs() throws Exception {
    try (DemoServer server = DemoServer.start()) {
      assertPasses(DemoCheck.run(server.url(), "demo"));
    }
  }

  @Test
  void everyCardWorksInTwoTabsInTheDarkScheme() throws Exception {
    try (DemoServer server = DemoServer.start()) {
      assertPasses(DemoCheck.run(server.url(), "demo-dark", "--dark"));
    }
  }

  /**
   * The same check over https and wss, as {@code loopwire serve --tls} serves it: the CA that signed the
   * server's certificate is put into the fresh profile's NSS database (certutil), so Chromium trusts it
   * the way a user who imported it would; any certificate error would fail the page load.
   */
  @Test
  void everyCardWorksOverWssWithTheTestCertificateTrusted(@TempDir Path dir) throws Exception {
    DemoCheck.requireCertutil();
    try (DemoServer server = DemoServer.startTls(dir)) {
      assertThat(server.url()).startsWith("https://");
      assertPasses(DemoCheck.run(server.url(), "demo-wss", "--trust-cert", server.caFile().toString()));
    }
  }

  static void assertPasses(DemoCheck.Result result) {
    if (!result.ok()) {
      fail(result.transcript());
    }
    assertThat(result.lines()).as(result.transcript()).contains("RESULT OK");
    assertThat(result.screenshot()).as("screenshot").exists();
    assertThat(result.screenshot().toFile().length()).as("screenshot size").isGreaterThan(10_000);
    assertThat(Files.exists(result.log())).isTrue();
  }
}
