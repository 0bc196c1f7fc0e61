package io.loopwire.engine;

import io.loopwire.loop.Timer;
import io.loopwire.loop.Transport;
import io.loopwire.loop.TransportHandler;
import io.loopwire.protocol.RemoteProtocolException;
import io.loopwire.protocol.http1.Http1Event;
import io.loopwire.protocol.http1.Http1Fields;
import io.loopwire.protocol.http1.Http1Limits;
import io.loopwire.protocol.http1.Http1Request;
import io.loopwire.protocol.http1.Http1ResponseParser;
import io.loopwire.protocol.http1.Http1Serializer;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Opens a tunnel through an HTTP proxy (RFC 9110 9.3.6): sends {@code CONNECT host:port}, and once the
 * proxy answers 2xx opens {@code inner} on the same transport, handing it any bytes that came after the
 * proxy's answer; from then on every callback goes to {@code inner}. A refusal (any other status), a
 * malformed answer or a close before the answer reaches {@code inner} as {@code onConnectFailed}, exactly
 * once, with a {@link ProxyRefusedException} (or the I/O cause).
 *
 * <p>Thread: the transport's loop thread. Usable for any protocol: https and wss targets alike.
 */
public final class ProxyTunnel implements TransportHandler {

  /** The proxy did not open the tunnel. */
  public static final class ProxyRefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ProxyRefusedException(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** The proxy's status, or 0 if it gave none. */
    public int status() {
      return status;
    }
  }

  private final String authority;
  private final Http1Fields headers;
  private final Http1Limits limits;
  private final TransportHandler inner;
  private final long timeoutNanos;
  private Transport transport;
  private Timer timer;
  private Http1ResponseParser parser;
  private boolean established;
  private boolean done;

  /**
   * @param authority {@code host:port} of the target, as the CONNECT request names it
   * @param headers extra fields for the proxy, such as Proxy-Authorization
   * @param timeoutNanos how long the proxy may take to answer, failing with a
   *     {@link SocketTimeoutException}; 0 if the caller bounds the connect itself
   */
  public ProxyTunnel(String authority, Http1Fields headers, Http1Limits limits, TransportHandler inner,
      long timeoutNanos) {
    this.authority = authority;
    this.headers = headers;
    this.limits = limits;
    this.inner = inner;
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void onOpen(Transport t) {
    transport = t;
    parser = new Http1ResponseParser(limits);
    parser.expectResponse("CONNECT");
    Http1Fields h = Http1Fields.builder().add("Host", authority).addAll(headers).build();
    t.write(Http1Serializer.requestHead(Http1Request.of("CONNECT", authority, h)));
    t.flush();
    if (timeoutNanos > 0) {
      timer = t.thread().schedule(Duration.ofNanos(timeoutNanos), () -> {
        if (!established && !done) {
          refuse(new SocketTimeoutException("the proxy did not answer CONNECT " + authority + " within "
              + timeoutNanos / 1_000_000 + " ms"));
        }
      });
    }
  }

  @Override
  public void onRead(ByteBuffer data) {
    if (established) {
      inner.onRead(data);
      return;
    }
    if (done) {
      return;
    }
    parser.receive(data);
    while (!done) {
      Http1Event ev;
      try {
        ev = parser.nextEvent();
      } catch (RemoteProtocolException e) {
        refuse(new ProxyRefusedException(0, "malformed answer from the proxy to CONNECT " + authority + ": "
            + e.getMessage(), e));
        return;
      }
      if (ev instanceof Http1Event.ResponseHead h) {
        int status = h.response().status();
        if (status >= 200 && status < 300) {
          continue; // EndOfMessage, then PAUSED
        }
        if (status >= 200 || status == 101) {
          refuse(new ProxyRefusedException(status, "the proxy refused CONNECT " + authority + ": " + status + " "
              + h.response().reason(), null));
          return;
        }
      } else if (ev == Http1Event.Signal.PAUSED) {
        established = true;
        cancelTimer();
        ByteBuffer leftover = parser.takeLeftover();
        parser = null;
        inner.onOpen(transport);
        if (leftover.hasRemaining() && transport.isOpen()) {
          inner.onRead(leftover);
        }
        return;
      } else if (ev == Http1Event.Signal.NEED_DATA) {
        return;
      } else if (ev == Http1Event.Signal.END_OF_INPUT) {
        refuse(new ProxyRefusedException(0, "the proxy closed the connection before answering CONNECT",
            new EOFException()));
        return;
      }
    }
  }

  /**
   * Drops the connection to the proxy if it is open (a cancelled attempt); {@code inner} then hears
   * {@code onConnectFailed} if the tunnel had not opened, as for any close. Loop thread.
   */
  public void abort() {
    if (transport != null) {
      transport.abort();
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void refuse(IOException cause) {
    cancelTimer();
    if (!done) {
      done = true;
      inner.onConnectFailed(cause);
    }
    transport.abort();
  }

  @Override
  public void onReadEof() {
    if (established) {
      inner.onReadEof();
      return;
    }
    refuse(new ProxyRefusedException(0, "the proxy closed the connection before answering CONNECT " + authority,
        new EOFException()));
  }

  @Override
  public void onWriteDrained() {
    if (established) {
      inner.onWriteDrained();
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    if (established) {
      inner.onClosed(cause);
    } else if (!done) {
      done = true;
      cancelTimer();
      inner.onConnectFailed(cause != null ? cause : new ProxyRefusedException(0, "the connection to the proxy "
          + "closed before the tunnel opened", null));
    }
  }

  @Override
  public void onConnectFailed(Throwable cause) {
    if (!done) {
      done = true;
      inner.onConnectFailed(cause);
    }
  }
}
