package io.loopwire.protocol.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The event set is closed; a new event must be added here deliberately (and handled by the engine). */
class Http1EventTest {

  @Test
  void permittedEvents() {
    assertThat(Http1Event.class.isSealed()).isTrue();
    assertThat(Arrays.stream(Http1Event.class.getPermittedSubclasses()).map(Class::getSimpleName))
        .containsExactlyInAnyOrder("RequestHead", "ResponseHead", "Body", "EndOfMessage", "Signal");
    assertThat(Http1Event.Signal.values())
        .containsExactly(Http1Event.Signal.NEED_DATA, Http1Event.Signal.PAUSED, Http1Event.Signal.END_OF_INPUT);
  }
}
