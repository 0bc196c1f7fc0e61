package io.loopwire.cli;

/**
 * One connection's in-flight send times, oldest first: echo servers answer in order, so the oldest stamp
 * belongs to the echo that arrived. A ring of {@code depth} slots, no allocation per message. Loop thread
 * only.
 */
final class SendTimes {

  private final long[] sentAt;
  private int head;
  private int inFlight;

  SendTimes(int depth) {
    this.sentAt = new long[depth];
  }

  int depth() {
    return sentAt.length;
  }

  /** Notes a message sent at {@code now}; at most {@link #depth()} may be in flight. */
  void sent(long now) {
    int tail = head + inFlight;
    sentAt[tail >= sentAt.length ? tail - sentAt.length : tail] = now;
    inFlight++;
  }

  /** The oldest message's echo arrived at {@code now}: its round trip in nanoseconds, or -1 if none was in flight. */
  long echoed(long now) {
    if (inFlight == 0) {
      return -1;
    }
    long roundTrip = now - sentAt[head];
    head = head + 1 == sentAt.length ? 0 : head + 1;
    inFlight--;
    return roundTrip;
  }
}
