package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.HttpServerSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyNioHttpServerTest extends HttpServerSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.NIO);
  }

  @Override
  protected String loopName() {
    return "netty-nio";
  }
}
