"""A JSON document as a Qt tree model: a thin adapter over :class:`desktop.frames.JsonNode`.

The rules are the Qt-free tree's (desktop/frames.py): the one top-level row
is the root (``$``), a node's children are built the first time a view asks
for an index below it (expanding it), never before, so deep nesting costs
nothing until opened. Each index points at its node (``internalPointer``);
the nodes are kept alive by the root this model holds.

A view lays out every row of a node it expands, asking Python for each
(index, flags, children): tens of microseconds a row, seconds for a
100,000-item array. So a node shows its first :data:`FETCH_BATCH` rows and
the rest arrive a batch at a time through ``canFetchMore``/``fetchMore``,
which views call when they are scrolled to the end.

Columns: the key (``name``, ``[3]``, ``$``) and the value's one-line summary;
the tooltip is the node's path (``$.items[3].name``).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from roomcast.desktop.frames import JsonNode, json_tree

__all__ = ["FETCH_BATCH", "Column", "JsonTreeModel"]

_ModelIndex = QModelIndex | QPersistentModelIndex

#: Rows of one node laid out at a time (the first batch at once, the rest on
#: ``fetchMore``): a view expands it in a few tens of milliseconds.
FETCH_BATCH: Final = 1000
_FLAGS: Final = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class Column(IntEnum):
    KEY = 0
    VALUE = 1


class JsonTreeModel(QAbstractItemModel):
    """One JSON value as a tree; empty until :meth:`set_value`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root: JsonNode | None = None
        #: id(node) → how many of its rows are shown, for the nodes fetched past
        #: the first batch (the nodes live as long as the root: ids are stable).
        self._fetched: dict[int, int] = {}

    # -- what the pane calls --------------------------------------------------------

    def set_value(self, value: object) -> None:
        """Show ``value`` (anything json.loads returns); one model reset."""
        self.beginResetModel()
        self._root = json_tree(value)
        self._fetched.clear()
        self.endResetModel()

    def clear(self) -> None:
        """Show nothing (no rows)."""
        self.beginResetModel()
        self._root = None
        self._fetched.clear()
        self.endResetModel()

    @property
    def root(self) -> JsonNode | None:
        return self._root

    def node(self, index: _ModelIndex) -> JsonNode | None:
        """The node at ``index``; None for the invalid index."""
        if not index.isValid():
            return None
        node = index.internalPointer()
        assert isinstance(node, JsonNode)
        return node

    def root_index(self) -> QModelIndex:
        """The root's row (``$``), or the invalid index when empty."""
        return self.index(0, 0) if self._root is not None else QModelIndex()

    # -- QAbstractItemModel -----------------------------------------------------------

    def _node_below(self, parent: _ModelIndex) -> JsonNode | None:
        """The node whose rows are below ``parent`` (None for the top level)."""
        if parent.isValid() and parent.column() == Column.KEY:
            node = parent.internalPointer()
            assert isinstance(node, JsonNode)
            return node
        return None

    def _shown(self, node: JsonNode) -> int:
        return self._fetched.get(id(node), min(node.child_count, FETCH_BATCH))

    def index(self, row: int, column: int, parent: _ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column not in (Column.KEY, Column.VALUE) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row == 0 and self._root is not None:
                return self.createIndex(0, column, self._root)
            return QModelIndex()
        node = self._node_below(parent)
        if node is None or row >= self._shown(node):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: _ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, Column.KEY, node.parent)

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return 0 if self._root is None else 1
        node = self._node_below(parent)
        return 0 if node is None else self._shown(node)

    def hasChildren(self, parent: _ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        # Views ask this of every row they show: it counts, and builds nothing.
        if not parent.isValid():
            return self._root is not None
        node = self._node_below(parent)
        return node is not None and node.child_count > 0

    def canFetchMore(self, parent: _ModelIndex) -> bool:
        node = self._node_below(parent)
        return node is not None and self._shown(node) < node.child_count

    def fetchMore(self, parent: _ModelIndex) -> None:
        node = self._node_below(parent)
        if node is None:
            return
        shown = self._shown(node)
        more = min(node.child_count, shown + FETCH_BATCH)
        if more <= shown:
            return
        self.beginInsertRows(parent, shown, more - 1)
        self._fetched[id(node)] = more
        self.endInsertRows()

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(Column)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return node.key if index.column() == Column.KEY else node.summary
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.path
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == Column.KEY:
            return self.tr("Key")
        if section == Column.VALUE:
            return self.tr("Value")
        return None
