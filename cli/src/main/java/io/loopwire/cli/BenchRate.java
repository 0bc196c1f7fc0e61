package io.loopwire.cli;

import io.loopwire.ClientOptions;
import io.loopwire.CloseStatus;
import io.loopwire.ConnectException;
import io.loopwire.Loopwire;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection-rate load: a fixed number of attempts in flight, each one connect, handshake, close;
 * the next attempt starts when the previous one has closed or failed, until the run stops. Records the
 * time from {@code connect} to {@code onOpen}.
 */
final class BenchRate {

  private final BenchRun run;
  private final Loopwire lw;
  private final String url;
  private final ClientOptions options;
  /** Attempt chains still running; each ends (decrements) when it sees the stop flag. */
  final AtomicInteger chains = new AtomicInteger();

  BenchRate(BenchRun run, Loopwire lw, String url, ClientOptions options) {
    this.run = run;
    this.lw = lw;
    this.url = url;
    this.options = options;
  }

  /** Starts one chain of attempts. Any thread. */
  void startChain() {
    chains.incrementAndGet();
    next();
  }

  private void next() {
    if (run.stopping) {
      chains.decrementAndGet();
      return;
    }
    try {
      lw.connect(url, options, new Attempt(System.nanoTime()));
    } catch (RuntimeException e) {
      run.connectFailed.increment();
      BenchCommand.note("connect refused: " + e.getMessage());
      chains.decrementAndGet();
    }
  }

  private final class Attempt implements WsHandler<Void> {
    private final long started;

    Attempt(long started) {
      this.started = started;
    }

    @Override
    public Void onOpen(Session<Void> session) {
      BenchRun.record(run.recorder(), System.nanoTime() - started);
      run.opened.increment();
      session.close();
      return null;
    }

    @Override
    public void onClose(Session<Void> session, CloseStatus status) {
      if (!status.isNormal()) {
        run.droppedEarly.increment();
        BenchCommand.note("handshake connection ended abnormally: " + status);
      }
      next();
    }

    @Override
    public void onConnectFailed(ConnectException cause) {
      run.connectFailed.increment();
      BenchCommand.note("connect failed: " + cause.getMessage());
      next();
    }
  }
}
