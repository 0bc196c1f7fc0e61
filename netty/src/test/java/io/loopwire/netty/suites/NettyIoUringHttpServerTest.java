package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.HttpServerSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyIoUringHttpServerTest extends HttpServerSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.IO_URING);
  }

  @Override
  protected String loopName() {
    return "netty-io_uring";
  }
}
