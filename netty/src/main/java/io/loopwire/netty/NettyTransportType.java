package io.loopwire.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.EventExecutor;

/**
 * The Netty transports Loopwire runs on, each with the loop name it is known by. The native ones need
 * their Netty artifact with the platform's classifier (loopwire-netty brings the {@code linux-x86_64} ones)
 * and a kernel that supports them; {@link #isAvailable()} says whether they can run here.
 */
public enum NettyTransportType {

  /** java.nio selectors through Netty: runs wherever the JDK does. Loop name {@code netty-nio}. */
  NIO("netty-nio", "netty-transport"),
  /** Linux epoll (edge-triggered). Loop name {@code netty-epoll}. */
  EPOLL("netty-epoll", "netty-transport-native-epoll"),
  /** Linux io_uring (kernel 5.14 or later). Loop name {@code netty-io_uring}. */
  IO_URING("netty-io_uring", "netty-transport-native-io_uring");

  /**
   * Netty's switch for multishot {@code POLL_ADD} on io_uring, read once when {@code IoUring} initializes.
   * With it on, Netty 4.2.18 can miss a reset that arrives together with the last data: the one poll
   * event is consumed by the read of that data and nothing reports the pending error, so the connection
   * stays open until something writes to it. Single-shot polls re-arm after every read and see it.
   */
  static final String IO_URING_POLL_MULTISHOT = "io.netty.iouring.pollAddMultishotEnabled";

  static {
    // Before anything of ours touches IoUring; an application's explicit choice wins.
    if (System.getProperty(IO_URING_POLL_MULTISHOT) == null) {
      System.setProperty(IO_URING_POLL_MULTISHOT, "false");
    }
  }

  private final String loopName;
  private final String artifact;

  NettyTransportType(String loopName, String artifact) {
    this.loopName = loopName;
    this.artifact = artifact;
  }

  /** The name {@link io.loopwire.loop.Loops#create} knows this transport by. */
  public String loopName() {
    return loopName;
  }

  /** Whether this transport can run here (native library loaded, kernel support present). Thread: any. */
  public boolean isAvailable() {
    return unavailabilityCause() == null;
  }

  /**
   * Why this transport cannot run here, as Netty reports it ({@code Epoll.unavailabilityCause()},
   * {@code IoUring.unavailabilityCause()}), or {@code null} if it can. Thread: any.
   */
  public Throwable unavailabilityCause() {
    try {
      switch (this) {
        case NIO:
          return null;
        case EPOLL:
          return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
        case IO_URING:
          return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
        default:
          throw new AssertionError(this);
      }
    } catch (LinkageError e) {
      // The classes are missing altogether: the artifact was excluded from the class path.
      return new UnsupportedOperationException(
          "the classes of io.netty:" + artifact + " are not on the class path (" + e + ")", e);
    }
  }

  IoHandlerFactory ioHandlerFactory() {
    switch (this) {
      case NIO:
        return NioIoHandler.newFactory();
      case EPOLL:
        return EpollIoHandler.newFactory();
      case IO_URING:
        return IoUringIoHandler.newFactory();
      default:
        throw new AssertionError(this);
    }
  }

  Class<? extends IoHandler> ioHandlerClass() {
    switch (this) {
      case NIO:
        return NioIoHandler.class;
      case EPOLL:
        return EpollIoHandler.class;
      case IO_URING:
        return IoUringIoHandler.class;
      default:
        throw new AssertionError(this);
    }
  }

  SocketChannel newSocketChannel() {
    switch (this) {
      case NIO:
        return new NioSocketChannel();
      case EPOLL:
        return new EpollSocketChannel();
      case IO_URING:
        return new IoUringSocketChannel();
      default:
        throw new AssertionError(this);
    }
  }

  ServerSocketChannel newServerSocketChannel() {
    switch (this) {
      case NIO:
        return new NioServerSocketChannel();
      case EPOLL:
        return new EpollServerSocketChannel();
      case IO_URING:
        return new IoUringServerSocketChannel();
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Whether Netty's io_uring transport runs with multishot {@code POLL_ADD}, which can miss resets (see
   * {@link #IO_URING_POLL_MULTISHOT}); only possible when the application initialized io_uring before
   * Loopwire or turned it on explicitly.
   */
  static boolean ioUringMissesResets() {
    try {
      return IoUring.isAvailable() && IoUring.isPollAddMultishotEnabled();
    } catch (LinkageError e) {
      return false;
    }
  }

  /** Whether {@code executor} is an event loop of this transport. */
  boolean runs(EventExecutor executor) {
    if (!(executor instanceof IoEventLoop)) {
      return false;
    }
    try {
      return ((IoEventLoop) executor).isIoType(ioHandlerClass());
    } catch (LinkageError e) {
      return false; // the transport's classes are missing, so the group cannot be of this kind
    }
  }

  /** The transport whose event loops make up {@code group}, or {@code null} if they are not all of one. */
  static NettyTransportType of(EventLoopGroup group) {
    for (NettyTransportType type : values()) {
      boolean all = true;
      boolean any = false;
      for (EventExecutor e : group) {
        any = true;
        if (!type.runs(e)) {
          all = false;
          break;
        }
      }
      if (any && all) {
        return type;
      }
    }
    return null;
  }
}
