package io.loopwire.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written IMF-fixdate formatter against java.time's. */
class HttpDatesTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  /** 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
  @Property(tries = 2000)
  void formatMatchesJavaTimeForYears0To9999(
      @ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long seconds) {
    assertThat(HttpDates.format(seconds)).isEqualTo(REFERENCE.format(Instant.ofEpochSecond(seconds)));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 59, 86_399, 86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399L /* 2100-02-28 */,
      4_107_542_400L, 253_402_300_799L, -62_167_219_200L, 253_402_300_800L /* year 10000 */,
      -62_167_219_201L /* year -1 */})
  void formatMatchesJavaTimeAtBoundaries(long seconds) {
    assertThat(HttpDates.format(seconds)).isEqualTo(REFERENCE.format(Instant.ofEpochSecond(seconds)));
    if (seconds >= 0 && seconds <= 253_402_300_799L) {
      assertThat(HttpDates.parse(HttpDates.format(seconds))).isEqualTo(seconds);
    }
  }

  @Test
  void formatIsTheFixedLengthForm() {
    assertThat(HttpDates.format(1_700_000_000L)).isEqualTo("Tue, 14 Nov 2023 22:13:20 GMT").hasSize(29);
  }
}
