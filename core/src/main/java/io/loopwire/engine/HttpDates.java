package io.loopwire.engine;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** HTTP dates (RFC 9110 5.6.7): IMF-fixdate out, the three historic forms in. */
public final class HttpDates {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  /** Two-digit years are read as 1970-2069 (RFC 9110 5.6.7 asks for "not more than 50 years ahead"). */
  private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
      .appendPattern("EEEE, dd-MMM-")
      .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
      .appendPattern(" HH:mm:ss 'GMT'")
      .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

  /** One cached Date value per loop thread, renewed once a second. */
  private static final ThreadLocal<long[]> CACHED_SECOND = ThreadLocal.withInitial(() -> new long[] {-1});
  private static final ThreadLocal<String[]> CACHED_TEXT = ThreadLocal.withInitial(() -> new String[1]);

  private HttpDates() {}

  /** {@code epochSeconds} as an IMF-fixdate: {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  public static String format(long epochSeconds) {
    return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSeconds));
  }

  /** The current time as an IMF-fixdate, cached per thread for the current second. */
  public static String now() {
    long s = System.currentTimeMillis() / 1000;
    long[] second = CACHED_SECOND.get();
    String[] text = CACHED_TEXT.get();
    if (second[0] != s) {
      second[0] = s;
      text[0] = format(s);
    }
    return text[0];
  }

  /** Parses any of the three date forms RFC 9110 5.6.7 says a recipient must accept; -1 if malformed. */
  public static long parse(String value) {
    if (value == null) {
      return -1;
    }
    String v = value.strip();
    for (DateTimeFormatter f : new DateTimeFormatter[] {IMF_FIXDATE, RFC_850, ASCTIME}) {
      try {
        return ZonedDateTime.parse(v, f).toEpochSecond();
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return -1;
  }
}
