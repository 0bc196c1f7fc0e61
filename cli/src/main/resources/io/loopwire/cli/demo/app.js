// Loopwire demo page: four WebSocket sub-protocols of `loopwire serve`, no libraries.
//
// Each card owns one socket that reconnects with a short backoff. Tests read
// window.loopwireDemo = { sockets, stats }: `sockets` maps protocol name to the current WebSocket
// (replaced on reconnect) and `stats` holds per-protocol counters plus each card's last value.
// Normal operation must log nothing to the console; malformed input from the server is counted
// in stats and ignored.
'use strict';

(function () {
  const PROTOCOLS = ['echo', 'dumb-increment', 'mirror', 'status'];
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 5000;
  const ECHO_LOG_MAX = 200;
  const MIRROR_HISTORY_MAX = 20000;
  const BINARY_SAMPLE = [0x4c, 0x57, 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

  const $ = (id) => document.getElementById(id);
  const sockets = {};
  const stats = {};
  for (const p of PROTOCOLS) {
    stats[p] = {
      state: 'connecting', opens: 0, closes: 0, sent: 0, received: 0,
      bytesSent: 0, bytesReceived: 0, ignored: 0, lastClose: null, protocol: null,
    };
  }
  stats['dumb-increment'].value = null;
  stats['dumb-increment'].resets = 0;
  stats.mirror.strokesSent = 0;
  stats.mirror.strokesDrawn = 0;
  stats.mirror.colour = null;
  stats.echo.lastText = null;
  stats.echo.lastBinary = null;
  stats.status.last = null;
  stats.status.reports = 0;
  window.loopwireDemo = { sockets, stats, url: null };

  // ---- endpoint -------------------------------------------------------------------------------

  // ws: or wss: to match the page, same host, path "/". ?ws=URL overrides, for a page served
  // from somewhere else during development.
  function endpoint() {
    const override = new URLSearchParams(location.search).get('ws');
    if (override && /^wss?:\/\//i.test(override)) return override;
    if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
  }

  const url = endpoint();
  window.loopwireDemo.url = url;

  // ---- small helpers ----------------------------------------------------------------------------

  const utf8 = new TextEncoder();
  const numberFormat = new Intl.NumberFormat();

  function byteLength(data) {
    if (typeof data === 'string') return utf8.encode(data).length;
    if (data instanceof ArrayBuffer) return data.byteLength;
    if (ArrayBuffer.isView(data)) return data.byteLength;
    return 0;
  }

  function hex(bytes, max) {
    const parts = [];
    const n = Math.min(bytes.length, max);
    for (let i = 0; i < n; i++) parts.push(bytes[i].toString(16).padStart(2, '0'));
    return parts.join(' ') + (bytes.length > max ? ' …' : '');
  }

  function clock() {
    const d = new Date();
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((v) => String(v).padStart(2, '0')).join(':');
  }

  function formatBytes(n) {
    if (n < 1024) return numberFormat.format(n) + ' B';
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[i];
  }

  function formatUptime(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    const two = (v) => String(v).padStart(2, '0');
    if (d > 0) return `${d}d ${two(h)}h ${two(m)}m`;
    if (h > 0) return `${h}h ${two(m)}m ${two(sec)}s`;
    if (m > 0) return `${m}m ${two(sec)}s`;
    return `${sec}s`;
  }

  function closeText(code, reason) {
    return reason ? `${code} ${reason}` : String(code);
  }

  // ---- connection management --------------------------------------------------------------------

  const stateEls = {
    echo: $('echo-state'), 'dumb-increment': $('counter-state'), mirror: $('mirror-state'), status: $('status-state'),
  };

  function showState(protocol, state, text) {
    stats[protocol].state = state;
    const el = stateEls[protocol];
    el.dataset.state = state;
    el.closest('.card').dataset.state = state;
    if (state !== 'closed') el.removeAttribute('title');
    el.textContent = text || state;
    updateOverall();
  }

  function updateOverall() {
    const states = PROTOCOLS.map((p) => stats[p].state);
    const open = states.filter((s) => s === 'open').length;
    const el = $('overall');
    if (open === PROTOCOLS.length) {
      el.dataset.state = 'open';
      el.textContent = 'all connected';
    } else if (states.includes('closed')) {
      el.dataset.state = 'closed';
      el.textContent = `${open}/${PROTOCOLS.length} connected`;
    } else {
      el.dataset.state = 'connecting';
      el.textContent = 'connecting';
    }
  }

  // Opens `protocol` now and again after every close, waiting 0.5 s, 1 s, 2 s … up to 5 s
  // (with a little jitter so many tabs do not reconnect in step). A successful open resets it.
  function keepConnected(protocol, handlers) {
    let backoff = BACKOFF_MIN_MS;
    const st = stats[protocol];

    function connect() {
      showState(protocol, 'connecting');
      let ws;
      try {
        ws = new WebSocket(url, protocol);
      } catch (err) {
        // Only a malformed URL gets here; there is nothing to retry.
        showState(protocol, 'closed', 'bad URL');
        return;
      }
      ws.binaryType = 'arraybuffer';
      sockets[protocol] = ws;
      let opened = false;

      ws.addEventListener('open', () => {
        backoff = BACKOFF_MIN_MS;
        opened = true;
        st.opens++;
        st.protocol = ws.protocol;
        showState(protocol, 'open');
        if (handlers.open) handlers.open(ws);
      });
      ws.addEventListener('message', (ev) => {
        st.received++;
        st.bytesReceived += byteLength(ev.data);
        handlers.message(ev.data, ws);
      });
      // 'error' is always followed by 'close', which carries the code; nothing to do here.
      ws.addEventListener('error', () => {});
      ws.addEventListener('close', (ev) => {
        st.closes++;
        st.lastClose = { code: ev.code, reason: ev.reason, wasClean: ev.wasClean };
        if (sockets[protocol] === ws) delete sockets[protocol];
        const wait = Math.min(backoff, BACKOFF_MAX_MS);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        const delay = Math.round(wait * (0.85 + Math.random() * 0.3));
        showState(protocol, 'closed', `closed ${ev.code}`);
        stateEls[protocol].title = `${closeText(ev.code, ev.reason)} · retrying in ${(delay / 1000).toFixed(1)} s`;
        if (handlers.close) handlers.close(ev, opened);
        setTimeout(connect, delay);
      });
    }

    connect();
  }

  function send(protocol, data) {
    const ws = sockets[protocol];
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(data);
    stats[protocol].sent++;
    stats[protocol].bytesSent += byteLength(data);
    return true;
  }

  // ---- echo ---------------------------------------------------------------------------------------

  const echoLog = $('echo-log');
  const echoInput = $('echo-input');
  const echoSend = $('echo-send');
  const echoBinary = $('echo-send-binary');

  function logEcho(kind, dir, kindLabel, body) {
    const li = document.createElement('li');
    li.className = kind;
    const t = document.createElement('span');
    t.className = 't';
    t.textContent = clock();
    const d = document.createElement('span');
    d.className = 'dir';
    d.textContent = dir;
    const b = document.createElement('span');
    b.className = 'body';
    if (kindLabel) {
      const k = document.createElement('span');
      k.className = 'kind';
      k.textContent = kindLabel;
      b.append(k);
    }
    b.append(body);
    li.append(t, d, b);
    const atBottom = echoLog.scrollHeight - echoLog.scrollTop - echoLog.clientHeight < 24;
    echoLog.append(li);
    while (echoLog.children.length > ECHO_LOG_MAX) echoLog.firstElementChild.remove();
    if (atBottom) echoLog.scrollTop = echoLog.scrollHeight;
  }

  function describeText(s) {
    const shown = s.length > 200 ? s.slice(0, 200) + '…' : s;
    return `"${shown}" (${byteLength(s)} B)`;
  }

  function describeBinary(bytes) {
    return `${bytes.length} B: ${hex(bytes, 24)}`;
  }

  function setEchoEnabled(on) {
    echoSend.disabled = !on;
    echoBinary.disabled = !on;
  }

  keepConnected('echo', {
    open(ws) {
      setEchoEnabled(true);
      logEcho('event', '•', null, `open (${ws.protocol || 'no sub-protocol'})`);
    },
    message(data) {
      if (typeof data === 'string') {
        stats.echo.lastText = data;
        logEcho('recv', '←', 'text', describeText(data));
      } else {
        const bytes = new Uint8Array(data);
        stats.echo.lastBinary = Array.from(bytes);
        logEcho('recv', '←', 'binary', describeBinary(bytes));
      }
    },
    close(ev, wasOpen) {
      setEchoEnabled(false);
      // Failed reconnect attempts show in the state pill only, not once per try in the log.
      if (wasOpen) logEcho(ev.code === 1000 ? 'event' : 'event bad', '×', null, `closed ${closeText(ev.code, ev.reason)}`);
    },
  });

  $('echo-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = echoInput.value;
    if (send('echo', text)) logEcho('sent', '→', 'text', describeText(text));
  });

  echoBinary.addEventListener('click', () => {
    const bytes = new Uint8Array(BINARY_SAMPLE);
    if (send('echo', bytes)) logEcho('sent', '→', 'binary', describeBinary(bytes));
  });

  // ---- dumb-increment -------------------------------------------------------------------------------

  const counterValue = $('counter-value');
  const counterTick = $('counter-tick');
  const counterReset = $('counter-reset');
  const counterMessages = $('counter-messages');
  const counterResets = $('counter-resets');

  keepConnected('dumb-increment', {
    open() { counterReset.disabled = false; },
    message(data) {
      if (typeof data !== 'string' || !/^\d+$/.test(data.trim())) {
        stats['dumb-increment'].ignored++;
        return;
      }
      const n = Number(data.trim());
      stats['dumb-increment'].value = n;
      counterValue.textContent = numberFormat.format(n);
      counterMessages.textContent = numberFormat.format(stats['dumb-increment'].received);
      counterTick.style.width = ((n % 20) + 1) * 5 + '%'; // fills once a second at 50 ms a step
    },
    close() { counterReset.disabled = true; },
  });

  counterReset.addEventListener('click', () => {
    if (send('dumb-increment', 'reset\n')) {
      stats['dumb-increment'].resets++;
      counterResets.textContent = numberFormat.format(stats['dumb-increment'].resets);
    }
  });

  // ---- mirror ---------------------------------------------------------------------------------------

  const canvas = $('mirror-canvas');
  const ctx = canvas.getContext('2d');
  const hint = $('mirror-hint');
  const strokesEl = $('mirror-strokes');
  const history = []; // strokes in canvas-relative coordinates, redrawn after a resize

  function randomColour() {
    // A random hue at a saturation and lightness that read on both light and dark boards.
    const h = Math.floor(Math.random() * 360) / 360;
    const s = 0.72;
    const l = 0.52;
    const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
    const p = 2 * l - q;
    const channel = (t) => {
      if (t < 0) t += 1;
      if (t > 1) t -= 1;
      if (t < 1 / 6) return p + (q - p) * 6 * t;
      if (t < 1 / 2) return q;
      if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
      return p;
    };
    return '#' + [h + 1 / 3, h, h - 1 / 3]
      .map((t) => Math.round(channel(t) * 255).toString(16).padStart(2, '0')).join('');
  }

  const myColour = randomColour();
  stats.mirror.colour = myColour;
  $('mirror-swatch').style.background = myColour;
  $('mirror-colour').textContent = myColour;

  function resizeCanvas() {
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(rect.width * dpr));
    const h = Math.max(1, Math.round(rect.height * dpr));
    if (canvas.width === w && canvas.height === h) return;
    canvas.width = w;
    canvas.height = h;
    for (const s of history) paint(s);
  }

  function paint(s) {
    const w = canvas.width;
    const h = canvas.height;
    const dpr = window.devicePixelRatio || 1;
    ctx.strokeStyle = s.c;
    ctx.fillStyle = s.c;
    if (s.r !== undefined) { // a circle from libwebsockets' test client
      ctx.beginPath();
      ctx.arc(s.x0 * w, s.y0 * h, s.r * dpr, 0, Math.PI * 2);
      ctx.fill();
      return;
    }
    ctx.lineWidth = 3.5 * dpr;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(s.x0 * w, s.y0 * h);
    ctx.lineTo(s.x1 * w, s.y1 * h);
    ctx.stroke();
  }

  function draw(s) {
    history.push(s);
    if (history.length > MIRROR_HISTORY_MAX) history.splice(0, history.length - MIRROR_HISTORY_MAX);
    paint(s);
    stats.mirror.strokesDrawn++;
    strokesEl.textContent = numberFormat.format(stats.mirror.strokesDrawn);
    hint.classList.add('hidden');
  }

  const COLOUR = /^#[0-9a-fA-F]{6}$/;
  const unit = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

  function parseStroke(text) {
    if (text.charAt(0) !== '{') return null;
    let m;
    try {
      m = JSON.parse(text);
    } catch (e) {
      return null;
    }
    if (!m || !unit(m.x0) || !unit(m.y0) || !unit(m.x1) || !unit(m.y1)) return null;
    if (typeof m.c !== 'string' || !COLOUR.test(m.c)) return null;
    return { x0: m.x0, y0: m.y0, x1: m.x1, y1: m.y1, c: m.c };
  }

  // libwebsockets' test client draws "c #RRGGBB X Y R;" circles on a 512 x 256 board.
  const LWS_CIRCLE = /c (#[0-9a-fA-F]{6}) (\d+) (\d+) (\d+);/g;

  function parseLwsCircles(text) {
    const out = [];
    for (const m of text.matchAll(LWS_CIRCLE)) {
      out.push({ x0: Math.min(1, Number(m[2]) / 512), y0: Math.min(1, Number(m[3]) / 256), r: Number(m[4]) / 4, c: m[1] });
    }
    return out;
  }

  keepConnected('mirror', {
    message(data) {
      if (typeof data !== 'string') { stats.mirror.ignored++; return; }
      const stroke = parseStroke(data);
      if (stroke) { draw(stroke); return; }
      const circles = parseLwsCircles(data);
      if (circles.length === 0) { stats.mirror.ignored++; return; }
      for (const c of circles) draw(c);
    },
  });

  let last = null;
  const round = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;

  function point(ev) {
    const rect = canvas.getBoundingClientRect();
    return { x: round((ev.clientX - rect.left) / rect.width), y: round((ev.clientY - rect.top) / rect.height) };
  }

  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    canvas.setPointerCapture(ev.pointerId);
    last = point(ev);
  });

  canvas.addEventListener('pointermove', (ev) => {
    if (!last) return;
    const p = point(ev);
    if (p.x === last.x && p.y === last.y) return;
    // Drawn when the server mirrors it back, so every tab shows the same picture.
    const msg = JSON.stringify({ x0: last.x, y0: last.y, x1: p.x, y1: p.y, c: myColour });
    if (send('mirror', msg)) stats.mirror.strokesSent++;
    last = p;
  });

  const endStroke = () => { last = null; };
  canvas.addEventListener('pointerup', endStroke);
  canvas.addEventListener('pointercancel', endStroke);
  canvas.addEventListener('lostpointercapture', endStroke);

  $('mirror-clear').addEventListener('click', () => {
    history.length = 0;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
  });

  if (typeof ResizeObserver === 'function') new ResizeObserver(resizeCanvas).observe(canvas);
  else window.addEventListener('resize', resizeCanvas);
  resizeCanvas();

  // ---- status -----------------------------------------------------------------------------------------

  const statusBody = $('status-table').tBodies[0];
  const rows = new Map();
  const COLUMNS = ['connections', 'messagesIn', 'messagesOut', 'bytesIn', 'bytesOut'];

  function placeholder(text) {
    statusBody.textContent = '';
    rows.clear();
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = COLUMNS.length + 1;
    td.className = 'placeholder';
    td.textContent = text;
    tr.append(td);
    statusBody.append(tr);
  }

  placeholder('Waiting for the first report…');

  function row(name) {
    let tr = rows.get(name);
    if (tr) return tr;
    if (rows.size === 0) statusBody.textContent = '';
    tr = document.createElement('tr');
    tr.dataset.protocol = name;
    const th = document.createElement('td');
    th.textContent = name;
    tr.append(th);
    for (const c of COLUMNS) {
      const td = document.createElement('td');
      td.className = 'num';
      td.dataset.col = c;
      tr.append(td);
    }
    statusBody.append(tr);
    rows.set(name, tr);
    return tr;
  }

  function count(v) {
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  }

  function renderStatus(s) {
    $('status-connections').textContent = numberFormat.format(count(s.connections));
    $('status-uptime').textContent = formatUptime(count(s.uptimeSeconds));
    const protocols = s.protocols && typeof s.protocols === 'object' ? s.protocols : {};
    const names = Object.keys(protocols).sort((a, b) => {
      const ia = PROTOCOLS.indexOf(a);
      const ib = PROTOCOLS.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    for (const name of names) {
      const p = protocols[name] || {};
      const tr = row(name);
      let changed = false;
      for (const c of COLUMNS) {
        const td = tr.querySelector(`td[data-col="${c}"]`);
        const v = count(p[c]);
        const text = c.startsWith('bytes') ? formatBytes(v) : numberFormat.format(v);
        if (td.textContent !== text) { td.textContent = text; changed = true; }
      }
      if (changed) {
        // Restart the flash animation for rows whose numbers moved.
        tr.classList.remove('changed');
        void tr.offsetWidth;
        tr.classList.add('changed');
      }
    }
  }

  keepConnected('status', {
    message(data) {
      if (typeof data !== 'string') { stats.status.ignored++; return; }
      let s;
      try {
        s = JSON.parse(data);
      } catch (e) {
        stats.status.ignored++;
        return;
      }
      if (!s || typeof s !== 'object') { stats.status.ignored++; return; }
      stats.status.last = s;
      stats.status.reports++;
      renderStatus(s);
    },
  });

  // ---- header -------------------------------------------------------------------------------------------

  $('ws-url').textContent = url || '(open this page through loopwire serve)';
})();
