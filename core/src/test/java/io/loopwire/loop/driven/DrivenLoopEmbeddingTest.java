package io.loopwire.loop.driven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.Recorder;
import io.loopwire.loop.Transport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A driven loop embedded in an application's own selector loop: both the application's channels and
 * Loopwire's are served by one {@code select}, on the application's thread.
 */
@Timeout(60)
class DrivenLoopEmbeddingTest {

  /** A tiny application: its own echo server on its own selector, plus Loopwire embedded in it. */
  private static final class App implements Runnable {
    final Selector selector;
    final DrivenLoop loop;
    final ServerSocketChannel appServer;
    final CompletableFuture<Void> stop = new CompletableFuture<>();
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    final AtomicInteger appKeys = new AtomicInteger();
    volatile Thread thread;

    App() throws Exception {
      selector = Selector.open();
      loop = DrivenLoop.embed(selector, LoopOptions.defaults());
      appServer = ServerSocketChannel.open();
      appServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      appServer.configureBlocking(false);
      appServer.register(selector, SelectionKey.OP_ACCEPT, "app-server");
    }

    @Override
    public void run() {
      thread = Thread.currentThread();
      try {
        while (!stop.isDone()) {
          turn();
        }
        loop.shutdown();
        while (loop.runPending()) {
          turn();
        }
        finished.complete(null);
      } catch (Throwable t) {
        finished.completeExceptionally(t);
      }
    }

    /** One turn of the application's loop, with Loopwire's three calls in it. */
    private void turn() throws Exception {
      long idle = loop.idleNanos();
      long millis = idle == Long.MAX_VALUE ? 50 : Math.min(50, idle / 1_000_000);
      if (millis <= 0) {
        selector.selectNow();
      } else {
        selector.select(millis);
      }
      for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
        SelectionKey key = it.next();
        it.remove();
        if (!loop.dispatch(key)) {
          appKeys.incrementAndGet();
          handleAppKey(key);
        }
      }
      loop.runPending();
    }

    private void handleAppKey(SelectionKey key) throws Exception {
      if (key.isAcceptable()) {
        SocketChannel c = appServer.accept();
        if (c != null) {
          c.configureBlocking(false);
          c.register(selector, SelectionKey.OP_READ, "app-conn");
        }
      } else if (key.isReadable()) {
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer b = ByteBuffer.allocate(1024);
        int n = c.read(b);
        if (n < 0) {
          key.cancel();
          c.close();
          return;
        }
        b.flip();
        c.write(b); // tiny echoes fit the socket buffer
      }
    }
  }

  private static String roundTrip(InetSocketAddress to, String text) throws Exception {
    try (Socket s = new Socket(to.getAddress(), to.getPort())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(text.length()), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void loopwireAndTheApplicationShareOneSelectorOnTheApplicationsThread() throws Exception {
    App app = new App();
    Thread t = new Thread(app, "app-selector-loop");
    t.start();
    try {
      CompletableFuture<String> callbackThread = new CompletableFuture<>();
      Listener listener = app.loop.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          ListenOptions.defaults(), tr -> new Recorder() {
            @Override
            protected void whenRead(Transport x, ByteBuffer data) {
              callbackThread.complete(Thread.currentThread().getName());
              ByteBuffer copy = ByteBuffer.allocate(data.remaining());
              copy.put(data).flip();
              x.write(copy);
              x.flush();
            }
          }).get(20, TimeUnit.SECONDS);
      assertThat(roundTrip(listener.localAddress(), "to loopwire")).isEqualTo("to loopwire");
      assertThat(roundTrip((InetSocketAddress) app.appServer.getLocalAddress(), "to the app")).isEqualTo("to the app");
      assertThat(callbackThread.get(20, TimeUnit.SECONDS)).isEqualTo("app-selector-loop");
      assertThat(app.appKeys.get()).as("keys left to the application").isPositive();
      assertThatThrownBy(() -> app.loop.runOnce(Duration.ZERO)).isInstanceOf(IllegalStateException.class);

      app.stop.complete(null);
      app.finished.get(20, TimeUnit.SECONDS);
      assertThat(listener.close()).isDone();
      assertThat(app.selector.isOpen()).as("the selector is the application's").isTrue();
      assertThat(app.appServer.isOpen()).isTrue();
    } finally {
      app.stop.complete(null);
      t.join(20_000);
      app.appServer.close();
      app.selector.close();
    }
  }
}
