"""MemberModel: the host's member table (``desktop.members``) as a Qt table model.

A thin adapter. :class:`~desktop.members.MemberTable` keeps the rows in order
and says what each refresh changed; this model applies those changes one
step at a time inside ``beginRemoveRows``/``beginInsertRows`` and emits
``dataChanged`` over the columns that changed only. A refresh once a second
then keeps the view's selection, current row and scroll position, and a
sorting proxy moves only what moved.

Columns are :class:`~desktop.members.Column`'s (Room first: a view hides it
while all members are in one room). ``SortRole`` (``Qt.UserRole``) holds the
raw value a column is sorted by; numbers are right-aligned; tooltips give
exact values; a member with an unanswered ping or a growing unsent queue is
drawn in the palette's error colour, with a warning icon by its name.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from roomcast.server.admin import MemberInfo

from .members import (
    NO_ANSWER_AFTER,
    NUMERIC_COLUMNS,
    UNSENT_WARNING_BYTES,
    Changes,
    Column,
    MemberRow,
    MemberTable,
    alert_text,
    alerts_text,
    cell_text,
    cell_tooltip,
    changed_columns,
    header_text,
    header_tooltip,
    is_same_name,
    sort_key,
)
from .row_roles import ROW_FLAGS
from .theme import is_dark
from .widgets.feedback import ERROR_ON_DARK, ERROR_ON_LIGHT

__all__ = ["MemberModel", "MemberRoles"]

_ModelIndex = QModelIndex | QPersistentModelIndex

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MemberRoles(IntEnum):
    """Data roles besides Qt's own (the same value in every column of a row,
    except ``SortRole``)."""

    #: The column's raw value to sort by (str, int or float): members.sort_key.
    SortRole = int(Qt.ItemDataRole.UserRole)
    MemberRole = SortRole + 1  # MemberInfo
    RoomRole = SortRole + 2  # str
    NameRole = SortRole + 3  # str, without "(you)"
    AddressRole = SortRole + 4  # str
    #: str: the row's warnings, one a line; "" when all is well.
    AlertRole = SortRole + 5
    SelfRole = SortRole + 6  # bool: the host's own row


def _warning_icon() -> QIcon:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
    return QIcon()  # pragma: no cover - a QGuiApplication only


class MemberModel(QAbstractTableModel):
    """The members of the hosted room(s), one row each, in room then name order."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        no_answer_after: float = NO_ANSWER_AFTER,
        unsent_warning: int = UNSENT_WARNING_BYTES,
    ) -> None:
        super().__init__(parent)
        self._table = MemberTable(no_answer_after=no_answer_after, unsent_warning=unsent_warning)
        self._self_name: str | None = None

    # -- what is shown ------------------------------------------------------------

    @property
    def table(self) -> MemberTable:
        return self._table

    @property
    def self_name(self) -> str | None:
        return self._self_name

    def set_members(self, members: Iterable[MemberInfo], now: float | None = None) -> Changes:
        """Show ``members`` (read at ``now``, Unix time; default: now) instead of
        the rows shown, removing, inserting and changing only what differs."""
        changes = self._table.diff(members, now)
        root = QModelIndex()
        for key in changes.removed:
            i = self._table.index_of(key)
            self.beginRemoveRows(root, i, i)
            self._table.remove(key)
            self.endRemoveRows()
        for row in changes.inserted:
            i = self._table.insertion_point(row.key)
            self.beginInsertRows(root, i, i)
            self._table.insert(row)
            self.endInsertRows()
        for before, after in changes.changed:
            i = self._table.replace(after)
            columns = changed_columns(before, after)
            self.dataChanged.emit(self.index(i, columns[0]), self.index(i, columns[-1]))
        return changes

    def clear(self) -> None:
        self.set_members([])

    def set_self_name(self, name: str | None) -> None:
        """Mark the host's own rows (named ``name`` in any room) "(you)"."""
        if name == self._self_name:
            return
        was = [i for i in range(len(self._table)) if self.is_self(i)]
        self._self_name = name
        now = [i for i in range(len(self._table)) if self.is_self(i)]
        for i in sorted(set(was) | set(now)):
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(Column) - 1))

    def member(self, row: int) -> MemberInfo | None:
        found = self._table.row(row)
        return None if found is None else found.info

    def members(self) -> list[MemberInfo]:
        return [r.info for r in self._table]

    def row_of(self, room: str, name: str) -> int:
        """The row of ``name`` in ``room``; -1 when it is not shown."""
        return self._table.index_of((room, name))

    def rooms(self) -> list[str]:
        return self._table.rooms()

    def is_self(self, row: int) -> bool:
        found = self._table.row(row)
        return found is not None and self.is_self_name(found.info.name)

    def is_self_name(self, name: str) -> bool:
        return self._self_name is not None and is_same_name(name, self._self_name)

    # -- QAbstractTableModel ---------------------------------------------------------

    def rowCount(self, parent: _ModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._table)

    def columnCount(self, parent: _ModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(Column)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = self._table.row(index.row())
        if row is None or not 0 <= index.column() < len(Column):
            return None
        column = Column(index.column())
        is_self = self.is_self_name(row.info.name)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, column, is_self=is_self)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tooltip(row, column, is_self=is_self)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            spoken = f"{header_text(column)}: {cell_text(row, column, is_self=is_self)}"
            alerts = self._alerts_of(row, column)
            return f"{spoken}. {alerts}" if alerts else spoken
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in NUMERIC_COLUMNS else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if not self._alerts_of(row, column):
                return None
            palette = QGuiApplication.palette()
            return QBrush(ERROR_ON_DARK if is_dark(palette) else ERROR_ON_LIGHT)
        if role == Qt.ItemDataRole.DecorationRole:
            return _warning_icon() if column is Column.NAME and row.alerts else None
        return self._custom(row, column, role, is_self)

    def _custom(self, row: MemberRow, column: Column, role: int, is_self: bool) -> Any:
        info = row.info
        if role == MemberRoles.SortRole:
            return sort_key(row, column)
        if role == MemberRoles.MemberRole:
            return info
        if role == MemberRoles.RoomRole:
            return info.room
        if role == MemberRoles.NameRole:
            return info.name
        if role == MemberRoles.AddressRole:
            return info.address
        if role == MemberRoles.AlertRole:
            return alerts_text(row)
        if role == MemberRoles.SelfRole:
            return is_self
        return None

    @staticmethod
    def _alerts_of(row: MemberRow, column: Column) -> str:
        """The alerts a cell shows: the name shows all, RTT and Unsent their own."""
        if column is Column.NAME:
            return alerts_text(row)
        return "\n".join(alert_text(a, row.info) for a in row.alerts if a.column is column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return header_text(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_tooltip(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in NUMERIC_COLUMNS else _LEFT
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS
