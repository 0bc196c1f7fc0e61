package io.loopwire.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StaticContentTest {

  private static final String ETAG = "\"abc-10\"";
  private static final long MODIFIED = 1_700_000_000L;

  private static Http1Request get(String... fields) {
    return Http1Request.of("GET", "/f", Http1Fields.builder().add("Host", "h").build().toBuilder()
        .addAll(Http1Fields.of(fields)).build());
  }

  @Test
  void segmentsAreDecodedAndEmptyOnesSkipped() {
    StaticContent.PathCheck c = StaticContent.segments("/a%20b//c%C3%A9/d.txt");
    assertThat(c.ok()).isTrue();
    assertThat(c.segments()).isEqualTo(List.of("a b", "cé", "d.txt"));
    assertThat(c.trailingSlash()).isFalse();
    assertThat(StaticContent.segments("/dir/").trailingSlash()).isTrue();
    assertThat(StaticContent.segments("").trailingSlash()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/..", "/a/../b", "/%2e%2e/x", "/%2E%2e", "/.", "/a/./b", "/.git/config", "/%2ehidden",
      "/a%2fb", "/a%2F..%2Fb", "/a%5cb", "/a\\b", "/a%00b", "/a%0ab", "/a%7f"})
  void segmentsThatCouldEscapeOrHideAre404(String raw) {
    StaticContent.PathCheck c = StaticContent.segments(raw);
    assertThat(c.ok()).as(raw).isFalse();
    assertThat(c.status()).as(raw).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/%", "/%2", "/%zz", "/%c0%ae%c0%ae", "/%ff", "/caf\u00e9"})
  void malformedEncodingIs400(String raw) {
    StaticContent.PathCheck c = StaticContent.segments(raw);
    assertThat(c.status()).as(raw).isEqualTo(400);
  }

  @ParameterizedTest
  @CsvSource({
      "bytes=0-0, 206, 0, 1",
      "bytes=2-5, 206, 2, 4",
      "bytes=5-, 206, 5, 5",
      "bytes=-3, 206, 7, 3",
      "bytes=-30, 206, 0, 10",
      "bytes=8-1000, 206, 8, 2",
      "bytes= 1-2 , 206, 1, 2",
      "BYTES=1-2, 206, 1, 2",
      "bytes=10-, 416, 0, 0",
      "bytes=-0, 416, 0, 0",
      "bytes=5-2, 200, 0, 10",
      "bytes=a-b, 200, 0, 10",
      "bytes=1-2;3-4, 200, 0, 10",
      "items=1-2, 200, 0, 10",
      "bytes, 200, 0, 10"})
  void rangesFollowRfc9110(String header, int status, long offset, long length) {
    StaticContent.Plan p = StaticContent.range(header.replace(';', ','), 10);
    assertThat(p.status()).isEqualTo(status);
    if (status != 416) {
      assertThat(p.offset()).isEqualTo(offset);
      assertThat(p.length()).isEqualTo(length);
    } else {
      assertThat(p.contentRange()).isEqualTo("bytes */10");
    }
  }

  @Test
  void aRangeOfAnEmptyFileIsUnsatisfiable() {
    assertThat(StaticContent.range("bytes=0-", 0).status()).isEqualTo(416);
    assertThat(StaticContent.range("bytes=-5", 0).status()).isEqualTo(416);
  }

  @Test
  void conditionalsAreCheckedInTheRfcOrder() {
    String date = HttpDates.format(MODIFIED);
    String older = HttpDates.format(MODIFIED - 60);
    assertThat(StaticContent.plan(get(), 10, ETAG, MODIFIED).status()).isEqualTo(200);
    assertThat(StaticContent.plan(get("If-None-Match", ETAG), 10, ETAG, MODIFIED).status()).isEqualTo(304);
    assertThat(StaticContent.plan(get("If-None-Match", "W/" + ETAG), 10, ETAG, MODIFIED).status())
        .as("If-None-Match compares weakly").isEqualTo(304);
    assertThat(StaticContent.plan(get("If-None-Match", "*"), 10, ETAG, MODIFIED).status()).isEqualTo(304);
    assertThat(StaticContent.plan(get("If-Modified-Since", date), 10, ETAG, MODIFIED).status()).isEqualTo(304);
    assertThat(StaticContent.plan(get("If-Modified-Since", older), 10, ETAG, MODIFIED).status()).isEqualTo(200);
    assertThat(StaticContent.plan(get("If-None-Match", "\"x\"", "If-Modified-Since", date), 10, ETAG, MODIFIED)
        .status()).as("If-None-Match wins over If-Modified-Since").isEqualTo(200);
    assertThat(StaticContent.plan(get("If-Match", "\"x\""), 10, ETAG, MODIFIED).status()).isEqualTo(412);
    assertThat(StaticContent.plan(get("If-Match", "W/" + ETAG), 10, ETAG, MODIFIED).status())
        .as("If-Match compares strongly").isEqualTo(412);
    assertThat(StaticContent.plan(get("If-Match", ETAG), 10, ETAG, MODIFIED).status()).isEqualTo(200);
    assertThat(StaticContent.plan(get("If-Unmodified-Since", older), 10, ETAG, MODIFIED).status()).isEqualTo(412);
    assertThat(StaticContent.plan(get("If-Modified-Since", "not a date"), 10, ETAG, MODIFIED).status())
        .isEqualTo(200);
  }

  @Test
  void ifRangeDecidesWhetherTheRangeApplies() {
    assertThat(StaticContent.plan(get("Range", "bytes=0-1", "If-Range", ETAG), 10, ETAG, MODIFIED).status())
        .isEqualTo(206);
    assertThat(StaticContent.plan(get("Range", "bytes=0-1", "If-Range", "\"old\""), 10, ETAG, MODIFIED).status())
        .isEqualTo(200);
    assertThat(StaticContent.plan(get("Range", "bytes=0-1", "If-Range", HttpDates.format(MODIFIED)), 10, ETAG,
        MODIFIED).status()).isEqualTo(206);
    assertThat(StaticContent.plan(get("Range", "bytes=0-1", "If-Range", HttpDates.format(MODIFIED - 1)), 10, ETAG,
        MODIFIED).status()).isEqualTo(200);
  }

  @Test
  void headIgnoresRanges() {
    Http1Request head = Http1Request.of("HEAD", "/f", Http1Fields.of("Host", "h", "Range", "bytes=0-1"));
    assertThat(StaticContent.plan(head, 10, ETAG, MODIFIED).status()).isEqualTo(200);
  }

  @Test
  void datesRoundTripAndAcceptTheObsoleteForms() {
    assertThat(HttpDates.format(784111777)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777);
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(784111777);
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(784111777);
    assertThat(HttpDates.parse("yesterday")).isEqualTo(-1);
    assertThat(HttpDates.format(5)).isEqualTo("Thu, 01 Jan 1970 00:00:05 GMT");
  }

  @Test
  void contentTypesByExtension() {
    assertThat(ContentTypes.of("a.HTML")).isEqualTo("text/html; charset=utf-8");
    assertThat(ContentTypes.of("x.tar.gz")).isEqualTo("application/gzip");
    assertThat(ContentTypes.of("README")).isEqualTo(ContentTypes.DEFAULT);
    assertThat(ContentTypes.of("dir.d/file")).isEqualTo(ContentTypes.DEFAULT);
    assertThat(ContentTypes.of("trailing.")).isEqualTo(ContentTypes.DEFAULT);
    assertThat(ContentTypes.of("app.wasm")).isEqualTo("application/wasm");
  }
}
