package io.loopwire.engine;

import io.loopwire.protocol.deflate.DeflateNegotiator;
import io.loopwire.protocol.deflate.DeflateOptions;
import io.loopwire.protocol.deflate.DeflateTransform;
import io.loopwire.protocol.ws.WsExtensionNegotiator;
import io.loopwire.protocol.ws.WsExtensionOffer;
import io.loopwire.protocol.ws.WsRole;
import java.util.List;

/**
 * permessage-deflate for the handshakes of one {@link WsSessionSettings}, on either side: the negotiators to hand the handshake code (none
 * when compression is off), then the transform for what was agreed. The caller owns the transform and
 * must close it when the session ends (WsSessionCore does).
 */
final class DeflateSetup {

  private static final DeflateSetup OFF = new DeflateSetup(null);

  private final DeflateNegotiator negotiator;
  private final List<WsExtensionNegotiator> negotiators;

  private DeflateSetup(DeflateOptions options) {
    this.negotiator = options == null ? null : new DeflateNegotiator(options);
    this.negotiators = negotiator == null ? List.of() : List.of(negotiator);
  }

  /**
   * {@code options} null: compression off. Made once per {@link WsSessionSettings}, which keeps it. Thread:
   * any (immutable; every handshake of those settings shares it).
   */
  static DeflateSetup of(DeflateOptions options) {
    return options == null ? OFF : new DeflateSetup(options);
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
