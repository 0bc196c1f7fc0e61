package io.loopwire.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Finding loops by name, and the option records' defaults and checks. */
class LoopsTest {

  @Test
  void theBuiltInNioLoopIsFoundThroughServiceLoader() throws Exception {
    assertThat(Loops.available()).contains("nio");
    assertThat(Loops.DEFAULT).isEqualTo("nio");
    LoopProvider provider = Loops.provider("nio");
    assertThat(provider.name()).isEqualTo("nio");
    String prefix = LoopTesting.uniquePrefix("discovery");
    Loop loop = Loops.create("nio", LoopOptions.defaults().withThreads(2).withThreadNamePrefix(prefix));
    assertThat(loop.next()).isNotSameAs(loop.next()); // round-robin over two threads
    LoopTesting.await(loop.shutdown());
    LoopTesting.assertThreadsGone(prefix);
  }

  @Test
  void anUnknownNameListsTheAvailableLoops() {
    assertThatThrownBy(() -> Loops.create("kqueue-ish", LoopOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .isInstanceOf(UnknownLoopException.class)
        .hasMessageContaining("\"kqueue-ish\"")
        .hasMessageContaining("nio")
        .satisfies(e -> {
          UnknownLoopException u = (UnknownLoopException) e;
          assertThat(u.loopName()).isEqualTo("kqueue-ish");
          assertThat(u.available()).contains("nio");
          assertThat(u.artifact()).isNull();
        });
  }

  @Test
  void aKnownButMissingLoopNamesTheArtifactThatProvidesIt() {
    for (String name : new String[] {"netty-epoll", "netty-nio", "netty-io_uring"}) {
      assertThatThrownBy(() -> Loops.create(name, LoopOptions.defaults()))
          .isInstanceOf(UnknownLoopException.class)
          .hasMessageContaining("\"" + name + "\"")
          .hasMessageContaining("io.loopwire:loopwire-netty")
          .hasMessageContaining("available loops: [")
          .hasMessageContaining("nio");
    }
  }

  @Test
  void loopOptionsDefaultsArePinned() {
    LoopOptions d = LoopOptions.defaults();
    assertThat(d.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(d.threadNamePrefix()).isEqualTo("loopwire-loop-");
    assertThat(d.readBufferBytes()).isEqualTo(64 * 1024);
    assertThat(d.closeFlushTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.withThreads(3).threads()).isEqualTo(3);
    assertThat(d.withReadBufferBytes(4096).readBufferBytes()).isEqualTo(4096);
    assertThat(d.withCloseFlushTimeout(Duration.ZERO).closeFlushTimeout()).isZero();
    assertThat(d.withThreadNamePrefix("x-").threadNamePrefix()).isEqualTo("x-");
    assertThat(ListenOptions.defaults().backlog()).isEqualTo(1024);
    assertThat(ListenOptions.defaults().withBacklog(7).backlog()).isEqualTo(7);
  }

  @Test
  void badOptionsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> LoopOptions.defaults().withThreads(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads").hasMessageContaining("0");
    assertThatThrownBy(() -> LoopOptions.defaults().withReadBufferBytes(10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readBufferBytes");
    assertThatThrownBy(() -> LoopOptions.defaults().withCloseFlushTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closeFlushTimeout");
    assertThatThrownBy(() -> ListenOptions.defaults().withBacklog(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backlog");
  }
}
