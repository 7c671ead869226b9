"""RoomListModel: the open rooms (``desktop.rooms.RoomList``) as a Qt list model.

A thin adapter: the room list decides what the rooms are and in which order;
this model turns each change it reports into Qt's signals and answers
``data()`` from the entries. The words (state, unread) are here because
they are what the model shows; the rules are in ``desktop/rooms.py``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from .client import ConnectionState
from .rooms import RoomEntry, RoomList
from .row_roles import ROW_FLAGS
from .texts import QT_TRANSLATE_NOOP

_ModelIndex = QModelIndex | QPersistentModelIndex


class RoomRoles(IntEnum):
    EntryRole = int(Qt.ItemDataRole.UserRole) + 1  # the RoomEntry
    ServerRole = EntryRole + 1  # str: where the room is
    StateRole = EntryRole + 2  # ConnectionState
    UnreadRole = EntryRole + 3  # int
    MentionsRole = EntryRole + 4  # int
    HostedRole = EntryRole + 5  # bool


def _t(text: str) -> str:
    return QCoreApplication.translate("RoomListModel", text)


def state_text(entry: RoomEntry) -> str:
    """The room's connection state in a few words (tooltips, screen readers)."""
    state = entry.status.state
    if entry.hosted:
        return _t(QT_TRANSLATE_NOOP("RoomListModel", "hosted here"))
    if state is ConnectionState.CONNECTED:
        return (
            _t(QT_TRANSLATE_NOOP("RoomListModel", "connected"))
            if entry.status.roomcast
            else _t(QT_TRANSLATE_NOOP("RoomListModel", "connected (not Roomcast)"))
        )
    if state is ConnectionState.CONNECTING:
        return _t(QT_TRANSLATE_NOOP("RoomListModel", "connecting"))
    if state is ConnectionState.RECONNECTING:
        return _t(QT_TRANSLATE_NOOP("RoomListModel", "reconnecting"))
    if state is ConnectionState.HOSTING:
        return _t(QT_TRANSLATE_NOOP("RoomListModel", "hosted here"))
    if entry.status.detail:
        return _t(QT_TRANSLATE_NOOP("RoomListModel", "disconnected: {reason}")).format(
            reason=entry.status.detail
        )
    return _t(QT_TRANSLATE_NOOP("RoomListModel", "disconnected"))


def unread_text(entry: RoomEntry) -> str:
    if not entry.unread:
        return ""
    if entry.mentions:
        return _t(
            QT_TRANSLATE_NOOP("RoomListModel", "{count} unread, {mentions} mentioning you")
        ).format(count=entry.unread, mentions=entry.mentions)
    return _t(QT_TRANSLATE_NOOP("RoomListModel", "{count} unread")).format(count=entry.unread)


class RoomListModel(QAbstractListModel):
    """The rooms of a :class:`RoomList`, in its order (see the module docstring)."""

    def __init__(self, rooms: RoomList, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rooms = rooms
        rooms.listener = self

    def rowCount(self, parent: _ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self.rooms)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rooms):
            return None
        entry = self.rooms[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.title
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            parts = [entry.server, state_text(entry), unread_text(entry)]
            return " · ".join(p for p in parts if p)
        if role == RoomRoles.EntryRole:
            return entry
        if role == RoomRoles.ServerRole:
            return entry.server
        if role == RoomRoles.StateRole:
            return entry.status.state
        if role == RoomRoles.UnreadRole:
            return entry.unread
        if role == RoomRoles.MentionsRole:
            return entry.mentions
        if role == RoomRoles.HostedRole:
            return entry.hosted
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS

    def index_of(self, entry: RoomEntry | None) -> QModelIndex:
        if entry is None or self.rooms.get(entry.key) is not entry:
            return QModelIndex()
        return self.index(self.rooms.row_of(entry), 0)

    # -- RoomListListener ------------------------------------------------------------

    def rooms_inserting(self, row: int) -> None:
        self.beginInsertRows(QModelIndex(), row, row)

    def rooms_inserted(self) -> None:
        self.endInsertRows()

    def rooms_removing(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)

    def rooms_removed(self) -> None:
        self.endRemoveRows()

    def rooms_moving(self, row: int, to: int) -> None:
        # Qt counts the destination before the move: moving down by one is row + 2.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to + 1 if to > row else to)

    def rooms_moved(self) -> None:
        self.endMoveRows()

    def room_changed(self, row: int) -> None:
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)
