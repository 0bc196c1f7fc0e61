package io.loopwire.testkit.nio;

import io.loopwire.testkit.BackpressureSuite;

class NioBackpressureTest extends BackpressureSuite {

  @Override
  protected String loopName() {
    return "nio";
  }
}
