package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.BackpressureSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyEpollBackpressureTest extends BackpressureSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.EPOLL);
  }

  @Override
  protected String loopName() {
    return "netty-epoll";
  }
}
