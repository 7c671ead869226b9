"""Unread counts and notification requests, for a window that is not looked at.

The rules, in one place:

* Only chat messages from others count: not our own, not system rows, not
  frames of foreign servers, not history scrolled back in.
* They count per room, unless their room is shown in a window someone looks
  at (``desktop/rooms.py`` keeps the counts; showing the room, or activating
  the window, reads it).
* A counted message asks for a notification (``notificationRequested``)
  while the window is not looked at, unless notifications are off or "do not
  disturb" is on. The count still grows under "do not disturb": the title,
  the room list and the tray still show it.
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

from .rows import Row

#: Longest message text put in a notification bubble.
PREVIEW_CHARS = 120


def mentions(text: str, name: str | None) -> bool:
    """Does ``text`` name ``name`` ("@name" or the name as a whole word)?"""
    if not name:
        return False
    pattern = rf"(?<![\w@.])@?{re.escape(name)}(?![\w@])"
    return re.search(pattern, text, re.IGNORECASE) is not None


class Notifier(QObject):
    """Asks for notifications and makes the title's badge (see the module rules)."""

    notificationRequested = Signal(str, str, bool)  # title, body, is a mention

    def __init__(
        self,
        totals: Callable[[], tuple[int, int]],
        is_active: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._totals = totals
        self._is_active = is_active
        self.enabled = True
        self.do_not_disturb = False

    @property
    def unread(self) -> int:
        """Unread messages over every room (desktop/rooms.py counts them)."""
        return self._totals()[0]

    @property
    def mentions(self) -> int:
        return self._totals()[1]

    def message_arrived(self, row: Row, room: str | None = None) -> None:
        """A message that counts as unread arrived (in ``room``, named when the
        window has several; which messages count is desktop/rooms.py's rule):
        a notification unless the window is looked at, notifications are off
        or "do not disturb" is on."""
        if self._is_active() or not self.enabled or self.do_not_disturb:
            return
        author = row.author or self.tr("someone")
        if room:
            title = (
                self.tr("{author} mentioned you in {room}")
                if row.mention
                else self.tr("{author} wrote in {room}")
            ).format(author=author, room=room)
        else:
            title = (
                self.tr("{author} mentioned you") if row.mention else self.tr("{author} wrote")
            ).format(author=author)
        body = row.text if len(row.text) <= PREVIEW_CHARS else row.text[:PREVIEW_CHARS] + "…"
        self.notificationRequested.emit(title, body, row.mention)

    def badge(self) -> str:
        """What goes before the window title: "(3) ", "(3, 1 @) ", or ""."""
        unread, mentions = self._totals()
        if not unread:
            return ""
        if mentions:
            return self.tr("({unread}, {mentions} @) ").format(unread=unread, mentions=mentions)
        return f"({unread}) "
