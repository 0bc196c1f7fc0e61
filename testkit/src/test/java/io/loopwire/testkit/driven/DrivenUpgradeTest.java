package io.loopwire.testkit.driven;

import io.loopwire.testkit.UpgradeSuite;

class DrivenUpgradeTest extends UpgradeSuite {

  @Override
  protected String loopName() {
    return "driven";
  }
}
