package io.loopwire.protocol.ws;

import io.loopwire.protocol.http1.Http1Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 section 9.1): an extension name and
 * its parameters in order, as in {@code permessage-deflate; client_max_window_bits; server_max_window_bits=10}.
 * A client's offer and a server's response element have the same shape.
 *
 * <p>Names and values are RFC 9110 tokens (a quoted value is unquoted when parsed and must then be a
 * token, as RFC 6455 9.1 requires), so {@link #format()} never needs quotes. Parameters keep their order
 * and duplicates: a negotiator must see {@code a=1; a=2} to refuse it.
 *
 * @param name the extension token
 * @param params the parameters, in order
 */
public record WsExtensionOffer(String name, List<Param> params) {

  /**
   * One {@code name[=value]} parameter.
   *
   * @param name a token
   * @param value a token, or {@code null} for a parameter without a value
   */
  public record Param(String name, String value) {
    public Param {
      if (!Http1Fields.isToken(name)) {
        throw new IllegalArgumentException("extension parameter name '" + name + "' is not a token");
      }
      if (value != null && !Http1Fields.isToken(value)) {
        throw new IllegalArgumentException("value '" + value + "' of extension parameter '" + name
            + "' is not a token (RFC 6455 9.1 allows only token values)");
      }
    }
  }

  public WsExtensionOffer {
    if (!Http1Fields.isToken(name)) {
      throw new IllegalArgumentException("extension name '" + name + "' is not a token");
    }
    params = List.copyOf(Objects.requireNonNull(params, "params"));
  }

  /** An element without parameters. */
  public static WsExtensionOffer of(String name) {
    return new WsExtensionOffer(name, List.of());
  }

  /** This element with {@code name} (no value) appended. */
  public WsExtensionOffer withParam(String name) {
    return withParam(name, null);
  }

  /** This element with {@code name=value} appended; {@code value} may be {@code null}. */
  public WsExtensionOffer withParam(String name, String value) {
    List<Param> more = new ArrayList<>(params.size() + 1);
    more.addAll(params);
    more.add(new Param(name, value));
    return new WsExtensionOffer(this.name, more);
  }

  /** Whether the extension's name is {@code name}, ignoring case. */
  public boolean is(String name) {
    return this.name.equalsIgnoreCase(name);
  }

  /** Whether a parameter named {@code name} (ignoring case) is present, with or without a value. */
  public boolean hasParam(String name) {
    for (Param p : params) {
      if (p.name().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** The value of the first parameter named {@code name}, or {@code null} if absent or valueless. */
  public String paramValue(String name) {
    for (Param p : params) {
      if (p.name().equalsIgnoreCase(name)) {
        return p.value();
      }
    }
    return null;
  }

  /** The header element: {@code name; p1=v1; p2}. */
  public String format() {
    StringBuilder sb = new StringBuilder(name);
    for (Param p : params) {
      sb.append("; ").append(p.name());
      if (p.value() != null) {
        sb.append('=').append(p.value());
      }
    }
    return sb.toString();
  }
}
