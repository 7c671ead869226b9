// Load generator for Roomcast's server benchmark (bench/servers.py drives it).
//
//   node loadgen.js --url ws://127.0.0.1:PORT/[,ws://...] --clients N --mode roomcast|node
//                   [--senders S] [--concurrency C] [--quiet-ms MS] [--connect-timeout S]
//                   [--client raw|ws] [--rooms K] [--local-addresses A,B,...]
//
// One process, N WebSocket connections (no subprotocol, no compression;
// --client raw, the default, is the lean client below, --client ws the npm
// `ws` one; --rooms K spreads them over the rooms /r/bench-0 .. /r/bench-K-1;
// --local-addresses binds client i's socket to address i mod N of the list,
// e.g. 127.0.0.2,127.0.0.3: one source address has only the kernel's
// ephemeral ports, some 28,000, towards one server port, and the idle case
// opens 100,000 connections).
// It opens them at most C at a time and waits until each is
// ready: open for the Node reference, open *and* welcomed for Roomcast (a
// client without a subprotocol is a guest from the moment it connects and
// gets a `welcome`). Then it waits until no frame has arrived for --quiet-ms
// (Roomcast's join presence storm has drained) and prints
//   {"event":"ready", ...}
// Commands then come on stdin, one JSON object a line:
//   {"cmd":"run","rate":R,"duration":D,"grace":G}
//       S senders (spread evenly over the clients) send R messages/s in all,
//       round robin, for D seconds; each message is
//         {"type":"message","content":"<sender>:<n>:<send time ms>"}
//       (n counts every message of this process, so a late frame of an
//       earlier step is recognised and ignored). Then it waits until every
//       expected delivery has arrived, or G seconds, and prints
//       {"event":"result", ...} (see finish() for the fields).
//   {"cmd":"quit"}   (or end of stdin): exit at once.
//
// Every client reads every text frame: a chat message's content is found in
// whatever frame shape the server sends (Roomcast: its own JSON object with
// seq, ts, from, content, id; Node: the forwarded frame as sent), the send
// time taken from it and latency = now - send time recorded in a histogram
// (0.1 ms buckets up to 10 s). Other frames (welcome, presence, ...) are
// counted and ignored. A delivery to the message's own sender is an
// acknowledgement (Roomcast sends every message to every member, the sender
// included); it is counted apart from the deliveries to *other* clients,
// which are what both servers are compared on.
"use strict";
const crypto = require("crypto");
const net = require("net");
const { WebSocket } = require("ws");
const { performance, monitorEventLoopDelay } = require("perf_hooks");
const readline = require("readline");

// ---- arguments ---------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    url: "",
    clients: 100,
    mode: "roomcast",
    senders: 0,
    concurrency: 50,
    quietMs: 1000,
    connectTimeout: 300,
    client: "raw",
    rooms: 1,
    localAddresses: [],
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) usage(`missing value for ${key}`);
    switch (key) {
      case "--url": opts.url = value; break;
      case "--clients": opts.clients = Number(value); break;
      case "--mode": opts.mode = value; break;
      case "--senders": opts.senders = Number(value); break;
      case "--concurrency": opts.concurrency = Number(value); break;
      case "--quiet-ms": opts.quietMs = Number(value); break;
      case "--connect-timeout": opts.connectTimeout = Number(value); break;
      case "--client": opts.client = value; break;
      case "--rooms": opts.rooms = Number(value); break;
      case "--local-addresses":
        opts.localAddresses = value.split(",").map((a) => a.trim()).filter((a) => a);
        break;
      default: usage(`unknown flag ${key}`);
    }
  }
  if (!opts.url) usage("--url is required");
  if (!["roomcast", "node"].includes(opts.mode)) usage("--mode is roomcast or node");
  if (!["raw", "ws"].includes(opts.client)) usage("--client is raw or ws");
  if (!(opts.clients >= 2)) usage("--clients must be at least 2");
  if (!opts.senders) opts.senders = Math.min(opts.clients, 100);
  opts.senders = Math.min(opts.senders, opts.clients);
  return opts;
}

function usage(why) {
  process.stderr.write(`loadgen: ${why}\n`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const ROOMCAST = opts.mode === "roomcast";
// --url A,B,...: client i connects to URL i mod N (clients spread over nodes).
const TARGETS = opts.url.split(",").map((text) => {
  const u = new URL(text);
  if (u.protocol !== "ws:") usage("--url must be ws://HOST:PORT/PATH (comma-separated for several)");
  const port = Number(u.port || 80);
  return { hostname: u.hostname, port, host: `${u.hostname}:${port}`, path: u.pathname + u.search };
});
function targetOf(index) {
  return TARGETS[index % TARGETS.length];
}

// --rooms K (K > 1): client i joins the room /r/bench-<i mod K> instead of the URL's path.
function pathOf(index) {
  return opts.rooms > 1 ? `/r/bench-${index % opts.rooms}` : targetOf(index).path;
}

// --local-addresses A,B,...: client i's source address (undefined: the kernel's choice).
function localAddressOf(index) {
  const list = opts.localAddresses;
  return list.length ? list[index % list.length] : undefined;
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// ---- latency histogram ---------------------------------------------------------

const BUCKETS_PER_MS = 10;
const MAX_BUCKET = 10_000 * BUCKETS_PER_MS; // 10 s; slower ones land in the last

class Histogram {
  constructor() {
    this.counts = new Uint32Array(MAX_BUCKET + 1);
    this.total = 0;
    this.max = 0;
    this.sum = 0;
  }
  add(ms) {
    let i = Math.floor(ms * BUCKETS_PER_MS);
    if (i < 0) i = 0; else if (i > MAX_BUCKET) i = MAX_BUCKET;
    this.counts[i]++;
    this.total++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }
  // The upper edge of the bucket holding the q-quantile (conservative).
  quantile(q) {
    if (!this.total) return null;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i <= MAX_BUCKET; i++) {
      seen += this.counts[i];
      if (seen >= rank) return round3(Math.min((i + 1) / BUCKETS_PER_MS, this.max));
    }
    return round3(this.max);
  }
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

// ---- the clients -------------------------------------------------------------

const TYPE_MESSAGE = Buffer.from('"type":"message"');
const TYPE_WELCOME = Buffer.from('"type":"welcome"');
const CONTENT_KEY = Buffer.from('"content":"');
const COLON = 0x3a;
const QUOTE = 0x22;
const DOT = 0x2e;

const clients = new Array(opts.clients); // {ws, ready}
let readyCount = 0; // clients ready and not closed since
let lastFrameAt = 0;
let connectFailures = 0;

// What the current step counts (reset by run()).
let measuring = false;
let stepFirstN = 0;
let hist = new Histogram();
let ackHist = new Histogram();
let delivered = 0;
let acks = 0;
let stale = 0;
let otherFrames = 0;
let unparsed = 0;
let closedDuringStep = 0;
const closeCodes = {};
let firstSendAt = 0;
let lastDeliveryAt = 0;

// Every frame any client receives. A chat message's content "<sender>:<n>:<t>"
// is read straight from the bytes (JSON.parse only when it is not in the plain
// shape); other frames are counted and ignored.
function onFrame(index, data, isBinary) {
  const now = performance.now();
  lastFrameAt = now;
  if (isBinary) {
    otherFrames++;
    return;
  }
  if (data.indexOf(TYPE_MESSAGE) === -1) {
    if (ROOMCAST && !clients[index].ready && data.indexOf(TYPE_WELCOME) !== -1) {
      markReady(index);
    }
    otherFrames++;
    return;
  }
  const start = data.indexOf(CONTENT_KEY);
  if (start === -1) {
    otherFrames++;
    return;
  }
  const len = data.length;
  let p = start + CONTENT_KEY.length;
  let b = 0;
  let sender = 0;
  let n = 0;
  let t = 0;
  let ok = false;
  // sender
  while (p < len && (b = data[p++]) !== COLON) {
    if (b < 0x30 || b > 0x39) break;
    sender = sender * 10 + (b - 0x30);
  }
  if (b === COLON) {
    while (p < len && (b = data[p++]) !== COLON) {
      if (b < 0x30 || b > 0x39) break;
      n = n * 10 + (b - 0x30);
    }
    if (b === COLON) {
      while (p < len && (b = data[p++]) !== DOT && b !== QUOTE) {
        if (b < 0x30 || b > 0x39) break;
        t = t * 10 + (b - 0x30);
      }
      if (b === DOT) {
        let scale = 0.1;
        while (p < len && (b = data[p++]) !== QUOTE) {
          if (b < 0x30 || b > 0x39) break;
          t += (b - 0x30) * scale;
          scale /= 10;
        }
      }
      ok = b === QUOTE;
    }
  }
  if (!ok) {
    // Not the plain shape (escapes, spaces): decode it properly.
    const parsed = slowParse(data);
    if (parsed === null) {
      unparsed++;
      return;
    }
    [sender, n, t] = parsed;
  }
  if (!measuring || n < stepFirstN) {
    stale++;
    return;
  }
  const latency = now - t;
  if (sender === index) {
    acks++;
    ackHist.add(latency);
  } else {
    delivered++;
    hist.add(latency);
  }
  lastDeliveryAt = now;
}

function slowParse(data) {
  try {
    const obj = JSON.parse(data.toString("utf8"));
    if (!obj || obj.type !== "message" || typeof obj.content !== "string") return null;
    const parts = obj.content.split(":");
    if (parts.length !== 3) return null;
    const nums = parts.map(Number);
    return nums.every(Number.isFinite) ? nums : null;
  } catch {
    return null;
  }
}

function markReady(index) {
  const c = clients[index];
  if (c.ready) return;
  c.ready = true;
  readyCount++;
  c.resolve();
}

function connectOne(index) {
  return new Promise((resolve, reject) => {
    clients[index] = opts.client === "ws"
      ? new WsClient(index, resolve, reject)
      : new RawClient(index, resolve, reject);
  });
}

// A client closed: by the server, or its connection failed.
function onClosed(c, code, err) {
  if (c.closed) return;
  c.closed = true;
  if (c.ready) {
    readyCount--;
    if (measuring) closedDuringStep++;
    closeCodes[code] = (closeCodes[code] || 0) + 1;
  } else {
    c.reject(err || new Error(`closed with ${code} before it was ready`));
  }
}

// The npm `ws` client (--client ws): simple and standard, but its receive
// path costs about twice what the raw client's does.
class WsClient {
  constructor(index, resolve, reject) {
    this.index = index;
    this.ready = false;
    this.closed = false;
    this.resolve = resolve;
    this.reject = reject;
    const url = `ws://${targetOf(index).host}${pathOf(index)}`;
    const ws = (this.ws = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: 30_000,
      localAddress: localAddressOf(index), // passed on to http.request
    }));
    ws.on("message", (data, isBinary) => onFrame(index, data, isBinary));
    ws.on("open", () => {
      if (!ROOMCAST) markReady(index);
    });
    ws.on("error", (err) => {
      if (!this.ready) onClosed(this, 1006, err);
    });
    ws.on("close", (code) => onClosed(this, code));
  }
  isOpen() {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }
  send(text) {
    this.ws.send(text);
  }
}

// The raw client (--client raw, the default): RFC 6455 over a plain TCP
// socket, just what the benchmark needs. The handshake is checked
// (101 and Sec-WebSocket-Accept); frames from the server are parsed straight
// out of one shared read buffer (net's `onread`, no stream machinery, no copy
// unless a frame spans two reads); pings are answered; frames we send are
// masked as the RFC requires. Fragmented messages are reassembled.
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// Shared by every raw socket: each read is handled completely before the next.
const READ_BUFFER = Buffer.allocUnsafe(1 << 18);
const HEAD_END = Buffer.from("\r\n\r\n");
let maskPool = Buffer.alloc(0);
let maskPos = 0;

function encodeFrame(opcode, payload) {
  const len = payload.length;
  const hdr = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(hdr + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) {
    out[1] = 0x80 | len;
  } else if (len < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  if (maskPos + 4 > maskPool.length) {
    maskPool = crypto.randomBytes(4096);
    maskPos = 0;
  }
  const m0 = maskPool[maskPos];
  const m1 = maskPool[maskPos + 1];
  const m2 = maskPool[maskPos + 2];
  const m3 = maskPool[maskPos + 3];
  maskPos += 4;
  out[hdr] = m0;
  out[hdr + 1] = m1;
  out[hdr + 2] = m2;
  out[hdr + 3] = m3;
  const mask = [m0, m1, m2, m3];
  const base = hdr + 4;
  for (let i = 0; i < len; i++) out[base + i] = payload[i] ^ mask[i & 3];
  return out;
}

class RawClient {
  constructor(index, resolve, reject) {
    this.index = index;
    this.ready = false;
    this.closed = false;
    this.open = false;
    this.resolve = resolve;
    this.reject = reject;
    this.head = null; // handshake response bytes so far
    this.pending = null; // the start of a frame that spans reads
    this.frag = null; // parts of a fragmented message
    this.fragBinary = false;
    this.key = crypto.randomBytes(16).toString("base64");
    const sock = (this.sock = net.connect({
      host: targetOf(index).hostname,
      port: targetOf(index).port,
      localAddress: localAddressOf(index),
      onread: { buffer: READ_BUFFER, callback: (n, buf) => this.onRead(n, buf) },
    }));
    sock.setNoDelay(true);
    sock.on("connect", () => {
      sock.write(
        `GET ${pathOf(this.index)} HTTP/1.1\r\nHost: ${targetOf(this.index).host}\r\n` +
          "Upgrade: websocket\r\n" +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${this.key}\r\n` +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    sock.on("error", (err) => onClosed(this, 1006, err));
    sock.on("close", () => onClosed(this, 1006));
    this.timer = setTimeout(() => {
      if (!this.open) this.fail(new Error("no handshake response within 30 s"));
    }, 30_000);
  }

  isOpen() {
    return this.open && !this.closed;
  }

  send(text) {
    this.sock.write(encodeFrame(0x1, Buffer.from(text)));
  }

  fail(err) {
    onClosed(this, 1006, err);
    this.sock.destroy();
  }

  onRead(n, buf) {
    if (this.closed) return;
    if (this.open) {
      this.parse(buf, 0, n);
      return;
    }
    const head = (this.head = this.head
      ? Buffer.concat([this.head, buf.subarray(0, n)])
      : Buffer.from(buf.subarray(0, n)));
    const end = head.indexOf(HEAD_END);
    if (end === -1) {
      if (head.length > 16384) this.fail(new Error("handshake response too long"));
      return;
    }
    const text = head.toString("latin1", 0, end);
    const accept = crypto.createHash("sha1").update(this.key + GUID).digest("base64");
    if (!/^HTTP\/1\.1 101 /.test(text)) {
      this.fail(new Error(`handshake refused: ${text.split("\r\n")[0]}`));
      return;
    }
    if (!new RegExp(`\r\nsec-websocket-accept: *${escapeRe(accept)}`, "i").test(text)) {
      this.fail(new Error("handshake: wrong Sec-WebSocket-Accept"));
      return;
    }
    clearTimeout(this.timer);
    this.open = true;
    this.head = null;
    if (!ROOMCAST) markReady(this.index);
    if (end + 4 < head.length) this.parse(head, end + 4, head.length);
  }

  parse(data, p, end) {
    if (this.pending !== null) {
      data = Buffer.concat([this.pending, data.subarray(p, end)]);
      p = 0;
      end = data.length;
      this.pending = null;
    }
    while (end - p >= 2) {
      const b0 = data[p];
      const b1 = data[p + 1];
      let len = b1 & 0x7f;
      let hdr = 2;
      if (len === 126) {
        if (end - p < 4) break;
        len = data.readUInt16BE(p + 2);
        hdr = 4;
      } else if (len === 127) {
        if (end - p < 10) break;
        len = Number(data.readBigUInt64BE(p + 2));
        hdr = 10;
      }
      if (b1 & 0x80) {
        this.fail(new Error("the server sent a masked frame"));
        return;
      }
      if (end - p < hdr + len) break;
      this.frame(b0, data, p + hdr, p + hdr + len);
      if (this.closed) return;
      p += hdr + len;
    }
    // A copy: data may be the shared read buffer.
    if (p < end) this.pending = Buffer.from(data.subarray(p, end));
  }

  frame(b0, data, start, end) {
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    if (opcode === 0x1 || opcode === 0x2) {
      if (fin) {
        onFrame(this.index, data.subarray(start, end), opcode === 0x2);
      } else {
        this.frag = [Buffer.from(data.subarray(start, end))];
        this.fragBinary = opcode === 0x2;
      }
    } else if (opcode === 0x0) {
      if (this.frag === null) return;
      this.frag.push(Buffer.from(data.subarray(start, end)));
      if (fin) {
        const whole = Buffer.concat(this.frag);
        this.frag = null;
        onFrame(this.index, whole, this.fragBinary);
      }
    } else if (opcode === 0x9) {
      this.sock.write(encodeFrame(0xa, Buffer.from(data.subarray(start, end))));
    } else if (opcode === 0x8) {
      const code = end - start >= 2 ? data.readUInt16BE(start) : 1005;
      this.sock.end(encodeFrame(0x8, Buffer.from(data.subarray(start, Math.min(end, start + 2)))));
      onClosed(this, code);
    }
  }
}

function escapeRe(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

async function connectAll() {
  let next = 0;
  async function worker() {
    while (next < opts.clients) {
      const index = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          await connectOne(index);
          break;
        } catch (err) {
          connectFailures++;
          if (attempt >= 3) throw new Error(`client ${index}: ${err.message}`);
          await sleep(200 * attempt);
        }
      }
    }
  }
  const workers = [];
  for (let i = 0; i < Math.min(opts.concurrency, opts.clients); i++) workers.push(worker());
  await Promise.all(workers);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitQuiet(capMs) {
  const start = performance.now();
  while (performance.now() - lastFrameAt < opts.quietMs) {
    if (performance.now() - start > capMs) return false;
    await sleep(50);
  }
  return true;
}

// ---- one step: paced senders, then the drain ---------------------------------

const LOOP_RESOLUTION_MS = 5;
const senders = [];
for (let j = 0; j < opts.senders; j++) senders.push(Math.floor((j * opts.clients) / opts.senders));
let nextN = 1;

async function run(rate, duration, grace) {
  // Reset the step's counters; frames of earlier steps (n < stepFirstN) are stale.
  hist = new Histogram();
  ackHist = new Histogram();
  delivered = acks = stale = otherFrames = unparsed = closedDuringStep = 0;
  for (const key of Object.keys(closeCodes)) delete closeCodes[key];
  stepFirstN = nextN;
  measuring = true;
  lastDeliveryAt = 0;

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();

  const total = Math.max(1, Math.round(rate * duration));
  const interval = 1000 / rate;
  let sent = 0;
  let skipped = 0;
  let expected = 0;
  let expectedAcks = 0;
  let maxLag = 0;
  let sumLag = 0;
  let k = 0;
  const t0 = performance.now();
  firstSendAt = t0;

  await new Promise((resolve) => {
    function tick() {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (k < due) {
        const lag = now - (t0 + k * interval);
        if (lag > maxLag) maxLag = lag;
        sumLag += lag;
        const s = senders[k % senders.length];
        k++;
        const c = clients[s];
        if (!c.isOpen()) {
          skipped++;
          continue;
        }
        const n = nextN++;
        const t = performance.now();
        c.send(`{"type":"message","content":"${s}:${n}:${t.toFixed(3)}"}`);
        sent++;
        expected += readyCount - 1;
        if (ROOMCAST) expectedAcks++;
      }
      if (k < total) {
        setTimeout(tick, Math.max(0, t0 + k * interval - performance.now()));
      } else {
        resolve();
      }
    }
    tick();
  });
  const sendEnd = performance.now();

  // Drain: every expected delivery, or the grace period.
  let drained = false;
  while (true) {
    if (delivered >= expected && acks >= expectedAcks) {
      drained = true;
      break;
    }
    if (performance.now() - sendEnd > grace * 1000) break;
    await sleep(5);
  }
  const end = performance.now();
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();

  const cpuS = (cpu.user + cpu.system) / 1e6;
  const wallS = (end - wall0) / 1000;
  const sendS = (sendEnd - t0) / 1000;
  // Deliveries per second: from the first send to the last delivery, so a
  // server that falls behind is charged for the time it took.
  const spanS = lastDeliveryAt > firstSendAt ? (lastDeliveryAt - firstSendAt) / 1000 : sendS;
  const lost = Math.max(0, expected - delivered) + Math.max(0, expectedAcks - acks);
  emit({
    event: "result",
    mode: opts.mode,
    client: opts.client,
    clients: opts.clients,
    connected: readyCount,
    senders: senders.length,
    rate,
    duration_s: round3(sendS),
    sent,
    skipped,
    expected,
    delivered,
    expected_acks: expectedAcks,
    acks,
    lost,
    drained,
    closed: closedDuringStep,
    close_codes: { ...closeCodes },
    stale,
    other_frames: otherFrames,
    unparsed,
    span_s: round3(spanS),
    offered_per_s: round3((rate * (opts.clients - 1))),
    delivered_per_s: round3(delivered / spanS),
    acks_per_s: round3(acks / spanS),
    p50_ms: hist.quantile(0.5),
    p90_ms: hist.quantile(0.9),
    p99_ms: hist.quantile(0.99),
    p999_ms: hist.quantile(0.999),
    max_ms: hist.total ? round3(hist.max) : null,
    mean_ms: hist.total ? round3(hist.sum / hist.total) : null,
    ack_p50_ms: ackHist.quantile(0.5),
    ack_p99_ms: ackHist.quantile(0.99),
    send_lag_max_ms: round3(maxLag),
    send_lag_mean_ms: round3(k ? sumLag / k : 0),
    cpu_s: round3(cpuS),
    cpu_user_s: round3(cpu.user / 1e6),
    cpu_sys_s: round3(cpu.system / 1e6),
    cpu_pct: round3((100 * cpuS) / wallS),
    wall_s: round3(wallS),
    // How late the generator's own event loop ran (timer lateness beyond its
    // 5 ms period): high values mean the generator itself was busy.
    event_loop_lag_p99_ms: round3(Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS)),
    event_loop_lag_max_ms: round3(Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS)),
    rss_mb: round3(process.memoryUsage.rss() / 1048576),
  });
}

// ---- main --------------------------------------------------------------------

async function main() {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const timer = setTimeout(() => {
    emit({ event: "error", error: `not every client was ready after ${opts.connectTimeout} s`,
           ready: readyCount });
    process.exit(1);
  }, opts.connectTimeout * 1000);
  try {
    await connectAll();
  } catch (err) {
    emit({ event: "error", error: err.message, ready: readyCount });
    process.exit(1);
  }
  const connectS = (performance.now() - t0) / 1000;
  const quiet = await waitQuiet(opts.connectTimeout * 1000 - (performance.now() - t0));
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpu0);
  emit({
    event: "ready",
    mode: opts.mode,
    client: opts.client,
    clients: opts.clients,
    rooms: opts.rooms,
    local_addresses: opts.localAddresses.length,
    ready: readyCount,
    connect_s: round3(connectS),
    settle_s: round3((performance.now() - t0) / 1000 - connectS),
    quiet,
    frames_while_connecting: otherFrames,
    connect_failures: connectFailures,
    cpu_s: round3((cpu.user + cpu.system) / 1e6),
    rss_mb: round3(process.memoryUsage.rss() / 1048576),
  });
  otherFrames = 0;

  const rl = readline.createInterface({ input: process.stdin });
  let busy = Promise.resolve();
  rl.on("line", (line) => {
    let cmd;
    try {
      cmd = JSON.parse(line);
    } catch {
      emit({ event: "error", error: `not JSON: ${line}` });
      return;
    }
    if (cmd.cmd === "quit") process.exit(0);
    if (cmd.cmd === "run") {
      busy = busy.then(() => run(Number(cmd.rate), Number(cmd.duration), Number(cmd.grace ?? 5)));
    }
  });
  rl.on("close", () => process.exit(0));
}

main();
