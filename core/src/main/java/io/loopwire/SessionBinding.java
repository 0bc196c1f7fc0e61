package io.loopwire;

import io.loopwire.engine.WsEndpoint;
import io.loopwire.engine.WsSessionCore;
import java.nio.ByteBuffer;

/** Adapts the engine's events for one session to the app's {@link WsHandler}, counting as it goes. */
final class SessionBinding<S> implements WsEndpoint {

  private static final System.Logger LOG = System.getLogger(SessionBinding.class.getName());

  private final Session<S> session;
  private final WsHandler<S> handler;
  private final Stats.Counters counters;
  private final Loopwire context;
  private final Hooks hooks;
  private Stats.Local local;

  /** Extra steps for client sessions (future completion, reconnect). */
  interface Hooks {
    void opened();

    void ended(int code, Throwable cause);
  }

  SessionBinding(Loopwire context, Session<S> session, WsHandler<S> handler, Stats.Counters counters,
      Hooks hooks) {
    this.context = context;
    this.session = session;
    this.handler = handler;
    this.counters = counters;
    this.hooks = hooks;
  }

  /**
   * The session's loop-thread counters, made with its first message: an idle session registers none.
   * Sends before that count in the shared adders.
   */
  private Stats.Local local() {
    Stats.Local l = local;
    if (l == null) {
      l = counters.openLocal();
      local = l;
      session.local = l;
    }
    return l;
  }

  Session<S> session() {
    return session;
  }

  @Override
  public void onOpen(WsSessionCore core) {
    session.core = core;
    counters.open.increment();
    counters.opened.increment();
    context.sessionStarted(this);
    session.state = handler.onOpen(session);
    if (hooks != null) {
      hooks.opened();
    }
  }

  @Override
  public void onText(String text) {
    Stats.Local l = local();
    l.messagesIn++;
    l.bytesIn += text.length();
    handler.onText(session, text);
  }

  @Override
  public void onBinary(ByteBuffer data) {
    Stats.Local l = local();
    l.messagesIn++;
    l.bytesIn += data.remaining();
    handler.onBinary(session, data);
  }

  @Override
  public void onPing(ByteBuffer payload) {
    handler.onPing(session, payload);
  }

  @Override
  public void onPong(ByteBuffer payload) {
    handler.onPong(session, payload);
  }

  @Override
  public void onWritable() {
    handler.onWritable(session);
  }

  @Override
  public void onClose(int code, String reason, boolean remote, Throwable cause) {
    counters.open.decrement();
    session.local = null;
    if (local != null) {
      counters.closeLocal(local);
    }
    if (cause != null) {
      counters.errors.increment();
    }
    try {
      handler.onClose(session, new CloseStatus(code, reason, remote, cause));
    } finally {
      S state = session.state;
      session.state = null;
      if (state instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.log(System.Logger.Level.WARNING, "closing the session state of " + session + " failed", e);
        }
      }
      context.sessionEnded(this);
      if (hooks != null) {
        hooks.ended(code, cause);
      }
    }
  }
}
