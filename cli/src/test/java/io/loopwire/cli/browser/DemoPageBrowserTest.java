package io.loopwire.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.loopwire.cli.DemoServer;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The demo page of {@code loopwire serve} in a real browser (headless Chromium, two tabs, fresh
 * profile): echo text and binary, the counter advancing and resetting, a stroke drawn in one tab
 * appearing in the other, status numbers moving. Console errors, page errors, failed or foreign
 * requests, HTTP errors and WebSocket closes other than 1000/1001 fail it; the checks themselves are
 * in {@code interop/node/demo-check.js}. Screenshots land in {@code cli/target/browser/}.
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
   * NOT YET ENABLED: the same check over wss. Needs {@code loopwire serve --tls} and its test
   * certificate (the TLS issue); demo-check.js's {@code --trust-cert} (likewise not enabled yet) is
   * where the fresh profile will be made to trust it.
   */
  @Test
  @Disabled("wss needs `loopwire serve --tls` and a test certificate (the TLS issue)")
  void everyCardWorksOverWssWithTheTestCertificateTrusted() {
    fail("enable with the TLS issue: start DemoServer with TLS, then"
        + " DemoCheck.run(\"https://127.0.0.1:PORT/\", \"demo-wss\", \"--trust-cert\", PEM) and assertPasses");
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
