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

SQLite calls are quick and local, so they run on the event loop; the
methods that read are ``async`` so that a networked store (Redis) can stand
behind the same interface.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from .errors import ConfigError, HistoryError
from .protocol import ChatMessage

log = logging.getLogger("roomcast.history")

SCHEMA_VERSION = 1

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
CREATE UNIQUE INDEX IF NOT EXISTS messages_client_id ON messages (room, client_id);
"""

#: Prune a room once it holds this many messages beyond its retention, so that
#: the DELETE runs once per hundred messages, not once per message.
PRUNE_SLACK = 100


class HistoryStore(Protocol):
    """What the server reads from a room's history, whatever holds it.

    :class:`SQLiteHistory` and ``redis_hub.RedisHistory`` implement it; each
    hub (``hub.Hub.history``) exposes one. Writing is the hub's business
    (a SQLite transaction per turn, or a Redis pipeline), so it is not here.
    """

    async def after(self, room: str, after: int, upto: int, limit: int) -> list[ChatMessage]:
        """Messages with after < seq <= upto, oldest first, at most ``limit``."""
        ...

    async def before(self, room: str, before: int, floor: int, limit: int) -> list[ChatMessage]:
        """The newest ``limit`` messages with floor <= seq < before, oldest first."""
        ...

    async def get(self, room: str, seq: int) -> ChatMessage | None:
        """The stored message ``seq``, if the room still keeps it."""
        ...


class SQLiteHistory:
    """History in one SQLite file (or ``:memory:``) for every room."""

    def __init__(self, path: str | Path = ":memory:", *, synchronous: str = "NORMAL") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the folder for the history database {self.path}: "
                    f"{exc.strerror or exc}"
                ) from None
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={synchronous}")
            self.db.execute("PRAGMA busy_timeout=5000")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"the history database {self.path} was written by a newer Roomcast "
                    f"(schema {version}; this one reads {SCHEMA_VERSION})"
                )
            self.db.executescript(_SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open the history database {self.path}: {exc}") from None
        self._pruned: dict[str, int] = {}

    def load(self, room: str, retention: int) -> tuple[int, list[tuple[str, int]]]:
        try:
            row = self.db.execute(
                "SELECT MAX(seq) FROM messages WHERE room = ?", (room,)
            ).fetchone()
            latest = row[0] or 0
            ids = self.db.execute(
                "SELECT client_id, seq FROM messages WHERE room = ? AND seq > ? ORDER BY seq",
                (room, latest - retention),
            ).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read the history of room {room!r}: {exc}") from None
        self._pruned.setdefault(room, latest - retention)
        return latest, ids

    def append(self, batch: Sequence[tuple[str, ChatMessage]]) -> None:
        rows = [(room, m.seq, m.ts, m.sender, m.content, m.id) for room, m in batch]
        try:
            with self._transaction():
                self.db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot store {len(rows)} message(s): {exc}") from None

    def prune(self, room: str, latest: int, retention: int) -> None:
        """Delete what is past retention, at most once per PRUNE_SLACK messages."""
        floor = latest - retention
        if floor - self._pruned.get(room, 0) < PRUNE_SLACK:
            return
        try:
            with self._transaction():
                self.db.execute("DELETE FROM messages WHERE room = ? AND seq <= ?", (room, floor))
        except sqlite3.Error as exc:
            # Pruning is housekeeping: a failure costs disk, not messages.
            log.warning("could not prune the history of room %r: %s", room, exc)
            return
        self._pruned[room] = floor

    async def after(self, room: str, after: int, upto: int, limit: int) -> list[ChatMessage]:
        return self._select(
            "SELECT seq, ts, sender, content, client_id FROM messages "
            "WHERE room = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
            (room, after, upto, limit),
        )

    async def before(self, room: str, before: int, floor: int, limit: int) -> list[ChatMessage]:
        rows = self._select(
            "SELECT seq, ts, sender, content, client_id FROM messages "
            "WHERE room = ? AND seq < ? AND seq >= ? ORDER BY seq DESC LIMIT ?",
            (room, before, floor, limit),
        )
        rows.reverse()
        return rows

    async def get(self, room: str, seq: int) -> ChatMessage | None:
        rows = self._select(
            "SELECT seq, ts, sender, content, client_id FROM messages WHERE room = ? AND seq = ?",
            (room, seq),
        )
        return rows[0] if rows else None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def _select(self, sql: str, args: tuple[object, ...]) -> list[ChatMessage]:
        try:
            rows = self.db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read history: {exc}") from None
        return [ChatMessage(seq=r[0], ts=r[1], sender=r[2], content=r[3], id=r[4]) for r in rows]

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
