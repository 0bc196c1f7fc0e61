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
import io.loopwire.protocol.http1.Http1Version;
import io.loopwire.protocol.deflate.DeflateTransform;
import io.loopwire.protocol.ws.WsClientHandshake;
import io.loopwire.protocol.ws.WsConnection;
import io.loopwire.protocol.ws.WsHandshakeException;
import io.loopwire.protocol.ws.WsRole;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * A client connection from TCP connect to the end of the opening handshake; then it hands every
 * transport callback to a {@link WsSessionCore}. Reports exactly one of {@code onUpgraded} (followed by
 * the session's {@code onOpen}) or {@code onFailed}.
 *
 * <p>Thread: the transport's loop thread, except {@link #cancel()} (loop thread too, by contract of the
 * caller).
 */
public final class WsClientConnector implements TransportHandler {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String hostHeader;
  private final String target;
  private final List<String> subprotocols;
  private final Http1Fields extraHeaders;
  private final WsSessionSettings settings;
  private final long handshakeTimeoutNanos;
  private final ClientCallbacks callbacks;
  private final DeflateSetup deflate;

  private Transport transport;
  private WsClientHandshake handshake;
  private Http1ResponseParser parser;
  private Timer timer;
  private TransportHandler delegate;
  private boolean done;
  private Http1Fields switchingHeaders;

  public WsClientConnector(String hostHeader, String target, List<String> subprotocols, Http1Fields extraHeaders,
      WsSessionSettings settings, long handshakeTimeoutNanos, ClientCallbacks callbacks) {
    this.hostHeader = hostHeader;
    this.target = target;
    this.subprotocols = subprotocols;
    this.extraHeaders = extraHeaders;
    this.settings = settings;
    this.handshakeTimeoutNanos = handshakeTimeoutNanos;
    this.callbacks = callbacks;
    this.deflate = settings.deflateSetup();
  }

  /** Abandons the attempt before it opened (reported as CANCELLED). Loop thread. */
  public void cancel() {
    if (!done) {
      fail(ConnectStep.CANCELLED, 0, "cancelled", new CancellationException("cancelled"));
      if (transport != null) {
        transport.abort();
      }
    }
  }

  @Override
  public void onConnectFailed(Throwable cause) {
    if (cause instanceof SocketTimeoutException) {
      fail(ConnectStep.TIMEOUT, 0, "TCP connect timed out", cause);
    } else if (cause instanceof CancellationException) {
      fail(ConnectStep.CANCELLED, 0, "connect cancelled", cause);
    } else if (cause instanceof ConnectException) {
      fail(ConnectStep.TCP, 0, "TCP connect failed: " + cause.getMessage(), cause);
    } else if (cause instanceof javax.net.ssl.SSLException) {
      // TCP connected, then the TLS layer below us failed (its message says why: name, expiry, CA, timeout)
      fail(ConnectStep.TLS, 0, cause.getMessage(), cause);
    } else {
      fail(ConnectStep.TCP, 0, "TCP connect failed: " + cause, cause);
    }
  }

  @Override
  public void onOpen(Transport t) {
    this.transport = t;
    if (done) {
      t.abort();
      return;
    }
    try {
      handshake = WsClientHandshake.builder(hostHeader, target).subprotocols(subprotocols).headers(extraHeaders)
          .extensions(deflate.negotiators()).build(RANDOM);
    } catch (IllegalArgumentException e) {
      fail(ConnectStep.HANDSHAKE_VALIDATION, 0, "cannot build the upgrade request: " + e.getMessage(), e);
      t.abort();
      return;
    }
    parser = new Http1ResponseParser(Http1Limits.defaults());
    parser.expectResponse("GET");
    t.write(Http1Serializer.requestHead(new Http1Request("GET", target, Http1Version.HTTP_1_1,
        handshake.requestHeaders())));
    t.flush();
    if (handshakeTimeoutNanos > 0) {
      timer = t.thread().schedule(Duration.ofNanos(handshakeTimeoutNanos), () -> {
        if (!done) {
          fail(ConnectStep.TIMEOUT, 0, "no handshake response within " + handshakeTimeoutNanos / 1_000_000 + " ms",
              new TimeoutException("handshake timeout"));
          transport.abort();
        }
      });
    }
  }

  @Override
  public void onRead(ByteBuffer data) {
    if (delegate != null) {
      delegate.onRead(data);
      return;
    }
    if (done) {
      return;
    }
    parser.receive(data);
    process();
  }

  private void process() {
    while (!done) {
      Http1Event ev;
      try {
        ev = parser.nextEvent();
      } catch (RemoteProtocolException e) {
        fail(ConnectStep.HANDSHAKE_VALIDATION, 0, "malformed handshake response: " + e.getMessage(), e);
        transport.abort();
        return;
      }
      if (ev instanceof Http1Event.ResponseHead h) {
        if (h.response().status() == 101) {
          // the parser ends the HTTP stream after a 101; the rest of the bytes belong to the session
          switchingHeaders = h.response().headers();
          continue;
        }
        if (h.response().isInformational()) {
          continue;
        }
        int status = h.response().status();
        fail(ConnectStep.HANDSHAKE_STATUS, status, "server answered " + status + " " + h.response().reason()
            + " instead of 101 Switching Protocols", null);
        transport.abort();
        return;
      }
      if (ev == Http1Event.Signal.PAUSED && switchingHeaders != null) {
        upgraded(switchingHeaders);
        return;
      }
      if (ev == Http1Event.Signal.NEED_DATA) {
        return;
      }
      if (ev == Http1Event.Signal.END_OF_INPUT) {
        fail(ConnectStep.HANDSHAKE_VALIDATION, 0, "server closed the connection during the handshake",
            new EOFException());
        transport.abort();
        return;
      }
    }
  }

  private void upgraded(Http1Fields responseHeaders) {
    WsClientHandshake.Accepted accepted;
    try {
      accepted = handshake.validate(101, responseHeaders);
    } catch (WsHandshakeException e) {
      fail(ConnectStep.HANDSHAKE_VALIDATION, 0, e.getMessage(), e);
      transport.abort();
      return;
    }
    done = true;
    cancelTimer();
    ByteBuffer leftover = parser.takeLeftover();
    WsEndpoint endpoint = callbacks.onUpgraded(transport, accepted.subprotocol(), handshake.requestHeaders(),
        responseHeaders);
    DeflateTransform transform = deflate.transform(WsRole.CLIENT, accepted.extensions());
    WsConnection conn = new WsConnection(WsRole.CLIENT, settings.limits(), null, transform);
    WsSessionCore core = new WsSessionCore(transport, conn, endpoint, settings, true, transform);
    delegate = core;
    core.start(leftover);
  }

  @Override
  public void onReadEof() {
    if (delegate != null) {
      delegate.onReadEof();
      return;
    }
    if (!done) {
      parser.receiveEof();
      process();
    }
    if (!done) {
      fail(ConnectStep.HANDSHAKE_VALIDATION, 0, "server closed the connection during the handshake",
          new EOFException());
    }
    transport.close();
  }

  @Override
  public void onWriteDrained() {
    if (delegate != null) {
      delegate.onWriteDrained();
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    if (delegate != null) {
      delegate.onClosed(cause);
      return;
    }
    cancelTimer();
    if (!done && cause instanceof javax.net.ssl.SSLException) {
      // TLS 1.3: a server that refuses our client certificate says so after our side of its handshake
      fail(ConnectStep.TLS, 0, "the TLS session failed before the upgrade: " + cause.getMessage(), cause);
    } else if (!done) {
      fail(ConnectStep.TCP, 0, "connection closed during the handshake",
          cause != null ? cause : new IOException("connection closed during the handshake"));
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void fail(ConnectStep step, int status, String message, Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    callbacks.onFailed(step, status, message, cause);
  }
}
