"""Faults of one roomcast-server on SQLite: killed, restarted, locked out, out of disk.

Each scenario runs a real ``roomcast-server`` process, three protocol
clients posting a bounded burst with ids, injects the fault mid-burst, lets
traffic go on, and ends with harness.account: every acknowledged message
present exactly once, in seq order, in every client's view (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.faults.client import make_client
from tests.faults.harness import FAST, Client, account, conclude, running, settle, traffic
from tests.helpers import ROOT, free_port, server_process, until


def clients_for(kind: str, url: str, n: int = 3) -> list[Client]:
    return [make_client(kind, f"u{i}", [url]) for i in range(n)]


async def test_kill_9_mid_burst_then_restart_on_the_same_file(tmp_path: Path, kind: str) -> None:
    started = time.monotonic()
    port = free_port()
    url = f"ws://127.0.0.1:{port}/r/kill9"
    args = ("--db", str(tmp_path / "h.sqlite3"), "--port", str(port), *FAST)
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(server_process(*args))
        clients = clients_for(kind, url)

        async def fault() -> None:
            await asyncio.sleep(0.002)  # the round's posts reach the server: some in a commit
            first.proc.send_signal(signal.SIGKILL)
            await asyncio.to_thread(first.proc.wait)
            # The same file at once: a dead server's lock must not keep it.
            await asyncio.to_thread(stack.enter_context, server_process(*args))

        async with running(clients):
            notes = await traffic(clients, rounds=60, fault_at=20, fault=fault, after=20)
            audits = await settle(clients, [url])
        report = account(
            "kill -9 mid-burst, restart on the same file",
            clients,
            audits,
            store_may_lose=False,
            started=started,
            kind=kind,
            notes=notes,
        )
    assert all(r == 0 for r in report.resets.values()), "the same file keeps its epoch"
    conclude(report)


async def test_restart_with_memory_history_resets_every_client(kind: str) -> None:
    started = time.monotonic()
    port = free_port()
    url = f"ws://127.0.0.1:{port}/r/memory"
    args = ("--db", ":memory:", "--port", str(port), *FAST)
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(server_process(*args))
        clients = clients_for(kind, url)

        async def fault() -> None:
            first.proc.send_signal(signal.SIGTERM)  # an operator's restart
            await asyncio.to_thread(first.proc.wait)
            await asyncio.to_thread(stack.enter_context, server_process(*args))

        async with running(clients):
            epoch = clients[0].epoch
            notes = await traffic(clients, rounds=60, fault_at=20, fault=fault, after=20)
            audits = await settle(clients, [url])
        report = account(
            "restart with :memory: (new epoch)",
            clients,
            audits,
            store_may_lose=True,
            started=started,
            kind=kind,
            notes=notes,
        )
    conclude(report)
    assert audits[0].epoch != epoch, "a new :memory: history is a new epoch"
    assert all(r >= 1 for r in report.resets.values()), report.resets
    assert report.lost_by_store > 0  # what the first process acknowledged went with it
    assert report.stored > 0  # and the clients received the new epoch's messages


# Another process takes SQLite's write lock for a while (a backup tool, a
# sqlite3 shell left in a transaction), and prints "locked" once it has it.
HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""

# GET /healthz every 20 ms for a while, from its own process (the test's own
# event loop and GIL do not colour the numbers); prints the latencies in ms.
POLL_HEALTHZ = """
import http.client, json, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
latencies = []
end = time.monotonic() + seconds
while time.monotonic() < end:
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/healthz")
    status = conn.getresponse().status
    conn.close()
    latencies.append([round((time.monotonic() - start) * 1000, 1), status])
    time.sleep(0.02)
print(json.dumps(latencies))
"""

LOCK_SECONDS = 3.0


def python(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_a_database_locked_by_another_process_for_3_s(tmp_path: Path, kind: str) -> None:
    started = time.monotonic()
    db = tmp_path / "h.sqlite3"
    port = free_port()
    url = f"ws://127.0.0.1:{port}/r/locked"
    latencies: list[tuple[float, int]] = []
    helpers: list[subprocess.Popen[str]] = []
    try:
        with server_process("--db", str(db), "--port", str(port), *FAST):
            clients = clients_for(kind, url)

            async def fault() -> None:
                poller = python(POLL_HEALTHZ, str(port), str(LOCK_SECONDS + 0.5))
                holder = python(HOLD_LOCK, str(db), str(LOCK_SECONDS))
                helpers.extend((poller, holder))
                assert holder.stdout is not None
                line = await asyncio.to_thread(holder.stdout.readline)
                assert line.strip() == "locked", holder.communicate()
                _, err = await asyncio.to_thread(holder.communicate, timeout=LOCK_SECONDS + 10)
                assert holder.returncode == 0, err
                out, err = await asyncio.to_thread(poller.communicate, timeout=LOCK_SECONDS + 10)
                assert poller.returncode == 0, err
                latencies.extend((ms, status) for ms, status in json.loads(out))

            async with running(clients):
                notes = await traffic(clients, rounds=60, fault_at=10, fault=fault, after=20)
                audits = await settle(clients, [url])
            report = account(
                f"SQLite file locked by another process for {LOCK_SECONDS:g} s",
                clients,
                audits,
                store_may_lose=False,
                started=started,
                kind=kind,
                notes=notes,
            )
    finally:
        for proc in helpers:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    worst = max(ms for ms, _ in latencies)
    report.notes["healthz"] = {
        "polls": len(latencies),
        "max_ms": worst,
        "statuses": sorted({s for _, s in latencies}),
    }
    conclude(report)
    assert len(latencies) >= 20, latencies
    assert worst < 100, f"/healthz took {worst} ms while the file was locked: {latencies}"


def fill(folder: Path) -> Path:
    """Write a file in ``folder`` until the filesystem has no block left."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 16, 1 << 12, 1 << 9):
            block = b"\0" * size
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, block)
    finally:
        os.close(fd)
    return filler


async def test_disk_full_posts_get_internal_then_recover(tmpfs: Path, kind: str) -> None:
    started = time.monotonic()
    port = free_port()
    url = f"ws://127.0.0.1:{port}/r/full"
    with server_process("--db", str(tmpfs / "h.sqlite3"), "--port", str(port), *FAST):
        clients = clients_for(kind, url)

        def refused() -> int:
            return sum(c.errors["internal"] for c in clients)

        async def fault() -> None:
            filler = await asyncio.to_thread(fill, tmpfs)
            try:
                await until(lambda: refused() >= 6, timeout=10, what="posts refused with internal")
                await asyncio.sleep(0.5)  # the clients resend meanwhile: refused again
            finally:
                filler.unlink()

        async with running(clients):
            notes = await traffic(clients, rounds=60, fault_at=20, fault=fault, after=20)
            audits = await settle(clients, [url])
        report = account(
            "disk full (tmpfs filled), then space freed",
            clients,
            audits,
            store_may_lose=False,
            started=started,
            kind=kind,
            notes=notes,
        )
    conclude(report)
    assert report.errors.get("internal", 0) >= 6
