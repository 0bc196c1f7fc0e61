/**
 * The app-driven loop: {@link io.loopwire.loop.driven.DrivenLoop}, whose single thread is the
 * application's (it calls {@code runOnce} or {@code run}), optionally sharing the application's own
 * {@link java.nio.channels.Selector}. Provider name {@code driven} (with a thread of Loopwire's that drives
 * it, for tests and the CLI). Depends on the loop SPI only.
 */
package io.loopwire.loop.driven;
