package io.loopwire.loop.driven;

import io.loopwire.loop.AcceptHandler;
import io.loopwire.loop.ConnectRequest;
import io.loopwire.loop.ListenOptions;
import io.loopwire.loop.Listener;
import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopProvider;
import io.loopwire.loop.LoopThread;
import io.loopwire.loop.TransportHandler;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code driven} loop by name: a {@link DrivenLoop} with a thread of Loopwire's own that drives it with
 * {@link DrivenLoop#run()}. Meant for running the behavioural suites and the CLI on the app-driven code
 * path; an application that drives the loop itself uses {@link DrivenLoop#open} directly.
 */
public final class DrivenLoopProvider implements LoopProvider {

  /** For {@link java.util.ServiceLoader}. */
  public DrivenLoopProvider() {}

  @Override
  public String name() {
    return "driven";
  }

  /** {@code threads} is ignored: a driven loop has one thread, named {@code threadNamePrefix + "0"}. */
  @Override
  public Loop create(LoopOptions options) {
    DrivenLoop loop = DrivenLoop.open(options);
    CompletableFuture<Void> exited = new CompletableFuture<>();
    Thread driver = new Thread(() -> {
      try {
        loop.run();
      } finally {
        exited.complete(null);
      }
    }, options.threadNamePrefix() + "0");
    driver.start();
    return new SelfDriven(loop, exited);
  }

  /** The loop plus its driver thread: shutdown completes once the thread has exited too. */
  private static final class SelfDriven implements Loop {
    private final DrivenLoop loop;
    private final CompletableFuture<Void> exited;
    private final AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();

    SelfDriven(DrivenLoop loop, CompletableFuture<Void> exited) {
      this.loop = loop;
      this.exited = exited;
    }

    @Override
    public LoopThread next() {
      return loop;
    }

    @Override
    public CompletableFuture<Listener> listen(InetSocketAddress address, ListenOptions options, AcceptHandler handler) {
      return loop.listen(address, options, handler);
    }

    @Override
    public ConnectRequest connect(InetSocketAddress remote, LoopThread thread, TransportHandler handler,
        Duration timeout) {
      return loop.connect(remote, thread, handler, timeout);
    }

    @Override
    public void adopt(SocketChannel channel, LoopThread thread, TransportHandler handler) {
      loop.adopt(channel, thread, handler);
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      CompletableFuture<Void> f = shutdown.get();
      if (f == null) {
        CompletableFuture<Void> mine = loop.shutdown().thenCombine(exited, (a, b) -> null);
        f = shutdown.compareAndSet(null, mine) ? mine : shutdown.get();
      }
      return f;
    }

    @Override
    public String toString() {
      return loop.toString();
    }
  }
}
