#!/usr/bin/env node
// Scripted echo client peer for Loopwire's interop tests (npm `ws`).
//
// Usage: node ws-client.js URL [--protocol P[,Q...]] [--deflate] [--script JSON|-|@FILE]
//                              [--timeout SECONDS] [--ca PEM]
// For wss:// URLs, --ca makes the client trust only the CA certificate(s) in PEM (the host name is
// verified as always).
// Runs a script against an echo server and prints one JSON line per step, then
// "RESULT OK" (exit 0) or "RESULT FAIL <reason>" (exit 1). The default script and the
// deterministic payloads are described in ../README.md and shared with ../python/ws_client.py.
'use strict';

const fs = require('fs');
const WebSocket = require('ws');

const DEFAULT_SIZES = [0, 125, 126, 65535, 65536, 1048576];
const TEXT_UNIT = 'loopwire-é-€-😀|'; // 21 UTF-8 bytes: 1-, 2-, 3- and 4-byte sequences

function defaultScript() {
  const steps = [];
  for (const size of DEFAULT_SIZES) {
    steps.push({ op: 'text', size });
    steps.push({ op: 'binary', size });
  }
  steps.push({ op: 'ping', payload: 'loopwire-ping' });
  steps.push({ op: 'close', code: 4000, reason: 'bye' });
  return steps;
}

// Exactly `size` bytes of valid UTF-8: whole units, then ASCII letters for the remainder.
function textPayload(size) {
  const unit = Buffer.from(TEXT_UNIT, 'utf8');
  const out = Buffer.alloc(size);
  let i = 0;
  while (size - i >= unit.length) {
    unit.copy(out, i);
    i += unit.length;
  }
  for (let k = 0; i < size; i++, k++) out[i] = 0x61 + (k % 26);
  return out;
}

function binaryPayload(size) {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

function usage(code) {
  process.stdout.write(
    'usage: ws-client.js URL [--protocol P[,Q...]] [--deflate] [--script JSON|-|@FILE] [--timeout S] [--ca PEM]\n');
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { url: null, protocols: [], deflate: false, script: null, timeoutS: 30, ca: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--protocol') opts.protocols.push(...String(argv[++i]).split(',').filter(Boolean));
    else if (a === '--deflate') opts.deflate = true;
    else if (a === '--script') opts.script = argv[++i];
    else if (a === '--timeout') opts.timeoutS = Number(argv[++i]);
    else if (a === '--ca') opts.ca = argv[++i];
    else if (a === '-h' || a === '--help') usage(0);
    else if (opts.url === null) opts.url = a;
    else if (opts.script === null) opts.script = a; // positional JSON script
    else usage(2);
  }
  if (opts.url === null) usage(2);
  return opts;
}

function loadScript(spec) {
  if (spec === null || spec === undefined) return defaultScript();
  let text;
  if (spec === '-') text = fs.readFileSync(0, 'utf8');
  else if (spec.startsWith('@')) text = fs.readFileSync(spec.slice(1), 'utf8');
  else text = spec;
  const steps = JSON.parse(text);
  if (!Array.isArray(steps)) throw new Error('script must be a JSON array of steps');
  return steps;
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

let finished = false;
function finish(ok, reason) {
  if (finished) return;
  finished = true;
  process.stdout.write(ok ? 'RESULT OK\n' : `RESULT FAIL ${reason}\n`);
  // Let stdout drain before exiting; the pipe to a Java test may be slow to read.
  process.stdout.write('', () => process.exit(ok ? 0 : 1));
}

function firstDiff(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

async function run(opts, steps) {
  const ws = new WebSocket(opts.url, opts.protocols, {
    perMessageDeflate: opts.deflate ? { threshold: 0 } : false,
    maxPayload: 64 * 1024 * 1024,
    handshakeTimeout: opts.timeoutS * 1000,
    ...(opts.ca ? { ca: fs.readFileSync(opts.ca) } : {}),
  });

  // Every event is queued in arrival order; steps take what they expect from the front.
  const events = [];
  let wake = null;
  const push = (ev) => {
    events.push(ev);
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  };
  ws.on('message', (data, isBinary) => push({ kind: 'message', data, isBinary }));
  ws.on('pong', (data) => push({ kind: 'pong', data }));
  ws.on('close', (code, reason) => push({ kind: 'close', code, reason: reason.toString('utf8') }));
  ws.on('error', (err) => push({ kind: 'error', message: err.message }));
  const next = async () => {
    while (events.length === 0) await new Promise((resolve) => { wake = resolve; });
    return events.shift();
  };

  let agreed = '';
  ws.once('upgrade', (res) => { agreed = res.headers['sec-websocket-extensions'] || ''; });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  }).catch((err) => {
    emit({ step: 'connect', ok: false, url: opts.url, error: err.message });
    throw new Error(`connect: ${err.message}`);
  });
  events.length = 0; // the 'error' listener may have queued nothing; be explicit
  emit({ step: 'connect', ok: true, url: opts.url, protocol: ws.protocol, extensions: ws.extensions, agreed });

  for (const step of steps) {
    const started = Date.now();
    const report = (ok, extra) => emit({ step: step.op, ...extra, ok, ms: Date.now() - started });
    switch (step.op) {
      case 'text':
      case 'binary': {
        const isBinary = step.op === 'binary';
        let payload;
        if (step.data !== undefined) payload = Buffer.from(step.data, 'utf8');
        else if (step.hex !== undefined) payload = Buffer.from(step.hex, 'hex');
        else payload = isBinary ? binaryPayload(step.size) : textPayload(step.size);
        ws.send(payload, { binary: isBinary, compress: opts.deflate });
        if (step.expect === 'none') {
          report(true, { size: payload.length });
          break;
        }
        const ev = await next();
        if (ev.kind !== 'message') {
          report(false, { size: payload.length, error: `expected echo, got ${ev.kind}` });
          throw new Error(`${step.op} ${payload.length}: expected echo, got ${describe(ev)}`);
        }
        const got = Buffer.from(ev.data);
        const diff = firstDiff(payload, got);
        if (ev.isBinary !== isBinary || diff !== -1) {
          const why = ev.isBinary !== isBinary
            ? `opcode ${ev.isBinary ? 'binary' : 'text'}`
            : `differs at byte ${diff} (got ${got.length} bytes)`;
          report(false, { size: payload.length, error: why });
          throw new Error(`${step.op} ${payload.length}: echo ${why}`);
        }
        report(true, { size: payload.length });
        break;
      }
      case 'ping': {
        // count > 1 sends that many pings back to back ("P-0", "P-1", ...) before reading any pong,
        // and expects one matching pong per ping, in order.
        const count = step.count ?? 1;
        const payloads = pingPayloads(step.payload ?? '', count);
        for (const p of payloads) ws.ping(p);
        for (let i = 0; i < count; i++) {
          const ev = await next();
          if (ev.kind !== 'pong' || !Buffer.from(ev.data).equals(payloads[i])) {
            const why = `pong ${i + 1} of ${count}: expected pong "${payloads[i]}", got ${describe(ev)}`;
            report(false, { payload: step.payload, count, error: why });
            throw new Error(`ping: ${why}`);
          }
        }
        report(true, count === 1 ? { payload: step.payload } : { payload: step.payload, count });
        break;
      }
      case 'server-close': {
        // Ask a command-aware echo server to start the close handshake, expect its code and reason.
        const code = step.code ?? 1000;
        const reason = step.reason ?? '';
        ws.send(`!close ${code} ${reason}`);
        let ev = await next();
        while (ev.kind === 'message') ev = await next();
        if (ev.kind !== 'close' || ev.code !== code || ev.reason !== reason) {
          report(false, { code, reason, error: `server close was ${describe(ev)}` });
          throw new Error(`server-close: expected ${code} "${reason}", got ${describe(ev)}`);
        }
        report(true, { code: ev.code, reason: ev.reason });
        return;
      }
      case 'close': {
        const code = step.code ?? 1000;
        const reason = step.reason ?? '';
        ws.close(code, reason);
        let ev = await next();
        while (ev.kind === 'message') ev = await next(); // data may still be in flight
        if (ev.kind !== 'close' || ev.code !== code || ev.reason !== reason) {
          report(false, { code, reason, error: `server close was ${describe(ev)}` });
          throw new Error(`close: expected ${code} "${reason}" echoed, got ${describe(ev)}`);
        }
        report(true, { code: ev.code, reason: ev.reason });
        return;
      }
      case 'wait':
        await new Promise((resolve) => setTimeout(resolve, step.ms ?? 0));
        report(true, { waited: step.ms ?? 0 });
        break;
      default:
        throw new Error(`unknown step op ${JSON.stringify(step.op)}`);
    }
  }
  ws.terminate();
}

function pingPayloads(prefix, count) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(Buffer.from(count === 1 ? prefix : `${prefix}-${i}`, 'utf8'));
  return out;
}

function describe(ev) {
  switch (ev.kind) {
    case 'message': return `${ev.isBinary ? 'binary' : 'text'} message of ${ev.data.length} bytes`;
    case 'pong': return `pong "${Buffer.from(ev.data).toString('utf8')}"`;
    case 'close': return `close ${ev.code} "${ev.reason}"`;
    case 'error': return `error ${ev.message}`;
    default: return ev.kind;
  }
}

function main() {
  // A reader that goes away (e.g. `| head`) must not turn into an unhandled EPIPE crash.
  process.stdout.on('error', () => process.exit(finished ? 0 : 1));
  let opts;
  let steps;
  try {
    opts = parseArgs(process.argv.slice(2));
    steps = loadScript(opts.script);
  } catch (err) {
    finish(false, `bad arguments: ${err.message}`);
    return;
  }
  setTimeout(() => finish(false, `timeout after ${opts.timeoutS} s`), opts.timeoutS * 1000).unref();
  // Keep the process alive until finish() even if the socket is idle.
  const keepAlive = setInterval(() => {}, 1 << 30);
  run(opts, steps).then(
    () => { clearInterval(keepAlive); finish(true); },
    (err) => { clearInterval(keepAlive); finish(false, err.message); });
}

main();
