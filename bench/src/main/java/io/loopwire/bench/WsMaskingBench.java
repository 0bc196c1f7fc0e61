package io.loopwire.bench;

import io.loopwire.protocol.ws.WsMasking;
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
 * Masking in place, in operations per second (bytes per second = score x size). {@code maskNaive} is the
 * byte-at-a-time definition, for comparison. The offset of 1 makes the 8-byte accesses unaligned.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WsMaskingBench {

  @Param({"32", "65536"})
  public int size;

  private byte[] data;

  @Setup
  public void setUp() {
    data = new byte[size + 1];
    new Random(1).nextBytes(data);
  }

  @Benchmark
  public byte[] mask() {
    WsMasking.mask(data, 1, size, 0x37fa213d, 0);
    return data;
  }

  @Benchmark
  public byte[] maskNaive() {
    byte[] a = data;
    int key = 0x37fa213d;
    for (int i = 0; i < size; i++) {
      a[1 + i] ^= (byte) (key >>> (24 - 8 * (i & 3)));
    }
    return a;
  }
}
