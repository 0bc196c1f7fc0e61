package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.EchoSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyNioEchoTest extends EchoSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.NIO);
  }

  @Override
  protected String loopName() {
    return "netty-nio";
  }
}
