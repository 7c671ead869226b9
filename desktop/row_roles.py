"""What a :class:`~desktop.rows.Row` answers to Qt: its roles, flags and texts.

One answer for every model that shows rows (``desktop.models.MessageListModel``
and ``desktop.filtering.MessageFilterModel``): the value of each data role
(:func:`row_data`), the role names, the item flags, which roles an in-place
change touches (:data:`CHANGE_ROLES`), and the texts made for people: the
tooltip with its relative time, and what a screen reader says.

The texts are translated in the context ``"MessageListModel"`` (where they
lived first; the catalogues know them there).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, overload

from PySide6.QtCore import QByteArray, QCoreApplication, Qt

from roomcast.desktop.rows import Direction, Row, RowKind, SendState
from roomcast.desktop.texts import QT_TRANSLATE_NOOP
from roomcast.desktop.timeline import Change

__all__ = [
    "CHANGE_ROLES",
    "QT_TRANSLATE_NOOP",
    "ROW_FLAGS",
    "Roles",
    "RowsView",
    "accessible_description",
    "accessible_text",
    "relative_time",
    "role_names",
    "row_data",
    "tooltip_text",
]


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

# The roles whose value an in-place change of the timeline changes.
CHANGE_ROLES: dict[Change, list[int]] = {
    # The send state (from the outbox), maybe with the seq it learnt.
    Change.STATE: [
        int(Qt.ItemDataRole.AccessibleTextRole),  # says "sending", "not sent"
        int(Qt.ItemDataRole.AccessibleDescriptionRole),
        int(Roles.RowRole),
        int(Roles.StateRole),
        int(Roles.SeqRole),
    ],
    # The server's copy of our row: seq, time and raw frame, never the state.
    Change.ACK: [
        int(Qt.ItemDataRole.AccessibleTextRole),  # says the time
        int(Qt.ItemDataRole.ToolTipRole),
        int(Roles.RowRole),
        int(Roles.SeqRole),
        int(Roles.TimeRole),
        int(Roles.RawRole),
    ],
}


def _t(text: str) -> str:
    """``text`` (marked with QT_TRANSLATE_NOOP in context "MessageListModel")
    in the user's language."""
    return QCoreApplication.translate("MessageListModel", text)


#: How long ago a message was, in its tooltip ("5 minutes ago"): a hint,
#: where a month is 30 days and a year 365.
# Largest first: (seconds, one, several).
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
    if travelled_as_binary(row):
        sent_as = _t(QT_TRANSLATE_NOOP("MessageListModel", "binary frame, {size} bytes"))
        return f"{when} · {ago} · {sent_as.format(size=len(row.raw or b''))}"
    return f"{when} · {ago}"


def travelled_as_binary(row: Row) -> bool:
    """Text (or JSON) that arrived in a binary frame: its raw frame is bytes
    (desktop.client.classify shows such bytes as the text they are)."""
    return row.kind in (RowKind.JSON, RowKind.TEXT) and isinstance(row.raw, bytes)


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
    RowKind.CONTROL: QT_TRANSLATE_NOOP("MessageListModel", "control frame"),
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
    if travelled_as_binary(row):
        parts.append(QT_TRANSLATE_NOOP("MessageListModel", "in a binary frame"))
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
    """A read-only window on a model's rows: no copy, and no way to bypass the
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
