package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.CloseHandshakeSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyEpollCloseHandshakeTest extends CloseHandshakeSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.EPOLL);
  }

  @Override
  protected String loopName() {
    return "netty-epoll";
  }
}
