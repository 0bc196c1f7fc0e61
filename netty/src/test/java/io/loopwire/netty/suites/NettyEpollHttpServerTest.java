package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.HttpServerSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyEpollHttpServerTest extends HttpServerSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.EPOLL);
  }

  @Override
  protected String loopName() {
    return "netty-epoll";
  }
}
