package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.UpgradeSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyNioUpgradeTest extends UpgradeSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.NIO);
  }

  @Override
  protected String loopName() {
    return "netty-nio";
  }
}
