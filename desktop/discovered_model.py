"""DiscoveredRoomsModel: the rooms found on the network (``desktop.discovery``) as a Qt list model.

A thin adapter: the :class:`~desktop.discovery.Browser` decides what is
found; :meth:`DiscoveredRoomsModel.set_rooms` shows its latest list, sorted
by room then host, with row-level insert, remove and dataChanged signals
(not a reset), so that the selection in the list survives a room appearing
or leaving elsewhere. A row shows "ROOM — HOST" and, as its details, where
it is, whether it needs a password, and the start of its certificate's
fingerprint; the tooltip has the whole fingerprint.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from .discovery import DiscoveredRoom, room_order
from .row_roles import ROW_FLAGS
from .texts import QT_TRANSLATE_NOOP

__all__ = ["DiscoveredRoomsModel", "DiscoveredRoomsRoles", "short_fingerprint"]

_ModelIndex = QModelIndex | QPersistentModelIndex

#: Hex pairs of the fingerprint the details show (the tooltip shows all 32).
SHORT_FINGERPRINT_PAIRS: Final = 3


class DiscoveredRoomsRoles(IntEnum):
    RoomRole = int(Qt.ItemDataRole.UserRole) + 1  # the DiscoveredRoom
    DetailsRole = RoomRole + 1  # str: "10.0.0.2:8765 · password · SHA-256 AB:CD:EF…"
    PasswordRole = RoomRole + 2  # bool


def _t(text: str) -> str:
    return QCoreApplication.translate("DiscoveredRoomsModel", text)


def short_fingerprint(fingerprint: str) -> str:
    """``AB:CD:EF:…`` → ``AB:CD:EF…``."""
    pairs = fingerprint.split(":")
    if len(pairs) <= SHORT_FINGERPRINT_PAIRS:
        return fingerprint
    return ":".join(pairs[:SHORT_FINGERPRINT_PAIRS]) + "…"


class DiscoveredRoomsModel(QAbstractListModel):
    """One row per room found, in :func:`~desktop.discovery.room_order`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DiscoveredRoom] = []

    # -- what is shown --------------------------------------------------------------

    def rooms(self) -> list[DiscoveredRoom]:
        return list(self._rows)

    def room(self, row: int) -> DiscoveredRoom | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int:
        """The row of the room filed under ``key``; -1 when it is not shown."""
        return next((i for i, r in enumerate(self._rows) if r.key == key), -1)

    def set_rooms(self, rooms: Iterable[DiscoveredRoom]) -> None:
        """Show ``rooms`` (one per key, the last one given wins): rows that left
        are removed, new ones inserted in order, changed ones reported."""
        wanted = {r.key: r for r in rooms}
        target = sorted(wanted.values(), key=room_order)
        # Rows that left, or whose place in the order changed, go first...
        for i in reversed(range(len(self._rows))):
            old = self._rows[i]
            new = wanted.get(old.key)
            if new is None or room_order(new) != room_order(old):
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        # ... so those left are in target's order: insert the rest where they belong.
        for i, new in enumerate(target):
            if i < len(self._rows) and self._rows[i].key == new.key:
                if self._rows[i] != new:
                    self._rows[i] = new
                    index = self.index(i, 0)
                    self.dataChanged.emit(index, index)
                continue
            self.beginInsertRows(QModelIndex(), i, i)
            self._rows.insert(i, new)
            self.endInsertRows()

    # -- QAbstractListModel ---------------------------------------------------------

    def rowCount(self, parent: _ModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        room = self.room(index.row())
        if room is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.title(room)
        if role == DiscoveredRoomsRoles.DetailsRole:
            return self.details(room)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(room)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.title(room)}, {self.details(room)}"
        if role == DiscoveredRoomsRoles.RoomRole:
            return room
        if role == DiscoveredRoomsRoles.PasswordRole:
            return room.password
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS

    # -- words ----------------------------------------------------------------------

    @staticmethod
    def title(room: DiscoveredRoom) -> str:
        return _t(QT_TRANSLATE_NOOP("DiscoveredRoomsModel", "{room} — {host}")).format(
            room=room.room, host=room.host_name
        )

    @staticmethod
    def details(room: DiscoveredRoom) -> str:
        parts = [f"{room.address}:{room.port}"]
        if room.password:
            parts.append(_t(QT_TRANSLATE_NOOP("DiscoveredRoomsModel", "password")))
        if room.fingerprint is not None:
            parts.append(
                _t(QT_TRANSLATE_NOOP("DiscoveredRoomsModel", "SHA-256 {fingerprint}")).format(
                    fingerprint=short_fingerprint(room.fingerprint)
                )
            )
        else:
            parts.append(_t(QT_TRANSLATE_NOOP("DiscoveredRoomsModel", "not encrypted")))
        return " · ".join(parts)

    @classmethod
    def tooltip(cls, room: DiscoveredRoom) -> str:
        lines = [cls.title(room), room.url]
        if room.password:
            lines.append(_t(QT_TRANSLATE_NOOP("DiscoveredRoomsModel", "Needs a password")))
        if room.fingerprint is not None:
            lines.append(
                _t(
                    QT_TRANSLATE_NOOP(
                        "DiscoveredRoomsModel", "Certificate SHA-256 fingerprint: {fingerprint}"
                    )
                ).format(fingerprint=room.fingerprint)
            )
        else:
            lines.append(
                _t(
                    QT_TRANSLATE_NOOP(
                        "DiscoveredRoomsModel", "Not encrypted: others on the network can read it"
                    )
                )
            )
        return "\n".join(lines)
