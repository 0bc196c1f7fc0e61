package io.loopwire.bench;

import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.deflate.DeflateParams;
import io.loopwire.protocol.deflate.DeflateTransform;
import io.loopwire.protocol.ws.WsRole;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * permessage-deflate on typical JSON messages, in messages per second (bytes per second = score x size):
 * {@code compress} is one {@link DeflateTransform#encode} of a whole message (flush and tail removal
 * included), {@code inflate} one message through {@code decodeInput}/{@code decodeOutput} in 16 KiB pieces,
 * as {@link io.loopwire.protocol.ws.WsConnection} pulls them.
 *
 * <p>Each run cycles through {@value #MESSAGES} different messages of the same shape (records with the
 * same keys and different values), so that context takeover sees a realistic history. {@code context}
 * {@code takeover} keeps the window between messages; {@code reset} is {@code server_no_context_takeover}.
 * {@code windowBits} below 15 compresses in full-flushed chunks of 2^bits bytes (see docs/deflate.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeflateBench {

  static final int MESSAGES = 64;

  @Param({"200", "2048", "65536"})
  public int size;

  @Param({"takeover", "reset"})
  public String context;

  @Param({"15"})
  public int windowBits;

  @Param({"6"})
  public int level;

  private byte[][] plain;
  private byte[][] compressed;
  private DeflateTransform compressor;
  private DeflateTransform inflater;
  private ByteBuffer piece;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    plain = new byte[MESSAGES][];
    for (int i = 0; i < MESSAGES; i++) {
      plain[i] = json(size, i).getBytes(StandardCharsets.UTF_8);
    }
    DeflateParams params = new DeflateParams(context.equals("reset"), false, windowBits, 15);
    DeflateOptions options = DeflateOptions.defaults().withMinCompressBytes(0).withCompressionLevel(level);
    compressor = DeflateTransform.create(WsRole.SERVER, params, options);
    // the messages the inflate benchmark replays, compressed in order: cycling through them in the same
    // order keeps every back-reference valid, since each refers only to the messages just before it
    DeflateTransform sender = DeflateTransform.create(WsRole.SERVER, params, options);
    compressed = new byte[MESSAGES][];
    for (int i = 0; i < MESSAGES; i++) {
      ByteBuffer b = sender.encode(ByteBuffer.wrap(plain[i]), true);
      compressed[i] = new byte[b.remaining()];
      b.get(compressed[i]);
    }
    sender.close();
    inflater = DeflateTransform.create(WsRole.CLIENT, params, options);
    piece = ByteBuffer.allocate(16 * 1024);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    compressor.close();
    inflater.close();
  }

  @Benchmark
  public ByteBuffer compress() {
    int i = next;
    next = (i + 1) % MESSAGES;
    return compressor.encode(ByteBuffer.wrap(plain[i]), true);
  }

  @Benchmark
  public int inflate() {
    int i = next;
    next = (i + 1) % MESSAGES;
    inflater.decodeInput(ByteBuffer.wrap(compressed[i]), true);
    int total = 0;
    for (int r; (r = inflater.decodeOutput(piece.clear())) >= 0; ) {
      total += r;
    }
    return total;
  }

  /**
   * A JSON array of records like an application's messages, as many whole records as fit in
   * {@code bytes} (about 110 bytes each; at least one).
   */
  static String json(int bytes, long seed) {
    Random r = new Random(seed);
    String[] names = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    String[] kinds = {"update", "insert", "delete", "snapshot"};
    StringBuilder sb = new StringBuilder("[");
    while (true) {
      String rec = "{\"id\":" + r.nextInt(1_000_000) + ",\"user\":\"" + names[r.nextInt(names.length)]
          + "\",\"kind\":\"" + kinds[r.nextInt(kinds.length)] + "\",\"price\":" + r.nextInt(100_000) / 100.0
          + ",\"active\":" + r.nextBoolean() + ",\"tags\":[\"t" + r.nextInt(50) + "\",\"t" + r.nextInt(50) + "\"]}";
      if (sb.length() > 1 && sb.length() + rec.length() + 2 > bytes) {
        return sb.append(']').toString();
      }
      sb.append(sb.length() > 1 ? "," : "").append(rec);
    }
  }
}
