/**
 * The built-in loop, provider name {@code nio}: N threads, one {@link java.nio.channels.Selector} each; a
 * connection stays on one thread for life. Not exported: reach it through
 * {@link io.loopwire.loop.Loops#create} like any other loop.
 */
package io.loopwire.loop.nio;
