"""The message list as a Qt model: a thin adapter over a :class:`~desktop.timeline.Timeline`.

What the list shows, and every rule about it (dedupe by seq, acknowledgement
in place, our unsent rows kept last, scroll-back, the reset of a room whose
history started over), is the Qt-free timeline's (``desktop/timeline.py``).
This module only adds what Qt needs on top of its ``list[Row]``:

* **Batched inserts.** Frames can arrive by the thousand per second. Every
  ``beginInsertRows``/``endInsertRows`` pair makes each attached view update
  its layout and schedule a repaint, so the timeline keeps new rows in a
  pending buffer and a single-shot 16 ms timer here flushes the buffer as
  *one* insert: at most one batch per frame, however fast frames arrive.
  :meth:`MessageListModel.flush` does it at once (tests, shutdown).
* **Signals.** The model listens to the timeline it shows
  (``TimelineListener``) and turns each change into Qt's signals: inserts,
  in-place changes (``dataChanged`` with the roles that changed), resets.
* **One conversation at a time.** :meth:`MessageListModel.show` swaps the
  timeline shown (a model reset); the window keeps one timeline per room.
* **Roles.** A row's texts for display, tooltips and assistive technology.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from desktop.rows import Direction, Row, RowKind, SendState
from desktop.timeline import Change, Timeline

# Re-exported: the seq index lived here before the timeline took it.
from desktop.timeline import SeqIndex as SeqIndex

#: How long rows wait in the buffer before one insert flushes them: about one
#: frame at 60 Hz, so a view updates at most once per frame for new rows.
FLUSH_INTERVAL_MS = 16

_ModelIndex = QModelIndex | QPersistentModelIndex


class Roles(IntEnum):
    """Custom data roles; ``DisplayRole`` is the text and ``ToolTipRole`` the time.

    ``AccessibleTextRole`` is what a screen reader says for a row (who, when,
    what) and ``AccessibleDescriptionRole`` what kind of row it is (kind,
    direction, send state).
    """

    RowRole = int(Qt.ItemDataRole.UserRole) + 1  # the Row object itself
    KindRole = RowRole + 1  # RowKind
    AuthorRole = RowRole + 2  # str | None
    TimeRole = RowRole + 3  # aware datetime (UTC as received)
    SeqRole = RowRole + 4  # int | None
    StateRole = RowRole + 5  # SendState | None
    MineRole = RowRole + 6  # bool
    RawRole = RowRole + 7  # str | bytes | None: the frame as it travelled


_ROLE_NAMES = {
    int(Qt.ItemDataRole.DisplayRole): b"display",
    int(Qt.ItemDataRole.ToolTipRole): b"toolTip",
    int(Qt.ItemDataRole.AccessibleTextRole): b"accessibleText",
    int(Qt.ItemDataRole.AccessibleDescriptionRole): b"accessibleDescription",
    int(Roles.RowRole): b"row",
    int(Roles.KindRole): b"kind",
    int(Roles.AuthorRole): b"author",
    int(Roles.TimeRole): b"time",
    int(Roles.SeqRole): b"seq",
    int(Roles.StateRole): b"state",
    int(Roles.MineRole): b"mine",
    int(Roles.RawRole): b"raw",
}

_ACK_ROLES = [
    int(Qt.ItemDataRole.AccessibleTextRole),
    int(Qt.ItemDataRole.AccessibleDescriptionRole),
    int(Roles.RowRole),
    int(Roles.StateRole),
    int(Roles.SeqRole),
    int(Roles.TimeRole),
    int(Qt.ItemDataRole.ToolTipRole),
]
_STATE_ROLES = [
    int(Qt.ItemDataRole.AccessibleTextRole),
    int(Qt.ItemDataRole.AccessibleDescriptionRole),
    int(Roles.RowRole),
    int(Roles.StateRole),
    int(Roles.SeqRole),
]


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for the catalogue (pyside6-lupdate finds the calls by this
    name) and returns it as is: translated where it is shown. Typed, unlike
    QtCore's."""
    return text


def _t(text: str) -> str:
    """``text`` (marked with QT_TRANSLATE_NOOP in context "MessageListModel")
    in the user's language."""
    return QCoreApplication.translate("MessageListModel", text)


# Largest first: (seconds, one, several). A month is 30 days and a year 365:
# this is a hint, not a calendar.
_UNITS = (
    (
        365 * 86_400,
        QT_TRANSLATE_NOOP("MessageListModel", "1 year ago"),
        QT_TRANSLATE_NOOP("MessageListModel", "{n} years ago"),
    ),
    (
        30 * 86_400,
        QT_TRANSLATE_NOOP("MessageListModel", "1 month ago"),
        QT_TRANSLATE_NOOP("MessageListModel", "{n} months ago"),
    ),
    (
        86_400,
        QT_TRANSLATE_NOOP("MessageListModel", "1 day ago"),
        QT_TRANSLATE_NOOP("MessageListModel", "{n} days ago"),
    ),
    (
        3_600,
        QT_TRANSLATE_NOOP("MessageListModel", "1 hour ago"),
        QT_TRANSLATE_NOOP("MessageListModel", "{n} hours ago"),
    ),
    (
        60,
        QT_TRANSLATE_NOOP("MessageListModel", "1 minute ago"),
        QT_TRANSLATE_NOOP("MessageListModel", "{n} minutes ago"),
    ),
)


def relative_time(when: datetime, now: datetime) -> str:
    """How long ago ``when`` was, in words: "just now", "5 minutes ago", "2 days ago".

    A time in the future (another machine's clock) counts as "just now".
    """
    seconds = int((now - when).total_seconds())
    for size, one, several in _UNITS:
        if seconds >= size:
            n = seconds // size
            return _t(one) if n == 1 else _t(several).format(n=n)
    return _t(QT_TRANSLATE_NOOP("MessageListModel", "just now"))


def tooltip_text(row: Row, now: datetime | None = None) -> str:
    """The tooltip: the absolute local time (the list itself shows only hh:mm)
    and how long ago that was, e.g. ``"bob · 2026-11-26 14:03:12 · 5 minutes ago"``."""
    when = row.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    ago = relative_time(row.time, now if now is not None else datetime.now(UTC))
    if row.kind is RowKind.CHAT and row.author:
        return f"{row.author} · {when} · {ago}"
    return f"{when} · {ago}"


_SPOKEN_STATES = {
    SendState.PENDING: QT_TRANSLATE_NOOP("MessageListModel", "sending"),
    SendState.FAILED: QT_TRANSLATE_NOOP("MessageListModel", "not sent"),
}


def accessible_text(row: Row) -> str:
    """What a screen reader says for a row: who, when, what (and if it failed)."""
    if row.kind is not RowKind.CHAT:
        return row.text
    when = row.time.astimezone().strftime("%H:%M")
    who = row.author or _t(QT_TRANSLATE_NOOP("MessageListModel", "you"))
    spoken = f"{who}, {when}: {row.text}"
    state = _SPOKEN_STATES.get(row.state) if row.state is not None else None
    return f"{spoken} ({_t(state)})" if state else spoken


_KIND_NAMES = {
    RowKind.CHAT: QT_TRANSLATE_NOOP("MessageListModel", "chat message"),
    RowKind.SYSTEM: QT_TRANSLATE_NOOP("MessageListModel", "notice"),
    RowKind.JSON: QT_TRANSLATE_NOOP("MessageListModel", "JSON frame"),
    RowKind.TEXT: QT_TRANSLATE_NOOP("MessageListModel", "text frame"),
    RowKind.BINARY: QT_TRANSLATE_NOOP("MessageListModel", "binary frame"),
}
_DIRECTION_NAMES = {
    Direction.IN: QT_TRANSLATE_NOOP("MessageListModel", "received"),
    Direction.OUT: QT_TRANSLATE_NOOP("MessageListModel", "sent"),
}
_STATE_NAMES = {
    SendState.PENDING: QT_TRANSLATE_NOOP("MessageListModel", "sending"),
    SendState.SENT: QT_TRANSLATE_NOOP("MessageListModel", "delivered"),
    SendState.FAILED: QT_TRANSLATE_NOOP("MessageListModel", "not sent"),
}


def accessible_description(row: Row) -> str:
    """What kind of row this is, for assistive technology: kind, direction and
    send state, e.g. ``"chat message, sent, delivered"``."""
    parts = [_KIND_NAMES[row.kind], _DIRECTION_NAMES[row.direction]]
    if row.state is not None:
        parts.append(_STATE_NAMES[row.state])
    return ", ".join(map(_t, parts))


def row_data(row: Row, role: int) -> Any:
    """The value of ``role`` for ``row``: one answer for the model and its proxies."""
    if role == Roles.RowRole:
        return row
    if role == Qt.ItemDataRole.DisplayRole:
        return row.text
    if role == Qt.ItemDataRole.ToolTipRole:
        return tooltip_text(row)
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return accessible_text(row)
    if role == Qt.ItemDataRole.AccessibleDescriptionRole:
        return accessible_description(row)
    if role == Roles.KindRole:
        return row.kind
    if role == Roles.AuthorRole:
        return row.author
    if role == Roles.TimeRole:
        return row.time
    if role == Roles.SeqRole:
        return row.seq
    if role == Roles.StateRole:
        return row.state
    if role == Roles.MineRole:
        return row.mine
    if role == Roles.RawRole:
        return row.raw
    return None


ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


def role_names() -> dict[int, QByteArray]:
    """The role names of the message models (for QML and debugging)."""
    return {role: QByteArray(name) for role, name in _ROLE_NAMES.items()}


class RowsView(Sequence[Row]):
    """A read-only window on the model's rows: no copy, and no way to bypass the
    model (which would desynchronise every attached view)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[Row]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return tuple(self._rows[index])
        return self._rows[index]

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"RowsView({len(self._rows)} rows)"


_CHANGE_ROLES = {Change.ACK: [*_ACK_ROLES, int(Roles.RawRole)], Change.STATE: _STATE_ROLES}


class MessageListModel(QAbstractListModel):
    """The rows of one conversation (a :class:`~desktop.timeline.Timeline`),
    oldest at row 0.

    The model shows one timeline at a time (:meth:`show`; a new model shows a
    timeline of its own) and listens to it: the timeline decides what the rows
    are, the model turns each change into Qt's signals and flushes the
    timeline's batch once per frame. The writing methods are the timeline's,
    for the shown one.
    """

    def __init__(self, parent: QObject | None = None, timeline: Timeline | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._timeline = timeline if timeline is not None else Timeline()
        self._attach(self._timeline)

    # -- Qt model interface ------------------------------------------------------

    def rowCount(self, parent: _ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0  # a list: no children anywhere
        return len(self._rows)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() != 0:
            return None
        r = index.row()
        if not 0 <= r < len(self._rows):
            return None
        return row_data(self._rows[r], int(role))

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS

    def roleNames(self) -> dict[int, QByteArray]:
        return role_names()

    # -- which timeline ----------------------------------------------------------

    @property
    def timeline(self) -> Timeline:
        """The timeline shown."""
        return self._timeline

    def show(self, timeline: Timeline) -> None:
        """Show another conversation: one model reset. The timeline shown
        before keeps its rows (its pending ones are shown when it is again)."""
        if timeline is self._timeline:
            return
        if timeline.listener is not None:
            raise ValueError(f"{timeline!r} is already shown by another model")
        self._timer.stop()
        self.beginResetModel()
        self._timeline.listener = None
        self._timeline.flush()  # no one listens: no signals
        self._timeline = timeline
        timeline.flush()
        self._attach(timeline)
        self.endResetModel()

    def _attach(self, timeline: Timeline) -> None:
        if timeline.listener is not None and timeline.listener is not self:
            raise ValueError(f"{timeline!r} is already shown by another model")
        timeline.listener = self
        self._rows = timeline.rows
        self._view = RowsView(self._rows)
        if timeline.pending_count:
            self._timer.start()

    # -- reading -----------------------------------------------------------------

    @property
    def rows(self) -> RowsView:
        """The shown rows, oldest first (pending ones are not included)."""
        return self._view

    def row_list(self) -> list[Row]:
        """The live list behind :attr:`rows`, for ``MessageFilterModel`` and
        ``MessageView``, which read every row on hot paths (a ``RowsView``
        costs a Python call per row). Read it; never modify it. Another list
        after a model reset (:meth:`show`): read it again then."""
        return self._rows

    @property
    def pending_count(self) -> int:
        """Rows accepted but not yet inserted (waiting for the next flush)."""
        return self._timeline.pending_count

    def row_for_id(self, message_id: str) -> Row | None:
        """Our own row with this client id, shown or still pending; else None."""
        return self._timeline.row_for_id(message_id)

    def index_for_id(self, message_id: str) -> QModelIndex:
        """The model index of our shown row with this id (invalid if not shown yet)."""
        row = self._timeline.row_of_id(message_id)
        if row is None:
            return QModelIndex()
        return self.index(row, 0)

    def lowest_seq(self) -> int | None:
        """The oldest seq held: the ``before`` of the next history request."""
        return self._timeline.lowest_seq()

    # -- writing (to the shown timeline) -----------------------------------------

    def append(self, row: Row) -> bool:
        """Queue one row for the next batch (:meth:`Timeline.append`).

        Returns False when the row was not queued: a duplicate seq, or the
        acknowledgement of one of our rows (which is then updated in place).
        """
        return self._timeline.append(row)

    def extend(self, rows: Iterable[Row]) -> int:
        """Queue many rows for the next batch; returns how many were queued."""
        return self._timeline.extend(rows)

    def flush(self) -> None:
        """Insert every pending row now (:meth:`Timeline.flush`)."""
        self._timer.stop()
        self._timeline.flush()

    def prepend_history(self, rows: Iterable[Row]) -> int:
        """Insert an older page (oldest first) above everything, in one insert.

        Rows whose seq is already held are skipped. Returns how many were added.
        """
        return self._timeline.prepend_history(rows)

    def set_state(self, message_id: str, state: SendState, seq: int | None = None) -> bool:
        """Change the send state (and maybe learn the seq) of our row ``message_id``.

        Returns False if no such row is held.
        """
        return self._timeline.set_state(message_id, state, seq)

    def clear(self) -> None:
        """Forget every row of the shown timeline, shown and pending."""
        self._timeline.clear()

    # -- TimelineListener ----------------------------------------------------------

    def rows_pending(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def rows_inserting(self, first: int, count: int) -> None:
        self.beginInsertRows(QModelIndex(), first, first + count - 1)

    def rows_inserted(self) -> None:
        self.endInsertRows()

    def row_changed(self, row: int, change: Change) -> None:
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, _CHANGE_ROLES[change])

    def resetting(self) -> None:
        self._timer.stop()
        self.beginResetModel()

    def reset_done(self) -> None:
        self.endResetModel()
