package io.loopwire.protocol.ws;

import java.util.List;
import java.util.Optional;

/**
 * A dummy extension for testing the negotiation hook: {@code x-dummy} with an optional {@code level=1..9}.
 * The server accepts the first offer it understands and answers with {@code min(level, serverMax)}; the
 * client refuses unknown parameters and a level above the highest it offered.
 */
final class WsExtensionNegotiatorFixture implements WsExtensionNegotiator {

  static final String NAME = "x-dummy";

  private final List<WsExtensionOffer> offers;
  private final int serverMax;
  int serverCalls;
  int clientChecks;

  WsExtensionNegotiatorFixture(int serverMax, List<WsExtensionOffer> offers) {
    this.serverMax = serverMax;
    this.offers = offers;
  }

  static WsExtensionNegotiatorFixture server(int serverMax) {
    return new WsExtensionNegotiatorFixture(serverMax, List.of());
  }

  static WsExtensionNegotiatorFixture client(WsExtensionOffer... offers) {
    return new WsExtensionNegotiatorFixture(9, List.of(offers));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<WsExtensionOffer> serverAccept(List<WsExtensionOffer> offers) {
    serverCalls++;
    for (WsExtensionOffer o : offers) {
      if (o.params().isEmpty()) {
        return Optional.of(WsExtensionOffer.of(NAME));
      }
      Integer level = level(o);
      if (level != null) {
        return Optional.of(WsExtensionOffer.of(NAME).withParam("level", String.valueOf(Math.min(level, serverMax))));
      }
    }
    return Optional.empty();
  }

  @Override
  public List<WsExtensionOffer> clientOffers() {
    return offers;
  }

  @Override
  public Optional<String> clientCheck(WsExtensionOffer response) {
    clientChecks++;
    if (response.params().isEmpty()) {
      return Optional.empty();
    }
    Integer level = level(response);
    if (level == null) {
      return Optional.of("only one parameter level=1..9 is understood");
    }
    int max = 0;
    for (WsExtensionOffer o : offers) {
      Integer l = level(o);
      max = Math.max(max, l == null ? 0 : l);
    }
    return level > max ? Optional.of("level " + level + " is above the offered " + max) : Optional.empty();
  }

  /** The level of an element with exactly one parameter level=1..9, else null. */
  private static Integer level(WsExtensionOffer o) {
    if (o.params().size() != 1 || !o.params().get(0).name().equals("level")) {
      return null;
    }
    String v = o.params().get(0).value();
    return v != null && v.length() == 1 && v.charAt(0) >= '1' && v.charAt(0) <= '9' ? v.charAt(0) - '0' : null;
  }
}
