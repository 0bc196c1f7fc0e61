package io.loopwire.engine;

import io.loopwire.loop.LoopThread;
import io.loopwire.loop.Transport;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Request;
import io.loopwire.protocol.http1.Http1Response;
import io.loopwire.protocol.http1.Http1Serializer;
import io.loopwire.protocol.http1.Http1Version;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One request on a server connection and the response to it: the request body streamed to a
 * {@link BodySink} with pause and resume, and a response that is bytes, a file region read in chunks as
 * the socket drains, or a {@link ResponseStream} written with back-pressure. Responses are framed here
 * (Content-Length, chunked, or until close for HTTP/1.0), with keep-alive decided as the head goes out.
 *
 * <p>Thread: the public methods may be called from any thread; off-loop calls are handed to the loop
 * thread in call order. Everything else runs on the connection's loop thread.
 */
public final class ServerExchange {

  private static final System.Logger LOG = System.getLogger(ServerExchange.class.getName());
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * Receives the request body. Thread: loop. Calls: {@code onData} zero or more times, then exactly one of
   * {@code onEnd} or {@code onAbort}.
   */
  public interface BodySink {
    /** A piece of the body; a read-only view borrowed until this returns. */
    void onData(ByteBuffer data);

    /** The body is complete; {@code trailers} are a chunked body's trailer fields, otherwise empty. */
    void onEnd(Http1Fields trailers);

    /** The body will not complete: the connection closed, or the peer broke the framing. */
    void onAbort(Throwable cause);
  }

  /** Hears about a streamed response. Thread: loop. */
  public interface StreamListener {
    /** Once per {@link ResponseStream#requestWritable()}, when the queue is at or below the low watermark. */
    void onWritable();

    /**
     * Exactly once, last: {@code null} when the whole response was handed to the connection after
     * {@link ResponseStream#end}; otherwise why it ended early (the client left, the connection failed,
     * the stream was aborted).
     */
    void onComplete(Throwable cause);
  }

  private enum Framing { NONE, FIXED, CHUNKED, UNTIL_CLOSE }

  private final HttpServerConnection conn;
  private final Transport transport;
  private final LoopThread thread;
  private final HttpServerSettings settings;
  private final Http1Request request;
  private final boolean head;
  private final long contentLength;

  private final AtomicBoolean bodyClaimed = new AtomicBoolean();
  private final AtomicBoolean responseClaimed = new AtomicBoolean();
  /** Set once no more response bytes are accepted (ended or finished); read off the loop thread. */
  private volatile boolean closedForWrites;

  // loop thread: the request body
  private BodySink sink;
  private boolean paused;
  private boolean bodyEnded;
  private boolean sinkDone;
  private boolean continueSent;

  // loop thread: the response
  private boolean started;
  private boolean responseDone;
  private boolean finished;
  private boolean keepAlive;
  private Framing framing = Framing.NONE;
  private long remaining;
  private FileChannel file;
  private long filePosition;
  private long fileLeft;
  private StreamListener listener;
  private boolean listenerDone;
  private boolean writableRequested;
  private boolean inWritable;
  private final AtomicBoolean writablePending = new AtomicBoolean();
  private final AtomicLong offLoopBytes = new AtomicLong();
  private volatile long loopQueued;

  ServerExchange(HttpServerConnection conn, Transport transport, HttpServerSettings settings, Http1Request request,
      long contentLength) {
    this.conn = conn;
    this.transport = transport;
    this.thread = transport.thread();
    this.settings = settings;
    this.request = request;
    this.head = request.method().equals("HEAD");
    this.contentLength = contentLength;
  }

  // ---- the request ----

  public Http1Request request() {
    return request;
  }

  public InetSocketAddress remoteAddress() {
    return transport.remoteAddress();
  }

  public InetSocketAddress localAddress() {
    return transport.localAddress();
  }

  public LoopThread thread() {
    return thread;
  }

  /**
   * The transport the request came on (on a TLS port, the TLS decorator: its server name and session pick
   * and check the vhost). For routing only: the exchange writes, the router must not.
   */
  public Transport transport() {
    return transport;
  }

  public boolean isHead() {
    return head;
  }

  /** The declared body length: 0 for none, -1 for a chunked body of unknown length. */
  public long contentLength() {
    return contentLength;
  }

  /**
   * Starts delivering the body to {@code sink} (and sends {@code 100 Continue} if the client waits for
   * it). Without this call the body is held (reading stops once a little is buffered) and discarded
   * after the response.
   *
   * @throws IllegalStateException if called twice
   */
  public void readBody(BodySink sink) {
    if (!bodyClaimed.compareAndSet(false, true)) {
      throw new IllegalStateException("the request body is already being read: readBody may be called once");
    }
    onLoop(() -> startBody(sink), null);
  }

  /** Stops body delivery until {@link #resumeBody()}; the client is slowed by TCP flow control. */
  public void pauseBody() {
    onLoop(() -> paused = true, null);
  }

  public void resumeBody() {
    onLoop(() -> {
      if (paused) {
        paused = false;
        conn.wakeUp();
      }
    }, null);
  }

  private void startBody(BodySink s) {
    if (finished) {
      s.onAbort(new IOException("the exchange already ended"));
      return;
    }
    if (responseDone && !bodyEnded) {
      s.onAbort(new IllegalStateException("the body was discarded: call readBody before the response is complete"));
      return;
    }
    sink = s;
    if (bodyEnded) {
      // a request without a body: its end was read with its head
      sinkDone = true;
      callSink(() -> s.onEnd(Http1Fields.empty()));
      return;
    }
    if (request.expectsContinue() && !continueSent && !started) {
      continueSent = true;
      transport.write(ByteBuffer.wrap(CONTINUE));
      conn.flush();
    }
    conn.wakeUp();
  }

  // ---- responses ----

  /**
   * Answers with {@code body} (transferred; may be null). Content-Length is set from it.
   *
   * @throws IllegalStateException if a response was already given
   */
  public void respond(int status, String reason, Http1Fields headers, ByteBuffer body) {
    claimResponse();
    if (thread.inLoop()) {
      sendBytes(status, reason, headers, body); // the usual case: no task object per response
      return;
    }
    onLoop(() -> sendBytes(status, reason, headers, body), null);
  }

  /**
   * Answers with {@code length} bytes of {@code channel} from {@code position}, read in chunks as the
   * socket drains. The channel is transferred: it is closed when the response ends, however it ends. It
   * may be null for a HEAD request, which gets the head alone.
   */
  public void respondFile(int status, String reason, Http1Fields headers, FileChannel channel, long position,
      long length) {
    try {
      claimResponse();
    } catch (IllegalStateException e) {
      closeQuietly(channel);
      throw e;
    }
    onLoop(() -> sendFile(status, reason, headers, channel, position, length), () -> closeQuietly(channel));
  }

  /**
   * Starts a streamed response: chunked, or exactly {@code Content-Length} bytes if {@code headers} declare
   * it, or (for an HTTP/1.0 client) until the connection closes. {@code listenerFor} is called once,
   * at once, with the stream, and returns its listener.
   */
  public ResponseStream respondStream(int status, String reason, Http1Fields headers,
      Function<ResponseStream, StreamListener> listenerFor) {
    claimResponse();
    ResponseStream s = new ResponseStream();
    StreamListener l = listenerFor.apply(s); // before any callback can fire
    onLoop(() -> startStream(status, reason, headers, l), null);
    return s;
  }

  /** Resets the connection: for a response that cannot be completed. */
  public void abort() {
    closedForWrites = true;
    transport.abort();
  }

  /** Whether the app has already given a response. */
  public boolean isResponded() {
    return responseClaimed.get();
  }

  /** Whether the exchange may still send (approximate off the loop thread). */
  public boolean isOpen() {
    return !closedForWrites;
  }

  private void claimResponse() {
    if (!responseClaimed.compareAndSet(false, true)) {
      throw new IllegalStateException("a response was already given for " + request.method() + " "
          + request.target() + ": respond exactly once");
    }
  }

  private void sendBytes(int status, String reason, Http1Fields headers, ByteBuffer body) {
    if (started || finished) {
      return; // the connection already answered (a framing error) or closed
    }
    int length = body == null ? 0 : body.remaining();
    if (!writeHead(status, reason, headers, length)) {
      return;
    }
    if (framing == Framing.FIXED && length > 0) {
      transport.write(body);
    }
    conn.flush();
    responseComplete();
  }

  private void sendFile(int status, String reason, Http1Fields headers, FileChannel channel, long position,
      long length) {
    if (started || finished) {
      closeQuietly(channel);
      return;
    }
    if (!writeHead(status, reason, headers, length)) {
      closeQuietly(channel);
      return;
    }
    if (framing != Framing.FIXED || length == 0) {
      closeQuietly(channel);
      conn.flush();
      responseComplete();
      return;
    }
    file = channel;
    filePosition = position;
    fileLeft = length;
    pumpFile();
  }

  private void startStream(int status, String reason, Http1Fields headers, StreamListener l) {
    listener = l;
    if (started || finished) {
      finishListener(new IOException("the exchange already ended"));
      return;
    }
    long declared = -1;
    String cl = headers.get("Content-Length");
    if (cl != null) {
      try {
        declared = Long.parseLong(cl.strip());
      } catch (NumberFormatException e) {
        declared = -2;
      }
      if (declared < 0) {
        LOG.log(System.Logger.Level.WARNING, "response Content-Length '" + cl + "' is not a byte count; answering 500");
        sendInternalError();
        finishListener(new IllegalArgumentException("bad Content-Length " + cl));
        return;
      }
    }
    if (!writeHead(status, reason, headers, declared)) {
      finishListener(new IllegalArgumentException("the response head was refused; see the log"));
      return;
    }
    conn.flush();
    if (framing == Framing.NONE || framing == Framing.FIXED && remaining == 0) {
      ended();
    }
  }

  /**
   * Queues the response head. {@code length} -1 means unknown (chunked or until close). Returns false if
   * the head was refused (the app's headers broke a rule); a 500 went out instead.
   */
  private boolean writeHead(int status, String reason, Http1Fields appHeaders, long length) {
    started = true;
    // most responses carry none of the fields this method owns: then no scan for them, no removal
    boolean appConnection = appHeaders.contains("Connection");
    boolean appClose = appConnection && appHeaders.containsToken("Connection", "close");
    Http1Fields.Builder h = appHeaders.toBuilder();
    if (appConnection) {
      h.remove("Connection");
    }
    if (appHeaders.contains("Content-Length")) {
      h.remove("Content-Length");
    }
    if (appHeaders.contains("Transfer-Encoding")) {
      h.remove("Transfer-Encoding");
    }
    if (!appHeaders.contains("Date")) {
      h.add("Date", HttpDates.now());
    }
    boolean bodyless = status < 200 || status == 204 || status == 304;
    if (bodyless) {
      framing = Framing.NONE;
    } else if (length >= 0) {
      framing = Framing.FIXED;
      remaining = length;
      h.add("Content-Length", Long.toString(length));
    } else if (request.version() == Http1Version.HTTP_1_1) {
      framing = Framing.CHUNKED;
      h.add("Transfer-Encoding", "chunked");
    } else {
      framing = Framing.UNTIL_CLOSE;
    }
    // a client waiting for 100 Continue may or may not send its body now: only a new connection is safe
    boolean unreadContinue = request.expectsContinue() && !continueSent && !bodyEnded;
    keepAlive = request.keepAlive() && !appClose && framing != Framing.UNTIL_CLOSE && !unreadContinue
        && conn.acceptsMoreRequests();
    String ours = !keepAlive ? "close" : request.version() == Http1Version.HTTP_1_0 ? "keep-alive" : null;
    if (appConnection) {
      // the app's own Connection options (such as upgrade, next to a 426's Upgrade) stay; ours are added
      StringBuilder connection = new StringBuilder();
      for (String token : appHeaders.tokens("Connection")) {
        if (!token.equalsIgnoreCase("close") && !token.equalsIgnoreCase("keep-alive")) {
          connection.append(connection.length() == 0 ? "" : ", ").append(token);
        }
      }
      if (ours != null) {
        connection.append(connection.length() == 0 ? "" : ", ").append(ours);
      }
      if (connection.length() > 0) {
        h.add("Connection", connection.toString());
      }
    } else if (ours != null) {
      h.add("Connection", ours);
    }
    ByteBuffer bytes;
    try {
      String r = reason != null ? reason : Http1Response.defaultReason(status);
      bytes = Http1Serializer.responseHead(new Http1Response(status, r, Http1Version.HTTP_1_1, h.build()));
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "the response to " + request.method() + " " + request.target()
          + " was refused (" + e.getMessage() + "); answering 500 instead");
      sendInternalError();
      return false;
    }
    if (head) {
      framing = Framing.NONE; // the head describes the GET response; no body follows
    }
    transport.write(bytes);
    return true;
  }

  private void sendInternalError() {
    keepAlive = false;
    framing = Framing.NONE;
    byte[] body = "internal error\n".getBytes(StandardCharsets.UTF_8);
    Http1Fields h = Http1Fields.of("Content-Type", "text/plain; charset=utf-8", "Content-Length",
        Integer.toString(head ? 0 : body.length), "Connection", "close", "Date", HttpDates.now());
    transport.write(Http1Serializer.responseHead(Http1Response.of(500, h)));
    if (!head) {
      transport.write(ByteBuffer.wrap(body));
    }
    conn.flush();
    responseComplete();
  }

  /**
   * Answers {@code status} for the connection (a framing error, a handler that threw) if no response has
   * started; returns false if one has, in which case the caller must reset the connection.
   */
  boolean answerForConnection(int status, String message) {
    if (started || finished) {
      return false;
    }
    started = true;
    keepAlive = false;
    framing = Framing.NONE;
    conn.writeSimple(status, message, head);
    responseComplete();
    return true;
  }

  // ---- file pump ----

  private void pumpFile() {
    long high = Math.max(settings.sendHighWatermark(), settings.fileChunkBytes());
    while (fileLeft > 0 && !finished) {
      while (fileLeft > 0 && transport.pendingWriteBytes() < high) {
        int n = (int) Math.min(settings.fileChunkBytes(), fileLeft);
        ByteBuffer chunk = ByteBuffer.allocate(n);
        try {
          while (chunk.hasRemaining()) {
            int r = file.read(chunk, filePosition + chunk.position());
            if (r < 0) {
              throw new EOFException("file shrank while it was being sent: " + fileLeft + " bytes missing");
            }
          }
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "reading the file for " + request.target() + " failed; resetting "
              + "the connection", e);
          closeQuietly(file);
          file = null;
          conn.failConnection(e);
          return;
        }
        filePosition += n;
        fileLeft -= n;
        remaining -= n;
        transport.write(chunk.flip());
      }
      transport.flush();
      if (transport.pendingWriteBytes() >= high) {
        return; // onWriteDrained resumes
      }
    }
    if (fileLeft == 0 && file != null) {
      closeQuietly(file);
      file = null;
      responseComplete();
    }
  }

  /** The transport drained (or a flush returned): move the file or the stream along. */
  void onDrained() {
    loopQueued = transport.pendingWriteBytes();
    if (file != null && !finished) {
      pumpFile();
    }
    checkWritable();
  }

  // ---- streams ----

  /**
   * A streamed response body. Thread: any; off-loop calls are handed to the loop thread in call order.
   */
  public final class ResponseStream {

    private ResponseStream() {}

    /**
     * Queues {@code data} (transferred). Returns false if the response no longer accepts bytes (ended, or
     * the client left); the data is dropped then.
     *
     * @throws IllegalStateException on the loop thread, for more bytes than a declared Content-Length
     */
    public boolean write(ByteBuffer data) {
      if (closedForWrites) {
        return false;
      }
      if (thread.inLoop()) {
        return writeOnLoop(data);
      }
      long n = data.remaining();
      offLoopBytes.addAndGet(n);
      try {
        thread.execute(() -> {
          offLoopBytes.addAndGet(-n);
          try {
            writeOnLoop(data);
          } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
          }
        });
      } catch (RejectedExecutionException e) {
        return false;
      }
      return true;
    }

    /** Whether queued bytes are at or below the high watermark. */
    public boolean isWritable() {
      return !closedForWrites && offLoopBytes.get() + loopQueued <= settings.sendHighWatermark();
    }

    /** Asks for one {@link StreamListener#onWritable()}; calls before it fires coalesce. */
    public void requestWritable() {
      if (closedForWrites || !writablePending.compareAndSet(false, true)) {
        return;
      }
      try {
        thread.execute(() -> {
          writableRequested = true;
          checkWritable();
        });
      } catch (RejectedExecutionException e) {
        // the loop is gone, and with it the connection
      }
    }

    /** Ends the body (with trailers for a chunked one; ignored otherwise). Idempotent. */
    public void end(Http1Fields trailers) {
      closedForWrites = true;
      onLoop(() -> endOnLoop(trailers), null);
    }

    /** Resets the connection: the client sees an incomplete response. */
    public void abort() {
      ServerExchange.this.abort();
    }

    /** Whether the stream still accepts bytes (approximate off the loop thread). */
    public boolean isOpen() {
      return !closedForWrites;
    }
  }

  private boolean writeOnLoop(ByteBuffer data) {
    if (finished || responseDone || !started && !responseClaimed.get()) {
      return false;
    }
    int n = data.remaining();
    if (n == 0) {
      return true;
    }
    switch (framing) {
      case NONE:
        return true; // HEAD, 204, 304: nothing goes out
      case FIXED:
        if (n > remaining) {
          closedForWrites = true;
          conn.failConnection(new IllegalStateException("response body longer than its Content-Length"));
          throw new IllegalStateException("response to " + request.target() + " writes " + n + " bytes but only "
              + remaining + " remain of its Content-Length; the connection was reset");
        }
        remaining -= n;
        transport.write(data);
        break;
      case CHUNKED:
        Http1Serializer.writeChunk(data, transport::write);
        break;
      default:
        transport.write(data);
        break;
    }
    conn.flush();
    loopQueued = transport.pendingWriteBytes();
    if (loopQueued > settings.maxSendQueueBytes()) {
      LOG.log(System.Logger.Level.DEBUG, "response stream to {0} queued {1} bytes (cap {2}); resetting",
          transport.remoteAddress(), loopQueued, settings.maxSendQueueBytes());
      conn.failConnection(new IOException("send queue passed " + settings.maxSendQueueBytes() + " bytes"));
      return false;
    }
    return true;
  }

  private void endOnLoop(Http1Fields trailers) {
    if (finished || responseDone || !started) {
      return;
    }
    if (framing == Framing.FIXED && remaining > 0) {
      conn.failConnection(new IllegalStateException("response ended " + remaining
          + " bytes short of its Content-Length"));
      return;
    }
    if (framing == Framing.CHUNKED) {
      ByteBuffer last;
      try {
        last = Http1Serializer.lastChunk(trailers == null ? Http1Fields.empty() : trailers);
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.WARNING, "trailers refused (" + e.getMessage() + "); sent none");
        last = Http1Serializer.lastChunk(Http1Fields.empty());
      }
      transport.write(last);
    }
    conn.flush();
    ended();
  }

  private void ended() {
    closedForWrites = true;
    responseComplete();
    finishListener(null);
  }

  private void checkWritable() {
    if (writableRequested && !inWritable && listener != null && !finished && !responseDone
        && transport.pendingWriteBytes() <= settings.sendLowWatermark()) {
      writableRequested = false;
      writablePending.set(false);
      inWritable = true;
      try {
        listener.onWritable();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "onWritable threw; resetting the connection", e);
        conn.failConnection(e);
      } finally {
        inWritable = false;
      }
    }
  }

  private void finishListener(Throwable cause) {
    if (listener != null && !listenerDone) {
      listenerDone = true;
      try {
        listener.onComplete(cause);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "onComplete threw", e);
      }
    }
  }

  // ---- the connection's side ----

  private void responseComplete() {
    if (responseDone) {
      return;
    }
    responseDone = true;
    closedForWrites = true;
    conn.onResponseDone(this);
  }

  boolean responseDone() {
    return responseDone;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  boolean bodyEnded() {
    return bodyEnded;
  }

  boolean isStream() {
    return listener != null && !responseDone;
  }

  /** Whether the connection should pull body events now: to the app's sink, or to discard them. */
  boolean wantsBody() {
    if (sink != null) {
      return !paused;
    }
    return responseDone;
  }

  void deliver(ByteBuffer data) {
    if (sink != null && !sinkDone) {
      callSink(() -> sink.onData(data.asReadOnlyBuffer()));
    }
  }

  void endOfBody(Http1Fields trailers) {
    bodyEnded = true;
    if (sink != null && !sinkDone) {
      sinkDone = true;
      callSink(() -> sink.onEnd(trailers));
    }
  }

  private void callSink(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a request body callback threw for " + request.target(), e);
      sinkDone = true;
      if (!answerForConnection(500, "internal error")) {
        conn.failConnection(e);
      }
    }
  }

  /** The connection ended before this exchange did (or the exchange is over): release everything once. */
  void terminate(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    closedForWrites = true;
    if (file != null) {
      closeQuietly(file);
      file = null;
    }
    Throwable c = cause != null ? cause : new IOException("the connection closed");
    if (sink != null && !sinkDone) {
      sinkDone = true;
      try {
        sink.onAbort(c);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "onAbort threw", e);
      }
    }
    finishListener(responseDone ? null : c);
  }

  /** The exchange completed normally (response out, body read): nothing may fire after this. */
  void finish() {
    finished = true;
    closedForWrites = true;
  }

  private void onLoop(Runnable task, Runnable ifRejected) {
    if (thread.inLoop()) {
      task.run();
      return;
    }
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // the loop has shut down, closing the connection with it
      if (ifRejected != null) {
        ifRejected.run();
      }
    }
  }

  static void closeQuietly(FileChannel c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }
}
