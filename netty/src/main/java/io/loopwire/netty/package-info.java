/**
 * Loopwire on Netty 4.2 event loops: the loops {@code netty-nio}, {@code netty-epoll} and
 * {@code netty-io_uring} (found by name through {@link java.util.ServiceLoader}), and
 * {@link io.loopwire.netty.NettyLoops#borrow} to run Loopwire on an application's own
 * {@link io.netty.channel.EventLoopGroup} without ever shutting it down. Depends on the core's loop SPI only.
 */
package io.loopwire.netty;
