"""SessionViewer (desktop/widgets/session_viewer.py): a saved session, read-only;
and the window exporting its session as JSON Lines and opening it again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from roomcast.desktop.export import Session, SessionWriter, dump_row, open_session, read_session
from roomcast.desktop.rows import Direction, Row, RowKind, SendState
from roomcast.desktop.sending import SendMode
from roomcast.desktop.widgets.session_viewer import SessionViewer
from tests.desktop.windows import connected, open_window, rows_of, type_and_send
from tests.helpers import member, running_server, until


async def test_export_then_import_round_trips_every_row(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        async with member(url, "bob") as (bob, _):
            window.connect_to(url, "alice")
            await connected(window)
            await type_and_send(qtbot, window, "hello bob")
            await bob.send({"type": "message", "content": "hi alice ✓\nsecond line", "id": "b1"})
            await bob.send("not json at all")  # a server error row for bob, nothing for us
            window.composer_bar.selector.set_mode(SendMode.JSON)
            await type_and_send(qtbot, window, '{"type": "typing"}')
            await until(lambda: len(rows_of(window, RowKind.CHAT)) == 2)
        await until(lambda: any("left" in r.text for r in rows_of(window, RowKind.SYSTEM)))
        model = window.session.model
        model.flush()
        kinds = {r.kind for r in model.rows}
        assert {RowKind.CHAT, RowKind.SYSTEM, RowKind.JSON} <= kinds
        assert any(r.direction is Direction.OUT for r in model.rows)

        path = tmp_path / "saved.jsonl"
        assert await window.export_session(str(path)) == len(model.rows)
        viewer = window.open_saved_session(str(path))
        assert viewer is not None
        qtbot.addWidget(viewer)
        await until(lambda: not viewer.reading)
        assert viewer.windowTitle() == "saved.jsonl (read-only) — Roomcast"
        assert [dump_row(r) for r in viewer.model.rows] == [dump_row(r) for r in model.rows]
        assert viewer.info.text().startswith(f"Read-only: {len(model.rows)} rows · team · saved ")
        assert not hasattr(viewer, "composer")


async def test_a_bad_session_file_is_a_notice(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"format": "something else"}\n')
        assert window.open_saved_session(str(bad)) is None
        assert window.notice_label.text() == (
            "✖ Could not open the saved session: bad.jsonl line 1: "
            "not a Roomcast session file (no 'roomcast-session' header)"
        )
        assert window.viewers == []


def test_the_viewer_shows_every_row_as_saved_and_closes_with_ctrl_w_or_escape(qtbot: QtBot) -> None:
    exported = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    saved = [
        Row(kind=RowKind.SYSTEM, text="Joined room team as ann (2 here)"),
        Row(kind=RowKind.CHAT, text="hi", author="bob", seq=7),
        Row(kind=RowKind.CHAT, text="unsent", author="ann", mine=True, state=SendState.FAILED),
    ]
    session = Session(rows=saved, exported=exported, url="ws://h:1/r/team", room="team")
    viewer = SessionViewer(session, "/somewhere/team.jsonl")
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    assert viewer.windowTitle() == "team.jsonl (read-only) — Roomcast"
    when = exported.astimezone().strftime("%Y-%m-%d %H:%M")
    assert viewer.info.text() == f"Read-only: 3 rows · team · saved {when}"
    assert [dump_row(r) for r in viewer.model.rows] == [dump_row(r) for r in saved]
    assert viewer.view.accessibleName() == "Saved messages"
    close = next(a for a in viewer.actions() if a.text() == "Close")
    assert close.shortcuts() == [
        QKeySequence(QKeySequence.StandardKey.Close),
        QKeySequence(Qt.Key.Key_Escape),
    ]
    close.trigger()
    assert not viewer.isVisible()


def test_a_session_without_a_room_or_time_says_where_it_came_from(qtbot: QtBot) -> None:
    session = Session(rows=[], url="ws://h:1/")
    viewer = SessionViewer(session, Path("empty.jsonl"))
    qtbot.addWidget(viewer)
    assert viewer.info.text() == "Read-only: 0 rows · ws://h:1/"


def test_find_in_a_saved_session_counts_and_steps_through_matches(qtbot: QtBot) -> None:
    saved = [Row(kind=RowKind.CHAT, text=f"build {n}", author="bob", seq=n) for n in range(1, 4)]
    saved.insert(1, Row(kind=RowKind.CHAT, text="lunch?", author="ann", seq=9))
    viewer = SessionViewer(Session(rows=saved, room="team"), "team.jsonl")
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    find = next(a for a in viewer.actions() if a.text() == "Find…")
    find.trigger()
    bar = viewer.filter_bar
    assert bar.isVisible()
    qtbot.keyClicks(bar.search, "build")
    qtbot.waitUntil(lambda: bar.count_label.text() == "3 matches")
    shown = viewer.view.model()
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)  # the next: the first
    assert bar.count_label.text() == "1 of 3"
    assert viewer.view.currentIndex().data() == "build 1"
    qtbot.keyClick(bar.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "3 of 3"  # wrapped around to the last
    assert viewer.view.currentIndex().data() == "build 3"
    assert shown.rowCount() == 3
    bar.search.setText("nothing like it")
    bar.apply()
    assert bar.count_label.text() == "No matches"
    assert not bar.next_button.isEnabled()
    # Esc closes the find bar first (every row back), then the window.
    close = next(a for a in viewer.actions() if a.text() == "Close")
    close.trigger()
    assert not bar.isVisible() and viewer.isVisible()
    assert viewer.view.model().rowCount() == 4
    close.trigger()
    assert not viewer.isVisible()


# -- big files: streamed, never freezing, with progress and Cancel ----------------------

WHEN = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def chat_rows(n: int, start: int = 0) -> list[Row]:
    return [
        Row(
            kind=RowKind.CHAT,
            text=f"message {i}",
            time=WHEN + timedelta(milliseconds=i),
            author=f"user{i % 7}",
            seq=i,
            raw=f'{{"type":"message","seq":{i},"content":"message {i}"}}',
        )
        for i in range(start, start + n)
    ]


def write_rows(path: Path, n: int) -> None:
    with SessionWriter(path, rows=n, room="big") as writer:
        for row in chat_rows(n):
            writer.write(row)
        writer.commit()


def info(viewer: SessionViewer) -> str:
    """The viewer's info line without the time the file was saved (it was just now)."""
    text, saved, when = viewer.info.text().partition(" · saved ")
    assert saved and when
    return text


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_a_big_file_is_shown_as_it_is_read(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_rows(path, 20_000)
    viewer = SessionViewer(open_session(path), path)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    assert viewer.reading
    assert viewer.progress.isVisible() and viewer.cancel_button.isVisible()
    assert info(viewer) == "Read-only: reading 0 of 20,000 rows… · big"
    seen: list[int] = []
    viewer.progress.valueChanged.connect(seen.append)
    loaded: list[bool] = []
    viewer.loaded.connect(lambda: loaded.append(True))
    await until(lambda: loaded, timeout=60)
    assert not viewer.reading and not viewer.stopped
    assert not viewer.progress.isVisible() and not viewer.cancel_button.isVisible()
    assert info(viewer) == "Read-only: 20,000 rows · big"
    assert [row.text for row in viewer.model.rows] == [f"message {i}" for i in range(20_000)]
    assert seen == sorted(seen) and seen[-1] == 1000  # per mille of the file, to the end
    assert len(seen) > 1  # it gave way to the loop (and so to painting) in between


async def test_stop_reading_keeps_what_was_read(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_rows(path, 50_000)
    viewer = SessionViewer(open_session(path), path)
    qtbot.addWidget(viewer)
    viewer.show()
    await until(lambda: viewer.model.rowCount() > 0 or viewer.model.pending_count > 0)
    qtbot.mouseClick(viewer.cancel_button, Qt.MouseButton.LeftButton)
    await until(lambda: not viewer.reading)
    shown = viewer.model.rowCount()
    assert viewer.stopped
    assert 0 < shown < 50_000
    assert [row.seq for row in viewer.model.rows] == list(range(shown))
    assert info(viewer) == f"Read-only: {shown:,} of 50,000 rows (reading stopped) · big"
    assert not viewer.cancel_button.isVisible()


async def test_a_file_damaged_partway_closes_the_viewer_and_says_where(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with open_window(qtbot, tmp_path) as window:
        path = tmp_path / "damaged.jsonl"
        write_rows(path, 3000)
        lines = path.read_bytes().split(b"\n")
        lines[2001] = lines[2001][:30]  # row 2001, line 2002: cut short
        path.write_bytes(b"\n".join(lines))
        viewer = window.open_saved_session(str(path))
        assert viewer is not None  # the header was good
        await until(lambda: window.viewers == [], what="the viewer closed")
        assert window.notice_label.text().startswith(
            "✖ Could not open the saved session: damaged.jsonl line 2002: not valid JSON ("
        )


async def test_rows_arriving_during_an_export_are_not_in_it(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        timeline = window.session.model.timeline
        timeline.extend(chat_rows(20_000))
        path = tmp_path / "saved.jsonl"
        task = window.export_session(str(path))
        assert not window.export_action.isEnabled()  # one export at a time
        await asyncio.sleep(0)
        # The room goes on: more rows, then the history is reset.
        timeline.extend(chat_rows(500, start=20_000))
        window.session.model.flush()
        timeline.clear()
        assert await task == 20_000
        assert window.export_action.isEnabled()
        saved = read_session(path).rows
        assert [row.text for row in saved] == [f"message {i}" for i in range(20_000)]
        assert window.notice_label.text() == f"Exported 20000 rows to {path}"


async def test_cancelling_an_export_leaves_no_file(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        window.session.model.timeline.extend(chat_rows(50_000))
        folder = tmp_path / "out"
        folder.mkdir()
        path = folder / "saved.jsonl"
        task = window.export_session(str(path))
        (progress,) = window.findChildren(QProgressDialog)
        await until(lambda: names(folder) != [], what="the temporary file")
        assert names(folder)[0].startswith(".saved.jsonl.")
        (cancel,) = progress.findChildren(QPushButton)
        cancel.click()
        assert await task is None
        assert names(folder) == []
        assert window.notice_label.text() == f"Export cancelled: nothing was written to {path}"
        assert window.export_action.isEnabled()
