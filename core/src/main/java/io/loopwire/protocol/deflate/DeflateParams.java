package io.loopwire.protocol.deflate;

import io.loopwire.protocol.ws.WsRole;

/**
 * What one permessage-deflate handshake agreed (RFC 7692 section 7.1), as both ends read it from the
 * server's response element. Immutable.
 *
 * @param serverNoContextTakeover the server resets its compression context after every message
 *     ({@code server_no_context_takeover})
 * @param clientNoContextTakeover the client resets its compression context after every message
 *     ({@code client_no_context_takeover})
 * @param serverMaxWindowBits the largest LZ77 window the server compresses with, as log2 of its size:
 *     8..15 ({@code server_max_window_bits}; 15 when absent)
 * @param clientMaxWindowBits the same for the client ({@code client_max_window_bits}; 15 when absent)
 */
public record DeflateParams(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
    int serverMaxWindowBits, int clientMaxWindowBits) {

  /** The smallest window RFC 7692 allows: 2^8 = 256 bytes. */
  public static final int MIN_WINDOW_BITS = 8;
  /** The largest window, and the default: 2^15 = 32 KiB. */
  public static final int MAX_WINDOW_BITS = 15;

  private static final DeflateParams DEFAULTS = new DeflateParams(false, false, MAX_WINDOW_BITS, MAX_WINDOW_BITS);

  public DeflateParams {
    checkWindowBits("serverMaxWindowBits", serverMaxWindowBits);
    checkWindowBits("clientMaxWindowBits", clientMaxWindowBits);
  }

  /** What a bare {@code permessage-deflate} response means: context takeover both ways, 32 KiB windows. */
  public static DeflateParams defaults() {
    return DEFAULTS;
  }

  /** Whether {@code sender} resets its compression context after every message. */
  public boolean noContextTakeover(WsRole sender) {
    return sender == WsRole.SERVER ? serverNoContextTakeover : clientNoContextTakeover;
  }

  /** The largest window {@code sender} may compress with, as log2 of its size. */
  public int maxWindowBits(WsRole sender) {
    return sender == WsRole.SERVER ? serverMaxWindowBits : clientMaxWindowBits;
  }

  static void checkWindowBits(String name, int bits) {
    if (bits < MIN_WINDOW_BITS || bits > MAX_WINDOW_BITS) {
      throw new IllegalArgumentException(name + " " + bits + " is outside 8..15 (RFC 7692 7.1.2)");
    }
  }
}
