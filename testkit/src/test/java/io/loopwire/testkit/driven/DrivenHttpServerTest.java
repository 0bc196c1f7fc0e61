package io.loopwire.testkit.driven;

import io.loopwire.testkit.HttpServerSuite;

class DrivenHttpServerTest extends HttpServerSuite {

  @Override
  protected String loopName() {
    return "driven";
  }
}
