package io.loopwire.bench.peer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The Netty reference peer for bench/compare.sh: the idiomatic Netty 4.2 WebSocket echo server
 * ({@link WebSocketServerProtocolHandler}; frames are written back as they are and flushed once per read
 * batch), plus {@code GET /small}, a fixed small keep-alive response for the HTTP scenario.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.loopwire.bench.peer.NettyEchoServer [--port P]
 *     [--transport nio|epoll] [--threads N] [--small-bytes N]</pre>
 *
 * Prints {@code LISTENING <port>} once bound to 127.0.0.1; runs until killed.
 */
public final class NettyEchoServer {

  private NettyEchoServer() {}

  public static void main(String[] args) throws Exception {
    int port = 0;
    String transport = "nio";
    int threads = Runtime.getRuntime().availableProcessors();
    int smallBytes = 480;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--transport" -> transport = args[++i];
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--small-bytes" -> smallBytes = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: [--port P] [--transport nio|epoll] [--threads N] [--small-bytes N]");
      }
    }
    IoHandlerFactory io;
    Class<? extends ServerChannel> channel;
    if (transport.equals("epoll")) {
      Epoll.ensureAvailability();
      io = EpollIoHandler.newFactory();
      channel = EpollServerSocketChannel.class;
    } else if (transport.equals("nio")) {
      io = NioIoHandler.newFactory();
      channel = NioServerSocketChannel.class;
    } else {
      throw new IllegalArgumentException("--transport must be nio or epoll, got " + transport);
    }
    byte[] small = new byte[smallBytes];
    java.util.Arrays.fill(small, (byte) 'x');
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, io);
    try {
      ServerBootstrap b = new ServerBootstrap()
          .group(group)
          .channel(channel)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(
                  new HttpServerCodec(),
                  new HttpObjectAggregator(65536),
                  new SmallResponse(small),
                  new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                      .websocketPath("/")
                      .checkStartsWith(true)
                      .maxFramePayloadLength(16 << 20)
                      .build()),
                  new Echo());
            }
          });
      Channel server = b.bind("127.0.0.1", port).sync().channel();
      System.out.println("LISTENING " + ((InetSocketAddress) server.localAddress()).getPort());
      System.out.flush();
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  /** Echoes text and binary frames as they are (the frame's buffer is handed back to the pipeline). */
  @ChannelHandler.Sharable
  static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
        ctx.write(msg, ctx.voidPromise());
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** {@code GET /small}: a fixed body, keep-alive; anything else goes on to the WebSocket handler. */
  static final class SmallResponse extends ChannelInboundHandlerAdapter {
    private final ByteBuf body;

    SmallResponse(byte[] body) {
      this.body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(body.length).writeBytes(body));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest req && req.method() == HttpMethod.GET && req.uri().equals("/small")) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        req.release();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            body.duplicate());
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "image/svg+xml")
            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (keepAlive) {
          res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
          ctx.write(res, ctx.voidPromise());
        } else {
          ctx.write(res).addListener(ChannelFutureListener.CLOSE);
        }
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
      ctx.fireChannelReadComplete();
    }
  }
}
