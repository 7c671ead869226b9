"""Timeline: the rows of one conversation, without Qt.

A timeline is keyed by ``(server, room, epoch)`` (:class:`TimelineKey`):
seqs mean something only within one room's history, and a room's history
only within one epoch (PROTOCOL.md, Epochs). The window keeps one timeline
per server and room for its lifetime (``desktop/session.py``) and shows one
at a time through ``desktop.models.MessageListModel``, a thin Qt adapter that
listens to it (:class:`TimelineListener`). Every rule about what a
conversation shows lives here:

* **Batches.** Rows are accepted into a pending buffer and shown by
  :meth:`Timeline.flush`, which the model calls at most once per frame: one
  insert for a burst, however fast frames arrive.
* **Dedupe.** A chat row whose ``seq`` is already held (shown or pending) is
  dropped, whatever its source: a history page overlaps the rows shown live,
  a resume with ``since`` can repeat messages (PROTOCOL.md, Order and scope).
  Live duplicates are also dropped by the client (``desktop/client.py``), for
  which they are the resume point (``last_seq``); this index is what keeps a
  seq shown once across live frames, history pages and our acknowledged rows.
* **Send state.** The client's outbox is the only source of our rows' send
  state: the session passes each change on with :meth:`Timeline.set_state`
  (PENDING, then SENT with the seq the server gave it, or FAILED).
* **Acknowledgement.** The server's copy of one of *our* messages is not a
  new row: :meth:`Timeline.acknowledged` gives our row its seq, time and
  frame in place (never its state, which the outbox set). :meth:`append`
  knows nothing of acks: a chat row is added unless its seq is held.
* **The unsent tail.** While one of our messages is still pending (no seq
  yet), rows that arrive are shown *above* it, like an outbox under the
  conversation. The server numbers our message after everything it sent us
  before the acknowledgement, so when the row is numbered in place (the
  outbox's SENT, or the server's copy, whichever the timeline hears first)
  the list is in seq order. A failed row stays where it is.
* **Scroll-back.** :meth:`Timeline.prepend_history` puts an older page on
  top in one insert, skipping what is already there.
* **Reset.** A welcome of another epoch (or with ``reset: true``) means the
  seqs held belong to a history that no longer exists: :meth:`Timeline.welcome`
  replaces the rows with one system row saying so, keeps our unsent rows
  (the client resends them, PROTOCOL.md Delivery promise) and takes what the
  server sends next.

Rows are never removed one by one; :meth:`Timeline.clear` and a reset start
over. Nothing here does I/O or imports Qt (``lint-imports``:
desktop-core-qt-free).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple, Protocol

from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated
from roomcast.server.notices import Severity

from .rows import Row, RowKind, SendState

__all__ = [
    "RESET_TEXT",
    "Change",
    "SeqIndex",
    "Timeline",
    "TimelineKey",
    "TimelineListener",
]


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated

#: The one system row a reset leaves (PROTOCOL.md, Epochs).
RESET_TEXT = QT_TRANSLATE_NOOP(
    "Timeline", "The server's history was reset; showing what it has now"
)


def reset_text() -> str:
    """:data:`RESET_TEXT` in the user's language."""
    return translate("Timeline", RESET_TEXT)


class TimelineKey(NamedTuple):
    """Which conversation: ``server`` and ``room`` as ``desktop.links.room_key``
    gives them, and the room's ``epoch`` ("" until a welcome told it, or from a
    server older than protocol 1.1)."""

    server: str
    room: str
    epoch: str


class Change(enum.Enum):
    """What changed in a shown row (the model maps it to Qt roles)."""

    STATE = "state"  # send state (from the outbox), maybe seq
    ACK = "ack"  # the server's copy of our row: seq, time, raw frame (not the state)


class TimelineListener(Protocol):
    """Who shows a timeline (the Qt model). Each call brackets or reports one
    change of :attr:`Timeline.rows`; none may change the timeline."""

    def rows_pending(self) -> None:
        """Rows wait in the buffer: call :meth:`Timeline.flush` soon."""

    def rows_inserting(self, first: int, count: int) -> None:
        """``count`` rows are about to be inserted at row ``first``."""

    def rows_inserted(self) -> None:
        """The insert announced by :meth:`rows_inserting` is done."""

    def row_changed(self, row: int, change: Change) -> None:
        """The shown row ``row`` changed in place."""

    def resetting(self) -> None:
        """Every row is about to be replaced (clear, reset)."""

    def reset_done(self) -> None:
        """The rows were replaced."""


def _unsent(row: Row) -> bool:
    """One of our chat rows waiting for the server (pinned to the bottom)."""
    return row.mine and row.state is SendState.PENDING and row.seq is None


def _kept_by_reset(row: Row) -> bool:
    """Ours, and never numbered by the server: still in the client's outbox
    (pending, or failed and retryable), so it outlives the old history."""
    return row.mine and row.id is not None and row.seq is None and row.state is not SendState.SENT


class SeqIndex:
    """seq -> Row, the dedupe index, in about 8 bytes a row: a list indexed by
    ``seq - base`` (seqs are dense: gap-free per room, PROTOCOL.md), where a
    dict of 100,000 rows would cost 5 MB. Seqs far from the others (a span
    over ``SPARSE_FACTOR`` times the count) go to a dict.
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
        if slots and seq - self._base == len(slots):  # the next seq: the common case
            slots.append(row)
            self._count += 1
            return
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


class Timeline:
    """The rows of one conversation, oldest first (see the module docstring)."""

    def __init__(self, server: str = "", room: str = "", epoch: str = "") -> None:
        self.server = server
        self.room = room
        self._epoch = epoch
        #: Who shows this timeline (at most one: the window's model), or None.
        self.listener: TimelineListener | None = None
        self._rows: list[Row] = []
        self._pending: list[Row] = []
        # Chat rows by seq, shown or pending: the dedupe index.
        self._by_seq = SeqIndex()
        # Our own rows by client id (shown or pending): how the outbox's state
        # changes and the server's copies find them. The first row with an id
        # keeps it (a later row of ours with the same id is another message).
        self._by_id: dict[str, Row] = {}
        # Positions of the shown rows of _by_id, as "absolute" numbers that
        # prepending does not disturb: the row is ``position - self._base``.
        self._position: dict[str, int] = {}
        self._base = 0
        self._lowest_seq: int | None = None

    def __repr__(self) -> str:
        return f"Timeline({self.key!r}, {len(self._rows)} rows, {len(self._pending)} pending)"

    # -- reading -----------------------------------------------------------------

    @property
    def key(self) -> TimelineKey:
        return TimelineKey(self.server, self.room, self._epoch)

    @property
    def epoch(self) -> str:
        """The room's epoch these rows belong to; "" until a welcome said it."""
        return self._epoch

    @property
    def rows(self) -> list[Row]:
        """The shown rows, oldest first (pending ones are not included): the
        live list, the same object for the timeline's lifetime. Read it; never
        modify it."""
        return self._rows

    @property
    def pending_count(self) -> int:
        """Rows accepted but not yet shown (waiting for the next flush)."""
        return len(self._pending)

    def row_for_id(self, message_id: str) -> Row | None:
        """Our own row with this client id, shown or still pending; else None."""
        return self._by_id.get(message_id)

    def row_of_id(self, message_id: str) -> int | None:
        """The row number of our shown row with this id (None if not shown yet)."""
        position = self._position.get(message_id)
        return None if position is None else position - self._base

    def lowest_seq(self) -> int | None:
        """The oldest seq held: the ``before`` of the next history request."""
        return self._lowest_seq

    # -- the server's word on the room ----------------------------------------------

    def welcome(self, epoch: str, *, reset: bool = False) -> bool:
        """A ``welcome`` for this room (PROTOCOL.md, Epochs).

        ``reset`` is the server's (or the client's) word that the history
        started over. A welcome whose epoch differs from the one held means
        the same. Either way the rows are replaced (:meth:`reset`) and True
        is returned; otherwise the epoch is only learnt.
        """
        if reset or (epoch and self._epoch and epoch != self._epoch):
            self.reset(epoch)
            return True
        if epoch:
            self._epoch = epoch
        return False

    def reset(self, epoch: str) -> Row:
        """Replace every row with one system row saying so, then our unsent rows.

        Seqs of the old epoch mean nothing in the new one; what the server
        sends next is the room. Our rows it never numbered (pending, or failed
        and retryable) stay, the pending ones last: the client's outbox still
        holds them. Returns the system row.
        """
        note = Row(kind=RowKind.SYSTEM, text=reset_text(), severity=Severity.WARNING)
        kept = [row for row in (*self._rows, *self._pending) if _kept_by_reset(row)]
        # The failed ones first: the pending ones form the unsent tail, under
        # which nothing arrives (their acks then keep the list in seq order).
        kept.sort(key=_unsent)
        self._replace([note, *kept])
        self._epoch = epoch
        return note

    def clear(self) -> None:
        """Forget every row, shown and pending."""
        self._replace([])

    # -- writing -----------------------------------------------------------------

    def append(self, row: Row) -> bool:
        """Queue one row for the next batch.

        Returns False when the row was not queued: a chat row whose seq is
        held. (The server's copy of our message goes to :meth:`acknowledged`.)
        """
        accepted = self._accept(row)
        if accepted:
            self._pending.append(row)
            if self.listener is not None:
                self.listener.rows_pending()
        return accepted

    def extend(self, rows: Iterable[Row]) -> int:
        """Queue many rows for the next batch; returns how many were queued."""
        pending = self._pending
        before = len(pending)
        accept = self._accept
        for row in rows:
            if accept(row):
                pending.append(row)
        added = len(pending) - before
        if added and self.listener is not None:
            self.listener.rows_pending()
        return added

    def flush(self) -> None:
        """Show every pending row now: one insert (two when rows arrive while our
        unsent rows wait at the bottom and the batch also holds a new unsent
        row of ours)."""
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
        listener = self.listener
        if listener is not None:
            listener.rows_inserting(0, n)
        self._rows[0:0] = fresh
        self._base -= n
        for offset, row in enumerate(fresh):
            if row.mine and row.id is not None and self._by_id.get(row.id) is row:
                self._position[row.id] = self._base + offset
        if listener is not None:
            listener.rows_inserted()
        return n

    def set_state(self, message_id: str, state: SendState, seq: int | None = None) -> bool:
        """Change the send state (and maybe learn the seq) of our row ``message_id``:
        what the client's outbox says, the only source of a row's send state.

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
        self._changed(row, Change.STATE)
        return True

    def acknowledged(
        self, message_id: str, seq: int, time: datetime, raw: str | bytes | None
    ) -> bool:
        """The server's copy of our row ``message_id``: take its ``seq``, ``time``
        and ``raw`` frame in place (:attr:`Change.ACK`). The send state is the
        outbox's (:meth:`set_state`, which the session calls just before this
        with the same seq; either order gives the same rows).

        An unsent row is numbered here: rows that arrived before it are placed
        above it first. A seq already held by another row is left to it.
        Returns False if no row of ours has this id (the server's copy is then
        a message like any other: :meth:`append` it).
        """
        row = self._by_id.get(message_id)
        if row is None:
            return False
        if _unsent(row):
            self._settle(row)
        if seq != row.seq:
            holder = self._by_seq.get(seq)
            if holder is None or holder is row:
                self._move_seq(row, seq)
        row.time = time
        if raw is not None:
            row.raw = raw
        self._changed(row, Change.ACK)
        return True

    # -- internals ---------------------------------------------------------------

    def _replace(self, rows: list[Row]) -> None:
        """Start over with ``rows`` (our unsent rows among them stay last)."""
        listener = self.listener
        if listener is not None:
            listener.resetting()
        self._rows[:] = rows  # in place: the list is the same object for good
        self._pending.clear()
        self._by_seq.clear()
        self._by_id.clear()
        self._position.clear()
        self._base = 0
        self._lowest_seq = None
        for at, row in enumerate(rows):
            if row.mine and row.id is not None and self._by_id.setdefault(row.id, row) is row:
                self._position[row.id] = at
        if listener is not None:
            listener.reset_done()

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
        """One insert of ``batch`` at row ``at`` (only our unsent rows can follow
        it, so only their positions move)."""
        n = len(batch)
        listener = self.listener
        if listener is not None:
            listener.rows_inserting(at, n)
        rows = self._rows
        rows[at:at] = batch
        position = self._position
        by_id = self._by_id
        for r in range(at + n, len(rows)):
            moved = rows[r]
            if moved.mine and moved.id is not None and by_id.get(moved.id) is moved:
                position[moved.id] += n
        start = self._base + at
        for offset, row in enumerate(batch):
            if row.mine and row.id is not None and by_id.get(row.id) is row:
                position[row.id] = start + offset
        if listener is not None:
            listener.rows_inserted()

    def _accept(self, row: Row) -> bool:
        """Index a new row; False if it must not be shown (a seq already held)."""
        if row.kind is RowKind.CHAT and row.seq is not None:
            if row.seq in self._by_seq:
                return False
            self._note_seq(row)
        if row.mine and row.id is not None:
            self._by_id.setdefault(row.id, row)
        return True

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

    def _changed(self, row: Row, change: Change) -> None:
        """Tell the listener about an in-place change (nothing to tell while pending)."""
        if row.id is None or self.listener is None:
            return
        at = self.row_of_id(row.id)
        if at is not None:
            self.listener.row_changed(at, change)
