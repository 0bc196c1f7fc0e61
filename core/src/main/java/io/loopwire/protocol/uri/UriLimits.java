package io.loopwire.protocol.uri;

/**
 * Bounds on URI input, for URIs given by the app and for references sent by a peer (a redirect's
 * {@code Location}).
 *
 * <p>{@link #maxUriChars()} defaults to 8 KiB ({@value #DEFAULT_MAX_URI_CHARS} chars): the request-line
 * limit of most servers (nginx, Apache and Jetty all refuse longer targets by default), so a longer URI
 * could not be requested anyway.
 *
 * @param maxUriChars the longest input {@link Uri#parse(String, UriLimits)} and
 *     {@link Uri#resolve(String, UriLimits)} accept, in chars; at least 16
 */
public record UriLimits(int maxUriChars) {

  /** The default {@link #maxUriChars()}: 8 KiB. */
  public static final int DEFAULT_MAX_URI_CHARS = 8 * 1024;

  private static final UriLimits DEFAULTS = new UriLimits(DEFAULT_MAX_URI_CHARS);

  public UriLimits {
    if (maxUriChars < 16) {
      throw new IllegalArgumentException(
          "maxUriChars " + maxUriChars + " is too small: use at least 16 (default " + DEFAULT_MAX_URI_CHARS + ")");
    }
  }

  /** The safe defaults: {@code maxUriChars} 8 KiB. */
  public static UriLimits defaults() {
    return DEFAULTS;
  }

  public UriLimits withMaxUriChars(int maxUriChars) {
    return new UriLimits(maxUriChars);
  }
}
