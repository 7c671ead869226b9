"""server/history.py: the SQLite store on a real file, and the server over it under faults.

Faults are real: another process holds SQLite's lock on the file (``locked``),
a second roomcast-server is started on the same file, the filesystem fills up
(a 1 MiB tmpfs when we may mount one, else SQLite's ``max_page_count``).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import http.client
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from roomcast.server.errors import ConfigError, HistoryError
from roomcast.server.history import LOCK_SUFFIX, PRUNE_SLACK, SQLiteHistory
from roomcast.server.protocol import ChatMessage
from tests.helpers import WAIT, Peer, member, run_module, running_server, server_process


def msg(seq: int, mid: str | None = None) -> ChatMessage:
    return ChatMessage(
        seq=seq, ts="2026-01-01T00:00:00.000Z", sender="a", content=f"m{seq}", id=mid or f"id{seq}"
    )


#: Another program on the database: "write" holds the write lock (BEGIN IMMEDIATE
#: and an insert: writers wait, WAL readers do not); "exclusive" holds the whole
#: file (locking_mode=EXCLUSIVE: nobody else may even read). Rolled back after
#: SECONDS; "locked" on stdout once held.
LOCKER = """
import sqlite3, sys, time
path, seconds, how = sys.argv[1], float(sys.argv[2]), sys.argv[3]
db = sqlite3.connect(path, timeout=0, isolation_level=None)
if how == "exclusive":
    db.execute("PRAGMA locking_mode=EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
else:
    db.execute("BEGIN IMMEDIATE")
    db.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
    db.execute("INSERT INTO scratch VALUES (1)")
print("locked", flush=True)
time.sleep(seconds)
db.execute("ROLLBACK")
db.close()
"""


@contextlib.asynccontextmanager
async def locked(
    db: Path, seconds: float, how: str = "write"
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Another process holds the database's lock for ``seconds`` (see LOCKER).

    Yields once the lock is held; ``await proc.wait()`` waits for its release.
    """
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LOCKER,
        str(db),
        str(seconds),
        how,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        line = await asyncio.wait_for(proc.stdout.readline(), WAIT)
        if line != b"locked\n":
            raise AssertionError(f"the locker did not lock: {(await proc.stderr.read()).decode()}")
        yield proc
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        await proc.wait()


# -- the store --------------------------------------------------------------------------


async def test_store_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = SQLiteHistory(path)
    store.append([("lobby", msg(1)), ("lobby", msg(2)), ("team", msg(1))])
    store.close()
    store = SQLiteHistory(path)
    assert store.load("lobby", 100) == (2, [("id1", 1), ("id2", 2)])
    assert store.load("team", 100) == (1, [("id1", 1)])
    assert store.load("empty", 100) == (0, [])
    assert await store.after("lobby", 0, 2, 10) == [msg(1), msg(2)]
    assert await store.before("lobby", 3, 1, 1) == [msg(2)]
    assert await store.get("lobby", 2) == msg(2)
    assert await store.get("lobby", 3) is None
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_a_batch_is_all_or_nothing() -> None:
    store = SQLiteHistory(":memory:")
    assert store.append([("lobby", msg(1))]) is True
    with pytest.raises(HistoryError) as info:
        # The primary key (room, seq) refuses a second seq 1: nothing of the batch stays.
        store.append([("lobby", msg(2)), ("lobby", msg(1, "other"))])
    assert str(info.value) == (
        "cannot store 2 message(s): UNIQUE constraint failed: messages.room, messages.seq"
    )
    assert store.load("lobby", 100) == (1, [("id1", 1)])
    assert not store.db.in_transaction


def test_an_id_may_be_stored_again_once_out_of_the_window() -> None:
    """Idempotency is the room's, in memory, for the retention window (schema 2):
    the store itself holds no unique index on ids that could fail a batch."""
    store = SQLiteHistory(":memory:")
    store.append([("lobby", msg(1, "same"))])
    assert store.append([("lobby", msg(2, "same")), ("lobby", msg(3))]) is True
    assert store.load("lobby", 1) == (3, [("id3", 3)])
    assert store.load("lobby", 2) == (3, [("same", 2), ("id3", 3)])


def test_prune_runs_in_steps(tmp_path: Path) -> None:
    store = SQLiteHistory(tmp_path / "h.sqlite3")
    store.load("lobby", 10)
    store.append([("lobby", msg(n)) for n in range(1, PRUNE_SLACK + 20)])
    store.prune("lobby", PRUNE_SLACK + 19, 10)
    count = store.db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    assert count == 10
    store.close()


def test_unopenable_database_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError) as info:
        SQLiteHistory(blocker / "h.sqlite3")
    assert str(info.value).startswith(
        f"cannot create the folder for the history database {blocker}/h.sqlite3"
    )
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    for _ in range(2):  # the refused open let go of the file's lock
        with pytest.raises(ConfigError) as info:
            SQLiteHistory(garbage)
        assert str(info.value) == (
            f"cannot open the history database {garbage}: file is not a database"
        )


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.close()
    for _ in range(2):  # the refused open let go of the file's lock
        with pytest.raises(ConfigError) as info:
            SQLiteHistory(path)
        assert str(info.value) == (
            f"the history database {path} was written by a newer Roomcast "
            "(schema 99; this one reads 2)"
        )


# -- schema 2: epochs, and the migration from schema 1 ------------------------------------


def test_a_deleted_epoch_is_made_anew_and_then_kept(tmp_path: Path) -> None:
    """docs/operating.md, Restore: deleting the epoch row of a restored copy makes
    the file a new lifetime (clients reset), instead of a crash at start."""
    import sqlite3

    path = tmp_path / "h.sqlite3"
    store = SQLiteHistory(path)
    first = store.epoch
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("DELETE FROM meta WHERE key = 'epoch'")
    store = SQLiteHistory(path)
    second = store.epoch
    store.close()
    assert len(second) == 16 and second != first
    store = SQLiteHistory(path)
    assert store.epoch == second
    store.close()


def test_the_epoch_is_the_files_lifetime(tmp_path: Path) -> None:
    """PROTOCOL.md, Epochs: the same file keeps its epoch; a new file, a deleted
    one or :memory: starts a new one."""
    path = tmp_path / "h.sqlite3"
    store = SQLiteHistory(path)
    first = store.epoch
    assert len(first) == 16
    store.close()
    store = SQLiteHistory(path)
    assert store.epoch == first
    store.close()

    other = SQLiteHistory(tmp_path / "other.sqlite3")
    assert other.epoch != first
    other.close()
    memory = [SQLiteHistory(":memory:") for _ in range(2)]  # no lock on :memory:
    assert len({first, *(m.epoch for m in memory)}) == 3
    for m in memory:
        m.close()

    for leftover in tmp_path.glob("h.sqlite3*"):
        leftover.unlink()
    store = SQLiteHistory(path)
    assert store.epoch != first
    store.close()


def test_a_schema_1_file_is_migrated_and_keeps_its_messages(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    # Schema 1 as Roomcast 0.1 wrote it: ids unique per room, no meta table.
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE messages (
            room TEXT NOT NULL, seq INTEGER NOT NULL, ts TEXT NOT NULL,
            sender TEXT NOT NULL, content TEXT NOT NULL, client_id TEXT NOT NULL,
            PRIMARY KEY (room, seq)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX messages_client_id ON messages (room, client_id);
        INSERT INTO messages VALUES ('lobby', 1, '2026-01-01T00:00:00.000Z', 'a', 'm1', 'id1');
        INSERT INTO messages VALUES ('lobby', 2, '2026-01-01T00:00:00.000Z', 'a', 'm2', 'id2');
        PRAGMA user_version=1;
        """
    )
    old.close()

    store = SQLiteHistory(path)
    db = store.db
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall() == []
    assert store.load("lobby", 100) == (2, [("id1", 1), ("id2", 2)])
    epoch = store.epoch
    # The unique index is gone: an id past the window is stored again.
    assert store.append([("lobby", msg(3, "id1"))]) is True
    store.close()

    again = SQLiteHistory(path)
    assert again.epoch == epoch
    assert again.load("lobby", 100) == (3, [("id1", 1), ("id2", 2), ("id1", 3)])
    again.close()


# -- one server per file -------------------------------------------------------------------


def test_one_store_per_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = SQLiteHistory(path)
    lock = Path(f"{path}{LOCK_SUFFIX}")
    assert lock.read_text() == f"{os.getpid()}\n"
    refused = (
        f"the history database {{}} is in use by another Roomcast server (pid {os.getpid()}): "
        "stop that one, or give this one another database"
    )
    with pytest.raises(ConfigError) as info:
        SQLiteHistory(path)
    assert str(info.value) == refused.format(path)
    # The same file by another name is the same file.
    alias = tmp_path / "alias.sqlite3"
    alias.symlink_to(path)
    with pytest.raises(ConfigError) as info:
        SQLiteHistory(alias)
    assert str(info.value) == refused.format(alias)

    store.close()
    store.close()  # idempotent
    assert lock.read_text() == ""  # no stale pid behind
    again = SQLiteHistory(path)
    again.close()


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{stderr}"
    return lines[0]


async def test_a_second_server_on_one_file_exits_2_with_one_line(tmp_path: Path) -> None:
    """Two roomcast-server processes on one --db: the second is refused at start
    (it would hand out the first one's seqs). The lock dies with its holder,
    however it dies: a server killed with SIGKILL leaves no stale lock."""
    db = tmp_path / "h.sqlite3"
    with server_process("--db", str(db)) as first:
        second = await asyncio.to_thread(run_module, "server", "--port", "0", "--db", str(db))
        assert second.returncode == 2, second.stderr
        assert one_error_line(second.stderr) == (
            f"roomcast-server: error: the history database {db} is in use by another "
            f"Roomcast server (pid {first.proc.pid}): stop that one, or give this one another "
            "database"
        )
        assert second.stdout == ""
        # The first one goes on serving.
        async with member(first.url, "alice") as (alice, _):
            await alice.send({"type": "message", "content": "still here", "id": "m1"})
            assert (await alice.until("message"))["seq"] == 1
        code, err = await first.stop()
        assert code == 0, err

    with server_process("--db", str(db)) as third:
        async with member(third.url, "alice") as (alice, welcome):
            assert welcome["seq"] == 1
        code, _ = await third.stop(signal.SIGKILL)
        assert code == -signal.SIGKILL

    with server_process("--db", str(db)) as fourth:
        async with member(fourth.url, "alice") as (alice, welcome):
            assert welcome["seq"] == 1
        code, err = await fourth.stop()
        assert code == 0, err


# -- another program holds SQLite's lock ---------------------------------------------------


async def test_a_locked_file_answers_busy_at_once_and_reads_go_on(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = SQLiteHistory(path)
    store.append([("lobby", msg(1))])
    async with locked(path, 1.0) as locker:
        started = time.monotonic()
        assert store.append([("lobby", msg(2))]) is False  # nothing written: try again
        assert time.monotonic() - started < 0.5  # it did not wait for the lock
        assert not store.db.in_transaction
        # WAL: readers never wait for a writer.
        assert store.load("lobby", 10) == (1, [("id1", 1)])
        assert await store.after("lobby", 0, 5, 10) == [msg(1)]
        await locker.wait()
    assert store.append([("lobby", msg(2))]) is True
    assert store.load("lobby", 10) == (2, [("id1", 1), ("id2", 2)])
    store.close()


async def test_opening_a_locked_file_waits_in_start(tmp_path: Path) -> None:
    """A file another program holds whole (even for reading): SQLiteHistory()
    returns at once, and start() waits for the file off the loop."""
    path = tmp_path / "h.sqlite3"
    store = SQLiteHistory(path)
    epoch = store.epoch
    store.close()
    async with locked(path, 0.5, "exclusive") as locker:
        started = time.monotonic()
        store = SQLiteHistory(path)
        assert time.monotonic() - started < 0.4
        with pytest.raises(RuntimeError, match="not ready"):
            _ = store.epoch
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        await store.start()
        ticker.cancel()
        assert await locker.wait() == 0
        assert ticks > 10  # the loop ran while start() waited
        assert store.epoch == epoch
        store.close()

    async with locked(path, 3, "exclusive"):
        store = SQLiteHistory(path, busy_deadline=0.2)
        with pytest.raises(ConfigError) as info:
            await store.start()
        assert str(info.value) == (
            f"the history database {path} stayed locked by another program for 0.2 s"
        )
        store.close()


async def test_reads_wait_for_a_writer_when_wal_is_unavailable(tmp_path: Path) -> None:
    """Without WAL (some network filesystems) a writer blocks readers too: the
    room's load and every read retry off the loop, then give up with HistoryError."""
    path = tmp_path / "h.sqlite3"
    store = SQLiteHistory(path)
    store.append([("lobby", msg(1))])
    assert store.db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    async with locked(path, 0.5, "exclusive"):
        loading = store.load("lobby", 10)
        assert not isinstance(loading, tuple)  # an awaitable: the file is locked
        assert await loading == (1, [("id1", 1)])
        assert await store.get("lobby", 1) == msg(1)

    store.busy_deadline = 0.2
    async with locked(path, 3, "exclusive"):
        with pytest.raises(HistoryError) as info:
            await store.before("lobby", 5, 1, 10)
        assert str(info.value) == (
            "cannot read history: the database stayed locked by another program for 0.2 s"
        )
        loading = store.load("lobby", 10)
        assert not isinstance(loading, tuple)
        with pytest.raises(HistoryError, match=r"^cannot read the history of room 'lobby': "):
            await loading
    store.close()


# -- the server over a file under faults (what clients see) --------------------------------


class HealthPoller(threading.Thread):
    """GET /healthz every 50 ms from a thread of its own; records each answer's time."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.times: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    self.errors.append(f"HTTP {response.status}")
            except OSError as exc:
                self.errors.append(repr(exc))
            self.times.append(time.perf_counter() - started)
            self.stop.wait(0.05)


async def test_a_locked_file_does_not_stall_the_server(tmp_path: Path) -> None:
    """The issue's case: another process holds the file's write lock for 3 s.
    The server's loop stays responsive (/healthz answers in under 100 ms
    throughout), and once the lock goes every post is acknowledged, in seq
    order, once (PROTOCOL.md, Delivery promise)."""
    db = tmp_path / "h.sqlite3"
    with server_process("--db", str(db)) as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        async with member(server.url, "alice") as (alice, _), member(server.url, "bob") as (bob, _):
            await alice.send({"type": "message", "content": "before", "id": "b0"})
            assert (await alice.until("message"))["seq"] == 1
            assert (await bob.until("message"))["seq"] == 1
            poller = HealthPoller(port)
            async with locked(db, 3.0) as locker:
                poller.start()
                for n in range(20):
                    await alice.send({"type": "message", "content": f"m{n}", "id": f"m{n}"})
                # Nothing is acknowledged while the file is locked.
                assert [f["type"] for f in await alice.quiet(1.0)] == []
                await locker.wait()
            acks = [await alice.until("message") for _ in range(20)]
            seen = [await bob.until("message") for _ in range(20)]
            await asyncio.sleep(0.3)
            poller.stop.set()
            await asyncio.to_thread(poller.join, WAIT)
            assert await alice.quiet() == []  # none twice
        code, err = await server.stop()
        assert code == 0, err

    assert [(f["seq"], f["id"]) for f in acks] == [(n + 2, f"m{n}") for n in range(20)]
    assert seen == acks
    assert poller.errors == []
    assert len(poller.times) > 40  # polled throughout the 3 s
    assert max(poller.times) < 0.1, sorted(poller.times)[-5:]
    store = SQLiteHistory(db)
    assert store.load("lobby", 100)[0] == 21
    store.close()


async def test_a_file_locked_past_the_deadline_fails_posts_with_internal(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    async with (
        running_server(db=db, history_busy_deadline=0.5) as server,
        member(server.urls[0], "alice") as (alice, _),
    ):
        await alice.send({"type": "message", "content": "one", "id": "1"})
        assert (await alice.until("message"))["seq"] == 1
        async with locked(db, 2.0) as locker:
            for mid in ("2", "3"):
                await alice.send({"type": "message", "content": mid, "id": mid})
            errors = [await alice.recv(timeout=WAIT) for _ in range(2)]
            assert errors == [
                {
                    "type": "error",
                    "code": "internal",
                    "message": "your message was not stored (history failed); resend it",
                    "ref": mid,
                }
                for mid in ("2", "3")
            ]
            await locker.wait()
        # The resends are stored with the next seqs: none was spent on the failure.
        for mid in ("2", "3"):
            await alice.send({"type": "message", "content": mid, "id": mid})
        acks = [await alice.until("message") for _ in range(2)]
        assert [(a["seq"], a["id"]) for a in acks] == [(2, "2"), (3, "3")]
        assert [m.id for m in await server.hub.history.after("lobby", 0, 10, 10)] == [
            "1",
            "2",
            "3",
        ]


@contextlib.contextmanager
def tiny_filesystem(folder: Path) -> Iterator[Path]:
    """A real 1 MiB tmpfs at ``folder`` (needs root: skipped elsewhere; the
    max_page_count test covers the same path without it)."""
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(path: Path) -> None:
    """Write zeros to ``path`` until the filesystem is full."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, bytes(65536))
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):  # the last few bytes
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            while True:
                os.write(fd, bytes(512))
        finally:
            os.close(fd)


async def post_to_a_full_disk(alice: Peer, bob: Peer) -> None:
    """Post one big message: the sender gets ``internal``, nobody gets the message."""
    await alice.send({"type": "message", "content": "x" * 16_000, "id": "big"})
    assert await alice.until("error") == {
        "type": "error",
        "code": "internal",
        "message": "your message was not stored (history failed); resend it",
        "ref": "big",
    }
    assert await bob.quiet() == []  # nothing was broadcast


async def test_a_full_disk_fails_posts_with_internal_and_recovers(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "tiny") as disk:
        db = disk / "h.sqlite3"
        async with running_server(db=db) as server:
            url = server.urls[0]
            async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
                await alice.send({"type": "message", "content": "fits", "id": "1"})
                assert (await bob.until("message"))["seq"] == 1
                fill(disk / "filler")
                await post_to_a_full_disk(alice, bob)
                (disk / "filler").unlink()  # space again
                await alice.send({"type": "message", "content": "x" * 16_000, "id": "big"})
                ack = await alice.until("message")
                assert (ack["seq"], ack["id"]) == (2, "big")  # gap-free
                assert (await bob.until("message"))["seq"] == 2
                stored = await server.hub.history.after("lobby", 0, 10, 10)
                assert [(m.seq, m.id) for m in stored] == [(1, "1"), (2, "big")]


async def test_a_database_at_its_size_limit_fails_posts_with_internal_and_recovers(
    tmp_path: Path,
) -> None:
    """The same through SQLite's max_page_count (SQLITE_FULL), anywhere."""
    db = tmp_path / "h.sqlite3"
    async with running_server(db=db) as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.send({"type": "message", "content": "fits", "id": "1"})
            assert (await bob.until("message"))["seq"] == 1
            connection = server.hub.history.db  # type: ignore[attr-defined]
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count={pages}")
            await post_to_a_full_disk(alice, bob)
            connection.execute("PRAGMA max_page_count=1073741823")
            await alice.send({"type": "message", "content": "x" * 16_000, "id": "big"})
            ack = await alice.until("message")
            assert (ack["seq"], ack["id"]) == (2, "big")
            assert (await bob.until("message"))["seq"] == 2
