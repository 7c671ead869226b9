"""server/history.py: the SQLite store on a real file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from server.errors import ConfigError, HistoryError
from server.history import PRUNE_SLACK, SQLiteHistory
from server.protocol import ChatMessage


def msg(seq: int, mid: str | None = None) -> ChatMessage:
    return ChatMessage(
        seq=seq, ts="2026-01-01T00:00:00.000Z", sender="a", content=f"m{seq}", id=mid or f"id{seq}"
    )


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
    store.append([("lobby", msg(1))])
    with pytest.raises(HistoryError) as info:
        # The unique (room, id) index refuses a second id1: nothing of the batch stays.
        store.append([("lobby", msg(2)), ("lobby", msg(3, "id1"))])
    assert str(info.value) == (
        "cannot store 2 message(s): UNIQUE constraint failed: messages.room, messages.client_id"
    )
    assert store.load("lobby", 100) == (1, [("id1", 1)])


def test_prune_runs_in_steps(tmp_path: Path) -> None:
    store = SQLiteHistory(tmp_path / "h.sqlite3")
    store.load("lobby", 10)
    store.append([("lobby", msg(n)) for n in range(1, PRUNE_SLACK + 20)])
    store.prune("lobby", PRUNE_SLACK + 19, 10)
    count = store.db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    assert count == 10


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
    with pytest.raises(ConfigError) as info:
        SQLiteHistory(garbage)
    assert str(info.value) == f"cannot open the history database {garbage}: file is not a database"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(ConfigError) as info:
        SQLiteHistory(path)
    assert str(info.value) == (
        f"the history database {path} was written by a newer Roomcast (schema 99; this one reads 1)"
    )
