package io.loopwire.engine;

import java.util.concurrent.atomic.AtomicLong;

/** What an HTTP client counts; read by the api's stats. Thread: any. */
public final class ClientCounters {
  /** Requests accepted by send. */
  public final AtomicLong started = new AtomicLong();
  /** Requests completed with a response. */
  public final AtomicLong succeeded = new AtomicLong();
  /** Requests completed with a failure (cancellations and timeouts included). */
  public final AtomicLong failed = new AtomicLong();
  /** Sent requests sent again after their connection died before any response byte. */
  public final AtomicLong retried = new AtomicLong();
  /** Requests queued on a connection that died before sending them, dispatched again. */
  public final AtomicLong redispatched = new AtomicLong();
  /** Second attempts to complete a request: always 0 unless there is a bug. */
  public final AtomicLong duplicateCompletions = new AtomicLong();
  /** TCP connections opened (connect succeeded). */
  public final AtomicLong connectionsOpened = new AtomicLong();
  /** Connections open or connecting now. */
  public final AtomicLong connections = new AtomicLong();
}
