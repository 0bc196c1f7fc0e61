#!/usr/bin/python3
"""Echo server peer for Loopwire's interop tests (Debian's python3-websockets 10.x).

Usage: /usr/bin/python3 ws_echo_server.py PORT [--deflate] [--max-size BYTES] [--no-stdin]
                                          [--tls-cert PEM --tls-key PEM]

PORT 0 picks a free port. Prints "LISTENING <port>" on stdout once bound to 127.0.0.1, then
"CLOSED <code> <reason as JSON>" when a connection ends (what the peer's close frame carried).
Echoes text as text and binary as binary, except that the text "!close CODE REASON" makes the
server close with that code and reason; accepts any offered subprotocol by choosing the first
one, and echoes the peer's close code and reason (websockets does that itself).
Exits on SIGTERM, SIGINT or when stdin closes; --no-stdin turns the last one off for runs
from a shell with `&`, whose stdin is /dev/null. With --tls-cert and --tls-key (PEM chain and
key) it serves wss:// instead of ws://.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import threading

import websockets
import websockets.server


def parse_args():
    p = argparse.ArgumentParser(description="websockets echo server peer")
    p.add_argument("port", type=int, nargs="?", default=0)
    p.add_argument("--deflate", action="store_true", help="offer permessage-deflate")
    p.add_argument("--max-size", type=int, default=64 * 1024 * 1024)
    p.add_argument("--no-stdin", action="store_true", help="do not exit when stdin closes")
    p.add_argument("--tls-cert", default=None, help="PEM certificate chain: serve wss://")
    p.add_argument("--tls-key", default=None, help="PEM private key of --tls-cert")
    args = p.parse_args()
    if not 0 <= args.port <= 65535:
        p.error(f"bad port {args.port}")
    if (args.tls_cert is None) != (args.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    return args


CLOSE_COMMAND = "!close "


async def echo(ws, path=None):
    try:
        async for message in ws:  # str for text frames, bytes for binary frames
            if isinstance(message, str) and message.startswith(CLOSE_COMMAND):
                # "!close CODE REASON": start the close handshake ourselves (see ../README.md).
                code, _, reason = message[len(CLOSE_COMMAND):].partition(" ")
                await ws.close(int(code), reason)
                break
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    # close_code/close_reason are what the peer's close frame carried (1006: no close frame).
    await ws.wait_closed()
    print(f"CLOSED {ws.close_code} {json.dumps(ws.close_reason, ensure_ascii=False)}", flush=True)


def first_offered(client_subprotocols, server_subprotocols):
    return client_subprotocols[0] if client_subprotocols else None


async def main():
    args = parse_args()
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def request_stop():
        if not stop.done():
            stop.set_result(None)

    loop.add_signal_handler(signal.SIGTERM, request_stop)
    loop.add_signal_handler(signal.SIGINT, request_stop)
    if not args.no_stdin:
        # A thread, not add_reader: stdin may be a regular file, which epoll refuses. It reads
        # the raw fd, since a daemon thread blocked in sys.stdin's buffered reader holds its
        # lock and makes interpreter shutdown abort.
        def watch_stdin():
            try:
                while os.read(0, 65536):
                    pass
            except OSError:
                pass
            loop.call_soon_threadsafe(request_stop)

        threading.Thread(target=watch_stdin, daemon=True).start()

    tls = None
    if args.tls_cert is not None:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    async with websockets.server.serve(
        echo,
        "127.0.0.1",
        args.port,
        # select_subprotocol is only consulted when the server lists some; the list is a
        # placeholder and first_offered ignores it.
        subprotocols=["*"],
        select_subprotocol=first_offered,
        compression="deflate" if args.deflate else None,
        max_size=args.max_size,
        max_queue=64,
        ping_interval=None,
        ssl=tls,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"LISTENING {port}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
