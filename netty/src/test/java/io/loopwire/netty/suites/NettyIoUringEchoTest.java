package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.EchoSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyIoUringEchoTest extends EchoSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.IO_URING);
  }

  @Override
  protected String loopName() {
    return "netty-io_uring";
  }
}
