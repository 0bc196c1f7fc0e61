package io.loopwire.loop;

/** Hears about connections accepted by a {@link Listener}. */
@FunctionalInterface
public interface AcceptHandler {

  /**
   * A connection was accepted and placed on {@code transport.thread()}. Returns the handler for it, which
   * then gets {@link TransportHandler#onOpen onOpen(transport)} right after this returns.
   *
   * <p>Thread: the transport's loop thread (which need not be the listener's). Calls: once per accepted
   * connection. Ownership: {@code transport} is owned by the loop and lent for life to the returned
   * handler. May: inspect addresses and refuse; must not block. Returning {@code null} refuses the
   * connection: the loop closes it and no callbacks follow. If this throws, the loop logs it and closes
   * the connection.
   */
  TransportHandler onAccept(Transport transport);
}
