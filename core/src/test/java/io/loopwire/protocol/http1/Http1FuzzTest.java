package io.loopwire.protocol.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile input: random bytes, HTTP-shaped noise, and mutations of every vector, fed to both parsers whole
 * and cut at random offsets, with and without EOF. A parser may only produce events or throw
 * RemoteProtocolException (Http1Driver lets anything else through, failing the property); it must signal
 * within a bounded number of events (no hang); and the cut must not change the transcript.
 */
class Http1FuzzTest {

  /** Pieces that make noise look like HTTP, so the fuzzing gets past the request line. */
  static final String[] WORDS = {
      "GET", "POST", "CONNECT", "OPTIONS", " ", "  ", "/", "*", "h:1", "http://h/", "HTTP/1.1", "HTTP/1.0",
      "HTTP/2.0", "\r\n", "\r\n\r\n", "\r", "\n", ":", ": ", "Host", "host: h", "Content-Length: ", "0", "1", "5",
      "ff", "18446744073709551616", "Transfer-Encoding: ", "chunked", "gzip", ",", ";", "=", "\"", "\\", "\t",
      "\u0000", "\u007f", "\u00ff", "Connection: upgrade", "Upgrade: websocket", "Expect: 100-continue", "200", "101",
      "100", "204", "HTTP/1.1 200 OK", "HTTP/1.1 101 S", "HTTP/1.1 100 Continue", "a", "Z", "%", "[::1]"};

  static final String[] METHODS = {"GET", "HEAD", "POST", "CONNECT", "PUT"};

  private static List<Http1VectorTest.Vector> corpus;

  @Property(tries = 3000)
  void randomBytes(@ForAll byte[] input, @ForAll Random random) {
    feedBoth(input, random);
  }

  @Property(tries = 6000)
  void httpShapedNoise(@ForAll("noise") byte[] input, @ForAll Random random) {
    feedBoth(input, random);
  }

  @Property(tries = 20000)
  void mutatedVectors(@ForAll Random random) {
    List<Http1VectorTest.Vector> vectors = corpus();
    Http1VectorTest.Vector v = vectors.get(random.nextInt(vectors.size()));
    byte[] input = mutate(v.input(), random);
    boolean eof = random.nextBoolean();
    Supplier<Http1Driver.Parser> parser = v.request() ? Http1Driver.request(v.limits())
        : Http1Driver.response(v.limits(), v.methods());
    assertSplitInvariant(parser, input, eof, random);
  }

  private static void feedBoth(byte[] input, Random random) {
    boolean eof = random.nextBoolean();
    Http1Limits limits = random.nextBoolean() ? Http1Limits.defaults()
        : new Http1Limits(16 + random.nextInt(64), 2 + random.nextInt(128), random.nextInt(8), random.nextInt(64),
            random.nextInt(16));
    assertSplitInvariant(Http1Driver.request(limits), input, eof, random);
    List<String> methods = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      methods.add(METHODS[random.nextInt(METHODS.length)]);
    }
    assertSplitInvariant(Http1Driver.response(limits, methods), input, eof, random);
  }

  private static void assertSplitInvariant(Supplier<Http1Driver.Parser> parser, byte[] input, boolean eof,
      Random random) {
    List<String> whole = Http1Driver.whole(parser, input, eof);
    int[] cuts = Http1RoundTripTest.randomCuts(input.length, random);
    assertThat(Http1Driver.run(parser, input, cuts, eof)).as("cut at %s", java.util.Arrays.toString(cuts))
        .isEqualTo(whole);
  }

  /** One to four random edits: flip, insert a byte or an HTTP word, delete, duplicate a range, truncate. */
  static byte[] mutate(byte[] input, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = input;
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      out.reset();
      switch (random.nextInt(6)) {
        case 0: // flip
          if (at < b.length) {
            b = b.clone();
            b[at] = (byte) random.nextInt(256);
          }
          continue;
        case 1: // insert a word
          out.write(b, 0, at);
          out.writeBytes(WORDS[random.nextInt(WORDS.length)].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
          out.write(b, at, b.length - at);
          break;
        case 2: // delete a range
          int len = Math.min(b.length - at, 1 + random.nextInt(8));
          out.write(b, 0, at);
          out.write(b, at + len, b.length - at - len);
          break;
        case 3: // duplicate a range
          int dup = Math.min(b.length - at, 1 + random.nextInt(40));
          out.write(b, 0, at + dup);
          out.write(b, at, b.length - at);
          break;
        case 4: // truncate
          out.write(b, 0, at);
          break;
        default: // insert a random byte
          out.write(b, 0, at);
          out.write(random.nextInt(256));
          out.write(b, at, b.length - at);
      }
      b = out.toByteArray();
    }
    return b;
  }

  @Provide
  Arbitrary<byte[]> noise() {
    return Arbitraries.of(WORDS).list().ofMaxSize(60).map(words -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      words.forEach(w -> out.writeBytes(w.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
      return out.toByteArray();
    });
  }

  private static synchronized List<Http1VectorTest.Vector> corpus() {
    if (corpus == null) {
      List<Http1VectorTest.Vector> all = new ArrayList<>();
      try {
        for (String f : Http1VectorTest.FILES) {
          all.addAll(Http1VectorTest.load(f));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      corpus = List.copyOf(all);
    }
    return corpus;
  }
}
