package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.BackpressureSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyNioBackpressureTest extends BackpressureSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.NIO);
  }

  @Override
  protected String loopName() {
    return "netty-nio";
  }
}
