/**
 * Strict, incremental UTF-8 (RFC 3629, Unicode table 3-7): {@link io.loopwire.protocol.utf8.Utf8Validator}
 * finds the first invalid byte of a stream fed in pieces, {@link io.loopwire.protocol.utf8.Utf8Decoder}
 * turns such a stream into strings of complete code points, and {@link io.loopwire.protocol.utf8.Utf8}
 * encodes UTF-16 text without a detour through a temporary array. Overlong forms, surrogates
 * (U+D800..U+DFFF) and code points above U+10FFFF are invalid. Sans-I/O: no state outside the objects.
 */
package io.loopwire.protocol.utf8;
