package io.loopwire.testkit.nio;

import io.loopwire.testkit.HttpClientSuite;

class NioHttpClientTest extends HttpClientSuite {

  @Override
  protected String loopName() {
    return "nio";
  }
}
