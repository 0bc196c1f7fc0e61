package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.BackpressureSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyIoUringBackpressureTest extends BackpressureSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.IO_URING);
  }

  @Override
  protected String loopName() {
    return "netty-io_uring";
  }
}
