"""Several roomcast-server nodes sharing rooms through a real redis-server.

The issue's three proofs: every client on every node gets every message
exactly once in one seq order; a node killed with SIGKILL loses nothing
(its clients fail over and resume with since); Redis stopped for a while
gives clear errors and loses nothing acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from roomcast.desktop.client import Backoff, Incoming, RoomClient
from roomcast.server.errors import NameTaken, SharedStateDown
from roomcast.server.hub import Joined
from roomcast.server.names import name_key
from roomcast.server.protocol import SUBPROTOCOL, ChatMessage, Post, Presence
from tests.helpers import (
    WAIT,
    RedisServer,
    free_port,
    member,
    peer,
    redis_server,
    running_server,
    server_process,
    until,
)
from tests.server.test_main import one_error_line, run_cli

FAST = ("--rate", "100000", "--burst", "100000")


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


def healthz(url: str) -> tuple[int, dict[str, Any]]:
    http = url.replace("ws://", "http://").split("/r/")[0].rstrip("/") + "/healthz"
    try:
        with urllib.request.urlopen(http, timeout=WAIT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@contextlib.asynccontextmanager
async def two_nodes(redis: RedisServer, **config: Any) -> AsyncIterator[tuple[str, str]]:
    """Two in-process nodes sharing rooms through ``redis``: their lobby URLs."""
    async with (
        running_server(redis=redis.url, **config) as a,
        running_server(redis=redis.url, **config) as b,
    ):
        yield a.urls[0], b.urls[0]


async def test_a_message_posted_on_one_node_reaches_members_on_another(
    redis: RedisServer,
) -> None:
    async with two_nodes(redis) as (a, b):
        async with member(a + "r/x", "alice") as (alice, _):
            async with member(b + "r/x", "bob") as (bob, w2):
                assert w2["members"] == ["alice", "bob"]
                join = await alice.until("presence")
                assert (join["event"], join["name"], join["count"]) == ("join", "bob", 2)
                await bob.send({"type": "message", "content": "across", "id": "b1"})
                for p in (alice, bob):  # bob's copy is his acknowledgement
                    got = await p.until("message")
                    assert (got["seq"], got["from"], got["content"]) == (1, "bob", "across")


async def test_names_are_unique_across_nodes_and_the_token_moves_one(
    redis: RedisServer,
) -> None:
    async with two_nodes(redis) as (a, b):
        async with member(a, "alice") as (old, welcome), peer(b) as p:
            await p.send({"type": "hello", "name": "alice"})
            error = await p.until("error")
            assert (error["code"], error["message"]) == (
                "name_taken",
                f"the name 'alice' is taken in room {welcome['room']!r}: "
                "choose another, or send the token from your earlier welcome",
            )
            await p.send({"type": "hello", "name": "alice", "token": welcome["token"]})
            again = await p.until("welcome")
            assert (again["you"], again["token"], again["members"]) == (
                "alice",
                welcome["token"],
                ["alice"],
            )
            assert await old.closed() == (1000, "replaced by a new connection")


async def test_three_nodes_1000_messages_exactly_once_in_one_order(redis: RedisServer) -> None:
    with contextlib.ExitStack() as stack:
        procs = [stack.enter_context(server_process("--redis", redis.url, *FAST)) for _ in range(3)]
        urls = [p.url + "r/big" for p in procs]
        async with contextlib.AsyncExitStack() as clients:
            peers = []
            for n in range(6):  # two clients on each node
                p, _ = await clients.enter_async_context(member(urls[n % 3], f"c{n}"))
                peers.append(p)
            senders = peers[:3]  # one on each node

            async def send(p: Any, who: int, n: int) -> None:
                for i in range(n):
                    await p.send({"type": "message", "content": f"{who}:{i}", "id": f"{who}-{i}"})

            async def receive(p: Any) -> list[tuple[int, str]]:
                got: list[tuple[int, str]] = []
                while len(got) < 1000:
                    frame = await p.until("message", timeout=WAIT * 3)
                    got.append((frame["seq"], frame["content"]))
                return got

            receivers = [asyncio.ensure_future(receive(p)) for p in peers]
            await asyncio.gather(
                send(senders[0], 0, 334), send(senders[1], 1, 333), send(senders[2], 2, 333)
            )
            results = await asyncio.gather(*receivers)
            first = results[0]
            assert [seq for seq, _ in first] == list(range(1, 1001))
            assert sorted(c for _, c in first) == sorted(
                [f"0:{i}" for i in range(334)] + [f"{w}:{i}" for w in (1, 2) for i in range(333)]
            )
            for other in results[1:]:
                assert other == first
            for p in peers:  # and nothing more comes: exactly once
                assert [f for f in await p.quiet(0.3) if f["type"] == "message"] == []


async def test_a_node_killed_with_sigkill_loses_nothing(redis: RedisServer) -> None:
    with contextlib.ExitStack() as stack:
        procs = [stack.enter_context(server_process("--redis", redis.url, *FAST)) for _ in range(3)]
        urls = [p.url + "r/failover" for p in procs]
        received: dict[str, list[ChatMessage]] = {}
        clients: list[RoomClient] = []
        for n in range(3):
            name = f"u{n}"
            received[name] = []

            def on_frame(incoming: Incoming, name: str = name) -> None:
                if isinstance(incoming.frame, ChatMessage):
                    received[name].append(incoming.frame)

            client = RoomClient(
                name=name, on_frame=on_frame, backoff=Backoff(initial=0.1, maximum=0.5)
            )
            # Each client's own node first, then the next one (a failover list).
            client.start([urls[n], urls[(n + 1) % 3]])
            clients.append(client)
        try:
            await until(lambda: all(c.status.state.name == "CONNECTED" for c in clients))
            entries = []
            for i in range(60):
                for n, client in enumerate(clients):
                    entries.append(client.send_message(f"u{n}:{i}"))
                if i == 20:
                    procs[0].proc.send_signal(signal.SIGKILL)  # u0's node, mid-flow
                await asyncio.sleep(0.02)
            total = len(entries)
            await until(
                lambda: all(e.state.name == "SENT" for e in entries),
                timeout=WAIT * 3,
                what="every message acknowledged",
            )
            await until(
                lambda: all(len(r) >= total for r in received.values()),
                timeout=WAIT * 3,
                what="every client to have every message",
            )
            for name, messages in received.items():
                seqs = [m.seq for m in messages]
                assert seqs == list(range(1, total + 1)), name  # no loss, no duplicate, in order
                assert sorted(m.content for m in messages) == sorted(e.content for e in entries)
            assert clients[0].status.url == urls[1]  # u0 moved to its second node
        finally:
            for client in clients:
                await client.stop()


async def test_redis_outage_errors_then_resumes_without_loss(tmp_path: Any) -> None:
    # Persistence on for this one: Redis restarts and must still hold what
    # it acknowledged (docs/scale-out.md: the promise ends where Redis's does).
    redis = RedisServer(free_port(), data_dir=tmp_path)
    redis.start()
    try:
        with (
            server_process("--redis", redis.url, *FAST) as a,
            server_process("--redis", redis.url, *FAST) as b,
        ):
            async with (
                member(a.url + "r/outage", "alice") as (alice, _),
                member(b.url + "r/outage", "bob") as (bob, _),
            ):
                for i in range(5):
                    await alice.send({"type": "message", "content": f"m{i}", "id": f"m{i}"})
                for i in range(5):
                    assert (await bob.until("message"))["seq"] == i + 1

                redis.stop(graceful=True)
                await alice.send({"type": "message", "content": "during", "id": "d1"})
                error = await alice.until("error", timeout=WAIT * 2)
                assert error == {
                    "type": "error",
                    "code": "internal",
                    "message": "your message was not stored (the room's message log (Redis) "
                    "is unreachable); resend it",
                    "ref": "d1",
                }
                status, health = await asyncio.to_thread(healthz, a.url)
                assert status == 503
                assert health["status"] == "degraded"
                assert health["redis"] == "unreachable"

                redis.start()
                await until(
                    lambda: healthz(a.url)[0] == 200 and healthz(b.url)[0] == 200,
                    timeout=WAIT * 2,
                    what="both nodes healthy again",
                )
                await alice.send({"type": "message", "content": "during", "id": "d1"})
                got = await bob.until("message", timeout=WAIT * 2)
                assert (got["seq"], got["content"]) == (6, "during")
                assert [f for f in await bob.quiet(0.3) if f["type"] == "message"] == []
            # History survived the restart: a newcomer replays all six.
            async with member(b.url + "r/outage", "carol", since=0) as (carol, welcome):
                assert welcome["seq"] == 6
                seqs = [(await carol.until("message"))["seq"] for _ in range(6)]
                assert seqs == [1, 2, 3, 4, 5, 6]
    finally:
        redis.stop()


# ---------------------------------------------------------------------------
# --redis on the command line: bad values exit 2 with one line
# ---------------------------------------------------------------------------


def test_redis_flag_needs_a_redis_url() -> None:
    result = run_cli("--port", "0", "--redis", "http://127.0.0.1:6379")
    assert result.returncode == 2
    assert one_error_line(result.stderr) == (
        "roomcast-server: error: --redis http://127.0.0.1:6379: "
        "expected redis://HOST:PORT/DB (or rediss://, unix://) (see --help)"
    )


def test_redis_and_db_exclude_each_other() -> None:
    result = run_cli("--port", "0", "--db", "x.sqlite3", "--redis", "redis://127.0.0.1:1/0")
    assert result.returncode == 2
    assert one_error_line(result.stderr) == (
        "roomcast-server: error: --db and --redis exclude each other: "
        "with --redis, history lives in Redis (see --help)"
    )


def test_unreachable_redis_exits_2_with_one_line() -> None:
    port = free_port()  # nothing listens there
    result = run_cli("--port", "0", "--redis", f"redis://127.0.0.1:{port}/0")
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert line.startswith(
        f"roomcast-server: error: cannot reach Redis at redis://127.0.0.1:{port}/0: "
    ), line
    assert "Connection refused" in line


async def test_a_crashed_nodes_members_leave_the_room(redis: RedisServer) -> None:
    # Heartbeats every 0.2 s: a node silent for three beats (0.6 s) is gone.
    with server_process("--redis", redis.url, "--redis-heartbeat", "0.2", *FAST) as doomed:
        # The survivor beats slower: a loaded test machine must not stall its
        # loop past its own lease (it would be fenced, and close alice 1012).
        async with running_server(redis=redis.url, redis_heartbeat=0.5) as survivor:
            url = survivor.urls[0] + "r/crash"
            async with member(url, "alice") as (alice, _):
                async with member(doomed.url + "r/crash", "bob") as (_bob, welcome):
                    assert welcome["members"] == ["alice", "bob"]
                    await alice.until("presence", name="bob", event="join")
                    doomed.proc.send_signal(signal.SIGKILL)
                    left = await alice.until("presence", name="bob", event="leave")
                    assert left["count"] == 1
            # And the name is free again at once, without bob's token.
            async with member(url, "bob") as (_, again):
                assert again["you"] == "bob"


# -- epochs, resets and fencing (PROTOCOL.md, Epochs; issue 13) ----------------------


class _Recorder:
    """HubEvents that record what a RedisHub reports (our own callback interface)."""

    def __init__(self) -> None:
        self.delivered: list[ChatMessage] = []
        self.resets: list[str] = []
        self.fences: list[str] = []
        self.failures: list[Any] = []
        self.presences: list[tuple[Any, tuple[Presence, ...]]] = []

    def deliver(self, room: Any, messages: list[ChatMessage]) -> None:
        self.delivered += messages

    def failed(self, room: Any, lost: Any, error: Any) -> None:
        self.failures.append(error)

    def duplicate(self, room: Any, seq: int, sender: Any) -> None:
        pass

    def presence(self, room: Any, subject: Any, frames: Any) -> None:
        self.presences.append((subject, tuple(frames)))

    def replaced(self, member: Any) -> None:
        pass

    def store_reset(self, room: Any, why: str) -> None:
        self.resets.append(why)

    def fenced(self, why: str) -> None:
        self.fences.append(why)


@contextlib.asynccontextmanager
async def hub_on(redis: RedisServer, **kwargs: Any) -> AsyncIterator[tuple[Any, _Recorder]]:
    from roomcast.server.redis_hub import RedisHub

    events = _Recorder()
    hub = RedisHub(redis.url, events, retention=100, **kwargs)
    await hub.start()
    try:
        yield hub, events
    finally:
        await hub.close()


async def test_a_room_gets_an_epoch_that_survives_reopening_and_not_a_flush(
    redis: RedisServer,
) -> None:
    async with hub_on(redis) as (hub, _):
        first = await hub.open_room("r")
        assert first.epoch
        hub.close_room(first)
        again = await hub.open_room("r")
        assert again.epoch == first.epoch
        hub.close_room(again)
        await hub.redis.flushall()
        fresh = await hub.open_room("r")
        assert fresh.epoch not in ("", first.epoch)


async def test_a_flushed_store_resets_an_open_room_at_the_next_heartbeat(
    redis: RedisServer,
) -> None:
    async with hub_on(redis, heartbeat=0.1) as (hub, events):
        room = await hub.open_room("r")
        await hub.redis.flushall()
        await until(lambda: events.resets, what="the reset")
        assert "epoch changed" in events.resets[0]
        # The hub forgot the room: reopening it reads the new store.
        reopened = await hub.open_room("r")
        assert reopened is not room
        assert reopened.epoch != room.epoch


async def test_an_append_to_a_replaced_store_is_refused_and_resets_the_room(
    redis: RedisServer,
) -> None:
    async with hub_on(redis) as (hub, events):  # heartbeat 5 s: the append sees it first
        room = await hub.open_room("r")
        joined = await hub.claim(room, "peer", "ann", None, None)
        await hub.redis.set("rc:r:epoch", "someone-elses")
        hub.submit(room, joined.member, Post(content="lost?", id="m1"), "peer")
        await until(lambda: events.resets, what="the reset")
        assert await hub.redis.xlen("rc:r:log") == 0  # not stored under the wrong epoch
        assert events.failures == []  # not an error: it stays pending and is resent


async def test_a_reused_seq_makes_a_new_epoch(redis: RedisServer) -> None:
    """A failover that lost writes: the epoch key survived, the seq went back."""
    async with hub_on(redis) as (hub, events):
        room = await hub.open_room("r")
        joined = await hub.claim(room, "peer", "ann", None, None)
        for n in range(3):
            hub.submit(room, joined.member, Post(content=str(n), id=f"m{n}"), "peer")
        await until(lambda: len(events.delivered) == 3, what="three deliveries")
        # The store "forgot" seqs 2 and 3 (a replica that never saw them).
        first = await hub.redis.xrange("rc:r:log", "1-0", "1-0")
        await hub.redis.delete("rc:r:log")
        await hub.redis.xadd("rc:r:log", first[0][1], id="1-0")
        await hub.redis.set("rc:r:seq", 1)
        hub.submit(room, joined.member, Post(content="again", id="m9"), "peer")
        await until(lambda: events.resets, what="the reset")
        assert "back in time" in events.resets[0]
        assert await hub.redis.get("rc:r:epoch") != room.epoch


async def test_a_node_whose_lease_lapsed_is_fenced_and_re_registers(
    redis: RedisServer,
) -> None:
    async with hub_on(redis, heartbeat=0.1) as (hub, events):
        room = await hub.open_room("r")
        joined = await hub.claim(room, "peer", "ann", None, None)
        await hub.redis.delete(f"rc:node:{hub.node}")  # as if it had been paused too long
        hub.submit(room, joined.member, Post(content="from a ghost", id="g1"), "peer")
        await until(lambda: events.fences, what="the fence")
        assert await hub.redis.xlen("rc:r:log") == 0  # a fenced node may not write
        for _ in range(50):  # the fenced node takes its lease again at once
            if await hub.redis.exists(f"rc:node:{hub.node}"):
                break
            await asyncio.sleep(0.1)
        assert await hub.redis.exists(f"rc:node:{hub.node}") == 1


async def test_a_quiet_room_keeps_the_node_healthy(redis: RedisServer) -> None:
    """An idle reader's XREAD BLOCK must not time out its own socket (issue 13, 3)."""
    async with hub_on(redis, block_ms=200) as (hub, _):
        assert hub.read_timeout > 0.2  # redis-py's own default equals a 5 s block
        room = await hub.open_room("quiet")
        await hub.claim(room, "peer", "ann", None, None)  # a member: the room is read
        seen = set()
        for _ in range(12):  # 1.2 s: six blocks that return empty
            await asyncio.sleep(0.1)
            seen.add(hub.health()["redis"])
        assert seen == {"ok"}
        assert hub._reader is not None
        assert not hub._reader.done()


async def test_one_reader_per_node_and_only_for_rooms_someone_joined(
    redis: RedisServer,
) -> None:
    """Issue 14, 5: no Redis connection per room, none before authentication."""
    async with hub_on(redis) as (hub, events):
        rooms = [await hub.open_room(f"r{n}") for n in range(5)]
        assert hub._reader is None  # opened (say, by password guessers): not read
        for room in rooms[:3]:
            await hub.claim(room, "peer", "ann", None, None)
        assert sorted(hub._watched) == ["r0", "r1", "r2"]

        async def readers() -> list[dict[str, Any]]:
            clients = await hub.redis.client_list()
            return [c for c in clients if c["name"].startswith("roomcast-reader")]

        for _ in range(100):  # until the reader has connected
            if await readers():
                break
            await asyncio.sleep(0.02)
        # One connection for the node's one reader, not one per room.
        assert len(await readers()) == 1
        # A message in the last room watched is delivered at once (the reader
        # was woken to add it), not after its 5 s block.
        member = rooms[2].members["ann"]
        hub.submit(rooms[2], member, Post(content="hi", id="m1"), "peer")
        await until(lambda: events.delivered, timeout=2.0, what="the delivery")
        assert events.delivered[0].content == "hi"


# -- joins in batches (_JOIN: one call per room per batch, issue 20) ------------------


def replay_names(events: list[tuple[str, dict[str, str]]]) -> list[tuple[str, set[str]]]:
    """The room's members after each entry of its event stream (id, members)."""
    members: set[str] = set()
    states = []
    for entry_id, fields in events:
        if fields["event"] == "join":
            members.add(fields["name"])
        elif fields["event"] == "leave":
            members.discard(fields["name"])
        states.append((entry_id, set(members)))
    return states


async def test_claims_of_one_turn_go_to_redis_in_one_call_each_as_of_its_last_event(
    redis: RedisServer,
) -> None:
    async with hub_on(redis) as (a, _), hub_on(redis) as (b, _):
        rooms = {a: await a.open_room("r"), b: await b.open_room("r")}
        asks = []
        for hub, side in ((a, "a"), (b, "b")):
            room = rooms[hub]
            asks += [hub.claim(room, f"{side}{i}", f"{side}{i}", None, None) for i in range(10)]
            asks += [hub.claim(room, f"{side}g{i}", None, None, None) for i in range(5)]
        # The same name by key, one on each node: one of them gets it.
        asks.append(a.claim(rooms[a], "pa", "Shared", None, None))
        asks.append(b.claim(rooms[b], "pb", "shared", None, None))
        results = await asyncio.gather(*asks, return_exceptions=True)

        # All of a turn's claims of a room went to Redis together.
        assert (a.join_calls, a.claims_sent, b.join_calls, b.claims_sent) == (1, 16, 1, 16)
        joined = [r for r in results if isinstance(r, Joined)]
        refused = [r for r in results if isinstance(r, NameTaken)]
        assert (len(joined), len(refused)) == (31, 1), results
        names = [j.member.name for j in joined]
        assert len({name_key(n) for n in names}) == 31  # no two alike
        assert sorted(n for n in names if n.startswith("guest-")) == sorted(
            f"guest-{n}" for n in range(1, 11)
        )
        assert sum(n in ("Shared", "shared") for n in names) == 1
        assert sorted(await a.redis.hkeys("rc:r:names")) == sorted(name_key(n) for n in names)

        # Each batch got one member list: the room as of the batch's last event.
        events = await a.redis.xrange("rc:r:ev")
        states = replay_names(events)
        for hub in (a, b):
            mine = [j for j in joined if j.member.name in rooms[hub].members]
            assert len({j.members for j in mine}) == 1
            claims = {j.member.claim.split()[1] for j in mine}
            last = max(i for i, (_, f) in enumerate(events) if f.get("claim") in claims)
            assert set(mine[0].members) == states[last][1]
        assert states[-1][1] == set(names)


async def test_a_name_held_by_a_dead_node_is_claimed_after_its_leave(
    redis: RedisServer,
) -> None:
    async with hub_on(redis) as (a, _), hub_on(redis) as (b, _):
        room_a = await a.open_room("r")
        await a.claim(room_a, "p1", "ann", None, None)
        await a.claim(room_a, "p2", "bob", None, None)
        await a.redis.delete(f"rc:node:{a.node}")  # node a crashed: its lease is gone
        joined = await b.claim(await b.open_room("r"), "q", "Ann", None, None)
        assert joined.member.name == "Ann"
        # bob is a's too, but only the name claimed was looked at: he leaves
        # with the next reap, and until then he is in the room for everyone.
        assert joined.members == ("Ann", "bob")
        events = [(f["event"], f["name"], f["count"]) for _, f in await a.redis.xrange("rc:r:ev")]
        assert events == [
            ("join", "ann", "1"),
            ("join", "bob", "2"),
            ("leave", "ann", "1"),
            ("join", "Ann", "2"),
        ]


async def test_a_claim_on_a_node_whose_lease_lapsed_is_refused(redis: RedisServer) -> None:
    async with hub_on(redis) as (hub, events):
        room = await hub.open_room("r")
        await hub.redis.delete(f"rc:node:{hub.node}")
        with pytest.raises(SharedStateDown, match="re-registering"):
            await hub.claim(room, "p", "ann", None, None)
        assert events.fences
        assert await hub.redis.hlen("rc:r:names") == 0
        assert room.members == {}


async def test_a_guest_taking_a_name_in_a_batch_is_not_told_of_itself(
    redis: RedisServer,
) -> None:
    """Its guest leave and its new join are presence for the others only
    (PROTOCOL.md, Joining), though the reader reads them before it joins here."""
    async with hub_on(redis) as (hub, events):
        room = await hub.open_room("r")
        guest = await hub.claim(room, "p", None, None, None)
        other = await hub.claim(room, "o", "olga", None, None)

        def told() -> list[tuple[Any, Presence]]:
            return [(who, f) for who, frames in events.presences for f in frames]

        await until(lambda: len(told()) == 2, what="two joins")
        named, newcomer = await asyncio.gather(
            hub.claim(room, "p", "gina", None, guest.member),
            hub.claim(room, "n", "nick", None, None),
        )
        assert hub.join_calls == 3
        assert named.members == newcomer.members == ("gina", "nick", "olga")
        assert sorted(room.members) == ["gina", "nick", "olga"]
        await until(lambda: len(told()) == 5, what="leave, join, join")
        assert told()[2:] == [
            (guest.member, Presence("leave", "guest-1", 1)),
            (guest.member, Presence("join", "gina", 2)),
            (None, Presence("join", "nick", 3)),
        ]
        assert other.member in room.members.values()


class Joiner:
    """A client of the crowd below, and every frame it received."""

    def __init__(self, url: str, name: str | None, *, tutorial: bool = False, hello: bool = True):
        self.url = url
        self.name = name
        #: Without a subprotocol: a guest from the start; its hello takes its place.
        self.tutorial = tutorial
        self.hello = hello
        self.frames: list[dict[str, Any]] = []

    async def run(self, stop: asyncio.Event) -> None:
        protocols = None if self.tutorial else (SUBPROTOCOL,)
        async with peer(self.url, subprotocols=protocols) as p:
            if self.hello:
                await p.send({"type": "hello", **({"name": self.name} if self.name else {})})
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    self.frames.append(await p.recv(timeout=0.1))

    @property
    def expected(self) -> int:
        """Welcomes it gets: a second one when its hello takes a guest's place."""
        return 2 if self.tutorial and self.hello else 1

    @property
    def welcomes(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == "welcome"]

    @property
    def refused(self) -> bool:
        return any(f["type"] == "error" and f["code"] == "name_taken" for f in self.frames)

    def view(self) -> set[str]:
        """The room as this client must see it: each welcome's members, then
        the presence after it. Fails on a join of someone already there, a
        leave of someone not there, or a count that is not the view's size."""
        view: set[str] | None = None
        for f in self.frames:
            if f["type"] == "welcome":
                view = set(f["members"])
                assert f["you"] in view, f
            elif f["type"] == "presence":
                assert view is not None, f"presence before any welcome: {f}"
                if f["event"] == "join":
                    assert f["name"] not in view, (f, sorted(view))
                    view.add(f["name"])
                else:
                    assert f["name"] in view, (f, sorted(view))
                    view.remove(f["name"])
                assert f["count"] == len(view), (f, sorted(view))
        assert view is not None
        return view


async def test_a_crowd_joining_two_nodes_at_once_sees_one_consistent_room(
    redis: RedisServer,
) -> None:
    """60 clients join one room on two nodes at once: named, the same name
    on both nodes (by key), guests with and without a subprotocol, guests
    that take a name. Every welcome.members, followed by the presence after
    it, is the room: no join twice, no leave of a stranger, every count
    right, and in the end everyone sees the same room."""
    crowd_size = {"max_connections_per_address": 100, "handshake_burst": 100}
    async with two_nodes(redis, **crowd_size) as (a, b):
        crowd: list[Joiner] = []
        for side, url in (("a", a + "r/crowd"), ("b", b + "r/crowd")):
            crowd += [Joiner(url, f"{side}{i}") for i in range(10)]
            crowd += [Joiner(url, f"c{i}" if side == "a" else f"C{i}") for i in range(5)]
            crowd += [Joiner(url, None) for _ in range(5)]
            crowd += [Joiner(url, f"t{side}{i}", tutorial=True) for i in range(5)]
            crowd += [Joiner(url, None, tutorial=True, hello=False) for _ in range(5)]
        stop = asyncio.Event()
        tasks = [asyncio.ensure_future(j.run(stop)) for j in crowd]
        try:

            def settled() -> bool:
                done = [j for j in crowd if j.refused or len(j.welcomes) == j.expected]
                if len(done) < len(crowd):
                    return False
                room = {j.welcomes[-1]["you"] for j in crowd if not j.refused}
                return all(j.view() == room for j in crowd if not j.refused)

            await until(settled, timeout=WAIT * 3, what="every client to see the whole room")
            await asyncio.sleep(0.3)  # nothing more comes
            members = [j for j in crowd if not j.refused]
            room = {j.welcomes[-1]["you"] for j in members}
            assert all(j.view() == room for j in members)
        finally:
            stop.set()
            await asyncio.gather(*tasks)

        names = [j.welcomes[-1]["you"] for j in members]
        assert len(names) == 55 and len({name_key(n) for n in names}) == 55
        # Taken names refused: of each c<i> / C<i> pair exactly one holds the name.
        for i in range(5):
            pair = [j for j in crowd if j.name in (f"c{i}", f"C{i}")]
            assert sorted(j.refused for j in pair) == [False, True]
        # Guest names are never handed out twice, not even one after the other.
        guests = [w["you"] for j in crowd for w in j.welcomes if w["you"].startswith("guest-")]
        assert len(guests) == len(set(guests)) == 30
        for j in members:
            if j.tutorial and j.hello:  # the guest's place was taken by its hello
                assert j.welcomes[-1]["you"] == j.name
