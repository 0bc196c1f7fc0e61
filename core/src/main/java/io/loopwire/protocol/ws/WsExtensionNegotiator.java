package io.loopwire.protocol.ws;

import java.util.List;
import java.util.Optional;

/**
 * The hook through which one WebSocket extension (for example permessage-deflate) takes part in the
 * opening handshake, on either side. The handshake code parses and checks the header grammar, matches
 * elements to negotiators by {@link #name()} (ignoring case) and refuses anything not offered; the
 * negotiator decides only about its own parameters.
 *
 * <p>Implementations are stateless or immutable, so one instance can serve many handshakes. The
 * handshake classes never call a negotiator from more than one thread at once for one handshake, but an
 * instance shared between connections is called from their loop threads.
 */
public interface WsExtensionNegotiator {

  /** The extension token this negotiator handles, e.g. {@code permessage-deflate}. */
  String name();

  /**
   * Server: chooses how to accept the client's offers of this extension.
   *
   * <p>Thread: the thread running the handshake (the connection's loop thread in the engine).
   * <br>Calls: at most once per handshake, only if the client offered this extension.
   * <br>Ownership: {@code offers} is immutable and may be kept.
   * <br>May: inspect the offers; must not block or throw for a peer's bad parameters (decline instead).
   *
   * @param offers every offer of this extension, in the client's order of preference (at least one)
   * @return the response element to send (its name must be {@link #name()}), or empty to decline
   */
  Optional<WsExtensionOffer> serverAccept(List<WsExtensionOffer> offers);

  /**
   * Client: the offers to send, most preferred first; several offers of this extension are alternatives.
   *
   * <p>Thread: the thread building the handshake. Calls: once per handshake, when its request is built.
   * Ownership: the returned list is copied. May: not block. Every element's name must be {@link #name()}.
   */
  List<WsExtensionOffer> clientOffers();

  /**
   * Client: checks the server's response element for this extension.
   *
   * <p>Thread: the thread validating the response. Calls: at most once per handshake, only if the server
   * accepted this extension after the client offered it. Ownership: {@code response} is immutable and may
   * be kept. May: not block.
   *
   * @return empty to accept, or the reason the parameters are unacceptable (the handshake then fails with
   *     {@link WsHandshakeException.Kind#EXTENSION} and this reason)
   */
  Optional<String> clientCheck(WsExtensionOffer response);
}
