/**
 * The behavioural suites every loop must pass (STYLE 8), as abstract JUnit 5 classes: {@link
 * io.loopwire.testkit.EchoSuite}, {@link io.loopwire.testkit.CloseHandshakeSuite}, {@link
 * io.loopwire.testkit.BackpressureSuite}, {@link io.loopwire.testkit.LifecycleSuite}, {@link
 * io.loopwire.testkit.UpgradeSuite}, {@link io.loopwire.testkit.HttpServerSuite} and {@link
 * io.loopwire.testkit.HttpClientSuite}. A loop runs them through one tiny subclass each that names it:
 *
 * <pre>{@code
 * class NettyEpollEchoTest extends EchoSuite {
 *   @Override protected String loopName() { return "netty-epoll"; }
 * }
 * }</pre>
 *
 * <p>Add the artifact with test scope. {@link io.loopwire.testkit.LoopSuite#configure} adjusts the
 * config the suites start from, and {@link io.loopwire.testkit.LoopSuite#isLoopThread} says which threads
 * are the loop's (by default the ones named with {@link io.loopwire.testkit.LoopSuite#THREAD_PREFIX}).
 *
 * <p>The tools are usable on their own: {@link io.loopwire.testkit.Recorder} (a {@code WsHandler} that
 * logs every callback with its thread and checks the threading and lifecycle contracts as calls arrive),
 * {@link io.loopwire.testkit.RawSocket} and {@link io.loopwire.testkit.RawServer} (blocking peers written
 * independently of Loopwire's codecs, for bad input and misbehaving peers), and {@link
 * io.loopwire.testkit.TestProxy} (a blocking HTTP proxy: CONNECT tunnels and absolute-form forwarding).
 *
 * <p>Every wait is bounded (10 s), no test asserts on speed, and timeouts a test needs to fire are set to
 * 200 ms. The suites turn on debug mode ({@code io.loopwire.debug}), in which loops poison lent buffers.
 */
package io.loopwire.testkit;
