package io.loopwire.loop.nio;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.Loops;
import io.loopwire.loop.Recorder;
import io.loopwire.loop.Transport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code writeCopy} on the nio loop: bytes go out in order with {@code write}s around them, the caller's
 * buffer is never kept, and every pooled chunk goes back to the thread, once written or when the
 * transport closes with bytes still queued.
 */
@Timeout(60)
class NioWriteCopyTest {

  private static final long WAIT = 20;
  private Loop loop;
  private NioThread thread;
  private ServerSocket peer;

  @BeforeEach
  void start() throws Exception {
    loop = Loops.create("nio", LoopOptions.defaults().withThreads(1).withThreadNamePrefix("writecopy-"));
    thread = (NioThread) loop.next();
    peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws Exception {
    peer.close();
    loop.shutdown().get(WAIT, TimeUnit.SECONDS);
  }

  private static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private int chunksOut() throws Exception {
    CompletableFuture<Integer> n = new CompletableFuture<>();
    thread.execute(() -> n.complete(thread.chunksOut()));
    return n.get(WAIT, TimeUnit.SECONDS);
  }

  @Test
  void copiedBytesGoOutInOrderAndEveryChunkComesBack() throws Exception {
    byte[] big = pattern(3 * NioThread.CHUNK_BYTES + 123, 1); // spans four chunks
    byte[] small = pattern(10, 2);
    byte[] heap = pattern(5000, 3);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(small);
    expected.write(big);
    expected.write(heap);
    expected.write(small);
    expected.write(small);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Recorder client = new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        ByteBuffer scratch = ByteBuffer.wrap(small);
        t.writeCopy(scratch);
        ByteBuffer view = ByteBuffer.wrap(big).asReadOnlyBuffer();
        t.writeCopy(view);
        assertThat(view.position()).isZero(); // borrowed: left as it was
        t.write(ByteBuffer.wrap(heap.clone()));
        t.writeCopy(scratch);
        t.writeCopy(scratch);
        scratch.array()[0] = 0; // the caller's to reuse at once
        t.flush();
        if (t.pendingWriteBytes() == 0) {
          drained.complete(null);
        }
      }

      @Override
      protected void whenDrained(Transport t) {
        drained.complete(null);
      }
    };
    loop.connect(new java.net.InetSocketAddress(peer.getInetAddress(), peer.getLocalPort()), thread, client,
        Duration.ofSeconds(10));
    try (Socket s = peer.accept()) {
      byte[] got = s.getInputStream().readNBytes(expected.size());
      assertThat(got).isEqualTo(expected.toByteArray());
      drained.get(WAIT, TimeUnit.SECONDS);
      assertThat(chunksOut()).as("chunks lent out after everything was written").isZero();
    }
  }

  @Test
  void closingWithCopiedBytesStillQueuedGivesTheChunksBack() throws Exception {
    CompletableFuture<Long> queued = new CompletableFuture<>();
    Recorder client = new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        byte[] block = pattern(NioThread.CHUNK_BYTES, 4);
        for (int i = 0; i < 200; i++) { // 12.5 MiB: far more than the socket buffers take
          t.writeCopy(ByteBuffer.wrap(block));
          t.flush();
        }
        queued.complete(t.pendingWriteBytes());
      }
    };
    loop.connect(new java.net.InetSocketAddress(peer.getInetAddress(), peer.getLocalPort()), thread, client,
        Duration.ofSeconds(10));
    try (Socket s = peer.accept()) { // never reads
      assertThat(queued.get(WAIT, TimeUnit.SECONDS)).isPositive();
      assertThat(chunksOut()).isPositive();
      Transport t = client.opened.get(WAIT, TimeUnit.SECONDS);
      t.abort();
      client.closed.get(WAIT, TimeUnit.SECONDS);
      assertThat(chunksOut()).as("chunks lent out after the transport closed").isZero();
      InputStream in = s.getInputStream();
      assertThat(in).isNotNull();
    }
  }

  @Test
  void pastThePoolBoundCopiesGoToTheHeapAndStillArriveInOrder() throws Exception {
    int blocks = NioThread.MAX_CHUNKS_OUT + 20;
    CompletableFuture<Void> done = new CompletableFuture<>();
    Recorder client = new Recorder() {
      @Override
      protected void whenOpen(Transport t) {
        for (int i = 0; i < blocks; i++) { // no flush: everything is queued first
          t.writeCopy(ByteBuffer.wrap(pattern(NioThread.CHUNK_BYTES, i)));
        }
        t.flush();
        if (t.pendingWriteBytes() == 0) {
          done.complete(null);
        }
      }

      @Override
      protected void whenDrained(Transport t) {
        done.complete(null);
      }
    };
    loop.connect(new java.net.InetSocketAddress(peer.getInetAddress(), peer.getLocalPort()), thread, client,
        Duration.ofSeconds(10));
    try (Socket s = peer.accept()) {
      InputStream in = s.getInputStream();
      for (int i = 0; i < blocks; i++) {
        assertThat(in.readNBytes(NioThread.CHUNK_BYTES)).as("block %d", i).isEqualTo(pattern(NioThread.CHUNK_BYTES, i));
      }
      done.get(WAIT, TimeUnit.SECONDS);
      assertThat(chunksOut()).isZero();
    }
  }
}
