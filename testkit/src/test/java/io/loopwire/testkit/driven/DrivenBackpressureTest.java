package io.loopwire.testkit.driven;

import io.loopwire.testkit.BackpressureSuite;

class DrivenBackpressureTest extends BackpressureSuite {

  @Override
  protected String loopName() {
    return "driven";
  }
}
