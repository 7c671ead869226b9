"""History stores. SQLite (stdlib ``sqlite3``, WAL) is the embedded default.

The store is the room's memory across restarts: the latest seq per room,
the ids for idempotency, replay after ``hello.since`` and scroll-back.
Writes arrive in batches (one transaction per event-loop turn, see
``hub.py``): a message is acknowledged only once its batch is committed
(PROTOCOL.md, Delivery promise).

Durability: WAL with ``synchronous=NORMAL``. A committed message survives
the process being killed (SIGKILL included); an operating-system crash or
power loss may lose the last commits before the WAL reaches the disk. Pass
``synchronous="FULL"`` to trade speed for that too.

One server per file: :class:`SQLiteHistory` holds an exclusive lock on
``<db>.lock`` (``flock``, with the holder's pid inside) for as long as it is
open (``:memory:`` needs none). Two servers on one file would hand out the
same seqs and fail each other's commits; the second one is refused at start
with a :class:`ConfigError` instead. The kernel drops the lock with its
process, so a killed server leaves no stale lock behind.

Never blocking the loop: SQLite calls run on the event loop (they are quick
and local), but none waits there more than a few milliseconds
(``busy_timeout``) for a lock that another program holds on the file (a
backup, the ``sqlite3`` shell). A locked write is reported at once
(:meth:`SQLiteHistory.append` returns False) and the hub keeps the batch and
tries again later (``loop.call_later``); a locked read, a room's load or the
opening of a locked file (:meth:`SQLiteHistory.start`) tries again in its
coroutine (``asyncio.sleep``). Retries wait 5 ms, doubling up to 200 ms,
and give up after ``busy_deadline`` seconds (10 by default) with a
:class:`HistoryError`: the client gets ``internal`` and may resend. In WAL
mode readers never wait for a writer, only writers do; on a file where WAL
is not available (some network filesystems), reads wait for writers too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Final, Protocol, TypeVar

from .defaults import HISTORY_BUSY_DEADLINE
from .errors import ConfigError, HistoryError
from .protocol import ChatMessage

log = logging.getLogger("roomcast.history")

T = TypeVar("T")

SCHEMA_VERSION = 2

# Schema 2 (Roomcast 0.2):
# * ``meta.epoch``: the lifetime of this file's history (PROTOCOL.md, Epochs),
#   made with the file: a new file, a deleted one or ``:memory:`` gets a new
#   epoch, so that resuming clients are told to start over.
# * no UNIQUE index on client_id: idempotency lasts exactly the retention
#   window and is checked in memory (room.Room.ids, loaded from the last
#   ``retention`` rows); a unique index held ids longer than that (until
#   pruning) and made one re-sent old id fail the whole group commit.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    room      TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    ts        TEXT    NOT NULL,
    sender    TEXT    NOT NULL,
    content   TEXT    NOT NULL,
    client_id TEXT    NOT NULL,
    PRIMARY KEY (room, seq)
) WITHOUT ROWID;
DROP INDEX IF EXISTS messages_client_id;
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""

#: Prune a room once it holds this many messages beyond its retention, so that
#: the DELETE runs once per hundred messages, not once per message.
PRUNE_SLACK = 100

#: The longest one SQLite call waits on the event loop for a lock held by
#: another connection (PRAGMA busy_timeout), in seconds.
BUSY_TIMEOUT = 0.005
#: Seconds a read or a write keeps retrying a locked file before it fails
#: (the client gets ``internal`` and resends: PROTOCOL.md, Delivery promise).
BUSY_DEADLINE = HISTORY_BUSY_DEADLINE
#: Waits between retries of a locked file: the first, doubled up to the last.
RETRY_FIRST = 0.005
RETRY_MAX = 0.2

#: The sizes of a page's messages, in page order (SQLiteHistory._cut).
_SIZES: Final = {
    where: "SELECT seq, length(CAST(content AS BLOB)) FROM messages "  # noqa: S608 - constants
    f"WHERE room = ? AND {where} LIMIT ?"
    for where in ("seq > ? AND seq <= ? ORDER BY seq", "seq < ? AND seq >= ? ORDER BY seq DESC")
}

#: The lock file beside the database: ``<db>.lock``.
LOCK_SUFFIX = ".lock"

#: (latest seq, [(client id, seq) of the last ``retention`` messages]).
Loaded = tuple[int, list[tuple[str, int]]]


def next_retry(delay: float) -> float:
    """The wait after ``delay`` (exponential backoff, capped at RETRY_MAX)."""
    return min(delay * 2, RETRY_MAX)


def is_busy(exc: sqlite3.Error) -> bool:
    """The file is locked by another connection (SQLITE_BUSY and its extended codes)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # not raised by SQLite itself
        return "database is locked" in str(exc)
    return int(code) & 0xFF == sqlite3.SQLITE_BUSY


class HistoryStore(Protocol):
    """What the server reads from a room's history, whatever holds it.

    :class:`SQLiteHistory` and ``redis_hub.RedisHistory`` implement it; each
    hub (``hub.Hub.history``) exposes one. Writing is the hub's business
    (a SQLite transaction per turn, or a Redis pipeline), so it is not here.
    """

    async def after(
        self, room: str, after: int, upto: int, limit: int, *, max_bytes: int | None = None
    ) -> list[ChatMessage]:
        """Messages with after < seq <= upto, oldest first, at most ``limit``
        and, past the first, at most ``max_bytes`` of content (UTF-8)."""
        ...

    async def before(
        self, room: str, before: int, floor: int, limit: int, *, max_bytes: int | None = None
    ) -> list[ChatMessage]:
        """The newest ``limit`` messages with floor <= seq < before, oldest first;
        past the newest, at most ``max_bytes`` of content."""
        ...

    async def get(self, room: str, seq: int) -> ChatMessage | None:
        """The stored message ``seq``, if the room still keeps it."""
        ...


class SQLiteHistory:
    """History in one SQLite file (or ``:memory:``) for every room.

    ``busy_deadline``: seconds a locked file is retried before a read or a
    write fails (the hub uses it for its writes too). ``busy_timeout``: the
    longest a single SQLite call may wait on the loop for a lock.
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        synchronous: str = "NORMAL",
        busy_deadline: float = BUSY_DEADLINE,
        busy_timeout: float = BUSY_TIMEOUT,
    ) -> None:
        self.path = str(path)
        self.busy_deadline = busy_deadline
        self._synchronous = synchronous
        self._lock: BinaryIO | None = None
        self._epoch: str | None = None
        self._pruned: dict[str, int] = {}
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the folder for the history database {self.path}: "
                    f"{exc.strerror or exc}"
                ) from None
            # Before SQLite touches the file: a second server must not even
            # migrate it under the first.
            self._lock = _hold_lock(self.path)
        try:
            # timeout: PRAGMA busy_timeout, from the first statement on.
            self.db = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            self.close()
            raise ConfigError(f"cannot open the history database {self.path}: {exc}") from None
        try:
            self._set_up()
        except sqlite3.Error:
            pass  # locked by another program: start() waits for it, off the loop
        except BaseException:
            self.close()
            raise

    @property
    def epoch(self) -> str:
        """PROTOCOL.md, Epochs: every room of this file shares its lifetime."""
        if self._epoch is None:
            raise RuntimeError(f"the history database {self.path} is not ready: await start()")
        return self._epoch

    async def start(self) -> None:
        """Finish opening a file that was locked when it was opened (raises ConfigError)."""
        if self._epoch is not None:
            return
        try:
            await self._when_free(self._set_up, f"cannot open {self.path}")
        except HistoryError:
            raise ConfigError(
                f"the history database {self.path} stayed locked by another program "
                f"for {self.busy_deadline:g} s"
            ) from None

    def _set_up(self) -> None:
        """Bring the file to this schema and read its epoch. Raises ConfigError,
        or sqlite3.Error when another connection holds the lock (try again)."""
        db = self.db
        try:
            db.execute(f"PRAGMA synchronous={self._synchronous}")  # reads the schema
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"the history database {self.path} was written by a newer Roomcast "
                    f"(schema {version}; this one reads {SCHEMA_VERSION})"
                )
            if version < SCHEMA_VERSION:
                # One transaction: a migration is whole or absent.
                db.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('epoch', ?)", (secrets.token_hex(8),)
                )
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                db.execute("COMMIT")
            row = db.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
            if row is None:
                # Deleted on purpose (a restored backup: docs/operating.md,
                # Restore): this file starts a new lifetime, and clients reset.
                row = (secrets.token_hex(8),)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('epoch', ?)", row)
            self._epoch = row[0]
        except sqlite3.Error as exc:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            if is_busy(exc):
                raise
            raise ConfigError(f"cannot open the history database {self.path}: {exc}") from None
        if mode != "wal" and self.path != ":memory:":
            log.warning(
                "the history database %s is not in WAL mode (%s): reads wait for writers",
                self.path,
                mode,
            )

    # -- rooms ----------------------------------------------------------------------

    def load(self, room: str, retention: int) -> Loaded | Awaitable[Loaded]:
        """The room's latest seq and the ids of its last ``retention`` messages:
        at once, or (the file is locked elsewhere) an awaitable that retries."""
        try:
            return self._load(room, retention)
        except sqlite3.Error as exc:
            if not is_busy(exc):
                raise HistoryError(f"cannot read the history of room {room!r}: {exc}") from None
        return self._when_free(
            lambda: self._load(room, retention), f"cannot read the history of room {room!r}"
        )

    def _load(self, room: str, retention: int) -> Loaded:
        row = self.db.execute("SELECT MAX(seq) FROM messages WHERE room = ?", (room,)).fetchone()
        latest = row[0] or 0
        ids = self.db.execute(
            "SELECT client_id, seq FROM messages WHERE room = ? AND seq > ? ORDER BY seq",
            (room, latest - retention),
        ).fetchall()
        self._pruned.setdefault(room, latest - retention)
        return latest, ids

    # -- writing (the hub's: one batch per loop turn) ---------------------------------

    def append(self, batch: Sequence[tuple[str, ChatMessage]]) -> bool:
        """Store the batch in one transaction: True once committed.

        False when another connection holds the write lock: nothing was
        written, try again later (the hub does, off the loop). Raises
        HistoryError when the batch cannot be stored (disk full, a broken
        file): nothing of it was written.
        """
        rows = [(room, m.seq, m.ts, m.sender, m.content, m.id) for room, m in batch]
        try:
            with self._transaction():
                self.db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            if is_busy(exc):
                return False
            raise HistoryError(f"cannot store {len(rows)} message(s): {exc}") from None
        return True

    def prune(self, room: str, latest: int, retention: int) -> None:
        """Delete what is past retention, at most once per PRUNE_SLACK messages."""
        floor = latest - retention
        if floor - self._pruned.get(room, 0) < PRUNE_SLACK:
            return
        try:
            with self._transaction():
                self.db.execute("DELETE FROM messages WHERE room = ? AND seq <= ?", (room, floor))
        except sqlite3.Error as exc:
            # Pruning is housekeeping: a failure costs disk, not messages, and
            # it is tried again after the next commit.
            log.log(
                logging.DEBUG if is_busy(exc) else logging.WARNING,
                "could not prune the history of room %r: %s",
                room,
                exc,
            )
            return
        self._pruned[room] = floor

    # -- reading (HistoryStore) -----------------------------------------------------------

    def forget(self, room: str) -> None:
        """Drop what is kept for a room that is not open (``load`` sets it again)."""
        self._pruned.pop(room, None)

    async def after(
        self, room: str, after: int, upto: int, limit: int, *, max_bytes: int | None = None
    ) -> list[ChatMessage]:
        if max_bytes is not None:
            upto = await self._cut(
                "seq > ? AND seq <= ? ORDER BY seq", (room, after, upto, limit), max_bytes
            )
        return await self._select(
            "SELECT seq, ts, sender, content, client_id FROM messages "
            "WHERE room = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
            (room, after, upto, limit),
        )

    async def before(
        self, room: str, before: int, floor: int, limit: int, *, max_bytes: int | None = None
    ) -> list[ChatMessage]:
        if max_bytes is not None:
            floor = await self._cut(
                "seq < ? AND seq >= ? ORDER BY seq DESC", (room, before, floor, limit), max_bytes
            )
        rows = await self._select(
            "SELECT seq, ts, sender, content, client_id FROM messages "
            "WHERE room = ? AND seq < ? AND seq >= ? ORDER BY seq DESC LIMIT ?",
            (room, before, floor, limit),
        )
        rows.reverse()
        return rows

    async def get(self, room: str, seq: int) -> ChatMessage | None:
        rows = await self._select(
            "SELECT seq, ts, sender, content, client_id FROM messages WHERE room = ? AND seq = ?",
            (room, seq),
        )
        return rows[0] if rows else None

    def close(self) -> None:
        """Close the file and let go of its lock (idempotent)."""
        db = getattr(self, "db", None)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        if self._lock is not None:
            _release_lock(self._lock)
            self._lock = None

    async def _cut(self, where: str, args: tuple[object, ...], max_bytes: int) -> int:
        """The last seq (in ``where``'s order) of a page within ``max_bytes`` of
        content, the first message always included: a page is read only up to
        it, so no page costs more memory than that (issue 14: history floods)."""
        sql = _SIZES[where]
        sizes = await self._when_free(
            lambda: self.db.execute(sql, args).fetchall(), "cannot read history"
        )
        total, last = 0, None
        for seq, size in sizes:
            total += size
            if last is not None and total > max_bytes:
                break
            last = seq
        return last if last is not None else int(str(args[2]))

    async def _select(self, sql: str, args: tuple[object, ...]) -> list[ChatMessage]:
        rows = await self._when_free(
            lambda: self.db.execute(sql, args).fetchall(), "cannot read history"
        )
        return [ChatMessage(seq=r[0], ts=r[1], sender=r[2], content=r[3], id=r[4]) for r in rows]

    async def _when_free(self, attempt: Callable[[], T], what: str) -> T:
        """``attempt()``, retried while another connection holds the lock:
        sleeping between tries (the loop runs on) until ``busy_deadline``.
        Raises HistoryError("WHAT: ...") for any other SQLite error, or then."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.busy_deadline
        delay = RETRY_FIRST
        while True:
            try:
                return attempt()
            except sqlite3.Error as exc:
                if not is_busy(exc):
                    raise HistoryError(f"{what}: {exc}") from None
                if loop.time() >= give_up:
                    raise HistoryError(
                        f"{what}: the database stayed locked by another program "
                        f"for {self.busy_deadline:g} s"
                    ) from None
            await asyncio.sleep(delay)
            delay = next_retry(delay)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (busy, disk full) may leave the transaction open.
            if self.db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
            raise


# -- one server per file ----------------------------------------------------------------


def _hold_lock(path: str) -> BinaryIO:
    """Lock ``<path>.lock`` for this process, or raise ConfigError naming the holder.

    The lock belongs to the open file: it is released when the file is closed
    or the process dies, however it dies. The file itself stays (removing it
    would race with a server that is opening it).
    """
    lock_path = str(Path(path).resolve()) + LOCK_SUFFIX
    try:
        lock = open(lock_path, "a+b", buffering=0)  # noqa: SIM115 (held until close())
    except OSError as exc:
        raise ConfigError(f"cannot open the lock file {lock_path}: {exc.strerror or exc}") from None
    try:
        _lock(lock)
    except OSError as exc:
        holder = _read_pid(lock)
        lock.close()
        if isinstance(exc, BlockingIOError) or (
            sys.platform == "win32" and isinstance(exc, PermissionError)
        ):
            pid = f" (pid {holder})" if holder else ""
            raise ConfigError(
                f"the history database {path} is in use by another Roomcast server{pid}: "
                "stop that one, or give this one another database"
            ) from None
        raise ConfigError(f"cannot lock {lock_path}: {exc.strerror or exc}") from None
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n".encode())
    return lock


def _read_pid(lock: BinaryIO) -> int | None:
    try:
        lock.seek(0)
        text = lock.read(32).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _release_lock(lock: BinaryIO) -> None:
    with contextlib.suppress(OSError):
        lock.truncate(0)  # no stale pid for the next holder's rivals to read
        _unlock(lock)
    lock.close()


if sys.platform == "win32":
    import msvcrt

    # Windows locks byte ranges, and a locked byte cannot be read by others:
    # lock one byte far past the pid, where nobody reads. Not tested on CI.
    _LOCK_AT = 1 << 30

    def _lock(lock: BinaryIO) -> None:
        lock.seek(_LOCK_AT)
        msvcrt.locking(lock.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(lock: BinaryIO) -> None:
        lock.seek(_LOCK_AT)
        msvcrt.locking(lock.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(lock: BinaryIO) -> None:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(lock: BinaryIO) -> None:
        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
