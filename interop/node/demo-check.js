#!/usr/bin/env node
// Browser check of the demo page served by `loopwire serve` (or demo-mock-server.js), in Debian's
// Chromium through playwright-core (no browser download), with a fresh profile every run.
//
// Usage: node demo-check.js URL [--screenshot FILE] [--dark] [--width W] [--height H] [--scale S]
//                               [--chromium PATH] [--timeout SECONDS] [--trust-cert PEM]
// Opens two tabs, waits for all four sockets to open in both, then exercises each card: echo text
// and binary, the counter advancing and resetting, a stroke drawn in one tab appearing (as pixels of
// its colour) in the other, and status reports whose numbers move with that traffic. Any console
// error, page error, failed request, HTTP status >= 400, request to another origin, or WebSocket
// close with a code other than 1000/1001 fails the run at once; so does a socket that closed or
// reconnected during the run. Prints one JSON line per step, then "RESULT OK" (exit 0) or
// "RESULT FAIL <reason>" (exit 1).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const PROTOCOLS = ['echo', 'dumb-increment', 'mirror', 'status'];
const CLEAN_CLOSE_CODES = [1000, 1001];
// The flags every browser test uses (issue 8); playwright adds its own automation flags, and the
// profile directory comes from launchPersistentContext, which refuses --user-data-dir in args.
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

function parseArgs(argv) {
  const opts = {
    url: null, screenshot: null, dark: false, width: 1280, height: 900, scale: 1,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium', timeoutS: 60, trustCert: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--screenshot') opts.screenshot = argv[++i];
    else if (a === '--dark') opts.dark = true;
    else if (a === '--width') opts.width = Number(argv[++i]);
    else if (a === '--height') opts.height = Number(argv[++i]);
    else if (a === '--scale') opts.scale = Number(argv[++i]);
    else if (a === '--chromium') opts.chromium = argv[++i];
    else if (a === '--timeout') opts.timeoutS = Number(argv[++i]);
    else if (a === '--trust-cert') opts.trustCert = argv[++i];
    else if (opts.url === null) opts.url = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.url) throw new Error('usage: demo-check.js URL [--screenshot FILE] [--dark] ...');
  return opts;
}

// The wss run: Chromium on Linux trusts what the NSS database in $HOME/.pki/nssdb trusts, so the
// fresh profile directory gets a database with the given CA in it (Debian: libnss3-tools'
// certutil) and Chromium is launched with HOME set to the profile. The page is then opened at
// https://... and picks wss:// itself. Nothing else is trusted, and certificate errors stay errors.
function trustCertificate(profileDir, pemFile) {
  const { execFileSync } = require('child_process');
  if (!fs.existsSync(pemFile)) throw new Error(`--trust-cert ${pemFile}: no such file`);
  const db = path.join(profileDir, '.pki', 'nssdb');
  fs.mkdirSync(db, { recursive: true });
  const run = (args) => {
    try {
      execFileSync('certutil', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 });
    } catch (err) {
      const why = err.code === 'ENOENT' ? 'certutil not found (apt-get install libnss3-tools)'
        : `${(err.stderr || '').toString().trim() || err.message}`;
      throw new Error(`--trust-cert: certutil ${args.join(' ')} failed: ${why}`);
    }
  };
  run(['-d', `sql:${db}`, '-N', '--empty-password']);
  run(['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'loopwire-test-ca', '-i', pemFile]);
  emit({ step: 'trust-cert', ok: true, pem: pemFile, nssdb: db });
  return { ...process.env, HOME: profileDir };
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

class CheckFailed extends Error {}

// Browser-side problems. The first one fails the step that is running at once, instead of leaving
// it to time out; the rest are listed at the end.
class Problems {
  constructor() {
    this.list = [];
    this.closed = false;
    this.first = new Promise((_, reject) => { this.reject = reject; });
    this.first.catch(() => {});
  }

  add(text) {
    if (this.closed) return;
    this.list.push(text);
    emit({ event: 'problem', text });
    this.reject(new Error(text));
  }
}

async function step(name, problems, fn) {
  const started = Date.now();
  try {
    const extra = (await Promise.race([fn(), problems.first])) || {};
    emit({ step: name, ok: true, ...extra, ms: Date.now() - started });
  } catch (err) {
    const message = err.message.split('\n')[0];
    emit({ step: name, ok: false, error: message, ms: Date.now() - started });
    throw new CheckFailed(`${name}: ${message}`);
  }
}

function watch(page, label, origin, problems) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.add(`${label} console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.add(`${label} page error: ${err.message}`));
  page.on('request', (req) => {
    const u = new URL(req.url());
    // The page must work offline: nothing but its own origin (ws: shares host and port).
    if (u.protocol !== 'data:' && u.host !== origin.host) problems.add(`${label} request to another origin: ${req.url()}`);
  });
  page.on('requestfailed', (req) => {
    problems.add(`${label} request failed: ${req.url()} ${req.failure() ? req.failure().errorText : ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.add(`${label} HTTP ${res.status()} for ${res.url()}`);
  });
}

// Runs in every page before its own scripts: report every WebSocket close, with its code, to the
// check through a binding, whatever the page itself does with it.
function reportSocketCloses() {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('close', (ev) => {
        window.__loopwireCheckClose({
          url: this.url, protocol: this.protocol, code: ev.code, reason: ev.reason, wasClean: ev.wasClean,
        });
      });
    }
  };
}

const allOpen = () => {
  const d = window.loopwireDemo;
  return !!d && ['echo', 'dumb-increment', 'mirror', 'status'].every((p) => d.stats[p].state === 'open');
};

let waitMs = 15000;

// page.waitForFunction, failing with what was awaited and what the page showed instead of a bare
// "Timeout exceeded": `now(arg)` runs in the page and picks the relevant state.
async function until(page, what, predicate, arg, now) {
  try {
    await page.waitForFunction(predicate, arg);
  } catch (err) {
    if (!/Timeout/.test(err.message)) throw err;
    const seen = await page.evaluate(now, arg).catch((e) => `(unreadable: ${e.message.split('\n')[0]})`);
    throw new Error(`${what}: not within ${waitMs / 1000} s; the page has ${JSON.stringify(seen)}`);
  }
}

const socketStates = () => Object.fromEntries(Object.entries(window.loopwireDemo.stats)
  .map(([p, s]) => [p, `${s.state}${s.lastClose ? ` (last close ${s.lastClose.code})` : ''}`]));

// Pixels of the mirror canvas close to `colour` (antialiased edges count if near enough).
function inkOf(page, colour) {
  return page.evaluate((c) => {
    const canvas = document.getElementById('mirror-canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const r = parseInt(c.slice(1, 3), 16);
    const g = parseInt(c.slice(3, 5), 16);
    const b = parseInt(c.slice(5, 7), 16);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 48) n++;
    }
    return n;
  }, colour);
}

// A loop-the-loop across the board, as a person might scribble: good for the README too.
async function scribble(page, box, phase) {
  const steps = 90;
  const points = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const x = 0.08 + 0.84 * t;
    const y = 0.5 + 0.28 * Math.sin(t * Math.PI * 2 + phase) + 0.12 * Math.sin(t * Math.PI * 9);
    points.push([box.x + x * box.width, box.y + y * box.height]);
  }
  await page.mouse.move(points[0][0], points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(x, y);
  await page.mouse.up();
}

// Without the status table's one-second flash, caught half-way in a still picture.
async function screenshot(page, file) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
}

// Draws in `from` and waits until `to` has drawn every stroke and shows more of `from`'s colour.
async function drawAcross(from, to, phase) {
  await from.bringToFront();
  const colour = await from.evaluate(() => window.loopwireDemo.stats.mirror.colour);
  const inkBefore = await inkOf(to, colour);
  const drawnBefore = await to.evaluate(() => window.loopwireDemo.stats.mirror.strokesDrawn);
  const sentBefore = await from.evaluate(() => window.loopwireDemo.stats.mirror.strokesSent);
  await scribble(from, await from.locator('#mirror-canvas').boundingBox(), phase);
  const sent = (await from.evaluate(() => window.loopwireDemo.stats.mirror.strokesSent)) - sentBefore;
  if (sent === 0) throw new Error('no stroke was sent');
  await until(to, `the other tab drawing ${sent} mirrored strokes`,
    (n) => window.loopwireDemo.stats.mirror.strokesDrawn >= n, drawnBefore + sent,
    () => ({ strokesDrawn: window.loopwireDemo.stats.mirror.strokesDrawn }));
  const ink = (await inkOf(to, colour)) - inkBefore;
  // 90 segments 3.5 px wide across most of the board leave thousands of pixels; 300 rules out a few specks.
  if (ink < 300) throw new Error(`the other tab drew the strokes but shows only ${ink} new pixels of ${colour}`);
  return { sent, colour, ink };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const timeoutMs = opts.timeoutS * 1000;
  const origin = new URL(opts.url);
  const problems = new Problems();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'loopwire-chromium-'));
  let context = null;
  const hardStop = setTimeout(() => {
    emit({ step: 'timeout', ok: false, error: `over ${opts.timeoutS} s` });
    process.stdout.write(`RESULT FAIL timeout after ${opts.timeoutS} s\n`);
    const done = () => {
      fs.rmSync(profile, { recursive: true, force: true });
      process.exit(1);
    };
    (context ? context.close() : Promise.resolve()).then(done, done);
  }, timeoutMs);
  try {
    const env = opts.trustCert ? trustCertificate(profile, opts.trustCert) : process.env;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: opts.chromium,
      env,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: opts.width, height: opts.height },
      deviceScaleFactor: opts.scale,
      colorScheme: opts.dark ? 'dark' : 'light',
    });
    waitMs = Math.min(waitMs, timeoutMs);
    context.setDefaultTimeout(waitMs);
    const one = context.pages()[0] || await context.newPage();
    const two = await context.newPage();
    const labels = new Map([[one, 'tab1'], [two, 'tab2']]);
    const closes = [];
    await context.exposeBinding('__loopwireCheckClose', ({ page }, info) => {
      const label = labels.get(page) || 'page';
      closes.push({ tab: label, ...info });
      if (!CLEAN_CLOSE_CODES.includes(info.code)) {
        problems.add(`${label} WebSocket ${info.protocol || info.url} closed with ${info.code}`
          + `${info.reason ? ` "${info.reason}"` : ''}${info.wasClean ? '' : ' (not clean)'}`);
      }
    });
    await context.addInitScript(reportSocketCloses);
    watch(one, 'tab1', origin, problems);
    watch(two, 'tab2', origin, problems);

    await step('load', problems, async () => {
      const res = await one.goto(opts.url);
      await two.goto(opts.url);
      const type = res.headers()['content-type'] || '';
      if (!type.startsWith('text/html')) throw new Error(`/ answered Content-Type "${type}"`);
      return { status: res.status(), title: await one.title() };
    });

    await step('sockets-open', problems, async () => {
      await until(one, 'all four sockets open in tab1', allOpen, undefined, socketStates);
      await until(two, 'all four sockets open in tab2', allOpen, undefined, socketStates);
      const protocols = await one.evaluate(() => {
        const s = window.loopwireDemo.sockets;
        return Object.fromEntries(Object.keys(s).map((k) => [k, s[k].protocol]));
      });
      for (const p of PROTOCOLS) {
        if (protocols[p] !== p) throw new Error(`socket for ${p} negotiated sub-protocol "${protocols[p]}"`);
      }
      const states = await one.$$eval('[id$="-state"]', (els) => els.map((e) => `${e.id}=${e.textContent}`));
      return { protocols, states };
    });

    let baseline = null;
    await step('status-first-report', problems, async () => {
      await until(one, 'a first status report', () => window.loopwireDemo.stats.status.reports >= 1, undefined,
        () => ({ reports: window.loopwireDemo.stats.status.reports, ignored: window.loopwireDemo.stats.status.ignored }));
      baseline = await one.evaluate(() => window.loopwireDemo.stats.status.last);
      for (const p of PROTOCOLS) {
        if (!baseline.protocols || !baseline.protocols[p]) {
          throw new Error(`the report has no entry for ${p}: ${JSON.stringify(baseline)}`);
        }
      }
      return { uptimeSeconds: baseline.uptimeSeconds, connections: baseline.connections };
    });

    await step('echo-text', problems, async () => {
      await one.bringToFront(); // a background tab's throttled frames would slow every click
      const text = `interop ✓ ${Date.now()}`;
      await one.fill('#echo-input', text);
      await one.click('#echo-send');
      await until(one, `the echo of "${text}"`, (t) => window.loopwireDemo.stats.echo.lastText === t, text,
        () => ({ lastText: window.loopwireDemo.stats.echo.lastText, received: window.loopwireDemo.stats.echo.received }));
      const lastLine = await one.$eval('#echo-log li:last-child', (el) => el.textContent);
      if (!lastLine.includes(text)) throw new Error(`the log's last line is "${lastLine}"`);
      return { text, lastLine };
    });

    await step('echo-binary', problems, async () => {
      await one.click('#echo-send-binary');
      await until(one, 'the echo of the binary sample 4c 57 00 01 7f 80 fe ff', () => {
        const b = window.loopwireDemo.stats.echo.lastBinary;
        return Array.isArray(b) && b.join(',') === '76,87,0,1,127,128,254,255';
      }, undefined, () => ({ lastBinary: window.loopwireDemo.stats.echo.lastBinary }));
      const lastLine = await one.$eval('#echo-log li:last-child', (el) => el.textContent);
      return { lastLine };
    });

    await step('counter', problems, async () => {
      const counter = () => ({ value: window.loopwireDemo.stats['dumb-increment'].value,
        shown: document.getElementById('counter-value').textContent });
      await until(one, 'the counter reaching 10', () => window.loopwireDemo.stats['dumb-increment'].value >= 10,
        undefined, counter);
      const shown = await one.textContent('#counter-value');
      await until(one, `the counter moving on from ${shown}`, (t) => {
        const now = document.getElementById('counter-value').textContent;
        return now !== t && Number(now.replace(/\D/g, '')) > Number(t.replace(/\D/g, ''));
      }, shown, counter);
      const before = await one.evaluate(() => window.loopwireDemo.stats['dumb-increment'].value);
      await one.click('#counter-reset');
      await until(one, `the counter going back below ${before} after "reset"`,
        (b) => window.loopwireDemo.stats['dumb-increment'].value < b, before, counter);
      const afterReset = await one.evaluate(() => window.loopwireDemo.stats['dumb-increment'].value);
      // ... and it keeps counting from there.
      await until(one, `the counter going on from ${afterReset} after the reset`,
        (a) => window.loopwireDemo.stats['dumb-increment'].value >= a + 5, afterReset, counter);
      return { shown, before, afterReset, now: await one.textContent('#counter-value') };
    });

    let mirrored = 0;
    await step('mirror', problems, async () => {
      await one.locator('#mirror-canvas').scrollIntoViewIfNeeded();
      await two.locator('#mirror-canvas').scrollIntoViewIfNeeded();
      const there = await drawAcross(one, two, 0);
      // The second tab draws back in its own colour, so the screenshot shows two hands at work.
      const back = await drawAcross(two, one, Math.PI);
      mirrored = there.sent + back.sent;
      return { tab1: there, tab2: back };
    });

    await step('status-moves', problems, async () => {
      const want = {
        uptime: baseline.uptimeSeconds + 1,
        echoIn: baseline.protocols.echo.messagesIn + 2,
        mirrorIn: baseline.protocols.mirror.messagesIn + mirrored,
        incrementOut: baseline.protocols['dumb-increment'].messagesOut + 1,
        statusOut: baseline.protocols.status.messagesOut + 1,
      };
      await until(one, `a status report counting this traffic (at least ${JSON.stringify(want)})`, (w) => {
        const s = window.loopwireDemo.stats.status.last;
        const p = s && s.protocols;
        return !!p && s.uptimeSeconds >= w.uptime && s.connections >= 8
          && p.echo.messagesIn >= w.echoIn && p.mirror.messagesIn >= w.mirrorIn
          && p['dumb-increment'].messagesOut >= w.incrementOut && p.status.messagesOut >= w.statusOut;
      }, want, () => window.loopwireDemo.stats.status.last);
      // The table shows what the last report said (rendered in the same task as the report).
      const shown = await one.evaluate(() => {
        const s = window.loopwireDemo.stats.status.last;
        const f = new Intl.NumberFormat();
        const cell = (p, c) => document.querySelector(`#status-table tr[data-protocol="${p}"] td[data-col="${c}"]`);
        const mismatches = [];
        for (const p of ['echo', 'dumb-increment', 'mirror', 'status']) {
          for (const c of ['connections', 'messagesIn', 'messagesOut']) {
            const td = cell(p, c);
            const text = td ? td.textContent : '(no cell)';
            if (text !== f.format(s.protocols[p][c])) mismatches.push(`${p}.${c} shows ${text}, report ${s.protocols[p][c]}`);
          }
        }
        const conns = document.getElementById('status-connections').textContent;
        if (conns !== f.format(s.connections)) mismatches.push(`connections shows ${conns}, report ${s.connections}`);
        return { mismatches, connections: conns, uptime: document.getElementById('status-uptime').textContent, report: s };
      });
      if (shown.mismatches.length > 0) throw new Error(shown.mismatches.join('; '));
      return {
        baselineUptime: baseline.uptimeSeconds, connections: shown.connections, uptime: shown.uptime, report: shown.report,
      };
    });

    if (opts.screenshot) {
      await step('screenshot', problems, async () => {
        // Let one more status report land so the table shows the traffic of the steps above.
        await one.bringToFront();
        await one.waitForTimeout(1200);
        await screenshot(one, opts.screenshot);
        return { file: opts.screenshot };
      });
    }

    await step('sockets-stayed-open', problems, async () => {
      await one.waitForTimeout(200);
      const counts = {};
      for (const [page, label] of labels) {
        counts[label] = await page.evaluate(() => Object.fromEntries(Object.entries(window.loopwireDemo.stats)
          .map(([p, s]) => [p, { opens: s.opens, closes: s.closes, ignored: s.ignored }])));
        for (const p of PROTOCOLS) {
          const c = counts[label][p];
          if (c.opens !== 1 || c.closes !== 0) throw new Error(`${label} ${p} opened ${c.opens} and closed ${c.closes} times`);
          if (c.ignored !== 0) throw new Error(`${label} ${p} ignored ${c.ignored} malformed messages`);
        }
      }
      if (closes.length > 0) throw new Error(`sockets closed during the run: ${JSON.stringify(closes)}`);
      return { counts };
    });

    await step('no-browser-problems', problems, async () => {
      if (problems.list.length > 0) throw new Error(problems.list.join(' | '));
    });
  } catch (err) {
    // A picture of the first tab as the check failed, in place of the one it would have taken.
    if (opts.screenshot && context && context.pages().length > 0) {
      problems.closed = true;
      try {
        await screenshot(context.pages()[0], opts.screenshot);
        emit({ event: 'screenshot-at-failure', file: opts.screenshot });
      } catch (e) {
        emit({ event: 'screenshot-at-failure', error: e.message.split('\n')[0] });
      }
    }
    throw err;
  } finally {
    clearTimeout(hardStop);
    problems.closed = true; // closing the tabs closes their sockets with 1001: not a finding
    if (context) await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  () => { process.stdout.write('RESULT OK\n'); process.exit(0); },
  (err) => {
    const reason = err instanceof CheckFailed ? err.message : `${err.name}: ${err.message.split('\n')[0]}`;
    process.stdout.write(`RESULT FAIL ${reason}\n`);
    process.exit(1);
  });
