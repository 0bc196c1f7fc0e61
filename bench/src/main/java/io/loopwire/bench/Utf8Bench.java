package io.loopwire.bench;

import io.loopwire.protocol.utf8.Utf8Validator;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * UTF-8 validation of 64 KiB, in operations per second (bytes per second = score x 65536): pure ASCII,
 * and mixed text (about 70% ASCII, the rest 2-, 3- and 4-byte forms). {@code jdkDecode} decodes the same
 * bytes into a String with the JDK, for comparison (it does more: it builds the string).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Utf8Bench {

  static final int SIZE = 65536;

  @Param({"ascii", "mixed"})
  public String text;

  private byte[] bytes;
  private final Utf8Validator validator = new Utf8Validator();

  @Setup
  public void setUp() {
    Random r = new Random(1);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < SIZE) {
      int k = r.nextInt(10);
      if (text.equals("ascii") || k < 7) {
        sb.append((char) (0x20 + r.nextInt(0x5F)));
      } else if (k == 7) {
        sb.append((char) (0x400 + r.nextInt(0x100))); // Cyrillic, 2 bytes
      } else if (k == 8) {
        sb.append((char) (0x4E00 + r.nextInt(0x1000))); // CJK, 3 bytes
      } else {
        sb.appendCodePoint(0x1F600 + r.nextInt(0x40)); // emoji, 4 bytes
      }
    }
    byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
    // cut at a code point boundary at or below SIZE
    int n = Math.min(SIZE, all.length);
    while (n < all.length && (all[n] & 0xC0) == 0x80) {
      n--;
    }
    bytes = java.util.Arrays.copyOf(all, n);
    if (!Utf8Validator.isValid(bytes, 0, bytes.length)) {
      throw new IllegalStateException("benchmark input is not valid UTF-8");
    }
  }

  @Benchmark
  public int validate() {
    validator.reset();
    return validator.validate(bytes, 0, bytes.length);
  }

  @Benchmark
  public String jdkDecode() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
