package io.loopwire.engine;

import io.loopwire.protocol.http1.Http1Fields;

/** A complete HTTP response for the engine to frame and write. The body is transferred. */
public record HttpAnswer(int status, String reason, Http1Fields headers, byte[] body) {}
