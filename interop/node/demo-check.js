#!/usr/bin/env node
// Browser check of the demo page served by `loopwire serve` (or demo-mock-server.js), in Debian's
// Chromium through playwright-core (no browser download).
//
// Usage: node demo-check.js URL [--screenshot FILE] [--dark] [--width W] [--height H] [--scale S]
//                               [--chromium PATH] [--timeout SECONDS]
// Opens two tabs, waits for all four sockets to open in both, then exercises each card: echo text
// and binary, counter increments and reset, a mirror stroke drawn in tab 1 appearing in tab 2, and
// a status report naming the four protocols. Any console error, page error, failed request or
// HTTP status >= 400 fails the run. Prints one JSON line per step, then "RESULT OK" (exit 0) or
// "RESULT FAIL <reason>" (exit 1).
'use strict';

const { chromium } = require('playwright-core');

function parseArgs(argv) {
  const opts = {
    url: null, screenshot: null, dark: false, width: 1280, height: 900, scale: 1,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium', timeoutS: 60,
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
    else if (opts.url === null) opts.url = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.url) throw new Error('usage: demo-check.js URL [--screenshot FILE] [--dark] ...');
  return opts;
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

class CheckFailed extends Error {}

async function step(name, fn) {
  const started = Date.now();
  try {
    const extra = (await fn()) || {};
    emit({ step: name, ok: true, ...extra, ms: Date.now() - started });
  } catch (err) {
    emit({ step: name, ok: false, error: err.message.split('\n')[0], ms: Date.now() - started });
    throw new CheckFailed(`${name}: ${err.message.split('\n')[0]}`);
  }
}

function watch(page, label, problems) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${label} console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${label} page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    problems.push(`${label} request failed: ${req.url()} ${req.failure() ? req.failure().errorText : ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${label} HTTP ${res.status()} for ${res.url()}`);
  });
}

const allOpen = () => {
  const d = window.loopwireDemo;
  return !!d && ['echo', 'dumb-increment', 'mirror', 'status'].every((p) => d.stats[p].state === 'open');
};

// A loop-the-loop across the board, as a person might scribble: good for the README too.
async function scribble(page, box, phase) {
  const steps = 90;
  const path = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const x = 0.08 + 0.84 * t;
    const y = 0.5 + 0.28 * Math.sin(t * Math.PI * 2 + phase) + 0.12 * Math.sin(t * Math.PI * 9);
    path.push([box.x + x * box.width, box.y + y * box.height]);
  }
  await page.mouse.move(path[0][0], path[0][1]);
  await page.mouse.down();
  for (const [x, y] of path.slice(1)) await page.mouse.move(x, y);
  await page.mouse.up();
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const timeoutMs = opts.timeoutS * 1000;
  const problems = [];
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const hardStop = setTimeout(() => {
    emit({ step: 'timeout', ok: false, error: `over ${opts.timeoutS} s` });
    process.stdout.write(`RESULT FAIL timeout after ${opts.timeoutS} s\n`);
    browser.close().finally(() => process.exit(1));
  }, timeoutMs);
  try {
    const context = await browser.newContext({
      viewport: { width: opts.width, height: opts.height },
      deviceScaleFactor: opts.scale,
      colorScheme: opts.dark ? 'dark' : 'light',
    });
    context.setDefaultTimeout(Math.min(15000, timeoutMs));
    const one = await context.newPage();
    const two = await context.newPage();
    watch(one, 'tab1', problems);
    watch(two, 'tab2', problems);

    await step('load', async () => {
      await one.goto(opts.url);
      await two.goto(opts.url);
      const title = await one.title();
      return { title };
    });

    await step('sockets-open', async () => {
      await one.waitForFunction(allOpen);
      await two.waitForFunction(allOpen);
      const protocols = await one.evaluate(() => {
        const s = window.loopwireDemo.sockets;
        return Object.fromEntries(Object.keys(s).map((k) => [k, s[k].protocol]));
      });
      for (const [k, v] of Object.entries(protocols)) {
        if (k !== v) throw new Error(`socket for ${k} negotiated sub-protocol "${v}"`);
      }
      const states = await one.$$eval('[id$="-state"]', (els) => els.map((e) => `${e.id}=${e.textContent}`));
      return { protocols, states };
    });

    await step('echo-text', async () => {
      const text = `interop ✓ ${Date.now()}`;
      await one.fill('#echo-input', text);
      await one.click('#echo-send');
      await one.waitForFunction((t) => window.loopwireDemo.stats.echo.lastText === t, text);
      const entries = await one.$$eval('#echo-log li', (els) => els.length);
      return { text, logEntries: entries };
    });

    await step('echo-binary', async () => {
      await one.click('#echo-send-binary');
      await one.waitForFunction(() => {
        const b = window.loopwireDemo.stats.echo.lastBinary;
        return Array.isArray(b) && b.join(',') === '76,87,0,1,127,128,254,255';
      });
      const lastLine = await one.$eval('#echo-log li:last-child', (el) => el.textContent);
      return { lastLine };
    });

    await step('counter', async () => {
      await one.waitForFunction(() => window.loopwireDemo.stats['dumb-increment'].value >= 10);
      const before = await one.evaluate(() => window.loopwireDemo.stats['dumb-increment'].value);
      await one.click('#counter-reset');
      await one.waitForFunction((b) => window.loopwireDemo.stats['dumb-increment'].value < b, before);
      const after = await one.evaluate(() => window.loopwireDemo.stats['dumb-increment'].value);
      const shown = await one.textContent('#counter-value');
      return { before, after, shown };
    });

    await step('mirror', async () => {
      await one.locator('#mirror-canvas').scrollIntoViewIfNeeded();
      await two.locator('#mirror-canvas').scrollIntoViewIfNeeded();
      const box = await one.locator('#mirror-canvas').boundingBox();
      const seenBefore = await two.evaluate(() => window.loopwireDemo.stats.mirror.strokesDrawn);
      await scribble(one, box, 0);
      const sent = await one.evaluate(() => window.loopwireDemo.stats.mirror.strokesSent);
      if (sent === 0) throw new Error('no stroke was sent');
      await one.waitForFunction((n) => window.loopwireDemo.stats.mirror.strokesDrawn >= n, sent);
      await two.waitForFunction((n) => window.loopwireDemo.stats.mirror.strokesDrawn >= n, seenBefore + sent);
      // The second tab draws too, in its own colour, so the screenshot shows two hands at work.
      const box2 = await two.locator('#mirror-canvas').boundingBox();
      await scribble(two, box2, Math.PI);
      const sent2 = await two.evaluate(() => window.loopwireDemo.stats.mirror.strokesSent);
      if (sent2 === 0) throw new Error('no stroke was sent from the second tab');
      await one.waitForFunction((n) => window.loopwireDemo.stats.mirror.strokesDrawn >= n, sent + sent2);
      const drawn = await one.evaluate(() => window.loopwireDemo.stats.mirror.strokesDrawn);
      return { sentTab1: sent, sentTab2: sent2, drawnTab1: drawn };
    });

    await step('status', async () => {
      await one.waitForFunction(() => {
        const s = window.loopwireDemo.stats.status.last;
        return s && s.connections >= 8 && s.protocols && s.protocols.echo && s.protocols.echo.messagesIn >= 2;
      });
      const rows = await one.$$eval('#status-table tbody tr', (els) => els.map((e) => e.dataset.protocol));
      for (const p of ['echo', 'dumb-increment', 'mirror', 'status']) {
        if (!rows.includes(p)) throw new Error(`no row for ${p} in #status-table (rows: ${rows})`);
      }
      const connections = await one.textContent('#status-connections');
      const uptime = await one.textContent('#status-uptime');
      return { rows, connections, uptime };
    });

    if (opts.screenshot) {
      await step('screenshot', async () => {
        // Let one more status report land so the table shows the traffic of the steps above.
        await one.waitForTimeout(1200);
        await one.screenshot({ path: opts.screenshot, fullPage: true });
        return { file: opts.screenshot };
      });
    }

    await step('no-console-errors', async () => {
      await one.waitForTimeout(200);
      if (problems.length > 0) throw new Error(problems.join(' | '));
    });
  } finally {
    clearTimeout(hardStop);
    await browser.close();
  }
}

main().then(
  () => { process.stdout.write('RESULT OK\n'); process.exit(0); },
  (err) => {
    const reason = err instanceof CheckFailed ? err.message : `${err.name}: ${err.message.split('\n')[0]}`;
    process.stdout.write(`RESULT FAIL ${reason}\n`);
    process.exit(1);
  });
