package io.loopwire.engine;

import io.loopwire.protocol.deflate.DeflateNegotiator;
import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.deflate.DeflateTransform;
import io.loopwire.protocol.ws.WsExtensionNegotiator;
import io.loopwire.protocol.ws.WsExtensionOffer;
import io.loopwire.protocol.ws.WsRole;
import java.util.List;

/**
 * permessage-deflate for one handshake, on either side: the negotiators to hand the handshake code (none
 * when compression is off), then the transform for what was agreed. The caller owns the transform and
 * must close it when the session ends (WsSessionCore does).
 */
final class DeflateSetup {

  private static final DeflateSetup OFF = new DeflateSetup(null);
  /** The last setup made: every handshake of a vhost passes the same options, and a setup is immutable. */
  private static volatile DeflateSetup last = OFF;

  private final DeflateOptions options;
  private final DeflateNegotiator negotiator;
  private final List<WsExtensionNegotiator> negotiators;

  private DeflateSetup(DeflateOptions options) {
    this.options = options;
    this.negotiator = options == null ? null : new DeflateNegotiator(options);
    this.negotiators = negotiator == null ? List.of() : List.of(negotiator);
  }

  /** {@code options} null: compression off. Thread: any (the result is immutable and may be shared). */
  static DeflateSetup of(DeflateOptions options) {
    if (options == null) {
      return OFF;
    }
    DeflateSetup s = last;
    if (s.options != options) {
      s = new DeflateSetup(options);
      last = s;
    }
    return s;
  }

  List<WsExtensionNegotiator> negotiators() {
    return negotiators;
  }

  /**
   * The transform for the accepted extensions (the server's response elements), or null if
   * permessage-deflate is not among them.
   */
  DeflateTransform transform(WsRole role, List<WsExtensionOffer> accepted) {
    if (negotiator == null) {
      return null;
    }
    for (WsExtensionOffer e : accepted) {
      if (e.is(DeflateNegotiator.NAME)) {
        return DeflateTransform.create(role, negotiator.agreed(role, e), negotiator.options());
      }
    }
    return null;
  }
}
