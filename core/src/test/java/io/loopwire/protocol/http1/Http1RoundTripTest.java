package io.loopwire.protocol.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random valid requests and responses, with random bodies (Content-Length, chunked with trailers, until
 * close), written by Http1Serializer, pipelined on one connection, cut at random offsets: the parser must
 * give back exactly the messages that were written.
 */
class Http1RoundTripTest {

  static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static final String TARGET_CHARS = TCHARS.replace("#", "") + "/?:@;=,()[]\"<>\\{}";

  /** A body and how it is framed. */
  sealed interface Body permits NoBody, Sized, Chunked, UntilClose {}

  record NoBody(boolean declareZero) implements Body {}

  record Sized(byte[] data) implements Body {}

  record Chunked(List<byte[]> chunks, Http1Fields trailers) implements Body {}

  record UntilClose(byte[] data) implements Body {}

  record RequestSpec(String method, String target, boolean http10, Http1Fields extra, Body body) {}

  record ResponseSpec(String requestMethod, int status, List<Integer> interim, boolean http10, Http1Fields extra,
      Body body) {}

  // ---- properties ----

  @Property(tries = 400)
  void requestsRoundTrip(@ForAll("requests") List<RequestSpec> specs, @ForAll Random random) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<Http1Event> expected = new ArrayList<>();
    for (RequestSpec s : specs) {
      Http1Version v = s.http10 ? Http1Version.HTTP_1_0 : Http1Version.HTTP_1_1;
      Http1Fields.Builder h = Http1Fields.builder();
      if (!s.http10 || random.nextBoolean()) {
        h.add(random.nextBoolean() ? "Host" : "host", "example.com:8080");
      }
      h.addAll(s.extra);
      Body body = s.http10 && s.body instanceof Chunked ? new Sized(new byte[] {1, 2}) : s.body;
      Http1Request req = new Http1Request(s.method, s.target, v, frame(h, body).build());
      write(wire, Http1Serializer.requestHead(req));
      expected.add(new Http1Event.RequestHead(req));
      writeBody(wire, body, expected);
    }
    check(Http1Driver.request(Http1Limits.defaults()), wire.toByteArray(), false, expected, random);
  }

  @Property(tries = 400)
  void responsesRoundTrip(@ForAll("responses") List<ResponseSpec> specs,
      @ForAll Random random) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<Http1Event> expected = new ArrayList<>();
    List<String> methods = new ArrayList<>();
    boolean eof = random.nextBoolean();
    for (int i = 0; i < specs.size(); i++) {
      ResponseSpec s = specs.get(i);
      boolean last = i == specs.size() - 1;
      methods.add(s.requestMethod);
      for (int status : s.interim) {
        Http1Response interim = Http1Response.of(status, Http1Fields.of("X-Interim", Integer.toString(status)));
        write(wire, Http1Serializer.responseHead(interim));
        expected.add(new Http1Event.ResponseHead(interim));
      }
      Http1Version v = s.http10 ? Http1Version.HTTP_1_0 : Http1Version.HTTP_1_1;
      boolean bodiless = s.requestMethod.equals("HEAD") || s.status == 204 || s.status == 304;
      Body body = s.body;
      if (body instanceof NoBody n && !n.declareZero && !bodiless) {
        // no framing at all means "until close"
        body = last ? new UntilClose(new byte[0]) : new NoBody(true);
      }
      if (s.http10 && body instanceof Chunked || body instanceof UntilClose && !last) {
        body = new Sized(new byte[] {'x'});
      }
      if (body instanceof UntilClose) {
        eof = true;
      }
      Http1Fields.Builder h = Http1Fields.builder().addAll(s.extra);
      if (s.status == 204) {
        body = new NoBody(false);
      }
      String reason = Http1Response.defaultReason(s.status);
      Http1Response resp = new Http1Response(s.status, reason, v, frame(h, body).build());
      write(wire, Http1Serializer.responseHead(resp));
      expected.add(new Http1Event.ResponseHead(resp));
      if (bodiless) {
        expected.add(new Http1Event.EndOfMessage(Http1Fields.empty())); // framing fields describe another response
      } else {
        writeBody(wire, body, expected);
      }
    }
    if (eof) {
      expected.add(Http1Event.Signal.END_OF_INPUT);
    }
    check(Http1Driver.response(Http1Limits.defaults(), methods), wire.toByteArray(), eof, expected, random);
  }

  private static void check(java.util.function.Supplier<Http1Driver.Parser> parser, byte[] wire, boolean eof,
      List<Http1Event> expected, Random random) {
    List<String> want = Http1Driver.transcribe(expected);
    assertThat(Http1Driver.whole(parser, wire, eof)).isEqualTo(want);
    assertThat(Http1Driver.run(parser, wire, randomCuts(wire.length, random), eof)).isEqualTo(want);
  }

  static int[] randomCuts(int length, Random random) {
    TreeSet<Integer> cuts = new TreeSet<>();
    int n = length < 2 ? 0 : random.nextInt(Math.min(12, length));
    for (int i = 0; i < n; i++) {
      cuts.add(1 + random.nextInt(length - 1));
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Http1Fields.Builder frame(Http1Fields.Builder h, Body body) {
    if (body instanceof Sized s) {
      h.add("Content-Length", Integer.toString(s.data.length));
    } else if (body instanceof Chunked) {
      h.add("Transfer-Encoding", "chunked");
    } else if (body instanceof NoBody n && n.declareZero) {
      h.add("Content-Length", "0");
    }
    return h;
  }

  private static void writeBody(ByteArrayOutputStream wire, Body body, List<Http1Event> expected) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    Http1Fields trailers = Http1Fields.empty();
    if (body instanceof Sized s) {
      all.writeBytes(s.data);
      wire.writeBytes(s.data);
    } else if (body instanceof UntilClose u) {
      all.writeBytes(u.data);
      wire.writeBytes(u.data);
    } else if (body instanceof Chunked c) {
      for (byte[] chunk : c.chunks) {
        all.writeBytes(chunk);
        write(wire, Http1Serializer.chunk(ByteBuffer.wrap(chunk)));
      }
      trailers = c.trailers;
      write(wire, Http1Serializer.lastChunk(trailers));
    }
    if (all.size() > 0) {
      expected.add(new Http1Event.Body(ByteBuffer.wrap(all.toByteArray())));
    }
    expected.add(new Http1Event.EndOfMessage(trailers));
  }

  private static void write(ByteArrayOutputStream out, ByteBuffer b) {
    out.writeBytes(Http1Driver.bytes(b));
  }

  // ---- generators ----

  @Provide
  Arbitrary<List<RequestSpec>> requests() {
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD");
    Arbitrary<String> target = Arbitraries.strings().withChars(TARGET_CHARS).ofMaxLength(40).map(t -> "/" + t);
    Arbitrary<Boolean> http10 = Arbitraries.integers().between(0, 4).map(i -> i == 0);
    return Combinators.combine(method, target, http10, fields(6), body(false)).as(RequestSpec::new)
        .list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<ResponseSpec>> responses() {
    Arbitrary<String> method = Arbitraries.of("GET", "GET", "POST", "HEAD");
    Arbitrary<Integer> status = Arbitraries.of(200, 201, 204, 206, 301, 304, 404, 500, 503, 599);
    Arbitrary<List<Integer>> interim = Arbitraries.of(100, 102, 103).list().ofMaxSize(2);
    Arbitrary<Boolean> http10 = Arbitraries.integers().between(0, 4).map(i -> i == 0);
    return Combinators.combine(method, status, interim, http10, fields(6), body(true)).as(ResponseSpec::new)
        .list().ofMinSize(1).ofMaxSize(4);
  }

  static Arbitrary<Http1Fields> fields(int max) {
    Arbitrary<String> name = Arbitraries.strings().withChars(TCHARS).ofMinLength(1).ofMaxLength(12).map(n -> "X-" + n);
    Arbitrary<String> value = Arbitraries.strings()
        .withCharRange((char) 0x21, (char) 0x7e).withCharRange((char) 0x80, (char) 0xff).withChars(" \t")
        .ofMaxLength(40).map(Http1RoundTripTest::stripOws);
    return Combinators.combine(name, value).as((n, v) -> new String[] {n, v}).list().ofMaxSize(max).map(list -> {
      Http1Fields.Builder b = Http1Fields.builder();
      list.forEach(nv -> b.add(nv[0], nv[1]));
      return b.build();
    });
  }

  static Arbitrary<Body> body(boolean untilClose) {
    Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> chunk = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(80);
    List<Arbitrary<? extends Body>> choices = new ArrayList<>(List.of(
        Arbitraries.of(true, false).map(NoBody::new),
        data.map(Sized::new),
        Combinators.combine(chunk.list().ofMaxSize(5), fields(3)).as(Chunked::new)));
    if (untilClose) {
      choices.add(data.map(UntilClose::new));
    }
    return Arbitraries.oneOf(choices);
  }

  static String stripOws(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
      a++;
    }
    while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
      b--;
    }
    return s.substring(a, b);
  }
}
