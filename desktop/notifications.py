"""Unread counts and notification requests, for a window that is not looked at.

The rules, in one place:

* Only chat messages from others count: not our own, not system rows, not
  frames of foreign servers, not history scrolled back in.
* They count while the window is not active (another window has the focus,
  or it is minimised); activating the window clears the count.
* Each counted message asks for a notification (``notificationRequested``),
  unless notifications are off or "do not disturb" is on. The count still
  grows under "do not disturb": the title and tray still show it.
* A message that names you ("@alice", or "alice" as a word; the session
  marks it ``Row.mention`` with :func:`mentions`) is a mention: counted
  apart, and its notification says so.

The window shows the request with ``QSystemTrayIcon.showMessage`` when the
desktop has a tray; the title and the tray tooltip carry the count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from .rows import Row, RowKind

#: Longest message text put in a notification bubble.
PREVIEW_CHARS = 120


def mentions(text: str, name: str | None) -> bool:
    """Does ``text`` name ``name`` ("@name" or the name as a whole word)?"""
    if not name:
        return False
    pattern = rf"(?<![\w@.])@?{re.escape(name)}(?![\w@])"
    return re.search(pattern, text, re.IGNORECASE) is not None


class Notifier(QObject):
    """Counts unread messages and asks for notifications (see the module rules)."""

    unreadChanged = Signal(int, int)  # unread, of which mentions
    notificationRequested = Signal(str, str, bool)  # title, body, is a mention

    def __init__(self, is_active: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._is_active = is_active
        self.enabled = True
        self.do_not_disturb = False
        self.unread = 0
        self.mentions = 0

    def message_arrived(self, row: Row) -> None:
        if row.kind is not RowKind.CHAT or row.mine or self._is_active():
            return
        mention = row.mention
        self.unread += 1
        self.mentions += mention
        self.unreadChanged.emit(self.unread, self.mentions)
        if not self.enabled or self.do_not_disturb:
            return
        author = row.author or self.tr("someone")
        title = (
            self.tr("{author} mentioned you").format(author=author)
            if mention
            else self.tr("{author} wrote").format(author=author)
        )
        body = row.text if len(row.text) <= PREVIEW_CHARS else row.text[:PREVIEW_CHARS] + "…"
        self.notificationRequested.emit(title, body, mention)

    def activated(self) -> None:
        """The window is looked at again: everything is read."""
        if self.unread or self.mentions:
            self.unread = self.mentions = 0
            self.unreadChanged.emit(0, 0)

    def badge(self) -> str:
        """What goes before the window title: "(3) ", "(3, 1 mention) ", or ""."""
        if not self.unread:
            return ""
        if self.mentions:
            return self.tr("({unread}, {mentions} @) ").format(
                unread=self.unread, mentions=self.mentions
            )
        return f"({self.unread}) "
