"""Fixtures of the hostile suite: a history file with a room worth attacking.

``seeded`` is made once per session: the room ``busy`` with 200 stored
messages of 16,384 four-byte characters each (64 KiB of UTF-8 apiece, 12.5
MiB in all, the most PROTOCOL.md lets a message hold), posted through a real
server. Each case gets a copy of that file, so every attack meets the same
room and nothing one case stores is seen by the next.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.harness import raised_nofile, seed_room, start_server

#: The seeded room and its messages.
ROOM = "busy"
SEEDS = 200
SEED_CHARS = 16_384
SEED_CHAR = "\U0001f600"  # 4 bytes of UTF-8; PROTOCOL.md counts code points


@pytest.fixture(scope="session", autouse=True)
def _many_sockets() -> Iterator[None]:
    if sys.platform != "linux":
        pytest.skip("the hostile suite reads /proc and binds 127.0.0.0/8 addresses: Linux only")
    with raised_nofile():
        yield


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history file whose room ``busy`` holds the 200 seed messages (seq 1..200)."""
    folder = tmp_path_factory.mktemp("seeded")
    db = folder / "seeded.sqlite3"
    server = start_server(
        ["--db", str(db), "--rate", "100000", "--burst", "100000", "--max-buffer", "64M"],
        folder / "seed-server.log",
    )
    try:
        asyncio.run(seed_room(f"{server.url}r/{ROOM}", SEEDS, SEED_CHAR * SEED_CHARS))
    finally:
        code = server.stop()
    assert code == 0, server.log_text()
    return db


@pytest.fixture
def history_file(seeded: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded history for one case."""
    db = tmp_path / "history.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{seeded}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{db}{suffix}")
    return db
