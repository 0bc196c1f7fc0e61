package io.loopwire;

/**
 * Answers the plain HTTP requests under a {@link Mount#handler handler mount}.
 *
 * <pre>{@code
 * Mount.handler("/api/echo", ex -> ex.readBodyBytes().thenAccept(body ->
 *     ex.respond(HttpResponse.of(200, "application/octet-stream", body))));
 * }</pre>
 */
@FunctionalInterface
public interface HttpExchangeHandler {

  /**
   * A request head arrived. Answer through {@code exchange}, now or later, from any thread: exactly one of
   * {@code respond}, {@code respondFile}, {@code respondStream} or {@code respondEvents}. Requests on one
   * connection come one at a time, in order: the next one is read once this one's response is complete.
   *
   * <p>Thread: the connection's loop thread. Calls: once per request. Ownership: {@code exchange} is
   * Loopwire's, lent to the application until the response is complete (keep it for an asynchronous
   * answer). May: read the body, respond, hand work to another thread; never block. If this throws before
   * a response has started, the client gets 500 and the connection closes.
   */
  void onRequest(HttpExchange exchange);
}
