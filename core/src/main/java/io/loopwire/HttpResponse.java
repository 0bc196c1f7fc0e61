package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import java.nio.charset.StandardCharsets;

/**
 * A complete HTTP response with an in-memory body. Content-Length is added by Loopwire.
 *
 * @param status 100..599 (1xx other than as an interim answer makes no sense here; 200..599 expected)
 * @param headers response headers, without Content-Length or Transfer-Encoding
 * @param body the body bytes, transferred to Loopwire (not copied, not to be modified after)
 */
public record HttpResponse(int status, Http1Fields headers, byte[] body) {

  public HttpResponse {
    if (status < 200 || status > 599) {
      throw new ConfigException("HTTP response status " + status + " must be within 200..599");
    }
    Checks.notNull("headers", headers);
    if (headers.contains("Content-Length") || headers.contains("Transfer-Encoding")) {
      throw new ConfigException("do not set Content-Length or Transfer-Encoding; Loopwire frames the body");
    }
    body = body == null ? new byte[0] : body;
  }

  /** A response with the given content type and body. */
  public static HttpResponse of(int status, String contentType, byte[] body) {
    return new HttpResponse(status, Http1Fields.of("Content-Type", contentType), body);
  }

  /** A text/plain UTF-8 response. */
  public static HttpResponse text(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }
}
