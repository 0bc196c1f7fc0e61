package io.loopwire.cli;

import io.loopwire.CloseStatus;
import io.loopwire.ConnectException;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import java.nio.ByteBuffer;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The echo load: each connection keeps {@code depth} messages in flight, and every echo that comes back
 * records its round trip and sends the next message. One instance serves every connection.
 *
 * <p>The hot path allocates nothing of its own beyond a {@link ByteBuffer#duplicate()} per binary send:
 * the payload is built once (the client codec copies it into its frame while masking, so one buffer can
 * back every send), a text payload is one shared {@code String}, and send times sit in a
 * {@link SendTimes} ring per connection.
 */
final class BenchEcho implements WsHandler<BenchEcho.Conn> {

  private final BenchRun run;
  private final int depth;
  private final int size;
  private final ByteBuffer binary;
  private final String text;

  /** Exactly one of {@code binary} and {@code text} is non-null. */
  BenchEcho(BenchRun run, int depth, int size, ByteBuffer binary, String text) {
    this.run = run;
    this.depth = depth;
    this.size = size;
    this.binary = binary;
    this.text = text;
  }

  /** One connection's in-flight send times and its thread's latency recorder. Loop thread only. */
  static final class Conn {
    final SendTimes times;
    final SingleWriterRecorder recorder;

    Conn(int depth, SingleWriterRecorder recorder) {
      this.times = new SendTimes(depth);
      this.recorder = recorder;
    }
  }

  @Override
  public Conn onOpen(Session<Conn> session) {
    run.open.incrementAndGet();
    run.opened.increment();
    Conn c = new Conn(depth, run.recorder());
    for (int i = 0; i < depth && !run.stopping; i++) {
      send(session, c, System.nanoTime());
    }
    return c;
  }

  @Override
  public void onBinary(Session<Conn> session, ByteBuffer data) {
    echoed(session, data.remaining());
  }

  @Override
  public void onText(Session<Conn> session, String data) {
    echoed(session, data.length());
  }

  private void echoed(Session<Conn> session, int length) {
    long now = System.nanoTime();
    Conn c = session.state();
    long roundTrip = c.times.echoed(now);
    if (roundTrip < 0 || length != size) {
      run.badEcho.increment();
      if (roundTrip < 0) {
        return;
      }
    }
    BenchRun.record(c.recorder, roundTrip);
    if (!run.stopping) {
      send(session, c, now);
    }
  }

  private void send(Session<Conn> session, Conn c, long now) {
    boolean queued = text != null ? session.sendText(text) : session.sendBinary(binary.duplicate());
    if (queued) {
      c.times.sent(now);
    } else {
      run.sendRejected.increment();
    }
  }

  @Override
  public void onClose(Session<Conn> session, CloseStatus status) {
    run.open.decrementAndGet();
    if (!run.stopping) {
      run.droppedEarly.increment();
      BenchCommand.note("connection closed during the run: " + status);
    }
  }

  @Override
  public void onConnectFailed(ConnectException cause) {
    run.connectFailed.increment();
    BenchCommand.note("connect failed: " + cause.getMessage());
  }
}
