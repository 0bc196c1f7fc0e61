package io.loopwire.testkit.driven;

import io.loopwire.testkit.LifecycleSuite;

class DrivenLifecycleTest extends LifecycleSuite {

  @Override
  protected String loopName() {
    return "driven";
  }
}
