package io.loopwire.testkit.driven;

import io.loopwire.testkit.EchoSuite;

class DrivenEchoTest extends EchoSuite {

  @Override
  protected String loopName() {
    return "driven";
  }
}
