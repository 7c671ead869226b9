"""Screen readers and keyboards: every interactive widget is named and
described, and the list speaks each row's text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from roomcast.desktop.rows import RowKind
from tests.desktop.windows import connected, interactive, open_window, rows_of
from tests.helpers import member, running_server, until


def unnamed(root: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName()!r} {getattr(w, 'text', lambda: '')()!r}"
        for w in interactive(root)
        if not w.accessibleName() or not w.accessibleDescription()
    ]


async def test_every_interactive_widget_has_a_name_and_description(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        async with member(url, "bob"):
            window.connect_to(url, "alice")
            await connected(window)
            await until(lambda: len(window.members.members()) == 2)
            assert len(interactive(window)) >= 10
            assert unnamed(window) == []
            host = window.open_host_dialog()
            assert unnamed(host) == []
            host.reject()
            prefs = window.open_preferences()
            assert unnamed(prefs) == []
            prefs.reject()


async def test_the_list_speaks_each_row(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        async with member(url, "bob") as (bob, _):
            window.connect_to(url, "alice")
            await connected(window)
            await bob.send({"type": "message", "content": "hello", "id": "b1"})
            await until(lambda: len(rows_of(window, RowKind.CHAT)) == 1)
            model = window.view.model()
            spoken = [
                model.index(i, 0).data(Qt.ItemDataRole.AccessibleTextRole)
                for i in range(model.rowCount())
            ]
            row = rows_of(window, RowKind.CHAT)[0]
            when = row.time.astimezone().strftime("%H:%M")
            assert f"bob, {when}: hello" in spoken
