package io.loopwire.engine;

/** Which step of a client connection failed; the api maps it to its public enum. */
public enum ConnectStep { RESOLVE, TCP, TLS, HANDSHAKE_STATUS, HANDSHAKE_VALIDATION, TIMEOUT, CANCELLED }
