package io.loopwire.protocol.ws;

import io.loopwire.protocol.RemoteProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A stand-in for permessage-deflate that exercises the {@link WsPayloadTransform} seam: on the wire every
 * byte is sent twice (RSV1 marks such messages); decoding keeps one of each pair and fails with 1007 when a
 * pair differs. Decoded output is handed out lazily, at most as much as asked for.
 */
class DoublingTransform implements WsPayloadTransform {

  private final ByteArrayOutputStream input = new ByteArrayOutputStream();
  private byte[] buffered = new byte[0];
  private int readPos;
  private boolean inputEnded;
  private final boolean transformOutbound;
  int messagesEncoded;

  DoublingTransform(boolean transformOutbound) {
    this.transformOutbound = transformOutbound;
  }

  @Override
  public int rsvBits() {
    return 0x40;
  }

  @Override
  public void decodeInput(ByteBuffer piece, boolean endOfMessage) {
    byte[] rest = java.util.Arrays.copyOfRange(buffered, readPos, buffered.length);
    input.reset();
    input.writeBytes(rest);
    byte[] b = new byte[piece.remaining()];
    piece.get(b); // the piece is borrowed: copy
    input.writeBytes(b);
    buffered = input.toByteArray();
    readPos = 0;
    inputEnded = endOfMessage;
  }

  @Override
  public int decodeOutput(ByteBuffer dst) {
    int n = 0;
    while (dst.hasRemaining() && buffered.length - readPos >= 2) {
      if (buffered[readPos] != buffered[readPos + 1]) {
        throw RemoteProtocolException.ws(1007, "doubled bytes differ");
      }
      dst.put(buffered[readPos]);
      readPos += 2;
      n++;
    }
    if (n > 0) {
      return n;
    }
    if (inputEnded) {
      if (buffered.length - readPos != 0) {
        throw RemoteProtocolException.ws(1007, "odd doubled payload");
      }
      inputEnded = false;
      buffered = new byte[0];
      readPos = 0;
      return -1;
    }
    return 0;
  }

  @Override
  public boolean encodeMessage(boolean text) {
    if (transformOutbound) {
      messagesEncoded++;
    }
    return transformOutbound;
  }

  @Override
  public ByteBuffer encode(ByteBuffer plain, boolean endOfMessage) {
    ByteBuffer out = ByteBuffer.allocate(plain.remaining() * 2);
    while (plain.hasRemaining()) {
      byte b = plain.get();
      out.put(b).put(b);
    }
    return out.flip();
  }
}
