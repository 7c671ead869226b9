"""1,000 abusive connections of mixed kinds against 100 honest chatting clients.

Run (from the repository root, with the venv's Python)::

    .venv/bin/python -m bench.abuse            # 60 s of abuse (about 1 min 40 s in all)
    .venv/bin/python -m bench.abuse --quick    # 15 s: a smoke check
    make bench-abuse ARGS=--quick

A benchmark, not a timed test (the hostile suite, ``tests/hostile``, holds
the assertions): it prints what the server did under a mixed siege and
refuses to report a run that other work on the machine disturbed.

The scene: ``python -m roomcast.server`` with its DEFAULT limits and buffer, a
password (so that guessing means something), and a SQLite file whose room
``busy`` already holds 200 messages of 16,384 four-byte characters (12.5 MiB:
what history and replay floods ask for). 100 honest clients (real
``websockets`` clients, ``tests/hostile/harness.py``) join ``busy`` and post
a message with an id every ``--interval`` seconds each; every message's send
→ own acknowledgement and send → delivery to the 99 others is timed on one
clock. Then the attackers (``tests/hostile/attacks.py``, one process per
kind) run for ``--duration`` seconds:

=========  =====  ====================================================
kind       slots  what each does
=========  =====  ====================================================
history      100  joins ``busy``, sends 60 history requests (limit 200)
                  in one write, never reads; again when closed
replay       100  joins with ``since: 0``, never reads; again when closed
ping          50  pings (125-byte payloads) as fast as the socket takes
                  them, up to 16 MiB a connection, never reads; again
sink         200  joins ``busy``, never reads; again when closed
halfopen     300  TCP connections with half a handshake request; a new
                  one for each the server closes
reconnect     50  loops: connect, hello (same name and token), 60 messages
                  in one write, close; in the room ``loop`` (``--loop-room
                  busy``: in the honest clients' room, see below)
guess         50  loops: connect, hello with a wrong password
rooms        100  joins room after room, posts one message, keeps them
names         50  joins ``busy`` under name after name, keeps them
=========  =====  ====================================================

Each kind connects from addresses of its own, ten slots an address
(``127.1.K.1`` onwards), and the honest clients each from theirs
(``127.0.2.1`` onwards): the per-address limits bite on the attackers as
they would on the internet, without a limit raised for anyone.

Pinned like ``bench.servers``: the server to core 0, this runner (the honest
clients) and the attackers to core 1 (``--server-core``, ``--load-core``).

Printed: server RSS at the start and its peak (VmHWM, reset at the start of
the attack through ``/proc/PID/clear_refs``, and sampled every 10 ms), the
server's CPU, honest p50/p99 latencies, honest messages sent /
acknowledged / lost (lost: acknowledged but not in the store, or never
acknowledged; a fresh client with ``since: 0`` reads the store at the end),
and per kind what the server answered. One JSON line at the end.

A run is DISTURBED when a core was more than 10 points busier than the
processes pinned to it (softirq, the kernel's loopback work for our own
sockets, aside): then no table is printed and the exit code is 3. From 90 %
busy the load core is LOAD-BOUND: the honest clients' own delays may be in
their latencies, which are then an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.servers import (
    DISTURBED_PCT,
    GEN_BOUND_PCT,
    CoreSample,
    ProcSample,
    raise_nofile,
    sample,
    sample_core,
)
from tests.hostile.harness import (
    AttackProcess,
    Honest,
    Memory,
    MiB,
    answered,
    audit,
    check_store,
    seed_room,
    start_server,
)

ROOM = "busy"
PASSWORD = "bench-abuse-password"
SEEDS = 200
SEED_CONTENT = "\U0001f600" * 16_384
QUICK_S = 15.0
FULL_S = 60.0
PER_ADDRESS = 10  # attacking slots per source address


@dataclass(frozen=True)
class Kind:
    name: str
    slots: int
    args: tuple[str, ...] = ()
    member: bool = True  # knows the password
    #: Attacks this room instead of ``busy`` ("LOOP": the one --loop-room names).
    room: str = ROOM


MIX = (
    Kind("history", 100, ("--repeat", "--frames", "60", "--limit", "200")),
    Kind("replay", 100, ("--repeat",)),
    Kind("ping", 50, ("--repeat", "--max-bytes", "16M")),
    Kind("sink", 200, ("--repeat",)),
    Kind("halfopen", 300, ("--repeat",), member=False),
    Kind("reconnect", 50, ("--burst", "60", "--prefix", "looper", "--pause", "0.05"), room="LOOP"),
    Kind("guess", 50, ("--pause", "0.01"), member=False),
    Kind("rooms", 100, ("--concurrency", "20", "--prefix", "squat")),
    Kind("names", 50, ("--concurrency", "10", "--prefix", "nick")),
)


def prefix(core: int | None) -> list[str]:
    """setpriv --pdeathsig KILL (no child outlives us) and taskset, as bench.servers."""
    out: list[str] = []
    setpriv = shutil.which("setpriv")
    if setpriv:
        out = [setpriv, "--pdeathsig", "KILL"]
    if core is not None and shutil.which("taskset"):
        out += ["taskset", "-c", str(core)]
    return out


def cpu_of_load() -> float:
    """CPU seconds of this process and of every child it has waited for."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def cpu_of_self() -> float:
    """CPU seconds of this process: the honest clients (and the RSS sampler)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def core_pct(a: CoreSample | None, b: CoreSample | None) -> dict[str, float]:
    if a is None or b is None or b.total_s <= a.total_s:
        return {}
    total = b.total_s - a.total_s
    return {
        "busy_pct": 100 * (b.busy_s - a.busy_s) / total,
        "softirq_pct": 100 * (b.softirq_s - a.softirq_s) / total,
        "steal_pct": 100 * (b.steal_s - a.steal_s) / total,
    }


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.1f} ms"


async def run(args: argparse.Namespace, work: Path, server_core: int | None) -> dict[str, Any]:
    load_core = args.load_core if server_core is not None else None
    db = work / "abuse.sqlite3"
    # The room worth attacking, seeded through a server of its own.
    seeder = start_server(
        ["--db", str(db), "--rate", "100000", "--burst", "100000", "--max-buffer", "64M"],
        work / "seed.log",
        prefix=prefix(server_core),
    )
    try:
        await seed_room(seeder.room(ROOM), SEEDS, SEED_CONTENT)
    finally:
        seeder.stop()
    server = start_server(
        ["--db", str(db), "--password", PASSWORD, "--log-level", "warning", *args.server_arg],
        work / "server.log",
        prefix=prefix(server_core),
    )
    processes: list[tuple[Kind, AttackProcess]] = []
    honest = Honest(
        server.room(ROOM),
        args.honest,
        first_address="127.0.2.1",
        password=PASSWORD,
        size=200,
        interval=args.interval,
    )
    try:
        t_join = time.monotonic()
        await honest.join(timeout=60)
        joined_s = time.monotonic() - t_join
        honest.chat()
        await asyncio.sleep(2.0)
        memory = Memory(server.pid)
        memory.start()
        s0: ProcSample = sample(server.pid)
        c0, l0 = sample_core(server_core), sample_core(load_core)
        load0, self0 = cpu_of_load(), cpu_of_self()
        t0 = time.monotonic()
        for index, kind in enumerate(MIX):
            addresses = max(1, -(-kind.slots // PER_ADDRESS))
            room = args.loop_room if kind.room == "LOOP" else kind.room
            argv = [
                *("--url", server.room(room), "--count", str(kind.slots)),
                *("--seconds", str(args.duration), "--source", f"127.1.{index + 1}.1+{addresses}"),
                *kind.args,
            ]
            if kind.member:
                argv += ["--password", PASSWORD]
            process = AttackProcess(kind.name, *argv)
            await process.start()
            processes.append((kind, process))
        results = {}
        for kind, process in processes:
            results[kind.name] = await process.finish(timeout=args.duration + 120)
        t1 = time.monotonic()
        s1 = sample(server.pid)
        c1, l1 = sample_core(server_core), sample_core(load_core)
        load1, self1 = cpu_of_load(), cpu_of_self()
        settle_s = await honest.settle(timeout=30)
        memory.stop()
        began = time.monotonic()
        store = await audit(server.room(ROOM), "127.0.3.1", password=PASSWORD, timeout=120)
        audit_s = time.monotonic() - began
        loop_store = (
            await audit(server.room(args.loop_room), "127.0.3.2", password=PASSWORD, timeout=120)
            if args.loop_room != ROOM
            else store
        )
    finally:
        for _, process in processes:
            process.kill()
        await honest.stop()
        server.stop()

    # Delivery: every honest message acknowledged and stored once; the loops'
    # acknowledged messages stored too.
    acked = honest.acked()
    looped = {
        mid: int(seq)
        for pairs in results.get("reconnect", {}).get("extra", {}).get("acked_ids", {}).values()
        for mid, seq in pairs
    }
    seeded = {f"seed-{i}": i + 1 for i in range(SEEDS)}
    honest_check = check_store(store, acked)
    if loop_store is store:
        whole = check_store(store, {**acked, **looped}, seeded=seeded)
    else:
        whole = check_store(store, acked, seeded=seeded)
        loops = check_store(loop_store, looped)
        whole.problems += [f"room {args.loop_room!r}: {p}" for p in loops.problems]
        whole.lost += loops.lost
        whole.retired += loops.retired
    unacked = sum(len(c.pending) for c in honest.clients)
    lat = honest.latency(t0, t1)
    wall = t1 - t0
    server_pct = 100 * (s1.cpu_s - s0.cpu_s) / wall
    load_pct = 100 * (load1 - load0) / wall
    honest_pct = 100 * (self1 - self0) / wall
    core, lcore = core_pct(c0, c1), core_pct(l0, l1)
    other_server = core.get("busy_pct", server_pct) - core.get("softirq_pct", 0) - server_pct
    other_load = lcore.get("busy_pct", load_pct) - lcore.get("softirq_pct", 0) - load_pct
    disturbed = max(other_server, other_load) > DISTURBED_PCT
    return {
        "bench": "abuse",
        "duration_s": args.duration,
        "honest_clients": args.honest,
        "interval_s": args.interval,
        "attack_slots": sum(k.slots for k in MIX),
        "server_core": server_core,
        "load_core": load_core,
        "honest_join_s": round(joined_s, 2),
        "rss_start_mib": round(memory.base_kib / 1024, 1),
        "rss_peak_mib": round(memory.peak_kib / 1024, 1),
        "rss_growth_mib": round(memory.growth_mib, 1),
        "rss_end_mib": round(s1.rss_mb, 1),
        "rss_timeline_mib": [(t, round(kib / 1024, 1)) for t, kib in memory.samples[::8]],
        "server_cpu_pct": round(server_pct, 1),
        "server_core_pct": round(core["busy_pct"], 1) if core else None,
        "server_core_softirq_pct": round(core["softirq_pct"], 1) if core else None,
        "load_cpu_pct": round(load_pct, 1),
        "honest_cpu_pct": round(honest_pct, 1),
        "load_core_pct": round(lcore["busy_pct"], 1) if lcore else None,
        "other_load_pct": round(max(other_server, other_load), 1),
        "disturbed": disturbed,
        "load_bound": (lcore.get("busy_pct") or load_pct) >= GEN_BOUND_PCT,
        "ack_p50_ms": None if lat.ack_p50 is None else round(lat.ack_p50 * 1000, 1),
        "ack_p99_ms": None if lat.ack_p99 is None else round(lat.ack_p99 * 1000, 1),
        "ack_max_ms": None if lat.ack_max is None else round(lat.ack_max * 1000, 1),
        "delivery_p50_ms": None if lat.delivery_p50 is None else round(lat.delivery_p50 * 1000, 1),
        "delivery_p99_ms": None if lat.delivery_p99 is None else round(lat.delivery_p99 * 1000, 1),
        "honest_sent": honest.sent,
        "honest_acknowledged": honest.acknowledged,
        "honest_unacknowledged": unacked,
        "honest_lost_from_store": len(honest_check.lost) if store.complete else None,
        "honest_retired": honest_check.retired,
        "lost": unacked + len(whole.lost),
        "retired": whole.retired,
        "loop_messages_acknowledged": len(looped),
        "loop_room": args.loop_room,
        "store_problems": whole.problems,
        "stored": len(store.messages),
        "audit_s": round(audit_s, 2),
        "settle_s": round(settle_s, 2),
        "honest_troubles": honest.troubles()[:10],
        "attacks": {
            name: {
                "slots": next(k.slots for k in MIX if k.name == name),
                "connections": r.get("connections"),
                "cpu_pct": round(100 * float(r.get("cpu_s", 0)) / wall, 1),
                "held_peak": r.get("held_peak"),
                "answered": answered(r),
                "reasons": r.get("reasons", {}),
                "error_messages": r.get("error_messages", {}),
                "retry_after": r.get("retry_after", {}),
                "extra": {k: v for k, v in r.get("extra", {}).items() if k != "acked_ids"},
            }
            for name, r in results.items()
        },
        "server_log_tail": server.log_lines(r"WARNING|ERROR", 8),
    }


def print_table(r: dict[str, Any]) -> None:
    print()
    print(
        f"bench.abuse: {r['attack_slots']:,} abusive connections in 9 kinds, "
        f"{r['honest_clients']} honest clients (a post each every {r['interval_s']:g} s), "
        f"{r['duration_s']:g} s; server on core {r['server_core']}, load on core {r['load_core']}"
    )
    print()
    print(
        f"server RSS      start {r['rss_start_mib']:.1f} MiB, peak {r['rss_peak_mib']:.1f} MiB "
        f"(+{r['rss_growth_mib']:.1f} MiB), at the end {r['rss_end_mib']:.1f} MiB"
    )
    print(
        f"server CPU      {r['server_cpu_pct']:.0f}% of a core "
        f"(its core {r['server_core_pct']}% busy, softirq {r['server_core_softirq_pct']}%); "
        f"load {r['load_cpu_pct']:.0f}% (its core {r['load_core_pct']}%; the honest clients "
        f"{r['honest_cpu_pct']:.0f}%)"
        + ("  LOAD-BOUND: latencies are upper bounds" if r["load_bound"] else "")
    )
    print(
        f"honest latency  ack p50 {ms(_s(r['ack_p50_ms']))} p99 {ms(_s(r['ack_p99_ms']))} "
        f"max {ms(_s(r['ack_max_ms']))}; delivery to the others p50 "
        f"{ms(_s(r['delivery_p50_ms']))} p99 {ms(_s(r['delivery_p99_ms']))}"
    )
    print(
        f"honest messages sent {r['honest_sent']:,}, acknowledged {r['honest_acknowledged']:,}, "
        f"LOST {r['lost']} (never acknowledged {r['honest_unacknowledged']}, acknowledged but "
        f"not stored {r['honest_lost_from_store']})"
    )
    print(
        f"store audit     {r['stored']:,} messages kept"
        + (
            f"; {r['retired']:,} acknowledged messages ({r['honest_retired']:,} of them honest) "
            "older than the room's retention (gone as promised)"
            if r["retired"]
            else ""
        )
        + ("; " + "; ".join(r["store_problems"]) if r["store_problems"] else "; ok")
    )
    if r["honest_troubles"]:
        print("honest clients  " + "; ".join(r["honest_troubles"][:5]))
    print()
    print(
        f"{'attack':<10} {'slots':>5} {'conns':>7} {'held':>5} {'cpu%':>5}  "
        "what the server answered"
    )
    for name, a in r["attacks"].items():
        print(
            f"{name:<10} {a['slots']:>5} {a['connections'] or 0:>7,} "
            f"{a['held_peak'] or 0:>5} {a['cpu_pct']:>5.0f}  {a['answered']}"
        )
        notes = _notes(name, a["extra"])
        if notes:
            print(f"{'':<37}{notes}")
    print()
    print(
        "conns: connections attempted; held: the most held open at once (past the handshake; "
        "TCP for halfopen). HTTP NNNxN: handshake answers; close CODExN: close frames (eof: "
        "closed without one); errors: error frames; held to the end: never closed."
    )


def _s(value_ms: float | None) -> float | None:
    return None if value_ms is None else value_ms / 1000


def _notes(name: str, extra: dict[str, Any]) -> str:
    if name == "ping":
        return f"{extra.get('bytes_written', 0) / MiB:,.0f} MiB of pings taken by the server"
    if name == "reconnect":
        posted = sum((extra.get("posted") or {}).values())
        acked = sum((extra.get("acked") or {}).values())
        most = max((extra.get("acked") or {0: 0}).values())
        return f"messages posted {posted:,}, acknowledged {acked:,} (at most {most:,} per name)"
    if name == "guess":
        return (
            f"{extra.get('guesses')} guesses, {extra.get('wrong_password_answers')} judged "
            f"wrong, {extra.get('admitted')} admitted"
        )
    if name in ("rooms", "names"):
        return f"{extra.get('joined')} joined"
    if name == "halfopen":
        return (
            f"closed by the server {extra.get('closed_by_server')}, "
            f"median after {extra.get('median_close_s')} s"
        )
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.abuse",
        description="1,000 abusive connections of mixed kinds and 100 honest clients.",
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_S:g} s instead of {FULL_S:g}")
    parser.add_argument("--duration", type=float, help="seconds of abuse")
    parser.add_argument("--honest", type=int, default=100, help="honest clients (default 100)")
    parser.add_argument(
        "--interval", type=float, default=2.0, help="seconds between an honest client's posts"
    )
    parser.add_argument(
        "--loop-room",
        default="loop",
        help="the room the reconnect loops post into (default: loop; busy: into the honest "
        "clients' room, where 50 names at 20 msg/s each flood it)",
    )
    parser.add_argument("--server-core", type=int, default=0, help="default: 0")
    parser.add_argument("--load-core", type=int, default=1, help="default: 1")
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="an extra roomcast-server argument (repeatable), e.g. --server-arg=--max-buffer=256K",
    )
    parser.add_argument("--json", metavar="PATH", help="also append the JSON line here")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the history file and the server's log in DIR"
    )
    args = parser.parse_args(argv)
    args.duration = args.duration or (QUICK_S if args.quick else FULL_S)
    if sys.platform != "linux":
        sys.exit("bench.abuse: Linux only (/proc, taskset, 127.0.0.0/8 source addresses)")
    raise_nofile()
    server_core: int | None = args.server_core
    if (os.cpu_count() or 1) < 2 or shutil.which("taskset") is None:
        print("warning: no taskset or one core: nothing pinned", file=sys.stderr)
        server_core = None
    else:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {args.load_core})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    print(
        f"==> bench.abuse: {args.duration:g} s of abuse; server on core {server_core}, "
        f"load on core {args.load_core if server_core is not None else None}",
        file=sys.stderr,
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="roomcast-abuse-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(run(args, work, server_core))
    result["elapsed_s"] = round(time.monotonic() - started, 1)
    line = json.dumps(result)
    if args.json:
        with open(args.json, "a") as out:
            out.write(line + "\n")
    if result["disturbed"]:
        print(
            f"DISTURBED: a core was {result['other_load_pct']:.0f} points busier than the "
            "processes pinned to it (other work on the machine): not reporting this run. "
            "Run it again on a quiet machine.",
            file=sys.stderr,
        )
        print(line)
        return 3
    print_table(result)
    print(f"\nbench.abuse took {result['elapsed_s']:.0f} s")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
