package io.loopwire.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The application's own Netty server on a group that Loopwire borrows: a plain echo with Netty's usual
 * auto-read, to show that Loopwire's channels and the application's share the group without interfering.
 */
final class PlainNettyEcho implements AutoCloseable {

  private final Channel server;

  PlainNettyEcho(EventLoopGroup group, NettyTransportType type) throws Exception {
    server = new ServerBootstrap()
        .group(group)
        .channelFactory(type::newServerSocketChannel)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new Echo());
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  @ChannelHandler.Sharable
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** A blocking round trip through the echo server; fails the test if the answer is wrong. */
  void assertEchoes(String text) throws Exception {
    try (Socket s = new Socket(address().getAddress(), address().getPort())) {
      s.setSoTimeout((int) (NettyTesting.WAIT_SECONDS * 1000));
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] got = in.readNBytes(text.getBytes(StandardCharsets.UTF_8).length);
      assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(text);
    }
  }

  @Override
  public void close() throws Exception {
    server.close().sync();
  }
}
