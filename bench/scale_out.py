"""Shared rooms through Redis: one roomcast-server node against two, same load.

Run (from the repository root, with the venv's Python)::

    .venv/bin/python -m bench.scale_out            # quick: 1 round (~1 min)
    .venv/bin/python -m bench.scale_out --rounds 3 # alternating 1 2 1 2 1 2

A real ``redis-server`` (persistence off) and N ``python -m server --redis``
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

Printed per run: one JSON line; at the end a table with the medians and the
2-node/1-node ratios.
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

from bench.servers import (
    NO_LIMITS,
    NODE_DIR,
    Child,
    ensure_node,
    pinned,
    raise_nofile,
    sample,
    wait_event,
)

SERVER_CORE = 0
LOADGEN_CORE = 1
CASES = [(1000, 40.0), (1000, 200.0)]


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


def start_node(work: Path, redis_url: str, tag: str) -> tuple[Child, str]:
    argv = [sys.executable, "-m", "roomcast.server", "--port", "0", "--redis", redis_url]
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
        before = [sample(pid) for pid in pids]
        t0 = time.monotonic()
        loadgen.send({"cmd": "run", "rate": rate, "duration": duration, "grace": 10})
        res = wait_event(loadgen, "result", duration + 130)
        t1 = time.monotonic()
        after = [sample(pid) for pid in pids]
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
        }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_out", description=__doc__)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of sending per run")
    args = parser.parse_args(argv)
    ensure_node()
    raise_nofile()
    started = time.monotonic()
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="roomcast-scale-") as tmp:
        for clients, rate in CASES:
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
    print()
    header = f"{'load':<22}{'nodes':>6}{'deliv/s':>11}{'p50 ms':>8}{'p99 ms':>8}"
    header += f"{'max ms':>8}{'lost':>6}{'nodes%':>8}{'redis%':>8}{'CPU-s/1k':>10}"
    print(header)
    print("-" * len(header))
    for clients, rate in CASES:
        medians: dict[int, dict[str, float]] = {}
        for nodes in (1, 2):
            mine = [
                r for r in runs if (r["clients"], r["rate"], r["nodes"]) == (clients, rate, nodes)
            ]
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
        one, two = medians[1], medians[2]
        print(
            f"{'  2 nodes / 1 node':<28}{two['delivered_per_s'] / one['delivered_per_s']:>11.2f}"
            f"{two['p50_ms'] / max(one['p50_ms'], 0.1):>8.2f}"
            f"{two['p99_ms'] / max(one['p99_ms'], 0.1):>8.2f}"
        )
    print(f"\nbench.scale_out took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
