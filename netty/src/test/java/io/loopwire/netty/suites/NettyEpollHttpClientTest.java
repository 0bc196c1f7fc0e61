package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.HttpClientSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyEpollHttpClientTest extends HttpClientSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.EPOLL);
  }

  @Override
  protected String loopName() {
    return "netty-epoll";
  }
}
