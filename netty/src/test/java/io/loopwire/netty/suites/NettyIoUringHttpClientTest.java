package io.loopwire.netty.suites;

import io.loopwire.netty.NettyTransportType;
import io.loopwire.testkit.HttpClientSuite;
import org.junit.jupiter.api.BeforeAll;

class NettyIoUringHttpClientTest extends HttpClientSuite {

  @BeforeAll
  static void available() {
    SuiteSupport.requireAvailable(NettyTransportType.IO_URING);
  }

  @Override
  protected String loopName() {
    return "netty-io_uring";
  }
}
