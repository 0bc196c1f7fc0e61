package io.loopwire.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.CloseStatus;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import io.loopwire.WsProtocol;
import io.loopwire.cli.DemoServer;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser check is not a rubber stamp: against a server with one thing deliberately broken it
 * fails, fast, and says what broke. Each run still leaves a screenshot (taken at the failure).
 */
final class DemoPageCheckFailsTest {

  @BeforeEach
  void peers() {
    DemoCheck.requirePeers();
  }

  /** An echo that answers every message by closing with 1011. */
  static final class ClosingEcho implements WsHandler<Void> {
    @Override
    public Void onOpen(Session<Void> session) {
      return null;
    }

    @Override
    public void onText(Session<Void> session, String text) {
      session.close(CloseStatus.INTERNAL_ERROR, "broken on purpose");
    }
  }

  @Test
  void aWebSocketClosedWith1011FailsTheCheck() throws Exception {
    UnaryOperator<WsProtocol<?>> breakEcho =
        p -> p.name().equals("echo") ? WsProtocol.of("echo", new ClosingEcho()) : p;
    try (DemoServer server = DemoServer.start(breakEcho, DemoServer.FILES)) {
      DemoCheck.Result result = DemoCheck.run(server.url(), "broken-echo-1011");
      assertThat(result.exitCode()).as(result.transcript()).isEqualTo(1);
      assertThat(result.lastLine()).as(result.transcript())
          .startsWith("RESULT FAIL echo-text:").contains("closed with 1011").contains("broken on purpose");
      assertThat(result.screenshot()).exists();
    }
  }

  @Test
  void aMissingStylesheetFailsTheCheck() throws Exception {
    Set<String> files = new HashSet<>(DemoServer.FILES);
    files.remove("style.css");
    try (DemoServer server = DemoServer.start(UnaryOperator.identity(), files)) {
      DemoCheck.Result result = DemoCheck.run(server.url(), "missing-stylesheet");
      assertThat(result.exitCode()).as(result.transcript()).isEqualTo(1);
      assertThat(result.lastLine()).as(result.transcript())
          .startsWith("RESULT FAIL").contains("HTTP 404").contains("style.css");
      assertThat(result.screenshot()).exists();
    }
  }
}
