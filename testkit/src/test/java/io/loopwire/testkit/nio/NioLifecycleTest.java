package io.loopwire.testkit.nio;

import io.loopwire.testkit.LifecycleSuite;

class NioLifecycleTest extends LifecycleSuite {

  @Override
  protected String loopName() {
    return "nio";
  }
}
