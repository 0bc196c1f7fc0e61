package io.loopwire;

import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Version;
import io.loopwire.protocol.uri.Uri;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A response the {@link HttpClient} received. Owned by the receiver; the body array is the client's no
 * more. For a streamed request ({@link HttpClient#stream}) the body is empty: it went to the listener.
 */
public final class HttpClientResponse {

  private final int status;
  private final String reason;
  private final Http1Version version;
  private final Http1Fields headers;
  private final byte[] body;
  private final Http1Fields trailers;
  private final Uri uri;

  HttpClientResponse(int status, String reason, Http1Version version, Http1Fields headers, byte[] body,
      Http1Fields trailers, Uri uri) {
    this.status = status;
    this.reason = reason;
    this.version = version;
    this.headers = headers;
    this.body = body;
    this.trailers = trailers;
    this.uri = uri;
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  public Http1Version version() {
    return version;
  }

  public Http1Fields headers() {
    return headers;
  }

  /** The first value of header {@code name}, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  /** The body (the array itself, owned by the receiver). */
  public byte[] body() {
    return body;
  }

  /** The body decoded with the Content-Type's charset, UTF-8 if it names none (or an unknown one). */
  public String bodyText() {
    return new String(body, charset());
  }

  private Charset charset() {
    String type = headers.get("Content-Type");
    if (type != null) {
      for (String part : type.split(";")) {
        String p = part.strip();
        if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
          try {
            return Charset.forName(p.substring(8).replace("\"", "").strip());
          } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
          }
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  /** A chunked body's trailer fields, else empty. */
  public Http1Fields trailers() {
    return trailers;
  }

  /** The URI that answered: the request's, or the last redirect's. */
  public Uri uri() {
    return uri;
  }

  @Override
  public String toString() {
    return status + " " + reason + " (" + body.length + " bytes) from " + uri;
  }
}
