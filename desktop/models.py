"""The message list as a Qt model: a thin adapter over a Python ``list[Row]``.

Everything the list shows is a :class:`desktop.rows.Row`; this module only
adds what Qt needs on top of that list:

* **Batched inserts.** Frames can arrive by the thousand per second. Every
  ``beginInsertRows``/``endInsertRows`` pair makes each attached view update
  its layout and schedule a repaint, so rows go into a pending buffer first
  and a single-shot 16 ms timer flushes the buffer as *one* insert: at most
  one batch per frame, however fast frames arrive. :meth:`flush` does it at
  once (tests, shutdown).
* **Dedupe and acknowledgement.** A chat row whose ``seq`` is already shown is
  dropped (a resume with ``since`` or a history page can repeat messages).
  A chat row whose client ``id`` matches one of *our* rows updates that row in
  place (state, seq, time) instead of adding a second copy: that is how the
  server's echo of our message turns "sending…" into "✓".
* **Our unsent rows stay at the bottom.** While one of our messages is still
  pending (no seq yet), rows that arrive are inserted *above* it, like an
  outbox under the conversation. The server numbers our message after
  everything it sent us before the acknowledgement, so when the ack turns
  the row into "sent" in place, the list is in seq order (a resume that
  replays missed messages included). A flush is then one insert above the
  pending rows, plus one at the very end if the batch holds a new pending row
  of ours. A failed row stays where it is.
* **Scroll-back.** :meth:`prepend_history` puts an older page on top with one
  insert, skipping what is already there.

Rows are never removed one by one; :meth:`clear` resets the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import IntEnum
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from desktop.rows import Row, RowKind, SendState

#: How long rows wait in the buffer before one insert flushes them: about one
#: frame at 60 Hz, so a view updates at most once per frame for new rows.
FLUSH_INTERVAL_MS = 16

_ModelIndex = QModelIndex | QPersistentModelIndex


class Roles(IntEnum):
    """Custom data roles; ``DisplayRole`` is the text and ``ToolTipRole`` the time."""

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
    int(Roles.RowRole),
    int(Roles.StateRole),
    int(Roles.SeqRole),
    int(Roles.TimeRole),
    int(Qt.ItemDataRole.ToolTipRole),
]
_STATE_ROLES = [
    int(Qt.ItemDataRole.AccessibleTextRole),
    int(Roles.RowRole),
    int(Roles.StateRole),
    int(Roles.SeqRole),
]


def tooltip_text(row: Row) -> str:
    """The tooltip: the absolute local time (the list itself shows only hh:mm)."""
    when = row.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if row.kind is RowKind.CHAT and row.author:
        return f"{row.author} · {when}"
    return when


_SPOKEN_STATES = {SendState.PENDING: "sending", SendState.FAILED: "not sent"}


def accessible_text(row: Row) -> str:
    """What a screen reader says for a row: who, when, what (and if it failed)."""
    if row.kind is not RowKind.CHAT:
        return row.text
    when = row.time.astimezone().strftime("%H:%M")
    spoken = f"{row.author or 'you'}, {when}: {row.text}"
    state = _SPOKEN_STATES.get(row.state) if row.state is not None else None
    return f"{spoken} ({state})" if state else spoken


def _unsent(row: Row) -> bool:
    """One of our chat rows waiting for the server (pinned to the bottom)."""
    return row.mine and row.state is SendState.PENDING and row.seq is None


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


class MessageListModel(QAbstractListModel):
    """The rows of one room (or one foreign connection), oldest at row 0."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._view = RowsView(self._rows)
        self._pending: list[Row] = []
        # Chat rows by seq, shown or pending: the dedupe index.
        self._by_seq: dict[int, Row] = {}
        # Our own rows by client id (shown or pending): how acks find them.
        self._by_id: dict[str, Row] = {}
        # Positions of our shown rows, as "absolute" numbers that prepending does
        # not disturb: the model row is ``position - self._base``.
        self._position: dict[str, int] = {}
        self._base = 0
        self._lowest_seq: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)

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
        row = self._rows[r]
        role = int(role)
        if role == Roles.RowRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(row)
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

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def roleNames(self) -> dict[int, QByteArray]:
        return {role: QByteArray(name) for role, name in _ROLE_NAMES.items()}

    # -- reading -----------------------------------------------------------------

    @property
    def rows(self) -> RowsView:
        """The shown rows, oldest first (pending ones are not included)."""
        return self._view

    @property
    def pending_count(self) -> int:
        """Rows accepted but not yet inserted (waiting for the next flush)."""
        return len(self._pending)

    def row_for_id(self, message_id: str) -> Row | None:
        """Our own row with this client id, shown or still pending; else None."""
        return self._by_id.get(message_id)

    def index_for_id(self, message_id: str) -> QModelIndex:
        """The model index of our shown row with this id (invalid if not shown yet)."""
        position = self._position.get(message_id)
        if position is None:
            return QModelIndex()
        return self.index(position - self._base, 0)

    def lowest_seq(self) -> int | None:
        """The oldest seq held: the ``before`` of the next history request."""
        return self._lowest_seq

    # -- writing -----------------------------------------------------------------

    def append(self, row: Row) -> bool:
        """Queue one row for the next batch.

        Returns False when the row was not queued: a duplicate seq, or the
        acknowledgement of one of our rows (which is then updated in place).
        """
        accepted = self._accept(row)
        if accepted:
            self._pending.append(row)
            if not self._timer.isActive():
                self._timer.start()
        return accepted

    def extend(self, rows: Iterable[Row]) -> int:
        """Queue many rows for the next batch; returns how many were queued."""
        before = len(self._pending)
        for row in rows:
            if self._accept(row):
                self._pending.append(row)
        added = len(self._pending) - before
        if added and not self._timer.isActive():
            self._timer.start()
        return added

    def flush(self) -> None:
        """Insert every pending row now: one ``beginInsertRows`` batch (two when
        rows arrive while our unsent rows wait at the bottom and the batch also
        holds a new unsent row of ours)."""
        self._timer.stop()
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        arrived = [row for row in batch if not _unsent(row)]
        unsent = [row for row in batch if _unsent(row)] if len(arrived) < len(batch) else []
        tail = self._unsent_tail()
        if tail and arrived:
            self._insert(len(self._rows) - tail, arrived)
            if unsent:
                self._insert(len(self._rows), unsent)
        else:
            self._insert(len(self._rows), arrived + unsent)

    def prepend_history(self, rows: Iterable[Row]) -> int:
        """Insert an older page (oldest first) above everything, in one insert.

        Rows whose seq is already held are skipped. Returns how many were added.
        """
        fresh: list[Row] = []
        for row in rows:
            if row.seq is not None:
                if row.seq in self._by_seq:
                    continue
                self._note_seq(row)
            if row.mine and row.id is not None and row.id not in self._by_id:
                self._by_id[row.id] = row
            fresh.append(row)
        if not fresh:
            return 0
        n = len(fresh)
        self.beginInsertRows(QModelIndex(), 0, n - 1)
        self._rows[0:0] = fresh
        self._base -= n
        for offset, row in enumerate(fresh):
            if row.mine and row.id is not None and self._by_id.get(row.id) is row:
                self._position[row.id] = self._base + offset
        self.endInsertRows()
        return n

    def set_state(self, message_id: str, state: SendState, seq: int | None = None) -> bool:
        """Change the send state (and maybe learn the seq) of our row ``message_id``.

        Returns False if no such row is held.
        """
        row = self._by_id.get(message_id)
        if row is None:
            return False
        if _unsent(row) and (state is not SendState.PENDING or seq is not None):
            self._settle(row)
        row.state = state
        if seq is not None and seq != row.seq:
            self._move_seq(row, seq)
        self._changed(row, _STATE_ROLES)
        return True

    def clear(self) -> None:
        """Forget every row, shown and pending (a new room, a new connection)."""
        self._timer.stop()
        self.beginResetModel()
        self._rows.clear()
        self._pending.clear()
        self._by_seq.clear()
        self._by_id.clear()
        self._position.clear()
        self._base = 0
        self._lowest_seq = None
        self.endResetModel()

    # -- internals ---------------------------------------------------------------

    def _settle(self, row: Row) -> None:
        """``row`` (ours, unsent) is about to be acknowledged or refused: rows that
        arrived before that belong above it, so place them first."""
        if row.id is not None and row.id in self._position:  # shown
            if any(not _unsent(waiting) for waiting in self._pending):
                self.flush()
        elif row in self._pending:  # still buffered: it now comes after them
            self._pending.remove(row)
            self._pending.append(row)

    def _unsent_tail(self) -> int:
        """How many of the last rows are ours and still unsent."""
        rows = self._rows
        n = 0
        while n < len(rows) and _unsent(rows[-1 - n]):
            n += 1
        return n

    def _insert(self, at: int, batch: list[Row]) -> None:
        """One ``beginInsertRows`` for ``batch`` at row ``at`` (only our unsent
        rows can follow it, so only their positions move)."""
        n = len(batch)
        self.beginInsertRows(QModelIndex(), at, at + n - 1)
        self._rows[at:at] = batch
        for r in range(at + n, len(self._rows)):
            moved = self._rows[r]
            if moved.mine and moved.id is not None and moved.id in self._position:
                self._position[moved.id] += n
        position = self._base + at
        for offset, row in enumerate(batch):
            if row.mine and row.id is not None:
                self._position[row.id] = position + offset
        self.endInsertRows()

    def _accept(self, row: Row) -> bool:
        """Index a new row; False if it must not be inserted (duplicate or ack)."""
        if row.kind is RowKind.CHAT:
            if row.id is not None:
                ours = self._by_id.get(row.id)
                if ours is not None and ours is not row and self._same_sender(ours, row):
                    self._acknowledge(ours, row)
                    return False
            if row.seq is not None:
                if row.seq in self._by_seq:
                    return False
                self._note_seq(row)
        if row.mine and row.id is not None:
            self._by_id.setdefault(row.id, row)
        return True

    @staticmethod
    def _same_sender(ours: Row, incoming: Row) -> bool:
        # Client ids are only unique per client: another member may use the same
        # id. Unless the session marked the incoming row as ours, both rows must
        # name the same author (our pending row may say "you" before we know our
        # name, so a row marked mine is trusted).
        if incoming.mine:
            return True
        return not (ours.author and incoming.author and ours.author != incoming.author)

    def _acknowledge(self, ours: Row, incoming: Row) -> None:
        """The server's copy of one of our rows: update ours in place."""
        if _unsent(ours):
            self._settle(ours)
        ours.state = incoming.state if incoming.state is not None else SendState.SENT
        if incoming.seq is not None and incoming.seq != ours.seq:
            holder = self._by_seq.get(incoming.seq)
            if holder is None or holder is ours:
                self._move_seq(ours, incoming.seq)
        ours.time = incoming.time
        if incoming.raw is not None:
            ours.raw = incoming.raw
        self._changed(ours, [*_ACK_ROLES, int(Roles.RawRole)])

    def _note_seq(self, row: Row) -> None:
        assert row.seq is not None
        self._by_seq[row.seq] = row
        if self._lowest_seq is None or row.seq < self._lowest_seq:
            self._lowest_seq = row.seq

    def _move_seq(self, row: Row, seq: int) -> None:
        if row.seq is not None and self._by_seq.get(row.seq) is row:
            del self._by_seq[row.seq]
            if row.seq == self._lowest_seq:
                self._lowest_seq = min(self._by_seq, default=None)
        row.seq = seq
        self._note_seq(row)

    def _changed(self, row: Row, roles: list[int]) -> None:
        """Tell views about an in-place change (nothing to tell while pending)."""
        if row.id is None:
            return
        index = self.index_for_id(row.id)
        if index.isValid():
            self.dataChanged.emit(index, index, roles)
