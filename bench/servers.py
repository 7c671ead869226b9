"""Roomcast's server against the classic Node.js ``ws`` broadcast server, under one load.

Run (from the repository root, with the venv's Python)::

    .venv/bin/python -m bench.servers              # quick: what `make bench` runs (~2 min)
    .venv/bin/python -m bench.servers --full       # 3 rounds, longer windows (~15 min)
    .venv/bin/python -m bench.servers --cases fanout-1000,idle --rounds 1

Two servers (three with history off) take turns, A B A B…, under the same
load generator, ``bench/node/loadgen.js``: one Node.js process holding every
client connection, pinned to another core than the server (``taskset``).

- **roomcast**: ``python -m roomcast.server`` with its history in a SQLite file (the
  default set-up), rate limits raised out of the way.
- **roomcast-mem**: the same with ``--db :memory:`` (history on vs off).
- **node**: ``bench/node/reference-server.js``, the tutorial's ``ws`` server:
  every message forwarded as is to every *other* open client.

Cases:

- ``fanout-100``: 100 clients, 300 messages/s in all (29,700 deliveries/s).
- ``fanout-1000``: 1,000 clients, 40 messages/s (39,960 deliveries/s).
- ``saturation``: 1,000 clients; the total rate grows (×factor a step, then
  bisection) until p99 ≥ 100 ms or a delivery is missing after the grace
  period; the highest passing deliveries/s is the server's throughput.
- ``fanout-200``: 1,000 clients, 200 messages/s (199,800 deliveries/s), the
  senders paced evenly (issue 20's tail-latency case).
- ``idle``: 5,000 connections that send nothing, in rooms of 50; the server's
  RSS growth divided by the connections, and its whole RSS (from /proc).
  ``--idle-clients 100000`` is issue 20's case: the file-descriptor limit is
  raised for the server and the generator, and past some 14,000 connections
  the generator's clients come from several loopback source addresses
  (127.0.0.2, 127.0.0.3, ...), each with its own ephemeral ports.

Measured per run: deliveries/s to *other* clients (Roomcast also sends each
message back to its sender as the acknowledgement; those are counted apart),
latency p50/p99/max (send → receipt, one clock: the generator's), the
server's CPU seconds per 1,000 deliveries (utime+stime from /proc, every
frame it wrote, acknowledgements included), its peak RSS (VmHWM) and the
generator's own CPU: at ≥ 90 % of its core the run is marked generator-bound.

Every run prints one JSON line; at the end a table with the medians and the
Roomcast/Node ratios, the issue's targets, and one JSON summary line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import queue
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, TextIO

# A core busier than its pinned process by this: DISTURBED (and, for the idle
# case, other processes' CPU over the run, measured by bench.noise).
from bench.noise import DISTURBED_PCT, Noise

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / "node"
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: A run whose generator used this much of its core may have been limited by it.
GEN_BOUND_PCT = 90.0
#: Saturation: a step passes with p99 under this and nothing missing.
SAT_P99_MS = 100.0

# The issues' targets (Roomcast against the Node reference). Issue 20 raised
# the throughput ratio from 3 to 5 and asked for p99 at 1,000 x 200 msg/s too.
TARGET_THROUGHPUT_RATIO = 5.0
TARGET_CPU_RATIO = 0.5
TARGET_P99_MS = 25.0
TARGET_HISTORY_COST = 0.10
#: Issue 20: an idle connection costs at most half of Node's, and at most 4 KiB;
#: 100,000 of them fit in 1 GiB of server RSS.
TARGET_IDLE_RATIO = 0.5
TARGET_IDLE_KIB = 4.0
TARGET_IDLE_MANY = 100_000
TARGET_IDLE_MANY_RSS_MIB = 1024.0


# ---- what runs -------------------------------------------------------------------


@dataclass(frozen=True)
class ServerKind:
    name: str
    mode: str  # the generator's --mode: "roomcast" or "node"
    description: str


SERVERS = {
    "roomcast": ServerKind("roomcast", "roomcast", "python -m server, history in SQLite"),
    "roomcast-mem": ServerKind("roomcast-mem", "roomcast", "python -m server --db :memory:"),
    "node": ServerKind("node", "node", "node bench/node/reference-server.js (ws 8.18.3)"),
}


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "fanout", "saturation" or "idle"
    clients: int
    rate: float = 0.0  # messages/s in all (fanout)
    servers: tuple[str, ...] = ("roomcast", "node")
    description: str = ""


@dataclass(frozen=True)
class Settings:
    rounds: int
    duration: float  # seconds of sending per fanout run
    grace: float  # seconds to wait for the last deliveries
    sat_rounds: int
    sat_duration: float
    sat_start: float  # messages/s of the first saturation step
    sat_factor: float
    sat_refine: int  # bisection steps after the first failure
    sat_max_steps: int
    idle_rounds: int
    idle_clients: int
    idle_room_size: int
    sat_servers: tuple[str, ...]


QUICK = Settings(
    rounds=2,
    duration=5.0,
    grace=3.0,
    sat_rounds=1,
    sat_duration=3.0,
    sat_start=20.0,
    sat_factor=2.0,
    sat_refine=1,
    sat_max_steps=7,
    idle_rounds=1,
    idle_clients=5000,
    idle_room_size=50,
    sat_servers=("roomcast", "node"),
)
FULL = Settings(
    rounds=3,
    duration=15.0,
    grace=5.0,
    sat_rounds=3,
    sat_duration=5.0,
    sat_start=20.0,
    sat_factor=1.5,
    sat_refine=2,
    sat_max_steps=14,
    idle_rounds=3,
    idle_clients=5000,
    idle_room_size=50,
    sat_servers=("roomcast", "node", "roomcast-mem"),
)


def cases_for(settings: Settings) -> dict[str, Case]:
    return {
        "fanout-100": Case(
            "fanout-100", "fanout", 100, 300.0, description="100 clients, 300 msg/s"
        ),
        "fanout-1000": Case(
            "fanout-1000",
            "fanout",
            1000,
            40.0,
            servers=("roomcast", "node", "roomcast-mem"),
            description="1,000 clients, 40 msg/s (40k deliveries/s)",
        ),
        "fanout-200": Case(
            "fanout-200",
            "fanout",
            1000,
            200.0,
            description="1,000 clients, 200 msg/s (200k deliveries/s)",
        ),
        "saturation": Case(
            "saturation",
            "saturation",
            1000,
            servers=settings.sat_servers,
            description="1,000 clients, highest rate with p99 < 100 ms",
        ),
        "idle": Case(
            "idle",
            "idle",
            settings.idle_clients,
            description=f"{settings.idle_clients:,} idle connections, "
            f"rooms of {settings.idle_room_size}",
        ),
    }


# ---- processes -------------------------------------------------------------------


#: File descriptors a process needs besides its connections (logs, pipes,
#: the database, node's own).
SPARE_FDS = 4096


def raise_nofile(connections: int) -> int:
    """Raise this process's file-descriptor limit so that a server or a generator
    can hold ``connections`` sockets (children inherit it: setpriv and taskset
    exec them). Raising the hard limit needs root (or CAP_SYS_RESOURCE), and
    the kernel caps it at /proc/sys/fs/nr_open. Returns the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(65536, connections + SPARE_FDS)
    with contextlib.suppress(OSError, ValueError):
        want = min(want, int(Path("/proc/sys/fs/nr_open").read_text()))
    for limits in ((max(soft, want), max(hard, want)), (min(want, hard), hard)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, limits)
            break
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def local_addresses(clients: int) -> list[str]:
    """Source addresses for ``clients`` connections to one server port: none
    (the kernel's choice, 127.0.0.1) while one address's ephemeral ports
    suffice, else 127.0.0.2, 127.0.0.3, ... (all of 127/8 is loopback on
    Linux). Half of the ephemeral range per address: ports of an earlier
    run may still be in TIME_WAIT."""
    low, high = 32768, 60999
    with contextlib.suppress(OSError, ValueError):
        ports = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        low, high = int(ports[0]), int(ports[1])
    per_address = max(1000, (high - low + 1) // 2)
    if clients <= per_address:
        return []
    return [f"127.0.0.{2 + k}" for k in range(math.ceil(clients / per_address))]


class Child:
    """A child process whose stdout lines are read by a thread into a queue."""

    registry: ClassVar[list[Child]] = []

    def __init__(self, name: str, argv: list[str], log_dir: Path, *, stdin: bool = False):
        self.name = name
        self.stderr_path = log_dir / f"{name}.stderr"
        self._stderr = open(self.stderr_path, "w")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            bufsize=1,
        )
        Child.registry.append(self)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, deadline: float) -> str | None:
        """The next stdout line; None at EOF; TimeoutError past the deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        try:
            return self.lines.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError from None

    def send(self, obj: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()

    def stderr_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, *, kill: bool = True, wait: float = 3.0) -> None:
        """End it: SIGKILL at once (kill), or close stdin and wait a little first."""
        if self.proc.poll() is None:
            if not kill and self.proc.stdin is not None:
                with contextlib.suppress(OSError, ValueError):
                    self.proc.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(wait)
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()
        self._stderr.close()
        if self in Child.registry:
            Child.registry.remove(self)

    @classmethod
    def stop_all(cls) -> None:
        for child in list(cls.registry):
            child.stop()


def pinned(core: int | None, argv: list[str]) -> list[str]:
    """taskset -c CORE argv; under setpriv --pdeathsig KILL so no child outlives us."""
    prefix: list[str] = []
    setpriv = shutil.which("setpriv")
    if setpriv:
        prefix = [setpriv, "--pdeathsig", "KILL"]
    if core is not None:
        prefix += ["taskset", "-c", str(core)]
    return prefix + argv


@dataclass
class ProcSample:
    cpu_s: float  # utime + stime, every thread
    rss_mb: float
    hwm_mb: float  # peak RSS


def sample(pid: int) -> ProcSample:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
    rss = hwm = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return ProcSample(cpu, rss, hwm)


@dataclass
class CoreSample:
    busy_s: float  # user + nice + system + irq + softirq
    softirq_s: float
    steal_s: float
    total_s: float  # busy + idle + iowait + steal


def sample_core(core: int | None) -> CoreSample | None:
    """One core's times from /proc/stat, softirq included.

    The kernel's loopback TCP work partly runs as softirq on the sending core,
    and with IRQ time accounting that time is in no process's utime/stime: the
    core's figure is what the server really cost its core.
    """
    if core is None:
        return None
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{core} "):
                user, nice, system, idle, iowait, irq, softirq, steal = (
                    int(v) for v in line.split()[1:9]
                )
                busy = user + nice + system + irq + softirq
                return CoreSample(
                    busy / CLK_TCK,
                    softirq / CLK_TCK,
                    steal / CLK_TCK,
                    (busy + idle + iowait + steal) / CLK_TCK,
                )
    return None


def core_share(a: CoreSample | None, b: CoreSample | None) -> dict[str, float]:
    if a is None or b is None or b.total_s <= a.total_s:
        return {}
    total = b.total_s - a.total_s
    return {
        "busy_s": b.busy_s - a.busy_s,
        "busy_pct": 100 * (b.busy_s - a.busy_s) / total,
        "softirq_pct": 100 * (b.softirq_s - a.softirq_s) / total,
        "steal_pct": 100 * (b.steal_s - a.steal_s) / total,
    }


@dataclass
class Env:
    settings: Settings
    server_core: int | None
    loadgen_core: int | None
    client: str
    work: Path
    json_out: TextIO | None
    verbose: bool
    runs: list[dict[str, Any]] = field(default_factory=list)

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)


#: Every client of a benchmark connects from 127.0.0.1, which the server's
#: per-address limits do not exempt: lift them (and the room and member caps)
#: out of the way, as the rate limit is.
NO_LIMITS = [
    *("--max-connections", "1000000", "--max-connections-per-address", "1000000"),
    *("--handshakes-per-second", "1000000", "--handshake-burst", "1000000"),
    *("--max-rooms", "1000000", "--max-members", "1000000"),
]


def start_server(env: Env, kind: ServerKind, tag: str) -> tuple[Child, str]:
    """Start a server on a free port (port 0); return it and its ws:// URL."""
    if kind.mode == "roomcast":
        db = ":memory:" if kind.name == "roomcast-mem" else str(env.work / f"{tag}.sqlite3")
        argv = [
            sys.executable,
            "-m",
            "server",
            "--port",
            "0",
            "--db",
            db,
            "--rate",
            "1000000",
            "--burst",
            "1000000",
            "--max-buffer",
            "64M",
            "--log-level",
            "warning",
            *NO_LIMITS,
        ]
    else:
        argv = ["node", str(NODE_DIR / "reference-server.js"), "0"]
    child = Child(f"{tag}-server", pinned(env.server_core, argv), env.work)
    deadline = time.monotonic() + 30
    while True:
        try:
            line = child.next_line(deadline)
        except TimeoutError:
            child.stop()
            raise RuntimeError(f"{kind.name} did not start within 30 s") from None
        if line is None:
            child.stop()
            raise RuntimeError(f"{kind.name} exited at start:\n{child.stderr_tail()}")
        for word in line.split():
            if word.startswith("ws://127.0.0.1:"):
                return child, word.rstrip("/") + "/"


def start_loadgen(
    env: Env, tag: str, url: str, mode: str, clients: int, *, rooms: int = 1
) -> tuple[Child, dict[str, Any]]:
    """Start the generator; return it once every client is connected (its ready event)."""
    argv = [
        "node",
        str(NODE_DIR / "loadgen.js"),
        "--url",
        url,
        "--clients",
        str(clients),
        "--mode",
        mode,
        "--client",
        env.client,
        "--rooms",
        str(rooms),
        "--connect-timeout",
        "600",
    ]
    sources = local_addresses(clients)
    if sources:
        argv += ["--local-addresses", ",".join(sources)]
    child = Child(f"{tag}-loadgen", pinned(env.loadgen_core, argv), env.work, stdin=True)
    return child, wait_event(child, "ready", 620)


def wait_event(child: Child, event: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = child.next_line(deadline)
        except TimeoutError:
            raise RuntimeError(f"no {event} from the generator within {timeout:g} s") from None
        if line is None:
            raise RuntimeError(f"the generator exited:\n{child.stderr_tail()}")
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("event") == "error":
            raise RuntimeError(f"generator: {obj.get('error')}")
        if obj.get("event") == event:
            return dict(obj)


@contextlib.contextmanager
def pair(
    env: Env, kind: ServerKind, tag: str, clients: int, *, rooms: int = 1
) -> Iterator[tuple[Child, Child, dict[str, Any], ProcSample]]:
    """A server and a generator with every client connected; both ended on exit."""
    server, url = start_server(env, kind, tag)
    loadgen: Child | None = None
    try:
        time.sleep(0.3)
        before = sample(server.pid)
        loadgen, ready = start_loadgen(env, tag, url, kind.mode, clients, rooms=rooms)
        yield server, loadgen, ready, before
    finally:
        # The measurement is over: no graceful shutdown (Roomcast's would send
        # 1001 to every client and a presence for each leave).
        server.stop()
        if loadgen is not None:
            loadgen.stop(kill=False, wait=2.0)


# ---- one step of load ------------------------------------------------------------


def load_step(
    env: Env, server: Child, loadgen: Child, rate: float, duration: float, grace: float
) -> dict[str, Any]:
    """Send at `rate` for `duration`; the generator's result plus the server's cost."""
    s0 = sample(server.pid)
    c0, g0 = sample_core(env.server_core), sample_core(env.loadgen_core)
    t0 = time.monotonic()
    loadgen.send({"cmd": "run", "rate": rate, "duration": duration, "grace": grace})
    res = wait_event(loadgen, "result", duration + grace + 120)
    t1 = time.monotonic()
    s1 = sample(server.pid)
    c1, g1 = sample_core(env.server_core), sample_core(env.loadgen_core)
    core, gen_core = core_share(c0, c1), core_share(g0, g1)
    cpu = s1.cpu_s - s0.cpu_s
    frames = int(res["delivered"]) + int(res["acks"])
    out = dict(res)
    out.pop("event", None)
    gen_pct = max(float(res["cpu_pct"]), gen_core.get("busy_pct", 0.0))
    server_pct = 100 * cpu / (t1 - t0)
    # Work on the two cores that is neither the server's nor the generator's.
    other = max(
        core.get("busy_pct", server_pct) - server_pct,
        gen_core.get("busy_pct", float(res["cpu_pct"])) - float(res["cpu_pct"]),
    )
    out.update(
        server_cpu_s=round(cpu, 3),
        server_cpu_pct=round(server_pct, 1),
        cpu_s_per_1000=round(1000 * cpu / frames, 5) if frames else None,
        server_core_pct=round(core["busy_pct"], 1) if core else None,
        server_core_softirq_pct=round(core["softirq_pct"], 1) if core else None,
        server_core_steal_pct=round(core["steal_pct"], 1) if core else None,
        core_s_per_1000=round(1000 * core["busy_s"] / frames, 5) if core and frames else None,
        gen_core_pct=round(gen_core["busy_pct"], 1) if gen_core else None,
        server_rss_mb=round(s1.rss_mb, 1),
        peak_rss_mb=round(s1.hwm_mb, 1),
        gen_cpu_pct=res["cpu_pct"],
        gen_bound=gen_pct >= GEN_BOUND_PCT,
        other_load_pct=round(other, 1),
        disturbed=other > DISTURBED_PCT,
    )
    return out


def passes(step: dict[str, Any]) -> bool:
    return (
        step["lost"] == 0
        and step["closed"] == 0
        and step["skipped"] == 0
        and step["p99_ms"] is not None
        and step["p99_ms"] < SAT_P99_MS
    )


def wait_idle(pid: int, limit: float = 30.0) -> None:
    """Wait until the server uses under 10 % of a core (its backlog is written)."""
    end = time.monotonic() + limit
    last = sample(pid).cpu_s
    while time.monotonic() < end:
        time.sleep(0.5)
        now = sample(pid).cpu_s
        if now - last < 0.05:
            return
        last = now


# ---- the cases -------------------------------------------------------------------


def run_fanout(env: Env, case: Case, kind: ServerKind, rnd: int) -> dict[str, Any]:
    s = env.settings
    tag = f"{case.name}-{kind.name}-{rnd}"
    with pair(env, kind, tag, case.clients) as (server, loadgen, ready, before):
        time.sleep(0.5)
        connected = sample(server.pid)
        step = load_step(env, server, loadgen, case.rate, s.duration, s.grace)
    return {
        **step,
        "connect_s": ready["connect_s"],
        "server_rss_start_mb": round(before.rss_mb, 1),
        "server_rss_connected_mb": round(connected.rss_mb, 1),
        "server_cpu_connect_s": round(connected.cpu_s - before.cpu_s, 2),
    }


def run_saturation(env: Env, case: Case, kind: ServerKind, rnd: int) -> dict[str, Any]:
    s = env.settings
    tag = f"{case.name}-{kind.name}-{rnd}"
    steps: list[dict[str, Any]] = []
    with pair(env, kind, tag, case.clients) as (server, loadgen, ready, _):
        best: dict[str, Any] | None = None
        worst: dict[str, Any] | None = None
        rate = s.sat_start
        refine = 0
        while len(steps) < s.sat_max_steps:
            time.sleep(0.5)
            step = load_step(env, server, loadgen, rate, s.sat_duration, min(s.grace, 3.0))
            step["pass"] = passes(step)
            steps.append(step)
            env.log(
                f"    {rate:8.1f} msg/s: {step['delivered_per_s']:>10,.0f} deliveries/s "
                f"p99 {step['p99_ms']} ms lost {step['lost']} "
                f"server {step['server_cpu_pct']:.0f}% (core {step['server_core_pct']}%) "
                f"gen {step['gen_cpu_pct']:.0f}% (core {step['gen_core_pct']}%) "
                f"{'pass' if step['pass'] else 'FAIL'}"
                + (f" DISTURBED (+{step['other_load_pct']:.0f}%)" if step["disturbed"] else "")
            )
            if step["pass"]:
                best = step
            else:
                worst = step if worst is None or rate < worst["rate"] else worst
                if not step["drained"] or step["closed"]:
                    # Let the server write its backlog before the next step.
                    wait_idle(server.pid)
                if step["closed"]:
                    break  # clients were dropped: the rest would not be comparable
            if worst is None:
                rate = round(rate * s.sat_factor, 1)
                continue
            if refine >= s.sat_refine or best is None:
                break
            refine += 1
            rate = round(math.sqrt(best["rate"] * worst["rate"]), 1)
            if rate in (best["rate"], worst["rate"]):
                break
    # Generator-bound: at the first failing step the generator's core was
    # (nearly) full while the server's was not.
    limited_by_gen = (
        worst is not None
        and worst["gen_bound"]
        and (worst["server_core_pct"] or worst["server_cpu_pct"]) < GEN_BOUND_PCT
    )
    return {
        "clients": case.clients,
        "connect_s": ready["connect_s"],
        "best_rate": best["rate"] if best else None,
        "delivered_per_s": best["delivered_per_s"] if best else 0.0,
        "p50_ms": best["p50_ms"] if best else None,
        "p99_ms": best["p99_ms"] if best else None,
        "max_ms": best["max_ms"] if best else None,
        "cpu_s_per_1000": best["cpu_s_per_1000"] if best else None,
        "core_s_per_1000": best["core_s_per_1000"] if best else None,
        "server_cpu_pct": best["server_cpu_pct"] if best else None,
        "server_core_pct": best["server_core_pct"] if best else None,
        "gen_core_pct": best["gen_core_pct"] if best else None,
        "peak_rss_mb": max(st["peak_rss_mb"] for st in steps),
        "gen_cpu_pct": best["gen_cpu_pct"] if best else None,
        "first_fail_rate": worst["rate"] if worst else None,
        "first_fail_p99_ms": worst["p99_ms"] if worst else None,
        "first_fail_delivered_per_s": worst["delivered_per_s"] if worst else None,
        "first_fail_gen_cpu_pct": worst["gen_cpu_pct"] if worst else None,
        "first_fail_server_cpu_pct": worst["server_cpu_pct"] if worst else None,
        "first_fail_server_core_pct": worst["server_core_pct"] if worst else None,
        "first_fail_gen_core_pct": worst["gen_core_pct"] if worst else None,
        # The most the server delivered in any step, latency aside: overloaded,
        # it still writes as fast as it can (a steadier figure than the p99 edge).
        "peak_delivered_per_s": max(st["delivered_per_s"] for st in steps),
        "disturbed": any(st["disturbed"] for st in steps),
        "gen_bound": limited_by_gen,
        "never_failed": worst is None,
        "steps": steps,
    }


def run_idle(env: Env, case: Case, kind: ServerKind, rnd: int) -> dict[str, Any]:
    s = env.settings
    tag = f"{case.name}-{kind.name}-{rnd}"
    rooms = max(1, math.ceil(case.clients / s.idle_room_size)) if s.idle_room_size else 1
    # Memory is what is measured, but a busy machine slows the connecting and
    # may hold the allocator mid-flight: the run is judged by bench.noise too.
    with (
        Noise() as noise,
        pair(env, kind, tag, case.clients, rooms=rooms) as (
            server,
            _,
            ready,
            before,
        ),
    ):
        time.sleep(1.0)
        after = sample(server.pid)
    env.log(f"    {noise.line()}")
    delta = after.rss_mb - before.rss_mb
    return {
        "clients": case.clients,
        "rooms": rooms if kind.mode == "roomcast" else 1,
        "connected": ready["ready"],
        "source_addresses": ready.get("local_addresses") or 1,
        "connect_s": ready["connect_s"],
        "settle_s": ready["settle_s"],
        "server_cpu_connect_s": round(after.cpu_s - before.cpu_s, 2),
        "server_rss_start_mb": round(before.rss_mb, 1),
        "server_rss_mb": round(after.rss_mb, 1),
        "peak_rss_mb": round(after.hwm_mb, 1),
        # KiB (/proc counts in KiB); "KB" in the table and the docs, as before.
        "rss_per_conn_kb": round(delta * 1024 / case.clients, 2),
        "gen_cpu_s": ready["cpu_s"],
        "noise": noise.as_dict(),
        "disturbed": noise.disturbed,
    }


RUNNERS: dict[str, Callable[[Env, Case, ServerKind, int], dict[str, Any]]] = {
    "fanout": run_fanout,
    "saturation": run_saturation,
    "idle": run_idle,
}


def rounds_for(case: Case, s: Settings) -> int:
    return {"fanout": s.rounds, "saturation": s.sat_rounds, "idle": s.idle_rounds}[case.kind]


def run_case(env: Env, case: Case, servers: Sequence[str]) -> None:
    # In the order given by --servers (default: roomcast, node, roomcast-mem).
    kinds = [SERVERS[name] for name in servers if name in case.servers]
    total = rounds_for(case, env.settings)
    for rnd in range(1, total + 1):
        for kind in kinds:  # A B A B ...: the servers alternate within each round
            env.log(f"==> {case.name} ({case.description}) round {rnd}/{total}: {kind.name}")
            started = time.monotonic()
            try:
                result = RUNNERS[case.kind](env, case, kind, rnd)
                error = None
            except RuntimeError as exc:
                result, error = {}, str(exc)
                env.log(f"    failed: {exc}")
            record = {
                "bench": "servers",
                "case": case.name,
                "server": kind.name,
                "round": rnd,
                "clients": case.clients,
                **({"rate": case.rate} if case.kind == "fanout" else {}),
                **result,
                "wall_s": round(time.monotonic() - started, 1),
                **({"error": error} if error else {}),
            }
            env.runs.append(record)
            line = json.dumps(record if env.verbose else _without_steps(record))
            print(line, flush=True)
            if env.json_out is not None:
                env.json_out.write(json.dumps(record) + "\n")
                env.json_out.flush()
            time.sleep(0.5)


def _without_steps(record: dict[str, Any]) -> dict[str, Any]:
    if "steps" not in record:
        return record
    out = dict(record)
    out["steps"] = [
        {
            k: st[k]
            for k in ("rate", "delivered_per_s", "p99_ms", "lost", "server_cpu_pct", "gen_cpu_pct")
        }
        | {"pass": st["pass"]}
        for st in record["steps"]
    ]
    return out


# ---- the summary -----------------------------------------------------------------


def median(values: Sequence[Any]) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return statistics.median(numbers) if numbers else None


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def summarize(runs: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """{case: {server: {metric: median, "runs": n, "gen_bound": any}}}."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    metrics = (
        "delivered_per_s",
        "acks_per_s",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "cpu_s_per_1000",
        "core_s_per_1000",
        "server_cpu_pct",
        "server_core_pct",
        "server_core_softirq_pct",
        "peak_rss_mb",
        "gen_cpu_pct",
        "gen_core_pct",
        "rss_per_conn_kb",
        "connect_s",
        "server_cpu_connect_s",
        "lost",
        "clients",
        "server_rss_mb",
        "best_rate",
        "peak_delivered_per_s",
        "first_fail_rate",
        "first_fail_server_cpu_pct",
        "first_fail_gen_cpu_pct",
        "first_fail_server_core_pct",
        "first_fail_gen_core_pct",
    )
    for run in runs:
        if "error" in run:
            continue
        out.setdefault(run["case"], {}).setdefault(run["server"], {"_runs": []})["_runs"].append(
            run
        )
    for servers in out.values():
        for entry in servers.values():
            rs = entry.pop("_runs")
            # Runs during which other work used the cores do not count, as
            # long as some clean ones exist (their JSON lines are printed all
            # the same).
            clean = [r for r in rs if not r.get("disturbed")]
            entry["disturbed_runs"] = len(rs) - len(clean)
            entry["all_disturbed"] = not clean
            if clean:
                rs = clean
            entry["runs"] = len(rs)
            for m in metrics:
                # A disturbed run is not reported: with no clean run, no figure.
                entry[m] = median([r.get(m) for r in rs]) if clean else None
            entry["gen_bound"] = any(r.get("gen_bound") for r in rs)
            entry["never_failed"] = any(r.get("never_failed") for r in rs)
            entry["lost_total"] = sum(int(r.get("lost") or 0) for r in rs)
            got = [r["delivered_per_s"] for r in rs if r.get("delivered_per_s") is not None]
            entry["delivered_per_s_min"] = min(got) if got else None
            entry["delivered_per_s_max"] = max(got) if got else None
    return out


def fmt(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def print_table(summary: dict[str, dict[str, dict[str, Any]]]) -> None:
    cols = (
        f"{'case':<12} {'server':<13} {'runs':>4} {'deliv/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'CPU-s/1k':>9} {'core-s/1k':>9} {'srv%':>5} {'core%':>5} "
        f"{'RSS MB':>7} {'KB/idle':>8} {'gen%':>5} {'genc%':>5} {'conn s':>6}"
    )
    print()
    print(cols)
    print("-" * len(cols))
    for name, servers in summary.items():
        for server, e in servers.items():
            notes: list[str] = []
            if e["gen_bound"]:
                notes.append("GEN-BOUND")
            if e["disturbed_runs"]:
                notes.append(
                    f"{e['disturbed_runs']} DISTURBED run(s) left out"
                    if e["runs"] and not e.get("all_disturbed")
                    else "every run DISTURBED: not reported"
                )
            if e.get("never_failed"):
                notes.append("never failed: a lower bound")
            if e["lost_total"] and name != "saturation":
                notes.append(f"LOST {e['lost_total']}")
            if name == "saturation" and e["runs"] > 1:
                notes.append(
                    f"range {fmt(e['delivered_per_s_min'])}-{fmt(e['delivered_per_s_max'])}"
                )
            if name == "saturation" and (e["gen_core_pct"] or 0) >= GEN_BOUND_PCT:
                notes.append(
                    f"the generator's core was {e['gen_core_pct']:.0f}% busy at this step "
                    "too: may be a lower bound"
                )
            if name == "saturation" and e["peak_delivered_per_s"] is not None:
                notes.append(f"peak {fmt(e['peak_delivered_per_s'])}/s at any latency")
            if name == "saturation" and e["first_fail_rate"] is not None:
                notes.append(
                    f"lowest failing step {e['first_fail_rate']:g} msg/s: server core "
                    f"{fmt(e['first_fail_server_core_pct'], '.0f')}%, generator core "
                    f"{fmt(e['first_fail_gen_core_pct'], '.0f')}%"
                )
            print(
                f"{name:<12} {server:<13} {e['runs']:>4} {fmt(e['delivered_per_s']):>9} "
                f"{fmt(e['p50_ms'], '.1f'):>7} {fmt(e['p99_ms'], '.1f'):>7} "
                f"{fmt(e['max_ms'], '.1f'):>7} {fmt(e['cpu_s_per_1000'], '.5f'):>9} "
                f"{fmt(e['core_s_per_1000'], '.5f'):>9} {fmt(e['server_cpu_pct'], '.0f'):>5} "
                f"{fmt(e['server_core_pct'], '.0f'):>5} {fmt(e['peak_rss_mb'], '.1f'):>7} "
                f"{fmt(e['rss_per_conn_kb'], '.2f'):>8} {fmt(e['gen_cpu_pct'], '.0f'):>5} "
                f"{fmt(e['gen_core_pct'], '.0f'):>5} {fmt(e['connect_s'], '.1f'):>6}"
                + (f"  ({'; '.join(notes)})" if notes else "")
            )
        r, n = servers.get("roomcast"), servers.get("node")
        if r and n:

            def q(key: str, r: dict[str, Any] = r, n: dict[str, Any] = n) -> str:
                return fmt(ratio(r[key], n[key]), ".2f")

            print(
                f"{name:<12} {'roomcast/node':<13} {'':>4} {q('delivered_per_s'):>9} "
                f"{q('p50_ms'):>7} {q('p99_ms'):>7} {q('max_ms'):>7} {q('cpu_s_per_1000'):>9} "
                f"{q('core_s_per_1000'):>9} {'':>5} {'':>5} {q('peak_rss_mb'):>7} "
                f"{q('rss_per_conn_kb'):>8}"
            )
    print()
    print(
        "Medians over the runs. deliv/s: deliveries to *other* clients per second "
        "(Roomcast's acks to the sender are not included); latency: send -> receipt on "
        "the generator's clock; CPU-s/1k: the server process's CPU seconds (utime+stime) "
        "per 1,000 frames it wrote (acks included); core-s/1k: the same for its whole core, "
        "softirq included (the loopback TCP work the kernel charges to no process); srv%, "
        "core%: the process's and its core's busy share during the run; RSS MB: peak RSS "
        "(VmHWM); KB/idle: RSS growth per idle connection; gen%, genc%: the generator "
        "process's and its core's busy share (>= 90 %: GEN-BOUND); DISTURBED: a core was "
        f"over {DISTURBED_PCT:g} points busier than its process (other work on the machine; "
        "such runs are left out of the medians when clean ones exist); conn s: time to open "
        "(and, for Roomcast, welcome) every client. Saturation rows: the highest step with "
        "p99 < 100 ms and nothing missing."
    )


def targets(summary: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and a verdict."""
    out: list[dict[str, Any]] = []

    def get(case: str, server: str, key: str) -> Any:
        return summary.get(case, {}).get(server, {}).get(key)

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "MISSED")

    sat_r = get("saturation", "roomcast", "delivered_per_s")
    sat_n = get("saturation", "node", "delivered_per_s")
    tr = ratio(sat_r, sat_n)
    note = ""
    gen_at_fail = get("saturation", "node", "first_fail_gen_core_pct")
    if get("saturation", "node", "gen_bound") or get("saturation", "node", "never_failed"):
        note = "Node's figure is a lower bound (generator-bound): the true ratio is lower"
    elif gen_at_fail is not None and gen_at_fail >= 80:
        note = (
            f"the generator's core was {gen_at_fail:.0f}% busy where Node failed: "
            "Node's figure may be a little low, the ratio a little high"
        )
    peak_r = get("saturation", "roomcast", "peak_delivered_per_s")
    peak_n = get("saturation", "node", "peak_delivered_per_s")
    out.append(
        {
            "target": f"throughput at 1,000 clients >= {TARGET_THROUGHPUT_RATIO:g}x Node's",
            "value": f"{fmt(sat_r)} vs {fmt(sat_n)} deliveries/s with p99 < 100 ms = "
            f"{fmt(tr, '.2f')}x (peak at any latency: {fmt(peak_r)} vs {fmt(peak_n)} = "
            f"{fmt(ratio(peak_r, peak_n), '.2f')}x)",
            "ratio": tr,
            "peak_ratio": ratio(peak_r, peak_n),
            "verdict": verdict(None if tr is None else tr >= TARGET_THROUGHPUT_RATIO),
            "note": note,
        }
    )
    core_r = ratio(
        get("fanout-1000", "roomcast", "core_s_per_1000"),
        get("fanout-1000", "node", "core_s_per_1000"),
    )
    cr = ratio(
        get("fanout-1000", "roomcast", "cpu_s_per_1000"),
        get("fanout-1000", "node", "cpu_s_per_1000"),
    )
    out.append(
        {
            "target": "CPU per delivery at 40k deliveries/s <= 0.5x Node's",
            "value": f"{fmt(get('fanout-1000', 'roomcast', 'cpu_s_per_1000'), '.5f')} vs "
            f"{fmt(get('fanout-1000', 'node', 'cpu_s_per_1000'), '.5f')} CPU-s/1k = "
            f"{fmt(cr, '.2f')}x (whole core, softirq included: {fmt(core_r, '.2f')}x)",
            "ratio": cr,
            "core_ratio": core_r,
            "verdict": verdict(None if cr is None else cr <= TARGET_CPU_RATIO),
        }
    )
    p99 = get("fanout-1000", "roomcast", "p99_ms")
    out.append(
        {
            "target": "p99 < 25 ms at 1,000 clients x 40 msg/s",
            "value": f"{fmt(p99, '.1f')} ms (Node: "
            f"{fmt(get('fanout-1000', 'node', 'p99_ms'), '.1f')} ms)",
            "ratio": None,
            "verdict": verdict(None if p99 is None else p99 < TARGET_P99_MS),
        }
    )
    p99_200 = get("fanout-200", "roomcast", "p99_ms")
    out.append(
        {
            "target": "p99 < 25 ms at 1,000 clients x 200 msg/s (issue 20)",
            "value": f"{fmt(p99_200, '.1f')} ms (Node: "
            f"{fmt(get('fanout-200', 'node', 'p99_ms'), '.1f')} ms, "
            f"{fmt(get('fanout-200', 'node', 'delivered_per_s'))} deliveries/s)",
            "ratio": None,
            "verdict": verdict(None if p99_200 is None else p99_200 < TARGET_P99_MS),
        }
    )
    ir, inode = get("idle", "roomcast", "rss_per_conn_kb"), get("idle", "node", "rss_per_conn_kb")
    iratio = ratio(ir, inode)
    out.append(
        {
            "target": f"RSS per idle connection <= {TARGET_IDLE_RATIO:g}x Node's and "
            f"<= {TARGET_IDLE_KIB:g} KiB (issue 20)",
            "value": f"{fmt(ir, '.2f')} vs {fmt(inode, '.2f')} KiB = {fmt(iratio, '.2f')}x",
            "ratio": iratio,
            "verdict": verdict(
                None
                if ir is None or iratio is None
                else iratio <= TARGET_IDLE_RATIO and ir <= TARGET_IDLE_KIB
            ),
        }
    )
    clients = get("idle", "roomcast", "clients")
    rss = get("idle", "roomcast", "server_rss_mb")
    many = clients is not None and clients >= TARGET_IDLE_MANY
    out.append(
        {
            "target": f"{TARGET_IDLE_MANY:,} idle connections in under "
            f"{TARGET_IDLE_MANY_RSS_MIB:g} MiB of server RSS (issue 20)",
            "value": f"{fmt(clients)} idle connections: roomcast {fmt(rss, '.0f')} MiB, "
            f"node {fmt(get('idle', 'node', 'server_rss_mb'), '.0f')} MiB"
            + ("" if many else f" (run --idle-clients {TARGET_IDLE_MANY} to check)"),
            "ratio": None,
            "verdict": verdict(None if not many or rss is None else rss < TARGET_IDLE_MANY_RSS_MIB),
        }
    )
    # History on (SQLite) vs off (:memory:): throughput at saturation when both
    # were searched, else the CPU per delivery at 1,000 x 40.
    on, off = (
        get("saturation", "roomcast", "delivered_per_s"),
        get("saturation", "roomcast-mem", "delivered_per_s"),
    )
    if on and off:
        cost = 1 - on / off
        value = f"saturation with history {fmt(on)}, with :memory: {fmt(off)} deliveries/s: " + (
            f"{cost:.1%} lower" if cost >= 0 else f"{-cost:.1%} higher"
        )
    else:
        c_on = get("fanout-1000", "roomcast", "cpu_s_per_1000")
        c_off = get("fanout-1000", "roomcast-mem", "cpu_s_per_1000")
        cost = None if not c_on or not c_off else c_on / c_off - 1
        value = (
            f"CPU at 1,000x40 with history {fmt(c_on, '.5f')}, with :memory: "
            f"{fmt(c_off, '.5f')} CPU-s/1k: " + ("-" if cost is None else f"{cost:+.1%}")
        )
    out.append(
        {
            "target": "history on costs <= 10% vs --db :memory:",
            "value": value,
            "ratio": cost,
            "verdict": verdict(None if cost is None else cost <= TARGET_HISTORY_COST),
        }
    )
    return out


# ---- main ------------------------------------------------------------------------


def ensure_node() -> None:
    if shutil.which("node") is None:
        sys.exit("bench.servers: needs Node.js (node and npm): scripts/system-deps node")
    if not (NODE_DIR / "node_modules" / "ws" / "package.json").exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("bench.servers: needs npm to install bench/node: scripts/system-deps node")
        print("==> npm ci in bench/node", file=sys.stderr, flush=True)
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel", "error"], cwd=NODE_DIR, check=True
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.servers",
        description="Roomcast's server against the Node.js ws broadcast server.",
    )
    parser.add_argument("--full", action="store_true", help="3 rounds, 15 s windows, finer search")
    parser.add_argument(
        "--cases",
        default="fanout-100,fanout-1000,fanout-200,saturation,idle",
        help="comma-separated: fanout-100, fanout-1000, fanout-200, saturation, idle "
        "(default: all)",
    )
    parser.add_argument(
        "--servers",
        default="roomcast,node,roomcast-mem",
        help="comma-separated, in the order they alternate: roomcast, node, roomcast-mem "
        "(default: all three, each where a case uses it)",
    )
    parser.add_argument("--rounds", type=int, help="rounds of every case (default 2, full 3)")
    parser.add_argument("--duration", type=float, help="seconds of sending per fanout run")
    parser.add_argument("--idle-clients", type=int, help="connections of the idle case")
    parser.add_argument(
        "--idle-room-size", type=int, help="idle clients per room; 0 = one room (default 50)"
    )
    parser.add_argument(
        "--client",
        choices=["raw", "ws"],
        default="raw",
        help="the generator's WebSocket client: its own lean one (default) or npm ws",
    )
    parser.add_argument("--server-core", type=int, default=0, help="default: 0")
    parser.add_argument("--loadgen-core", type=int, default=1, help="default: 1")
    parser.add_argument("--json", metavar="PATH", help="also append every run's JSON line here")
    parser.add_argument("--steps", action="store_true", help="print every saturation step in full")
    args = parser.parse_args(argv)

    settings = FULL if args.full else QUICK
    if args.rounds:
        settings = replace(
            settings, rounds=args.rounds, sat_rounds=args.rounds, idle_rounds=args.rounds
        )
    if args.duration:
        settings = replace(settings, duration=args.duration)
    if args.idle_clients:
        settings = replace(settings, idle_clients=args.idle_clients)
    if args.idle_room_size is not None:
        settings = replace(settings, idle_room_size=args.idle_room_size)
    all_cases = cases_for(settings)
    names = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [n for n in names if n not in all_cases]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    if any(s not in SERVERS for s in servers):
        parser.error(f"servers are {', '.join(SERVERS)}")
    if sys.platform != "linux":
        sys.exit("bench.servers: Linux only (/proc, taskset)")

    ensure_node()
    most = max(all_cases[n].clients for n in names)
    fds = raise_nofile(most)
    if fds < most + 64:
        sys.exit(
            f"bench.servers: {most:,} connections need more file descriptors than the "
            f"limit of {fds:,}: run as root, or raise the hard limit (ulimit -Hn)"
        )
    cores = os.cpu_count() or 1
    server_core: int | None = args.server_core
    loadgen_core: int | None = args.loadgen_core
    if cores < 2 or shutil.which("taskset") is None:
        print("warning: no taskset or one core: server and generator not pinned", file=sys.stderr)
        server_core = loadgen_core = None
    else:
        # This runner (it mostly sleeps) keeps off the server's core too.
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {args.loadgen_core})

    # SIGTERM ends the run like Ctrl+C: the finally below kills every child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    noise = Noise()
    noise.start()
    json_out = open(args.json, "a") if args.json else None  # noqa: SIM115
    with tempfile.TemporaryDirectory(prefix="roomcast-bench-") as tmp:
        env = Env(settings, server_core, loadgen_core, args.client, Path(tmp), json_out, args.steps)
        mode = "full" if args.full else "quick"
        env.log(
            f"==> bench.servers ({mode}): server on core {server_core}, generator "
            f"({args.client} client) on core {loadgen_core}; {cores} cores"
        )
        try:
            for name in names:
                run_case(env, all_cases[name], servers)
        except KeyboardInterrupt:
            env.log("interrupted: stopping every child")
            return 130
        finally:
            Child.stop_all()
            if json_out is not None:
                json_out.close()
        noise.stop()
        summary = summarize(env.runs)
        print_table(summary)
        # The whole run's: each run's own check (its cores, or for the idle
        # case bench.noise over the run) decided what is reported above.
        print(f"\n{noise.line()}")
        verdicts = targets(summary)
        print("\nTargets (issue): Roomcast against the Node.js reference")
        for t in verdicts:
            note = f"  [{t['note']}]" if t.get("note") else ""
            print(f"  {t['verdict']:<7} {t['target']}: {t['value']}{note}")
        elapsed = time.monotonic() - started
        print(f"\nbench.servers ({mode}) took {elapsed:.0f} s")
        print(
            json.dumps(
                {
                    "bench": "servers",
                    "mode": mode,
                    "client": args.client,
                    "summary": summary,
                    "targets": verdicts,
                    "noise": noise.as_dict(),
                    "elapsed_s": round(elapsed, 1),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
