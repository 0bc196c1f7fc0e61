package io.loopwire.testkit.nio;

import io.loopwire.testkit.EchoSuite;

class NioEchoTest extends EchoSuite {

  @Override
  protected String loopName() {
    return "nio";
  }
}
