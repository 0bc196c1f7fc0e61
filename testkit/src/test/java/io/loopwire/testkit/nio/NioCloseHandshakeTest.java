package io.loopwire.testkit.nio;

import io.loopwire.testkit.CloseHandshakeSuite;

class NioCloseHandshakeTest extends CloseHandshakeSuite {

  @Override
  protected String loopName() {
    return "nio";
  }
}
