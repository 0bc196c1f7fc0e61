package io.loopwire.cli;

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
import io.loopwire.protocol.ws.WsClientHandshake;
import io.loopwire.protocol.ws.WsHandshakeException;
import io.loopwire.protocol.ws.WsMasking;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Locale;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One connection of {@code bench --raw}: binary echo straight on the loop's transport, for a generator
 * that costs less than the server it loads. Each message is one of a few frames built and masked once,
 * written without a copy; echoes are counted from their frame headers and their payload is skipped
 * unread. The server does all the work a real peer causes (unmasking, parsing, validating, framing).
 *
 * <p>Reusing masking keys across frames is what a conforming client must not do (RFC 6455 5.3 asks for
 * an unpredictable key per frame, against cache poisoning through proxies); it is acceptable for load
 * on loopback and is why this mode is separate. Loop thread only, except {@link #close()}.
 */
final class BenchRaw implements TransportHandler {

  /** Distinct pre-masked frames per message size, sent in turn. */
  static final int FRAMES = 8;

  /** The frames every connection sends: read-only, direct, shared. */
  static ByteBuffer[] frames(int size, SecureRandom random) {
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) i;
    }
    ByteBuffer[] frames = new ByteBuffer[FRAMES];
    for (int f = 0; f < FRAMES; f++) {
      int head = 2 + (size < 126 ? 0 : size <= 0xFFFF ? 2 : 8) + 4;
      byte[] frame = new byte[head + size];
      frame[0] = (byte) 0x82; // FIN, binary
      int p = 2;
      if (size < 126) {
        frame[1] = (byte) (0x80 | size);
      } else if (size <= 0xFFFF) {
        frame[1] = (byte) (0x80 | 126);
        frame[p++] = (byte) (size >>> 8);
        frame[p++] = (byte) size;
      } else {
        frame[1] = (byte) (0x80 | 127);
        for (int i = 7; i >= 0; i--) {
          frame[p++] = (byte) ((long) size >>> (8 * i));
        }
      }
      int key = random.nextInt();
      for (int i = 3; i >= 0; i--) {
        frame[p++] = (byte) (key >>> (8 * i));
      }
      System.arraycopy(payload, 0, frame, p, size);
      WsMasking.mask(frame, p, size, key, 0);
      ByteBuffer direct = ByteBuffer.allocateDirect(frame.length);
      direct.put(frame).flip();
      frames[f] = direct.asReadOnlyBuffer();
    }
    return frames;
  }

  private final BenchRun run;
  private final int size;
  private final ByteBuffer[] frames;
  private final String path;
  private final String host;
  private final SecureRandom random;
  private final SendTimes times;

  /** Called once when the connection is open or has failed to open (the ramp's permit). */
  private final Runnable settled;
  private Transport transport;
  /** The transport for {@link #close()}, which runs on another thread. */
  private volatile Transport opened;
  private SingleWriterRecorder recorder;
  /** The upgrade, with the codec's own request, response parser and checks; null once upgraded. */
  private WsClientHandshake handshake;
  private Http1ResponseParser parser;
  private Http1Fields switching;
  private boolean upgraded;
  private boolean ended;
  private int next;

  // Frame reading: header bytes gathered so far, then payload bytes left to skip.
  private final byte[] frameHead = new byte[14];
  private int frameHeadLength;
  private long skip;
  private boolean frameFin;
  private int frameOpcode;
  /** Payload bytes of the message being received so far (over its fragments), and its opcode. */
  private long messageLength;
  private int messageOpcode;

  BenchRaw(BenchRun run, int depth, int size, ByteBuffer[] frames, String host, String path, SecureRandom random,
      Runnable settled) {
    this.run = run;
    this.settled = settled;
    this.size = size;
    this.frames = frames;
    this.host = host;
    this.path = path;
    this.random = random;
    this.times = new SendTimes(depth);
  }

  @Override
  public void onOpen(Transport t) {
    transport = t;
    opened = t;
    if (run.stopping) {
      ended = true; // the run ended while this connection was still connecting
      settled.run();
      t.close();
      return;
    }
    handshake = WsClientHandshake.builder(host, path).build(random);
    parser = new Http1ResponseParser(Http1Limits.defaults());
    parser.expectResponse("GET");
    t.write(Http1Serializer.requestHead(new Http1Request("GET", path, Http1Version.HTTP_1_1,
        handshake.requestHeaders())));
    t.flush();
  }

  @Override
  public void onRead(ByteBuffer data) {
    if (ended) {
      return;
    }
    if (!upgraded) {
      data = handshake(data);
      if (data == null) {
        return;
      }
    }
    while (data.hasRemaining() && !ended) {
      if (skip > 0) {
        int n = (int) Math.min(skip, data.remaining());
        data.position(data.position() + n);
        skip -= n;
        if (skip == 0) {
          frameDone();
        }
        continue;
      }
      frameHead[frameHeadLength++] = data.get();
      int need = headLength();
      if (frameHeadLength < need) {
        continue;
      }
      frameHeadLength = 0;
      frameFin = (frameHead[0] & 0x80) != 0;
      frameOpcode = frameHead[0] & 0x0F;
      skip = payloadLength();
      if (skip == 0) {
        frameDone();
      }
    }
    transport.flush(); // the sends of this read batch, in one write
  }

  /** How many header bytes the frame being read has, as far as the bytes so far tell. */
  private int headLength() {
    if (frameHeadLength < 2) {
      return 2;
    }
    int len7 = frameHead[1] & 0x7F;
    int base = 2 + ((frameHead[1] & 0x80) != 0 ? 4 : 0);
    return len7 == 126 ? base + 2 : len7 == 127 ? base + 8 : base;
  }

  private long payloadLength() {
    int len7 = frameHead[1] & 0x7F;
    if (len7 == 126) {
      return ((frameHead[2] & 0xFF) << 8) | (frameHead[3] & 0xFF);
    }
    if (len7 == 127) {
      long v = 0;
      for (int i = 2; i < 10; i++) {
        v = (v << 8) | (frameHead[i] & 0xFF);
      }
      return v;
    }
    return len7;
  }

  private void frameDone() {
    long length = payloadLength();
    if (frameOpcode >= 0x8) {
      if (frameOpcode == 0x8) {
        end("the server sent a close frame");
      }
      return; // ping or pong: not an echo (a ping's pong is not owed by a load generator)
    }
    if (frameOpcode != 0) {
      messageOpcode = frameOpcode;
      messageLength = 0;
    }
    messageLength += length;
    if (frameFin) {
      echoed(messageOpcode == 0x2 && messageLength == size);
    }
  }

  private void echoed(boolean good) {
    long now = System.nanoTime();
    long roundTrip = times.echoed(now);
    if (!good || roundTrip < 0) {
      run.badEcho.increment();
      if (roundTrip < 0) {
        return;
      }
    }
    BenchRun.record(recorder, roundTrip);
    if (!run.stopping) {
      send(now);
    }
  }

  private void send(long now) {
    ByteBuffer frame = frames[next].duplicate();
    next = next + 1 == frames.length ? 0 : next + 1;
    if (transport.write(frame)) {
      times.sent(now);
    } else {
      run.sendRejected.increment();
    }
  }

  /** Reads the response to the upgrade; returns the bytes after it once upgraded, else null. */
  private ByteBuffer handshake(ByteBuffer data) {
    parser.receive(data);
    while (true) {
      Http1Event ev;
      try {
        ev = parser.nextEvent();
      } catch (RemoteProtocolException e) {
        failHandshake("malformed response: " + e.getMessage());
        return null;
      }
      if (ev instanceof Http1Event.ResponseHead h) {
        int status = h.response().status();
        if (status == 101) {
          switching = h.response().headers();
        } else if (!h.response().isInformational()) {
          failHandshake("the server answered \"" + h.response().version().text() + " " + status + " "
              + h.response().reason() + "\" instead of 101 Switching Protocols");
          return null;
        }
      } else if (ev == Http1Event.Signal.PAUSED && switching != null) {
        return upgraded();
      } else if (ev == Http1Event.Signal.NEED_DATA) {
        return null;
      } else if (ev == Http1Event.Signal.END_OF_INPUT) {
        failHandshake("the server closed the connection during the handshake");
        return null;
      }
    }
  }

  /** The 101 arrived: checks it, starts the echo, and returns the bytes that followed it. */
  private ByteBuffer upgraded() {
    try {
      handshake.validate(101, switching);
    } catch (WsHandshakeException e) {
      failHandshake(e.getMessage());
      return null;
    }
    ByteBuffer leftover = parser.takeLeftover();
    handshake = null;
    parser = null;
    switching = null;
    if (run.stopping) {
      ended = true; // upgraded only after the run ended: not counted, just closed
      settled.run();
      transport.close();
      return null;
    }
    upgraded = true;
    run.open.incrementAndGet();
    run.opened.increment();
    settled.run(); // after the counts: the ramp reads them once every permit is back
    recorder = run.recorder();
    long now = System.nanoTime();
    for (int i = 0; i < times.depth() && !run.stopping; i++) {
      send(now);
    }
    transport.flush();
    return leftover;
  }

  private void failHandshake(String problem) {
    ended = true;
    run.connectFailed.increment();
    settled.run();
    BenchCommand.note("handshake failed: " + problem);
    transport.abort();
  }

  private void end(String why) {
    ended = true;
    run.open.decrementAndGet();
    if (!run.stopping) {
      run.droppedEarly.increment();
      BenchCommand.note("connection closed during the run: " + why);
    }
    transport.close();
  }

  /** Ends the connection with a close frame (code 1000), then a TCP close. Thread: any. */
  void close() {
    Transport t = opened;
    if (t == null) {
      return;
    }
    t.thread().execute(() -> {
      if (ended || !upgraded) {
        if (!ended) {
          ended = true; // still handshaking when the run ended: not an error
          settled.run();
          t.close();
        }
        return;
      }
      ended = true;
      run.open.decrementAndGet();
      t.write(ByteBuffer.wrap(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8}));
      t.close();
    });
  }

  @Override
  public void onReadEof() {
    if (ended) {
      return;
    }
    if (upgraded) {
      end("the server closed the connection");
    } else {
      failHandshake("the server closed the connection during the handshake");
    }
  }

  @Override
  public void onWriteDrained() {}

  @Override
  public void onClosed(Throwable cause) {
    if (!ended) {
      ended = true;
      if (upgraded) {
        run.open.decrementAndGet();
        if (!run.stopping) {
          run.droppedEarly.increment();
          BenchCommand.note("connection lost during the run: " + cause);
        }
      } else if (!run.stopping) {
        run.connectFailed.increment();
        settled.run();
        BenchCommand.note("connection lost during the handshake: " + cause);
      }
    }
  }

  @Override
  public void onConnectFailed(Throwable cause) {
    ended = true;
    if (!run.stopping) {
      run.connectFailed.increment();
      BenchCommand.note("connect failed: " + cause);
    }
    settled.run();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "raw echo connection to %s%s", host, path);
  }
}
