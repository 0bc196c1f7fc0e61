package io.loopwire;

import io.loopwire.protocol.http1.Http1Request;
import java.net.InetSocketAddress;

/**
 * Answers plain (non-upgrade) HTTP requests on a vhost. Thread: the connection's loop thread; never
 * block. Calls: once per request, in order for pipelined requests. Ownership: {@code request} is owned
 * by the receiver (immutable); the returned response is Loopwire's.
 */
@FunctionalInterface
public interface HttpHandler {

  /** Returns the response, or {@code null} for 404 Not Found. */
  HttpResponse handle(Http1Request request, InetSocketAddress remoteAddress);
}
