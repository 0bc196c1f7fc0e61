package io.loopwire.protocol;

import java.nio.ByteBuffer;

/**
 * Where a sans-I/O connection hands its pending output ({@code drainTo(ByteSink)}).
 *
 * <p>Ownership: each buffer is transferred to the sink; the connection never touches it again. The sink
 * may keep it (to write later) or consume it at once.
 */
@FunctionalInterface
public interface ByteSink {

  /** Accepts {@code bytes} (position to limit). Thread: the caller's. */
  void accept(ByteBuffer bytes);
}
