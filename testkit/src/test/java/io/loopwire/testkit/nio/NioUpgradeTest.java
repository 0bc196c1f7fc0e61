package io.loopwire.testkit.nio;

import io.loopwire.testkit.UpgradeSuite;

class NioUpgradeTest extends UpgradeSuite {

  @Override
  protected String loopName() {
    return "nio";
  }
}
