package io.loopwire.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

/** The transport contract on {@link NettyTransportType#IO_URING}, on a group the loop owns. */
class NettyIoUringTransportTest extends TransportContract {
  @Override
  NettyTransportType type() {
    return NettyTransportType.IO_URING;
  }

  @Test
  void loopwireTurnsOffTheMultishotPollThatMissesResets() {
    assertThat(IoUring.isPollAddMultishotEnabled())
        .as("-D%s left on: resets racing a read go unnoticed", NettyTransportType.IO_URING_POLL_MULTISHOT)
        .isFalse();
    assertThat(NettyTransportType.ioUringMissesResets()).isFalse();
  }
}
