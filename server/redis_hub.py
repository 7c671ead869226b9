"""Shared rooms: several ``roomcast-server`` processes, one Redis (or Valkey).

``roomcast-server --redis redis://HOST:PORT/DB`` puts this hub and its
history where the embedded :class:`~server.hub.LocalHub` and
:class:`~server.history.SQLiteHistory` are: both implement
:class:`~server.hub.Hub`, and ``app.py`` never asks which one it has.

Keys (``{room}`` is the room name; one Redis database per deployment)::

    rc:{room}:seq        INCR counter: the room's last seq
    rc:{room}:epoch      the room's epoch (PROTOCOL.md, Epochs), made when first opened
    rc:{room}:log        stream of messages, entry id "<seq>-0", MAXLEN ~ retention
    rc:{room}:ids        sorted set: message id scored by its seq, the last
                         ``retention`` of them (idempotency, PROTOCOL.md message.id)
    rc:{room}:ev         stream of presence events (join, leave, replace; the claim
                         that made one, if any), MAXLEN ~ 1000
    rc:{room}:names      hash: the key of a member's name (server/names.py name_key)
                         -> "<node> <claim> <token> <name>" (claim: unique to one
                         connection's membership; name: as shown, may hold spaces)
    rc:{room}:guests     INCR counter for guest-N
    rc:node:{node}       a node's heartbeat, PX 15 s, renewed every 5 s

The delivery promise, across nodes:

* A message's seq is assigned with its append (one Lua script: INCR, then
  XADD with id "<seq>-0"), so seq is global, gap-free and ordered, and the
  stream id *is* the seq: replay and scroll-back are XRANGE.
* A message is acknowledged when it comes back through the stream (every
  node reads each of its active rooms with XREAD BLOCK from the last id it
  delivered): "acknowledged" means "in Redis".
* Redis unreachable: posts are answered ``internal`` (never pretended), the
  node's readers retry with backoff and resume from their last id, so
  nothing acknowledged is lost and nothing is delivered twice.
* Names are unique room-wide: claimed in the ``names`` hash, atomically, by
  their key, so that two nodes cannot admit "alice" and "Alice" at once. A
  member's entry outlives a crashed node only until its heartbeat expires;
  the token from the welcome reclaims the name at once (failover).
* Joins go to Redis in batches, one script call per room at a time with
  every claim queued meanwhile (_JOIN). A batch's members join here, and get
  their welcomes, when this node's reader has delivered the room's presence
  events up to the batch's last one: welcome.members is the room as of that
  event, and every later event reaches them as a presence frame, once.

When the store goes backwards (PROTOCOL.md, Epochs):

* The epoch key is made with the room and lost with the data: a Redis
  restarted without persistence, a FLUSHALL, a failover to a replica that
  never saw the room. Every append names the epoch the node serves; the
  append script refuses it when the key differs (nothing is stored). Each
  heartbeat compares the epochs of the node's open rooms, and a reader that
  reconnects compares before it reads on. A difference is a reset.
* A failover that lost the last writes keeps the epoch but hands out a seq
  at or below one this node delivered: the node makes a new epoch for the
  room (so that every node sees the change), and that is a reset too.
* A reset forgets the node's view of the room and closes its connections
  here with 1012 (``HubEvents.store_reset``); they resume at once and get
  ``welcome.reset``: nothing acknowledged before is shown as new, nothing
  new is skipped because its seq was used before.

Fencing: a node's members hold their names only while its heartbeat lease
lives. A node that was stopped longer than the lease (SIGSTOP, a VM freeze,
a long pause) finds its lease gone when it wakes (renewal with ``XX``), and
its appends and claims are refused meanwhile (the scripts check the lease):
it closes its members with 1012 (``HubEvents.fenced``) so that they rejoin
and reclaim their names with their tokens, unless another live member took
a name meanwhile, which then stays taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .defaults import HEARTBEAT_MISSES, REDIS_HEARTBEAT
from .errors import ConfigError, SharedStateDown
from .hub import Batch, HubEvents, Joined, TurnBatcher
from .names import name_key
from .protocol import ChatMessage, Post, Presence
from .room import Member, Room, name_taken, new_token, stored_message

log = logging.getLogger("roomcast.redis")

# A node's heartbeat (defaults.REDIS_HEARTBEAT) is gone after HEARTBEAT_MISSES
# missed beats (a crash); then any node drops that node's members.
#: How long an XREAD blocks before it asks again (it returns at once on news).
BLOCK_MS = 5_000
#: The reader's socket timeout is its block plus this: a timeout equal to the
#: block (redis-py's default is 5 s) takes a quiet room for a dead server, and
#: the node for unhealthy, every BLOCK_MS.
READ_MARGIN_S = 5.0
#: Presence events kept per room (readers are seconds behind at most).
EVENTS_MAXLEN = 1_000
#: Reconnection backoff for readers, seconds.
BACKOFF = (0.1, 0.2, 0.5, 1.0, 2.0)
#: Claims of one room in one _JOIN call at most: a script holds Redis for its
#: whole run, and its events must stay well within EVENTS_MAXLEN (a reader
#: reads them back before the next call of the room goes out).
CLAIMS_PER_CALL = 100
#: A join fails (the client may retry) when Redis has not answered it, and
#: this node's reader not read its events back, within this many seconds.
JOIN_WAIT_S = 10.0
#: The reader waits this long at most for the members it handed over to get
#: their welcomes (one step of their tasks) before it reads on.
HANDOFF_WAIT_S = 1.0

# Append a message. Answers {'ok', seq}, {'dup', seq} (the id is stored),
# {'epoch', current} (the room's store is not the one this node serves: a
# reset), {'fenced', ''} (this node's lease lapsed: it may not write) or
# {'gone', ''} (the sender no longer holds its name: a paused node's member
# whose name was reaped, maybe taken by someone else; it may not post as it).
# Idempotency lasts exactly the retention window: the ids of the last
# ``retention`` messages, as LocalHub keeps them (PROTOCOL.md, Order and scope).
_POST = """
-- KEYS: seq, log, ids, epoch, node, names
-- ARGV: ts, from, content, id, retention, epoch, the sender's holder value,
--       the key of its name (server/names.py name_key)
if redis.call('EXISTS', KEYS[5]) == 0 then return {'fenced', ''} end
if redis.call('HGET', KEYS[6], ARGV[8]) ~= ARGV[7] then return {'gone', ''} end
local epoch = redis.call('GET', KEYS[4])
if epoch ~= ARGV[6] then return {'epoch', epoch or ''} end
local known = redis.call('ZSCORE', KEYS[3], ARGV[4])
if known then return {'dup', known} end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], seq .. '-0',
           'ts', ARGV[1], 'from', ARGV[2], 'content', ARGV[3], 'id', ARGV[4])
redis.call('ZADD', KEYS[3], seq, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', seq - tonumber(ARGV[5]))
return {'ok', seq}
"""

# Open a room: its epoch (made now if the room is new, or its data was lost),
# its last seq and its last presence event id.
_OPEN = """
-- KEYS: epoch, seq, ev   ARGV: new epoch
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[1], epoch)
end
local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
local ev = '0-0'
if last[1] then ev = last[1][1] end
return {epoch, redis.call('GET', KEYS[2]) or '0', ev}
"""

# Names are claimed by their key (PROTOCOL.md, Names: server/names.py
# name_key), computed by the node, so that no two members hold names that
# compare equal ("alice" and "Alice", or "Аlice" with a Cyrillic А), whichever
# node they are on. The names hash is keyed by that key; its holder value is
# "<node> <claim> <token> <name>", the name as shown (it may hold spaces) last.
# Presence events and welcome.members carry the shown names. Older nodes wrote
# "<node> <claim> <token>" or "<node> <token>" under the name itself.
# parse() answers node, claim ('' for the oldest form), token, name as shown.
_HOLDER = """
local function parse(field, h)
  local a = string.find(h, ' ', 1, true)
  local b = string.find(h, ' ', a + 1, true)
  local c = b and string.find(h, ' ', b + 1, true)
  if c then
    return string.sub(h, 1, a - 1), string.sub(h, a + 1, b - 1),
           string.sub(h, b + 1, c - 1), string.sub(h, c + 1)
  end
  if b then
    return string.sub(h, 1, a - 1), string.sub(h, a + 1, b - 1), string.sub(h, b + 1), field
  end
  return string.sub(h, 1, a - 1), '', string.sub(h, a + 1), field
end
"""

# The rules of a name (PROTOCOL.md, Joining), room-wide:
#   free, or held by a node whose heartbeat is gone  -> claimed (a dead
#                                                        holder leaves first)
#   held, and the hello carries the holder's token    -> claimed; the old
#                                                        connection is replaced,
#                                                        the name keeps its spelling
#   held otherwise                                    -> name_taken
# "Held" means a name with the same key is held. A hello without a name gets
# the next guest-N whose key is free. A claim that takes the place of the
# connection's guest name gives that name back in the same step, so the
# others see the guest leave, then the new name join (PROTOCOL.md, Joining),
# and welcome.members no longer lists the guest.
#
# One call claims a batch: the claims of one room that a node queued while
# its previous call was out (RedisHub._ask). Each claim costs O(1): it looks
# up only its own key (and, for a guest, the guest-N candidates) and asks
# whether only that holder's node lives. Other dead nodes' members stay in
# the hash until _REAP drops them after a heartbeat, with a leave event each,
# so the count (HLEN) and the member list match the event stream at every
# point. The member list (O(members)) is made once per call, after its last
# claim: it is the room exactly as of the call's last event, which the call
# returns, and the node welcomes the batch's members when its reader has
# delivered the event stream up to that event (RedisHub._hand_off): every
# presence event before it is in their welcome.members, every one after it
# reaches them as a presence frame. Events name the claim that made them, so
# that the node does not tell a guest of its own departure.
_JOIN = (
    _HOLDER
    + """
-- KEYS: names, guests, ev
-- ARGV: node, prefix, then CLAIM_ARGS per claim: name ('' = guest), its key,
--       token ('' = none), new token, replacing (the key of the guest name given
--       up, '' = none), its holder value, claim
-- Answers {'fenced'} or {'ok', the last event id ('' = none), {answer per claim},
-- the member list, one name a line ('' when no claim succeeded)}; an answer is
-- {'ok', name, key, token, replaced node} or {'taken', name, the holder's spelling}.
local names, ev, node, prefix = KEYS[1], KEYS[3], ARGV[1], ARGV[2]
if redis.call('EXISTS', prefix .. 'node:' .. node) == 0 then return {'fenced'} end
local alive = {[node] = true}
local function live(n)
  if alive[n] == nil then alive[n] = redis.call('EXISTS', prefix .. 'node:' .. n) == 1 end
  return alive[n]
end
local function event(kind, name, whose, by, claim)
  return redis.call('XADD', ev, 'MAXLEN', '~', 1000, '*', 'event', kind, 'name', name,
                    'count', redis.call('HLEN', names), 'node', whose, 'by', by,
                    'claim', claim)
end
local last, answers = '', {}
for i = 3, #ARGV, 7 do
  local name, key, token, keep = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local gone, mine_before, claim = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  if name == '' then
    repeat
      local n = tostring(redis.call('INCR', KEYS[2]))
      name = 'guest-' .. n
      -- name_key(guest-N), as tests/server/test_hub.py holds it: the skeleton
      -- reads the digits 0 and 1 as the letters o and l, and keeps the rest.
      key = 'guest-' .. (string.gsub(n, '[01]', {['0'] = 'o', ['1'] = 'l'}))
    until redis.call('HEXISTS', names, key) == 0
  end
  local own = gone ~= '' and redis.call('HGET', names, gone) == mine_before
  local holder = redis.call('HGET', names, key)
  local replaced, answer = '', nil
  if holder and not (own and gone == key) then
    local hnode, _, htoken, hname = parse(key, holder)
    if not live(hnode) then
      -- A dead node's member: gone, and the others are told, as _REAP does.
      redis.call('HDEL', names, key)
      last = event('leave', hname, '', '', '')
      if token ~= '' then keep = token end
    elseif token == '' or token ~= htoken then
      answer = {'taken', name, hname}
    else
      replaced, keep, name = hnode, htoken, hname
    end
  elseif token ~= '' then
    keep = token
  end
  if answer == nil then
    if own then
      local _, _, _, left = parse(gone, mine_before)
      redis.call('HDEL', names, gone)
      last = event('leave', left, '', '', claim)
    end
    redis.call('HSET', names, key, node .. ' ' .. claim .. ' ' .. keep .. ' ' .. name)
    if replaced == '' then
      last = event('join', name, node, node, claim)
    else
      last = event('replace', name, replaced, node, claim)
    end
    answer = {'ok', name, key, keep, replaced}
  end
  answers[#answers + 1] = answer
end
local members = {}
if last ~= '' then
  local all = redis.call('HGETALL', names)
  for i = 1, #all, 2 do
    local _, _, _, shown = parse(all[i], all[i + 1])
    members[#members + 1] = shown
  end
end
-- One string, not a reply element per member: the node parses replies in
-- Python, element by element. A name holds no control character (PROTOCOL.md,
-- Names), so a newline separates them.
return {'ok', last, answers, table.concat(members, '\\n')}
"""
)
#: Arguments of one claim in a _JOIN call (after the node and the prefix).
CLAIM_ARGS = 7

# A crashed node's members leave: every node, after each heartbeat, drops the
# names held by nodes whose heartbeat is gone, with a leave event for each
# (atomic, so the node that gets there first does it and the others find nothing).
_REAP = (
    _HOLDER
    + """
-- KEYS: names, ev   ARGV: prefix
local all = redis.call('HGETALL', KEYS[1])
local alive, dead = {}, {}
for i = 1, #all, 2 do
  local n, _, _, name = parse(all[i], all[i + 1])
  if alive[n] == nil then alive[n] = redis.call('EXISTS', ARGV[1] .. 'node:' .. n) == 1 end
  if not alive[n] then dead[#dead + 1] = {all[i], name} end
end
for _, d in ipairs(dead) do
  redis.call('HDEL', KEYS[1], d[1])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', 1000, '*', 'event', 'leave', 'name', d[2],
             'count', redis.call('HLEN', KEYS[1]), 'node', '', 'by', '')
end
return #dead
"""
)

_LEAVE = """
-- KEYS: names, ev   ARGV: key, holder value, name (as shown)
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
local count = redis.call('HLEN', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 1000, '*', 'event', 'leave', 'name', ARGV[3],
           'count', count, 'node', '', 'by', '')
return count
"""


@dataclass(frozen=True, slots=True)
class Claim:
    """The result of claiming a name room-wide."""

    ok: bool
    #: The name as shown: the one claimed, or (refused) the one asked for.
    name: str
    #: Its key (PROTOCOL.md, Names), the field in the names hash.
    key: str = ""
    token: str = ""
    #: The node whose connection held the name and is replaced ("" if none).
    replaced_on: str = ""
    count: int = 0
    members: tuple[str, ...] = ()
    #: Refused: the spelling the member who holds the name has.
    held: str = ""


@dataclass(eq=False)
class _Asked:
    """A connection's claim, from its hello until it joined here (or failed)."""

    name: str | None
    token: str | None
    #: The token the name gets if it has none yet (PROTOCOL.md, welcome.token).
    new: str
    #: Its guest membership, which the claim takes the place of.
    replacing: Member | None
    #: Unique to this membership; part of the holder value and of its events.
    claim_id: str
    #: Redis's answer: for a refusal when the call returns; for a claim once the
    #: reader has read the call's events back (RedisHub._hand_off).
    answer: asyncio.Future[Claim] = field(default_factory=lambda: _future())
    #: Set once the claim joined here and was welcomed (or gave up).
    settled: asyncio.Future[None] = field(default_factory=lambda: _future())
    claim: Claim | None = None
    #: Its connection stopped waiting: a name claimed for it is given back.
    abandoned: bool = False


def _future() -> asyncio.Future[Any]:
    return asyncio.get_running_loop().create_future()


def _stream_id(entry_id: str) -> tuple[int, int]:
    """A stream entry id ("<ms>-<n>") in its order."""
    ms, _, n = entry_id.partition("-")
    return int(ms), int(n or 0)


def _key(room: str, part: str) -> str:
    return f"rc:{room}:{part}"


def _message(entry_id: str, fields: dict[str, str]) -> ChatMessage:
    """A stream entry (id "<seq>-0") as the message it holds."""
    return ChatMessage(
        seq=int(entry_id.split("-", 1)[0]),
        ts=fields["ts"],
        sender=fields["from"],
        content=fields["content"],
        id=fields["id"],
    )


#: Stream entries read per request when a page is bounded in bytes.
CHUNK = 32


class _Budget:
    """Content bytes a page may still take; the first message always fits."""

    __slots__ = ("first", "left")

    def __init__(self, max_bytes: int | None) -> None:
        self.left = max_bytes
        self.first = True

    def take(self, content: str) -> bool:
        if self.left is None:
            return True
        size = len(content.encode())
        if not self.first and size > self.left:
            return False
        self.first = False
        self.left -= size
        return True


class RedisHistory:
    """History read from the rooms' streams (the HistoryStore interface)."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis

    async def after(
        self, room: str, after: int, upto: int, limit: int, *, max_bytes: int | None = None
    ) -> list[ChatMessage]:
        page: list[ChatMessage] = []
        budget = _Budget(max_bytes)
        while len(page) < limit and after < upto:
            # Read in chunks: no reply holds more than a chunk beyond the budget.
            count = min(limit - len(page), CHUNK)
            entries = await self._call(
                self.redis.xrange(_key(room, "log"), f"{after + 1}-0", f"{upto}-0", count=count)
            )
            for entry_id, fields in entries:
                if not budget.take(fields["content"]):
                    return page
                page.append(_message(entry_id, fields))
            if len(entries) < count:
                break
            after = page[-1].seq
        return page

    async def before(
        self, room: str, before: int, floor: int, limit: int, *, max_bytes: int | None = None
    ) -> list[ChatMessage]:
        newest_first: list[ChatMessage] = []
        budget = _Budget(max_bytes)
        floor = max(floor, 1)
        while len(newest_first) < limit and before > floor:
            count = min(limit - len(newest_first), CHUNK)
            entries = await self._call(
                self.redis.xrevrange(
                    _key(room, "log"), f"{before - 1}-0", f"{floor}-0", count=count
                )
            )
            for entry_id, fields in entries:
                if not budget.take(fields["content"]):
                    return newest_first[::-1]
                newest_first.append(_message(entry_id, fields))
            if len(entries) < count:
                break
            before = newest_first[-1].seq
        return newest_first[::-1]

    async def get(self, room: str, seq: int) -> ChatMessage | None:
        entries = await self._call(self.redis.xrange(_key(room, "log"), f"{seq}-0", f"{seq}-0"))
        return _message(*entries[0]) if entries else None

    @staticmethod
    async def _call(awaitable: Awaitable[Any]) -> Any:
        try:
            return await awaitable
        except RedisError as exc:
            raise SharedStateDown(f"cannot read history from Redis: {exc}") from None


class RedisHub(TurnBatcher):
    """Fan-out and history through Redis Streams, for rooms shared by several nodes."""

    def __init__(
        self,
        url: str,
        events: HubEvents,
        *,
        retention: int,
        heartbeat: float = REDIS_HEARTBEAT,
        block_ms: int = BLOCK_MS,
    ) -> None:
        super().__init__()
        self.url = url
        self.block_ms = block_ms
        self.node = secrets.token_hex(6)
        self.retention = retention
        self.heartbeat = heartbeat
        self.events = events
        try:
            self.redis: aioredis.Redis = aioredis.Redis.from_url(
                url,
                # Everything we store is UTF-8 text: answers come back as str.
                decode_responses=True,
                socket_connect_timeout=2.0,
                health_check_interval=10,
                # A pooled connection that Redis dropped (a restart) fails
                # once; one quick retry hides that. A real outage still fails
                # within a fraction of a second. A retried append that had
                # landed is caught by its idempotency key (_POST).
                retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 2),
                retry_on_error=[RedisConnectionError, RedisTimeoutError],
            )
        except ValueError as exc:
            raise ConfigError(f"--redis {url}: {exc}") from None
        self._history = RedisHistory(self.redis)
        self.healthy = False
        self.last_error = ""
        self._post_script = self.redis.register_script(_POST)
        self._open_script = self.redis.register_script(_OPEN)
        self._join_script = self.redis.register_script(_JOIN)
        self._leave_script = self.redis.register_script(_LEAVE)
        self._reap_script = self.redis.register_script(_REAP)
        #: The open rooms on this node, and where their streams stood when
        #: opened (read from there once watched).
        self._rooms: dict[str, Room] = {}
        self._opened_at: dict[str, tuple[int, str]] = {}
        #: Rooms someone joined here, read by the node's one reader, and the
        #: last entry it delivered from each of their streams.
        self._watched: dict[str, Room] = {}
        self._positions: dict[str, str] = {}
        self._reader: asyncio.Task[None] | None = None
        self._wake_key = f"rc:node:{self.node}:wake"
        #: Rooms being opened: every connection that arrives meanwhile waits
        #: for the same answer from Redis.
        self._opening: dict[str, asyncio.Future[Room]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._heartbeat: asyncio.Task[None] | None = None
        #: Claims from their hello until they joined here, by claim id.
        self._asked: dict[str, _Asked] = {}
        #: Claims waiting for their room's next _JOIN call, and the rooms
        #: with a call out (sent, or answered and not yet handed over).
        self._asking: dict[Room, list[_Asked]] = {}
        self._calling: set[Room] = set()
        self._send_handle: asyncio.Handle | None = None
        #: Claims sent and not answered yet: the future of their call.
        self._unanswered: dict[str, asyncio.Future[None]] = {}
        #: Answered batches, per room in stream order: the id of the call's last
        #: event, its claims, and the timer that fails them if it never comes.
        self._handoffs: dict[Room, list[tuple[tuple[int, int], list[_Asked], asyncio.TimerHandle]]]
        self._handoffs = {}
        #: _JOIN calls made and claims they carried (for tests and benchmarks).
        self.join_calls = 0
        self.claims_sent = 0

    @property
    def history(self) -> RedisHistory:
        return self._history

    @property
    def read_timeout(self) -> float:
        """The readers' socket timeout: longer than their XREAD block."""
        return self.block_ms / 1000 + READ_MARGIN_S

    def health(self) -> dict[str, Any]:
        health: dict[str, Any] = {
            "node": self.node,
            "redis": "ok" if self.healthy else "unreachable",
        }
        if not self.healthy:
            health["status"] = "degraded"
            health["error"] = f"Redis is unreachable: {self.last_error}"
        return health

    # -- lifecycle -----------------------------------------------------------

    async def start(self) -> None:
        """Reach Redis once (a node that cannot is misconfigured: exit 2)."""
        try:
            await self.redis.ping()
            await self._beat()
        except RedisError as exc:
            await self.redis.aclose()
            raise ConfigError(f"cannot reach Redis at {self.url}: {exc}") from None
        self.healthy = True
        self._heartbeat = asyncio.ensure_future(self._heartbeat_loop())

    async def close(self) -> None:
        self.flush()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        for room in list(self._handoffs):  # joins that only the reader could finish
            for _, batch, timer in self._handoffs.pop(room):
                timer.cancel()
                self._fail(room, batch, SharedStateDown("the server is shutting down"))
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(RedisError):
            await self.redis.delete(f"rc:node:{self.node}", self._wake_key)
        await self.redis.aclose()

    async def _beat(self, *, renew: bool = False) -> bool:
        """Set (or renew) this node's lease; False when a renewal found it lapsed."""
        ttl_ms = int(self.heartbeat * HEARTBEAT_MISSES * 1000)
        key = f"rc:node:{self.node}"
        if renew:
            return bool(await self.redis.set(key, "1", px=ttl_ms, xx=True))
        await self.redis.set(key, "1", px=ttl_ms)
        return True

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                if not await self._beat(renew=True):
                    # Close the members first, then take a new lease: nothing
                    # they still send can be stored under the old claims.
                    self._fence("its heartbeat lease lapsed (the node was paused or cut off)")
                    await self._beat()
                await self._check_epochs(self.redis)
                for room in list(self._rooms):
                    await self._reap_script(
                        keys=[_key(room, "names"), _key(room, "ev")], args=["rc:"]
                    )
            except RedisError as exc:
                self._down(exc)
            else:
                self._up()

    def _fence(self, why: str) -> None:
        log.warning("node %s: %s; its members rejoin", self.node, why)
        self.events.fenced(why)

    async def _check_epochs(self, conn: aioredis.Redis, *, lost: bool = False) -> None:
        """A room whose epoch changed under this node is reset (see the docstring)."""
        rooms = list(self._rooms.values())
        if not rooms:
            return
        async with conn.pipeline(transaction=False) as pipe:
            for room in rooms:
                pipe.get(_key(room.name, "epoch"))
            epochs = await pipe.execute()
        why = (
            "the room's store in Redis was lost (restart)"
            if lost
            else "the room's store in Redis was replaced (its epoch changed)"
        )
        for room, epoch in zip(rooms, epochs, strict=True):
            if epoch != room.epoch:
                self._reset(room, why)

    def _reset(self, room: Room, why: str) -> None:
        if self._rooms.get(room.name) is not room:
            return  # already reset
        log.warning("room %r: %s", room.name, why)
        self.close_room(room)
        self.events.store_reset(room, why)

    def _down(self, exc: BaseException) -> None:
        if self.healthy:
            log.error("Redis at %s is unreachable: %s", self.url, exc)
        self.healthy = False
        self.last_error = str(exc) or type(exc).__name__

    def _up(self) -> None:
        if not self.healthy:
            log.warning("Redis at %s is reachable again", self.url)
        self.healthy = True

    # -- rooms ---------------------------------------------------------------

    def open_room(self, name: str) -> Awaitable[Room]:
        """A local view of a shared room (its reader starts with its first member)."""
        opening = self._opening.get(name)
        if opening is None:
            opening = self._opening[name] = asyncio.ensure_future(self._open_room(name))
            opening.add_done_callback(lambda _: self._opening.pop(name, None))
        return asyncio.shield(opening)

    async def _open_room(self, name: str) -> Room:
        try:
            epoch, seq_raw, ev_id = await self._open_script(
                keys=[_key(name, "epoch"), _key(name, "seq"), _key(name, "ev")],
                args=[new_epoch()],
            )
        except RedisError as exc:
            self._down(exc)
            raise SharedStateDown(f"cannot open room {name!r}: Redis is unreachable") from None
        latest = int(seq_raw)
        room = Room(name, last_seq=latest, retention=self.retention, epoch=str(epoch))
        self._rooms[name] = room
        self._opened_at[name] = (latest, str(ev_id))
        return room

    def close_room(self, room: Room) -> None:
        if self._rooms.get(room.name) is not room:
            return  # a newer view of the room is open: leave it alone
        del self._rooms[room.name]
        self._opened_at.pop(room.name, None)
        if self._watched.pop(room.name, None) is not None:
            del self._positions[_key(room.name, "log")]
            del self._positions[_key(room.name, "ev")]
        # Claims that would join this view of the room: they fail (its
        # connections are closed, or the room was empty here anyway).
        gone = SharedStateDown(f"cannot join room {room.name!r}: it was reset meanwhile")
        queued = self._asking.pop(room, [])
        if queued:
            self._fail(room, queued, gone)
        for _, batch, timer in self._handoffs.pop(room, []):
            timer.cancel()
            self._fail(room, batch, gone)

    def _watch(self, room: Room) -> None:
        """Read the room's streams from now on (once someone joined it here:
        an unauthenticated connection costs no reader), from where the room
        was opened, so that nothing in between is missed."""
        if room.name in self._watched or self._rooms.get(room.name) is not room:
            return
        seq, ev_id = self._opened_at.pop(room.name, (room.delivered_seq, "$"))
        self._watched[room.name] = room
        self._positions[_key(room.name, "log")] = f"{seq}-0"
        self._positions[_key(room.name, "ev")] = ev_id
        if self._reader is None or self._reader.done():
            self._reader = asyncio.ensure_future(self._read())
        else:
            # Wake the reader's blocked XREAD so that it reads this room too.
            task = asyncio.ensure_future(self._wake())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _wake(self) -> None:
        with contextlib.suppress(RedisError):
            await self.redis.xadd(self._wake_key, {"w": "1"}, maxlen=10, approximate=True)

    async def _read(self) -> None:
        """The node's one reader: every watched room's streams in one XREAD,
        from where this node left off in each (the delivery promise)."""
        conn = aioredis.Redis.from_url(
            self.url,
            socket_connect_timeout=2.0,
            socket_timeout=self.read_timeout,
            decode_responses=True,
            client_name=f"roomcast-reader-{self.node}",
        )
        wake_id = "0-0"
        failures = 0
        try:
            while True:
                if not self._watched:
                    # Done: say so now, not after closing the connection, so
                    # that a room watched meanwhile starts a new reader.
                    if self._reader is asyncio.current_task():
                        self._reader = None
                    return
                try:
                    if failures:
                        # Reconnected: were the rooms' stores kept while we were away?
                        await self._check_epochs(conn, lost=True)
                        failures = 0
                        self._up()
                    streams: dict[Any, Any] = {self._wake_key: wake_id, **self._positions}
                    # Whose streams these are now: a room reset (and opened
                    # again) during the call must not get the old one's entries.
                    owners = {
                        key: self._watched[key[3:].rpartition(":")[0]] for key in self._positions
                    }
                    batches: Any = await conn.xread(streams, count=1000, block=self.block_ms)
                except RedisError as exc:
                    self._down(exc)
                    await asyncio.sleep(BACKOFF[min(failures, len(BACKOFF) - 1)])
                    failures += 1
                    continue
                if isinstance(batches, dict):  # RESP3 answers a map
                    batches = list(batches.items())
                for key, entries in batches or ():
                    if not entries:
                        continue
                    if key == self._wake_key:
                        wake_id = entries[-1][0]
                        continue
                    room = owners.get(key)
                    if room is None or self._watched.get(room.name) is not room:
                        continue  # closed (or reset) meanwhile
                    self._positions[key] = entries[-1][0]
                    try:
                        if key.endswith(":log"):
                            self._on_messages(room, entries)
                        else:
                            await self._on_events(room, entries)
                    except Exception:
                        log.exception("delivering in room %r failed", room.name)
        finally:
            with contextlib.suppress(Exception):
                await conn.aclose()

    def _on_messages(self, room: Room, entries: Sequence[Any]) -> None:
        messages = [_message(i, f) for i, f in entries]
        # Gap-free by construction; a reader behind MAXLEN trimming would
        # see a jump, which the seq check in the client reports.
        messages = [m for m in messages if m.seq > room.delivered_seq]
        if not messages:
            return
        room.committed(messages[-1].seq)
        room.last_seq = max(room.last_seq, room.delivered_seq)
        self.events.deliver(room, messages)

    async def _on_events(self, room: Room, entries: Sequence[Any]) -> None:
        """Room-wide membership changes, as the event stream has them (_JOIN):
        event (join, leave, replace), name, count, node (whose member: for a
        replace, the node that held the name), by (the node that made it),
        claim (the claim that made it, if one did).

        Consecutive presence frames for the same members go out together (one
        write per member for a crowd that joined at once, not one per join)."""
        subject: Member | None = None
        frames: list[Presence] = []

        def tell() -> None:
            if frames:
                self.events.presence(room, subject, tuple(frames))
                frames.clear()

        for entry_id, fields in entries:
            claim_id = fields.get("claim", "")
            answered = self._unanswered.get(claim_id)
            if answered is not None:
                # Our own call's event, read before its answer: the answer (the
                # member list as of this call) must be in before we read on.
                tell()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(answered), JOIN_WAIT_S)
                if self._watched.get(room.name) is not room:
                    return  # reset meanwhile
            name = fields["name"]
            if fields["event"] == "replace":
                # The name moved to another connection (PROTOCOL.md, hello.token):
                # the node that held it closes the old one; nobody sees a leave.
                tell()
                holder = room.members.get(name)
                if fields["node"] == self.node and fields["by"] != self.node and holder:
                    room.leave(holder)
                    self.events.replaced(holder)
            else:
                joined = fields["event"] == "join"
                asked = self._asked.get(claim_id)
                if asked is not None:
                    # A claim of this node, not joined here yet: the guest
                    # membership it takes the place of is not told of its own
                    # leave, nor of the join that replaces it (its welcome says
                    # so: PROTOCOL.md, Joining).
                    whom = asked.replacing
                else:
                    whom = room.members.get(name) if joined else None
                if whom is not subject:
                    tell()
                    subject = whom
                count = int(fields["count"])
                frames.append(Presence("join" if joined else "leave", name=name, count=count))
            waiting = self._handoffs.get(room)
            if waiting and waiting[0][0] <= _stream_id(entry_id):
                tell()  # everything up to here goes to the members before the newcomers
                await self._hand_off(room, _stream_id(entry_id))
        tell()

    # -- membership ----------------------------------------------------------

    def claim(
        self,
        room: Room,
        peer: Any,
        name: str | None,
        token: str | None,
        replacing: Member | None,
    ) -> Awaitable[Joined]:
        """Claim the name room-wide, then join locally; presence for everyone
        (this node too) comes back through the room's event stream.

        The claim waits for the end of this loop turn and goes to Redis with
        every other claim of the room queued meanwhile (_JOIN: one call per
        batch, one member list per batch); the member joins here, and gets its
        welcome, when the node's reader has delivered the room's events up to
        the batch's last one (_hand_off)."""
        asked = _Asked(name, token, new_token(), replacing, secrets.token_hex(6))
        self._ask(room, asked)
        return self._joined(room, peer, asked)

    async def _joined(self, room: Room, peer: Any, asked: _Asked) -> Joined:
        joined = None
        try:
            try:
                claim = await asyncio.wait_for(asyncio.shield(asked.answer), JOIN_WAIT_S)
            except TimeoutError:
                raise SharedStateDown(
                    f"cannot join room {room.name!r}: Redis did not answer in time"
                ) from None
            if not claim.ok:
                raise name_taken(claim.name, room.name, claim.held)
            room.tokens[claim.name] = claim.token
            joined = room.join(peer, claim.name, claim.token, replacing=asked.replacing)
            joined.member.claim = self._holder(asked, claim)
        except BaseException:
            asked.abandoned = True
            claim_ = asked.claim
            if joined is None and claim_ is not None and claim_.ok:
                # Never leave a claimed name behind (a ghost member nobody can displace).
                self._release(room, claim_.key, self._holder(asked, claim_), claim_.name)
            raise
        finally:
            self._asked.pop(asked.claim_id, None)
            if not asked.settled.done():
                asked.settled.set_result(None)
        return Joined(joined.member, claim.members, joined.replaced)

    def _holder(self, asked: _Asked, claim: Claim) -> str:
        return f"{self.node} {asked.claim_id} {claim.token} {claim.name}"  # as _JOIN writes it

    def _ask(self, room: Room, asked: _Asked) -> None:
        """Queue a claim for the room's next _JOIN call (this loop turn's end,
        or when the room's call in flight is done)."""
        self._asked[asked.claim_id] = asked
        self._asking.setdefault(room, []).append(asked)
        if self._send_handle is None and room not in self._calling:
            self._send_handle = asyncio.get_running_loop().call_soon(self._send_claims)

    def _send_claims(self) -> None:
        """One _JOIN call for each room with claims queued and none in flight."""
        self._send_handle = None
        for room in [r for r in self._asking if r not in self._calling]:
            queued = self._asking.pop(room)
            batch, rest = queued[:CLAIMS_PER_CALL], queued[CLAIMS_PER_CALL:]
            if rest:
                self._asking[room] = rest
            self._calling.add(room)
            task = asyncio.ensure_future(self._call(room, batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _called(self, room: Room) -> None:
        """The room's call is done (answered and handed over, or failed): the next."""
        self._calling.discard(room)
        if self._asking.get(room) and self._send_handle is None:
            self._send_handle = asyncio.get_running_loop().call_soon(self._send_claims)

    async def _call(self, room: Room, batch: list[_Asked]) -> None:
        """Claim a batch room-wide (see _JOIN for the rules)."""
        answered = asyncio.get_running_loop().create_future()
        self.join_calls += 1
        self.claims_sent += len(batch)
        for asked in batch:
            self._unanswered[asked.claim_id] = answered
        args: list[str] = [self.node, "rc:"]
        for asked in batch:
            want = (asked.name, name_key(asked.name)) if asked.name is not None else ("", "")
            gone = asked.replacing
            args += [*want, asked.token or "", asked.new]
            args += [gone.key, gone.claim] if gone else ["", ""]
            args.append(asked.claim_id)
        try:
            result = await self._join_script(
                keys=[_key(room.name, "names"), _key(room.name, "guests"), _key(room.name, "ev")],
                args=args,
            )
        except RedisError as exc:
            self._down(exc)
            self._fail(
                room,
                batch,
                SharedStateDown(f"cannot join room {room.name!r}: Redis is unreachable"),
            )
            return
        finally:
            for asked in batch:
                self._unanswered.pop(asked.claim_id, None)
            answered.set_result(None)
        if str(result[0]) == "fenced":
            self._fence("its lease lapsed before a join")
            self._fail(
                room,
                batch,
                SharedStateDown(f"cannot join room {room.name!r}: this node is re-registering"),
            )
            return
        last, answers, shown = str(result[1]), result[2], str(result[3])
        members = tuple(sorted(shown.split("\n"))) if shown else ()
        claimed: list[_Asked] = []
        for asked, answer in zip(batch, answers, strict=True):
            parts = [str(p) for p in answer]
            if parts[0] == "taken":
                asked.claim = Claim(ok=False, name=parts[1], held=parts[2])
                if not asked.answer.done():
                    asked.answer.set_result(asked.claim)
                continue
            claim = asked.claim = Claim(
                ok=True,
                name=parts[1],
                key=parts[2],
                token=parts[3],
                replaced_on=parts[4],
                count=len(members),
                members=members,
            )
            if asked.abandoned:  # its connection gave up meanwhile: give the name back
                self._release(room, claim.key, self._holder(asked, claim), claim.name)
            else:
                claimed.append(asked)
        if not claimed:
            self._called(room)
            return
        if self._rooms.get(room.name) is not room:
            self._fail(room, claimed, SharedStateDown(f"room {room.name!r} was reset meanwhile"))
            return
        # The reader hands the claims over once it has delivered up to `last`.
        self._watch(room)
        timer = asyncio.get_running_loop().call_later(
            JOIN_WAIT_S, self._hand_off_late, room, claimed
        )
        self._handoffs.setdefault(room, []).append((_stream_id(last), claimed, timer))

    def _fail(self, room: Room, batch: list[_Asked], error: BaseException) -> None:
        for asked in batch:
            if not asked.answer.done() and not asked.abandoned:
                asked.answer.set_exception(error)
        self._called(room)

    async def _hand_off(self, room: Room, upto: tuple[int, int]) -> None:
        """The reader delivered the room's events up to ``upto``: the batches
        claimed as of then join here now, in order, and get their welcomes
        before the reader delivers anything after (their presence frames)."""
        waiting = self._handoffs.get(room)
        while waiting and waiting[0][0] <= upto:
            _, batch, timer = waiting.pop(0)
            timer.cancel()
            welcomed = []
            for asked in batch:
                if asked.claim is not None and not asked.answer.done() and not asked.abandoned:
                    asked.answer.set_result(asked.claim)
                    welcomed.append(asked.settled)
            self._called(room)
            if welcomed:
                # Each settles in its own task's next step: the join, then its welcome.
                await asyncio.wait(welcomed, timeout=HANDOFF_WAIT_S)
        if not waiting:
            self._handoffs.pop(room, None)

    def _hand_off_late(self, room: Room, batch: list[_Asked]) -> None:
        """The reader did not get to a batch in time (Redis went away after
        the claims): they fail, and give their names back."""
        waiting = self._handoffs.get(room, [])
        for i, (_, pending, _) in enumerate(waiting):
            if pending is batch:
                del waiting[i]
                break
        else:
            return
        if not waiting:
            self._handoffs.pop(room, None)
        self._fail(
            room,
            batch,
            SharedStateDown(
                f"cannot join room {room.name!r}: its events did not come back in time"
            ),
        )

    def release(self, room: Room, member: Member) -> None:
        """The member left: the others, on every node, hear it from the event stream."""
        room.leave(member)
        self._release(room, member.key, member.claim, member.name)

    def _release(self, room: Room, key: str, holder: str, name: str) -> None:
        """Give a name back in Redis (in the background: the connection is gone).
        Only this exact claim is released: never a newer claim of the same name."""
        task = asyncio.ensure_future(self._release_name(room, key, holder, name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _release_name(self, room: Room, key: str, holder: str, name: str) -> None:
        try:
            await self._leave_script(
                keys=[_key(room.name, "names"), _key(room.name, "ev")],
                args=[key, holder, name],
            )
        except RedisError as exc:
            # The entry goes with this node's heartbeat if Redis never returns;
            # if it does, the name stays held until then (or reclaimed by token).
            self._down(exc)
            log.warning("could not release %r in room %r: %s", name, room.name, exc)

    # -- messages ------------------------------------------------------------

    def submit(self, room: Room, member: Member, post: Post, sender: Any) -> None:
        # Redis assigns the seq with the append (_POST), which also checks that
        # the member still holds its name (fencing, see the module docstring).
        sent = _Sent(sender, member.claim, member.key)
        self._queue(room, stored_message(member.name, post, seq=0), sent)

    def _commit(self, batch: Batch) -> None:
        """Append the turn's messages (one pipeline); the stream acknowledges them."""
        task = asyncio.ensure_future(self._append(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _append(self, batch: Batch) -> None:
        # Every seq this node delivered existed before the appends below, so
        # INCR must hand out more than these (the reader may deliver our own
        # appends before their answers come back: compare with before).
        delivered = {room: room.delivered_seq for room, _, _ in batch}
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for room, m, sent in batch:
                    await self._post_script(
                        keys=[
                            _key(room.name, "seq"),
                            _key(room.name, "log"),
                            _key(room.name, "ids"),
                            _key(room.name, "epoch"),
                            f"rc:node:{self.node}",
                            _key(room.name, "names"),
                        ],
                        args=[
                            *(m.ts, m.sender, m.content, m.id),
                            *(self.retention, room.epoch, sent.holder, sent.key),
                        ],
                        client=pipe,
                    )
                results = await pipe.execute(raise_on_error=False)
        except RedisError as exc:
            self._down(exc)
            results = [exc] * len(batch)
        lost: dict[Room, list[tuple[ChatMessage, Any]]] = {}
        first_error: BaseException | None = None
        fenced = False
        for (room, message, sent), result in zip(batch, results, strict=True):
            sender = sent.peer
            if isinstance(result, BaseException):
                first_error = first_error or result
                lost.setdefault(room, []).append((message, sender))
                continue
            status, value = str(result[0]), str(result[1])
            if status == "ok" and int(value) <= delivered[room]:
                # The seq was handed out before: the store went back in time
                # (a failover that lost writes). A new epoch tells every node.
                await self._new_epoch(room)
            elif status == "dup":
                seq = int(float(value))
                # Stored, but not yet delivered here: its delivery through the
                # stream acknowledges it, in order. A copy now would overtake
                # the seqs before it, which the client would then drop.
                if seq <= room.delivered_seq:
                    self.events.duplicate(room, seq, sender)
            elif status == "epoch":
                self._reset(room, "the room's store in Redis was replaced (its epoch changed)")
            elif status in ("fenced", "gone"):
                fenced = True
            # ok: stored; its delivery through the stream acknowledges it. On a
            # reset or fence the message was not stored and stays pending at
            # its sender, which resends it after the 1012 (PROTOCOL.md, Delivery promise).
        for room, items in lost.items():
            self.events.failed(
                room,
                items,
                SharedStateDown(f"the room's message log (Redis) is unreachable: {first_error}"),
            )
        if fenced:
            self._fence("its heartbeat lease lapsed (an append was refused)")
            with contextlib.suppress(RedisError):
                await self._beat()

    async def _new_epoch(self, room: Room) -> None:
        try:
            await self.redis.set(_key(room.name, "epoch"), new_epoch())
        except RedisError as exc:
            self._down(exc)
        self._reset(room, "the room's store in Redis went back in time (a seq was reused)")


@dataclass(frozen=True, slots=True)
class _Sent:
    """A queued post's sender, and the claim it posts under (_POST checks it)."""

    peer: Any
    holder: str
    #: The key of its name: the field of the names hash that holds the claim.
    key: str


def new_epoch() -> str:
    """PROTOCOL.md, Epochs: an opaque name for one lifetime of a room's history."""
    return secrets.token_hex(8)
