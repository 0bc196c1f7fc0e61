#!/usr/bin/env node
// Echo server peer for Loopwire's interop tests (npm `ws`).
//
// Usage: node ws-echo-server.js PORT [--deflate] [--max-payload BYTES] [--no-stdin]
//   PORT 0 picks a free port. Prints "LISTENING <port>" on stdout once bound to 127.0.0.1.
//   Echoes text as text and binary as binary, accepts any offered subprotocol by choosing the
//   first one, echoes the peer's close code and reason. Exits on SIGTERM, SIGINT or when stdin
//   closes (so a parent test that dies takes this process with it); --no-stdin turns that off
//   for runs from a shell with `&`, whose stdin is /dev/null.
'use strict';

const { WebSocketServer } = require('ws');

function parseArgs(argv) {
  const opts = { port: 0, deflate: false, maxPayload: 64 * 1024 * 1024, watchStdin: true };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--deflate') opts.deflate = true;
    else if (a === '--max-payload') opts.maxPayload = Number(argv[++i]);
    else if (a === '--no-stdin') opts.watchStdin = false;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: ws-echo-server.js PORT [--deflate] [--max-payload BYTES] [--no-stdin]\n');
      process.exit(0);
    } else rest.push(a);
  }
  if (rest.length > 0) opts.port = Number(rest[0]);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    process.stderr.write(`ws-echo-server: bad port ${rest[0]}\n`);
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: opts.port,
  maxPayload: opts.maxPayload,
  // ws only negotiates permessage-deflate when this is an object or true; false refuses the offer.
  perMessageDeflate: opts.deflate ? { threshold: 0 } : false,
  handleProtocols: (protocols) => {
    for (const p of protocols) return p; // first offered, in the client's order
    return false; // none offered: answer without Sec-WebSocket-Protocol
  },
});

wss.on('listening', () => {
  process.stdout.write(`LISTENING ${wss.address().port}\n`);
});

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
  });
  // No 'close' handler needed: ws answers a close frame with the same code and reason.
  ws.on('error', (err) => {
    process.stderr.write(`ws-echo-server: connection error: ${err.message}\n`);
  });
});

wss.on('error', (err) => {
  process.stderr.write(`ws-echo-server: ${err.message}\n`);
  process.exit(1);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const client of wss.clients) client.terminate();
  wss.close();
  process.exit(0);
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (opts.watchStdin) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
