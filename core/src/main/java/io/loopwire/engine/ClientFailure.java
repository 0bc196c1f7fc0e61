package io.loopwire.engine;

/** Why a client request failed; the api maps it to its public enum. */
public enum ClientFailure {
  RESOLVE, CONNECT, CONNECT_TIMEOUT, PROXY, TLS, HEADER_TIMEOUT, TOTAL_TIMEOUT, CLOSED, PROTOCOL, BODY_TOO_LARGE,
  REDIRECT, REJECTED, CANCELLED
}
