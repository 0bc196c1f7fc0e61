package io.loopwire;

import java.nio.ByteBuffer;

/**
 * Receives a response body piece by piece ({@link HttpClient#stream}): for downloads that should not be
 * held in memory. The request's future completes after the last piece (with the head and trailers) or
 * fails, exactly once; after it nothing more is called.
 */
public interface ResponseBodyListener {

  /** Pauses and resumes the delivery of pieces: the connection stops reading, TCP slows the server. */
  interface Flow {
    /** Thread: any. */
    void pause();

    /** Thread: any. */
    void resume();
  }

  /**
   * The final response head (its body is empty here). A redirect that is followed is not reported.
   *
   * <p>Thread: a loop thread. Calls: at most once, before any {@code onData}. Ownership: {@code head} is
   * the receiver's. May: pause; never block.
   */
  default void onHead(HttpClientResponse head, Flow flow) {}

  /**
   * A piece of the body, after chunked framing is removed; never empty.
   *
   * <p>Thread: a loop thread. Calls: zero or more times, in order, never while paused. Ownership:
   * {@code data} is read-only and borrowed until this returns; copy what you keep. May: pause; never
   * block. If this throws, the request fails ({@code CANCELLED}) and its connection is dropped.
   */
  void onData(ByteBuffer data);
}
