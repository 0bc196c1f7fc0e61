package io.loopwire.bench;

import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.deflate.DeflateParams;
import io.loopwire.protocol.deflate.DeflateTransform;
import io.loopwire.protocol.ws.WsRole;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Compression ratios of {@link DeflateTransform} on {@link DeflateBench}'s JSON messages, for the table in
 * docs/deflate.md: compressed bytes over plain bytes, summed over 64 messages sent in order, by message
 * size, context takeover, window bits (below 15: full-flushed chunks of 2^bits bytes) and level.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.loopwire.bench.DeflateRatios}
 */
public final class DeflateRatios {

  private DeflateRatios() {}

  public static void main(String[] args) {
    int[] sizes = {200, 2048, 65536};
    int[] bits = {15, 14, 12, 10, 9, 8};
    for (int level : new int[] {1, 6}) {
      for (boolean reset : new boolean[] {false, true}) {
        StringBuilder head = new StringBuilder("| level " + level + (reset ? ", no context takeover" : ", takeover")
            + " |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int b : bits) {
          head.append(" ").append(b).append(" bits |");
          rule.append("---:|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int size : sizes) {
          StringBuilder row = new StringBuilder("| ~" + size + " B |");
          for (int b : bits) {
            row.append(String.format(" %.3f |", ratio(size, b, reset, level)));
          }
          System.out.println(row);
        }
        System.out.println();
      }
    }
  }

  static double ratio(int size, int windowBits, boolean reset, int level) {
    DeflateTransform t = DeflateTransform.create(WsRole.SERVER, new DeflateParams(reset, false, windowBits, 15),
        DeflateOptions.defaults().withMinCompressBytes(0).withCompressionLevel(level));
    long in = 0;
    long out = 0;
    for (int i = 0; i < DeflateBench.MESSAGES; i++) {
      byte[] m = DeflateBench.json(size, i).getBytes(StandardCharsets.UTF_8);
      in += m.length;
      out += t.encode(ByteBuffer.wrap(m), true).remaining();
    }
    t.close();
    return (double) out / in;
  }
}
