package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.UpgradeSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyIoUringUpgradeTest extends UpgradeSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.IO_URING);
  }

  @Override
  protected String loopName() {
    return "netty-io_uring";
  }
}
