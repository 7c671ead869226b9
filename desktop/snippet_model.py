"""SavedMessagesModel: one scope's saved messages (``desktop.snippets``) as a Qt list model.

A thin adapter: :class:`~desktop.snippets.SavedMessages` decides what is kept
and in which order (a room's own messages, then the global ones); this model
resets on each change it reports and answers ``data()`` from
``for_scope(scope)``. A row shows the name on its first line and, on its
second, the mode, whether it is for this room or all of them, and the
payload's first line.
"""

from __future__ import annotations

import weakref
from enum import IntEnum
from typing import Any, Final

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeySequence

from .row_roles import ROW_FLAGS
from .sending import mode_label
from .snippets import SavedMessage, SavedMessages, preview
from .texts import QT_TRANSLATE_NOOP

__all__ = ["SHORTCUT_COUNT", "SavedMessagesModel", "SavedMessagesRoles", "shortcut_for"]

_ModelIndex = QModelIndex | QPersistentModelIndex

#: The first rows have a shortcut to send them: Ctrl+1 … Ctrl+9.
SHORTCUT_COUNT: Final = 9
#: How much of the payload a tooltip shows.
TOOLTIP_CHARS: Final = 500


class SavedMessagesRoles(IntEnum):
    MessageRole = int(Qt.ItemDataRole.UserRole) + 1  # the SavedMessage
    ModeRole = MessageRole + 1  # str: "JSON", "Binary (hex)"...
    PreviewRole = MessageRole + 2  # str: the payload's first line
    RoomOnlyRole = MessageRole + 3  # bool: for this room only
    ShortcutRole = MessageRole + 4  # QKeySequence, empty after the ninth


def _t(text: str) -> str:
    return QCoreApplication.translate("SavedMessagesModel", text)


def shortcut_for(row: int) -> QKeySequence:
    """Ctrl+1 for row 0 … Ctrl+9 for row 8; an empty sequence after."""
    if 0 <= row < SHORTCUT_COUNT:
        return QKeySequence(Qt.Modifier.CTRL | Qt.Key(int(Qt.Key.Key_1) + row))
    return QKeySequence()


class SavedMessagesModel(QAbstractListModel):
    """``store.for_scope(scope)``, one row per message."""

    def __init__(
        self,
        store: SavedMessages | None = None,
        scope: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = SavedMessages()
        self._scope = scope
        self._rows: list[SavedMessage] = []
        # The store may outlive this model: it holds a weak reference only.
        ref = weakref.ref(self)

        def changed() -> None:
            model = ref()
            if model is not None and shiboken6.isValid(model):
                model.refresh()

        self._listener = changed
        self.set_store(store if store is not None else self._store)

    # -- what is shown ------------------------------------------------------------

    @property
    def store(self) -> SavedMessages:
        return self._store

    @property
    def scope(self) -> str:
        return self._scope

    def set_store(self, store: SavedMessages) -> None:
        self._store.remove_listener(self._listener)
        self._store = store
        store.add_listener(self._listener)
        self.refresh()

    def set_scope(self, scope: str) -> None:
        """Show what room ``scope`` offers ("": the global messages only)."""
        self._scope = scope
        self.refresh()

    def refresh(self) -> None:
        """Read the store again (it calls this on every change)."""
        self.beginResetModel()
        self._rows = self._store.for_scope(self._scope)
        self.endResetModel()

    def message(self, row: int) -> SavedMessage | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def messages(self) -> list[SavedMessage]:
        return list(self._rows)

    def row_of(self, name: str, scope: str) -> int:
        """The row of ``name`` of ``scope``; -1 when it is not shown."""
        return next(
            (i for i, m in enumerate(self._rows) if m.name == name and m.scope == scope), -1
        )

    # -- QAbstractListModel ---------------------------------------------------------

    def rowCount(self, parent: _ModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        msg = self.message(index.row())
        if msg is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{self._title(index.row(), msg)}\n{self._details(msg)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._title(index.row(), msg)}, {self._details(msg)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            body = msg.payload[:TOOLTIP_CHARS] + ("…" if len(msg.payload) > TOOLTIP_CHARS else "")
            return f"{self._title(index.row(), msg)}\n{self._details(msg)}\n\n{body}"
        if role == SavedMessagesRoles.MessageRole:
            return msg
        if role == SavedMessagesRoles.ModeRole:
            return mode_label(msg.mode, msg.binary_format)
        if role == SavedMessagesRoles.PreviewRole:
            return preview(msg)
        if role == SavedMessagesRoles.RoomOnlyRole:
            return not msg.is_global
        if role == SavedMessagesRoles.ShortcutRole:
            return shortcut_for(index.row())
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS

    # -- words ----------------------------------------------------------------------

    def _title(self, row: int, msg: SavedMessage) -> str:
        keys = shortcut_for(row)
        if keys.isEmpty():
            return msg.name
        return _t(QT_TRANSLATE_NOOP("SavedMessagesModel", "{name} ({shortcut})")).format(
            name=msg.name, shortcut=keys.toString(QKeySequence.SequenceFormat.NativeText)
        )

    def _details(self, msg: SavedMessage) -> str:
        where = (
            _t(QT_TRANSLATE_NOOP("SavedMessagesModel", "all rooms"))
            if msg.is_global
            else _t(QT_TRANSLATE_NOOP("SavedMessagesModel", "this room"))
        )
        return _t(QT_TRANSLATE_NOOP("SavedMessagesModel", "{mode} · {where} · {preview}")).format(
            mode=mode_label(msg.mode, msg.binary_format), where=where, preview=preview(msg)
        )
