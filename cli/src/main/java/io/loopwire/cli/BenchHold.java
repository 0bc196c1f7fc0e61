package io.loopwire.cli;

import io.loopwire.CloseStatus;
import io.loopwire.ConnectException;
import io.loopwire.Session;
import io.loopwire.WsHandler;

/** The hold load: connections that open and then stay idle; counts those that drop before the end. */
final class BenchHold implements WsHandler<Void> {

  private final BenchRun run;

  BenchHold(BenchRun run) {
    this.run = run;
  }

  @Override
  public Void onOpen(Session<Void> session) {
    run.open.incrementAndGet();
    run.opened.increment();
    return null;
  }

  @Override
  public void onClose(Session<Void> session, CloseStatus status) {
    run.open.decrementAndGet();
    if (!run.stopping) {
      run.droppedEarly.increment();
      BenchCommand.note("idle connection dropped: " + status);
    }
  }

  @Override
  public void onConnectFailed(ConnectException cause) {
    run.connectFailed.increment();
    BenchCommand.note("connect failed: " + cause.getMessage());
  }
}
