package io.loopwire.testkit.nio;

import io.loopwire.testkit.HttpServerSuite;

class NioHttpServerTest extends HttpServerSuite {

  @Override
  protected String loopName() {
    return "nio";
  }
}
