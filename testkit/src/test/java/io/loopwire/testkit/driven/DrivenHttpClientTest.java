package io.loopwire.testkit.driven;

import io.loopwire.testkit.HttpClientSuite;

class DrivenHttpClientTest extends HttpClientSuite {

  @Override
  protected String loopName() {
    return "driven";
  }
}
