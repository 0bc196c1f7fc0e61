package io.loopwire.bench;

import io.loopwire.protocol.ByteSink;
import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsEvent;
import io.loopwire.protocol.ws.WsLimits;
import io.loopwire.protocol.ws.WsRole;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Frame decode and encode through {@link WsConnection}, in frames per second (bytes per second = score x
 * payload size). {@code role} is the side under test: a SERVER decodes masked frames (unmasking included)
 * and sends unmasked ones; a CLIENT the reverse.
 *
 * <p>Decode: one {@code receive} of a batch of frames, then {@code nextEvent} until NEED_DATA, as an
 * engine would after a socket read. Encode: one {@code send} and one {@code drainTo} per frame, as an
 * echo server would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WsFrameBench {

  static final int SMALL_BATCH = 1024;

  @Param({"SERVER", "CLIENT"})
  public WsRole role;

  private byte[] smallBinary; // SMALL_BATCH frames of 32 bytes
  private byte[] smallText;
  private byte[] largeBinary; // one frame of 64 KiB
  private byte[] payload32;
  private byte[] payload64k;
  private String text32;
  private WsConnection decoder;
  private WsConnection encoder;
  private ByteSink sink;

  @Setup(Level.Trial)
  public void setUp(Blackhole bh) {
    Random r = new Random(1);
    payload32 = new byte[32];
    r.nextBytes(payload32);
    payload64k = new byte[65536];
    r.nextBytes(payload64k);
    text32 = "The quick brown fox jumps over t";
    WsRole peer = role == WsRole.SERVER ? WsRole.CLIENT : WsRole.SERVER;
    smallBinary = frames(peer, SMALL_BATCH, c -> c.sendBinary(ByteBuffer.wrap(payload32), true));
    smallText = frames(peer, SMALL_BATCH, c -> c.sendText(text32, true));
    largeBinary = frames(peer, 1, c -> c.sendBinary(ByteBuffer.wrap(payload64k), true));
    decoder = new WsConnection(role, WsLimits.defaults());
    encoder = new WsConnection(role, WsLimits.defaults());
    sink = bh::consume;
  }

  private static byte[] frames(WsRole sender, int n, java.util.function.Consumer<WsConnection> send) {
    WsConnection c = new WsConnection(sender, WsLimits.defaults());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      send.accept(c);
      c.drainTo(b -> {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.writeBytes(a);
      });
    }
    return out.toByteArray();
  }

  private void decodeAll(byte[] wire, Blackhole bh) {
    decoder.receive(ByteBuffer.wrap(wire));
    for (WsEvent e; (e = decoder.nextEvent()) != WsEvent.Signal.NEED_DATA; ) {
      bh.consume(e);
    }
  }

  @Benchmark
  @OperationsPerInvocation(SMALL_BATCH)
  public void decodeBinary32(Blackhole bh) {
    decodeAll(smallBinary, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL_BATCH)
  public void decodeText32(Blackhole bh) {
    decodeAll(smallText, bh);
  }

  @Benchmark
  public void decodeBinary64k(Blackhole bh) {
    decodeAll(largeBinary, bh);
  }

  @Benchmark
  public void encodeBinary32() {
    encoder.sendBinary(ByteBuffer.wrap(payload32), true);
    encoder.drainTo(sink);
  }

  @Benchmark
  public void encodeText32() {
    encoder.sendText(text32, true);
    encoder.drainTo(sink);
  }

  @Benchmark
  public void encodeBinary64k() {
    encoder.sendBinary(ByteBuffer.wrap(payload64k), true);
    encoder.drainTo(sink);
  }
}
