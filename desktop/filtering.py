"""Filtering the message list: what to show (:class:`RowFilter`, no Qt) and the
proxy model that shows only that (:class:`MessageFilterModel`).

**Why not QSortFilterProxyModel.** The obvious proxy calls a Python
``filterAcceptsRow`` once per source row on every filter change. Measured at
100,000 rows (PySide6 6.12, ``bench/desktop_filter.py``): ``invalidate()``
costs 60–70 ms in those calls alone, whatever the filter;
``invalidateRowsFilter()`` is far worse (180–600 ms), because it announces
every run of hidden rows as its own ``rowsRemoved``/``rowsInserted`` pair, and
views answer each one. And a view could only learn which source rows are
shown through one ``mapToSource`` call per row. So
:class:`MessageFilterModel` is a ``QAbstractProxyModel`` that keeps the
mapping itself, as one ``array`` of source rows (ascending), computed in bulk:

* a filter change tests the rows in C-level passes (``compress`` over
  ``map(...)``: ``in`` over lowercased texts, a regex's ``search``, set
  lookups of kinds, directions and of the few distinct authors), no Python
  call per row, and announces the result as one ``layoutChanged``
  (persistent indexes, and so the selection, follow; rows that vanish lose
  theirs), like ``QSortFilterProxyModel.invalidate()``;
* a filter that *narrows* the previous one (more text typed, fewer kinds)
  only tests the rows already shown, so each keystroke of a search costs
  less than the one before;
* plain-text searches use every row's text lowercased once (``_Fold``),
  built in slices from the event loop after the first search keystroke (so
  that keystroke does not wait for it) and dropped a minute after the last
  search;
* rows the source inserts are tested as they arrive and inserted with one
  ``beginInsertRows`` per source insert (the accepted rows of one source
  insert are contiguous in the proxy);
* a change that must test more than ``sync_scan_rows`` rows (a million rows
  take about a second) is done in slices of a few ms from the event loop
  (:attr:`MessageFilterModel.scanning`), the rows shown meanwhile being the
  previous filter's; typing on narrows the scan under way (its hits so far
  and the rows it has not tested yet), rows appended meanwhile are tested
  when it ends, and anything else the source does starts it over.

Views read the mapping with :meth:`MessageFilterModel.mapping`.
"""

from __future__ import annotations

import math
import re
import sys
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress, repeat
from operator import attrgetter, contains, is_not, itemgetter, or_
from typing import Any, TypeVar, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from roomcast.desktop.models import MessageListModel
from roomcast.desktop.row_roles import ROW_FLAGS, role_names, row_data
from roomcast.desktop.rows import Direction, Row, RowKind

_ModelIndex = QModelIndex | QPersistentModelIndex

ALL_KINDS: frozenset[RowKind] = frozenset(RowKind)
BOTH_DIRECTIONS: frozenset[Direction] = frozenset(Direction)

Predicate = Callable[[Row], bool]
T = TypeVar("T")


@dataclass(frozen=True)
class RowFilter:
    """Which rows to show.

    ``text`` is searched, case-insensitively, in each row's text and author:
    as a plain substring, or as a regular expression when ``regex`` is set.
    A row must also be of one of ``kinds`` and travel in one of
    ``directions``. The default filter shows everything.
    """

    text: str = ""
    regex: bool = False
    kinds: frozenset[RowKind] = field(default=ALL_KINDS)
    directions: frozenset[Direction] = field(default=BOTH_DIRECTIONS)

    def __post_init__(self) -> None:
        # Accept any set; store frozensets so filters hash and compare as values.
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        object.__setattr__(self, "directions", frozenset(self.directions))

    @property
    def active(self) -> bool:
        """True when this filter can hide a row."""
        return bool(self.text) or self.kinds != ALL_KINDS or self.directions != BOTH_DIRECTIONS

    def compile(self) -> re.Pattern[str] | None:
        """The text as a case-insensitive pattern (escaped unless ``regex``);
        None without text.

        Raises ``ValueError("invalid regular expression: …")`` for a bad regex.
        """
        return self._pattern

    def matches(self, row: Row) -> bool:
        """True if ``row`` passes (ValueError for a bad regex)."""
        test = self.predicate()
        return test is None or test(row)

    def predicate(self) -> Predicate | None:
        """A fast ``row -> bool`` for this filter; None when it accepts every row.

        Raises ValueError for a bad regex.
        """
        return self._predicate

    def narrows(self, other: RowFilter) -> bool:
        """True if every row this filter accepts is accepted by ``other`` too
        (so only the rows ``other`` shows need testing)."""
        if not (self.kinds <= other.kinds and self.directions <= other.directions):
            return False
        if not other.text:
            return True
        if self.regex or other.regex:
            return self.regex == other.regex and self.text == other.text
        # Plain text: a row whose text or author contains the new needle
        # contains every part of it, the old needle included.
        return other.text.lower() in self.text.lower()

    # -- cached (on the frozen instance, outside its fields) --------------------

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.text:
            return None
        source = self.text if self.regex else re.escape(self.text)
        try:
            return re.compile(source, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None

    @cached_property
    def _predicate(self) -> Predicate | None:
        kinds, directions = self.kinds, self.directions
        any_kind, any_direction = kinds == ALL_KINDS, directions == BOTH_DIRECTIONS
        text = _text_test(self.text, self._pattern if self.regex else None)
        if text is None:
            if any_kind and any_direction:
                return None
            if any_direction:
                return lambda row: row.kind in kinds
            if any_kind:
                return lambda row: row.direction in directions
            return lambda row: row.kind in kinds and row.direction in directions
        if any_kind and any_direction:
            return text
        return lambda row: row.kind in kinds and row.direction in directions and text(row)


def _text_test(text: str, pattern: re.Pattern[str] | None) -> Predicate | None:
    """The text part of a filter: a regex search, or a lowercased substring test
    (faster than an IGNORECASE search of the escaped text)."""
    if not text:
        return None
    if pattern is not None:
        search = pattern.search

        def by_regex(row: Row) -> bool:
            author = row.author
            return search(row.text) is not None or (
                author is not None and search(author) is not None
            )

        return by_regex
    needle = text.lower()

    def by_text(row: Row) -> bool:
        # Found as typed (the usual case for a match), no lowercased copy is made.
        text, author = row.text, row.author
        return (
            needle in text
            or needle in text.lower()
            or (author is not None and needle in author.lower())
        )

    return by_text


_AUTHOR = attrgetter("author")
_TEXT = attrgetter("text")
_KIND = attrgetter("kind")
_DIRECTION = attrgetter("direction")


def _has(needle: str) -> Callable[[str], bool]:
    """``needle`` (lowercase) in ``text``, ignoring case: no lowercased copy of
    the text is made when the needle is found as typed (most matches)."""
    return lambda text: needle in text or needle in text.lower()


def gather(values: Sequence[T], indices: Sequence[int]) -> Sequence[T]:
    """``[values[i] for i in indices]`` in one C-level call (``itemgetter``, about
    twice as fast as ``map(values.__getitem__, indices)``)."""
    if len(indices) > 1:
        return itemgetter(*indices)(values)  # type: ignore[no-any-return]
    return tuple(values[i] for i in indices)


#: A filter change that must test more rows than this is done in slices from
#: the event loop (a million rows take ~1 s to test: the window would freeze);
#: the rows shown until it is done are the previous filter's.
SYNC_SCAN_ROWS = 20_000
SCAN_SLICE_S = 0.008  # how long one slice of such a scan may take
SCAN_CHUNK = 1_024  # rows tested between two looks at the clock (first guess)

#: The lowercased texts are dropped this long after the last plain-text filter.
FOLD_RELEASE_MS = 60_000
FOLD_SLICE_S = 0.008  # how long one slice of building them may take
FOLD_DELAY_MS = 30  # the first slice waits this long (the keystroke paints first)
#: Rows lowercased between two looks at the clock (~2 µs a row: text cut
#: from the frame and lowercased).
FOLD_CHUNK = 1_000


class _Fold:
    """Every source row's text, lowercased, and every author seen: with them a
    plain-text search is C-level passes alone (``in`` over the texts, one set
    lookup per row for authors). Lowercasing 100,000 texts takes ~35 ms, so
    it is done in slices, first row first: ``texts`` is the lowercased prefix
    of the rows, kept in step with inserts, removals and changes.
    """

    __slots__ = ("authors", "texts")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.authors: set[str | None] = set()

    def complete(self, rows: Sequence[Row]) -> bool:
        return len(self.texts) == len(rows)

    def step(self, rows: list[Row], seconds: float) -> bool:
        """Lowercase more rows for up to ``seconds``; True when all are done."""
        deadline = time.perf_counter() + seconds
        texts = self.texts
        while len(texts) < len(rows):
            fresh = rows[len(texts) : len(texts) + FOLD_CHUNK]
            texts.extend([row.text.lower() for row in fresh])
            self.authors.update(map(_AUTHOR, fresh))
            if time.perf_counter() > deadline:
                break
        return len(texts) == len(rows)

    def inserted(self, rows: list[Row], first: int, last: int) -> None:
        if first <= len(self.texts):  # within what is done (or right after it)
            fresh = rows[first : last + 1]
            self.texts[first:first] = [row.text.lower() for row in fresh]
            self.authors.update(map(_AUTHOR, fresh))

    def removed(self, first: int, last: int) -> None:
        del self.texts[first : last + 1]

    def changed(self, rows: list[Row], first: int, last: int) -> None:
        end = min(last + 1, len(self.texts))
        if first < end:
            fresh = rows[first:end]
            self.texts[first:end] = [row.text.lower() for row in fresh]
            self.authors.update(map(_AUTHOR, fresh))


def ascending(count: int, start: int = 0) -> array[int]:
    """``array("i", range(start, start + count))``, built by doubling: each step
    copies what is there shifted (all lanes at once, as one big integer), ~10x
    faster than from the range's iterator at a million rows."""
    values = array("i", [start] if count > 0 else [])
    order = sys.byteorder
    while len(values) < count:
        more = values[: count - len(values)]
        n, step = len(more), len(values)
        lanes = int.from_bytes(more.tobytes(), order)
        lanes += int.from_bytes(step.to_bytes(4, order) * n, order)
        values.frombytes(lanes.to_bytes(4 * n, order))
    return values


@dataclass(eq=False)
class _Scan:
    """A filter change being applied in slices (see :data:`SYNC_SCAN_ROWS`):
    the source rows ``candidates[:done]`` are tested, ``hits`` those that pass.
    Rows the source appends meanwhile are tested when it completes; rows it
    changes in place are tested again then."""

    row_filter: RowFilter
    test: Predicate | None
    candidates: Sequence[int]
    #: The candidates are the rows the filter shown before accepted (else all).
    narrowing: bool
    #: Source rows from here on arrived after the scan started (tested at its end).
    covered: int
    done: int = 0
    chunk: int = SCAN_CHUNK
    hits: array[int] = field(default_factory=lambda: array("i"))
    changed: set[int] = field(default_factory=set)


class FilteredRows(Sequence[Row]):
    """The rows a :class:`MessageFilterModel` shows, in order (read-only, no copy)."""

    __slots__ = ("_model",)

    def __init__(self, model: MessageFilterModel) -> None:
        self._model = model

    def __len__(self) -> int:
        return len(self._model._map)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        rows = self._model._rows
        if isinstance(index, slice):
            return tuple(gather(rows, self._model._map[index]))
        return rows[self._model._map[index]]

    def __iter__(self) -> Iterator[Row]:
        return map(self._model._rows.__getitem__, self._model._map)

    def __repr__(self) -> str:
        return f"FilteredRows({len(self)} rows)"


class MessageFilterModel(QAbstractProxyModel):
    """The rows of a :class:`MessageListModel` that pass a :class:`RowFilter`,
    in the source's order (see the module docstring for how).

    ``MessageFilterModel(source)`` or ``setSourceModel(source)`` later;
    :meth:`set_filter` changes what is shown. With the default filter every
    row is shown.

    Signals:
        filterChanged(object): the RowFilter just applied (by :meth:`set_filter`).
    """

    filterChanged = Signal(object)

    def __init__(
        self,
        source: MessageListModel | None = None,
        parent: QObject | None = None,
        *,
        sync_scan_rows: int = SYNC_SCAN_ROWS,
    ):
        super().__init__(parent)
        #: A filter change that tests more rows than this is done in slices.
        self.sync_scan_rows = sync_scan_rows
        self._filter = RowFilter()
        self._test: Predicate | None = None
        # Lowercased texts for plain-text filters (see _Fold): built in slices
        # from the event loop once such a filter is applied, dropped
        # FOLD_RELEASE_MS after the last one.
        self._fold: _Fold | None = None
        self._fold_timer = QTimer(self)
        self._fold_timer.setSingleShot(True)
        self._fold_timer.timeout.connect(self._fold_step)
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(FOLD_RELEASE_MS)
        self._release_timer.timeout.connect(self._release_fold)
        # A filter change too big to apply at once, done in slices (see _Scan).
        self._scan_job: _Scan | None = None
        self._scan_timer = QTimer(self)
        self._scan_timer.setSingleShot(True)
        self._scan_timer.setInterval(0)
        self._scan_timer.timeout.connect(self._scan_step)
        self._map = array("i")  # proxy row -> source row, ascending
        self._rows: list[Row] = []  # the source's live list
        self._source: MessageListModel | None = None
        self._removing: tuple[int, int] | None = None  # proxy rows of a source removal
        self._view = FilteredRows(self)
        if source is not None:
            self.setSourceModel(source)

    # -- the filter ------------------------------------------------------------------

    @property
    def row_filter(self) -> RowFilter:
        return self._filter

    @property
    def active(self) -> bool:
        """True when the filter can hide rows (not the default one)."""
        return self._filter.active

    def set_filter(self, row_filter: RowFilter) -> None:
        """Show only the rows ``row_filter`` accepts (one ``layoutChanged``).

        Raises ValueError (and changes nothing) when its regex is invalid.
        """
        test = row_filter.predicate()  # first: a bad regex changes nothing
        job = self._scan_job
        if job is None and row_filter == self._filter:
            return
        if job is not None and row_filter == job.row_filter:
            return
        self._scan_job = None
        self._scan_timer.stop()
        if job is not None and test is not None and row_filter.narrows(job.row_filter):
            # Typing on while a scan runs: its hits so far, and the rows it has
            # not tested yet, are all that can pass.
            rest = job.candidates[job.done :]
            if isinstance(rest, range):
                rest = ascending(len(rest), rest.start)
            candidates: Sequence[int] = job.hits + array("i", rest)
            self._scan_job = _Scan(row_filter, test, candidates, job.narrowing, job.covered)
            self._scan_job.changed = job.changed
            self._scan_timer.start()
            self._prepare_fold(row_filter)
            return
        # Narrowing what is shown (not what a scan under way would show).
        narrowing = job is None and row_filter.narrows(self._filter)
        n = len(self._rows)
        candidates = self._map if narrowing else range(n)
        if len(candidates) > self.sync_scan_rows and test is not None:
            # Too many rows to test at once: in slices, the rows shown until
            # then being the previous filter's (it, and its test, stay in force
            # for rows that arrive meanwhile).
            covered = (self._map[-1] + 1 if self._map else 0) if narrowing else n
            self._scan_job = _Scan(row_filter, test, candidates[:], narrowing, covered)
            self._scan_timer.start()
            self._prepare_fold(row_filter)
            return
        self._filter = row_filter
        self._test = test
        self._apply(self._scan(self._map if narrowing else None))
        self._prepare_fold(row_filter)
        self.filterChanged.emit(row_filter)

    @property
    def scanning(self) -> bool:
        """True while a filter change is being applied in slices (the rows
        shown are still the previous filter's)."""
        return self._scan_job is not None

    @property
    def pending_filter(self) -> RowFilter:
        """The filter last given to :meth:`set_filter` (:attr:`row_filter`
        once its scan is done)."""
        job = self._scan_job
        return self._filter if job is None else job.row_filter

    def finish_scan(self) -> None:
        """Complete a filter change under way now (tests, and a caller that
        needs the result in this turn of the event loop)."""
        while self._scan_job is not None:
            self._scan_step(math.inf)

    def _scan_step(self, seconds: float = SCAN_SLICE_S) -> None:
        """One slice of a scan: chunks of rows until ``seconds`` are used up,
        then, when all are tested, the result shown (one ``layoutChanged``)."""
        job = self._scan_job
        if job is None:
            return
        deadline = time.perf_counter() + seconds
        candidates = job.candidates
        total = len(candidates)
        while job.done < total:
            started = time.perf_counter()
            end = min(total, job.done + job.chunk)
            job.hits.extend(self._scan_part(job.row_filter, candidates[job.done : end]))
            job.done = end
            now = time.perf_counter()
            # Aim a chunk at a quarter of a slice, whatever the rows cost.
            spent = max(now - started, 1e-6)
            wanted = int(job.chunk * min(4.0, max(0.25, SCAN_SLICE_S / 4 / spent)))
            job.chunk = max(256, wanted) if math.isfinite(seconds) else job.chunk
            if now >= deadline:
                self._scan_timer.start()
                return
        self._scan_job = None
        hits = job.hits
        # Rows appended since the scan started: all of them, or those the
        # filter shown (whose test they passed) when the scan narrowed it.
        n = len(self._rows)
        if not job.narrowing:
            fresh: Sequence[int] = range(job.covered, n)
        else:
            fresh = self._map[bisect_left(self._map, job.covered) :]
        hits.extend(self._scan_part(job.row_filter, fresh))
        test = job.test
        for s in sorted(job.changed):  # changed in place: test them again
            if s >= len(self._rows):
                continue
            p = bisect_left(hits, s)
            shown = p < len(hits) and hits[p] == s
            if test is not None and test(self._rows[s]) != shown:
                if shown:
                    del hits[p]
                else:
                    hits.insert(p, s)
        self._filter = job.row_filter
        self._test = test
        self._apply(hits)
        self.filterChanged.emit(job.row_filter)

    def _restart_scan(self) -> None:
        """The source changed under a scan (not by appending): start it again,
        over every row."""
        job = self._scan_job
        if job is not None:
            n = len(self._rows)
            self._scan_job = _Scan(job.row_filter, job.test, range(n), False, n)
            self._scan_timer.start()

    def _prepare_fold(self, row_filter: RowFilter) -> None:
        """Lowercased texts for plain-text searches: built in slices after a
        search keystroke, released a while after the last one."""
        if row_filter.text and not row_filter.regex:  # a search: have them ready
            self._release_timer.stop()
            if self._fold is None:
                self._fold = _Fold()
            if not self._fold.complete(self._rows) and not self._fold_timer.isActive():
                self._fold_timer.start(FOLD_DELAY_MS)  # after this keystroke's paint
        elif self._fold is not None:
            self._release_timer.start()

    def prepare_search(self) -> None:
        """Build the lowercased texts plain-text searches use now (they are
        otherwise built in slices after the first search keystroke)."""
        self._release_timer.stop()
        if self._fold is None:
            self._fold = _Fold()
        self._fold.step(self._rows, math.inf)
        self._fold_timer.stop()

    @property
    def search_prepared(self) -> bool:
        """True when plain-text searches use the lowercased texts (C-level scans)."""
        return self._fold is not None and self._fold.complete(self._rows)

    # -- reading ---------------------------------------------------------------------

    @property
    def rows(self) -> FilteredRows:
        """The shown rows, in order (a read-only view, no copy)."""
        return self._view

    def mapping(self) -> array[int]:
        """The source row of each proxy row, ascending: the live array, for views
        that read it in bulk. Valid until the next model signal; never modify it."""
        return self._map

    def source_row(self, proxy_row: int) -> int:
        return self._map[proxy_row]

    # -- QAbstractProxyModel ---------------------------------------------------------

    def setSourceModel(self, sourceModel: QAbstractItemModel | None) -> None:
        if sourceModel is not None and not isinstance(sourceModel, MessageListModel):
            raise TypeError("MessageFilterModel filters a MessageListModel")
        self.beginResetModel()
        self._release_fold()
        old = self._source
        if old is not None:
            for signal, slot in self._connections(old):
                signal.disconnect(slot)
        self._source = sourceModel
        self._rows = sourceModel.row_list() if sourceModel is not None else []
        # Our handlers first, so they run before those of anyone who connects
        # on sourceModelChanged (a view): the mapping is current when they run.
        if sourceModel is not None:
            for signal, slot in self._connections(sourceModel):
                signal.connect(slot)
        super().setSourceModel(sourceModel)  # type: ignore[arg-type]  # None is fine
        self._map = self._scan(None)
        self._restart_scan()
        self.endResetModel()

    def _connections(self, model: MessageListModel) -> list[tuple[Any, Any]]:
        return [
            (model.rowsInserted, self._on_rows_inserted),
            (model.rowsAboutToBeRemoved, self._on_rows_about_to_be_removed),
            (model.rowsRemoved, self._on_rows_removed),
            (model.modelAboutToBeReset, self.beginResetModel),
            (model.modelReset, self._on_reset),
            (model.layoutAboutToBeChanged, self._on_about_to_reshuffle),
            (model.layoutChanged, self._on_reset),
            (model.rowsAboutToBeMoved, self._on_about_to_reshuffle),
            (model.rowsMoved, self._on_reset),
            (model.dataChanged, self._on_data_changed),
        ]

    def mapToSource(self, proxyIndex: _ModelIndex) -> QModelIndex:
        if self._source is None or not proxyIndex.isValid():
            return QModelIndex()
        r = proxyIndex.row()
        if not 0 <= r < len(self._map):
            return QModelIndex()
        return self._source.index(self._map[r], 0)

    def mapFromSource(self, sourceIndex: _ModelIndex) -> QModelIndex:
        if not sourceIndex.isValid() or sourceIndex.column() != 0:
            return QModelIndex()
        s = sourceIndex.row()
        p = bisect_left(self._map, s)
        if p < len(self._map) and self._map[p] == s:
            return self.createIndex(p, 0)
        return QModelIndex()

    def rowCount(self, parent: _ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._map)

    def columnCount(self, parent: _ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return 1

    def index(self, row: int, column: int = 0, parent: _ModelIndex | None = None) -> QModelIndex:
        if (parent is not None and parent.isValid()) or column != 0:
            return QModelIndex()
        if not 0 <= row < len(self._map):
            return QModelIndex()
        return self.createIndex(row, 0)

    def parent(self, child: _ModelIndex | None = None) -> Any:
        if child is None:  # QObject.parent()
            return super().parent()
        return QModelIndex()  # a list: no item has a parent

    def sibling(self, row: int, column: int, idx: _ModelIndex) -> QModelIndex:
        return self.index(row, column)

    def hasChildren(self, parent: _ModelIndex | None = None) -> bool:
        if parent is not None and parent.isValid():
            return False
        return len(self._map) > 0

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() != 0:
            return None
        r = index.row()
        if not 0 <= r < len(self._map):
            return None
        return row_data(self._rows[self._map[r]], int(role))

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return role_names()

    # -- the mapping -------------------------------------------------------------------

    def _scan(self, candidates: array[int] | None) -> array[int]:
        """The source rows that pass the filter, among ``candidates`` (None: all rows)."""
        rows = self._rows
        if candidates is None:
            if self._test is None:
                return ascending(len(rows))
            return self._scan_part(self._filter, range(len(rows)))
        return self._scan_part(self._filter, candidates)

    def _scan_part(self, f: RowFilter, source: Sequence[int]) -> array[int]:
        """The source rows of ``source`` (ascending: a range, or a mapping's
        rows) that ``f`` accepts."""
        rows = self._rows
        if not source:
            return array("i")
        if isinstance(source, range) and source.step == 1:
            pool: Sequence[Row] = rows[source.start : source.stop]
        else:
            pool = gather(rows, source)
        hits = array("i", self._text_hits(f, source, pool))
        if f.kinds != ALL_KINDS:  # then kinds and directions, a set lookup per row
            kinds = map(_KIND, pool if len(hits) == len(pool) else gather(rows, hits))
            hits = array("i", compress(hits, map(f.kinds.__contains__, kinds)))
        if f.directions != BOTH_DIRECTIONS:
            directions = map(_DIRECTION, pool if len(hits) == len(pool) else gather(rows, hits))
            hits = array("i", compress(hits, map(f.directions.__contains__, directions)))
        return hits

    def _text_hits(self, f: RowFilter, source: Sequence[int], pool: Sequence[Row]) -> Iterable[int]:
        """The rows of ``source`` (whose rows are ``pool``) with ``f``'s text in
        their text or author: C-level passes over the texts, and one test per
        distinct author."""
        if not f.text:
            if isinstance(source, range) and source.step == 1:
                return ascending(len(source), source.start)
            return source
        fold = self._fold
        if f.regex:
            pattern = f.compile()
            assert pattern is not None
            search = pattern.search
            found = map(is_not, map(search, map(_TEXT, pool)), repeat(None))
            authors = {a for a in set(map(_AUTHOR, pool)) if a is not None and search(a)}
        else:
            needle = f.text.lower()
            if fold is not None and len(fold.texts) > source[-1]:  # lowercased: C-level
                if isinstance(source, range) and source.step == 1:
                    texts: Sequence[str] = fold.texts[source.start : source.stop]
                else:
                    texts = gather(fold.texts, source)
                found = map(contains, texts, repeat(needle))
                seen = fold.authors
            else:
                found = map(_has(needle), map(_TEXT, pool))
                seen = set(map(_AUTHOR, pool))
            authors = {a for a in seen if a is not None and needle in a.lower()}
        if authors:
            found = map(or_, found, map(authors.__contains__, map(_AUTHOR, pool)))
        return compress(source, found)

    def _needle(self) -> str | None:
        """The lowercased text of a plain-text filter (else None)."""
        f = self._filter
        return f.text.lower() if f.text and not f.regex else None

    def _fold_step(self) -> None:
        fold = self._fold
        if fold is not None and not fold.step(self._rows, FOLD_SLICE_S):
            self._fold_timer.start(0)

    def _release_fold(self) -> None:
        self._fold = None
        self._fold_timer.stop()
        self._release_timer.stop()

    def _apply(self, new: array[int]) -> None:
        """Show the source rows ``new``: one layoutChanged, persistent indexes
        moved to their rows' new places (or invalidated when hidden)."""
        old = self._map
        if new == old:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        if persistent:
            moved: list[QModelIndex] = []
            for index in persistent:
                r = index.row()
                target = QModelIndex()
                if 0 <= r < len(old):
                    p = bisect_left(new, old[r])
                    if p < len(new) and new[p] == old[r]:
                        target = self.createIndex(p, index.column())
                moved.append(target)
            self.changePersistentIndexList(persistent, moved)
        self._map = new
        self.layoutChanged.emit()

    # -- source signals ----------------------------------------------------------------

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        job = self._scan_job
        if job is not None and first < len(self._rows) - (last - first + 1):
            self._restart_scan()  # not appended: the rows scanned moved
        count = last - first + 1
        m = self._map
        at = bisect_left(m, first)
        if at < len(m):  # rows below move down (history on top, rows above our unsent one)
            m[at:] = array("i", map(count.__add__, m[at:]))
        if self._fold is not None:
            self._fold.inserted(self._rows, first, last)
        fresh = range(first, last + 1)
        test = self._test
        accepted = (
            array("i", fresh)
            if test is None
            else array("i", compress(fresh, map(test, self._rows[first : last + 1])))
        )
        if accepted:
            self.beginInsertRows(QModelIndex(), at, at + len(accepted) - 1)
            m[at:at] = accepted
            self.endInsertRows()

    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        start, stop = bisect_left(self._map, first), bisect_left(self._map, last + 1)
        self._removing = (start, stop)
        if start < stop:
            self.beginRemoveRows(QModelIndex(), start, stop - 1)

    def _on_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid() or self._removing is None:
            return
        start, stop = self._removing
        self._removing = None
        count = last - first + 1
        m = self._map
        del m[start:stop]
        m[start:] = array("i", (s - count for s in m[start:]))
        if self._fold is not None:
            self._fold.removed(first, last)
        self._restart_scan()
        if start < stop:
            self.endRemoveRows()

    def _on_about_to_reshuffle(self, *args: object) -> None:
        self.beginResetModel()  # the source reorders (never, for a MessageListModel)

    def _on_reset(self, *args: object) -> None:
        # A reset may bring another list (the model shows another timeline).
        self._rows = self._source.row_list() if self._source is not None else []
        if self._fold is not None:
            self._fold = _Fold()
            self._fold_timer.start(FOLD_DELAY_MS)
        self._map = self._scan(None)
        self._restart_scan()
        self.endResetModel()

    def _on_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int] | None = None
    ) -> None:
        first, last = top_left.row(), bottom_right.row()
        if first < 0 or last < first:
            return
        if self._fold is not None:
            self._fold.changed(self._rows, first, last)
        if self._scan_job is not None:
            self._scan_job.changed.update(range(first, last + 1))
        test = self._test
        m = self._map
        if test is not None:  # a row may now pass, or no longer
            for s in range(first, last + 1):
                p = bisect_left(m, s)
                shown = p < len(m) and m[p] == s
                if test(self._rows[s]) == shown:
                    continue
                if shown:
                    self.beginRemoveRows(QModelIndex(), p, p)
                    del m[p]
                    self.endRemoveRows()
                else:
                    self.beginInsertRows(QModelIndex(), p, p)
                    m.insert(p, s)
                    self.endInsertRows()
        start, stop = bisect_left(m, first), bisect_left(m, last + 1)
        if start < stop:
            self.dataChanged.emit(self.index(start, 0), self.index(stop - 1, 0), roles or [])
