package io.loopwire.netty;

import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopUnavailableException;
import io.loopwire.loop.Loops;

/** Run in a JVM where Netty's native transports are switched off: prints what asking for them says. */
public final class NoNativeMain {

  private NoNativeMain() {}

  public static void main(String[] args) {
    for (String name : args) {
      try {
        Loops.create(name, LoopOptions.defaults().withThreads(1)).shutdown().join();
        System.out.println(name + " CREATED");
      } catch (LoopUnavailableException e) {
        System.out.println(name + " UNAVAILABLE " + e.loopName() + " | " + e.getMessage());
      }
    }
  }
}
