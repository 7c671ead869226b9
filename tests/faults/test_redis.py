"""Faults of three roomcast-server nodes sharing a room through a real redis-server.

Redis restarted without persistence, FLUSHALL, Redis with an append-only
file killed and restarted, and a node frozen (SIGSTOP) past its heartbeat
lease. One protocol client per node (failing over to the next node), a
bounded burst with ids, the fault mid-burst, traffic after it, and the
delivery assertion of harness.account on every client (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import redis as redis_py

from tests.faults.client import ProtocolClient, make_client
from tests.faults.harness import FAST, Client, account, conclude, running, settle, traffic
from tests.helpers import WAIT, RedisServer, ServerProcess, free_port, server_process, until
from tests.hostile.harness import status_kib
from tests.server.test_redis_hub import Joiner


@contextlib.contextmanager
def nodes(
    redis_url: str, n: int = 3, heartbeat: float = 0.5, *extra: str
) -> Iterator[list[ServerProcess]]:
    """``n`` roomcast-server processes on one Redis (killed at the end)."""
    with contextlib.ExitStack() as stack:
        beat = ("--redis-heartbeat", str(heartbeat))
        yield [
            stack.enter_context(server_process("--redis", redis_url, *beat, *FAST, *extra))
            for _ in range(n)
        ]


def one_per_node(kind: str, urls: list[str]) -> list[Client]:
    """Client i on node i, failing over to node i+1."""
    n = len(urls)
    return [make_client(kind, f"u{i}", [urls[i], urls[(i + 1) % n]]) for i in range(n)]


async def restart(redis: RedisServer, down: float = 0.5) -> None:
    await asyncio.to_thread(redis.stop)  # SIGKILL
    await asyncio.sleep(down)
    await asyncio.to_thread(redis.start)


async def test_redis_restarted_without_persistence_mid_traffic(
    redis: RedisServer, kind: str
) -> None:
    started = time.monotonic()
    with nodes(redis.url) as procs:
        urls = [p.url + "r/amnesia" for p in procs]
        clients = one_per_node(kind, urls)
        async with running(clients):
            epoch = clients[0].epoch
            notes = await traffic(
                clients, rounds=60, fault_at=20, fault=lambda: restart(redis), after=20
            )
            audits = await settle(clients, urls)
        report = account(
            "Redis restarted without persistence mid-traffic",
            clients,
            audits,
            store_may_lose=True,
            started=started,
            kind=kind,
            notes=notes,
        )
    conclude(report)
    assert audits[0].epoch != epoch, "the room's history started over: a new epoch"
    assert all(r >= 1 for r in report.resets.values()), report.resets


async def test_flushall_mid_traffic(redis: RedisServer, kind: str) -> None:
    started = time.monotonic()

    async def flushall() -> None:
        def flush() -> None:
            with redis_py.Redis.from_url(redis.url) as r:
                r.flushall()

        await asyncio.to_thread(flush)

    with nodes(redis.url) as procs:
        urls = [p.url + "r/flushed" for p in procs]
        clients = one_per_node(kind, urls)
        async with running(clients):
            epoch = clients[0].epoch
            notes = await traffic(clients, rounds=60, fault_at=20, fault=flushall, after=20)
            audits = await settle(clients, urls)
        report = account(
            "Redis FLUSHALL mid-traffic",
            clients,
            audits,
            store_may_lose=True,
            started=started,
            kind=kind,
            notes=notes,
        )
    conclude(report)
    assert audits[0].epoch != epoch
    assert all(r >= 1 for r in report.resets.values()), report.resets


async def test_redis_with_aof_killed_and_restarted_loses_nothing(tmp_path: Path, kind: str) -> None:
    started = time.monotonic()
    redis = RedisServer(free_port(), data_dir=tmp_path)  # appendfsync always
    redis.start()
    try:
        with nodes(redis.url) as procs:
            urls = [p.url + "r/durable" for p in procs]
            clients = one_per_node(kind, urls)
            async with running(clients):
                notes = await traffic(
                    clients, rounds=60, fault_at=20, fault=lambda: restart(redis), after=20
                )
                audits = await settle(clients, urls)
            report = account(
                "Redis with AOF (fsync always) killed and restarted",
                clients,
                audits,
                store_may_lose=False,
                started=started,
                kind=kind,
                notes=notes,
            )
    finally:
        redis.stop()
    conclude(report)
    assert all(r == 0 for r in report.resets.values()), report.resets


#: Heartbeat for the frozen node: its lease (three beats) lapses after 0.6 s.
BEAT = 0.2
FROZEN = 1.5


async def test_a_node_frozen_past_its_lease_then_woken(redis: RedisServer, kind: str) -> None:
    """SIGSTOP node A (u0 and u3 on it) for 1.5 s, four times its lease. The
    others drop A's members; meanwhile an impostor on node B takes the name
    u0. On SIGCONT, A must not speak for its members any more: it closes them
    with 1012; u3 reclaims its name with its token, u0 finds its name taken
    and joins under another; every message of theirs is stored once."""
    started = time.monotonic()
    with nodes(redis.url, heartbeat=BEAT) as procs:
        urls = [p.url + "r/frozen" for p in procs]
        a, b, c = urls
        u0, u1, u2, u3 = (
            make_client(kind, "u0", [a, b]),
            make_client(kind, "u1", [b, c]),
            make_client(kind, "u2", [c, a]),
            make_client(kind, "u3", [a, c]),
        )
        impostor = ProtocolClient("x", [b], name="u0", rename_on_taken=False)
        taken_at: list[int] = []

        async def freeze() -> None:
            procs[0].proc.send_signal(signal.SIGSTOP)
            frozen = time.monotonic()
            try:
                impostor.start()  # name_taken until B has dropped A's members
                await impostor.joined(timeout=10)
                taken_at.append(impostor.welcomes[-1]["seq"])
                await asyncio.sleep(max(0.0, FROZEN - (time.monotonic() - frozen)))
            finally:
                procs[0].proc.send_signal(signal.SIGCONT)

        senders = [u0, u1, u2, u3]
        try:
            async with running(senders):
                notes = await traffic(senders, rounds=60, fault_at=20, fault=freeze, after=20)
                audits = await settle([*senders, impostor], urls)
        finally:
            procs[0].proc.send_signal(signal.SIGCONT)  # never leave it stopped
            await impostor.stop()
        report = account(
            f"a node SIGSTOPped {FROZEN:g} s (lease {3 * BEAT:g} s), then SIGCONT",
            [*senders, impostor],
            audits,
            store_may_lose=False,
            started=started,
            kind=kind,
            notes=notes,
        )
    names = {cl.key: cl.you for cl in [*senders, impostor]}
    report.notes["names"] = names
    # No two members share a name: account() compared the room's member list
    # with the clients' names; and nothing is stored under a name its node lost.
    spoken = [
        m for m in audits[0].messages if m.seq > taken_at[0] and m.sender == "u0"
    ]  # the impostor never posts: anything stored as u0 after it took the name is A's
    if spoken:
        report.problems.append(f"stored as 'u0' after the impostor took it: {spoken[:5]}")
    conclude(report)
    assert names["u3"] == "u3", "u3 reclaimed its name with its token"
    assert names["x"] == "u0" and names["u0"] != "u0", names
    assert u0.closes, "A closed its members when it woke"
    if isinstance(u0, ProtocolClient):
        assert any(code == 1012 for code, _ in u0.closes), u0.closes


#: Clients joining each node at once in the crowd below.
CROWD = 15


async def test_a_node_killed_while_a_crowd_joins(redis: RedisServer) -> None:
    """Joins go to Redis in batches and each batch's members are welcomed as of
    its last presence event (server/redis_hub.py, _JOIN; issue 20). SIGKILL
    node A while 15 clients join each of A, B and C at once. Every client on B
    and C sees the room as it is at every step: its welcome.members, then each
    presence event once, in order, with the right count (nothing lost, nothing
    twice); A's members, welcomed or only claimed when it died, leave once its
    lease lapses; in the end everyone left sees the same room, without A's."""
    many = ("--max-connections-per-address", "100", "--handshake-burst", "100")
    with nodes(redis.url, 3, BEAT, *many) as procs:
        rss_before = [status_kib(p.proc.pid, "VmRSS") for p in procs[1:]]
        crowd = [
            [Joiner(p.url + "r/crowd", f"{side}{i}") for i in range(CROWD)]
            + [Joiner(p.url + "r/crowd", None) for _ in range(3)]
            for side, p in zip("abc", procs, strict=True)
        ]
        doomed, survivors = crowd[0], crowd[1] + crowd[2]
        stop = asyncio.Event()
        tasks = [asyncio.ensure_future(j.run(stop)) for j in doomed + survivors]
        try:
            await until(
                lambda: sum(bool(j.welcomes) for j in doomed) >= 5, what="A's first welcomes"
            )
            procs[0].proc.send_signal(signal.SIGKILL)  # mid-crowd: some of A's claims in flight

            def settled() -> bool:
                if not all(j.welcomes for j in survivors):
                    return False
                room = {j.welcomes[-1]["you"] for j in survivors}
                return all(j.view() == room for j in survivors)  # view() checks every step

            await until(settled, timeout=WAIT * 3, what="everyone on B and C to see the room")
            await asyncio.sleep(3 * BEAT)  # and nothing more comes
            room = {j.welcomes[-1]["you"] for j in survivors}
            assert all(j.view() == room for j in survivors)
            # The survivors hold their members, not the batches, claims and
            # hand-offs of the crowd: RSS from /proc grew by a few MiB at most.
            grown = [
                status_kib(p.proc.pid, "VmRSS") - kib
                for p, kib in zip(procs[1:], rss_before, strict=True)
            ]
            assert max(grown) < 16 * 1024, f"a surviving node grew {grown} KiB"
        finally:
            stop.set()
            results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[len(doomed) :] == [None] * len(survivors)  # B's and C's clients stayed
    assert len(room) == len(survivors) == 2 * (CROWD + 3)  # no name refused, none twice
    guests = [j.welcomes[-1]["you"] for j in survivors if j.name is None]
    assert all(g.startswith("guest-") for g in guests)
    # A's members who were welcomed were seen to leave by those who saw them.
    gone = {j.welcomes[-1]["you"] for j in doomed if j.welcomes}
    assert gone and not gone & room
