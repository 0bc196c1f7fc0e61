package io.loopwire.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server connection over a fake transport: what a real socket cannot show (memory bounds). */
class ServerExchangeTest {

  @TempDir
  Path tmp;

  private static final HttpServerSettings SETTINGS = HttpServerSettings.defaults();

  private FakeLoop open(Consumer<ServerExchange> handler) {
    FakeLoop loop = new FakeLoop();
    ServerRouter router = new ServerRouter() {
      @Override
      public UpgradeDecision onUpgrade(Http1Request request, List<String> offered, Transport transport) {
        return UpgradeDecision.reject(404, Http1Fields.empty(), new byte[0]);
      }

      @Override
      public void onRequest(ServerExchange exchange) {
        handler.accept(exchange);
      }

      @Override
      public HttpServerSettings settings() {
        return SETTINGS;
      }
    };
    HttpServerConnection conn = new HttpServerConnection(loop, router, SETTINGS.limits());
    loop.handler = conn;
    conn.onOpen(loop);
    return loop;
  }

  private static void send(FakeLoop loop, String request) {
    loop.handler.onRead(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aLargeFileIsQueuedAtMostAWatermarkAhead() throws IOException {
    byte[] content = new byte[10 * 1024 * 1024 + 17];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i % 251);
    }
    Path file = tmp.resolve("big");
    Files.write(file, content);
    FakeLoop loop = open(ex -> {
      try {
        ex.respondFile(200, null, Http1Fields.empty(), FileChannel.open(file, StandardOpenOption.READ), 0,
            content.length);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    send(loop, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
    int rounds = 0;
    while (loop.pending > 0 && rounds++ < 10_000) {
      loop.drain();
    }
    long bound = SETTINGS.sendHighWatermark() + SETTINGS.fileChunkBytes() + 1024;
    assertThat(loop.maxPending).as("bytes queued ahead of the socket").isLessThanOrEqualTo(bound);
    assertThat(rounds).as("many drain rounds, not one big write").isGreaterThan(20);
    byte[] out = loop.written();
    int bodyStart = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;
    assertThat(Arrays.equals(Arrays.copyOfRange(out, bodyStart, out.length), content)).isTrue();
    assertThat(loop.closed).isFalse();
  }

  @Test
  void aStreamedResponseAfterTheClientLeftCompletesItsListenerOnceWithACause() {
    AtomicInteger completes = new AtomicInteger();
    Throwable[] cause = new Throwable[1];
    ServerExchange.ResponseStream[] stream = new ServerExchange.ResponseStream[1];
    FakeLoop loop = open(ex -> stream[0] = ex.respondStream(200, null, Http1Fields.empty(), s ->
        new ServerExchange.StreamListener() {
          @Override
          public void onWritable() {}

          @Override
          public void onComplete(Throwable c) {
            completes.incrementAndGet();
            cause[0] = c;
          }
        }));
    send(loop, "GET /events HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(stream[0].write(ByteBuffer.wrap(new byte[] {1}))).isTrue();
    loop.handler.onClosed(new IOException("reset by peer"));
    assertThat(completes).hasValue(1);
    assertThat(cause[0]).hasMessage("reset by peer");
    assertThat(stream[0].write(ByteBuffer.wrap(new byte[] {2}))).isFalse();
    stream[0].end(Http1Fields.empty());
    loop.runTasks();
    assertThat(completes).hasValue(1);
  }

  @Test
  void pipelinedBytesStopTheReadingOnceEnoughAreBuffered() {
    ServerExchange[] first = new ServerExchange[1];
    AtomicInteger requests = new AtomicInteger();
    FakeLoop loop = open(ex -> {
      requests.incrementAndGet();
      if (first[0] == null) {
        first[0] = ex; // answered later
      } else {
        ex.respond(204, null, Http1Fields.empty(), null);
      }
    });
    String one = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";
    send(loop, one);
    StringBuilder many = new StringBuilder();
    while (many.length() < HttpServerConnection.READ_PAUSE_BYTES + 1) {
      many.append(one);
    }
    send(loop, many.toString());
    assertThat(loop.readInterest).as("reading pauses while requests wait").isFalse();
    assertThat(requests).hasValue(1);
    first[0].respond(200, null, Http1Fields.empty(), null);
    assertThat(loop.readInterest).as("reading resumes once they are answered").isTrue();
    assertThat(requests.get()).isGreaterThan(1000);
  }

  private static int indexOf(byte[] a, byte[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (a[i + j] != b[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
