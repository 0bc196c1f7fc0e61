/**
 * The sans-I/O protocol core: URI, HTTP/1.1, WebSocket, permessage-deflate and UTF-8, as pure functions
 * and state machines over bytes. Nothing here touches a socket, a thread, a logger or a clock; time comes
 * in as a {@code long nowNanos} argument. Every buffer is bounded by a limits record.
 */
package io.loopwire.protocol;
