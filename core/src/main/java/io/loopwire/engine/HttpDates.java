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

  private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"}; // from 1970-01-01
  private static final String[] MONTHS =
      {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  /**
   * {@code epochSeconds} as an IMF-fixdate: {@code Sun, 06 Nov 1994 08:49:37 GMT}. Written by hand for
   * years 0-9999 (static responses format Last-Modified per request; DateTimeFormatter allocates a lot).
   */
  public static String format(long epochSeconds) {
    long days = Math.floorDiv(epochSeconds, 86_400L);
    int secs = (int) Math.floorMod(epochSeconds, 86_400L);
    // civil-from-days (proleptic Gregorian), eras of 400 years starting 0000-03-01
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    int doe = (int) (z - era * 146_097);
    int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int day = doy - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 1 || year > 9999) { // java.time writes year-of-era: year 0 is 1 BC
      return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSeconds));
    }
    char[] c = new char[29];
    DAYS[(int) Math.floorMod(days, 7L)].getChars(0, 3, c, 0);
    c[3] = ',';
    c[4] = ' ';
    two(c, 5, day);
    c[7] = ' ';
    MONTHS[month - 1].getChars(0, 3, c, 8);
    c[11] = ' ';
    two(c, 12, (int) (year / 100));
    two(c, 14, (int) (year % 100));
    c[16] = ' ';
    two(c, 17, secs / 3600);
    c[19] = ':';
    two(c, 20, secs / 60 % 60);
    c[22] = ':';
    two(c, 23, secs % 60);
    " GMT".getChars(0, 4, c, 25);
    return new String(c);
  }

  private static void two(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 10);
    c[at + 1] = (char) ('0' + v % 10);
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
