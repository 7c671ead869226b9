// Roomcast guest page: the client state machine, without DOM or sockets.
//
// The same rules as desktop/client.py, as a sans-I/O object: app.js tells a
// RoomClient what happened (the socket opened, a frame arrived, it closed,
// the person posted or typed) and gets back a list of commands to carry out:
//   {type: "open"}                 open a WebSocket (socketUrl, SUBPROTOCOL)
//   {type: "send", frame}          send JSON.stringify(frame) as a text frame
//   {type: "close", code, reason}  close the socket
//   {type: "wait", ms}             call connect() again after ms
//   {type: "cancel"}               forget a pending wait
// What the page should show arrives through the `emit` callback as events
// (status, welcome, reset, message, history, outbox, presence, typing,
// refused, error, notice); details are i18n keys {key, args} (i18n.js).
//
// The rules (PROTOCOL.md sections in brackets):
// * Join with hello: name, password, token; after a first welcome also
//   since (the highest seq seen) and epoch (the welcome.epoch it belongs
//   to) [Client -> server; Epochs; Delivery promise].
// * A welcome that says reset, or names another epoch, drops every seq we
//   had: the replay that follows is the room's history now [Epochs].
// * Messages go through an outbox: each gets a client id and stays
//   "sending" until the server's copy with that id (its acknowledgement)
//   comes back; an error whose ref is its id marks it "failed"; retry()
//   sends it again with the same id. After a reconnect, once the welcome and
//   its replay are in, what is still "sending" is resent with the same id,
//   which the server's idempotency on id makes exactly-once [message.id;
//   Delivery promise].
// * A message whose seq we already have is ignored [Order and scope].
// * Reconnect with backoff: attempt n waits min(30 s, 1 s * 2^(n-1)) times a
//   jitter in [0.5, 1.0); a connection that stayed up 10 s starts over at 1 s.
//   1012 reconnects at once (once); 1000 and 1008 do not reconnect
//   [Close codes]. A page that never got a socket open gives up after
//   NEVER_CONNECTED_ATTEMPTS (a 403 or 404 will not change).

/** PROTOCOL.md, Transport: the subprotocol our clients offer. */
export const SUBPROTOCOL = "roomcast.v1";
/** hello.client: free text (PROTOCOL.md, hello). */
export const CLIENT_NAME = "roomcast-web/1.1";
/** PROTOCOL.md, hello.name: 1-32 characters (of the NFC form, Names). */
export const MAX_NAME_CHARS = 32;
/** PROTOCOL.md, message.content: 1-16,384 code points. */
export const MAX_CONTENT_CHARS = 16384;
/** Messages asked for per history request (PROTOCOL.md, history: 1-200). */
export const HISTORY_PAGE = 50;
/** At most one typing hint per this many ms (desktop/main_window.py TYPING_EVERY). */
export const TYPING_EVERY = 3000;
/** "X is typing…" lasts this long unless renewed (desktop/rooms.py TYPING_SHOWN). */
export const TYPING_SHOWN = 5000;
/** Backoff (desktop/client.py Backoff): first wait, cap, and the time a
 * connection must stay up before the next drop starts over. */
export const BACKOFF_INITIAL = 1000;
export const BACKOFF_MAX = 30000;
export const STABLE_AFTER = 10000;
/** Failed attempts, never having opened a socket, before giving up. */
export const NEVER_CONNECTED_ATTEMPTS = 4;

/** Errors that refuse a join (before a welcome): the person must change the
 * name or password (PROTOCOL.md, Joining, Names, Error codes). */
const REFUSALS = new Set(["unauthorized", "name_taken", "invalid_frame"]);

/** PROTOCOL.md, Transport: "/" is the lobby, "/r/NAME" the room NAME. */
const ROOM_PATH = /^\/r\/([A-Za-z0-9_.-]{1,64})\/?$/;

/** The room of a page path and the WebSocket path that joins it. */
export function roomPath(pathname) {
  const m = ROOM_PATH.exec(pathname);
  return m ? { room: m[1], path: `/r/${m[1]}` } : { room: "lobby", path: "/" };
}

/** The WebSocket URL for the page at `loc` (window.location): same host and
 * port, wss: under https:, the room's path (PROTOCOL.md, Transport). */
export function socketUrl(loc) {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${loc.host}${roomPath(loc.pathname).path}`;
}

/** Length in code points, as the server counts (PROTOCOL.md, message.content). */
export function codePoints(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

// PROTOCOL.md, Names (server/names.py check_name): no control, bidi-control,
// zero-width or other invisible characters. The server has the last word.
const NAME_REFUSED =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/u;

/** Why `name` cannot be sent in hello, as {key, args}; null when it can. */
export function checkName(name) {
  const nfc = name.normalize("NFC");
  const n = codePoints(nfc);
  if (n < 1 || n > MAX_NAME_CHARS) return { key: "nameLength", args: { max: MAX_NAME_CHARS } };
  if (nfc !== nfc.trim()) return { key: "nameSpaces", args: {} };
  if (NAME_REFUSED.test(nfc)) return { key: "nameInvisible", args: {} };
  return null;
}

// http(s) URLs in plain text. Trailing punctuation is the sentence's, not the
// link's; a ")" is kept when the URL opened one (Wikipedia links).
const URL_RE = /\bhttps?:\/\/[^\s<>"]+/giu;
const TRAILING = /[.,;:!?'"\])}>]+$/u;

/** Split text into [{text}, {text, href}, ...] for rendering with DOM APIs. */
export function splitLinks(text) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    const tail = TRAILING.exec(url);
    if (tail) {
      let cut = tail[0];
      // keep ")" while the URL has more "(" than ")"
      while (cut.startsWith(")") && count(url, "(") > count(url.slice(0, -cut.length), ")")) {
        cut = cut.slice(1);
      }
      url = url.slice(0, url.length - cut.length);
    }
    let href = null;
    try {
      const u = new URL(url);
      if (u.protocol === "http:" || u.protocol === "https:") href = u.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ text: url, href });
    last = m.index + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

function count(text, ch) {
  return text.split(ch).length - 1;
}

/** Why a connection ended (PROTOCOL.md, Close codes), like desktop/client.py
 * describe_close: {key, args, final (do not reconnect), immediate (1012)}.
 * `code` is 1006 when no close frame arrived. */
export function describeClose(code, reason) {
  const r = { args: { code, reason }, final: false, immediate: false };
  if (code === 1006 || code === 1005 || code == null) return { ...r, key: "closeLost" };
  if (code === 1008) return { ...r, key: reason ? "closePolicy" : "closePolicyBare", final: true };
  if (code === 1000) return { ...r, key: reason ? "closeNormal" : "closeNormalBare", final: true };
  if (code === 1001) {
    if (reason === "host stopped hosting") return { ...r, key: "closeHostStopped" };
    return { ...r, key: reason ? "closeShutdown" : "closeShutdownBare" };
  }
  if (code === 1012) return { ...r, key: "closeRestart", immediate: true };
  if (code === 1013) return { ...r, key: "closeOverloaded" };
  return { ...r, key: reason ? "closeOther" : "closeOtherBare" };
}

/** Exponential backoff with jitter: attempt n waits
 * min(max, initial * 2^(n-1)) * uniform(0.5, 1.0) ms. */
export class Backoff {
  constructor({ initial = BACKOFF_INITIAL, max = BACKOFF_MAX, random = Math.random } = {}) {
    this.initial = initial;
    this.max = max;
    this.random = random;
    this.attempt = 0;
  }

  next() {
    this.attempt += 1;
    const base = Math.min(this.max, this.initial * 2 ** Math.min(this.attempt - 1, 30));
    return base * (0.5 + 0.5 * this.random());
  }

  reset() {
    this.attempt = 0;
  }
}

/** A client message id: "w-" and 16 random hex digits (≤ 64, PROTOCOL.md). */
export function newClientId() {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return "w-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const isInt = (v) => Number.isInteger(v);
const isStr = (v) => typeof v === "string";

/** A server `message` object with the fields we rely on, or null. */
function asMessage(f) {
  if (!f || !isInt(f.seq) || !isStr(f.from) || !isStr(f.content)) return null;
  return { seq: f.seq, ts: isStr(f.ts) ? f.ts : "", from: f.from, content: f.content, id: isStr(f.id) ? f.id : "" };
}

/**
 * One room's connection state. State: "disconnected" | "connecting" |
 * "connected" | "reconnecting" (exposed as document.documentElement.dataset.state).
 */
export class RoomClient {
  constructor({
    name = null,
    password = null,
    token = null,
    emit = () => {},
    now = () => Date.now(),
    random = Math.random,
    newId = newClientId,
  } = {}) {
    this.name = name;
    this.password = password;
    this.token = token;
    this.emit = emit;
    this.now = now;
    this.newId = newId;
    this.backoff = new Backoff({ random });

    // Status (what #status shows).
    this.state = "disconnected";
    this.detail = null; // {key, args}: why we are (re)connecting or disconnected
    this.retryAt = null; // when the next attempt starts (now() ms), while waiting
    this.room = null;
    this.you = null;
    this.members = [];

    // The room, across connections (PROTOCOL.md, Delivery promise, Epochs).
    this.joined = false; // a welcome came once: later hellos resume
    this.lastSeq = 0;
    this.epoch = "";
    this.seen = new Set(); // seqs shown: duplicates are ignored
    this.oldest = null; // the lowest seq shown (history before it)
    this.historyComplete = false;
    this.historyPending = false;

    /** Our messages not acknowledged yet, by client id: {id, content, state, error, seq}. */
    this.outbox = new Map();

    // This connection.
    this.open = false; // the socket is open
    this.ready = false; // welcome and replay done: posts go out now
    this.replayLeft = 0;
    this.sinceSent = null;
    this.refusal = null; // {code, message}: a refused join, not retried
    this.stopped = false; // the person left: no reconnect
    this.welcomedAt = null;
    this.everOpened = false;
    this.failedAttempts = 0;
    this.quick = false; // an immediate 1012 reconnect was used

    this.typingUntil = new Map(); // name -> now() ms the hint runs out
    this.lastTyping = -Infinity;
  }

  // -- lifecycle -------------------------------------------------------------

  /** Start (or restart) connecting; from a wait, a retry button or a new name. */
  connect() {
    const again = this.state === "reconnecting";
    this.stopped = false;
    this.refusal = null;
    this.retryAt = null;
    this.setStatus(again ? "reconnecting" : "connecting", again ? this.detail : null);
    return [{ type: "cancel" }, { type: "open" }];
  }

  /** A fresh start by the person (Join, Reconnect): a full backoff again. */
  start() {
    this.backoff.reset();
    this.failedAttempts = 0;
    this.everOpened = false;
    this.quick = false;
    this.state = "connecting";
    return this.connect();
  }

  /** The socket is open: join (PROTOCOL.md, Joining). */
  opened() {
    this.open = true;
    this.everOpened = true;
    return [{ type: "send", frame: this.hello() }];
  }

  /** The hello for this attempt: since and epoch only once we have joined. */
  hello() {
    this.sinceSent = this.joined ? this.lastSeq : null;
    const frame = { type: "hello", client: CLIENT_NAME };
    if (this.name) frame.name = this.name;
    if (this.password != null) frame.password = this.password;
    if (this.token) frame.token = this.token;
    if (this.sinceSent !== null) {
      frame.since = this.sinceSent;
      if (this.epoch) frame.epoch = this.epoch;
    }
    return frame;
  }

  /** The name and password for the next hello. Another name drops the token,
   * which reclaims only the name it was given for (PROTOCOL.md, hello). */
  setCredentials(name, password = null) {
    if (name !== this.name) this.token = null;
    this.name = name;
    this.password = password;
  }

  /** The person leaves (to change the name): close, do not reconnect. */
  leave() {
    this.stopped = true;
    this.dropConnection(); // its close event is not waited for
    this.setStatus("disconnected", null);
    return [{ type: "cancel" }, { type: "close", code: 1000, reason: "leaving" }];
  }

  /** The socket closed (or never opened: code 1006). What next? */
  closed(code, reason = "") {
    const lasted = this.welcomedAt === null ? null : this.now() - this.welcomedAt;
    this.dropConnection();
    if (this.stopped) return [];
    const why = describeClose(code, reason);
    if (this.refusal) {
      this.setStatus("disconnected", { key: "refused", args: { reason: this.refusal.message } });
      return [];
    }
    if (why.final) {
      this.setStatus("disconnected", why);
      return [];
    }
    if (!this.everOpened) {
      this.failedAttempts += 1;
      if (this.failedAttempts >= NEVER_CONNECTED_ATTEMPTS) {
        this.setStatus("disconnected", { key: "unreachable", args: {} });
        return [];
      }
    }
    if (lasted !== null && lasted >= STABLE_AFTER) {
      this.backoff.reset();
      this.quick = false;
    }
    if (why.immediate && lasted !== null && !this.quick) {
      // PROTOCOL.md, Close codes: 1012 asks us back now, to resume and get
      // the reset (Epochs). Once; a server that keeps doing it is waited for.
      this.quick = true;
      this.setStatus("reconnecting", why);
      return [{ type: "open" }];
    }
    const ms = this.backoff.next();
    this.retryAt = this.now() + ms;
    this.setStatus("reconnecting", why);
    return [{ type: "wait", ms }];
  }

  // -- frames ----------------------------------------------------------------

  /** A text frame arrived. Returns the commands it calls for. */
  receive(text) {
    let f;
    try {
      f = JSON.parse(text);
    } catch {
      f = null;
    }
    if (!f || typeof f !== "object" || Array.isArray(f)) {
      this.emit({ type: "notice", key: "badFrame", args: { text: String(text).slice(0, 200) } });
      return [];
    }
    switch (f.type) {
      case "welcome":
        return this.onWelcome(f);
      case "message":
        return this.onMessage(f);
      case "history":
        return this.onHistory(f);
      case "presence":
        return this.onPresence(f);
      case "typing":
        if (isStr(f.from)) {
          this.typingUntil.set(f.from, this.now() + TYPING_SHOWN);
          this.emit({ type: "typing" });
        }
        return [];
      case "error":
        return this.onError(f);
      default:
        return []; // unknown types are ignored (a newer server)
    }
  }

  onWelcome(w) {
    const out = [];
    this.token = isStr(w.token) ? w.token : this.token;
    this.you = isStr(w.you) ? w.you : this.name;
    this.room = isStr(w.room) ? w.room : this.room;
    this.members = Array.isArray(w.members) ? w.members.filter(isStr) : [];
    const epoch = isStr(w.epoch) ? w.epoch : "";
    // PROTOCOL.md, Epochs: the history our seqs belong to is gone.
    const reset = w.reset === true || Boolean(this.epoch && epoch && epoch !== this.epoch);
    this.epoch = epoch;
    const seq = isInt(w.seq) ? w.seq : 0;
    if (reset) {
      this.lastSeq = 0;
      this.seen.clear();
      this.oldest = null;
      this.historyComplete = false;
      this.emit({ type: "reset" });
    }
    const resumed = this.sinceSent !== null;
    if (!resumed) {
      // Every later message is above welcome.seq (Order and scope): a
      // resume after this asks from here, even for an empty room.
      this.lastSeq = Math.max(this.lastSeq, seq);
    }
    this.joined = true;
    this.welcomedAt = this.now();
    this.replayLeft = isInt(w.replay) && w.replay > 0 ? w.replay : 0;
    if (!resumed && this.oldest === null) {
      // History on join (PROTOCOL.md, history): the page before what comes next.
      if (seq > 0) out.push(...this.requestHistory(seq + 1));
      else this.historyComplete = true;
    }
    this.setStatus("connected", null);
    this.emit({ type: "welcome", welcome: w, resumed, reset });
    if (w.truncated === true) this.emit({ type: "notice", key: "truncated", args: {} });
    if (this.replayLeft === 0) out.push(...this.becomeReady());
    return out;
  }

  onMessage(f) {
    const m = asMessage(f);
    if (!m) return [];
    const entry = m.id ? this.outbox.get(m.id) : undefined;
    if (entry) {
      // Our copy: the acknowledgement (PROTOCOL.md, message).
      this.outbox.delete(m.id);
      entry.state = "sent";
      entry.error = null;
      entry.seq = m.seq;
    }
    const fresh = m.seq > this.lastSeq && !this.seen.has(m.seq);
    this.lastSeq = Math.max(this.lastSeq, m.seq);
    const out = [];
    if (fresh) {
      this.seen.add(m.seq);
      if (this.oldest === null) this.oldest = m.seq;
      if (this.typingUntil.delete(m.from)) this.emit({ type: "typing" });
      m.mine = Boolean(entry) || m.from === this.you;
      this.emit({ type: "message", message: m, entry: entry ?? null });
    } else if (entry) {
      this.emit({ type: "outbox", entry }); // acknowledged by a copy we already show
    }
    if (this.replayLeft > 0) {
      this.replayLeft -= 1;
      if (this.replayLeft === 0) out.push(...this.becomeReady());
    }
    return out;
  }

  onHistory(f) {
    this.historyPending = false;
    const list = Array.isArray(f.messages) ? f.messages.map(asMessage).filter(Boolean) : [];
    const fresh = list.filter((m) => !this.seen.has(m.seq) && m.seq <= this.lastSeq);
    for (const m of fresh) {
      this.seen.add(m.seq);
      if (this.oldest === null || m.seq < this.oldest) this.oldest = m.seq;
    }
    // Nothing new (a page of seqs we have) would be asked for again and again.
    this.historyComplete = f.complete === true || fresh.length === 0 || this.oldest === 1;
    for (const m of fresh) m.mine = m.from === this.you;
    this.emit({ type: "history", messages: fresh, complete: this.historyComplete });
    return [];
  }

  onPresence(f) {
    if (!isStr(f.name) || (f.event !== "join" && f.event !== "leave")) return [];
    this.members = this.members.filter((n) => n !== f.name);
    if (f.event === "join") this.members.push(f.name);
    else if (this.typingUntil.delete(f.name)) this.emit({ type: "typing" });
    this.emit({ type: "presence", event: f.event, name: f.name, count: f.count });
    return [];
  }

  onError(f) {
    const code = isStr(f.code) ? f.code : "internal";
    const message = isStr(f.message) ? f.message : "";
    const ref = isStr(f.ref) ? f.ref : null;
    const entry = ref ? this.outbox.get(ref) : undefined;
    if (entry && entry.state === "sending") {
      this.mark(entry, "failed", message || code);
      return [];
    }
    if (this.welcomedAt === null && REFUSALS.has(code)) {
      // A refused join (wrong password, name taken, bad name): not retried by
      // itself; the person corrects it. name_taken leaves the socket open
      // (PROTOCOL.md, hello), so we close it.
      this.refusal = { code, message };
      this.emit({ type: "refused", code, message, needPassword: code === "unauthorized" });
      return [{ type: "close", code: 1000, reason: "refused" }];
    }
    this.emit({ type: "error", code, message, ref });
    return [];
  }

  /** PROTOCOL.md, Delivery promise: after welcome and replay, resend what is pending. */
  becomeReady() {
    this.ready = true;
    const out = [];
    for (const entry of this.outbox.values()) {
      if (entry.state === "sending") out.push(this.postFrame(entry));
    }
    return out;
  }

  // -- the person's actions --------------------------------------------------

  /** Post a message: {entry, commands}, or {error: {key, args}} when it cannot be sent. */
  post(content) {
    if (!content.trim()) return { error: { key: "empty", args: {} } };
    if (codePoints(content) > MAX_CONTENT_CHARS) {
      return { error: { key: "tooLong", args: { max: MAX_CONTENT_CHARS } } };
    }
    const entry = { id: this.newId(), content, state: "sending", error: null, seq: null };
    this.outbox.set(entry.id, entry);
    this.emit({ type: "outbox", entry });
    return { entry, commands: this.ready ? [this.postFrame(entry)] : [] };
  }

  /** Send a failed message again, with the same id (PROTOCOL.md, message.id). */
  retry(id) {
    const entry = this.outbox.get(id);
    if (!entry || entry.state !== "failed") return [];
    this.mark(entry, "sending", null);
    return this.ready ? [this.postFrame(entry)] : [];
  }

  /** The person typed: a typing hint, at most every TYPING_EVERY ms. */
  typing() {
    if (!this.ready) return [];
    const t = this.now();
    if (t - this.lastTyping < TYPING_EVERY) return [];
    this.lastTyping = t;
    return [{ type: "send", frame: { type: "typing" } }];
  }

  /** Scrolled to the top: ask for the page before the oldest message shown. */
  loadOlder() {
    if (!this.ready || this.historyPending || this.historyComplete) return [];
    if (this.oldest === null) return this.requestHistory(this.lastSeq + 1);
    if (this.oldest <= 1) {
      this.historyComplete = true;
      return [];
    }
    return this.requestHistory(this.oldest);
  }

  requestHistory(before) {
    this.historyPending = true;
    return [{ type: "send", frame: { type: "history", before, limit: HISTORY_PAGE } }];
  }

  /** Who is typing now, in the order they started. */
  typingNames() {
    const t = this.now();
    for (const [name, until] of this.typingUntil) if (until <= t) this.typingUntil.delete(name);
    return [...this.typingUntil.keys()];
  }

  // -- internals -------------------------------------------------------------

  /** This connection is over (what outlives it is the room's, above). */
  dropConnection() {
    this.open = this.ready = false;
    this.replayLeft = 0;
    this.welcomedAt = null;
    this.historyPending = false;
  }

  postFrame(entry) {
    return { type: "send", frame: { type: "message", content: entry.content, id: entry.id } };
  }

  mark(entry, state, error) {
    entry.state = state;
    entry.error = error;
    this.emit({ type: "outbox", entry });
  }

  setStatus(state, detail) {
    this.state = state;
    this.detail = detail;
    if (state !== "reconnecting") this.retryAt = null;
    this.emit({ type: "status" });
  }
}
