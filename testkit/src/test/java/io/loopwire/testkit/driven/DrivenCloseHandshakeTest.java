package io.loopwire.testkit.driven;

import io.loopwire.testkit.CloseHandshakeSuite;

class DrivenCloseHandshakeTest extends CloseHandshakeSuite {

  @Override
  protected String loopName() {
    return "driven";
  }
}
