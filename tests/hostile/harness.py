"""Honest clients, the audit, the server's memory, and the attackers' processes.

* :class:`Honest` — real ``websockets`` clients, each from a loopback address
  of its own, posting messages with ids at a steady pace. They measure two
  latencies on one clock (all of them run in one process): send → own
  acknowledgement (the server's copy with our id), and send → delivery to
  every *other* honest client (the send time travels in the content).
  Closed, they reconnect with ``since`` and resend what is unacknowledged
  (PROTOCOL.md, Delivery promise), and the close is counted.
* :func:`audit` — a fresh client, ``hello`` with ``since: 0``: everything the
  room keeps; :func:`check_store` compares it with what was acknowledged.
* :class:`Memory` — the server process's RSS from ``/proc/PID/status``:
  VmHWM reset through ``/proc/PID/clear_refs`` at the start of a phase
  (peak RSS of the phase) and VmRSS sampled every 10 ms besides.
* :class:`AttackProcess` — ``python -m tests.hostile.attacks`` as a child.
* :func:`start_server` — ``python -m roomcast.server`` with its log in a file (a pipe
  nobody reads would fill and stall a server that logs many closures).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from roomcast.server.protocol import SUBPROTOCOL
from tests.helpers import read_banner

ROOT = Path(__file__).resolve().parents[2]
MiB = 1 << 20
#: Run another tree's ``server`` package instead of this one (e.g. an export
#: of an older commit, to see the attacks work against the server they were
#: written against): ``ROOMCAST_HOSTILE_SERVER_ROOT=/tmp/old pytest tests/hostile``.
SERVER_ROOT_ENV = "ROOMCAST_HOSTILE_SERVER_ROOT"


# ---- the server --------------------------------------------------------------------


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str  # ws://127.0.0.1:PORT/
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def room(self, name: str) -> str:
        return f"{self.url}r/{name}"

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def log_lines(self, pattern: str, limit: int = 5) -> list[str]:
        """Log lines matching a regular expression (the first ``limit``) and how many."""
        hits = [line for line in self.log_text().splitlines() if re.search(pattern, line)]
        return hits[:limit] + ([f"... {len(hits)} such lines in all"] if len(hits) > limit else [])

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it lingers; its exit code."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode


def split_cores() -> tuple[set[int], set[int]] | None:
    """One core for the server, the others for everything else (None: one core)."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    return {cpus[0]}, set(cpus[1:])


def start_server(
    args: Sequence[str],
    log: Path,
    *,
    prefix: Sequence[str] = (),
    cores: set[int] | None = None,
    timeout: float = 20.0,
) -> Server:
    """``python -m roomcast.server --port 0 ARGS`` (under ``prefix``, e.g. taskset; on
    ``cores``), once it listens."""
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "roomcast.server", "--port", "0", *args],
            cwd=os.environ.get(SERVER_ROOT_ENV) or ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
        )
    if cores:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(proc.pid, cores)
    data = read_banner(proc, timeout)
    found = re.search(rb"(ws://\S+/)", data)
    if found is None or b"\nRooms:" not in data:
        proc.kill()
        proc.wait(10)
        raise AssertionError(
            f"the server did not start: {data.decode(errors='replace')}"
            f"{log.read_text(errors='replace')}"
        )
    return Server(proc, found.group(1).decode(), log)


def member_connection(url: str, source: str | None = None, **options: Any) -> connect:
    """A roomcast.v1 client as the harness's honest clients connect: no
    compression, proxy, size limit or pings; from ``source`` (a 127.0.0.0/8
    address) when given. Await it, or use it with ``async with``."""
    kwargs: dict[str, Any] = {
        "subprotocols": [SUBPROTOCOL],
        "compression": None,
        "proxy": None,
        "ping_interval": None,
        "max_size": None,
    }
    if source is not None:
        kwargs["local_addr"] = (source, 0)
    return connect(url, **(kwargs | options))


def hello_text(password: str | None, **fields: Any) -> str:
    """A ``hello`` with ``fields``, and the room's password when it has one."""
    hello: dict[str, Any] = {"type": "hello", **fields}
    if password is not None:
        hello["password"] = password
    return json.dumps(hello)


async def seed_room(
    url: str, count: int, content: str, *, password: str | None = None, prefix: str = "seed"
) -> None:
    """Post ``count`` messages ``content`` with ids PREFIX-0.. into the room at
    ``url`` (a server with its rate limit raised) and wait for every acknowledgement."""
    async with member_connection(url) as ws:
        await ws.send(hello_text(password, name="seeder"))
        ids = [f"{prefix}-{i}" for i in range(count)]
        waiting = set(ids)

        async def post() -> None:
            # Read while sending: a client that only writes stalls against a
            # server with flow control (it stops reading us until we read).
            for mid in ids:
                await ws.send(json.dumps({"type": "message", "id": mid, "content": content}))

        sender = asyncio.ensure_future(post())
        try:
            async with asyncio.timeout(120):
                while waiting:
                    frame = json.loads(await ws.recv())
                    if frame.get("type") == "message":
                        waiting.discard(frame.get("id"))
                    elif frame.get("type") == "error":
                        raise AssertionError(f"seeding failed: {frame}")
            await sender
        finally:
            sender.cancel()


# ---- memory ------------------------------------------------------------------------


def status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


class Memory:
    """The server's RSS during a phase: sampled every ``interval`` s, and its
    VmHWM (reset at :meth:`start` when the kernel lets us)."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid = pid
        self.interval = interval
        self.base_kib = 0
        self.peak_kib = 0
        self.hwm_reset = False
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")  # reset the peak RSS (VmHWM) to the current RSS
            self.hwm_reset = True
        except OSError:
            self.hwm_reset = False
        self.base_kib = status_kib(self.pid, "VmRSS")
        self.peak_kib = self.base_kib
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss")
        self._thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.wait(self.interval):
            try:
                rss = status_kib(self.pid, "VmRSS")
            except (OSError, KeyError):
                return
            self.peak_kib = max(self.peak_kib, rss)
            if not self.samples or time.monotonic() - t0 - self.samples[-1][0] >= 0.25:
                self.samples.append((round(time.monotonic() - t0, 2), rss))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self.hwm_reset:
            with contextlib.suppress(OSError, KeyError):
                self.peak_kib = max(self.peak_kib, status_kib(self.pid, "VmHWM"))

    @property
    def growth_mib(self) -> float:
        return (self.peak_kib - self.base_kib) / 1024

    def describe(self) -> str:
        return (
            f"RSS {self.base_kib / 1024:.1f} MiB -> peak {self.peak_kib / 1024:.1f} MiB "
            f"(+{self.growth_mib:.1f} MiB)"
        )


class Machine:
    """How busy the machine was besides the server, this process and its
    children: other work (another test run, say) delays everyone, and a
    latency measured then says less about the server."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self._t0 = self._busy0 = self._ours0 = 0.0

    @staticmethod
    def _busy() -> float:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]
        user, nice, system, _idle, _iowait, irq, softirq, _steal = fields
        return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")

    def _ours(self) -> float:
        import resource

        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            with open(f"/proc/{self.server_pid}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
            server = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            server = 0.0
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime + server

    def start(self) -> None:
        self._t0, self._busy0, self._ours0 = time.monotonic(), self._busy(), self._ours()

    def other_pct(self) -> float:
        """Percent of one core used by others since :meth:`start` (softirq included:
        a little of it is our own loopback traffic)."""
        wall = time.monotonic() - self._t0
        if wall <= 0:
            return 0.0
        return max(0.0, 100 * ((self._busy() - self._busy0) - (self._ours() - self._ours0)) / wall)


# ---- honest clients ----------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class HonestClient:
    """One honest member: posts ``{"id": KEY-N, "content": "h|SENT|KEY|..."}``."""

    key: str
    url: str
    source: str
    password: str | None = None
    #: Characters of padding in each message.
    size: int = 200
    #: Seconds between posts.
    interval: float = 0.2

    posted: dict[str, float] = field(default_factory=dict)  # id -> send time
    pending: dict[str, str] = field(default_factory=dict)  # id -> content, unacknowledged
    acks: dict[str, int] = field(default_factory=dict)  # id -> seq
    #: (send time, seconds) for each own acknowledgement and each delivery of
    #: another honest client's message.
    ack_latency: list[tuple[float, float]] = field(default_factory=list)
    delivery_latency: list[tuple[float, float]] = field(default_factory=list)
    closes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    join_seconds: list[float] = field(default_factory=list)
    last_seq: int = 0
    token: str | None = None

    def __post_init__(self) -> None:
        self._ws: ClientConnection | None = None
        self._joined = asyncio.Event()
        self._sending = False
        self._count = 0
        self._task: asyncio.Task[None] | None = None
        self._poster: asyncio.Task[None] | None = None
        self._stopping = False

    # -- control --------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def joined(self, timeout: float = 15.0) -> None:
        async with asyncio.timeout(timeout):
            await self._joined.wait()

    def send_from_now(self) -> None:
        self._sending = True
        if self._poster is None:
            self._poster = asyncio.ensure_future(self._post_loop())

    async def quiet(self) -> None:
        """Stop posting (what is pending still gets acknowledged)."""
        self._sending = False
        if self._poster is not None:
            self._poster.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poster
            self._poster = None

    async def stop(self) -> None:
        await self.quiet()
        self._stopping = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    # -- inside ---------------------------------------------------------------------

    async def _post_loop(self) -> None:
        # Spread the clients' posts over the interval, not all at once.
        await asyncio.sleep(self.interval * (hash(self.key) % 97) / 97)
        while self._sending:
            self._post()
            await asyncio.sleep(self.interval)

    def _post(self) -> None:
        mid = f"{self.key}-{self._count}"
        self._count += 1
        sent = time.monotonic()
        content = f"h|{sent:.6f}|{self.key}|" + "x" * self.size
        self.posted[mid] = sent
        self.pending[mid] = content
        if self._ws is not None and self._joined.is_set():
            self._send(mid, content)

    def _send(self, mid: str, content: str) -> None:
        ws = self._ws
        if ws is None:
            return
        data = json.dumps({"type": "message", "id": mid, "content": content})
        task = asyncio.ensure_future(ws.send(data))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def _run(self) -> None:
        while not self._stopping:
            began = time.monotonic()
            try:
                ws = await member_connection(
                    self.url, self.source, open_timeout=10, close_timeout=2
                )
            except InvalidStatus as exc:
                self.refused.append(str(exc.response.status_code))
                await asyncio.sleep(0.5)
                continue
            except (OSError, TimeoutError) as exc:
                self.refused.append(type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            self._ws = ws
            try:
                await self._converse(ws, began)
            finally:
                self._ws = None
                self._joined.clear()
            if not self._stopping:
                await asyncio.sleep(0.2)

    async def _converse(self, ws: ClientConnection, began: float) -> None:
        hello: dict[str, Any] = {"type": "hello", "name": self.key, "client": "hostile-honest"}
        if self.password is not None:
            hello["password"] = self.password
        if self.token is not None:
            hello["token"] = self.token
        if self.last_seq:
            hello["since"] = self.last_seq
        try:
            await ws.send(json.dumps(hello))
            async for data in ws:
                self._frame(json.loads(data), began)
        except ConnectionClosed as exc:
            if not self._stopping:
                rcvd = exc.rcvd
                self.closes.append(f"{rcvd.code} {rcvd.reason}" if rcvd else "no close frame")
            return
        if not self._stopping:
            self.closes.append(f"{ws.close_code} {ws.close_reason}")

    def _frame(self, frame: dict[str, Any], began: float) -> None:
        kind = frame.get("type")
        now = time.monotonic()
        if kind == "message":
            seq = int(frame["seq"])
            self.last_seq = max(self.last_seq, seq)
            mid = frame.get("id")
            if mid in self.pending:
                del self.pending[mid]
                self.acks[mid] = seq
                sent = self.posted[mid]
                self.ack_latency.append((sent, now - sent))
                return
            content = frame.get("content", "")
            if content.startswith("h|") and frame.get("from") != self.key:
                with contextlib.suppress(ValueError, IndexError):
                    sent = float(content.split("|", 2)[1])
                    self.delivery_latency.append((sent, now - sent))
        elif kind == "welcome":
            self.token = frame.get("token")
            self.last_seq = max(self.last_seq, int(frame.get("seq", 0)))
            self.join_seconds.append(now - began)
            self._joined.set()
            for mid, content in list(self.pending.items()):
                self._send(mid, content)  # unacknowledged: again, same id
        elif kind == "error":
            self.errors[str(frame.get("code"))] += 1


@dataclass
class LatencyReport:
    ack_p50: float | None
    ack_p95: float | None
    ack_max: float | None
    delivery_p50: float | None
    delivery_p95: float | None
    delivery_p99: float | None
    ack_p99: float | None
    samples: int

    def describe(self) -> str:
        def ms(v: float | None) -> str:
            return "-" if v is None else f"{v * 1000:.0f} ms"

        return (
            f"ack p50 {ms(self.ack_p50)} p95 {ms(self.ack_p95)} max {ms(self.ack_max)}; "
            f"delivery p50 {ms(self.delivery_p50)} p95 {ms(self.delivery_p95)} "
            f"({self.samples} samples)"
        )


class Honest:
    """A group of honest clients in one room, each from its own address."""

    def __init__(
        self,
        url: str,
        count: int,
        *,
        first_address: str = "127.0.2.1",
        prefix: str = "honest",
        password: str | None = None,
        size: int = 200,
        interval: float = 0.2,
    ) -> None:
        import ipaddress

        base = ipaddress.IPv4Address(first_address)
        self.clients = [
            HonestClient(
                f"{prefix}-{i}",
                url,
                str(base + i),
                password=password,
                size=size,
                interval=interval,
            )
            for i in range(count)
        ]

    async def join(self, timeout: float = 20.0) -> None:
        for c in self.clients:
            c.start()
        await asyncio.gather(*(c.joined(timeout) for c in self.clients))

    def chat(self) -> None:
        for c in self.clients:
            c.send_from_now()

    async def settle(self, timeout: float = 15.0) -> float:
        """Stop posting; wait until every post is acknowledged. Seconds waited."""
        began = time.monotonic()
        for c in self.clients:
            await c.quiet()
        end = began + timeout
        while any(c.pending for c in self.clients) and time.monotonic() < end:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # the last deliveries to the others
        return time.monotonic() - began

    async def stop(self) -> None:
        await asyncio.gather(*(c.stop() for c in self.clients))

    def latency(self, since: float = 0.0, until: float = math.inf) -> LatencyReport:
        """Latencies of the messages sent between ``since`` and ``until`` (monotonic)."""
        acks = [lat for c in self.clients for t, lat in c.ack_latency if since <= t <= until]
        dels = [lat for c in self.clients for t, lat in c.delivery_latency if since <= t <= until]
        # A message sent in the window and never acknowledged counts as infinitely late.
        unacked = sum(
            1 for c in self.clients for mid in c.pending if since <= c.posted[mid] <= until
        )
        acks += [math.inf] * unacked
        return LatencyReport(
            ack_p50=percentile(acks, 50),
            ack_p95=percentile(acks, 95),
            ack_p99=percentile(acks, 99),
            ack_max=max(acks) if acks else None,
            delivery_p50=percentile(dels, 50),
            delivery_p95=percentile(dels, 95),
            delivery_p99=percentile(dels, 99),
            samples=len(acks) + len(dels),
        )

    @property
    def sent(self) -> int:
        return sum(len(c.posted) for c in self.clients)

    @property
    def acknowledged(self) -> int:
        return sum(len(c.acks) for c in self.clients)

    def acked(self) -> dict[str, int]:
        return {mid: seq for c in self.clients for mid, seq in c.acks.items()}

    def troubles(self) -> list[str]:
        """Closes, refusals and errors the honest clients met (they did nothing wrong)."""
        out = []
        for c in self.clients:
            if c.closes:
                out.append(f"{c.key} was closed: {c.closes[:3]}")
            if c.refused:
                out.append(f"{c.key} was refused: {Counter(c.refused).most_common(3)}")
            if c.errors:
                out.append(f"{c.key} got errors: {dict(c.errors)}")
        return out


async def join_once(url: str, source: str, *, password: str | None = None) -> tuple[float, str]:
    """A latecomer: seconds from connecting to its welcome (inf when it got
    none), and what happened otherwise."""
    began = time.monotonic()
    why = "no welcome within 10 s"
    try:
        async with asyncio.timeout(10):
            async with member_connection(url, source) as ws:
                why = f"connected after {time.monotonic() - began:.2f} s, no welcome within 10 s"
                await ws.send(hello_text(password, client="latecomer"))
                async for data in ws:
                    frame = json.loads(data)
                    if frame.get("type") == "welcome":
                        return time.monotonic() - began, "welcome"
                    if frame.get("type") == "error":
                        why = f"error {frame.get('code')}: {frame.get('message')}"
    except ConnectionClosed as exc:
        rcvd = exc.rcvd
        why = f"closed: {rcvd.code} {rcvd.reason}" if rcvd else "closed without a close frame"
    except InvalidStatus as exc:
        why = f"HTTP {exc.response.status_code}"
    except (OSError, TimeoutError) as exc:
        why = f"{why} ({type(exc).__name__})"
    return math.inf, why


# ---- the audit ---------------------------------------------------------------------


@dataclass
class Audit:
    """What a fresh client with ``since: 0`` got: ``complete`` when the whole replay came."""

    seq: int = 0
    replay: int = 0
    messages: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, id, from)
    complete: bool = False
    problem: str = ""


async def audit(
    url: str,
    source: str = "127.0.3.1",
    *,
    since: int = 0,
    password: str | None = None,
    timeout: float = 30.0,
) -> Audit:
    """``hello`` with ``since``: the welcome and its whole replay, read as fast as it comes."""
    out = Audit()
    try:
        async with asyncio.timeout(timeout):
            async with member_connection(url, source) as ws:
                await ws.send(hello_text(password, since=since, client="audit"))
                while True:
                    frame = json.loads(await ws.recv())
                    if frame.get("type") == "welcome":
                        out.seq, out.replay = int(frame["seq"]), int(frame["replay"])
                        break
                    if frame.get("type") == "error":
                        out.problem = f"audit refused: {frame}"
                        return out
                while len(out.messages) < out.replay:
                    frame = json.loads(await ws.recv())
                    if frame.get("type") == "message":
                        out.messages.append((frame["seq"], frame["id"], frame["from"]))
                out.complete = True
    except ConnectionClosed as exc:
        rcvd = exc.rcvd
        out.problem = (
            f"the audit (since: {since}) was closed after {len(out.messages)} of "
            f"{out.replay} replayed messages: "
            + (f"{rcvd.code} {rcvd.reason!r}" if rcvd else "without a close frame")
        )
    except InvalidStatus as exc:
        out.problem = f"the audit was refused: HTTP {exc.response.status_code}"
    except (OSError, TimeoutError) as exc:
        out.problem = (
            f"the audit (since: {since}) failed after {len(out.messages)} of "
            f"{out.replay} messages: {exc!r}"
        )
    return out


@dataclass
class StoreCheck:
    """The audit against what was acknowledged (PROTOCOL.md, Delivery promise)."""

    problems: list[str] = field(default_factory=list)
    #: Acknowledged, as new as what the room keeps, and not stored.
    lost: list[str] = field(default_factory=list)
    #: Acknowledged with a seq older than the oldest the room keeps: gone by
    #: retention (the room's last ``--retention`` messages), as promised.
    retired: int = 0


def check_store(
    full: Audit, acked: dict[str, int], *, seeded: dict[str, int] | None = None, since: int = 0
) -> StoreCheck:
    """Every acknowledged id stored once with its seq, unless retention retired
    it; what is kept gap-free up to the latest seq (an audit made with ``since``)."""
    out = StoreCheck()
    problems = out.problems
    if not full.complete:
        problems.append(full.problem or "the audit did not complete")
        return out
    seqs = [s for s, _, _ in full.messages]
    first = seqs[0] if seqs else full.seq + 1
    if first < since + 1 or seqs != list(range(first, full.seq + 1)):
        problems.append(f"the store is not gap-free {first}..{full.seq}: {len(seqs)} messages")
    ids = Counter(mid for _, mid, _ in full.messages)
    at = {mid: s for s, mid, _ in full.messages}
    twice = [mid for mid, n in ids.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} id(s) stored twice: {twice[:5]}")
    expected = {**(seeded or {}), **acked}
    out.retired = sum(1 for mid, s in expected.items() if mid not in at and 0 < s < first)
    out.lost = [mid for mid, s in expected.items() if mid not in at and not 0 < s < first]
    if out.lost:
        problems.append(f"{len(out.lost)} acknowledged message(s) not stored: {out.lost[:5]}")
    moved = [mid for mid, s in expected.items() if mid in at and at[mid] != s]
    if moved:
        problems.append(f"{len(moved)} message(s) stored under another seq: {moved[:5]}")
    return out


# ---- attack processes --------------------------------------------------------------


class AttackProcess:
    """``python -m tests.hostile.attacks KIND ...`` in a child process."""

    def __init__(self, kind: str, *args: str, prefix: Sequence[str] = ()) -> None:
        self.kind = kind
        self.argv = [*prefix, sys.executable, "-m", "tests.hostile.attacks", kind, *args]
        self.proc: asyncio.subprocess.Process | None = None
        self.started_at: float | None = None
        self.result: dict[str, Any] | None = None
        self.stderr = ""

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        async with asyncio.timeout(30):
            line = await self.proc.stdout.readline()
        if not line:
            _, err = await self.proc.communicate()
            raise AssertionError(f"attack {self.kind} did not start: {err.decode()[-2000:]}")
        self.started_at = float(json.loads(line)["t"])

    async def finish(self, timeout: float = 60.0) -> dict[str, Any]:
        assert self.proc is not None
        try:
            async with asyncio.timeout(timeout):
                out, err = await self.proc.communicate()
        except TimeoutError:
            self.kill()
            raise AssertionError(f"attack {self.kind} did not end within {timeout} s") from None
        self.stderr = err.decode(errors="replace")
        for line in out.decode().splitlines():
            with contextlib.suppress(ValueError):
                obj = json.loads(line)
                if obj.get("event") == "result":
                    self.result = obj
        if self.result is None:
            raise AssertionError(f"attack {self.kind} printed no result:\n{self.stderr[-3000:]}")
        return self.result

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()


def answered(result: dict[str, Any]) -> str:
    """What the server answered an attack, in one line."""
    parts = []
    statuses = {k: v for k, v in result.get("statuses", {}).items()}
    if statuses:
        parts.append("HTTP " + ", ".join(f"{k}x{v}" for k, v in sorted(statuses.items())))
    if result.get("tcp_failed"):
        parts.append(f"TCP failedx{result['tcp_failed']}")
    if result.get("closes"):
        parts.append("close " + ", ".join(f"{k}x{v}" for k, v in sorted(result["closes"].items())))
    if result.get("errors"):
        parts.append("errors " + ", ".join(f"{k}x{v}" for k, v in sorted(result["errors"].items())))
    if result.get("held_at_end"):
        parts.append(f"held to the endx{result['held_at_end']}")
    return "; ".join(parts) or "nothing"


@contextlib.contextmanager
def raised_nofile(want: int = 65536) -> Iterator[None]:
    """Enough file descriptors for thousands of sockets (children inherit it)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, want), hard), hard))
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
