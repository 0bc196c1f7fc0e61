package io.loopwire.netty;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopUnavailableException;
import io.loopwire.loop.Loops;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loops on Netty 4.2 event loops: owned ones, which Loopwire creates and stops (also reachable by name:
 * {@code Loops.create("netty-epoll", options)}), and borrowed ones over the application's own
 * {@link EventLoopGroup}, which Loopwire never shuts down.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory()); // the app's
 * Loop loop = NettyLoops.borrow(group);
 * Loopwire lw = Loopwire.start(LoopwireConfig.defaults().withLoop(loop).withVhost(...));
 * ...
 * lw.close();                 // closes Loopwire's listeners and connections; the group keeps running
 * loop.shutdown().join();     // releases whatever else was opened through this loop (nothing, here)
 * group.shutdownGracefully(); // the app's call, when the app is done with its group
 * }</pre>
 */
public final class NettyLoops {

  private NettyLoops() {}

  /**
   * Starts a new event loop group of {@code type} that the returned loop owns: its
   * {@link Loop#shutdown()} closes everything and stops the group's threads.
   *
   * <p>Thread: any.
   *
   * @param options threads (the group's size), thread name prefix, read buffer limit and close-flush
   *     timeout
   * @throws LoopUnavailableException if {@code type} cannot run here; the message names the loop, gives
   *     Netty's reason ({@code Epoll.unavailabilityCause()}, ...) and lists the loops that would work
   */
  public static Loop create(NettyTransportType type, LoopOptions options) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(options, "options");
    Throwable cause = type.unavailabilityCause();
    if (cause != null) {
      throw unavailable(type, cause);
    }
    EventLoopGroup group;
    List<Thread> threads = new CopyOnWriteArrayList<>();
    try {
      group = new MultiThreadIoEventLoopGroup(options.threads(), threadFactory(options.threadNamePrefix(), threads),
          type.ioHandlerFactory());
    } catch (RuntimeException | LinkageError e) {
      // For example io_uring that loads but is refused by the kernel or a seccomp filter when a ring is set up.
      throw unavailable(type, e);
    }
    warnIfMultishot(type, "the io_uring loop");
    return new NettyLoop(type, group, threads, options);
  }

  /** Like {@link #borrow(EventLoopGroup, LoopOptions)} with {@link LoopOptions#defaults()}. */
  public static Loop borrow(EventLoopGroup group) {
    return borrow(group, LoopOptions.defaults());
  }

  /**
   * A loop over {@code group}, which the application created and keeps owning. Loopwire places its
   * listeners and connections on the group's event loops next to the application's own channels, and
   * never shuts the group down: {@link Loop#shutdown()} on the returned loop closes only what was opened
   * through it (each transport gets {@code onClosed}, pending connects {@code onConnectFailed}, pending
   * timers are cancelled) and completes when all of that is gone, leaving the group running. If the
   * application shuts the group down first, every transport still gets {@code onClosed} and
   * {@code shutdown()} still completes.
   *
   * <p>The transport (NIO, epoll or io_uring) is the group's: Netty 4.2 groups built on
   * {@code NioIoHandler}, {@code EpollIoHandler} or {@code IoUringIoHandler} are recognised. Borrow a
   * group once and share the loop between Loopwire contexts, or borrow it again per context: both work.
   *
   * <p>Thread: any. Ownership: {@code group} is borrowed, never shut down.
   *
   * @param options only {@code readBufferBytes} and {@code closeFlushTimeout} apply (the threads are the
   *     group's)
   * @throws IllegalArgumentException if the group's event loops are not all of one of the three transports,
   *     or the group is already shutting down
   */
  public static Loop borrow(EventLoopGroup group, LoopOptions options) {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(options, "options");
    if (group.isShuttingDown()) {
      throw new IllegalArgumentException("the event loop group " + group + " is shutting down; borrow a live one");
    }
    NettyTransportType type = NettyTransportType.of(group);
    if (type == null) {
      throw new IllegalArgumentException("the event loop group " + group + " does not run one of Netty's NIO, "
          + "epoll or io_uring transports (build it as new MultiThreadIoEventLoopGroup(n, NioIoHandler.newFactory()), "
          + "EpollIoHandler.newFactory() or IoUringIoHandler.newFactory())");
    }
    warnIfMultishot(type, "the io_uring group " + group);
    return new NettyLoop(type, group, null, options);
  }

  /** io_uring initialized before Loopwire's netty loops loaded keeps the polls that miss resets: say so. */
  private static void warnIfMultishot(NettyTransportType type, String what) {
    if (type != NettyTransportType.IO_URING || !NettyTransportType.ioUringMissesResets()) {
      return;
    }
    NettyLoop.LOG.log(System.Logger.Level.WARNING, what + " runs with multishot POLL_ADD, with which Netty can "
        + "miss a peer's reset that arrives right after data (the connection then stays open until a timeout or a "
        + "write); start the JVM with -D" + NettyTransportType.IO_URING_POLL_MULTISHOT + "=false, or let "
        + "Loopwire's netty loops load before io_uring is first used");
  }

  static LoopUnavailableException unavailable(NettyTransportType type, Throwable cause) {
    List<String> working = new ArrayList<>();
    for (String name : Loops.available()) {
      NettyTransportType t = byLoopName(name);
      if (t != type && (t == null || t.isAvailable())) {
        working.add(name);
      }
    }
    String reason = cause == null ? "no reason given" : describe(cause);
    return new LoopUnavailableException(type.loopName(),
        "loop \"" + type.loopName() + "\" cannot run here: " + reason + "; loops that work here: " + working, cause);
  }

  private static String describe(Throwable cause) {
    StringBuilder b = new StringBuilder(String.valueOf(cause));
    Throwable c = cause.getCause();
    for (int i = 0; i < 3 && c != null && c != cause; i++, c = c.getCause()) {
      b.append(" (caused by ").append(c).append(')');
    }
    return b.toString();
  }

  static NettyTransportType byLoopName(String name) {
    for (NettyTransportType t : NettyTransportType.values()) {
      if (t.loopName().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** Names the threads and remembers them, so that shutdown can wait until they have exited. */
  private static ThreadFactory threadFactory(String prefix, List<Thread> made) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new FastThreadLocalThread(r, prefix + n.getAndIncrement());
      made.add(t);
      return t;
    };
  }
}
