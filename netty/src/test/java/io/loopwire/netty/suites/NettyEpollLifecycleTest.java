package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.LifecycleSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyEpollLifecycleTest extends LifecycleSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.EPOLL);
  }

  @Override
  protected String loopName() {
    return "netty-epoll";
  }
}
