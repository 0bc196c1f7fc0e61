/**
 * The loop SPI: what the engine needs from an event loop, and nothing more. Listen and accept, connect,
 * adopt, read and write bytes on a {@link io.loopwire.loop.Transport}, pause and resume reading, close,
 * timers, run-on-loop and is-on-loop. Readiness loops (the built-in {@code nio}, epoll) and completion
 * loops (io_uring, Netty channels) both fit behind it, and so does an app-driven loop whose single thread
 * is the application's own.
 *
 * <p>Loops are found by name through {@link java.util.ServiceLoader} ({@link io.loopwire.loop.Loops}).
 *
 * <p>Handles and requests, as in libuv:
 * <ul>
 *   <li>Handles: {@link io.loopwire.loop.Loop}, {@link io.loopwire.loop.Listener},
 *       {@link io.loopwire.loop.Transport}, {@link io.loopwire.loop.Timer}. Closing is idempotent and ends
 *       in exactly one close notification, even if the handle never fully opened.</li>
 *   <li>Requests: {@code listen} (a future), {@code connect} and {@code adopt} (the handler hears
 *       {@code onOpen} or {@code onConnectFailed}, exactly once). Queued writes complete together: they
 *       are either written before {@code onWriteDrained} or dropped before {@code onClosed}.</li>
 * </ul>
 *
 * <p>Threading: every callback for a transport runs on its {@link io.loopwire.loop.LoopThread}, never two
 * at once, and never from inside a call the handler made into the loop (no re-entrant callbacks).
 * Blocking in a callback blocks every transport on that thread.
 *
 * <p>This package depends on java.base only; it knows nothing of protocols, the engine or the api.
 */
package io.loopwire.loop;
