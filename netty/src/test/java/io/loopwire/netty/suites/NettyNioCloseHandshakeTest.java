package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.CloseHandshakeSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyNioCloseHandshakeTest extends CloseHandshakeSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.NIO);
  }

  @Override
  protected String loopName() {
    return "netty-nio";
  }
}
