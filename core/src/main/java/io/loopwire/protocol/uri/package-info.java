/**
 * URIs for WebSocket and HTTP clients: {@link io.loopwire.protocol.uri.Uri} parses absolute ws, wss, http
 * and https URIs without modifying its input, and resolves references (RFC 3986 section 5) for
 * redirects. Errors are {@link io.loopwire.protocol.uri.UriSyntaxException}s naming the character, its
 * index and the fix; input length is bounded by {@link io.loopwire.protocol.uri.UriLimits}.
 */
package io.loopwire.protocol.uri;
