"""SessionSave / SessionRead (desktop/transfers.py): the save and read tasks,
owned outside the widgets, and whose cancel it was."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from roomcast.desktop.export import dump_row, open_session, read_session, write_session
from roomcast.desktop.transfers import SessionRead, SessionSave
from tests.desktop.test_export import many_rows
from tests.helpers import until


async def test_a_save_reports_its_progress_and_the_rows_written(tmp_path: Path) -> None:
    rows = list(many_rows(5_000))
    path = tmp_path / "s.jsonl"
    saving = SessionSave(rows, path, room="big")
    progress: list[int] = []
    finished: list[object] = []
    saving.progressed.connect(progress.append)
    saving.finished.connect(finished.append)
    assert await saving.task == 5_000
    assert finished == [5_000]
    assert progress == sorted(progress) and all(0 < p <= 5_000 for p in progress)
    assert [dump_row(r) for r in read_session(path).rows] == [dump_row(r) for r in rows]


async def test_the_users_cancel_writes_nothing_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("the old file\n")
    saving = SessionSave(list(many_rows(20_000)), path)
    finished: list[object] = []
    saving.finished.connect(finished.append)
    saving.progressed.connect(lambda _: saving.cancel())  # after the first slice
    assert await saving.task is None
    assert finished == [None]
    assert path.read_text() == "the old file\n"
    assert sorted(os.listdir(tmp_path)) == ["s.jsonl"]


async def test_a_cancel_from_outside_propagates_and_reports_nothing(tmp_path: Path) -> None:
    saving = SessionSave(list(many_rows(20_000)), tmp_path / "s.jsonl")
    finished: list[object] = []
    saving.finished.connect(finished.append)
    await asyncio.sleep(0)
    saving.task.cancel()  # the app closing
    with pytest.raises(asyncio.CancelledError):
        await saving.task
    assert finished == []
    assert os.listdir(tmp_path) == []


async def test_a_save_that_cannot_write_fails_with_the_error(tmp_path: Path) -> None:
    saving = SessionSave(list(many_rows(3)), tmp_path / "missing" / "s.jsonl")
    failed: list[object] = []
    saving.failed.connect(failed.append)
    assert await saving.task is None
    assert len(failed) == 1 and isinstance(failed[0], OSError)


async def test_reading_hands_over_every_row_then_ends(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    rows = list(many_rows(5_000))
    write_session(rows, path)
    reading = SessionRead(open_session(path))
    got: list[object] = []
    ended: list[bool] = []
    reading.rows_read.connect(got.extend)
    reading.ended.connect(ended.append)
    await reading.task
    assert ended == [False] and not reading.reading
    assert [dump_row(r) for r in got] == [dump_row(r) for r in rows]  # type: ignore[arg-type]


async def test_the_users_stop_keeps_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    write_session(many_rows(20_000), path)
    reading = SessionRead(open_session(path))
    got: list[object] = []
    ended: list[bool] = []
    reading.rows_read.connect(got.extend)
    reading.rows_read.connect(lambda _: reading.stop())
    reading.ended.connect(ended.append)
    await until(lambda: ended, what="the read to end")
    assert ended == [True]
    assert 0 < len(got) < 20_000
    assert reading.reader._stream.closed  # the file is let go


async def test_a_damaged_line_fails_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    write_session(many_rows(3), path)
    with path.open("a") as f:
        f.write("{not json\n")
    reading = SessionRead(open_session(path))
    failed: list[str] = []
    reading.failed.connect(failed.append)
    await reading.task
    assert len(failed) == 1 and "line 5" in failed[0]
