#!/usr/bin/env node
// A stand-in for `loopwire serve`, for working on the demo page without the Java side: serves the
// demo directory and the four demo sub-protocols the way the CLI is specified to.
//
// Usage: node demo-mock-server.js [PORT] [--root DIR] [--no-stdin]
//   PORT 0 (the default) picks a free port; prints "LISTENING <port>" once bound to 127.0.0.1.
//   --root defaults to cli/src/main/resources/io/loopwire/cli/demo in this repository.
//
// Protocols, chosen by Sec-WebSocket-Protocol (first offered that is known) or else by path
// (/echo, /dumb-increment, /mirror, /status), else echo:
//   echo            echoes text and binary with the same opcode
//   dumb-increment  pushes "0", "1", ... every 50 ms; "reset" or "reset\n" restarts at 0
//   mirror          relays every message to every mirror session, the sender included
//   status          pushes {"uptimeSeconds","connections","protocols":{name:{connections,
//                   messagesIn,messagesOut,bytesIn,bytesOut}}} about once a second
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { WebSocketServer } = require('ws');

const PROTOCOLS = ['echo', 'dumb-increment', 'mirror', 'status'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

function parseArgs(argv) {
  const opts = {
    port: 0,
    root: path.resolve(__dirname, '../../cli/src/main/resources/io/loopwire/cli/demo'),
    watchStdin: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root') opts.root = path.resolve(argv[++i]);
    else if (a === '--no-stdin') opts.watchStdin = false;
    else opts.port = Number(a);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const started = Date.now();
const counters = {};
for (const p of PROTOCOLS) {
  counters[p] = { connections: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
}
const mirrorSessions = new Set();

function sendCounted(ws, protocol, data, isBinary) {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(data, { binary: isBinary });
  counters[protocol].messagesOut++;
  counters[protocol].bytesOut += Buffer.byteLength(data);
}

const server = http.createServer((req, res) => {
  const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const rel = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = path.resolve(opts.root, rel);
  if (!file.startsWith(opts.root + path.sep) || req.method !== 'GET') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(body);
  });
});

const wss = new WebSocketServer({
  server,
  perMessageDeflate: false,
  handleProtocols: (offered) => {
    for (const p of offered) if (PROTOCOLS.includes(p)) return p;
    return false;
  },
});

wss.on('connection', (ws, req) => {
  const byPath = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '');
  const protocol = ws.protocol || (PROTOCOLS.includes(byPath) ? byPath : 'echo');
  const c = counters[protocol];
  c.connections++;
  let timer = null;

  ws.on('message', (data, isBinary) => {
    c.messagesIn++;
    c.bytesIn += data.length;
    if (protocol === 'echo') {
      sendCounted(ws, protocol, data, isBinary);
    } else if (protocol === 'mirror') {
      for (const peer of mirrorSessions) sendCounted(peer, protocol, data, isBinary);
    } else if (protocol === 'dumb-increment') {
      const text = data.toString('utf8');
      if (!isBinary && (text === 'reset' || text === 'reset\n')) ws.counterValue = 0;
    }
  });

  if (protocol === 'dumb-increment') {
    ws.counterValue = 0;
    timer = setInterval(() => sendCounted(ws, protocol, String(ws.counterValue++), false), 50);
  } else if (protocol === 'mirror') {
    mirrorSessions.add(ws);
  } else if (protocol === 'status') {
    const report = () => {
      const body = {
        uptimeSeconds: Math.floor((Date.now() - started) / 1000),
        connections: wss.clients.size,
        protocols: counters,
      };
      sendCounted(ws, protocol, JSON.stringify(body), false);
    };
    report();
    timer = setInterval(report, 1000);
  }

  ws.on('close', () => {
    c.connections--;
    mirrorSessions.delete(ws);
    if (timer) clearInterval(timer);
  });
  ws.on('error', () => {});
});

server.listen(opts.port, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});

function stop() {
  for (const client of wss.clients) client.terminate();
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
