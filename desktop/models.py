"""The message list as a Qt model: a thin adapter over a :class:`~desktop.timeline.Timeline`.

Every rule about what a conversation shows (batches, dedupe by seq, the
acknowledgement in place, our unsent rows kept last, scroll-back, the reset of
a room whose history started over) is the Qt-free timeline's; what a row
answers to each role is ``desktop.row_roles``'. The model only:

* **signals** each change the timeline reports (it is the timeline's
  ``TimelineListener``): inserts, in-place changes (``dataChanged`` with the
  roles that changed), resets;
* **flushes** the timeline's batch at most once per frame: a single-shot
  16 ms timer, so however fast frames arrive, a view updates once per frame
  for new rows (:meth:`MessageListModel.flush` does it at once);
* **shows one conversation at a time** (:meth:`MessageListModel.show`, one
  model reset; the window keeps one timeline per room).

Writing goes to the timeline: ``model.timeline.append(row)``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from roomcast.desktop.row_roles import (
    CHANGE_ROLES,
    QT_TRANSLATE_NOOP,
    ROW_FLAGS,
    Roles,
    RowsView,
    role_names,
    row_data,
)
from roomcast.desktop.rows import Row
from roomcast.desktop.timeline import Change, Timeline

# Roles and QT_TRANSLATE_NOOP live in desktop.row_roles; re-exported for the
# modules that import them from here (desktop/widgets/message_view.py,
# tests/desktop/test_main_window.py).
__all__ = ["FLUSH_INTERVAL_MS", "QT_TRANSLATE_NOOP", "MessageListModel", "Roles"]

#: How long rows wait in the buffer before one insert flushes them: about one
#: frame at 60 Hz, so a view updates at most once per frame for new rows.
FLUSH_INTERVAL_MS = 16

_ModelIndex = QModelIndex | QPersistentModelIndex


class MessageListModel(QAbstractListModel):
    """The rows of the :attr:`timeline` shown, oldest at row 0 (a new model
    shows a timeline of its own). Read here; write to the timeline."""

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
        r = index.row()
        if not index.isValid() or index.column() != 0 or not 0 <= r < len(self._rows):
            return None
        return row_data(self._rows[r], int(role))

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def roleNames(self) -> dict[int, QByteArray]:
        return role_names()

    # -- which timeline ----------------------------------------------------------

    @property
    def timeline(self) -> Timeline:
        """The timeline shown: where rows are written."""
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

    # -- reading (for views) -------------------------------------------------------

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

    def index_for_id(self, message_id: str) -> QModelIndex:
        """The model index of our shown row with this id (invalid if not shown yet)."""
        row = self._timeline.row_of_id(message_id)
        return QModelIndex() if row is None else self.index(row, 0)

    def lowest_seq(self) -> int | None:
        """The oldest seq held: the ``before`` of the next history request."""
        return self._timeline.lowest_seq()

    def flush(self) -> None:
        """Insert every pending row now (:meth:`Timeline.flush`)."""
        self._timer.stop()
        self._timeline.flush()

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
        self.dataChanged.emit(index, index, CHANGE_ROLES[change])

    def resetting(self) -> None:
        self._timer.stop()
        self.beginResetModel()

    def reset_done(self) -> None:
        self.endResetModel()
