"""desktop/notifications.py and its wiring: unread counts, notification
requests, mentions, do-not-disturb, all with a real window and server."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from roomcast.desktop.notifications import mentions
from roomcast.desktop.rows import RowKind, SendState
from tests.desktop.windows import connected, open_window, rows_of, type_and_send
from tests.helpers import member, running_server, until


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi @alice", True),
        ("Alice, look", True),
        ("ALICE!", True),
        ("malice aforethought", False),
        ("alice_2 is here", False),
        ("mail alice@example.com", False),
        ("", False),
    ],
)
def test_mentions(text: str, expected: bool) -> None:
    assert mentions(text, "alice") is expected


def test_no_name_no_mention() -> None:
    assert mentions("anything", None) is False


def activate(widget: QWidget) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()


async def test_an_inactive_window_counts_unread_and_asks_to_notify(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        window.connect_to(url, "alice")
        await connected(window)
        activate(window)
        await until(window.isActiveWindow, what="the window to be active")
        requests: list[tuple[str, str, bool]] = []
        window.notifier.notificationRequested.connect(lambda *a: requests.append(a))
        async with member(url, "bob") as (bob, _):
            await bob.send({"type": "message", "content": "while you look", "id": "b0"})
            await until(
                lambda: (
                    window.session.model.rowCount() > 0
                    and any(r.text == "while you look" for r in window.session.model.rows)
                )
            )
            assert window.notifier.unread == 0 and requests == []  # looked at: not unread

            other = QWidget()
            qtbot.addWidget(other)
            activate(other)
            await until(lambda: not window.isActiveWindow(), what="the window to lose focus")
            await bob.send({"type": "message", "content": "are you there?", "id": "b1"})
            await bob.send({"type": "message", "content": "@alice ping", "id": "b2"})
            await until(lambda: window.notifier.unread == 2, what="two unread")
            assert window.notifier.mentions == 1
            assert requests == [
                ("bob wrote", "are you there?", False),
                ("bob mentioned you", "@alice ping", True),
            ]
            await until(
                lambda: window.windowTitle() == "(2, 1 @) team — Roomcast", what="the title"
            )
            # The list marks the mention with a tint of the accent colour.
            window.session.model.flush()
            marked = {r.text: r.mention for r in rows_of(window, RowKind.CHAT)}
            assert marked == {"while you look": False, "are you there?": False, "@alice ping": True}
            view = window.view
            shown = view.model()
            rows = {shown.index(i, 0).data(): shown.index(i, 0) for i in range(shown.rowCount())}
            image = view.viewport().grab().toImage()
            base = view.palette().color(QPalette.ColorRole.Base)

            def far_right(text: str) -> QColor:
                rect = view.visualRect(rows[text])
                return image.pixelColor(rect.right() - 8, rect.bottom() - 4)

            assert far_right("are you there?") == base
            assert far_right("@alice ping") != base

            # Our own messages and system rows never count.
            await type_and_send(qtbot, window, "mine")
            await bob.until("message")
            await until(
                lambda: rows_of(window, RowKind.CHAT)[-1].state is SendState.SENT,
                what="our message acknowledged",
            )
            assert window.notifier.unread == 2

            activate(window)
            await until(lambda: window.notifier.unread == 0, what="cleared on activation")
            await until(lambda: window.windowTitle() == "team — Roomcast", what="the title")


async def test_do_not_disturb_counts_but_stays_quiet(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/quiet"
        window.connect_to(url, "alice")
        await connected(window)
        window.dnd_action.setChecked(True)
        assert window.settings.value("notify/dnd") is True
        requests: list[object] = []
        window.notifier.notificationRequested.connect(lambda *a: requests.append(a))
        other = QWidget()
        qtbot.addWidget(other)
        activate(other)
        await until(lambda: not window.isActiveWindow(), what="the window to lose focus")
        async with member(url, "bob") as (bob, _):
            await bob.send({"type": "message", "content": "shh", "id": "b1"})
            await until(lambda: window.notifier.unread == 1, what="one unread")
        assert requests == []
        await until(lambda: window.windowTitle() == "(1) quiet — Roomcast", what="the title")
        assert QApplication.instance() is not None
