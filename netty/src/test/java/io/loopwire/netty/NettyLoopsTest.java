package io.loopwire.netty;

import static io.loopwire.netty.NettyTesting.ascii;
import static io.loopwire.netty.NettyTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loopwire.loop.Loop;
import io.loopwire.loop.LoopOptions;
import io.loopwire.loop.LoopUnavailableException;
import io.loopwire.loop.Loops;
import io.loopwire.loop.Transport;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Discovery by name, the message for a transport that cannot run, what borrow accepts, adoption. */
@Timeout(60)
class NettyLoopsTest {

  @Test
  void theThreeLoopsAreFoundByName() {
    assertThat(Loops.available()).contains("nio", "netty-nio", "netty-epoll", "netty-io_uring");
    for (NettyTransportType type : NettyTransportType.values()) {
      assertThat(Loops.provider(type.loopName()).name()).isEqualTo(type.loopName());
    }
  }

  @Test
  void aTransportThatCannotRunNamesTheLoopNettysReasonAndTheLoopsThatWork() {
    Throwable nettySays = new UnsatisfiedLinkError("failed to load the required native library");
    LoopUnavailableException e = NettyLoops.unavailable(NettyTransportType.IO_URING,
        new IllegalStateException("io_uring is disabled by the kernel", nettySays));
    assertThat(e.loopName()).isEqualTo("netty-io_uring");
    assertThat(e).hasMessageContaining("loop \"netty-io_uring\" cannot run here")
        .hasMessageContaining("io_uring is disabled by the kernel")
        .hasMessageContaining("failed to load the required native library")
        .hasMessageContaining("loops that work here: [")
        .hasMessageContaining("nio")
        .hasMessageContaining("netty-nio");
    assertThat(e.getCause()).hasMessage("io_uring is disabled by the kernel");
    assertThat(e.getMessage().substring(e.getMessage().indexOf("loops that work here")))
        .doesNotContain("netty-io_uring");
    assertThat(NettyTransportType.NIO.isAvailable()).isTrue();
  }

  @Test
  void withNativeTransportsSwitchedOffCreateFailsWithTheReasonAndTheAlternatives() throws Exception {
    // A fresh JVM, because Netty decides native availability once, when its classes load.
    Process p = new ProcessBuilder(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"),
        NoNativeMain.class.getName(), "netty-epoll", "netty-io_uring", "netty-nio")
        .redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("netty-epoll UNAVAILABLE netty-epoll | loop \"netty-epoll\" cannot run here:")
        .contains("netty-io_uring UNAVAILABLE netty-io_uring | loop \"netty-io_uring\" cannot run here:")
        .contains("netty-nio CREATED");
    String epollLine = out.lines().filter(l -> l.startsWith("netty-epoll")).findFirst().orElseThrow();
    assertThat(epollLine).contains("noNative").contains("loops that work here: [").contains("nio")
        .contains("netty-nio").doesNotContain("netty-io_uring]");
  }

  @Test
  void borrowRecognisesTheGroupsTransportAndRefusesOthers() throws Exception {
    EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NettyTransportType.NIO.ioHandlerFactory());
    EventLoopGroup plain = new DefaultEventLoopGroup(1);
    try {
      Loop loop = NettyLoops.borrow(nio);
      assertThat(((NettyLoop) loop).type).isEqualTo(NettyTransportType.NIO);
      await(loop.shutdown());
      assertThat(nio.isShuttingDown()).as("a borrowed group is never shut down").isFalse();
      assertThatThrownBy(() -> NettyLoops.borrow(plain)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("NioIoHandler");
    } finally {
      nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      plain.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
    assertThatThrownBy(() -> NettyLoops.borrow(nio)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutting down");
  }

  @Test
  void nettyNioAdoptsAConnectedChannelAndTheNativeLoopsRefuseIt() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      for (NettyTransportType type : NettyTransportType.values()) {
        if (!type.isAvailable()) {
          continue;
        }
        Loop loop = NettyTesting.owned(type, "adopt", 1);
        try {
          SocketChannel channel = SocketChannel.open(server.getLocalAddress());
          try (Socket peer = server.accept().socket()) {
            Recorder adopted = new Recorder() {
              @Override
              void whenOpen(Transport t) {
                t.write(ascii("adopted"));
                t.flush();
                t.close();
              }
            };
            loop.adopt(channel, loop.next(), adopted);
            if (type == NettyTransportType.NIO) {
              InputStream in = peer.getInputStream();
              assertThat(new String(in.readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("adopted");
              assertThat(await(adopted.closed)).isNull();
            } else {
              assertThat(await(adopted.connectFailed)).isInstanceOf(UnsupportedOperationException.class)
                  .hasMessageContaining(type.loopName());
              assertThat(adopted.opens.get()).isZero();
            }
            assertThat(adopted.problems).isEmpty();
            for (int i = 0; i < 200 && channel.isOpen(); i++) {
              Thread.sleep(5);
            }
            assertThat(channel.isOpen()).as("the adopted channel is the loop's, closed in the end").isFalse();
          }
        } finally {
          await(loop.shutdown());
        }
      }
    }
  }
}
