// Roomcast guest page: the DOM and the WebSocket around protocol.js.
//
// protocol.js decides (what to send, when to reconnect, what a frame
// changes); this module carries its commands out (run) and shows its events
// (show). User data is only ever put in the page with textContent and DOM
// APIs, never innerHTML. Hooks for tests: <html data-state>, and on each
// message row data-seq, data-id (our client id) and data-state.

import { RoomClient, SUBPROTOCOL, checkName, roomPath, socketUrl, splitLinks } from "./protocol.js";
import { lang, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const root = document.documentElement;
const list = $("messages");
const scroller = $("scroller");
const composer = $("composer");
const joinPanel = $("join-panel");
const nameInput = $("name");
const passwordInput = $("password");

const { room } = roomPath(location.pathname);
const NAME_KEY = "roomcast.name"; // localStorage: the name, for every room
const TOKEN_KEY = `roomcast.token.${room}`; // sessionStorage: keeps our name on reload
/** Pixels from the bottom that still count as "at the bottom". */
const NEAR = 48;
/** Announced messages kept in the live region. */
const LIVE_KEEP = 3;

const timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
const fullFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "medium" });

function storage(kind, key, value) {
  try {
    const s = globalThis[kind];
    if (value === undefined) return s.getItem(key);
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    // Storage disabled (private mode, a sandbox): the page works without it.
  }
  return null;
}

const saved = storage("localStorage", NAME_KEY);
const client = new RoomClient({
  name: saved && !checkName(saved) ? saved : null,
  token: storage("sessionStorage", TOKEN_KEY),
  emit: show,
});

// -- commands: the socket and the timer ---------------------------------------

let ws = null;
let timer = null;

function run(commands) {
  for (const c of commands) {
    if (c.type === "open") openSocket();
    else if (c.type === "send") {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(c.frame));
    } else if (c.type === "close") {
      if (ws) ws.close(c.code, c.reason);
    } else if (c.type === "wait") {
      clearTimeout(timer);
      timer = setTimeout(() => run(client.connect()), c.ms);
    } else if (c.type === "cancel") {
      clearTimeout(timer);
      timer = null;
    }
  }
}

function openSocket() {
  let socket;
  try {
    // PROTOCOL.md, Transport: same host and port, our subprotocol.
    socket = new WebSocket(socketUrl(location), [SUBPROTOCOL]);
  } catch {
    run(client.closed(1006, ""));
    return;
  }
  ws = socket;
  // Events of a socket we replaced are ignored.
  socket.onopen = () => ws === socket && run(client.opened());
  socket.onmessage = (ev) => {
    if (ws === socket && typeof ev.data === "string") run(client.receive(ev.data));
  };
  socket.onclose = (ev) => {
    if (ws !== socket) return;
    ws = null;
    run(client.closed(ev.code, ev.reason));
  };
}

// -- events: what the page shows ----------------------------------------------

function show(ev) {
  switch (ev.type) {
    case "status":
      return renderStatus();
    case "welcome":
      storage("sessionStorage", TOKEN_KEY, client.token);
      if (client.you) storage("localStorage", NAME_KEY, client.you);
      $("room").textContent = client.room || room;
      hideJoin();
      renderMembers();
      return renderHistoryControls();
    case "reset":
      // PROTOCOL.md, Epochs: what we showed belongs to a history that is gone.
      for (const li of [...list.children]) if (!isPending(li)) li.remove();
      notice(t("reset"));
      return renderHistoryControls();
    case "message":
      return onMessage(ev.message, ev.entry);
    case "history":
      return onHistory(ev.messages);
    case "outbox":
      return onOutbox(ev.entry);
    case "presence":
      renderMembers();
      return notice(t(ev.event === "join" ? "joined" : "left", { name: ev.name }));
    case "typing":
      return renderTyping();
    case "refused":
      return onRefused(ev);
    case "error": {
      const what = t(`err_${ev.code}`); // PROTOCOL.md, Error codes; a new one as it is
      return notice(t("errorLine", { what: what.startsWith("err_") ? ev.code : what, message: ev.message }), true);
    }
    case "notice":
      return notice(t(ev.key, ev.args), true);
  }
}

function renderStatus() {
  const s = client.state;
  root.dataset.state = s;
  let text;
  if (s === "connected") text = t("stConnected", { you: client.you });
  else if (s === "connecting") text = t("stConnecting");
  else if (s === "reconnecting") {
    const n = client.backoff.attempt;
    const left = client.retryAt === null ? null : Math.max(0, client.retryAt - client.now());
    text = left === null ? t("stReconnecting", { n }) : t("stReconnectingIn", { s: Math.ceil(left / 1000), n });
  } else text = t("stDisconnected");
  if (client.detail && s !== "connected") {
    text = t("stWhy", { status: text, why: t(client.detail.key, client.detail.args) });
  }
  if ($("status").textContent !== text) $("status").textContent = text;
  const waiting = (s === "reconnecting" && client.retryAt !== null) || (s === "disconnected" && joinPanel.hidden);
  $("reconnect").hidden = !waiting;
  renderHistoryControls();
}

function renderMembers() {
  const ul = $("members");
  ul.replaceChildren(
    ...client.members.map((name) => {
      const li = document.createElement("li");
      li.textContent = name === client.you ? t("you", { name }) : name;
      return li;
    }),
  );
  $("members-toggle").textContent = t("members", { count: client.members.length });
}

function renderTyping() {
  const names = client.typingNames();
  let text = "";
  if (names.length === 1) text = t("typing1", { name: names[0] });
  else if (names.length === 2) text = t("typing2", { first: names[0], second: names[1] });
  else if (names.length > 2) text = t("typingN", { count: names.length });
  const p = $("typing");
  if (p.textContent !== text) p.textContent = text;
}

function renderHistoryControls() {
  const joined = client.joined;
  $("beginning").hidden = !(joined && client.historyComplete);
  const older = $("older");
  older.hidden = !joined || client.historyComplete;
  older.disabled = client.historyPending || !client.ready;
  older.textContent = t(client.historyPending ? "loading" : "older");
}

// -- message rows -------------------------------------------------------------

const isPending = (li) => li.classList.contains("msg") && li.dataset.seq === undefined;

/** A row for a message (from the server, or our outbox entry not acknowledged yet). */
function row({ seq = null, ts = "", from, content, id = "", mine = false }) {
  const li = document.createElement("li");
  li.className = mine ? "msg mine" : "msg";
  if (seq !== null) li.dataset.seq = String(seq);
  if (mine && id) li.dataset.id = id;
  li.dataset.state = "sent";
  const meta = document.createElement("div");
  meta.className = "meta";
  const who = document.createElement("span");
  who.className = "from";
  who.textContent = from;
  meta.append(who);
  if (ts) meta.append(" ", stamp(ts));
  const text = document.createElement("p");
  text.className = "text";
  // Plain text; http(s) links as <a> made with DOM APIs.
  for (const part of splitLinks(content)) {
    if (!part.href) {
      text.append(part.text);
      continue;
    }
    const a = document.createElement("a");
    a.href = part.href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    a.textContent = part.text;
    text.append(a);
  }
  li.append(meta, text);
  return li;
}

/** The <time> of a message's server timestamp (PROTOCOL.md, message.ts). */
function stamp(ts) {
  const time = document.createElement("time");
  const date = new Date(ts);
  time.dateTime = ts;
  if (!Number.isNaN(date.getTime())) {
    time.textContent = timeFormat.format(date);
    time.title = fullFormat.format(date);
  }
  return time;
}

/** Put a row with `seq` in seq order: above rows with higher seqs and our
 * pending rows (which stay at the bottom), after notices that came before. */
function place(li, seq) {
  let before = null;
  for (let c = list.lastElementChild; c; c = c.previousElementSibling) {
    if (c === li) continue;
    if (c.dataset.seq !== undefined) {
      if (Number(c.dataset.seq) < seq) break;
      before = c;
    } else if (isPending(c) || (before && before.dataset.seq !== undefined)) before = c;
  }
  list.insertBefore(li, before);
}

/** Our outbox entry's state on its row (PROTOCOL.md, message.id: sending until
 * our copy comes back; failed with the error, and a Retry button). */
function setState(li, entry) {
  li.dataset.state = entry.state;
  li.querySelector(".state")?.remove();
  if (entry.state === "sent") return;
  const p = document.createElement("p");
  p.className = "state";
  p.textContent = entry.state === "sending" ? t("sending") : t("failed", { error: entry.error });
  if (entry.state === "failed") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "retry";
    b.textContent = t("retry");
    b.addEventListener("click", () => {
      run(client.retry(entry.id));
      composer.focus();
    });
    p.append(" ", b);
  }
  li.append(p);
}

function rowFor(id) {
  return [...list.querySelectorAll(".msg[data-id]")].find((li) => li.dataset.id === id);
}

function onOutbox(entry) {
  const stick = atBottom();
  let li = rowFor(entry.id);
  if (!li) {
    li = row({ from: client.you || client.name, content: entry.content, id: entry.id, mine: true });
    list.append(li);
  }
  setState(li, entry);
  if (stick || entry.state === "sending") toBottom();
}

function onMessage(m, entry) {
  const stick = atBottom();
  let li = entry ? rowFor(entry.id) : null;
  if (li) {
    li.dataset.seq = String(m.seq); // acknowledged: it takes its place by seq
    if (m.ts) li.querySelector(".meta").append(" ", stamp(m.ts));
    setState(li, entry);
  } else li = row(m);
  place(li, m.seq);
  if (!m.mine && client.replayLeft === 0) announce(t("live", { from: m.from, content: m.content }));
  if (stick) toBottom();
}

function onHistory(messages) {
  // Older messages go above: keep what is on screen where it is.
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  const first = !list.querySelector("[data-seq]");
  for (const m of messages) place(row(m), m.seq);
  renderHistoryControls();
  if (first) toBottom();
  else scroller.scrollTop = scroller.scrollHeight - fromBottom;
  // Not enough to scroll yet: fetch the next page.
  if (scroller.scrollHeight <= scroller.clientHeight) run(client.loadOlder());
}

function notice(text, announceIt = false) {
  const stick = atBottom();
  const li = document.createElement("li");
  li.className = "notice";
  li.textContent = text;
  list.insertBefore(li, [...list.children].find(isPending) ?? null); // above our pending rows
  if (announceIt) announce(text);
  if (stick) toBottom();
}

function announce(text) {
  const live = $("live");
  const p = document.createElement("p");
  p.textContent = text;
  live.append(p);
  while (live.childElementCount > LIVE_KEEP) live.firstElementChild.remove();
}

const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR;
const toBottom = () => {
  scroller.scrollTop = scroller.scrollHeight;
};

// -- joining: name and password -----------------------------------------------

function showJoin(error = "", needPassword = false) {
  $("join-heading").textContent = t("joinHeading", { room });
  if (needPassword) $("password-row").hidden = false;
  $("join-error").textContent = error;
  nameInput.value ||= client.name || storage("localStorage", NAME_KEY) || "";
  joinPanel.hidden = false;
  $("app").inert = true;
  renderStatus();
  (needPassword ? passwordInput : nameInput).focus();
}

function hideJoin() {
  if (joinPanel.hidden) return;
  joinPanel.hidden = true;
  $("app").inert = false;
  composer.focus();
}

function onRefused({ code, message, needPassword }) {
  let text;
  if (code === "unauthorized") {
    text = /wrong/i.test(message) ? t("wrongPassword") : /required|needs/i.test(message) ? t("passwordRequired") : t("refused", { reason: message });
    passwordInput.value = "";
  } else if (code === "name_taken") text = t("nameTaken");
  else text = t("nameRefused", { reason: message });
  showJoin(text, needPassword);
  if (code !== "unauthorized") nameInput.focus();
}

$("join-form").addEventListener("submit", (ev) => {
  ev.preventDefault(); // CSP form-action 'none': nothing is ever submitted
  const name = nameInput.value;
  const why = checkName(name);
  if (why) {
    $("join-error").textContent = t(why.key, why.args);
    nameInput.focus();
    return;
  }
  const password = $("password-row").hidden ? null : passwordInput.value;
  client.setCredentials(name, password);
  $("join-error").textContent = "";
  hideJoin();
  run(client.start());
});

$("change-name").addEventListener("click", () => {
  run(client.leave());
  showJoin();
  nameInput.select();
});

$("reconnect").addEventListener("click", () => run(client.start()));

// -- composing ----------------------------------------------------------------

function send() {
  const result = client.post(composer.value);
  $("compose-error").textContent = result.error ? t(result.error.key, result.error.args) : "";
  if (result.error) return;
  composer.value = "";
  grow();
  run(result.commands);
}

$("compose").addEventListener("submit", (ev) => {
  ev.preventDefault();
  send();
  composer.focus();
});

composer.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    send();
  }
});

function grow() {
  composer.style.height = "auto";
  composer.style.height = `${Math.min(composer.scrollHeight, 160)}px`;
}

composer.addEventListener("input", () => {
  grow();
  $("compose-error").textContent = "";
  if (composer.value) run(client.typing()); // PROTOCOL.md, typing: throttled
});

// -- scrolling, panels, viewport ----------------------------------------------

// Kept at the bottom while it is there, whatever changes its size (the
// keyboard, a status line that wraps, the composer growing).
let pinned = true;
new ResizeObserver(() => pinned && toBottom()).observe(scroller);

scroller.addEventListener("scroll", () => {
  pinned = atBottom();
  if (scroller.scrollTop < NEAR) loadOlder();
});

$("older").addEventListener("click", loadOlder);

/** PROTOCOL.md, history: scroll-back, the page before the oldest row. */
function loadOlder() {
  run(client.loadOlder());
  renderHistoryControls();
}

function toggleMembers(open) {
  $("members-panel").classList.toggle("open", open);
  $("members-toggle").setAttribute("aria-expanded", String(open));
}
$("members-toggle").addEventListener("click", () => toggleMembers(!$("members-panel").classList.contains("open")));
document.addEventListener("keydown", (ev) => ev.key === "Escape" && toggleMembers(false));

// The on-screen keyboard shrinks the visual viewport: size the page to it, so
// that the composer stays above the keyboard (100dvh where this is missing).
const vv = window.visualViewport;
if (vv) {
  const fit = () => {
    root.style.setProperty("--vh", `${vv.height}px`);
    root.style.setProperty("--vt", `${vv.offsetTop}px`);
  };
  vv.addEventListener("resize", fit);
  vv.addEventListener("scroll", fit);
  fit();
}

// Back online: no need to wait out the backoff.
window.addEventListener("online", () => {
  if (client.state === "reconnecting" && client.retryAt !== null) run(client.connect());
});

// The countdown in the status and the typing line run out with time.
setInterval(() => {
  if (client.state === "reconnecting") renderStatus();
  if (client.typingUntil.size) renderTyping();
}, 1000);

// -- start --------------------------------------------------------------------

root.lang = lang;
document.title = `${room} — ${t("title")}`;
$("room").textContent = room;
for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
renderMembers();

// A remembered name joins at once; otherwise ask for one.
if (client.name) run(client.start());
else showJoin();
renderStatus();
