package io.loopwire.protocol.deflate;

import io.loopwire.protocol.ws.WsExtensionNegotiator;
import io.loopwire.protocol.ws.WsExtensionOffer;
import io.loopwire.protocol.ws.WsRole;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * permessage-deflate's part in the opening handshake (RFC 7692 section 7.1), for either side, with every
 * parameter: {@code server_no_context_takeover}, {@code client_no_context_takeover},
 * {@code server_max_window_bits} and {@code client_max_window_bits} (with or without a value).
 *
 * <p>Server: accepts the first offer that is valid (known parameters, each at most once, values as RFC
 * 7692 7.1 spells them) and declines the others; every valid offer can be honoured, since the compressor
 * keeps any window (see {@link DeflateTransform}). The response grants what the offer asked for, echoes a
 * {@code client_no_context_takeover} hint, and adds what the {@link DeflateOptions} ask for.
 *
 * <p>Client: offers one element built from the options (always with {@code client_max_window_bits}, so a
 * server may ask for a smaller client window), then checks the response with {@link #checkResponse}.
 *
 * <p>Immutable: one instance may serve many handshakes on any threads.
 */
public final class DeflateNegotiator implements WsExtensionNegotiator {

  /** The extension token. */
  public static final String NAME = "permessage-deflate";

  static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
  static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
  static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
  static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

  private final DeflateOptions options;
  private final WsExtensionOffer offer;

  public DeflateNegotiator(DeflateOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    WsExtensionOffer o = WsExtensionOffer.of(NAME);
    if (options.serverNoContextTakeover()) {
      o = o.withParam(SERVER_NO_CONTEXT_TAKEOVER);
    }
    if (options.clientNoContextTakeover()) {
      o = o.withParam(CLIENT_NO_CONTEXT_TAKEOVER);
    }
    if (options.serverMaxWindowBits() < DeflateParams.MAX_WINDOW_BITS) {
      o = o.withParam(SERVER_MAX_WINDOW_BITS, Integer.toString(options.serverMaxWindowBits()));
    }
    o = options.clientMaxWindowBits() < DeflateParams.MAX_WINDOW_BITS
        ? o.withParam(CLIENT_MAX_WINDOW_BITS, Integer.toString(options.clientMaxWindowBits()))
        : o.withParam(CLIENT_MAX_WINDOW_BITS);
    this.offer = o;
  }

  public DeflateOptions options() {
    return options;
  }

  @Override
  public String name() {
    return NAME;
  }

  // ------------------------------------------------------------------------------------------------ server

  @Override
  public Optional<WsExtensionOffer> serverAccept(List<WsExtensionOffer> offers) {
    for (WsExtensionOffer o : offers) {
      Parsed p = Parsed.of(o);
      if (p.error != null || p.serverBits == Parsed.NO_VALUE) {
        continue; // RFC 7692 5: decline an offer with an invalid parameter; the next one may do
      }
      WsExtensionOffer r = WsExtensionOffer.of(NAME);
      if (p.serverNoContextTakeover || options.serverNoContextTakeover()) {
        r = r.withParam(SERVER_NO_CONTEXT_TAKEOVER);
      }
      if (p.clientNoContextTakeover || options.clientNoContextTakeover()) {
        r = r.withParam(CLIENT_NO_CONTEXT_TAKEOVER);
      }
      int serverBits = Math.min(p.serverBits == Parsed.ABSENT ? DeflateParams.MAX_WINDOW_BITS : p.serverBits,
          options.serverMaxWindowBits());
      if (p.serverBits != Parsed.ABSENT || serverBits < DeflateParams.MAX_WINDOW_BITS) {
        r = r.withParam(SERVER_MAX_WINDOW_BITS, Integer.toString(serverBits)); // 7.1.2.1: required if offered
      }
      if (p.clientBits != Parsed.ABSENT) { // 7.1.2.2: never without the client's consent
        int clientBits = Math.min(p.clientBits == Parsed.NO_VALUE ? DeflateParams.MAX_WINDOW_BITS : p.clientBits,
            options.clientMaxWindowBits());
        if (p.clientBits != Parsed.NO_VALUE || clientBits < DeflateParams.MAX_WINDOW_BITS) {
          r = r.withParam(CLIENT_MAX_WINDOW_BITS, Integer.toString(clientBits));
        }
      }
      return Optional.of(r);
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------------------------------------ client

  @Override
  public List<WsExtensionOffer> clientOffers() {
    return List.of(offer);
  }

  /** The element {@link #clientOffers()} sends. */
  public WsExtensionOffer offer() {
    return offer;
  }

  @Override
  public Optional<String> clientCheck(WsExtensionOffer response) {
    return checkResponse(offer, response);
  }

  /**
   * Client: whether {@code response} is an answer the server may give to {@code offer} (RFC 7692 7.1):
   * known parameters, each at most once, no value on the no-context-takeover flags, window bits 8..15
   * without leading zeros and always with a value, {@code server_no_context_takeover} and
   * {@code server_max_window_bits} granted if asked for (the latter no larger than asked),
   * {@code client_max_window_bits} only if offered and no larger than offered.
   *
   * @return empty if acceptable, else why not
   */
  public static Optional<String> checkResponse(WsExtensionOffer offer, WsExtensionOffer response) {
    Parsed o = Parsed.of(offer);
    if (o.error != null) {
      throw new IllegalArgumentException("invalid offer '" + offer.format() + "': " + o.error);
    }
    Parsed r = Parsed.of(response);
    if (r.error != null) {
      return Optional.of(r.error);
    }
    if (r.serverBits == Parsed.NO_VALUE) {
      return Optional.of(SERVER_MAX_WINDOW_BITS + " in a response needs a value (RFC 7692 7.1.2.1)");
    }
    if (r.clientBits == Parsed.NO_VALUE) {
      return Optional.of(CLIENT_MAX_WINDOW_BITS + " in a response needs a value (RFC 7692 7.1.2.2)");
    }
    if (o.serverNoContextTakeover && !r.serverNoContextTakeover) {
      return Optional.of("the offer asked for " + SERVER_NO_CONTEXT_TAKEOVER + " and the response does not grant it"
          + " (RFC 7692 7.1.1.1)");
    }
    if (o.serverBits != Parsed.ABSENT) {
      if (r.serverBits == Parsed.ABSENT) {
        return Optional.of("the offer asked for " + SERVER_MAX_WINDOW_BITS + "=" + o.serverBits
            + " and the response does not grant it (RFC 7692 7.1.2.1)");
      }
      if (r.serverBits > o.serverBits) {
        return Optional.of(SERVER_MAX_WINDOW_BITS + "=" + r.serverBits + " is larger than the " + o.serverBits
            + " offered (RFC 7692 7.1.2.1)");
      }
    }
    if (r.clientBits != Parsed.ABSENT) {
      if (o.clientBits == Parsed.ABSENT) {
        return Optional.of(CLIENT_MAX_WINDOW_BITS + " was not offered, so the response may not contain it"
            + " (RFC 7692 7.1.2.2)");
      }
      if (o.clientBits != Parsed.NO_VALUE && r.clientBits > o.clientBits) {
        return Optional.of(CLIENT_MAX_WINDOW_BITS + "=" + r.clientBits + " is larger than the " + o.clientBits
            + " offered (RFC 7692 7.1.2.2)");
      }
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------------------------------------ both

  /**
   * What the handshake agreed, read from the response element (which the server built, or the client
   * checked). On a client, a window it limited itself to in the offer stays its limit if the response
   * says nothing smaller.
   *
   * @param role our side
   * @throws IllegalArgumentException if {@code response} is not a valid permessage-deflate response
   */
  public DeflateParams agreed(WsRole role, WsExtensionOffer response) {
    if (!response.is(NAME)) {
      throw new IllegalArgumentException("'" + response.format() + "' is not a " + NAME + " element");
    }
    Parsed r = Parsed.of(response);
    if (r.error != null || r.serverBits == Parsed.NO_VALUE || r.clientBits == Parsed.NO_VALUE) {
      throw new IllegalArgumentException("invalid " + NAME + " response '" + response.format() + "'"
          + (r.error != null ? ": " + r.error : ": window bits need a value"));
    }
    int clientBits = r.clientBits == Parsed.ABSENT ? DeflateParams.MAX_WINDOW_BITS : r.clientBits;
    if (role == WsRole.CLIENT) {
      clientBits = Math.min(clientBits, options.clientMaxWindowBits());
    }
    return new DeflateParams(r.serverNoContextTakeover, r.clientNoContextTakeover,
        r.serverBits == Parsed.ABSENT ? DeflateParams.MAX_WINDOW_BITS : r.serverBits, clientBits);
  }

  /** One element's parameters, checked; window bits are a value, {@link #ABSENT} or {@link #NO_VALUE}. */
  private static final class Parsed {
    static final int ABSENT = 0;
    static final int NO_VALUE = -1;

    boolean serverNoContextTakeover;
    boolean clientNoContextTakeover;
    int serverBits = ABSENT;
    int clientBits = ABSENT;
    String error;

    static Parsed of(WsExtensionOffer e) {
      Parsed p = new Parsed();
      boolean snct = false;
      boolean cnct = false;
      for (WsExtensionOffer.Param param : e.params()) {
        String name = param.name().toLowerCase(java.util.Locale.ROOT);
        String value = param.value();
        boolean seen;
        switch (name) {
          case SERVER_NO_CONTEXT_TAKEOVER:
          case CLIENT_NO_CONTEXT_TAKEOVER:
            boolean server = name.equals(SERVER_NO_CONTEXT_TAKEOVER);
            seen = server ? snct : cnct;
            if (!seen && value != null) {
              return p.fail(name + " takes no value, got '" + value + "' (RFC 7692 7.1.1)");
            }
            if (server) {
              snct = true;
            } else {
              cnct = true;
            }
            break;
          case SERVER_MAX_WINDOW_BITS:
          case CLIENT_MAX_WINDOW_BITS:
            boolean serverBits = name.equals(SERVER_MAX_WINDOW_BITS);
            seen = (serverBits ? p.serverBits : p.clientBits) != ABSENT;
            if (!seen) {
              int bits = value == null ? NO_VALUE : windowBits(value);
              if (bits == ABSENT) {
                return p.fail(name + "=" + value + " is not a window size 8..15 without leading zeros"
                    + " (RFC 7692 7.1.2)");
              }
              if (serverBits) {
                p.serverBits = bits;
              } else {
                p.clientBits = bits;
              }
            }
            break;
          default:
            return p.fail("unknown parameter '" + param.name() + "' (RFC 7692 7.1 defines "
                + SERVER_NO_CONTEXT_TAKEOVER + ", " + CLIENT_NO_CONTEXT_TAKEOVER + ", " + SERVER_MAX_WINDOW_BITS
                + " and " + CLIENT_MAX_WINDOW_BITS + ")");
        }
        if (seen) {
          return p.fail("parameter " + name + " appears more than once (RFC 7692 7.1)");
        }
      }
      p.serverNoContextTakeover = snct;
      p.clientNoContextTakeover = cnct;
      return p;
    }

    private Parsed fail(String why) {
      error = why;
      return this;
    }

    /** 8..15 spelled without leading zeros, else {@link #ABSENT}. */
    private static int windowBits(String v) {
      return switch (v) {
        case "8" -> 8;
        case "9" -> 9;
        case "10" -> 10;
        case "11" -> 11;
        case "12" -> 12;
        case "13" -> 13;
        case "14" -> 14;
        case "15" -> 15;
        default -> ABSENT;
      };
    }
  }
}
