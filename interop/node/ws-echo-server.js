#!/usr/bin/env node
// Echo server peer for Loopwire's interop tests (npm `ws`).
//
// Usage: node ws-echo-server.js PORT [--deflate] [--max-payload BYTES] [--no-stdin]
//                               [--tls-cert PEM --tls-key PEM]
//   PORT 0 picks a free port. Prints "LISTENING <port>" on stdout once bound to 127.0.0.1, then
//   "CLOSED <code> <reason as JSON>" when a connection ends (what the peer's close frame carried).
//   Echoes text as text and binary as binary, except that the text "!close CODE REASON" makes the
//   server close with that code and reason; accepts any offered subprotocol by choosing the first
//   one; echoes the peer's close code and reason. Exits on SIGTERM, SIGINT or when stdin
//   closes (so a parent test that dies takes this process with it); --no-stdin turns that off
//   for runs from a shell with `&`, whose stdin is /dev/null. With --tls-cert and --tls-key (PEM
//   chain and key) it serves wss:// through node's https server instead of ws://.
'use strict';

const fs = require('fs');
const https = require('https');
const { WebSocketServer } = require('ws');

function parseArgs(argv) {
  const opts = {
    port: 0, deflate: false, maxPayload: 64 * 1024 * 1024, watchStdin: true, tlsCert: null, tlsKey: null,
  };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--deflate') opts.deflate = true;
    else if (a === '--max-payload') opts.maxPayload = Number(argv[++i]);
    else if (a === '--no-stdin') opts.watchStdin = false;
    else if (a === '--tls-cert') opts.tlsCert = argv[++i];
    else if (a === '--tls-key') opts.tlsKey = argv[++i];
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: ws-echo-server.js PORT [--deflate] [--max-payload BYTES] [--no-stdin]'
        + ' [--tls-cert PEM --tls-key PEM]\n');
      process.exit(0);
    } else rest.push(a);
  }
  if (rest.length > 0) opts.port = Number(rest[0]);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    process.stderr.write(`ws-echo-server: bad port ${rest[0]}\n`);
    process.exit(2);
  }
  if ((opts.tlsCert === null) !== (opts.tlsKey === null)) {
    process.stderr.write('ws-echo-server: --tls-cert and --tls-key go together\n');
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// With TLS, ws rides on an https server that we bind ourselves; without, ws binds its own.
const tlsServer = opts.tlsCert === null ? null
  : https.createServer({ cert: fs.readFileSync(opts.tlsCert), key: fs.readFileSync(opts.tlsKey) });
const wss = new WebSocketServer({
  ...(tlsServer ? { server: tlsServer } : { host: '127.0.0.1', port: opts.port }),
  maxPayload: opts.maxPayload,
  // ws only negotiates permessage-deflate when this is an object or true; false refuses the offer.
  perMessageDeflate: opts.deflate ? { threshold: 0 } : false,
  handleProtocols: (protocols) => {
    for (const p of protocols) return p; // first offered, in the client's order
    return false; // none offered: answer without Sec-WebSocket-Protocol
  },
});

if (tlsServer) {
  tlsServer.on('error', (err) => {
    process.stderr.write(`ws-echo-server: ${err.message}\n`);
    process.exit(1);
  });
  tlsServer.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(`LISTENING ${tlsServer.address().port}\n`);
  });
} else {
  wss.on('listening', () => {
    process.stdout.write(`LISTENING ${wss.address().port}\n`);
  });
}

const CLOSE_COMMAND = '!close ';

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (!isBinary && data.length >= CLOSE_COMMAND.length
        && data.toString('utf8', 0, CLOSE_COMMAND.length) === CLOSE_COMMAND) {
      // "!close CODE REASON": start the close handshake ourselves (see ../README.md).
      const rest = data.toString('utf8', CLOSE_COMMAND.length);
      const space = rest.indexOf(' ');
      const code = Number(space < 0 ? rest : rest.slice(0, space));
      ws.close(code, space < 0 ? '' : rest.slice(space + 1));
      return;
    }
    ws.send(data, { binary: isBinary });
  });
  // ws answers a close frame with the same code and reason by itself; this reports what the peer's
  // close frame carried (1005 for none, 1006 for no close frame at all).
  ws.on('close', (code, reason) => {
    process.stdout.write(`CLOSED ${code} ${JSON.stringify(reason.toString('utf8'))}\n`);
  });
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
  if (tlsServer) tlsServer.close();
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
