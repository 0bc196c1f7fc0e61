package io.loopwire.protocol.deflate;

/**
 * How one side wants permessage-deflate (RFC 7692) negotiated and applied: the parameters it asks for
 * (as a client, in its offer; as a server, added to its response) and how hard it compresses. Immutable;
 * start from {@link #defaults()} and change one field at a time with the withers.
 *
 * <p>Nothing here is a reason for a server to decline an offer: the JDK's inflater takes data made with
 * any window, and the compressor honours any window the client asks for (see {@link DeflateTransform}).
 *
 * @param compressionLevel the {@link java.util.zip.Deflater} level, 0 (stored only) to 9; default 6,
 *     zlib's own default, a good ratio for text at a moderate CPU cost (1 costs about half the time and
 *     compresses JSON 10-20% less; see docs/deflate.md)
 * @param minCompressBytes whole messages smaller than this are sent uncompressed; default 64: below it
 *     the few bytes saved do not pay for the work, and the message is already smaller than the TCP/IP
 *     headers around it. 0 compresses everything. A fragmented message is always compressed
 * @param serverNoContextTakeover ask that the server compress every message on its own
 *     ({@code server_no_context_takeover}); default false, since a shared context compresses a stream of
 *     similar messages far better
 * @param clientNoContextTakeover the same for the client ({@code client_no_context_takeover}); default
 *     false
 * @param serverMaxWindowBits the largest server window to ask for, 8..15 ({@code server_max_window_bits},
 *     sent only below 15); default 15. Smaller windows compress worse and save no memory with the JDK
 * @param clientMaxWindowBits the largest client window to ask for, 8..15; default 15. A client always
 *     offers {@code client_max_window_bits} (bare at 15), so a server may ask it for a smaller window; a
 *     server sends it only when the client offered the parameter
 */
public record DeflateOptions(int compressionLevel, int minCompressBytes, boolean serverNoContextTakeover,
    boolean clientNoContextTakeover, int serverMaxWindowBits, int clientMaxWindowBits) {

  private static final DeflateOptions DEFAULTS = new DeflateOptions(6, 64, false, false,
      DeflateParams.MAX_WINDOW_BITS, DeflateParams.MAX_WINDOW_BITS);

  public DeflateOptions {
    if (compressionLevel < 0 || compressionLevel > 9) {
      throw new IllegalArgumentException("compressionLevel " + compressionLevel + " is outside 0..9");
    }
    if (minCompressBytes < 0) {
      throw new IllegalArgumentException("minCompressBytes " + minCompressBytes + " is negative; use 0 to"
          + " compress every message");
    }
    DeflateParams.checkWindowBits("serverMaxWindowBits", serverMaxWindowBits);
    DeflateParams.checkWindowBits("clientMaxWindowBits", clientMaxWindowBits);
  }

  /** Level 6, messages from 64 bytes, context takeover both ways, 32 KiB windows; see the class comment. */
  public static DeflateOptions defaults() {
    return DEFAULTS;
  }

  public DeflateOptions withCompressionLevel(int v) {
    return new DeflateOptions(v, minCompressBytes, serverNoContextTakeover, clientNoContextTakeover,
        serverMaxWindowBits, clientMaxWindowBits);
  }

  public DeflateOptions withMinCompressBytes(int v) {
    return new DeflateOptions(compressionLevel, v, serverNoContextTakeover, clientNoContextTakeover,
        serverMaxWindowBits, clientMaxWindowBits);
  }

  public DeflateOptions withServerNoContextTakeover(boolean v) {
    return new DeflateOptions(compressionLevel, minCompressBytes, v, clientNoContextTakeover,
        serverMaxWindowBits, clientMaxWindowBits);
  }

  public DeflateOptions withClientNoContextTakeover(boolean v) {
    return new DeflateOptions(compressionLevel, minCompressBytes, serverNoContextTakeover, v,
        serverMaxWindowBits, clientMaxWindowBits);
  }

  public DeflateOptions withServerMaxWindowBits(int v) {
    return new DeflateOptions(compressionLevel, minCompressBytes, serverNoContextTakeover,
        clientNoContextTakeover, v, clientMaxWindowBits);
  }

  public DeflateOptions withClientMaxWindowBits(int v) {
    return new DeflateOptions(compressionLevel, minCompressBytes, serverNoContextTakeover,
        clientNoContextTakeover, serverMaxWindowBits, v);
  }
}
