"""Shared rooms through Redis: joining a crowd, and one node against two.

Run (from the repository root, with the venv's Python)::

    .venv/bin/python -m bench.scale_out                # both parts, 1 round (~2 min)
    .venv/bin/python -m bench.scale_out --rounds 3     # medians of three
    .venv/bin/python -m bench.scale_out --cases joins  # the join part alone (~30 s)

**Joins** (``--cases joins``): ``--clients`` (1,000) generator clients join
one room, ``--concurrency`` (50) handshakes in flight at a time, on one
node, on two nodes (client i on node i mod 2), and on one node without
Redis (``--db :memory:``, the same work minus the shared state). Measured
from ``/proc/<pid>/stat``: the nodes' CPU seconds from the first connection
until every client has its welcome and the nodes are idle again (handshakes,
claims, welcomes and the presence fan-out: each join is told to everyone
already in the room), and Redis's CPU seconds separately. The issue's
target is under 0.5 s of server CPU for 1,000 joins.

**Throughput** (``--cases throughput``):

a real ``redis-server`` (persistence off) and N ``python -m server --redis``
nodes; the generator (``bench/node/loadgen.js``, as in ``bench.servers``)
spreads its clients over the nodes (client i on node i mod N), all in one
room, and its senders post at R messages/s in all. Every message goes
through Redis (an XADD by the sender's node, an XREAD by every node) and each
node fans it out to its own clients.

Cores: the nodes *and* Redis share core 0, the generator has core 1, so that
one node and two nodes get the same hardware. On this 2-core VM the figures
show what sharing a room across nodes costs, not what more machines gain;
on real machines each node has its own cores and the fan-out work (most of a
node's CPU) divides by the number of nodes.

Printed per run: the noise line (bench/noise.py: other processes' CPU while
it ran) and one JSON line; at the end tables with the medians of the quiet
runs and the 2-node/1-node ratios. A DISTURBED run (other processes used
more than 10 % of a core) is left out of the tables; when every run of a
row was disturbed the row says so instead of giving figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.noise import Noise
from bench.servers import (
    NO_LIMITS,
    NODE_DIR,
    Child,
    ensure_node,
    pinned,
    raise_nofile,
    sample,
    wait_event,
    wait_idle,
)

SERVER_CORE = 0
LOADGEN_CORE = 1
CASES = [(1000, 40.0), (1000, 200.0)]
#: The issue's target: server CPU seconds for 1,000 joins to one room.
TARGET_JOIN_CPU_S = 0.5
#: The join part: one node, two nodes, and one node without Redis.
JOIN_SETUPS = ("1 node", "2 nodes", "no Redis")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def redis(work: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("bench.scale_out: redis-server is missing (scripts/system-deps redis)")
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    argv += ["no", "--protected-mode", "no", "--loglevel", "warning", "--dir", str(work)]
    proc = subprocess.Popen(pinned(SERVER_CORE, argv), stdout=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)) as c:
                c.sendall(b"PING\r\n")
                if c.recv(16).startswith(b"+PONG"):
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", proc
    finally:
        proc.kill()
        proc.wait()


def start_node(work: Path, redis_url: str | None, tag: str) -> tuple[Child, str]:
    """A node on Redis, or (redis_url None) a node on its own with ``--db :memory:``."""
    store = ["--redis", redis_url] if redis_url else ["--db", ":memory:"]
    argv = [sys.executable, "-m", "roomcast.server", "--port", "0", *store]
    argv += ["--rate", "1000000", "--burst", "1000000", "--max-buffer", "64M"]
    argv += ["--log-level", "warning", *NO_LIMITS]
    child = Child(tag, pinned(SERVER_CORE, argv), work)
    deadline = time.monotonic() + 30
    while True:
        line = child.next_line(deadline)
        if line is None:
            raise RuntimeError(f"{tag} exited at start:\n{child.stderr_tail()}")
        for word in line.split():
            if word.startswith("ws://127.0.0.1:"):
                return child, word.rstrip("/") + "/r/bench"


def run(work: Path, nodes: int, clients: int, rate: float, duration: float) -> dict[str, Any]:
    tag = f"n{nodes}-{clients}x{rate:g}"
    with contextlib.ExitStack() as stack, redis(work) as (redis_url, redis_proc):
        children = []
        urls = []
        for n in range(nodes):
            child, url = start_node(work, redis_url, f"{tag}-node{n}")
            stack.callback(child.stop)
            children.append(child)
            urls.append(url)
        argv = ["node", str(NODE_DIR / "loadgen.js"), "--url", ",".join(urls)]
        argv += ["--clients", str(clients), "--mode", "roomcast", "--connect-timeout", "600"]
        loadgen = Child(f"{tag}-loadgen", pinned(LOADGEN_CORE, argv), work, stdin=True)
        stack.callback(loadgen.stop)
        ready = wait_event(loadgen, "ready", 620)
        time.sleep(0.5)
        pids = [c.pid for c in children] + [redis_proc.pid]
        with Noise() as noise:
            before = [sample(pid) for pid in pids]
            t0 = time.monotonic()
            loadgen.send({"cmd": "run", "rate": rate, "duration": duration, "grace": 10})
            res = wait_event(loadgen, "result", duration + 130)
            t1 = time.monotonic()
            after = [sample(pid) for pid in pids]
        print(f"    {noise.line()}", file=sys.stderr, flush=True)
        cpu = [b.cpu_s - a.cpu_s for a, b in zip(before, after, strict=True)]
        frames = int(res["delivered"]) + int(res["acks"])
        return {
            "bench": "scale_out",
            "nodes": nodes,
            "clients": clients,
            "rate": rate,
            "connect_s": ready.get("connect_s"),
            "delivered": res["delivered"],
            "lost": res["lost"],
            "delivered_per_s": res["delivered_per_s"],
            "p50_ms": res["p50_ms"],
            "p99_ms": res["p99_ms"],
            "max_ms": res["max_ms"],
            "nodes_cpu_pct": round(100 * sum(cpu[:-1]) / (t1 - t0), 1),
            "redis_cpu_pct": round(100 * cpu[-1] / (t1 - t0), 1),
            "cpu_s_per_1000": round(1000 * sum(cpu) / frames, 5) if frames else None,
            "gen_cpu_pct": res["cpu_pct"],
            "noise": noise.as_dict(),
        }


def run_joins(work: Path, setup: str, clients: int, concurrency: int, rnd: int) -> dict[str, Any]:
    """``clients`` join one room (see the module docstring): the CPU it took."""
    nodes = 2 if setup == "2 nodes" else 1
    tag = f"joins-{setup.replace(' ', '')}-{rnd}"
    with contextlib.ExitStack() as stack:
        redis_url: str | None = None
        pids: list[int] = []
        if setup != "no Redis":
            redis_url, redis_proc = stack.enter_context(redis(work))
        children, urls = [], []
        for n in range(nodes):
            child, url = start_node(work, redis_url, f"{tag}-node{n}")
            stack.callback(child.stop)
            children.append(child)
            urls.append(url)
        pids = [c.pid for c in children]
        if redis_url is not None:
            pids.append(redis_proc.pid)
        for pid in pids:
            wait_idle(pid)  # start-up work is not the joins'
        argv = ["node", str(NODE_DIR / "loadgen.js"), "--url", ",".join(urls)]
        argv += ["--clients", str(clients), "--mode", "roomcast", "--connect-timeout", "600"]
        argv += ["--concurrency", str(concurrency), "--quiet-ms", "300"]
        with Noise() as noise:
            before = [sample(pid) for pid in pids]
            loadgen = Child(f"{tag}-loadgen", pinned(LOADGEN_CORE, argv), work, stdin=True)
            stack.callback(loadgen.stop)
            ready = wait_event(loadgen, "ready", 620)
            for pid in pids:
                wait_idle(pid)  # every welcome and presence frame written
            after = [sample(pid) for pid in pids]
        print(f"    {noise.line()}", file=sys.stderr, flush=True)
        cpu = [b.cpu_s - a.cpu_s for a, b in zip(before, after, strict=True)]
        node_cpu = sum(cpu[:nodes])
        return {
            "bench": "scale_out.joins",
            "setup": setup,
            "clients": clients,
            "concurrency": concurrency,
            "ready": ready["ready"],
            "connect_s": ready["connect_s"],
            "nodes_cpu_s": round(node_cpu, 3),
            "nodes_cpu_ms_per_join": round(1000 * node_cpu / clients, 3),
            "redis_cpu_s": round(cpu[nodes], 3) if redis_url is not None else None,
            "nodes_rss_mb": round(sum(b.rss_mb for b in after[:nodes]), 1),
            "noise": noise.as_dict(),
        }


def quiet(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in runs if not r["noise"]["disturbed"]]


def print_joins(runs: list[dict[str, Any]], clients: int) -> None:
    header = f"{'joins':<10}{'setup':<10}{'runs':>6}{'nodes CPU s':>13}{'ms/join':>9}"
    header += f"{'Redis CPU s':>13}{'connect s':>11}"
    print(header)
    print("-" * len(header))
    medians: dict[str, tuple[float, float]] = {}
    for setup in JOIN_SETUPS:
        mine = [r for r in runs if r["setup"] == setup]
        if not mine:
            continue
        clean = quiet(mine)
        if not clean:
            print(f"{clients:<10,}{setup:<10}{'every run DISTURBED: not reported':>40}")
            continue
        cpu = statistics.median(r["nodes_cpu_s"] for r in clean)
        redis_s = [r["redis_cpu_s"] for r in clean if r["redis_cpu_s"] is not None]
        redis_cpu = statistics.median(redis_s) if redis_s else 0.0
        medians[setup] = (cpu, redis_cpu)
        redis_col = f"{redis_cpu:>13.3f}" if redis_s else f"{'-':>13}"
        connect = statistics.median(r["connect_s"] for r in clean)
        runs_col = f"{len(clean)}/{len(mine)}"
        print(
            f"{clients:<10,}{setup:<10}{runs_col:>6}{cpu:>13.3f}{1000 * cpu / clients:>9.3f}"
            f"{redis_col}{connect:>11.2f}"
        )
    # What sharing the room costs: a Redis node's CPU over a node on its own
    # (the same handshakes, welcomes and presence fan-out), plus Redis's.
    if "1 node" in medians and "no Redis" in medians:
        (shared, redis_cpu), (alone, _) = medians["1 node"], medians["no Redis"]
        total = shared + redis_cpu
        extra = shared - alone + redis_cpu
        verdict = "met" if total < TARGET_JOIN_CPU_S else "missed"
        print(
            f"\n{clients:,} joins, 1 node: {total:.2f} s of server CPU (node + Redis; target "
            f"< {TARGET_JOIN_CPU_S:g} s: {verdict}); sharing the room through Redis costs "
            f"{extra:.2f} s of it (the node over one without Redis, plus Redis)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_out", description=__doc__)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of sending per run")
    parser.add_argument(
        "--cases", default="joins,throughput", help="joins, throughput, or both (the default)"
    )
    parser.add_argument("--clients", type=int, default=1000, help="clients joining (joins)")
    parser.add_argument(
        "--concurrency", type=int, default=50, help="handshakes in flight at a time (joins)"
    )
    args = parser.parse_args(argv)
    cases = {c.strip() for c in args.cases.split(",") if c.strip()}
    if not cases or cases - {"joins", "throughput"}:
        parser.error("--cases is joins, throughput, or joins,throughput")
    ensure_node()
    raise_nofile(2 * max(args.clients, 1000))  # clients and their server sockets
    started = time.monotonic()
    runs: list[dict[str, Any]] = []
    join_runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="roomcast-scale-") as tmp:
        for rnd in range(args.rounds) if "joins" in cases else ():
            for setup in JOIN_SETUPS:
                print(
                    f"==> {args.clients} joins to one room, {setup}, round {rnd + 1}/{args.rounds}",
                    file=sys.stderr,
                    flush=True,
                )
                record = run_joins(Path(tmp), setup, args.clients, args.concurrency, rnd)
                print(json.dumps(record), flush=True)
                join_runs.append(record)
        for clients, rate in CASES if "throughput" in cases else ():
            for rnd in range(args.rounds):
                for nodes in (1, 2):
                    print(
                        f"==> {clients} clients, {rate:g} msg/s, {nodes} node(s), "
                        f"round {rnd + 1}/{args.rounds}",
                        file=sys.stderr,
                        flush=True,
                    )
                    record = run(Path(tmp), nodes, clients, rate, args.duration)
                    print(json.dumps(record), flush=True)
                    runs.append(record)
    if join_runs:
        print()
        print_joins(join_runs, args.clients)
    if runs:
        print()
        print_throughput(runs)
    print(f"\nbench.scale_out took {time.monotonic() - started:.0f} s")
    return 0


def print_throughput(runs: list[dict[str, Any]]) -> None:
    header = f"{'load':<22}{'nodes':>6}{'deliv/s':>11}{'p50 ms':>8}{'p99 ms':>8}"
    header += f"{'max ms':>8}{'lost':>6}{'nodes%':>8}{'redis%':>8}{'CPU-s/1k':>10}"
    print(header)
    print("-" * len(header))
    for clients, rate in CASES:
        medians: dict[int, dict[str, float]] = {}
        for nodes in (1, 2):
            mine = quiet(
                [r for r in runs if (r["clients"], r["rate"], r["nodes"]) == (clients, rate, nodes)]
            )
            if not mine:
                print(f"{clients:,} x {rate:g} msg/s, {nodes} node(s): every run DISTURBED")
                continue
            keys = ["delivered_per_s", "p50_ms", "p99_ms", "max_ms", "lost", "nodes_cpu_pct"]
            keys += ["redis_cpu_pct", "cpu_s_per_1000"]
            medians[nodes] = {k: statistics.median(float(r[k]) for r in mine) for k in keys}
            m = medians[nodes]
            load = f"{clients:,} x {rate:g} msg/s"
            print(
                f"{load:<22}{nodes:>6}{m['delivered_per_s']:>11,.0f}{m['p50_ms']:>8.1f}"
                f"{m['p99_ms']:>8.1f}{m['max_ms']:>8.1f}{m['lost']:>6.0f}"
                f"{m['nodes_cpu_pct']:>8.0f}{m['redis_cpu_pct']:>8.0f}{m['cpu_s_per_1000']:>10.5f}"
            )
        if len(medians) < 2:
            continue
        one, two = medians[1], medians[2]
        print(
            f"{'  2 nodes / 1 node':<28}{two['delivered_per_s'] / one['delivered_per_s']:>11.2f}"
            f"{two['p50_ms'] / max(one['p50_ms'], 0.1):>8.2f}"
            f"{two['p99_ms'] / max(one['p99_ms'], 0.1):>8.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
