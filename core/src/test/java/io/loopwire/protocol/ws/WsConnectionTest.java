package io.loopwire.protocol.ws;

import static io.loopwire.protocol.ws.WsTesting.bytes;
import static io.loopwire.protocol.ws.WsTesting.concat;
import static io.loopwire.protocol.ws.WsTesting.drain;
import static io.loopwire.protocol.ws.WsTesting.events;
import static io.loopwire.protocol.ws.WsTesting.frame;
import static io.loopwire.protocol.ws.WsTesting.hex;
import static io.loopwire.protocol.ws.WsTesting.unhex;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.loopwire.protocol.LimitExceededException;
import io.loopwire.protocol.LocalProtocolException;
import io.loopwire.protocol.RemoteProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Rules of {@link WsConnection} that vectors cannot express: API contracts, states and the extension seam. */
class WsConnectionTest {

  private static final int KEY = 0x37fa213d;

  private static WsConnection server() {
    return new WsConnection(WsRole.SERVER, WsLimits.defaults());
  }

  private static WsConnection client() {
    return new WsConnection(WsRole.CLIENT, WsLimits.defaults(), () -> KEY);
  }

  private static void receive(WsConnection c, byte[]... parts) {
    c.receive(ByteBuffer.wrap(concat(parts)));
  }

  // ---------------------------------------------------------------------------------------- limits, events

  @Test
  void limitDefaultsArePinned() {
    assertThat(WsLimits.defaults()).isEqualTo(new WsLimits(16 * 1024 * 1024, 16L * 1024 * 1024));
    assertThat(WsLimits.defaults().withMaxFrameBytes(1 << 20).withMaxMessageBytes(3))
        .isEqualTo(new WsLimits(1 << 20, 3));
  }

  @Test
  void limitsRejectBadValuesNamingThem() {
    assertThatThrownBy(() -> new WsLimits(0, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFrameBytes 0");
    assertThatThrownBy(() -> WsLimits.defaults().withMaxMessageBytes(-7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageBytes -7");
  }

  @Test
  void eventRecordsValidate() {
    assertThatThrownBy(() -> new WsEvent.Ping(ByteBuffer.allocate(126)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("126");
    assertThatThrownBy(() -> new WsEvent.Pong(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new WsEvent.CloseReceived(999, "")).hasMessageContaining("999");
    assertThatThrownBy(() -> new WsEvent.Text(null, true)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void everyEventKindIsKnownToTheTests() {
    // a new event kind must be added here and to WsTesting.Recorder (and to the engine's dispatch)
    Set<Class<?>> permitted = new HashSet<>(Arrays.asList(WsEvent.class.getPermittedSubclasses()));
    assertThat(permitted).containsExactlyInAnyOrder(WsEvent.Text.class, WsEvent.Binary.class,
        WsEvent.Ping.class, WsEvent.Pong.class, WsEvent.CloseReceived.class, WsEvent.Signal.class);
    assertThat(WsEvent.Signal.values()).containsExactly(WsEvent.Signal.NEED_DATA, WsEvent.Signal.CLOSED);
  }

  // --------------------------------------------------------------------------------------------- close

  @Test
  void closeCodeTable() {
    Set<Integer> valid = new HashSet<>(List.of(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012,
        1013, 1014));
    for (int c = 3000; c <= 4999; c++) {
      valid.add(c);
    }
    for (int code = -1; code <= 70_000; code++) {
      assertThat(WsCloseCodes.isValidOnWire(code)).as("code %d", code).isEqualTo(valid.contains(code));
    }
  }

  @Test
  void sendCloseAcceptsExactlyTheCodesAllowedOnTheWire() {
    for (int code : new int[] {0, 999, 1000, 1003, 1004, 1005, 1006, 1007, 1014, 1015, 1016, 2999, 3000,
        4999, 5000}) {
      WsConnection c = server();
      if (WsCloseCodes.isValidOnWire(code)) {
        c.sendClose(code, "");
        assertThat(hex(drain(c))).isEqualTo(hex(concat(unhex("8802"), new byte[] {(byte) (code >> 8),
            (byte) code})));
        assertThat(c.state()).isEqualTo(WsState.CLOSE_SENT);
      } else {
        assertThatThrownBy(() -> c.sendClose(code, "")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("close code " + code);
        assertThat(c.state()).isEqualTo(WsState.OPEN);
        assertThat(c.hasPendingOutput()).isFalse();
      }
    }
  }

  @Test
  void sendCloseChecksTheReason() {
    WsConnection c = server();
    assertThatThrownBy(() -> c.sendClose(1000, "r".repeat(124))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("124");
    assertThatThrownBy(() -> c.sendClose(1000, "\u00e9".repeat(62))).hasMessageContaining("124");
    assertThatThrownBy(() -> c.sendClose(1000, "a\uD800")).hasMessageContaining("unpaired surrogate");
    assertThat(c.state()).isEqualTo(WsState.OPEN);
    assertThat(c.hasPendingOutput()).isFalse();
    c.sendClose(4000, "\u00e9".repeat(61) + "x");
    byte[] out = drain(c);
    assertThat(out.length).isEqualTo(2 + 125);
    assertThat(new String(out, 4, 123, UTF_8)).isEqualTo("\u00e9".repeat(61) + "x");
  }

  private static final List<Consumer<WsConnection>> SENDS = List.of(
      c -> c.sendText("x", true),
      c -> c.sendText("x", false),
      c -> c.sendBinary(ByteBuffer.wrap(new byte[] {1}), true),
      c -> c.sendPing(ByteBuffer.allocate(1)),
      c -> c.sendPong(ByteBuffer.allocate(1)),
      c -> c.sendClose(1000, ""));

  @Test
  void nothingIsSentAfterOurClose() {
    WsConnection c = server();
    c.sendClose(1001, "bye");
    for (Consumer<WsConnection> send : SENDS) {
      assertThatThrownBy(() -> send.accept(c)).isInstanceOf(LocalProtocolException.class)
          .hasMessageContaining("CLOSE_SENT");
    }
    // a ping from the peer is reported but not answered
    receive(c, frame(0x89, "p".getBytes(UTF_8), KEY));
    assertThat(events(c)).hasSize(1).first().isInstanceOf(WsEvent.Ping.class);
    assertThat(hex(drain(c))).isEqualTo("880503e9627965");
    receive(c, frame(0x88, unhex("03e8"), KEY));
    assertThat(events(c)).containsExactly(new WsEvent.CloseReceived(1000, ""), WsEvent.Signal.CLOSED);
    assertThat(c.hasPendingOutput()).isFalse();
    assertThat(c.state()).isEqualTo(WsState.CLOSED);
  }

  @Test
  void nothingIsSentAfterThePeersClose() {
    WsConnection c = client();
    receive(c, frame(0x88, unhex("0bb8"), null));
    assertThat(events(c)).containsExactly(new WsEvent.CloseReceived(3000, ""), WsEvent.Signal.CLOSED);
    assertThat(c.state()).isEqualTo(WsState.CLOSED);
    for (Consumer<WsConnection> send : SENDS) {
      assertThatThrownBy(() -> send.accept(c)).isInstanceOf(LocalProtocolException.class)
          .hasMessageContaining("CLOSED");
    }
    assertThat(drain(c)).isEqualTo(frame(0x88, unhex("0bb8"), KEY));
    // more input is dropped; CLOSED repeats
    receive(c, frame(0x81, "late".getBytes(UTF_8), null));
    assertThat(c.nextEvent()).isEqualTo(WsEvent.Signal.CLOSED);
    assertThat(c.nextEvent()).isEqualTo(WsEvent.Signal.CLOSED);
  }

  @Test
  void failedConnectionQueuesOneCloseAndRefusesEverythingElse() {
    WsConnection c = server();
    receive(c, frame(0x83, new byte[0], KEY));
    RemoteProtocolException e = catchThrowableOfType(RemoteProtocolException.class, c::nextEvent);
    assertThat(e.closeCode()).isEqualTo(1002);
    assertThat(e.getMessage()).contains("reserved opcode 0x3");
    assertThat(c.state()).isEqualTo(WsState.FAILED);
    assertThatThrownBy(c::nextEvent).isInstanceOf(IllegalStateException.class).hasMessageContaining("FAILED");
    for (Consumer<WsConnection> send : SENDS) {
      assertThatThrownBy(() -> send.accept(c)).isInstanceOf(LocalProtocolException.class)
          .hasMessageContaining("FAILED");
    }
    ByteBuffer more = ByteBuffer.wrap(frame(0x81, new byte[3], KEY));
    c.receive(more);
    assertThat(more.hasRemaining()).isFalse();
    assertThat(hex(drain(c))).isEqualTo("880203ea");
    assertThat(drain(c)).isEmpty();
  }

  @Test
  void endOfInputWithoutCloseIsReportedAs1006() {
    WsConnection c = server();
    receive(c, frame(0x81, "hi".getBytes(UTF_8), KEY));
    c.receiveEof();
    List<WsEvent> ev = events(c);
    assertThat(ev).hasSize(3);
    assertThat(ev.get(0)).isEqualTo(new WsEvent.Text("hi", true));
    WsEvent.CloseReceived close = (WsEvent.CloseReceived) ev.get(1);
    assertThat(close.code()).isEqualTo(1006);
    assertThat(close.reason()).contains("without a close frame");
    assertThat(ev.get(2)).isEqualTo(WsEvent.Signal.CLOSED);
    assertThat(c.state()).isEqualTo(WsState.CLOSED);
    assertThat(c.hasPendingOutput()).as("1006 is never sent").isFalse();
    assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
  }

  // ------------------------------------------------------------------------------------------ auto pong

  @Test
  void pingIsAnsweredWithoutTheApplication() {
    WsConnection c = server();
    receive(c, frame(0x89, "abc".getBytes(UTF_8), KEY));
    List<WsEvent> ev = events(c);
    assertThat(ev).hasSize(1);
    assertThat(bytes(((WsEvent.Ping) ev.get(0)).payload())).isEqualTo("abc".getBytes(UTF_8));
    assertThat(c.hasPendingOutput()).isTrue();
    assertThat(c.pendingOutputBytes()).isEqualTo(5);
    assertThat(hex(drain(c))).isEqualTo("8a03616263");
    assertThat(c.hasPendingOutput()).isFalse();
    assertThat(c.pendingOutputBytes()).isZero();
  }

  @Test
  void clientPongIsMaskedWithAFreshKey() {
    AtomicInteger keys = new AtomicInteger(0x11223344);
    WsConnection c = new WsConnection(WsRole.CLIENT, WsLimits.defaults(), keys::getAndIncrement);
    receive(c, frame(0x89, "abc".getBytes(UTF_8), null));
    events(c);
    assertThat(drain(c)).isEqualTo(frame(0x8A, "abc".getBytes(UTF_8), 0x11223344));
    receive(c, frame(0x89, "abc".getBytes(UTF_8), null));
    events(c);
    assertThat(drain(c)).isEqualTo(frame(0x8A, "abc".getBytes(UTF_8), 0x11223345));
  }

  @Test
  void pongGoesOutBeforeFramesQueuedEarlier() {
    WsConnection c = server();
    c.sendText("a", true);
    receive(c, frame(0x89, new byte[0], KEY));
    events(c);
    assertThat(hex(drain(c))).isEqualTo("8a00" + "810161");
  }

  // -------------------------------------------------------------------------------------------- encoder

  @Test
  void lengthsUseTheShortestEncoding() {
    for (int n : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
      for (WsRole role : WsRole.values()) {
        WsConnection c = new WsConnection(role, WsLimits.defaults(), () -> KEY);
        byte[] payload = WsTesting.pattern(n);
        c.sendBinary(ByteBuffer.wrap(payload), true);
        byte[] out = drain(c);
        assertThat(out).as("%s %d", role, n).isEqualTo(frame(0x82, payload, role == WsRole.CLIENT ? KEY : null));
        int len7 = out[1] & 0x7F;
        assertThat(len7).isEqualTo(n <= 125 ? n : n <= 65535 ? 126 : 127);
      }
    }
  }

  @Test
  void clientMasksEveryFrameWithAFreshKey() {
    int[] next = {1000};
    List<Integer> handedOut = new ArrayList<>();
    WsConnection c = new WsConnection(WsRole.CLIENT, WsLimits.defaults(), () -> {
      handedOut.add(next[0]);
      return next[0]++;
    });
    c.sendText("one", true);
    c.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), true);
    c.sendPing(ByteBuffer.wrap(new byte[] {3}));
    c.sendClose(1000, "x");
    assertThat(handedOut).containsExactly(1000, 1001, 1002, 1003);
    assertThat(drain(c)).isEqualTo(concat(frame(0x81, "one".getBytes(UTF_8), 1000),
        frame(0x82, new byte[] {1, 2}, 1001), frame(0x89, new byte[] {3}, 1002),
        frame(0x88, unhex("03e878"), 1003)));
  }

  @Test
  void defaultClientKeysAreFreshPerFrame() {
    WsConnection c = new WsConnection(WsRole.CLIENT, WsLimits.defaults());
    Set<Integer> keys = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      c.sendBinary(ByteBuffer.allocate(0), true);
      byte[] f = drain(c);
      assertThat(f).hasSize(6);
      assertThat(f[1] & 0xFF).isEqualTo(0x80);
      keys.add(ByteBuffer.wrap(f, 2, 4).getInt());
    }
    assertThat(keys).hasSizeGreaterThan(290);
  }

  @Test
  void serverNeverMasks() {
    WsConnection s = server();
    s.sendText("t".repeat(300), false);
    s.sendText("", true);
    s.sendBinary(ByteBuffer.allocate(20_000), true);
    s.sendPing(ByteBuffer.allocate(5));
    receive(s, frame(0x89, new byte[2], KEY));
    events(s);
    s.sendPong(ByteBuffer.allocate(0));
    s.sendClose(1000, "x");
    // a client rejects any masked frame with 1002
    WsConnection c = client();
    c.receive(ByteBuffer.wrap(drain(s)));
    List<WsEvent> ev = events(c);
    assertThat(ev).hasSize(8);
    assertThat(ev.get(6)).isEqualTo(new WsEvent.CloseReceived(1000, "x"));
  }

  @Test
  void fragmentedSendsUseContinuationsAndAllowControlFramesBetween() {
    WsConnection c = server();
    c.sendText("a", false);
    c.sendPing(ByteBuffer.allocate(0));
    c.sendText("b", false);
    c.sendText("c", true);
    c.sendBinary(ByteBuffer.wrap(new byte[] {1}), false);
    c.sendBinary(ByteBuffer.wrap(new byte[] {2}), true);
    assertThat(hex(drain(c))).isEqualTo("010161" + "8900" + "000162" + "800163" + "020101" + "800102");
  }

  @Test
  void interleavingDataMessagesIsRejectedAndQueuesNothing() {
    WsConnection c = server();
    c.sendText("a", false);
    long before = c.pendingOutputBytes();
    assertThatThrownBy(() -> c.sendBinary(ByteBuffer.allocate(1), true))
        .isInstanceOf(LocalProtocolException.class).hasMessageContaining("text message is unfinished");
    assertThat(c.pendingOutputBytes()).isEqualTo(before);
    c.sendText("b", true);
    c.sendBinary(ByteBuffer.allocate(1), false);
    assertThatThrownBy(() -> c.sendText("x", true)).isInstanceOf(LocalProtocolException.class)
        .hasMessageContaining("binary message is unfinished");
    c.sendBinary(ByteBuffer.allocate(0), true);
    assertThat(hex(drain(c))).isEqualTo("010161" + "800162" + "020100" + "8000");
    assertThat(c.state()).isEqualTo(WsState.OPEN);
  }

  @Test
  void surrogatePairSplitBetweenFragmentsIsKeptWhole() {
    WsConnection c = server();
    c.sendText("a\uD83D", false);
    c.sendText("\uDE00b", true);
    byte[] out = drain(c);
    assertThat(hex(out)).isEqualTo("010161" + "8005f09f988062");
    WsConnection r = client();
    r.receive(ByteBuffer.wrap(out));
    StringBuilder sb = new StringBuilder();
    for (WsEvent e : events(r)) {
      sb.append(((WsEvent.Text) e).data());
    }
    assertThat(sb.toString()).isEqualTo("a\uD83D\uDE00b");
  }

  @Test
  void unpairedSurrogatesAreRejected() {
    WsConnection c = server();
    assertThatThrownBy(() -> c.sendText("\uD800x", true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 0");
    c.sendText("\uD83D", false);
    assertThatThrownBy(() -> c.sendText("x", true)).hasMessageContaining("unpaired surrogate U+D83D");
    assertThatThrownBy(() -> c.sendText("", true)).hasMessageContaining("unpaired surrogate U+D83D");
    c.sendText("", false); // still waiting for the low half
    c.sendText("\uDE00", true);
    assertThat(hex(drain(c))).isEqualTo("0100" + "0000" + "8004f09f9880");
  }

  @Test
  void controlPayloadsOver125BytesAreRejected() {
    WsConnection c = server();
    assertThatThrownBy(() -> c.sendPing(ByteBuffer.allocate(126))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ping payload 126 > 125");
    assertThatThrownBy(() -> c.sendPong(ByteBuffer.allocate(126))).hasMessageContaining("pong payload 126");
    c.sendPing(ByteBuffer.allocate(125));
    assertThat(c.pendingOutputBytes()).isEqualTo(127);
  }

  @Test
  void drainedBuffersAreNeverTouchedAgain() {
    WsConnection c = server();
    List<ByteBuffer> handedOut = new ArrayList<>();
    c.sendText("a", true);
    c.drainTo(handedOut::add);
    ByteBuffer first = handedOut.get(0);
    assertThat(first.capacity()).as("a view of exactly the drained bytes").isEqualTo(3);
    for (int i = 0; i < 100; i++) {
      c.sendText("b".repeat(i), true);
      c.drainTo(b -> {});
    }
    assertThat(hex(bytes(first))).isEqualTo("810161");
  }

  @Test
  void pendingOutputBytesIsWhatDrainHandsOut() {
    WsConnection c = client();
    c.sendText("hello", false);
    assertThatThrownBy(() -> c.sendBinary(ByteBuffer.allocate(100_000), false))
        .isInstanceOf(LocalProtocolException.class);
    receive(c, frame(0x89, new byte[7], null));
    events(c);
    c.sendText(" world".repeat(2000), true);
    c.sendPong(ByteBuffer.allocate(3));
    long expected = c.pendingOutputBytes();
    assertThat(drain(c).length).isEqualTo((int) expected);
  }

  @Test
  void largeServerPayloadIsHandedOnWithoutCopy() {
    WsConnection c = server();
    ByteBuffer big = ByteBuffer.allocateDirect(20_000);
    c.sendBinary(big, true);
    List<ByteBuffer> out = new ArrayList<>();
    c.drainTo(out::add);
    assertThat(out).hasSize(2);
    assertThat(hex(bytes(out.get(0)))).isEqualTo("827e4e20");
    assertThat(out.get(1).isDirect()).as("the caller's memory, not a copy").isTrue();
    assertThat(out.get(1).remaining()).isEqualTo(20_000);
  }

  @Test
  void oneReadOnlyBufferCanBeSentOnSeveralConnections() {
    for (int size : new int[] {3, 20_000}) {
      ByteBuffer message = ByteBuffer.wrap(WsTesting.pattern(size)).asReadOnlyBuffer();
      byte[] expected = frame(0x82, WsTesting.pattern(size), null);
      for (int i = 0; i < 3; i++) {
        WsConnection c = server();
        c.sendBinary(message, true);
        c.sendPing(message.duplicate().limit(Math.min(size, 125)));
        assertThat(message.position()).isZero();
        assertThat(message.remaining()).isEqualTo(size);
        byte[] out = drain(c);
        assertThat(Arrays.copyOf(out, expected.length)).as("size %d, connection %d", size, i).isEqualTo(expected);
      }
    }
  }

  // -------------------------------------------------------------------------------------------- decoder

  @Test
  void receivedBytesAreCopiedBeforeTheCallReturns() {
    WsConnection c = client();
    byte[] wire = frame(0x81, "Hello".getBytes(UTF_8), null);
    c.receive(ByteBuffer.wrap(wire, 0, 6));
    Arrays.fill(wire, 0, 6, (byte) 0);
    assertThat(events(c)).containsExactly(new WsEvent.Text("Hell", false));
    c.receive(ByteBuffer.wrap(wire, 6, 1));
    assertThat(events(c)).containsExactly(new WsEvent.Text("o", true));
  }

  @Test
  void payloadIsDeliveredAsItArrivesNotWhenTheFrameCompletes() {
    WsConnection c = server();
    byte[] payload = WsTesting.pattern(1 << 20);
    byte[] wire = frame(0x82, payload, KEY);
    int events = 0;
    int delivered = 0;
    for (int pos = 0; pos < wire.length; pos += 4096) {
      int n = Math.min(4096, wire.length - pos);
      c.receive(ByteBuffer.wrap(wire, pos, n));
      WsEvent e = c.nextEvent();
      WsEvent.Binary b = (WsEvent.Binary) e;
      byte[] got = bytes(b.data());
      assertThat(got).isEqualTo(Arrays.copyOfRange(payload, delivered, delivered + got.length));
      delivered += got.length;
      assertThat(b.last()).isEqualTo(delivered == payload.length);
      assertThat(got.length).isEqualTo(pos == 0 ? n - 14 : n);
      assertThat(c.nextEvent()).isEqualTo(WsEvent.Signal.NEED_DATA);
      events++;
    }
    assertThat(delivered).isEqualTo(payload.length);
    assertThat(events).isEqualTo(257);
  }

  @Test
  void invalidUtf8FailsBeforeTheFrameCompletes() {
    WsConnection c = client();
    // a 1 MiB text frame of which only 10 bytes arrive
    byte[] head = unhex("817f0000000000100000");
    receive(c, head, "abcd\u00e9".getBytes(UTF_8), unhex("ff"), "xyz".getBytes(UTF_8));
    assertThat(c.nextEvent()).isEqualTo(new WsEvent.Text("abcd\u00e9", false));
    RemoteProtocolException e = catchThrowableOfType(RemoteProtocolException.class, c::nextEvent);
    assertThat(e.closeCode()).isEqualTo(1007);
    assertThat(e.getMessage()).contains("byte 6");
    assertThat(c.state()).isEqualTo(WsState.FAILED);
  }

  @Test
  void textPiecesHoldOnlyCompleteCodePoints() {
    WsConnection c = client();
    receive(c, unhex("8106 41"));
    assertThat(c.nextEvent()).isEqualTo(new WsEvent.Text("A", false));
    for (String b : new String[] {"f0", "9f", "98"}) {
      receive(c, unhex(b));
      assertThat(c.nextEvent()).as("after %s", b).isEqualTo(WsEvent.Signal.NEED_DATA);
    }
    receive(c, unhex("80 42"));
    assertThat(c.nextEvent()).isEqualTo(new WsEvent.Text("\uD83D\uDE00B", true));
  }

  @Test
  void limitErrorsNameTheLimit() {
    WsConnection c = new WsConnection(WsRole.SERVER, WsLimits.defaults().withMaxFrameBytes(1000));
    receive(c, unhex("82fe03e9"));
    LimitExceededException e = catchThrowableOfType(LimitExceededException.class, c::nextEvent);
    assertThat(e.closeCode()).isEqualTo(1009);
    assertThat(e.limitName()).isEqualTo("maxFrameBytes");
    assertThat(e.limit()).isEqualTo(1000);
    assertThat(e.observed()).isEqualTo(1001);
    assertThat(hex(drain(c))).isEqualTo("880203f1");
  }

  @Test
  void peerErrorsNameTheRule() {
    WsConnection c = server();
    receive(c, frame(0x81, new byte[1], null));
    assertThatThrownBy(c::nextEvent).isInstanceOf(RemoteProtocolException.class)
        .hasMessageContaining("not masked (RFC 6455 5.1)");
  }

  // ------------------------------------------------------------------------------- extension seam (RSV)

  @Test
  void rsvBitsAreAllowedOnlyThroughATransform() {
    assertThat(server().allowedRsvBits()).isZero();
    DoublingTransform t = new DoublingTransform(false);
    assertThat(new WsConnection(WsRole.SERVER, WsLimits.defaults(), null, t).allowedRsvBits()).isEqualTo(0x40);
    WsPayloadTransform bad = new DoublingTransform(false) {
      @Override
      public int rsvBits() {
        return 0x80;
      }
    };
    assertThatThrownBy(() -> new WsConnection(WsRole.SERVER, WsLimits.defaults(), null, bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x80");
  }

  // ------------------------------------------------------------------------------- borrowed binary sends

  /** A server's borrowed frame: the header it writes, then the payload, are the bytes sendBinary queues. */
  @Test
  void aBorrowedBinaryFrameHasTheHeaderSendBinaryWouldWrite() {
    for (int n : new int[] {0, 1, 125, 126, 65535, 65536, 70_000}) {
      byte[] payload = WsTesting.pattern(n);
      WsConnection c = server();
      byte[] header = new byte[14];
      int h = c.sendBinaryBorrowed(ByteBuffer.wrap(payload).asReadOnlyBuffer(), true, header);
      assertThat(c.hasPendingOutput()).isFalse();
      assertThat(concat(Arrays.copyOf(header, h), payload)).as("%d bytes", n).isEqualTo(frame(0x82, payload, null));
    }
  }

  @Test
  void borrowedFragmentsAreContinuedAndEndedLikeOthers() {
    WsConnection c = server();
    byte[] header = new byte[14];
    byte[] a = {1, 2};
    byte[] b = {3};
    int h1 = c.sendBinaryBorrowed(ByteBuffer.wrap(a), false, header);
    assertThat(Arrays.copyOf(header, h1)).isEqualTo(Arrays.copyOf(frame(0x02, a, null), 2));
    assertThatThrownBy(() -> c.sendText("x", true)).isInstanceOf(LocalProtocolException.class);
    int h2 = c.sendBinaryBorrowed(ByteBuffer.wrap(b), true, header);
    assertThat(Arrays.copyOf(header, h2)).isEqualTo(Arrays.copyOf(frame(0x80, b, null), 2));
    c.sendText("after", true); // the message is over
    assertThat(drain(c)).isEqualTo(frame(0x81, "after".getBytes(UTF_8), null));
  }

  @Test
  void aBorrowedFrameMustFollowDrainedOutputAndRespectTheState() {
    WsConnection c = server();
    c.sendText("queued", true);
    byte[] header = new byte[14];
    assertThatThrownBy(() -> c.sendBinaryBorrowed(ByteBuffer.wrap(new byte[1]), true, header))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("drain");
    drain(c);
    c.sendText("half", false);
    drain(c);
    assertThatThrownBy(() -> c.sendBinaryBorrowed(ByteBuffer.wrap(new byte[1]), true, header))
        .isInstanceOf(LocalProtocolException.class).hasMessageContaining("fragmented text");
    c.sendText("", true);
    c.sendClose(1000, "");
    drain(c);
    assertThatThrownBy(() -> c.sendBinaryBorrowed(ByteBuffer.wrap(new byte[1]), true, header))
        .isInstanceOf(LocalProtocolException.class).hasMessageContaining("close frame was sent");
  }

  /** A client masks, so it copies the payload into its own output: the caller's buffer is free at once. */
  @Test
  void aClientCopiesABorrowedPayloadIntoItsMaskedFrame() {
    WsConnection c = client();
    byte[] payload = WsTesting.pattern(300);
    byte[] caller = payload.clone();
    assertThat(c.sendBinaryBorrowed(ByteBuffer.wrap(caller), true, new byte[14])).isEqualTo(-1);
    Arrays.fill(caller, (byte) 0);
    assertThat(drain(c)).isEqualTo(frame(0x82, payload, KEY));
  }

  @Test
  void aTransformedMessageIsBuiltFromACopyOfTheBorrowedPayload() {
    WsConnection c = transformed(WsRole.SERVER, WsLimits.defaults());
    byte[] caller = "ab".getBytes(UTF_8);
    assertThat(c.sendBinaryBorrowed(ByteBuffer.wrap(caller), true, new byte[14])).isEqualTo(-1);
    Arrays.fill(caller, (byte) 0);
    assertThat(drain(c)).isEqualTo(frame(0xC2, "aabb".getBytes(UTF_8), null));
  }

  private static WsConnection transformed(WsRole role, WsLimits limits) {
    return new WsConnection(role, limits, () -> KEY, new DoublingTransform(true));
  }

  @Test
  void transformedMessagesAreDecodedThroughTheTransform() {
    WsConnection c = transformed(WsRole.SERVER, WsLimits.defaults());
    receive(c, frame(0x41, "hhii".getBytes(UTF_8), KEY), frame(0x89, new byte[0], KEY),
        frame(0x80, "!!".getBytes(UTF_8), KEY), frame(0x82, "raw".getBytes(UTF_8), KEY));
    List<WsEvent> ev = events(c);
    assertThat(ev).hasSize(4);
    assertThat(ev.get(0)).isEqualTo(new WsEvent.Text("hi", false));
    assertThat(ev.get(1)).isInstanceOf(WsEvent.Ping.class);
    assertThat(ev.get(2)).isEqualTo(new WsEvent.Text("!", true));
    assertThat(ev.get(3)).isEqualTo(new WsEvent.Binary(ByteBuffer.wrap("raw".getBytes(UTF_8)), true));
  }

  @Test
  void rsvStaysAnErrorOnContinuationsControlFramesAndOtherBits() {
    for (byte[] wire : List.of(
        concat(frame(0x41, "aa".getBytes(UTF_8), KEY), frame(0xC0, "bb".getBytes(UTF_8), KEY)),
        frame(0xC9, new byte[0], KEY),
        frame(0xA1, new byte[0], KEY))) {
      WsConnection c = transformed(WsRole.SERVER, WsLimits.defaults());
      c.receive(ByteBuffer.wrap(wire));
      RemoteProtocolException e = catchThrowableOfType(RemoteProtocolException.class, () -> events(c));
      assertThat(e.closeCode()).as(hex(wire)).isEqualTo(1002);
      assertThat(e.getMessage()).contains("RSV");
    }
  }

  @Test
  void decodedTextIsUtf8CheckedAndDecodedSizeIsLimited() {
    WsConnection c = transformed(WsRole.SERVER, WsLimits.defaults());
    receive(c, frame(0xC1, unhex("6161ffff"), KEY));
    assertThat(c.nextEvent()).isEqualTo(new WsEvent.Text("a", false));
    assertThat(catchThrowableOfType(RemoteProtocolException.class, c::nextEvent).closeCode()).isEqualTo(1007);

    byte[] doubled = new byte[2 * 30_000]; // 60000 bytes on the wire: over the message limit before decoding
    WsConnection wireLimited = transformed(WsRole.SERVER, new WsLimits(1 << 20, 50_000));
    wireLimited.receive(ByteBuffer.wrap(frame(0xC2, doubled, KEY)));
    assertThat(catchThrowableOfType(LimitExceededException.class, wireLimited::nextEvent).limitName())
        .isEqualTo("maxMessageBytes");
    // decoded pieces are bounded; the decoded total counts against maxMessageBytes
    WsConnection pieces = transformed(WsRole.SERVER, new WsLimits(1 << 20, 1 << 20));
    pieces.receive(ByteBuffer.wrap(frame(0xC2, doubled, KEY)));
    int n = 0;
    int total = 0;
    for (WsEvent e; (e = pieces.nextEvent()) != WsEvent.Signal.NEED_DATA; n++) {
      int size = ((WsEvent.Binary) e).data().remaining();
      assertThat(size).isLessThanOrEqualTo(16 * 1024);
      total += size;
    }
    assertThat(total).isEqualTo(30_000);
    assertThat(n).isGreaterThan(1);
  }

  @Test
  void decodedSizeOverTheMessageLimitFails() {
    WsPayloadTransform expanding = new DoublingTransform(false) {
      private int left;
      private boolean ended;

      @Override
      public void decodeInput(ByteBuffer piece, boolean endOfMessage) {
        left += piece.remaining() * 100; // each byte decodes to 100 zeros
        piece.position(piece.limit());
        ended = endOfMessage;
      }

      @Override
      public int decodeOutput(ByteBuffer dst) {
        int n = Math.min(left, dst.remaining());
        dst.position(dst.position() + n);
        left -= n;
        return n > 0 ? n : ended ? -1 : 0;
      }
    };
    WsConnection c = new WsConnection(WsRole.SERVER, new WsLimits(1000, 50_000), null, expanding);
    c.receive(ByteBuffer.wrap(frame(0xC2, new byte[1000], KEY)));
    LimitExceededException e = null;
    for (int i = 0; i < 10 && e == null; i++) {
      try {
        c.nextEvent();
      } catch (LimitExceededException x) {
        e = x;
      }
    }
    assertThat(e).isNotNull();
    assertThat(e.limitName()).isEqualTo("maxMessageBytes");
    assertThat(e.observed()).isGreaterThan(50_000);
  }

  @Test
  void outboundMessagesGoThroughTheTransformWithRsv1OnTheFirstFrameOnly() {
    WsConnection client = transformed(WsRole.CLIENT, WsLimits.defaults());
    client.sendText("ab", false);
    client.sendText("c", true);
    client.sendBinary(ByteBuffer.wrap(new byte[] {7}), true);
    byte[] out = drain(client);
    assertThat(out).isEqualTo(concat(frame(0x41, "aabb".getBytes(UTF_8), KEY), frame(0x80, "cc".getBytes(UTF_8), KEY),
        frame(0xC2, new byte[] {7, 7}, KEY)));
    WsConnection server = transformed(WsRole.SERVER, WsLimits.defaults());
    server.receive(ByteBuffer.wrap(out));
    assertThat(events(server)).containsExactly(new WsEvent.Text("ab", false), new WsEvent.Text("c", true),
        new WsEvent.Binary(ByteBuffer.wrap(new byte[] {7}), true));
  }

  // ------------------------------------------------------------------------------------ input lending

  @Test
  void aDrainedConnectionGivesUpItsInputAndAnotherReadsWithIt() {
    WsConnection a = server();
    receive(a, frame(0x89, "hi".getBytes(UTF_8), KEY)); // a ping, answered automatically
    assertThat(events(a)).hasSize(1);
    WsConnection.InputBuffer spare = a.takeInputIfDrained();
    assertThat(spare).as("drained: the array is given up").isNotNull();
    assertThat(a.takeInputIfDrained()).as("nothing left to give").isNull();

    WsConnection b = server();
    assertThat(b.lendInput(spare)).isTrue();
    assertThat(b.lendInput(spare)).as("b holds an array already").isFalse();
    receive(b, frame(0x82, "payload".getBytes(UTF_8), KEY));
    List<WsEvent> got = events(b);
    assertThat(got).hasSize(1);
    assertThat(bytes(((WsEvent.Binary) got.get(0)).data())).isEqualTo("payload".getBytes(UTF_8));

    // a reads again without the spare: it makes a new array, and its pong was not lost
    receive(a, frame(0x82, "again".getBytes(UTF_8), KEY));
    assertThat(bytes(((WsEvent.Binary) events(a).get(0)).data())).isEqualTo("again".getBytes(UTF_8));
    assertThat(drain(a)).startsWith(0x8A, 2, 'h', 'i');
  }

  @Test
  void inputIsKeptWhileAFrameOrMessageIsUnfinished() {
    WsConnection c = server();
    byte[] whole = frame(0x82, "0123456789".getBytes(UTF_8), KEY);
    receive(c, Arrays.copyOf(whole, 8)); // a binary frame cut short
    assertThat(events(c)).isEmpty();
    assertThat(c.takeInputIfDrained()).as("unread bytes").isNull();
    receive(c, Arrays.copyOfRange(whole, 8, whole.length));
    assertThat(events(c)).hasSize(1);
    assertThat(c.takeInputIfDrained()).isNotNull();

    receive(c, frame(0x01, "first half ".getBytes(UTF_8), KEY)); // a text message without its end
    assertThat(events(c)).hasSize(1);
    assertThat(c.takeInputIfDrained()).as("a message in progress").isNull();
  }

  @Test
  void aLargeInputArrayIsDroppedNotGiven() {
    WsConnection c = server();
    receive(c, frame(0x82, new byte[300 * 1024], KEY));
    assertThat(events(c)).isNotEmpty();
    assertThat(c.takeInputIfDrained()).as("a 300 KiB array is not handed on").isNull();
    receive(c, frame(0x89, "p".getBytes(UTF_8), KEY));
    assertThat(events(c)).hasSize(1);
    assertThat(c.takeInputIfDrained()).as("a fresh small array is").isNotNull();
  }
}
