#!/usr/bin/python3
"""Scripted echo client peer for Loopwire's interop tests (Debian's python3-websockets 10.x).

Usage: /usr/bin/python3 ws_client.py URL [SCRIPT] [--protocol P[,Q...]] [--deflate]
                                     [--script JSON|-|@FILE] [--timeout SECONDS] [--ca PEM]

For wss:// URLs, --ca trusts only the CA certificate(s) in PEM (the host name is verified as always).

Same script, payloads and output as ../node/ws-client.js: one JSON line per step, then
"RESULT OK" (exit 0) or "RESULT FAIL <reason>" (exit 1). See ../README.md.
"""

import argparse
import asyncio
import json
import ssl
import sys
import time

import websockets
import websockets.client
import websockets.frames

DEFAULT_SIZES = [0, 125, 126, 65535, 65536, 1048576]
TEXT_UNIT = "loopwire-é-€-😀|".encode("utf-8")  # 21 bytes: 1-, 2-, 3- and 4-byte sequences


class StepFailed(Exception):
    pass


class PongCountingProtocol(websockets.client.WebSocketClientProtocol):
    """Records every pong frame's payload in order.

    websockets resolves a ping's waiter when a pong for a *later* ping arrives (a lone pong for the
    newest ping is legal, RFC 6455 5.5.3), so the waiters alone cannot tell whether the peer answered
    each ping; this hook on the (private) frame reader can.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pongs = []

    async def read_frame(self, max_size):
        frame = await super().read_frame(max_size)
        if frame.opcode == websockets.frames.Opcode.PONG:
            self.pongs.append(bytes(frame.data))
        return frame


def default_script():
    steps = []
    for size in DEFAULT_SIZES:
        steps.append({"op": "text", "size": size})
        steps.append({"op": "binary", "size": size})
    steps.append({"op": "ping", "payload": "loopwire-ping"})
    steps.append({"op": "close", "code": 4000, "reason": "bye"})
    return steps


def text_payload(size):
    """Exactly `size` bytes of valid UTF-8: whole units, then ASCII letters for the rest."""
    whole = size // len(TEXT_UNIT)
    rest = size - whole * len(TEXT_UNIT)
    return TEXT_UNIT * whole + bytes(0x61 + (k % 26) for k in range(rest))


def binary_payload(size):
    return bytes((i * 31 + 7) & 0xFF for i in range(size))


def emit(obj):
    print(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), flush=True)


def parse_args():
    p = argparse.ArgumentParser(description="websockets scripted echo client peer")
    p.add_argument("url")
    p.add_argument("positional_script", nargs="?", default=None, metavar="SCRIPT")
    p.add_argument("--protocol", action="append", default=[])
    p.add_argument("--deflate", action="store_true")
    p.add_argument("--script", default=None)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--ca", default=None, help="wss: trust only the CA certificate(s) in this PEM file")
    return p.parse_intermixed_args()


def load_script(spec):
    if spec is None:
        return default_script()
    if spec == "-":
        text = sys.stdin.read()
    elif spec.startswith("@"):
        with open(spec[1:], encoding="utf-8") as f:
            text = f.read()
    else:
        text = spec
    steps = json.loads(text)
    if not isinstance(steps, list):
        raise ValueError("script must be a JSON array of steps")
    return steps


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return -1 if len(a) == len(b) else min(len(a), len(b))


def describe(message):
    if isinstance(message, str):
        return f"text message of {len(message.encode('utf-8'))} bytes"
    return f"binary message of {len(message)} bytes"


async def run(args, steps):
    protocols = [p for arg in args.protocol for p in arg.split(",") if p]
    tls = ssl.create_default_context(cafile=args.ca) if args.ca else None
    try:
        ws = await websockets.client.connect(
            args.url,
            subprotocols=protocols or None,
            compression="deflate" if args.deflate else None,
            max_size=64 * 1024 * 1024,
            max_queue=64,
            ping_interval=None,
            open_timeout=args.timeout,
            create_protocol=PongCountingProtocol,
            **({"ssl": tls} if tls is not None else {}),
        )
    except Exception as e:  # noqa: BLE001 - every failure is a report line
        emit({"step": "connect", "ok": False, "url": args.url, "error": str(e)})
        raise StepFailed(f"connect: {e}") from e
    extensions = ", ".join(ext.name for ext in ws.extensions)
    emit({"step": "connect", "ok": True, "url": args.url,
          "protocol": ws.subprotocol or "", "extensions": extensions,
          "agreed": ws.response_headers.get("Sec-WebSocket-Extensions", "")})

    try:
        for step in steps:
            await run_step(ws, step)
            if step.get("op") in ("close", "server-close"):
                return
    finally:
        if not ws.closed:
            ws.transport.abort()


async def run_step(ws, step):
    op = step.get("op")
    started = time.monotonic()

    def report(ok, **extra):
        emit({"step": op, **extra, "ok": ok, "ms": round((time.monotonic() - started) * 1000)})

    if op in ("text", "binary"):
        is_binary = op == "binary"
        if "data" in step:
            payload = step["data"].encode("utf-8")
        elif "hex" in step:
            payload = bytes.fromhex(step["hex"])
        else:
            payload = binary_payload(step["size"]) if is_binary else text_payload(step["size"])
        await ws.send(payload if is_binary else payload.decode("utf-8"))
        if step.get("expect") == "none":
            report(True, size=len(payload))
            return
        try:
            got = await ws.recv()
        except websockets.ConnectionClosed as e:
            report(False, size=len(payload), error=f"expected echo, got close {e.code}")
            raise StepFailed(f"{op} {len(payload)}: expected echo, got close {e.code} {e.reason!r}")
        got_binary = isinstance(got, bytes)
        got_bytes = got if got_binary else got.encode("utf-8")
        diff = first_diff(payload, got_bytes)
        if got_binary != is_binary or diff != -1:
            why = (f"opcode {'binary' if got_binary else 'text'}" if got_binary != is_binary
                   else f"differs at byte {diff} (got {len(got_bytes)} bytes)")
            report(False, size=len(payload), error=why)
            raise StepFailed(f"{op} {len(payload)}: echo {why}")
        report(True, size=len(payload))
    elif op == "ping":
        # count > 1 sends that many pings back to back ("P-0", "P-1", ...) before awaiting any pong,
        # and expects one matching pong per ping, in order.
        payload = step.get("payload", "")
        count = step.get("count", 1)
        payloads = [(payload if count == 1 else f"{payload}-{i}").encode("utf-8") for i in range(count)]
        ws.pongs.clear()
        waiters = [await ws.ping(p) for p in payloads]
        try:
            await asyncio.gather(*waiters)
        except websockets.ConnectionClosed as e:
            report(False, payload=payload, error=f"closed {e.code} before pong")
            raise StepFailed(f"ping: connection closed {e.code} before pong")
        if ws.pongs != payloads:
            got = [p.decode("utf-8", "replace") for p in ws.pongs]
            report(False, payload=payload, count=count, error=f"pongs were {got}")
            raise StepFailed(f"ping: expected {count} pongs {[p.decode() for p in payloads]}, got {got}")
        if count == 1:
            report(True, payload=payload)
        else:
            report(True, payload=payload, count=count)
    elif op == "server-close":
        # Ask a command-aware echo server to start the close handshake, expect its code and reason.
        code = step.get("code", 1000)
        reason = step.get("reason", "")
        await ws.send(f"!close {code} {reason}")
        await ws.wait_closed()
        if ws.close_code != code or ws.close_reason != reason:
            got = f"close {ws.close_code} {ws.close_reason!r}"
            report(False, code=code, reason=reason, error=f"server close was {got}")
            raise StepFailed(f"server-close: expected {code} {reason!r}, got {got}")
        report(True, code=ws.close_code, reason=ws.close_reason)
    elif op == "close":
        code = step.get("code", 1000)
        reason = step.get("reason", "")
        await ws.close(code, reason)
        if ws.close_code != code or ws.close_reason != reason:
            got = f"close {ws.close_code} {ws.close_reason!r}"
            report(False, code=code, reason=reason, error=f"server close was {got}")
            raise StepFailed(f"close: expected {code} {reason!r} echoed, got {got}")
        report(True, code=ws.close_code, reason=ws.close_reason)
    elif op == "wait":
        await asyncio.sleep(step.get("ms", 0) / 1000)
        report(True, waited=step.get("ms", 0))
    else:
        raise StepFailed(f"unknown step op {json.dumps(op)}")


async def main():
    try:
        args = parse_args()
        steps = load_script(args.script if args.script is not None else args.positional_script)
    except (ValueError, OSError) as e:
        print(f"RESULT FAIL bad arguments: {e}", flush=True)
        return 1
    try:
        await asyncio.wait_for(run(args, steps), timeout=args.timeout)
    except asyncio.TimeoutError:
        print(f"RESULT FAIL timeout after {args.timeout:g} s", flush=True)
        return 1
    except StepFailed as e:
        print(f"RESULT FAIL {e}", flush=True)
        return 1
    except Exception as e:  # noqa: BLE001 - anything unexpected is still a FAIL line
        print(f"RESULT FAIL {type(e).__name__}: {e}", flush=True)
        return 1
    print("RESULT OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
