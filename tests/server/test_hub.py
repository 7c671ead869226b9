"""The Hub protocol (server/hub.py), one suite for every hub.

Each case runs against ``LocalHub`` over SQLite and ``RedisHub`` over a real
``redis-server`` (skipped with a reason when it is not installed, a failure
under ROOMCAST_REQUIRE_ALL=1). ``Events`` records what a hub tells the
server: it stands in for our own callback interface (``HubEvents``), never
for the network or the database.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from roomcast.server.errors import HistoryError, NameTaken, SharedStateDown
from roomcast.server.history import SQLiteHistory
from roomcast.server.hub import Hub, Joined, LocalHub
from roomcast.server.names import guest_name, name_key
from roomcast.server.protocol import ChatMessage, Post, Presence
from roomcast.server.redis_hub import RedisHub
from roomcast.server.room import Member, Room
from tests.helpers import RedisServer, redis_server, until
from tests.server.test_history import locked

T = TypeVar("T")

RETENTION = 100

HUBS = [
    pytest.param("local", id="local"),
    pytest.param("redis", id="redis", marks=pytest.mark.needs("redis-server")),
]


class Events:
    """Records every HubEvents call, in order."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[Room, list[ChatMessage]]] = []
        self.failures: list[tuple[Room, list[tuple[ChatMessage, Any]], HistoryError]] = []
        self.duplicates: list[tuple[Room, int, Any]] = []
        self.presences: list[tuple[Room, Member | None, tuple[Presence, ...]]] = []
        self.replacements: list[Member] = []
        self.resets: list[tuple[Room, str]] = []
        self.fences: list[str] = []

    def deliver(self, room: Room, messages: list[ChatMessage]) -> None:
        self.deliveries.append((room, list(messages)))

    def failed(self, room: Room, lost: list[tuple[ChatMessage, Any]], error: HistoryError) -> None:
        self.failures.append((room, list(lost), error))

    def duplicate(self, room: Room, seq: int, sender: Any) -> None:
        self.duplicates.append((room, seq, sender))

    def presence(self, room: Room, subject: Member | None, frames: Sequence[Presence]) -> None:
        self.presences.append((room, subject, tuple(frames)))

    def replaced(self, member: Member) -> None:
        self.replacements.append(member)

    def store_reset(self, room: Room, why: str) -> None:
        self.resets.append((room, why))

    def fenced(self, why: str) -> None:
        self.fences.append(why)

    @property
    def messages(self) -> list[ChatMessage]:
        """Every delivered message, in delivery order."""
        return [m for _, batch in self.deliveries for m in batch]

    @property
    def frames(self) -> list[Presence]:
        """Every presence frame, in order."""
        return [f for _, _, frames in self.presences for f in frames]


async def resolve(x: T | Any) -> T:
    """A hub answers at once or with an awaitable (``Room | Awaitable[Room]``)."""
    if inspect.isawaitable(x):
        return await x  # type: ignore[no-any-return]
    return x  # type: ignore[no-any-return]


@dataclass
class Store:
    """Where a hub keeps its rooms: an SQLite database, or a real Redis."""

    kind: str
    redis: RedisServer | None = None

    async def open(self, events: Events, *, db: str | Path = ":memory:") -> Hub:
        """A started hub over this store (``db``: the SQLite file, local only)."""
        hub: Hub
        if self.kind == "local":
            hub = LocalHub(SQLiteHistory(db), events, retention=RETENTION)
        else:
            assert self.redis is not None
            hub = RedisHub(self.redis.url, events, retention=RETENTION)
        await hub.start()
        return hub


@pytest.fixture(params=HUBS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "local":
        yield Store("local")
    else:
        with redis_server() as server:  # skips (or fails, in CI) without redis-server
            yield Store("redis", server)


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
async def hub(store: Store, events: Events) -> AsyncIterator[Hub]:
    h = await store.open(events)
    try:
        yield h
    finally:
        await h.close()


async def join(hub: Hub, room: Room, name: str | None, peer: Any = None) -> Joined:
    joined = await resolve(hub.claim(room, peer or f"peer-{name}", name, None, None))
    assert isinstance(joined, Joined)
    return joined


# -- rooms ------------------------------------------------------------------------------


async def test_a_new_room_starts_at_seq_0(hub: Hub) -> None:
    room = await resolve(hub.open_room("fresh"))
    assert isinstance(room, Room)
    assert (room.name, room.last_seq, room.delivered_seq, room.members) == ("fresh", 0, 0, {})
    assert room.retention == RETENTION


async def test_a_reopened_store_gives_the_rooms_last_seq_and_remembers_ids(
    store: Store, tmp_path: Path
) -> None:
    db = tmp_path / "history.db"
    events = Events()
    hub = await store.open(events, db=db)
    try:
        room = await resolve(hub.open_room("r"))
        alice = await join(hub, room, "alice")
        for i in range(3):
            hub.submit(room, alice.member, Post(content=f"m{i}", id=f"id{i}"), "s")
        await until(lambda: len(events.messages) == 3, what="three deliveries")
    finally:
        await hub.close()

    events = Events()
    again = await store.open(events, db=db)
    try:
        room = await resolve(again.open_room("r"))
        assert (room.last_seq, room.delivered_seq) == (3, 3)
        assert (await resolve(again.open_room("other"))).last_seq == 0
        # Idempotency outlives the hub: id1 was stored as seq 2.
        bob = await join(again, room, "bob")
        again.submit(room, bob.member, Post(content="again", id="id1"), "s2")
        await until(lambda: events.duplicates, what="the duplicate")
        assert [(r.name, seq, sender) for r, seq, sender in events.duplicates] == [("r", 2, "s2")]
        assert events.messages == []
    finally:
        await again.close()


# -- names ------------------------------------------------------------------------------


async def test_a_name_is_held_once_and_reclaimed_with_its_token(hub: Hub, events: Events) -> None:
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "alice", "peer-a")
    assert (alice.member.name, alice.member.peer, alice.members, alice.replaced) == (
        "alice",
        "peer-a",
        ("alice",),
        None,
    )
    assert alice.member.token
    bob = await join(hub, room, "bob")
    assert sorted(bob.members) == ["alice", "bob"]

    with pytest.raises(NameTaken, match="the name 'alice' is taken in room 'r'"):
        await resolve(hub.claim(room, "peer-x", "alice", None, None))
    with pytest.raises(NameTaken):
        await resolve(hub.claim(room, "peer-x", "alice", "not-the-token", None))
    assert room.members["alice"] is alice.member

    # The holder's token moves the name; on the hub that held it, Joined.replaced
    # is the old connection (the server closes it), for both hubs.
    again = await resolve(hub.claim(room, "peer-a2", "alice", alice.member.token, None))
    assert again.replaced is alice.member
    assert (again.member.name, again.member.token, again.member.peer) == (
        "alice",
        alice.member.token,
        "peer-a2",
    )
    assert room.members["alice"] is again.member
    assert sorted(again.members) == ["alice", "bob"]

    # Let everything the hub has to say arrive: bob's leave comes after the
    # replace in the event stream (Redis).
    hub.release(room, bob.member)
    await until(lambda: Presence("leave", "bob", 1) in events.frames, what="bob's leave")
    # A replace is no leave and no join, and Joined.replaced already said it
    # (HubEvents.replaced is for a holder on another node).
    assert events.frames == [
        Presence("join", "alice", 1),
        Presence("join", "bob", 2),
        Presence("leave", "bob", 1),
    ]
    assert events.replacements == []


async def test_no_name_is_the_next_free_guest_number(hub: Hub) -> None:
    room = await resolve(hub.open_room("r"))
    assert (await join(hub, room, None)).member.name == "guest-1"
    assert (await join(hub, room, None)).member.name == "guest-2"
    taken = await join(hub, room, "guest-3")
    assert taken.member.name == "guest-3"
    fourth = await join(hub, room, None)
    assert fourth.member.name == "guest-4"
    assert sorted(fourth.members) == ["guest-1", "guest-2", "guest-3", "guest-4"]


async def test_join_and_leave_reach_presence(hub: Hub, events: Events) -> None:
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "alice")
    await until(lambda: events.presences, what="alice's join")
    hub.release(room, alice.member)
    assert "alice" not in room.members
    await until(lambda: len(events.presences) == 2, what="alice's leave")
    assert events.frames == [Presence("join", "alice", 1), Presence("leave", "alice", 0)]
    (r1, joiner, _), (r2, leaver, _) = events.presences
    assert r1 is room and r2 is room
    # The joiner is not told of its own join. RedisHub reads the event back from
    # its stream, possibly before claim() has joined locally: then nobody is the subject.
    assert joiner is alice.member if isinstance(hub, LocalHub) else joiner in (alice.member, None)
    assert leaver is None


async def test_a_guest_that_takes_a_name_leaves_as_the_guest(hub: Hub, events: Events) -> None:
    """PROTOCOL.md, Joining: a hello after a guest membership takes its place;
    the others see guest-N leave and the chosen name join, welcome.members is the room after."""
    room = await resolve(hub.open_room("r"))
    guest = await join(hub, room, None, "peer")
    named = await resolve(hub.claim(room, "peer", "carol", None, guest.member))
    assert named.member.name == "carol"
    assert list(room.members) == ["carol"]
    assert named.members == ("carol",)
    await until(lambda: len(events.frames) >= 3, what="three presence frames")
    assert events.frames == [
        Presence("join", "guest-1", 1),
        Presence("leave", "guest-1", 0),
        Presence("join", "carol", 1),
    ]


# -- messages ---------------------------------------------------------------------------


async def test_one_turns_posts_are_delivered_in_seq_order_and_stored(
    hub: Hub, events: Events
) -> None:
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "alice")
    for i, text in enumerate(("one", "two", "three"), 1):
        hub.submit(room, alice.member, Post(content=text, id=f"m{i}"), f"s{i}")
    await until(lambda: len(events.messages) >= 3, what="three deliveries")
    delivered = events.messages
    assert [(m.seq, m.sender, m.content, m.id) for m in delivered] == [
        (1, "alice", "one", "m1"),
        (2, "alice", "two", "m2"),
        (3, "alice", "three", "m3"),
    ]
    assert all(r is room for r, _ in events.deliveries)
    assert (room.last_seq, room.delivered_seq) == (3, 3)
    assert events.failures == [] and events.duplicates == []

    history = hub.history
    assert await resolve(history.after(room.name, 0, 3, 10)) == delivered
    assert await resolve(history.after(room.name, 1, 3, 10)) == delivered[1:]
    assert await resolve(history.after(room.name, 0, 3, 2)) == delivered[:2]
    assert await resolve(history.after(room.name, 0, 2, 10)) == delivered[:2]
    assert await resolve(history.before(room.name, 4, 1, 10)) == delivered
    assert await resolve(history.before(room.name, 4, 1, 2)) == delivered[1:]
    assert await resolve(history.before(room.name, 3, 2, 10)) == delivered[1:2]
    assert await resolve(history.before(room.name, 1, 1, 10)) == []
    assert await resolve(history.get(room.name, 2)) == delivered[1]
    assert await resolve(history.get(room.name, 4)) is None
    assert await resolve(history.after("elsewhere", 0, 3, 10)) == []


async def test_an_id_stored_before_is_a_duplicate_of_the_original_seq(
    hub: Hub, events: Events
) -> None:
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "alice")
    hub.submit(room, alice.member, Post(content="first", id="same"), "s1")
    await until(lambda: events.messages, what="the first delivery")
    hub.submit(room, alice.member, Post(content="resent", id="same"), "s2")
    await until(lambda: events.duplicates, what="the duplicate")
    assert [(r, seq, sender) for r, seq, sender in events.duplicates] == [(room, 1, "s2")]
    # Nothing was stored or delivered for it, and no seq was spent on it.
    hub.submit(room, alice.member, Post(content="next", id="other"), "s3")
    await until(lambda: len(events.messages) >= 2, what="the next delivery")
    assert [(m.seq, m.content) for m in events.messages] == [(1, "first"), (2, "next")]
    assert [m.content for m in await resolve(hub.history.after("r", 0, 10, 10))] == [
        "first",
        "next",
    ]


async def test_an_id_twice_in_one_turn_is_stored_and_delivered_once(
    hub: Hub, events: Events
) -> None:
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "alice")
    hub.submit(room, alice.member, Post(content="first", id="same"), "s1")
    hub.submit(room, alice.member, Post(content="again", id="same"), "s2")
    hub.submit(room, alice.member, Post(content="next", id="other"), "s3")
    await until(lambda: len(events.messages) >= 2, what="two deliveries")
    assert [(m.seq, m.content) for m in events.messages] == [(1, "first"), (2, "next")]
    # While the original is in flight, its broadcast acknowledges the copy
    # (both hubs); RedisHub learns of the duplicate with the append and sends
    # the stored copy only if its reader delivered the original already (a
    # copy ahead of the stream would overtake earlier seqs).
    assert events.duplicates in ([], [(room, 1, "s2")])
    if isinstance(hub, LocalHub):
        assert events.duplicates == []
    assert len(await resolve(hub.history.after("r", 0, 10, 10))) == 2


async def test_flush_hands_over_this_turns_posts_at_once(hub: Hub, events: Events) -> None:
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "alice")
    hub.submit(room, alice.member, Post(content="now", id="n1"), "s")
    assert events.messages == []  # submit waits for the end of the turn
    hub.flush()
    if isinstance(hub, LocalHub):
        # Committed and delivered before any await.
        assert [(m.seq, m.content) for m in events.messages] == [(1, "now")]
    await until(lambda: events.messages, what="the delivery")
    hub.flush()  # nothing pending: nothing happens
    await asyncio.sleep(0.1)
    assert [(m.seq, m.content) for m in events.messages] == [(1, "now")]


async def test_close_stores_what_is_pending(store: Store, tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    hub = await store.open(Events(), db=db)
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "alice")
    hub.submit(room, alice.member, Post(content="last words", id="bye"), "s")
    await hub.close()  # no loop turn in between: close flushes
    again = await store.open(Events(), db=db)
    try:
        assert (await resolve(again.open_room("r"))).last_seq == 1
        stored = await resolve(again.history.get("r", 1))
        assert (stored.sender, stored.content, stored.id) == ("alice", "last words", "bye")
    finally:
        await again.close()


# -- health and failures ------------------------------------------------------------------


async def test_health_of_a_working_hub(hub: Hub) -> None:
    health = hub.health()
    assert isinstance(health, dict)
    assert health.get("status", "ok") == "ok"
    if isinstance(hub, RedisHub):
        assert health == {"node": hub.node, "redis": "ok"}
    else:
        assert health == {}


async def test_local_a_failed_commit_goes_to_failed_and_rolls_back() -> None:
    """LocalHub only: the SQLite store fails (closed under the hub)."""
    events = Events()
    hub = LocalHub(SQLiteHistory(":memory:"), events, retention=RETENTION)
    await hub.start()
    room = hub.open_room("r")
    alice = hub.claim(room, "p", "alice", None, None).member
    hub.history.close()
    hub.submit(room, alice, Post(content="lost", id="x1"), "s")
    hub.flush()
    assert events.messages == []
    [(failed_room, lost, error)] = events.failures
    assert failed_room is room
    assert [(m.seq, m.content, sender) for m, sender in lost] == [(1, "lost", "s")]
    assert isinstance(error, HistoryError)
    assert "cannot store 1 message(s)" in str(error)
    # Rolled back: the seq is free again and the id may be resent.
    assert (room.last_seq, room.delivered_seq) == (0, 0)
    assert "x1" not in room.ids
    await hub.close()


@pytest.mark.needs("redis-server")
async def test_redis_down_fails_posts_and_degrades_health() -> None:
    """RedisHub only: the redis-server is stopped under a running hub."""
    with redis_server() as server:
        events = Events()
        hub = RedisHub(server.url, events, retention=RETENTION)
        await hub.start()
        try:
            room = await hub.open_room("r")
            alice = await hub.claim(room, "p", "alice", None, None)
            server.stop()
            hub.submit(room, alice.member, Post(content="into the void", id="v1"), "s")
            await until(lambda: events.failures, what="the failure")
            [(failed_room, lost, error)] = events.failures
            assert failed_room is room
            assert [(m.content, m.id, sender) for m, sender in lost] == [
                ("into the void", "v1", "s")
            ]
            assert isinstance(error, SharedStateDown)
            assert "the room's message log (Redis) is unreachable" in str(error)
            assert events.messages == []
            health = hub.health()
            assert (health["redis"], health["status"]) == ("unreachable", "degraded")
            assert health["error"].startswith("Redis is unreachable: ")
            with pytest.raises(SharedStateDown):
                await hub.claim(room, "q", "bob", None, None)
            with pytest.raises(SharedStateDown):
                await hub.history.get("r", 1)
        finally:
            await hub.close()


@pytest.mark.needs("redis-server")
async def test_redis_a_token_on_another_node_replaces_the_holder_there() -> None:
    """RedisHub only: two hubs (nodes) on one Redis share names and presence."""
    with redis_server() as server:
        a_events, b_events = Events(), Events()
        a = RedisHub(server.url, a_events, retention=RETENTION)
        b = RedisHub(server.url, b_events, retention=RETENTION)
        await a.start()
        await b.start()
        try:
            room_a = await a.open_room("r")
            room_b = await b.open_room("r")
            alice = await a.claim(room_a, "pa", "alice", None, None)
            bob = await b.claim(room_b, "pb", "bob", None, None)
            assert bob.members == ("alice", "bob")
            with pytest.raises(NameTaken):
                await b.claim(room_b, "px", "alice", None, None)
            await until(lambda: len(a_events.frames) == 2, what="bob's join on node a")
            assert a_events.frames == [Presence("join", "alice", 1), Presence("join", "bob", 2)]

            moved = await b.claim(room_b, "pa2", "alice", alice.member.token, None)
            assert moved.replaced is None  # the holder was on node a
            assert moved.member.token == alice.member.token
            await until(lambda: a_events.replacements, what="the replace on node a")
            assert a_events.replacements == [alice.member]
            assert "alice" not in room_a.members
            assert sorted(room_b.members) == ["alice", "bob"]
            # Nobody saw alice leave or join again.
            await until(lambda: len(b_events.frames) >= 2, what="both joins on node b")
            assert b_events.frames == a_events.frames
            assert b_events.replacements == []
        finally:
            await a.close()
            await b.close()


# -- LocalHub: a file locked by another program, and the idempotency window ----------------
# (PROTOCOL.md, Delivery promise and Order and scope; the locker is a real
# second process, tests/server/test_history.py ``locked``.)


async def local_hub(
    db: Path, events: Events, *, retention: int = RETENTION, busy_deadline: float = 10.0
) -> LocalHub:
    hub = LocalHub(SQLiteHistory(db, busy_deadline=busy_deadline), events, retention=retention)
    await hub.start()
    return hub


async def test_local_batches_wait_behind_a_locked_file_in_seq_order(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    events = Events()
    hub = await local_hub(db, events)
    try:
        r = await resolve(hub.open_room("r"))
        q = await resolve(hub.open_room("q"))
        alice = (await join(hub, r, "alice")).member
        bob = (await join(hub, q, "bob")).member
        hub.submit(r, alice, Post(content="r1", id="r1"), "s")
        await until(lambda: events.messages, what="the first delivery")
        async with locked(db, 0.8) as locker:
            # Several turns' batches, two rooms, and a resend of an id in flight.
            for turn in range(3):
                hub.submit(r, alice, Post(content=f"r{turn + 2}", id=f"r{turn + 2}"), "s")
                hub.submit(q, bob, Post(content=f"q{turn + 1}", id=f"q{turn + 1}"), "s")
                await asyncio.sleep(0.05)
            hub.submit(r, alice, Post(content="r2 again", id="r2"), "rider")
            await asyncio.sleep(0.2)
            # Nothing is delivered (acknowledged) before it is committed.
            assert [m.content for m in events.messages] == ["r1"]
            assert (r.last_seq, r.delivered_seq, q.last_seq, q.delivered_seq) == (4, 1, 3, 0)
            await locker.wait()
        await until(lambda: len(events.messages) == 7, what="the waiting messages")
        await asyncio.sleep(0.1)
        for room, expected in ((r, ["r1", "r2", "r3", "r4"]), (q, ["q1", "q2", "q3"])):
            delivered = [m for room_, batch in events.deliveries if room_ is room for m in batch]
            assert [(m.seq, m.content) for m in delivered] == list(enumerate(expected, 1))
            assert (room.last_seq, room.delivered_seq) == (len(expected), len(expected))
            stored = await hub.history.after(room.name, 0, 10, 10)
            assert stored == delivered
        assert events.failures == [] and events.duplicates == []
    finally:
        await hub.close()


async def test_local_a_lock_past_the_deadline_fails_everything_waiting(tmp_path: Path) -> None:
    """Every message not yet committed fails, whichever turn it came in, its
    resend too; every room rolls back to its last commit, gap-free."""
    db = tmp_path / "h.sqlite3"
    events = Events()
    hub = await local_hub(db, events, busy_deadline=0.3)
    try:
        r = await resolve(hub.open_room("r"))
        q = await resolve(hub.open_room("q"))
        alice = (await join(hub, r, "alice")).member
        bob = (await join(hub, q, "bob")).member
        hub.submit(r, alice, Post(content="kept", id="k"), "s0")
        await until(lambda: events.messages, what="the first delivery")
        async with locked(db, 3.0):
            hub.submit(r, alice, Post(content="a", id="a"), "s1")
            await asyncio.sleep(0.05)
            hub.submit(q, bob, Post(content="b", id="b"), "s2")
            hub.submit(r, alice, Post(content="a again", id="a"), "s3")
            await until(lambda: events.failures, what="the failure")
            await asyncio.sleep(0.1)
            lost = {
                room.name: [(m.seq, m.id, sender) for m, sender in batch]
                for room, batch, _ in events.failures
            }
            assert lost == {"r": [(2, "a", "s1"), (2, "a", "s3")], "q": [(1, "b", "s2")]}
            (_, _, error), *_ = events.failures
            assert str(error).startswith("cannot store 2 message(s): the history database ")
            assert "stayed locked by another program for" in str(error)
            assert [m.content for m in events.messages] == ["kept"]
            assert (r.last_seq, r.delivered_seq, q.last_seq, q.delivered_seq) == (1, 1, 0, 0)
            assert "a" not in r.ids and "b" not in q.ids
        hub.submit(r, alice, Post(content="a", id="a"), "s1")
        hub.submit(q, bob, Post(content="b", id="b"), "s2")
        await until(lambda: len(events.messages) == 3, what="the resends")
        assert [(m.seq, m.id) for m in events.messages] == [(1, "k"), (2, "a"), (1, "b")]
    finally:
        await hub.close()


async def test_local_close_waits_for_a_locked_batch(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    events = Events()
    hub = await local_hub(db, events)
    room = await resolve(hub.open_room("r"))
    alice = (await join(hub, room, "alice")).member
    async with locked(db, 0.5):
        hub.submit(room, alice, Post(content="last words", id="bye"), "s")
        await hub.close()  # waits for the lock (up to the deadline), then stores
    assert [m.content for m in events.messages] == ["last words"]
    again = await local_hub(db, Events())
    try:
        assert (await resolve(again.open_room("r"))).last_seq == 1
    finally:
        await again.close()


async def test_local_idempotency_lasts_exactly_the_retention_window(tmp_path: Path) -> None:
    """PROTOCOL.md, Order and scope: an id is idempotent for as long as its
    message is retained, and no longer. An id past the window is a new message,
    and storing it again never fails the batch it shares with others."""
    db = tmp_path / "h.sqlite3"
    events = Events()
    hub = await local_hub(db, events, retention=5)
    try:
        room = await resolve(hub.open_room("r"))
        alice = (await join(hub, room, "alice")).member
        bob = (await join(hub, room, "bob")).member
        for n in range(1, 9):
            hub.submit(room, alice, Post(content=f"a{n}", id=f"a{n}"), "sa")
        await until(lambda: len(events.messages) == 8, what="a1..a8")
        # One turn: a1 again (out of the window: seqs 4..8 are kept) and bob's post.
        hub.submit(room, alice, Post(content="a1 again", id="a1"), "sa")
        hub.submit(room, bob, Post(content="b1", id="b1"), "sb")
        await until(lambda: len(events.messages) == 10, what="the shared batch")
        assert [(m.seq, m.id) for m in events.deliveries[-1][1]] == [(9, "a1"), (10, "b1")]
        assert events.failures == []
        # a7 is inside the window: its sender alone gets the stored copy, no new seq.
        hub.submit(room, alice, Post(content="a7 again", id="a7"), "sa2")
        await until(lambda: events.duplicates, what="the duplicate")
        assert [(seq, sender) for _, seq, sender in events.duplicates] == [(7, "sa2")]
        await asyncio.sleep(0.05)
        assert len(events.messages) == 10 and room.last_seq == 10
    finally:
        await hub.close()

    # The window is the file's last ``retention`` messages after a restart too.
    events = Events()
    again = await local_hub(db, events, retention=5)
    try:
        room = await resolve(again.open_room("r"))
        alice = (await join(again, room, "alice")).member
        again.submit(room, alice, Post(content="a8 again", id="a8"), "s1")  # seq 8: kept
        again.submit(room, alice, Post(content="a5 again", id="a5"), "s2")  # seq 5: gone
        await until(lambda: events.duplicates and events.messages, what="both answers")
        assert [(seq, sender) for _, seq, sender in events.duplicates] == [(8, "s1")]
        assert [(m.seq, m.id) for m in events.messages] == [(11, "a5")]
    finally:
        await again.close()


# -- names that compare equal (PROTOCOL.md, Names) ---------------------------------------
# NFC, case folding and the confusable skeleton (server/names.py name_key): one
# name, whichever hub, whichever node.


def taken(wanted: str, held: str, room: str = "r") -> str:
    return (
        f"the name {wanted!r} is taken in room {room!r} (too like {held!r}, which a member "
        "holds): choose another, or send the token from your earlier welcome"
    )


async def test_names_that_compare_equal_are_one_name(hub: Hub, events: Events) -> None:
    room = await resolve(hub.open_room("r"))
    alice = await join(hub, room, "Alice", "peer-a")
    for spelling in ("alice", "ALICE", "\u0410lice", "\u0430lice", "a1ice"):
        with pytest.raises(NameTaken) as info:
            await resolve(hub.claim(room, "peer-x", spelling, None, None))
        assert str(info.value) == taken(spelling, "Alice")
    assert list(room.members) == ["Alice"]

    # The token reclaims the name in any spelling, and the name keeps its own.
    again = await resolve(hub.claim(room, "peer-a2", "\u0430LICE", alice.member.token, None))
    assert again.replaced is alice.member
    assert (again.member.name, again.member.token, again.member.peer) == (
        "Alice",
        alice.member.token,
        "peer-a2",
    )
    assert again.members == ("Alice",)
    assert room.members["Alice"] is again.member

    # Given back, the name is free for a look-alike, shown as it spells itself.
    hub.release(room, again.member)
    await until(lambda: Presence("leave", "Alice", 0) in events.frames, what="Alice's leave")
    other = await join(hub, room, "\u0430lice")
    assert (other.member.name, other.members) == ("\u0430lice", ("\u0430lice",))
    await until(lambda: len(events.frames) >= 3, what="the look-alike's join")
    assert events.frames == [
        Presence("join", "Alice", 1),
        Presence("leave", "Alice", 0),
        Presence("join", "\u0430lice", 1),
    ]
    assert events.replacements == []


async def test_a_name_is_shown_as_given_in_presence_messages_and_members(
    hub: Hub, events: Events
) -> None:
    room = await resolve(hub.open_room("r"))
    zoe = await join(hub, room, "Zo\u00eb Q")
    bob = await join(hub, room, "bob")
    assert sorted(bob.members) == ["Zo\u00eb Q", "bob"]
    hub.submit(room, zoe.member, Post(content="hi", id="z1"), "s")
    await until(lambda: events.messages, what="Zoë's message")
    assert [(m.sender, m.content) for m in events.messages] == [("Zo\u00eb Q", "hi")]
    with pytest.raises(NameTaken):
        await resolve(hub.claim(room, "peer-x", "ZOE\u0308 q", None, None))
    hub.release(room, zoe.member)
    await until(lambda: len(events.frames) >= 3, what="Zoë's leave")
    assert events.frames == [
        Presence("join", "Zo\u00eb Q", 1),
        Presence("join", "bob", 2),
        Presence("leave", "Zo\u00eb Q", 1),
    ]


def test_redis_computes_the_key_of_guest_n_as_name_key_does() -> None:
    """_JOIN numbers guests itself, and Lua cannot run name_key: its rule (the
    digits 0 and 1 read as o and l, the rest kept) must be name_key's."""
    for n in range(1, 3000):
        lua = "guest-" + str(n).replace("0", "o").replace("1", "l")
        assert name_key(guest_name(n)) == lua, n


async def test_guest_numbers_skip_names_that_compare_equal(hub: Hub, events: Events) -> None:
    room = await resolve(hub.open_room("r"))
    await join(hub, room, "GUEST-1")
    await join(hub, room, "Guest-3")
    await join(hub, room, "guest-lo")  # guest-10, in TR39's digit classes
    guests = [(await join(hub, room, None)).member for _ in range(8)]
    assert [g.name for g in guests] == [
        "guest-2",
        *(f"guest-{n}" for n in range(4, 10)),
        "guest-11",
    ]
    # A guest posts under the claim the hub stored by its key.
    hub.submit(room, guests[-1], Post(content="hi", id="g1"), "s")
    await until(lambda: events.messages, what="the guest's message")
    assert [(m.sender, m.content) for m in events.messages] == [("guest-11", "hi")]


async def test_a_guest_may_take_its_own_name_in_another_case(hub: Hub, events: Events) -> None:
    room = await resolve(hub.open_room("r"))
    guest = await join(hub, room, None, "peer")
    named = await resolve(hub.claim(room, "peer", "Guest-1", None, guest.member))
    assert (named.member.name, named.members, list(room.members)) == (
        "Guest-1",
        ("Guest-1",),
        ["Guest-1"],
    )
    await until(lambda: len(events.frames) >= 3, what="three presence frames")
    assert events.frames == [
        Presence("join", "guest-1", 1),
        Presence("leave", "guest-1", 0),
        Presence("join", "Guest-1", 1),
    ]


@pytest.mark.needs("redis-server")
async def test_redis_two_nodes_never_admit_names_that_compare_equal() -> None:
    with redis_server() as server:
        a_events, b_events = Events(), Events()
        a = RedisHub(server.url, a_events, retention=RETENTION)
        b = RedisHub(server.url, b_events, retention=RETENTION)
        await a.start()
        await b.start()
        try:
            room_a = await a.open_room("r")
            room_b = await b.open_room("r")
            alice = await a.claim(room_a, "pa", "alice", None, None)
            for spelling in ("ALICE", "\u0430lice", "a1ice"):
                with pytest.raises(NameTaken) as info:
                    await b.claim(room_b, "px", spelling, None, None)
                assert str(info.value) == taken(spelling, "alice")

            # Two nodes at once, "bob" and "BOB": one is admitted, never both.
            results = await asyncio.gather(
                a.claim(room_a, "pb1", "bob", None, None),
                b.claim(room_b, "pb2", "BOB", None, None),
                return_exceptions=True,
            )
            won = [r for r in results if isinstance(r, Joined)]
            lost = [r for r in results if isinstance(r, NameTaken)]
            assert (len(won), len(lost)) == (1, 1), results
            bob = won[0].member.name

            # The token moves "alice" to node b in another spelling; it keeps its own.
            moved = await b.claim(room_b, "pa2", "\u0410LICE", alice.member.token, None)
            assert moved.replaced is None  # the holder was on node a
            assert (moved.member.name, moved.member.token) == ("alice", alice.member.token)
            assert sorted(moved.members) == sorted(["alice", bob])
            await until(lambda: a_events.replacements, what="the replace on node a")
            assert a_events.replacements == [alice.member]
            assert "alice" not in room_a.members

            # Its leave reaches node a with the name as shown, and frees every spelling.
            b.release(room_b, moved.member)
            await until(lambda: Presence("leave", "alice", 1) in a_events.frames, what="leave")
            again = await a.claim(room_a, "pc", "ALICE", None, None)
            assert again.member.name == "ALICE"
            assert sorted(again.members) == sorted(["ALICE", bob])
        finally:
            await a.close()
            await b.close()


@pytest.mark.needs("redis-server")
async def test_redis_a_dead_nodes_member_leaves_by_the_name_it_was_shown_with() -> None:
    """_REAP (and _JOIN on the way) drop a dead node's entries by their key and
    tell the others the shown name: here one with a space and a diacritic."""
    with redis_server() as server:
        a_events, b_events = Events(), Events()
        a = RedisHub(server.url, a_events, retention=RETENTION)
        b = RedisHub(server.url, b_events, retention=RETENTION, heartbeat=0.1)
        await a.start()
        await b.start()
        try:
            room_a = await a.open_room("r")
            room_b = await b.open_room("r")
            await a.claim(room_a, "pz", "Zo\u00eb Q", None, None)
            with pytest.raises(NameTaken):
                await b.claim(room_b, "px", "zoe\u0308 q", None, None)
            # Node b has a member of its own there: it reads the room's events.
            await b.claim(room_b, "py", "yan", None, None)
            await b.redis.delete(f"rc:node:{a.node}")  # node a is gone (its lease lapsed)
            await until(
                lambda: Presence("leave", "Zo\u00eb Q", 1) in b_events.frames,
                what="the dead node's member's leave",
            )
            taken_over = await b.claim(room_b, "px", "zoe\u0308 q", None, None)
            assert sorted(taken_over.members) == sorted(("zoe\u0308 q", "yan"))
            assert sorted(await b.redis.hkeys("rc:r:names")) == sorted(
                [name_key("zoe\u0308 q"), name_key("yan")]
            )
        finally:
            await a.close()
            await b.close()
