package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** A transport that cannot run here fails in CI ({@code CI=true}) and skips loudly elsewhere. */
final class SuiteSupport {

  private SuiteSupport() {}

  static void requireAvailable(NettyTransportType type) {
    Throwable cause = type.unavailabilityCause();
    if (cause == null) {
      return;
    }
    String message = type.loopName() + " cannot run on this machine: " + cause;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: every loop must run in CI)");
    }
    System.err.println("SKIPPING " + type.loopName() + " suites: " + message);
    Assumptions.abort(message);
  }
}
