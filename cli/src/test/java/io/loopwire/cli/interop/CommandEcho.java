package io.loopwire.cli.interop;

import io.loopwire.CloseStatus;
import io.loopwire.Session;
import io.loopwire.WsHandler;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Protocol {@value #NAME} of the in-process test server: echoes text as text and binary as binary,
 * except that the text {@code !close CODE REASON} makes the server start the close handshake with that
 * code and reason (the peer clients' {@code server-close} step, and the peer echo servers' command of
 * the same spelling). Every {@code onClose} status is recorded for assertions.
 */
final class CommandEcho implements WsHandler<Void> {

  static final String NAME = "interop-echo";
  static final String CLOSE_COMMAND = "!close ";

  final BlockingQueue<CloseStatus> closes = new LinkedBlockingQueue<>();

  @Override
  public Void onOpen(Session<Void> session) {
    return null;
  }

  @Override
  public void onText(Session<Void> session, String text) {
    if (text.startsWith(CLOSE_COMMAND)) {
      String[] parts = text.substring(CLOSE_COMMAND.length()).split(" ", 2);
      session.close(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "");
    } else {
      session.sendText(text);
    }
  }

  @Override
  public void onBinary(Session<Void> session, ByteBuffer data) {
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data.duplicate()).flip();
    session.sendBinary(copy);
  }

  @Override
  public void onClose(Session<Void> session, CloseStatus status) {
    closes.add(status);
  }
}
