"""Traffic, audit and accounting for the fault scenarios.

A scenario starts clients, runs :func:`traffic` (a bounded burst from every
sender, the fault injected mid-burst as a concurrent task, then more traffic
after the fault), waits in :func:`settle` until every sender's outbox is
empty and every client holds what the store holds, and ends with
:func:`account`, which compares every client's final view with the store as
a fresh client reads it (``hello`` with ``since: 0`` on every node: the
*audit*) and lists every broken promise in ``Report.problems``.

What is checked (PROTOCOL.md, Delivery promise, Order and scope, Epochs):

* every posted message was acknowledged (nothing left pending);
* the store is gap-free (seq 1..N) and holds each id once;
* every message acknowledged in the store's current epoch is in the store
  with the seq its acknowledgement gave, and in every client's view, once;
* every client's view *is* the store: same epoch, same messages, in seq
  order, none missing, none extra, none twice (a client that silently
  missed what the server still has fails here);
* messages acknowledged in an earlier epoch and gone from the store are
  "lost by the store" (the operator's persistence choice: a Redis without
  persistence, ``:memory:``), counted apart, and allowed only where the
  scenario says the store may lose them;
* nothing a client saw broke the contract (``ProtocolClient.anomalies``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from roomcast.server.protocol import SUBPROTOCOL
from tests.faults.client import ProtocolClient, RoomClientProbe, Seen

Client = ProtocolClient | RoomClientProbe

#: The scenarios post quickly: these lift the per-connection rate limit.
FAST = ("--rate", "100000", "--burst", "100000")
RESULTS_ENV = "ROOMCAST_FAULTS_RESULTS"


@dataclass
class Audit:
    """What a fresh client that asks for everything gets from one node."""

    url: str
    epoch: str
    seq: int
    members: list[str]
    messages: list[Seen]


async def audit(url: str, timeout: float = 5.0) -> Audit:
    """Join as a guest with ``since: 0``; the welcome and its whole replay."""
    async with asyncio.timeout(timeout):
        async with connect(url, subprotocols=[SUBPROTOCOL], compression=None) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "hello", "since": 0, "client": "audit"}))
            welcome: dict[str, Any] = {}
            while welcome.get("type") != "welcome":
                welcome = json.loads(await ws.recv())
                if welcome.get("type") == "error":
                    raise RuntimeError(f"audit refused: {welcome}")
            messages: list[Seen] = []
            while len(messages) < welcome["replay"]:
                frame = json.loads(await ws.recv())
                if frame.get("type") == "message":
                    m = Seen(frame["seq"], frame["id"], frame["from"], frame["content"])
                    messages.append(m)
    return Audit(url, welcome["epoch"], welcome["seq"], list(welcome["members"]), messages)


async def traffic(
    senders: Sequence[Client],
    *,
    rounds: int,
    fault_at: int,
    fault: Callable[[], Awaitable[None]],
    after: int,
    interval: float = 0.01,
) -> dict[str, Any]:
    """``rounds`` posts from every sender; the fault starts at round ``fault_at``
    and runs alongside; once it is over, ``after`` more rounds. Returns notes:
    how many were posted, and how many of them were not yet acknowledged, when
    the fault struck (those are the ones at risk)."""
    notes: dict[str, Any] = {}
    task: asyncio.Task[None] | None = None

    async def strike() -> None:
        notes["posted_before_fault"] = sum(len(s.posted) for s in senders)
        notes["unacknowledged_at_fault"] = sum(len(s.pending) for s in senders)
        await fault()

    try:
        for r in range(rounds):
            for s in senders:
                s.post()
            if r == fault_at:  # right after a round: its posts are on their way
                task = asyncio.ensure_future(strike())
            await asyncio.sleep(interval)
        if task is not None:
            await task
    finally:
        if task is not None and not task.done():
            task.cancel()
    for _ in range(after):
        for s in senders:
            s.post()
        await asyncio.sleep(interval)
    return notes


async def settle(
    clients: Sequence[Client], audit_urls: Sequence[str], timeout: float = 20.0
) -> list[Audit]:
    """Wait (at most ``timeout``) until nothing is pending and every client holds
    what every node's audit shows; the last audits either way."""
    end = time.monotonic() + timeout
    while any(c.pending for c in clients) and time.monotonic() < end:
        await asyncio.sleep(0.05)
    audits: list[Audit] = []
    while True:
        try:
            audits = [await audit(u) for u in audit_urls]
        except Exception:  # a node still recovering: ask again
            audits = []
        if audits:
            first = audits[0]
            same = all((a.epoch, a.seq) == (first.epoch, first.seq) for a in audits)
            caught_up = all(
                c.ready and (c.epoch, c.last_seq) == (first.epoch, first.seq) for c in clients
            )
            if same and caught_up and not any(c.pending for c in clients):
                return audits
        if time.monotonic() >= end:
            if not audits:
                audits = [await audit(u) for u in audit_urls]
            return audits
        await asyncio.sleep(0.2)


@dataclass
class Report:
    """One scenario's numbers (docs/reliability.md's table) and what broke."""

    scenario: str
    clients: str
    sent: int
    acknowledged: int
    stored: int
    delivered: dict[str, int]
    lost_by_store: int
    lost: int
    duplicated: int
    resets: dict[str, int]
    repeats: int
    errors: dict[str, int]
    closes: dict[str, int]
    seconds: float
    notes: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def account(
    scenario: str,
    clients: Sequence[Client],
    audits: Sequence[Audit],
    *,
    store_may_lose: bool,
    started: float,
    kind: str = "protocol",
    notes: dict[str, Any] | None = None,
) -> Report:
    """Compare every client's final view with the store; see the module docstring."""
    problems: list[str] = []
    store = audits[0]
    for other in audits[1:]:
        if (other.epoch, other.messages) != (store.epoch, store.messages):
            problems.append(
                f"nodes disagree: {store.url} has epoch {store.epoch} seq {store.seq}, "
                f"{other.url} epoch {other.epoch} seq {other.seq}"
            )
    stored_ids = Counter(m.id for m in store.messages)
    stored_at = {m.id: m.seq for m in store.messages}
    seqs = [m.seq for m in store.messages]
    if seqs != list(range(1, len(seqs) + 1)) or store.seq != len(seqs):
        problems.append(f"the store is not gap-free 1..{store.seq}: {_runs(seqs)}")
    duplicated = {i for i, n in stored_ids.items() if n > 1}

    posted = [mid for c in clients for mid in c.posted]
    acks = {mid: ack for c in clients for mid, ack in c.acks.items()}
    unacked = [mid for c in clients for mid in c.pending]
    if unacked:
        problems.append(f"{len(unacked)} message(s) never acknowledged: {unacked[:10]}")
    lost_by_store = {mid for mid, a in acks.items() if a.epoch != store.epoch}
    lost_by_store -= set(stored_ids)
    lost: set[str] = set()
    for mid, a in acks.items():
        if a.epoch != store.epoch:
            continue
        if mid not in stored_at:
            lost.add(mid)
            problems.append(f"{mid} acknowledged as seq {a.seq} (epoch {a.epoch}) is not stored")
        elif stored_at[mid] != a.seq:
            problems.append(f"{mid} acknowledged as seq {a.seq} but stored as {stored_at[mid]}")
    if lost_by_store and not store_may_lose:
        problems.append(
            f"{len(lost_by_store)} acknowledged message(s) lost with an epoch change "
            f"where the store must keep them: {sorted(lost_by_store)[:10]}"
        )

    # Names (PROTOCOL.md, Names): the room lists exactly the clients' names, each once.
    names = sorted(c.you for c in clients if c.you is not None)
    if len(set(names)) != len(names):
        problems.append(f"two clients hold one name: {names}")
    for a in audits:
        listed = sorted(m for m in a.members if not m.startswith("guest-"))
        if listed != names:
            problems.append(f"{a.url} lists members {listed}, the clients hold {names}")

    delivered: dict[str, int] = {}
    for c in clients:
        who = c.key
        ids = [m.id for m in c.view]
        delivered[who] = len(ids)
        twice = {i for i, n in Counter(ids).items() if n > 1}
        if twice:
            duplicated |= twice
            problems.append(f"{who} shows {len(twice)} message(s) twice: {sorted(twice)[:10]}")
        if c.epoch != store.epoch:
            problems.append(f"{who} is in epoch {c.epoch}, the store in {store.epoch}")
        view_seqs = [m.seq for m in c.view]
        if view_seqs != list(range(1, len(view_seqs) + 1)):
            problems.append(f"{who}'s view is not 1..n in order: {_runs(view_seqs)}")
        if c.gaps:
            problems.append(f"{who} saw seq jumps (held, got): {c.gaps[:10]}")
            held = str(c.gaps[0][0])
            at = c.trace.index(held) if held in c.trace else 0
            problems.append(
                f"{who}'s frames around the first jump: {c.trace[max(0, at - 8) : at + 12]}"
            )
        missing = [m.id for m in store.messages if m.id not in set(ids)]
        if missing:
            lost |= set(missing)
            problems.append(
                f"{who} misses {len(missing)} stored message(s) the server still has: {missing[:10]}"
            )
        if c.view != store.messages and not missing:
            problems.append(f"{who}'s view differs from the store (extra or changed messages)")
        problems.extend(c.anomalies)

    return Report(
        scenario=scenario,
        clients=kind,
        sent=len(posted),
        acknowledged=len(acks),
        stored=len(store.messages),
        delivered=delivered,
        lost_by_store=len(lost_by_store),
        lost=len(lost),
        duplicated=len(duplicated),
        resets={c.key: c.resets for c in clients},
        repeats=sum(c.repeats for c in clients),
        errors=dict(sum((c.errors for c in clients), Counter())),
        closes=dict(Counter(str(code) for c in clients for code, _ in c.closes)),
        seconds=round(time.monotonic() - started, 1),
        notes={
            **(notes or {}),
            "acknowledged_in_a_replay": sum(c.replay_acks for c in clients),
            "slowest_ack_s": round(max((a.waited for a in acks.values()), default=0.0), 2),
        },
        problems=problems,
    )


def record(report: Report) -> None:
    """Append the report to $ROOMCAST_FAULTS_RESULTS (JSON lines), when set."""
    path = os.environ.get(RESULTS_ENV)
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(report.line() + "\n")


def conclude(report: Report) -> None:
    """Record the numbers, then fail with every broken promise listed."""
    record(report)
    summary = (
        f"{report.scenario}: sent {report.sent}, acknowledged {report.acknowledged}, "
        f"stored {report.stored}, delivered {report.delivered}, lost by the store "
        f"{report.lost_by_store}, lost {report.lost}, duplicated {report.duplicated}, "
        f"resets {report.resets}, errors {report.errors}, closes {report.closes}"
    )
    assert not report.problems, summary + "\n" + "\n".join(report.problems)


def _runs(seqs: Sequence[int]) -> str:
    """1..5, 7..9 — a short picture of a seq list."""
    if not seqs:
        return "(empty)"
    runs: list[str] = []
    start = prev = seqs[0]
    for s in seqs[1:]:
        if s == prev + 1:
            prev = s
            continue
        runs.append(f"{start}..{prev}" if start != prev else str(start))
        start = prev = s
    runs.append(f"{start}..{prev}" if start != prev else str(start))
    return ", ".join(runs[:12]) + (" …" if len(runs) > 12 else "")


@contextlib.asynccontextmanager
async def running(clients: Sequence[Client]) -> AsyncIterator[None]:
    """Start the clients and wait until each has joined; stop them all at the end."""
    try:
        for c in clients:
            c.start()
        for c in clients:
            await c.joined()
        yield
    finally:
        for c in clients:
            await c.stop()
