"""Export the window's session as JSON Lines and open it read-only again."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.export import dump_row
from desktop.rows import Direction, RowKind
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
            window.composer_bar.raw_check.setChecked(True)
            await type_and_send(qtbot, window, '{"type": "typing"}')
            await until(lambda: len(rows_of(window, RowKind.CHAT)) == 2)
        await until(lambda: any("left" in r.text for r in rows_of(window, RowKind.SYSTEM)))
        model = window.session.model
        model.flush()
        kinds = {r.kind for r in model.rows}
        assert {RowKind.CHAT, RowKind.SYSTEM, RowKind.JSON} <= kinds
        assert any(r.direction is Direction.OUT for r in model.rows)

        path = tmp_path / "saved.jsonl"
        assert window.export_session(str(path)) == len(model.rows)
        viewer = window.open_saved_session(str(path))
        assert viewer is not None
        qtbot.addWidget(viewer)
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
