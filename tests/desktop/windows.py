"""Shared helpers for window tests: a real MainWindow on the test's qasync loop."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QScrollBar, QWidget
from pytestqt.qtbot import QtBot

from roomcast.desktop.client import Backoff, ConnectionState
from roomcast.desktop.main_window import MainWindow
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import Row, RowKind
from roomcast.desktop.session import ChatSession
from tests.helpers import until


@contextlib.asynccontextmanager
async def open_window(
    qtbot: QtBot,
    tmp_path: Path,
    *,
    tray: bool | None = None,
    backoff: Callable[[], Backoff] = Backoff,
) -> AsyncIterator[MainWindow]:
    """A shown window; ``tray`` says whether the desktop has a system tray
    (None: ask Qt), ``backoff`` makes each room's reconnect schedule."""
    model = MessageListModel()
    # Hosted rooms' history goes to the test's folder, never the user's.
    session = ChatSession(model, hosted_db=tmp_path / "hosted.sqlite3", backoff=backoff)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, tray=tray)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
    finally:
        await session.aclose()


def rows_of(window: MainWindow, kind: RowKind) -> list[Row]:
    window.session.model.flush()
    return [r for r in window.session.model.rows if r.kind is kind]


def chat_texts(window: MainWindow) -> list[str]:
    return [r.text for r in rows_of(window, RowKind.CHAT)]


def system_texts(window: MainWindow) -> list[str]:
    return [r.text for r in rows_of(window, RowKind.SYSTEM)]


async def type_and_send(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)


async def connected(window: MainWindow) -> None:
    await until(lambda: window.session.status.state is ConnectionState.CONNECTED, what="connected")


def interactive(root: QWidget) -> list[QWidget]:
    """Visible widgets that take the keyboard focus (what a keyboard or
    screen-reader user lands on). Scroll bars are part of their views; Qt's
    own internals (object names starting qt_) are named by Qt."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or isinstance(widget, QScrollBar):
            continue
        if widget.objectName().startswith("qt_") or not widget.isVisibleTo(root):
            continue  # Qt's internals (a combo box's hidden popup list...)
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and widget is parent.viewport():
            continue  # the viewport of a named view
        found.append(widget)
    return found
