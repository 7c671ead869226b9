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


def _unsent(row: Row) -> bool:
    """One of our chat rows waiting for the server (pinned to the bottom)."""
    return row.mine and row.state is SendState.PENDING and row.seq is None


class SeqIndex:
    """seq -> Row, for the model's dedupe and acknowledgements, in about 8 bytes
    a row: a list indexed by ``seq - base`` (seqs are dense: gap-free per room,
    PROTOCOL.md), where a dict of 100,000 rows would cost 5 MB. Seqs far from
    the others (a span over ``SPARSE_FACTOR`` times the count) go to a dict.
    """

    __slots__ = ("_base", "_count", "_slots", "_sparse")

    SPARSE_FACTOR = 4

    def __init__(self) -> None:
        self._slots: list[Row | None] = []
        self._base = 0
        self._count = 0
        self._sparse: dict[int, Row] = {}

    def __len__(self) -> int:
        return self._count + len(self._sparse)

    def __contains__(self, seq: object) -> bool:
        return isinstance(seq, int) and self.get(seq) is not None

    def get(self, seq: int) -> Row | None:
        i = seq - self._base
        if 0 <= i < len(self._slots):
            found = self._slots[i]
            if found is not None:
                return found
        return self._sparse.get(seq)

    def __setitem__(self, seq: int, row: Row) -> None:
        slots = self._slots
        if not slots:
            self._base = seq
        i = seq - self._base
        span = max(len(slots), i + 1) - min(i, 0)
        if span > self.SPARSE_FACTOR * (len(self) + 1) + 1024:
            self._sparse[seq] = row  # far away: not worth the holes
            return
        if i < 0:  # older history: grow at the front
            slots[:0] = [None] * -i
            self._base = seq
            i = 0
        elif i >= len(slots):
            slots.extend([None] * (i + 1 - len(slots)))
        if slots[i] is None:
            self._count += 1
        slots[i] = row

    def __delitem__(self, seq: int) -> None:
        i = seq - self._base
        if 0 <= i < len(self._slots) and self._slots[i] is not None:
            self._slots[i] = None
            self._count -= 1
            return
        del self._sparse[seq]

    def lowest(self) -> int | None:
        dense = next((self._base + i for i, r in enumerate(self._slots) if r is not None), None)
        candidates = [s for s in (dense, min(self._sparse, default=None)) if s is not None]
        return min(candidates, default=None)

    def clear(self) -> None:
        self._slots = []
        self._base = 0
        self._count = 0
        self._sparse.clear()


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
        self._by_seq = SeqIndex()
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
        return row_data(self._rows[r], int(role))

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS

    def roleNames(self) -> dict[int, QByteArray]:
        return role_names()

    # -- reading -----------------------------------------------------------------

    @property
    def rows(self) -> RowsView:
        """The shown rows, oldest first (pending ones are not included)."""
        return self._view

    def row_list(self) -> list[Row]:
        """The live list behind :attr:`rows`, for ``MessageFilterModel`` and
        ``MessageView``, which read every row on hot paths (a ``RowsView``
        costs a Python call per row). Read it; never modify it."""
        return self._rows

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
                self._lowest_seq = self._by_seq.lowest()
        row.seq = seq
        self._note_seq(row)

    def _changed(self, row: Row, roles: list[int]) -> None:
        """Tell views about an in-place change (nothing to tell while pending)."""
        if row.id is None:
            return
        index = self.index_for_id(row.id)
        if index.isValid():
            self.dataChanged.emit(index, index, roles)
