/**
 * Sans-I/O HTTP/1.1 (RFC 9112): {@link io.loopwire.protocol.http1.Http1RequestParser} and
 * {@link io.loopwire.protocol.http1.Http1ResponseParser} turn bytes into
 * {@link io.loopwire.protocol.http1.Http1Event}s,
 * {@link io.loopwire.protocol.http1.Http1Serializer} turns heads and chunks into bytes, and
 * {@link io.loopwire.protocol.http1.Http1Limits} bounds what a peer can make a parser hold.
 *
 * <p>Policy choices, each pinned by a vector in {@code src/test/resources/vectors/http1/}:
 * <ul>
 *   <li>Strict line endings: CRLF only. Bare CR and bare LF are 400 (RFC 9112 2.2 allows accepting a bare
 *       LF; we do not, so a lenient proxy in front cannot be desynchronised).</li>
 *   <li>Identical repeated Content-Length values ({@code 5, 5}, or two lines of 5) are accepted as one, as
 *       RFC 9110 8.6 permits; differing ones are 400. Content-Length with Transfer-Encoding is always 400,
 *       in requests and responses.</li>
 *   <li>Only the chunked transfer coding is implemented; others are 501. HTTP/1.1 minor versions above 1
 *       are 505 rather than treated as 1.1.</li>
 *   <li>Absolute-form targets must be {@code scheme://...}, so {@code host:port} is never mistaken for a URI
 *       outside CONNECT. Targets may hold any visible ASCII except '#'.</li>
 *   <li>A response status line may omit the SP before an empty reason phrase (common, and harmless to
 *       framing).</li>
 *   <li>Beyond h11's two sentinels, {@code Signal.END_OF_INPUT} says the peer closed between messages, so an
 *       engine draining events after {@code receiveEof()} always ends on a signal.</li>
 * </ul>
 */
package io.loopwire.protocol.http1;
