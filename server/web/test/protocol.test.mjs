// Tests for server/web/protocol.js (and i18n.js): `node --test server/web/test/`.
// The client is driven as app.js drives it: frames in, commands out.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BACKOFF_MAX,
  Backoff,
  HISTORY_PAGE,
  MAX_CONTENT_CHARS,
  NEVER_CONNECTED_ATTEMPTS,
  RoomClient,
  STABLE_AFTER,
  TYPING_EVERY,
  TYPING_SHOWN,
  checkName,
  describeClose,
  newClientId,
  roomPath,
  socketUrl,
  splitLinks,
} from "../protocol.js";
import { STRINGS, pickLanguage, t } from "../i18n.js";

// -- helpers ------------------------------------------------------------------

/** A client with a settable clock, fixed jitter, numbered ids and a log of events. */
function make(options = {}) {
  const clock = { now: 0 };
  const events = [];
  let n = 0;
  const client = new RoomClient({
    name: "alice",
    now: () => clock.now,
    random: () => 0.5,
    newId: () => `w-${++n}`,
    emit: (e) => events.push(e),
    ...options,
  });
  return { client, clock, events };
}

const sent = (commands) => commands.filter((c) => c.type === "send").map((c) => c.frame);
const frame = (obj) => JSON.stringify(obj);
const welcome = (extra = {}) =>
  frame({
    type: "welcome",
    room: "lobby",
    you: "alice",
    token: "tok-1",
    members: ["alice"],
    seq: 0,
    replay: 0,
    truncated: false,
    epoch: "e1",
    reset: false,
    server: "test",
    ...extra,
  });
const message = (seq, extra = {}) =>
  frame({ type: "message", seq, ts: "2026-01-01T00:00:00.000Z", from: "bob", content: `m${seq}`, id: `s-${seq}`, ...extra });

/** Connect, open, and answer the hello with a welcome; returns the hello sent. */
function join(client, welcomeExtra = {}) {
  client.start();
  const [hello] = sent(client.opened());
  const commands = client.receive(welcome(welcomeExtra));
  return { hello, commands };
}

/** The socket closes (1006) and the client reconnects; returns the hello. */
function reconnect(client, code = 1006) {
  client.closed(code, "");
  client.connect();
  return sent(client.opened())[0];
}

// -- hello: first join and resume (PROTOCOL.md, hello; Epochs) -----------------

test("the first hello has name, password and client, no since/epoch", () => {
  const { client } = make({ password: "pw" });
  const commands = client.start();
  assert.deepEqual(commands, [{ type: "cancel" }, { type: "open" }]);
  assert.equal(client.state, "connecting");
  const [hello] = sent(client.opened());
  assert.equal(hello.type, "hello");
  assert.equal(hello.name, "alice");
  assert.equal(hello.password, "pw");
  assert.ok(hello.client.startsWith("roomcast-web/"));
  assert.equal("since" in hello, false);
  assert.equal("epoch" in hello, false);
  assert.equal("token" in hello, false);
});

test("a resume sends since (the highest seq), epoch and token", () => {
  const { client } = make();
  join(client, { seq: 4, epoch: "e1", token: "tok-9" });
  client.receive(message(5));
  client.receive(message(6));
  const hello = reconnect(client);
  assert.equal(hello.since, 6);
  assert.equal(hello.epoch, "e1");
  assert.equal(hello.token, "tok-9");
  assert.equal(hello.name, "alice");
});

test("after joining an empty room, a resume asks since 0", () => {
  const { client } = make();
  join(client, { seq: 0 });
  assert.equal(reconnect(client).since, 0);
});

test("another name drops the token; the same name keeps it", () => {
  const { client } = make();
  join(client, { token: "tok-1" });
  client.setCredentials("alice", null);
  assert.equal(client.token, "tok-1");
  client.setCredentials("carol", null);
  assert.equal(client.token, null);
});

// -- outbox: ids, acknowledgement, exactly once (PROTOCOL.md, message.id) -----

test("a post gets a client id, is sent when ready and acknowledged by its copy", () => {
  const { client, events } = make();
  join(client);
  const { entry, commands } = client.post("hello");
  assert.equal(entry.id, "w-1");
  assert.equal(entry.state, "sending");
  assert.deepEqual(sent(commands), [{ type: "message", content: "hello", id: "w-1" }]);
  client.receive(message(1, { from: "alice", content: "hello", id: "w-1" }));
  assert.equal(entry.state, "sent");
  assert.equal(entry.seq, 1);
  assert.equal(client.outbox.size, 0);
  const shown = events.filter((e) => e.type === "message");
  assert.equal(shown.length, 1);
  assert.equal(shown[0].entry, entry);
  assert.equal(shown[0].message.mine, true);
});

test("a post while disconnected waits, and goes out once after the welcome", () => {
  const { client } = make();
  client.start();
  const { entry, commands } = client.post("queued");
  assert.deepEqual(sent(commands), []);
  client.opened();
  const after = sent(client.receive(welcome()));
  assert.deepEqual(after, [{ type: "message", content: "queued", id: entry.id }]);
});

test("pending messages are resent once, with the same id, after the replay", () => {
  const { client } = make();
  join(client, { seq: 2 });
  const a = client.post("a").entry;
  const b = client.post("b").entry;
  const posts = (commands) => sent(commands).filter((f) => f.type === "message");
  // The drop: neither acknowledged. The server had stored "a" (seq 4).
  client.closed(1006, "");
  client.connect();
  const [hello] = sent(client.opened());
  assert.equal(hello.since, 2);
  // Nothing is resent before the replay is in (its copies are our acks).
  assert.deepEqual(posts(client.receive(welcome({ seq: 4, replay: 2 }))), []);
  assert.deepEqual(posts(client.receive(message(3, { from: "bob" }))), []);
  const resent = posts(client.receive(message(4, { from: "alice", content: "a", id: a.id })));
  assert.equal(a.state, "sent");
  assert.deepEqual(resent, [{ type: "message", content: "b", id: b.id }]);
  // A second drop before b's ack: b again with the same id; a never again.
  client.closed(1006, "");
  client.connect();
  client.opened();
  assert.deepEqual(posts(client.receive(welcome({ seq: 4 }))), [{ type: "message", content: "b", id: b.id }]);
  client.receive(message(5, { from: "alice", content: "b", id: b.id }));
  assert.equal(b.state, "sent");
  assert.equal(client.outbox.size, 0);
  // A third connection resends nothing.
  client.closed(1006, "");
  client.connect();
  client.opened();
  assert.deepEqual(posts(client.receive(welcome({ seq: 5 }))), []);
});

test("a message whose seq we have is ignored (PROTOCOL.md, Order and scope)", () => {
  const { client, events } = make();
  join(client, { seq: 0 });
  client.receive(message(1));
  client.receive(message(2));
  client.receive(message(2));
  client.receive(message(1));
  const seqs = events.filter((e) => e.type === "message").map((e) => e.message.seq);
  assert.deepEqual(seqs, [1, 2]);
  assert.equal(client.lastSeq, 2);
});

test("an error whose ref is a pending id marks it failed; retry sends the same id", () => {
  const { client, events } = make();
  join(client);
  const { entry } = client.post("too fast");
  const out = client.receive(frame({ type: "error", code: "rate_limited", message: "slow down", ref: entry.id }));
  assert.deepEqual(out, []);
  assert.equal(entry.state, "failed");
  assert.equal(entry.error, "slow down");
  assert.ok(events.some((e) => e.type === "outbox" && e.entry === entry));
  assert.equal(events.some((e) => e.type === "error"), false); // shown on its row
  const again = client.retry(entry.id);
  assert.equal(entry.state, "sending");
  assert.deepEqual(sent(again), [{ type: "message", content: "too fast", id: entry.id }]);
  // Retrying what is not failed does nothing.
  assert.deepEqual(client.retry(entry.id), []);
  assert.deepEqual(client.retry("w-unknown"), []);
});

test("a failed message retried while disconnected is sent after the welcome", () => {
  const { client } = make();
  join(client);
  const { entry } = client.post("x");
  client.receive(frame({ type: "error", code: "too_large", message: "no", ref: entry.id }));
  client.closed(1006, "");
  assert.deepEqual(client.retry(entry.id), []);
  client.connect();
  client.opened();
  assert.deepEqual(sent(client.receive(welcome())), [{ type: "message", content: "x", id: entry.id }]);
});

test("other error frames are reported", () => {
  const { client, events } = make();
  join(client);
  client.receive(frame({ type: "error", code: "invalid_frame", message: "bad" }));
  assert.deepEqual(events.at(-1), { type: "error", code: "invalid_frame", message: "bad", ref: null });
});

test("empty and too long posts are refused before the outbox", () => {
  const { client } = make();
  assert.deepEqual(client.post("  \n").error.key, "empty");
  assert.equal(client.post("x".repeat(MAX_CONTENT_CHARS + 1)).error.key, "tooLong");
  // Code points, not UTF-16 units: 16,384 emoji are fine.
  assert.ok(client.post("😀".repeat(MAX_CONTENT_CHARS)).entry);
  assert.equal(client.outbox.size, 1);
});

test("client ids are unique and at most 64 characters", () => {
  const ids = new Set(Array.from({ length: 100 }, newClientId));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.ok(id.length <= 64);
});

// -- reset (PROTOCOL.md, Epochs) ---------------------------------------------

test("welcome.reset drops our seqs; the replay from 1 is shown again", () => {
  const { client, events } = make();
  join(client, { seq: 0, epoch: "e1" });
  client.receive(message(1));
  client.receive(message(2));
  const hello = reconnect(client);
  assert.equal(hello.since, 2);
  client.receive(welcome({ seq: 1, replay: 1, epoch: "e2", reset: true }));
  assert.ok(events.some((e) => e.type === "reset"));
  assert.equal(client.epoch, "e2");
  client.receive(message(1, { content: "new history" }));
  const last = events.filter((e) => e.type === "message").at(-1);
  assert.equal(last.message.content, "new history");
  assert.equal(client.lastSeq, 1);
  assert.equal(reconnect(client).epoch, "e2");
});

test("another epoch in the welcome is a reset even without reset: true", () => {
  const { client, events } = make();
  join(client, { seq: 5, epoch: "e1" });
  reconnect(client);
  client.receive(welcome({ seq: 0, epoch: "e9", reset: false }));
  assert.ok(events.some((e) => e.type === "reset"));
  assert.equal(client.lastSeq, 0);
});

test("1012 reconnects at once, once; then it waits", () => {
  const { client, clock } = make();
  join(client);
  assert.deepEqual(client.closed(1012, "store changed"), [{ type: "open" }]);
  assert.equal(client.state, "reconnecting");
  client.opened();
  client.receive(welcome());
  clock.now += 1000;
  const again = client.closed(1012, "");
  assert.equal(again[0].type, "wait");
});

// -- backoff and close codes (PROTOCOL.md, Close codes) ------------------------

test("the backoff doubles from 1 s to 30 s with jitter 0.5-1.0", () => {
  const low = new Backoff({ random: () => 0 });
  const high = new Backoff({ random: () => 0.999999 });
  const bases = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
  for (const base of bases) {
    const a = low.next();
    const b = high.next();
    assert.equal(a, base * 0.5);
    assert.ok(b < base && b > base * 0.99);
  }
  assert.equal(BACKOFF_MAX, 30000);
  low.reset();
  assert.equal(low.attempt, 0);
  assert.equal(low.next(), 500);
  // Real randomness stays in bounds.
  const real = new Backoff();
  for (let i = 1; i <= 50; i++) {
    const d = real.next();
    const base = Math.min(30000, 1000 * 2 ** (i - 1));
    assert.ok(d >= base * 0.5 && d <= base, `attempt ${i}: ${d}`);
  }
});

test("drops wait per the backoff and report why; a stable connection starts over", () => {
  const { client, clock } = make();
  join(client);
  const first = client.closed(1006, "");
  assert.deepEqual(first, [{ type: "wait", ms: 750 }]); // 1000 * (0.5 + 0.5 * 0.5)
  assert.equal(client.state, "reconnecting");
  assert.equal(client.detail.key, "closeLost");
  assert.equal(client.retryAt, 750);
  client.connect();
  client.opened();
  client.closed(1013, "slow");
  assert.equal(client.detail.key, "closeOverloaded");
  assert.equal(client.backoff.attempt, 2);
  client.connect();
  client.opened();
  client.receive(welcome());
  clock.now += STABLE_AFTER;
  assert.deepEqual(client.closed(1001, ""), [{ type: "wait", ms: 750 }]);
});

test("1008 and 1000 end it: disconnected, not retried", () => {
  for (const code of [1008, 1000]) {
    const { client } = make();
    join(client);
    assert.deepEqual(client.closed(code, "go away"), []);
    assert.equal(client.state, "disconnected");
    assert.equal(client.detail.args.reason, "go away");
  }
});

test("a page that never opened a socket gives up after a few attempts", () => {
  const { client } = make();
  client.start();
  for (let i = 1; i < NEVER_CONNECTED_ATTEMPTS; i++) {
    assert.equal(client.closed(1006, "")[0].type, "wait");
    client.connect();
  }
  assert.deepEqual(client.closed(1006, ""), []);
  assert.equal(client.state, "disconnected");
  assert.equal(client.detail.key, "unreachable");
  assert.equal(client.start()[1].type, "open"); // the Reconnect button
});

test("describeClose covers PROTOCOL.md's close codes", () => {
  assert.equal(describeClose(1012, "").immediate, true);
  assert.equal(describeClose(1008, "wrong password").final, true);
  assert.equal(describeClose(1013, "").final, false);
  assert.equal(describeClose(1001, "host stopped hosting").key, "closeHostStopped");
  assert.equal(describeClose(1011, "").key, "closeOtherBare");
  assert.equal(describeClose(1006, "").key, "closeLost");
});

// -- refused joins: password, names (PROTOCOL.md, Joining, Names) ------------

test("a password room: refused, then the right password joins", () => {
  const { client, events } = make();
  client.start();
  client.opened();
  const out = client.receive(frame({ type: "error", code: "unauthorized", message: "password required" }));
  assert.equal(out[0].type, "close");
  const refused = events.find((e) => e.type === "refused");
  assert.equal(refused.needPassword, true);
  assert.deepEqual(client.closed(1008, "password required"), []);
  assert.equal(client.state, "disconnected");
  assert.equal(client.detail.key, "refused");
  client.setCredentials("alice", "secret");
  client.start();
  const [hello] = sent(client.opened());
  assert.equal(hello.password, "secret");
  client.receive(welcome());
  assert.equal(client.state, "connected");
});

test("name_taken is a refusal: the socket is closed and nothing retried", () => {
  const { client, events } = make();
  client.start();
  client.opened();
  const out = client.receive(frame({ type: "error", code: "name_taken", message: "taken" }));
  assert.deepEqual(out, [{ type: "close", code: 1000, reason: "refused" }]);
  assert.equal(events.find((e) => e.type === "refused").needPassword, false);
  assert.deepEqual(client.closed(1000, "refused"), []);
  assert.equal(client.state, "disconnected");
});

test("checkName follows PROTOCOL.md, Names", () => {
  assert.equal(checkName("alice"), null);
  assert.equal(checkName("Zoe\u0308"), null);
  assert.equal(checkName("x".repeat(32)), null);
  assert.equal(checkName("😀".repeat(32)), null);
  assert.equal(checkName("").key, "nameLength");
  assert.equal(checkName("x".repeat(33)).key, "nameLength");
  assert.equal(checkName(" alice").key, "nameSpaces");
  assert.equal(checkName("al\u200bice").key, "nameInvisible");
  assert.equal(checkName("al\u202eice").key, "nameInvisible");
  assert.equal(checkName("al\u0007ice").key, "nameInvisible");
  assert.equal(checkName("\u2800").key, "nameInvisible");
});

// -- history, presence, typing -------------------------------------------------

test("history on join, then scroll-back pages with before", () => {
  const { client, events } = make();
  const { commands } = join(client, { seq: 120 });
  assert.deepEqual(sent(commands), [{ type: "history", before: 121, limit: HISTORY_PAGE }]);
  assert.deepEqual(client.loadOlder(), []); // one request at a time
  const page = Array.from({ length: 50 }, (_, i) => JSON.parse(message(71 + i)));
  client.receive(frame({ type: "history", messages: page, complete: false }));
  assert.equal(events.at(-1).messages.length, 50);
  assert.equal(client.oldest, 71);
  assert.deepEqual(sent(client.loadOlder()), [{ type: "history", before: 71, limit: HISTORY_PAGE }]);
  const rest = Array.from({ length: 70 }, (_, i) => JSON.parse(message(1 + i)));
  client.receive(frame({ type: "history", messages: rest, complete: true }));
  assert.equal(client.historyComplete, true);
  assert.deepEqual(client.loadOlder(), []);
  // A page repeating seqs we have adds nothing.
  client.historyComplete = false;
  client.loadOlder();
  client.receive(frame({ type: "history", messages: [JSON.parse(message(5))], complete: false }));
  assert.deepEqual(events.at(-1).messages, []);
  assert.equal(client.historyComplete, true); // no progress: not asked again and again
});

test("an empty room has nothing to scroll back to; a resume asks no history", () => {
  const { client } = make();
  const { commands } = join(client, { seq: 0 });
  assert.deepEqual(sent(commands), []);
  assert.equal(client.historyComplete, true);
  reconnect(client);
  assert.deepEqual(sent(client.receive(welcome({ seq: 0 }))), []);
});

test("presence keeps the member list", () => {
  const { client } = make();
  join(client, { members: ["alice", "bob"] });
  client.receive(frame({ type: "presence", event: "join", name: "carol", count: 3 }));
  client.receive(frame({ type: "presence", event: "leave", name: "bob", count: 2 }));
  assert.deepEqual(client.members, ["alice", "carol"]);
});

test("typing hints: sent at most every 3 s; shown until they run out or a message", () => {
  const { client, clock } = make();
  assert.deepEqual(client.typing(), []); // not joined
  join(client);
  assert.deepEqual(sent(client.typing()), [{ type: "typing" }]);
  clock.now += TYPING_EVERY - 1;
  assert.deepEqual(client.typing(), []);
  clock.now += 1;
  assert.equal(client.typing().length, 1);
  client.receive(frame({ type: "typing", from: "bob" }));
  client.receive(frame({ type: "typing", from: "carol" }));
  assert.deepEqual(client.typingNames(), ["bob", "carol"]);
  client.receive(message(1, { from: "bob" }));
  assert.deepEqual(client.typingNames(), ["carol"]);
  clock.now += TYPING_SHOWN;
  assert.deepEqual(client.typingNames(), []);
});

test("frames that are not JSON objects become a notice, not an exception", () => {
  const { client, events } = make();
  join(client);
  assert.deepEqual(client.receive("Hello, Server!"), []);
  assert.deepEqual(client.receive("[1,2]"), []);
  assert.equal(events.filter((e) => e.type === "notice").length, 2);
  assert.deepEqual(client.receive(frame({ type: "message", seq: "x" })), []);
});

// -- paths, links, strings -----------------------------------------------------

test("the socket URL follows the page's location (PROTOCOL.md, Transport)", () => {
  assert.equal(socketUrl({ protocol: "http:", host: "h:8765", pathname: "/" }), "ws://h:8765/");
  assert.equal(socketUrl({ protocol: "https:", host: "h", pathname: "/r/team-1" }), "wss://h/r/team-1");
  assert.equal(socketUrl({ protocol: "http:", host: "h", pathname: "/r/x.y_z/" }), "ws://h/r/x.y_z");
  assert.deepEqual(roomPath("/"), { room: "lobby", path: "/" });
  assert.equal(roomPath("/r/a b").room, "lobby");
});

test("links are http(s) only, without the sentence's punctuation", () => {
  assert.deepEqual(splitLinks("see https://example.org/a?b=1, ok"), [
    { text: "see " },
    { text: "https://example.org/a?b=1", href: "https://example.org/a?b=1" },
    { text: ", ok" },
  ]);
  assert.deepEqual(splitLinks("(https://en.wikipedia.org/wiki/A_(b))."), [
    { text: "(" },
    { text: "https://en.wikipedia.org/wiki/A_(b)", href: "https://en.wikipedia.org/wiki/A_(b)" },
    { text: ")." },
  ]);
  assert.deepEqual(splitLinks("javascript:alert(1) <img src=x onerror=alert(1)>"), [
    { text: "javascript:alert(1) <img src=x onerror=alert(1)>" },
  ]);
  assert.deepEqual(splitLinks(""), []);
});

test("English and German have the same keys, and every key the client uses", () => {
  assert.deepEqual(Object.keys(STRINGS.de).sort(), Object.keys(STRINGS.en).sort());
  const used = ["closeLost", "closePolicy", "closePolicyBare", "closeNormal", "closeNormalBare",
    "closeHostStopped", "closeShutdown", "closeShutdownBare", "closeRestart", "closeOverloaded",
    "closeOther", "closeOtherBare", "refused", "unreachable", "nameLength", "nameSpaces",
    "nameInvisible", "empty", "tooLong", "badFrame", "truncated"];
  for (const key of used) assert.ok(key in STRINGS.en && key in STRINGS.de, key);
  for (const code of ["invalid_json", "invalid_frame", "unknown_type", "unsupported_data", "too_large",
    "rate_limited", "name_taken", "unauthorized", "too_many", "internal"]) {
    assert.ok(`err_${code}` in STRINGS.en, code);
  }
  assert.equal(pickLanguage(["de-AT", "en"]), "de");
  assert.equal(pickLanguage(["fr", "en-GB"]), "en");
  assert.equal(pickLanguage(["fr"]), "en");
  assert.equal(t("typing1", { name: "Zoë" }, "de"), "Zoë schreibt…");
  assert.equal(t("closeOther", { code: 4000, reason: "x" }), "The server closed the connection (code 4000: x)");
});
