package io.loopwire;

import io.loopwire.engine.DirectoryContent;
import io.loopwire.engine.ServerExchange;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Version;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP request and its response, as a {@link HttpExchangeHandler} sees it: the request head, a body
 * streamed with flow control, and exactly one response (bytes, a file, a stream, or Server-Sent Events).
 *
 * <p>Thread: every method may be called from any thread; calls made off the loop thread are handed to it
 * in order. Ownership: the exchange is Loopwire's; the application may keep it until the response is
 * complete. If the client goes away first, a later response is dropped silently.
 *
 * <p>Keep-alive and framing are Loopwire's: do not set Content-Length, Transfer-Encoding or Connection
 * (except {@code Connection: close}, which is honored). A request that announced
 * {@code Expect: 100-continue} gets {@code 100 Continue} when the body is first asked for; answering
 * without reading such a body closes the connection after the response.
 */
public final class HttpExchange {

  private final ServerExchange engine;
  private final String vhost;
  private final String mountPrefix;
  private final String path;
  private final String query;
  private final String pathInMount;

  HttpExchange(ServerExchange engine, String vhost, String mountPrefix, String path, String query,
      String pathInMount) {
    this.engine = engine;
    this.vhost = vhost;
    this.mountPrefix = mountPrefix;
    this.path = path;
    this.query = query;
    this.pathInMount = pathInMount;
  }

  // ---- the request ----

  /** The method, case-sensitive ({@code GET}, {@code POST}, ...). */
  public String method() {
    return engine.request().method();
  }

  /** The request target as sent: path and query, percent-encoding as given. */
  public String target() {
    return engine.request().target();
  }

  /** The path part of the target, still percent-encoded. */
  public String path() {
    return path;
  }

  /** The query without its {@code ?}, or {@code null}. */
  public String query() {
    return query;
  }

  /** The mount's prefix ({@code /api}). */
  public String mountPrefix() {
    return mountPrefix;
  }

  /** The path below the mount prefix: {@code /users/7} for {@code /api/users/7}; empty at the prefix itself. */
  public String pathInMount() {
    return pathInMount;
  }

  public Http1Fields headers() {
    return engine.request().headers();
  }

  public Http1Version version() {
    return engine.request().version();
  }

  /** The name of the vhost that took the request. */
  public String vhost() {
    return vhost;
  }

  public InetSocketAddress remoteAddress() {
    return engine.remoteAddress();
  }

  public InetSocketAddress localAddress() {
    return engine.localAddress();
  }

  /** The body length the request declared: 0 if it has none, -1 if chunked (unknown until it ends). */
  public long contentLength() {
    return engine.contentLength();
  }

  // ---- the request body ----

  /**
   * Starts delivering the body to {@code listener}: {@code onData} pieces, then {@code onEnd} or
   * {@code onAbort} (for a request without a body, {@code onEnd} at once). Until this is called the body
   * waits in the connection (which stops reading once 64 KiB are buffered); if it is never called, the
   * body is read and discarded after the response. The body is bounded by
   * {@link io.loopwire.protocol.http1.Http1Limits#maxBodyBytes()}: beyond it the client gets 413 and
   * the listener {@code onAbort}.
   *
   * @throws IllegalStateException if the body is already being read
   */
  public void readBody(RequestBodyListener listener) {
    Checks.notNull("listener", listener);
    engine.readBody(new ServerExchange.BodySink() {
      @Override
      public void onData(ByteBuffer data) {
        listener.onData(HttpExchange.this, data);
      }

      @Override
      public void onEnd(Http1Fields trailers) {
        listener.onEnd(HttpExchange.this, trailers);
      }

      @Override
      public void onAbort(Throwable cause) {
        listener.onAbort(HttpExchange.this, cause);
      }
    });
  }

  /**
   * Reads the whole body into memory (it is bounded by the vhost's {@code maxBodyBytes}). The future
   * completes on the loop thread with the bytes (owned by the caller), or fails if the body cannot be
   * read completely.
   *
   * @throws IllegalStateException if the body is already being read
   */
  public CompletableFuture<byte[]> readBodyBytes() {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    readBody(new RequestBodyListener() {
      private byte[] buf = new byte[contentLength() > 0 ? (int) Math.min(contentLength(), 1 << 20) : 256];
      private int size;

      @Override
      public void onData(HttpExchange exchange, ByteBuffer data) {
        int n = data.remaining();
        if (buf.length - size < n) {
          byte[] bigger = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) size + n, 2L * buf.length))];
          System.arraycopy(buf, 0, bigger, 0, size);
          buf = bigger;
        }
        data.get(buf, size, n);
        size += n;
      }

      @Override
      public void onEnd(HttpExchange exchange, Http1Fields trailers) {
        byte[] out = size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
        buf = null;
        f.complete(out);
      }

      @Override
      public void onAbort(HttpExchange exchange, Throwable cause) {
        buf = null;
        f.completeExceptionally(cause);
      }
    });
    return f;
  }

  /** Stops body delivery until {@link #resumeBody()}; the connection stops reading, TCP slows the client. */
  public void pauseBody() {
    engine.pauseBody();
  }

  public void resumeBody() {
    engine.resumeBody();
  }

  // ---- the response ----

  /**
   * Answers with a complete response. Ownership: {@code response} and its body are transferred.
   *
   * @throws IllegalStateException if a response was already given
   */
  public void respond(HttpResponse response) {
    Checks.notNull("response", response);
    byte[] body = response.body();
    engine.respond(response.status(), null, response.headers(), body.length == 0 ? null : ByteBuffer.wrap(body));
  }

  /** Answers with {@code status} and a {@code text/plain} UTF-8 body. */
  public void respond(int status, String text) {
    respond(HttpResponse.text(status, text));
  }

  /**
   * Answers with the file at {@code file} as a directory mount would: Content-Type by extension, ETag,
   * Last-Modified, 304, ranges (206/416), HEAD; 404 if it is not a readable regular file. The file is
   * read in chunks as the socket drains. The path is trusted: resolve request paths with a directory
   * mount, not with this.
   *
   * @param extraHeaders added to the 200, 206 and 304 answers (e.g. Cache-Control, Content-Disposition)
   * @throws IllegalStateException if a response was already given
   */
  public void respondFile(Path file, Http1Fields extraHeaders) {
    Checks.notNull("file", file);
    Checks.notNull("extraHeaders", extraHeaders);
    if (engine.isResponded()) {
      throw new IllegalStateException("a response was already given for " + method() + " " + target());
    }
    try {
      Path real = file.toRealPath();
      BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class);
      if (!attrs.isRegularFile()) {
        respond(HttpResponse.text(404, "not found"));
        return;
      }
      if (!method().equals("GET") && !method().equals("HEAD")) {
        respond(new HttpResponse(405, Http1Fields.of("Allow", "GET, HEAD", "Content-Type",
            "text/plain; charset=utf-8"), "method not allowed\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      DirectoryContent.serveFile(engine, real, attrs, extraHeaders);
    } catch (NoSuchFileException e) {
      respond(HttpResponse.text(404, "not found"));
    } catch (IOException e) {
      respond(HttpResponse.text(404, "not found"));
    }
  }

  /** {@link #respondFile(Path, Http1Fields)} without extra headers. */
  public void respondFile(Path file) {
    respondFile(file, Http1Fields.empty());
  }

  /**
   * Starts a streamed response. Framing: exactly {@code Content-Length} bytes if {@code headers} declare
   * it, else chunked (HTTP/1.1) or until the connection closes (HTTP/1.0). For a HEAD request only the
   * head goes out and the stream completes at once.
   *
   * @param listener hears {@code onWritable} and, exactly once, {@code onComplete}; borrowed
   * @throws IllegalStateException if a response was already given
   */
  public ResponseStream respondStream(int status, Http1Fields headers, ResponseStreamListener listener) {
    checkStatus(status);
    Checks.notNull("headers", headers);
    Checks.notNull("listener", listener);
    if (headers.contains("Transfer-Encoding")) {
      throw new ConfigException("do not set Transfer-Encoding; Loopwire frames the stream");
    }
    ResponseStream[] self = new ResponseStream[1];
    engine.respondStream(status, null, headers, es -> {
      self[0] = new ResponseStream(es);
      return new ServerExchange.StreamListener() {
        @Override
        public void onWritable() {
          listener.onWritable(self[0]);
        }

        @Override
        public void onComplete(Throwable cause) {
          listener.onComplete(self[0], cause);
        }
      };
    });
    return self[0];
  }

  /**
   * Starts a Server-Sent Events stream: 200, {@code Content-Type: text/event-stream},
   * {@code Cache-Control: no-cache}, then events as they are sent.
   *
   * @throws IllegalStateException if a response was already given
   */
  public ServerSentEvents respondEvents(ResponseStreamListener listener) {
    return new ServerSentEvents(respondStream(200, Http1Fields.of("Content-Type", "text/event-stream; charset=utf-8",
        "Cache-Control", "no-cache"), listener));
  }

  /** Whether a response has been given. */
  public boolean isResponded() {
    return engine.isResponded();
  }

  /** Resets the connection: for a response that cannot be completed. */
  public void abort() {
    engine.abort();
  }

  private static void checkStatus(int status) {
    if (status < 200 || status > 599) {
      throw new ConfigException("HTTP response status " + status + " must be within 200..599");
    }
  }
}
