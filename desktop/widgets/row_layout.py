"""Where each row of the message list goes: heights, tops, re-wrapping, anchors.

The geometry engine of :class:`~desktop.widgets.message_view.MessageView`,
in plain Python (no Qt: importing it imports no PySide6), so its rules are
tested without a widget. It does not measure text: it is given a *measuring
function* (the delegate's ``measure_text``; in tests, any function) and the
heights the decorations add, and keeps the rest.

**Why it keeps its own arrays.** Stock ``QListView`` lays out every row again
on every insert; with a Python delegate that froze the window for ~130 ms per
batch at 50,000 rows. Here row heights live in an ``array`` with their
running sums: appending costs O(new rows), painting and hit-testing O(visible
rows) (binary search), and a width or font change re-wraps a long list in
small steps (each row's unwrapped width is kept, so most rows need no text
shaping).

**Two sets of arrays.** The list shows every row of a ``MessageListModel``
(the *base rows*), or those a filter lets through (the *shown rows*, given as
an ascending ``mapping`` of base rows). Per base row the engine keeps what
measuring costs: the height of the row's text at the current width and its
unwrapped width, plus its local day, a group value (author and time of day),
kind bits and its decoration code when shown right after the base row before
it (14 bytes a row). Per *shown* row it keeps the height and the top (8
bytes). A shown row's height is its text height plus its *decorations* (a
header, a day separator, paddings), which depend on the previous shown row,
so a filter change measures no text at all: the shown heights are rebuilt
from the base arrays in C-level passes, correcting only the rows whose base
predecessor the filter hides (10–30 ms for 100,000 rows).

**Grouping and days.** A chat row that follows a chat row of the same author
on the same local day, at most ``GROUP_WINDOW_S`` later, continues its group:
it has no header (author, time) and less padding. Our rows still sending or
refused always keep their header (it carries the state). The first shown row
of each local calendar day has a day separator painted in its own top part.

**Anchors and scroll positions.** An :class:`Anchor` (a shown row, and how
far the viewport's top is into it) is how content stays in place across
inserts above it, re-wraps and filter changes. A :class:`ScrollPosition` is
the same thing made to outlive the rows (it names the row by its seq), for a
conversation shown again later or after a restart.

**Bursts and long lists** (issue 20: a million rows). An appended batch
longer than ``SYNC_INSERT_ROWS`` has only its last rows measured, those a
viewport at the bottom shows; the rows above get the typical height and are
marked LAZY: measured when they come into view (:meth:`RowLayout.refresh_visible`,
the anchor holding the content still), never by the background steps, so
100,000 rows cost 100,000 measurements only if someone scrolls through them
all. A rebuild of more than ``SYNC_REBUILD_ROWS`` shown rows (a filter
change) gives every row the typical height at once and makes them exact in
steps (the text heights are known: no measuring, C-level passes).

**Switching conversations** (a model reset to another timeline's rows) must
not measure them all: at ~50 µs a row that froze the window for seconds. So
:meth:`RowLayout.reset` measures at once only the rows the viewport is about
to show (the bottom, or a restored position), gives every other row an
*estimated* height (the average of those measured), marked LAZY like a
burst's rows: measured when they come into view, while the stepwise
machinery of a width change (:meth:`RowLayout.rewrap_step`) reads only their
day, group and kind (issue 20: a first switch to a room of 33,000 rows used to
measure them all in steps, 0.7 s of work the user never looked at). And the
measurements of the conversation shown before are kept (:meth:`RowLayout.park`,
per timeline, weakly): showing it again reuses them, measuring only the rows
it got meanwhile (history on top, new rows at the bottom or above our unsent
ones), told apart by row identity. A row marked stale carries what it needs:
its text measured (``TEXT``), its day, group and kind read (``INFO``: rows not
read yet, and our own rows, whose state and time can change while their
conversation is not shown). The bookkeeping is C-level passes (a 100,000-row
array costs ~1 ms a pass, where building one from a Python iterator costs ~10):
see :func:`shift_tail`.
"""

from __future__ import annotations

import math
import sys
import time
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, compress, islice, repeat
from operator import add, and_, attrgetter, floordiv, itemgetter, le, ne, sub
from typing import Any, NamedTuple, Protocol, TypeVar

from roomcast.desktop.rows import Row, RowKind, SendState

#: A chat row at most this many seconds after the previous shown one, by the
#: same author on the same day, continues its group (no header).
GROUP_WINDOW_S = 5 * 60
#: Up to this many rows are re-wrapped at once after a resize (~20 ms); longer
#: lists are re-wrapped in slices of REWRAP_SLICE_S from the event loop.
SYNC_REWRAP_ROWS = 3_000
REWRAP_SLICE_S = 0.008
#: Rows measured between two looks at the clock during a re-wrap slice (rows
#: never measured cost ~50 µs each).
REWRAP_CHUNK = 50
#: At most this many base rows a slice (their heights are rebuilt after it):
#: rows with nothing to measure go fast, but not unboundedly many at once.
REWRAP_SPAN = 8_192
#: Up to this many rows are measured at once when the model shows another list
#: (~25 ms); longer lists get estimates, refined in re-wrap slices.
SYNC_RESET_ROWS = 500
#: Up to this many shown rows get their heights at once after a filter change;
#: more get the typical height, made exact in steps (REBUILD_SPAN base rows a
#: step, when none of them needs measuring).
SYNC_REBUILD_ROWS = 10_000
REBUILD_SPAN = 16_384
#: How far below the rows just measured an estimated row is looked for, to
#: take up their change of height (so the million tops below stay put).
ABSORB_ROWS = 2_000
#: Up to this many appended rows are measured at once (~10 ms); of a longer
#: batch only the rows a viewport at the bottom shows, the rest estimated.
SYNC_INSERT_ROWS = 300

# What a base row marked stale needs (bits of its byte in RowLayout._stale).
TEXT = 1  # its text height (and natural width, unless known) at the layout width
INFO = 2  # its day, group value and kind bits (so its decorations and the next row's)
#: Its text height is an estimate, to be measured when it comes into view (not
#: by the re-wrap steps: a burst of 100,000 rows would cost seconds of them).
LAZY = 4

# A row's decorations, as bits of a small code (see MessageDelegate.extra_height).
CHAT = 4  # a chat row: a header, unless it continues a group
GROUPED = 2  # continues the previous row's group (no header, less padding)...
NEW_DAY = 1  # ...unless it is the first shown row of a local day: a separator on top
# A base row's kind bits: CHAT, GROUPED (may continue a group) and this one, which
# decorations ignore: one of our rows, whose state and time can change in place.
MINE = 8


def continues_group(code: int) -> bool:
    """Does a row with decoration ``code`` continue a group (no header)? A chat
    row marked GROUPED, except on a new day (the separator starts a new group)."""
    return code & (CHAT | GROUPED | NEW_DAY) == CHAT | GROUPED


_NO_JOIN = (SendState.PENDING, SendState.FAILED)
_TS = attrgetter("ts")
_DAY_DIV = floordiv


def can_join(row: Row) -> bool:
    """Can ``row`` continue a group? Chat rows only, and not ours while sending
    or refused: their header carries the state."""
    return row.kind is RowKind.CHAT and row.state not in _NO_JOIN


def plain_author(row: Row) -> str:
    """Who a chat row's header names, untranslated (the view passes its
    translated ``group_author``; grouping only compares these names)."""
    if row.author:
        return row.author
    return "you" if row.mine else "?"


# -- days ---------------------------------------------------------------------------

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_QUARTER_HOUR = 900
# UTC offset of local time per quarter hour of POSIX time. Every time zone's
# offset, and so every transition, falls on a quarter hour: one lookup per
# quarter hour is exact, and ~30x cheaper than datetime.astimezone().
_offsets: dict[int, int] = {}


def local_day(ts: float) -> int:
    """The local calendar day of POSIX time ``ts``, as a ``date.toordinal()``."""
    return int(local_seconds(ts) // 86_400) + _EPOCH_ORDINAL


def local_seconds(ts: float) -> float:
    """POSIX time ``ts`` as seconds since 1970-01-01 00:00 *local* time."""
    quarter = int(ts // _QUARTER_HOUR)
    offset = _offsets.get(quarter)
    if offset is None:
        if len(_offsets) > 100_000:
            _offsets.clear()
        try:
            offset = time.localtime(quarter * _QUARTER_HOUR).tm_gmtoff
        except (OverflowError, OSError, ValueError):
            offset = 0
        _offsets[quarter] = offset
    return ts + offset


def second_of_day(ts: float) -> int:
    """Whole seconds since local midnight (what the group values hold)."""
    return int(local_seconds(ts) % 86_400)


# -- decoration codes in bulk -----------------------------------------------------------

_T = TypeVar("_T")


def gather(values: Sequence[_T], indices: Sequence[int]) -> Sequence[_T]:
    """``[values[i] for i in indices]`` in one C-level call (``itemgetter``).
    The same as ``desktop.filtering.gather``, kept here so that this module
    imports no Qt."""
    if len(indices) > 1:
        return itemgetter(*indices)(values)  # type: ignore[no-any-return]
    return tuple(values[i] for i in indices)


def pair_codes(
    groups_before: Sequence[int],
    groups: Sequence[int],
    days_before: Sequence[int],
    days: Sequence[int],
    kinds: Sequence[int],
) -> list[int]:
    """Decoration codes of rows shown right after others, from the base arrays
    (gathered): C-level passes, no Python per row.

    ``groups`` packs a chat row's author and second of the day (see
    ``_AUTHOR_SHIFT``), so one subtraction tells "same author, within the
    window" (on the same day, which NEW_DAY checks); ``kinds`` holds
    CHAT, plus GROUPED if the row may continue a group: masking it with
    CHAT | GROUPED for rows in a group and with CHAT for the others gives the
    code's first two bits.
    """
    grouped = map(le, map(abs, map(sub, groups, groups_before)), repeat(GROUP_WINDOW_S))
    masked = map(and_, kinds, map(_MASKS.__getitem__, grouped))
    return list(map(add, masked, map(ne, days, days_before)))


_MASKS = (CHAT, CHAT | GROUPED)  # by "in a group with the previous row"
# A chat row's group value: its author's code (14 bits; more authors than that
# share codes) above the second of its local day (17 bits). Rows of a group
# are on one day, so the seconds subtract as times do. Other rows: far below.
_AUTHOR_SHIFT = 17
_AUTHORS = (1 << 14) - 1
_NOT_CHAT = -(1 << 31)

_UNKNOWN_WIDTH = 0  # a natural width not measured (with this font) yet
_WIDE = 0xFFFF  # wider than that, or "always lay it out" (inf)


def pack_natural(natural: float) -> int:
    """A natural width as whole pixels, rounded up (so "fits" stays exact: the
    available width is whole pixels), in 16 bits."""
    if natural >= _WIDE - 1:
        return _WIDE
    return max(1, math.ceil(natural))  # 0 is "unknown"


def unpack_natural(packed: int) -> float | None:
    if packed == _UNKNOWN_WIDTH:
        return None
    return math.inf if packed == _WIDE else float(packed)


# -- C-level passes over whole arrays ---------------------------------------------------


def shift_tail(values: array[int], start: int, delta: int) -> None:
    """``values[start:]`` each plus ``delta``, for an ``array("i")`` whose values
    stay in 0..2**31-1 (row tops): C-level, ~1 ms for 100,000 values where a
    Python-level pass costs ~10.

    The slice is read as one big integer whose 32-bit lanes are the values;
    adding (or subtracting) the integer whose every lane holds ``|delta|``
    adds it to each value at once: no lane carries into the next, as every
    result fits in 31 bits and none goes below 0.
    """
    count = len(values) - start
    if count <= 0 or delta == 0:
        return
    order = sys.byteorder
    lanes = int.from_bytes(values[start:].tobytes(), order)
    step = int.from_bytes(abs(delta).to_bytes(4, order) * count, order)
    lanes = lanes + step if delta > 0 else lanes - step
    values[start:] = array("i", lanes.to_bytes(4 * count, order))


def arithmetic(count: int, step: int, start: int = 0) -> array[int]:
    """``array("i", range(start, start + count * step, step))`` (``step`` >= 0),
    by doubling with :func:`shift_tail`: ~10x faster for long arrays."""
    values = array("i", [start] if count > 0 else [])
    while len(values) < count:
        more = values[: count - len(values)]
        shift_tail(more, 0, len(values) * step)
        values.extend(more)
    return values


def _bit_table(bit: int) -> bytes:
    """A ``bytes.translate`` table: 1 where a byte has ``bit``, else 0."""
    return bytes(1 if value & bit else 0 for value in range(256))


_HAS = {
    TEXT: _bit_table(TEXT),
    INFO: _bit_table(INFO),
    LAZY: _bit_table(LAZY),
    TEXT | LAZY: _bit_table(TEXT | LAZY),
}
# What the re-wrap steps do (LAZY rows wait to be seen), and what they leave.
_STEP_BITS = bytes(value & (TEXT | INFO) for value in range(256))
_LEFT_LAZY = bytes(0 if value & TEXT else value & LAZY for value in range(256))
_MINE_TO_INFO = bytes(INFO if value & MINE else 0 for value in range(256))
_ADD_TEXT = bytes(value | TEXT for value in range(256))


def _runs(flags: bytearray, bit: int, first: int, end: int) -> Iterable[tuple[int, int]]:
    """The runs ``(a, b)`` of ``flags[first:end]`` with ``bit`` set, as indices
    into ``flags`` (C-level searches: a run costs the same at any length)."""
    marks = flags[first:end].translate(_HAS[bit])
    i = marks.find(1)
    while i >= 0:
        j = marks.find(0, i)
        if j < 0:
            j = len(marks)
        yield first + i, first + j
        i = marks.find(1, j)


def _or_bytes(a: bytes | bytearray, b: bytes | bytearray) -> bytearray:
    """``a | b`` byte by byte (as big integers: C-level), ``len(a) == len(b)``."""
    n = len(a)
    return bytearray(
        (int.from_bytes(a, "little") | int.from_bytes(b, "little")).to_bytes(n, "little")
    )


def _unsent(row: Row) -> bool:
    """One of our rows waiting for the server: the timeline keeps these last
    and puts rows that arrive above them (``desktop.timeline``'s rule)."""
    return row.mine and row.state is SendState.PENDING and row.seq is None


@dataclass(slots=True)
class _Parked:
    """The measurements of one conversation not shown (see :meth:`RowLayout.park`):
    the base arrays of its ``count`` rows, their shown heights and tops, and
    which were shown."""

    count: int
    first: Row
    last: Row
    #: How many of the last rows were our unsent ones (rows arriving while they
    #: wait go above them), and the row before them.
    tail: int
    before_tail: Row | None
    width: int
    generation: int
    typical: int
    refresh_pos: int | None
    text: array[int]
    natural: array[int]
    group: array[int]
    day: array[int]
    kind: bytearray
    bcode: bytearray
    stale: bytearray | None
    heights: array[int] | None
    tops: array[int] | None
    #: The base row of each shown row then (None: every row was shown).
    mapping: Sequence[int] | None
    expanded: list[int]

    def place(self, rows: Sequence[Row]) -> tuple[int, int] | None:
        """Where these rows are in ``rows`` now: ``(p, k)``, the first ``k``
        parked rows are ``rows[p : p + k]``; None if they cannot be told.

        A timeline only adds rows (history on top, new ones at the bottom or
        above our unsent ones) or replaces them all (``clear``, ``reset``), so
        the first parked row and the last (or the last before our unsent ones)
        in their places, at the same distance, mean that every row between them
        is still there and no other. One exception: a reset keeps our unsent
        and refused rows, so a first row of that kind proves nothing (refused).
        """
        first = self.first
        if first.mine and first.seq is None:
            return None
        if rows and rows[0] is first:
            p = 0
        else:
            try:
                p = rows.index(first)  # Row compares by identity
            except ValueError:
                return None
        m, n = self.count, len(rows)
        if p + m <= n and rows[p + m - 1] is self.last:
            return p, m
        k = m - self.tail
        if self.tail and k > 0 and p + k <= n and rows[p + k - 1] is self.before_tail:
            return p, k
        return None


# -- the engine's vocabulary ----------------------------------------------------------


class Measure(Protocol):
    """Measures a row's text: ``(text height, natural width)`` at a view
    ``width``, collapsed or ``expanded`` (a selected JSON row shows all its
    lines). ``natural`` is a natural width a previous call returned for the
    same text and font: with it, text that fits needs no shaping. A natural
    width of ``inf`` means "always lay it out". ``MessageDelegate.measure_text``
    is one."""

    def __call__(
        self, row: Row, width: int, expanded: bool = False, natural: float | None = None, /
    ) -> tuple[int, float]: ...


class Anchor(NamedTuple):
    """The shown row at the viewport's top and how many pixels of it are
    above the viewport (what keeps the content still while rows move)."""

    row: int
    into: int


@dataclass(frozen=True, slots=True)
class ScrollPosition:
    """Where a conversation was scrolled, in terms that survive its rows
    being shown again (after a model reset, or a restart).

    ``at_bottom``: the view followed the newest row (the rest is then only
    informative). ``anchor_seq``: the seq of the top visible row, if it has
    one (our unsent rows and notices have none). ``anchor_row``: that row's
    index in the base model (the fallback when the seq is not held any more).
    ``offset``: how many pixels of that row were above the viewport's top.
    """

    at_bottom: bool
    anchor_seq: int | None = None
    anchor_row: int = 0
    offset: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values (for QSettings, across restarts)."""
        return {
            "at_bottom": self.at_bottom,
            "anchor_seq": self.anchor_seq,
            "anchor_row": self.anchor_row,
            "offset": self.offset,
        }

    @classmethod
    def from_dict(cls, data: object) -> ScrollPosition | None:
        """The position :meth:`to_dict` saved; None for anything else (a
        settings file edited by hand, an older format). Never raises."""
        try:
            if not isinstance(data, Mapping):
                return None
            at_bottom = data.get("at_bottom")
            seq = data.get("anchor_seq")
            row = data.get("anchor_row", 0)
            offset = data.get("offset", 0)
            if not isinstance(at_bottom, bool):
                return None
            if seq is not None and not _natural_int(seq):
                return None
            if not _natural_int(row) or not _natural_int(offset):
                return None
            return cls(at_bottom, seq, row, offset)
        except Exception:  # a Mapping of our own making could raise anything
            return None


_MAX_INT32 = (1 << 31) - 1  # a scroll bar's range (and the tops' type)


def _natural_int(value: object) -> bool:
    """An int in 0..2**31-1 (bool is an int to Python, not to us)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_INT32


def _all_shown() -> None:
    return None


def _none_expanded() -> Iterable[int]:
    return ()


# -- the engine -----------------------------------------------------------------------


class RowLayout:
    """The heights and tops of a list of rows, kept current as rows come, go,
    change and re-wrap. No widget: the view feeds it model events, asks it
    where rows are, and moves its scroll bar where it says.

    ``measure`` measures a row's text (see :class:`Measure`); ``extras()``
    gives the height each decoration code 0–7 adds to it (paddings, header,
    day separator: they change with the font, hence a function). ``author``
    names a chat row's author for grouping. ``shown()`` is the ascending
    base row of each shown row, or None when every base row is shown (no
    filter); ``expanded()`` the shown rows measured expanded (the selected
    ones).

    Base rows are ``rows``, a live list (the model's) that the engine only
    reads; :meth:`bind` takes another (a model reset) and :meth:`reset` lays
    it out (:meth:`measure_all` measures it all, now). Inserts and removals
    announced (:meth:`announce`) are applied by :meth:`sync` once the list
    has them.
    """

    def __init__(
        self,
        measure: Measure,
        extras: Callable[[], Sequence[int]],
        *,
        author: Callable[[Row], str] = plain_author,
        shown: Callable[[], Sequence[int] | None] = _all_shown,
        expanded: Callable[[], Iterable[int]] = _none_expanded,
        sync_rows: int = SYNC_REWRAP_ROWS,
        sync_reset_rows: int = SYNC_RESET_ROWS,
        sync_insert_rows: int = SYNC_INSERT_ROWS,
        sync_rebuild_rows: int = SYNC_REBUILD_ROWS,
    ) -> None:
        self.measure = measure
        self.extras = extras
        self.author = author
        self.shown = shown
        self.expanded = expanded
        #: Lists up to this long are re-wrapped at once; longer ones in steps.
        self.sync_rows = sync_rows
        #: Lists up to this long are measured at once by :meth:`reset`.
        self.sync_reset_rows = sync_reset_rows
        #: Appended batches up to this long are measured whole; of longer ones
        #: only what a viewport at the bottom shows (see :meth:`_estimated_head`).
        self.sync_insert_rows = sync_insert_rows
        #: Up to this many shown rows are rebuilt at once (see :meth:`rebuild`).
        self.sync_rebuild_rows = sync_rebuild_rows
        #: The viewport's height in pixels (the view keeps it current).
        self.page = 0
        self.rows: list[Row] = []
        # Whose rows they are (a timeline), and the measurements of those not
        # shown, by owner (weakly: they go with their timeline).
        self._owner: object | None = None
        self._parked: weakref.WeakKeyDictionary[Any, _Parked] = weakref.WeakKeyDictionary()
        # Bumped when the font changes: text heights and natural widths of
        # another generation are stale.
        self._generation = 0
        #: The height given to a row not measured yet (the last estimate made).
        self._typical = 0
        #: The width the text heights are measured at (-1: never measured).
        self.width = -1
        # Per base row (see the module docstring): text height at the layout
        # width, natural width, group value (author and time, for chat rows),
        # local day, and kind bits (CHAT, and GROUPED if it may continue a group).
        self._text = array("i")
        self._natural = array("H")  # see pack_natural
        self._group = array("i")
        self._day = array("H")  # days since 1970-01-01, local (clamped to 16 bits)
        self._kind = bytearray()
        # ... and its decoration code if the row shown before it is the base row
        # before it (true of every row without a filter, and most with one).
        self._bcode = bytearray()
        self._author_codes: dict[str, int] = {}
        # What each base row still needs (TEXT | INFO bits) during a long re-wrap
        # (after a width or font change, or a reset), and base inserts/removals
        # announced but not applied.
        self._stale: bytearray | None = None
        self._pending: list[tuple[bool, int, int]] = []
        self._refresh_pos: int | None = None  # next base row of a long re-wrap
        #: Per shown row: its height, and its top (tops[i] = y of row i;
        #: tops[-1] = total height). 32 bits, like a scroll bar's range: a
        #: list taller than 2**31 pixels could not scroll anyway.
        self.heights = array("i")
        self.tops = array("i", [0])

    # -- reading -------------------------------------------------------------------

    @property
    def count(self) -> int:
        """How many rows are shown (laid out)."""
        return len(self.heights)

    @property
    def base_count(self) -> int:
        """How many base rows are measured."""
        return len(self._text)

    @property
    def total_height(self) -> int:
        return self.tops[-1]

    def text_height(self, s: int) -> int:
        """Base row ``s``'s measured text height (collapsed)."""
        return self._text[s]

    def day(self, s: int) -> int:
        """Base row ``s``'s local day, as a ``date.toordinal()``."""
        return self._day[s] + _EPOCH_ORDINAL

    def row_at_y(self, y: int) -> int | None:
        """The shown row covering content coordinate ``y``, or None."""
        n = len(self.heights)
        if n == 0 or y < 0 or y >= self.tops[n]:
            return None
        return bisect_right(self.tops, y, 0, n) - 1

    def rows_in(self, y0: int, y1: int) -> tuple[int, int]:
        """The shown rows ``[first, end)`` that content ``y0..y1`` touches."""
        n = len(self.heights)
        first = max(0, bisect_right(self.tops, y0, 0, n) - 1)
        end = min(n, bisect_right(self.tops, y1, 0, n))
        return first, end

    # -- base rows ----------------------------------------------------------------

    def mapping(self) -> Sequence[int] | None:
        """The base row of each shown row; None when every base row is shown
        (no filter, or one that hides nothing): shown row r is base row r."""
        mapping = self.shown()
        # Ascending, distinct and in range: as long as the base, it is 0..n-1.
        return None if mapping is None or len(mapping) == len(self.rows) else mapping

    def source_of(self, r: int) -> int:
        """The base row shown as row ``r``."""
        mapping = self.shown()
        return r if mapping is None else mapping[r]

    def shown_of(self, s: int) -> int:
        """The first shown row at or after base row ``s`` (``count`` if none)."""
        mapping = self.shown()
        return min(s, len(self.heights)) if mapping is None else bisect_left(mapping, s)

    def shown_range(self, first: int, end: int) -> tuple[int, int]:
        """The shown rows ``[a, b)`` whose base rows lie in ``[first, end)``."""
        mapping = self.mapping()
        if mapping is None:
            return first, min(end, len(self.heights))
        return bisect_left(mapping, first), bisect_left(mapping, end)

    def bind(self, rows: list[Row], owner: object | None = None) -> None:
        """Read ``rows`` (another model's live list) from now on; nothing is
        measured until :meth:`reset` (or :meth:`measure_all`). ``owner`` is
        whose rows they are (their timeline): measurements :meth:`park`-ed
        for it are reused by :meth:`reset`."""
        self.rows = rows
        self._owner = owner
        self._pending.clear()

    def park(self, owner: object) -> None:
        """The rows shown are ``owner``'s and about to be replaced (a model
        reset, while the list is still as the arrays say): keep what was
        measured of them, for :meth:`reset` after ``bind(rows, owner)`` (the
        same conversation shown again). Kept weakly (it goes with ``owner``),
        one set per owner; nothing is copied."""
        if owner is None or not self.sync():
            return
        rows = self.rows
        n = len(rows)
        if n == 0 or (rows[0].mine and rows[0].seq is None):
            return  # see _Parked.place
        tail = 0
        while tail < n and _unsent(rows[n - 1 - tail]):
            tail += 1
        mapping = self.mapping()
        shown = len(self.heights) == (n if mapping is None else len(mapping))
        self._parked[owner] = _Parked(
            count=n,
            first=rows[0],
            last=rows[-1],
            tail=tail,
            before_tail=rows[n - 1 - tail] if tail < n else None,
            width=self.width,
            generation=self._generation,
            typical=self.tops[-1] // max(1, len(self.heights)),
            refresh_pos=self._refresh_pos,
            text=self._text,
            natural=self._natural,
            group=self._group,
            day=self._day,
            kind=self._kind,
            bcode=self._bcode,
            stale=self._stale,
            heights=self.heights if shown else None,
            tops=self.tops if shown else None,
            mapping=None if mapping is None else mapping[:],
            expanded=[r for r in self.expanded() if 0 <= r < len(self.heights)],
        )

    def reset(
        self,
        width: int,
        position: ScrollPosition | None = None,
        page: int = 0,
        count: int | None = None,
    ) -> bool:
        """Lay out the rows :meth:`bind` gave (a model reset) at ``width``, for
        a viewport ``page`` pixels high about to show ``position`` (None, or at
        the bottom: the bottom); ``count`` rows are shown (default: as many as
        :attr:`shown` says). True when every row is exact.

        Rows measured when this owner's rows were last shown (:meth:`park`) are
        reused as they were. A short list is measured at once. Otherwise only
        the rows the viewport will show are: every other one gets the average
        height of those, and False says that :meth:`rewrap_step` has the rest
        to do (as after a width change).
        """
        parked = self._parked.pop(self._owner, None) if self._owner is not None else None
        self._pending.clear()
        self.width = width
        n = len(self.rows)
        if count is None:
            mapping = self.shown()
            count = n if mapping is None else len(mapping)
        if parked is None or not self._unpark(parked, count):
            if n <= self.sync_reset_rows:
                self.measure_all(width)
                self.rebuild(count)
                return True
            self._estimate(count, position, page)
            return not self.rewrapping
        if self._stale is not None:
            anchor = self._position_anchor(position)
            self.refresh_visible(anchor, anchor is None, page)
            if n <= self.sync_reset_rows:
                while self.rewrapping:
                    self.rewrap_step(math.inf)
        return not self.rewrapping

    def _position_anchor(self, position: ScrollPosition | None) -> Anchor | None:
        """The shown row (and how far into it) ``position`` puts at the top;
        None for the bottom."""
        if position is None or position.at_bottom:
            return None
        s = self.find(position)
        return None if s is None else self.from_base_anchor(Anchor(s, position.offset))

    def _estimate(self, count: int, position: ScrollPosition | None, page: int) -> None:
        """Lay out a long list, measuring only what a viewport at ``position``
        shows; every other row gets their average height (an estimate): its
        info is read by :meth:`rewrap_step`, its text measured when it comes
        into view (LAZY), as new rows are (issue 20: a long room shown for the
        first time cost a measurement of every row, 35 µs each)."""
        n = len(self.rows)
        self._text = array("i", bytes(4 * n))
        self._natural = array("H", bytes(2 * n))
        self._group = array("i", [_NOT_CHAT]) * n
        self._day = array("H", bytes(2 * n))
        self._kind = bytearray(n)
        self._bcode = bytearray(n)  # code 0: what a row with no info gets
        stale = self._stale = bytearray([LAZY | INFO]) * n
        self._refresh_pos = 0
        self.heights = array("i", bytes(4 * count))
        self.tops = array("i", bytes(4 * (count + 1)))
        anchor = self._position_anchor(position)
        # At least one row (a viewport not shown yet has no height): the estimate.
        first, end = self._measure_window(anchor, anchor is None, max(page, 1))
        measured = self.heights[first:end]
        if measured:
            self._typical = max(1, round(sum(measured) / len(measured)))
        typical = max(1, self._typical)
        # A row not measured: text such that it is `typical` high with code 0.
        texts = array("i", [max(0, typical - self.extras()[0])]) * n
        text = self._text
        for r in range(max(first - 1, 0), end):  # and the row before: its text is known
            s = self.source_of(r)
            if not stale[s] & (TEXT | LAZY):
                texts[s] = text[s]
        self._text = texts
        self.heights = array("i", [typical]) * count
        self.heights[first:end] = measured
        self.tops = arithmetic(count + 1, typical)
        self._fix_tops(first, end)

    def announce(self, inserting: bool, first: int, last: int) -> None:
        """Base rows ``first..last`` are about to be inserted (or removed)."""
        self._pending.append((inserting, first, last))

    def sync(self) -> bool:
        """Apply the inserts and removals announced that the list has made (a
        filter announces its own rows from inside the base's signal, before
        the view's handler of that signal runs: every handler starts here).
        False when the arrays are out of step with the list: measure them
        all again then (:meth:`measure_all`)."""
        n = len(self.rows)
        while self._pending and len(self._text) != n:
            inserting, first, last = self._pending[0]
            count = last - first + 1
            if len(self._text) + (count if inserting else -count) != n:
                break
            del self._pending[0]
            if inserting:
                self._insert_base(first, last)
            else:
                self._remove_base(first, last)
        if len(self._text) != n:
            self._pending.clear()
            return False
        return True

    def _insert_base(self, first: int, last: int) -> None:
        count = last - first + 1
        if first == len(self._text):  # appended: the common case (in slices: a
            cut, texts, naturals = self._estimated_head(first, last + 1)
            for start in range(first, last + 1, 8_192):  # batch can be huge)
                stop = min(last + 1, start + 8_192)
                groups, days, kinds = self._row_info(self.rows[start:stop])
                self._group.extend(groups)
                self._day.extend(days)
                self._kind.extend(kinds)
            estimated = cut - first
            if estimated:
                text = max(0, max(1, self._typical) - self.extras()[0])
                self._text.extend(array("i", [text]) * estimated)
                self._natural.extend(array("H", [_UNKNOWN_WIDTH]) * estimated)
                if self._stale is None:
                    self._stale = bytearray(first)
                self._stale.extend(bytearray([LAZY]) * estimated)
            self._text.extend(texts)
            self._natural.extend(naturals)
            if self._stale is not None:
                self._stale.extend(bytes(last + 1 - cut))
            self._bcode.extend(bytes(count))
            self._set_base_codes(first, last + 2)
            return
        else:
            texts, naturals = self._measure_base(first, last + 1, reuse=False)
            groups, days, kinds = self._row_info(self.rows[first : last + 1])
            self._text[first:first] = texts
            self._natural[first:first] = naturals
            self._group[first:first] = groups
            self._day[first:first] = days
            self._kind[first:first] = kinds
            self._bcode[first:first] = bytes(count)
        self._set_base_codes(first, last + 2)  # and the row after them
        if self._stale is not None:
            self._stale[first:first] = bytes(count)
        if self._refresh_pos is not None and first <= self._refresh_pos:
            self._refresh_pos += count

    def _estimated_head(self, first: int, end: int) -> tuple[int, array[int], array[int]]:
        """Rows ``first..end-1`` are appended: the first of them measured now,
        and the text heights and natural widths of those measured.

        A batch of up to ``sync_insert_rows`` is measured whole. Of a longer
        one (a burst: ~35 µs a row would freeze the window for the whole
        batch) only the last rows that fill a viewport (:attr:`page` pixels,
        where a view following the bottom shows them) are; the rows above get
        the typical height, marked LAZY: measured by :meth:`refresh_visible`
        when they come into view (the anchor keeps the content still then)."""
        if end - first <= self.sync_insert_rows or self.width < 0:
            return first, *self._measure_base(first, end, reuse=False)
        seen = 0
        cut = end
        rows = self.rows
        measure, width, extra = self.measure, self.width, self.extras()[0]
        heights: list[int] = []
        naturals: list[int] = []
        while cut > first and seen < max(self.page, 1):
            cut -= 1
            height, natural = measure(rows[cut], width, False, None)
            heights.append(height)
            naturals.append(pack_natural(natural))
            seen += height + extra
        if heights and not self._typical:
            self._typical = max(1, round(seen / len(heights)))
        heights.reverse()
        naturals.reverse()
        return cut, array("i", heights), array("H", naturals)

    def _remove_base(self, first: int, last: int) -> None:
        end = last + 1
        for column in (
            self._text,
            self._natural,
            self._group,
            self._day,
            self._kind,
            self._bcode,
        ):
            del column[first:end]
        self._set_base_codes(first, first + 1)  # the row after them
        if self._stale is not None:
            del self._stale[first:end]
        if self._refresh_pos is not None and self._refresh_pos > first:
            self._refresh_pos = max(first, self._refresh_pos - (end - first))

    def _unpark(self, parked: _Parked, count: int) -> bool:
        """Take up the measurements :meth:`park` kept for these rows, if they
        can be placed in the list (:meth:`_Parked.place`): the rows added since
        get estimates, marked stale, as does everything if the width or the font
        changed meanwhile; our own rows are read again (their state and time
        may have changed while not shown). False (nothing done) if they cannot."""
        placed = parked.place(self.rows)
        if placed is None:
            return False
        p, k = placed
        n = len(self.rows)
        after = n - p - k
        typical = max(1, parked.typical)
        self._typical = typical
        extras = self.extras()

        def around(values: Any, fill: Any) -> Any:
            """The parked ``values`` of the rows still there, between fillers."""
            del values[k:]
            if p:
                values[0:0] = fill * p
            if after:
                values.extend(fill * after)
            return values

        same_text = parked.width == self.width and parked.generation == self._generation
        if parked.generation != self._generation:
            parked.natural = array("H", bytes(2 * len(parked.natural)))
        flags = parked.kind[:k].translate(_MINE_TO_INFO)
        if parked.stale is not None:
            flags = _or_bytes(flags, parked.stale[:k])
        if not same_text:
            flags = flags.translate(_ADD_TEXT)
        unknown = bytearray([LAZY | INFO])  # arrived meanwhile: measured when seen
        self._text = around(parked.text, array("i", [max(0, typical - extras[0])]))
        self._natural = around(parked.natural, array("H", [_UNKNOWN_WIDTH]))
        self._group = around(parked.group, array("i", [_NOT_CHAT]))
        self._day = around(parked.day, array("H", [0]))
        self._kind = around(parked.kind, bytearray(1))
        self._bcode = around(parked.bcode, bytearray(1))
        stale = unknown * p + flags + unknown * after
        # Start where the first row is stale, or where the parked pass was
        # (rows after it may have been measured with their height left to it).
        start = len(stale) - len(stale.lstrip(b"\x00"))
        if parked.refresh_pos is not None:
            start = min(start, parked.refresh_pos + p)
        if start < n:
            self._stale, self._refresh_pos = stale, start
        else:
            self._stale = self._refresh_pos = None
        if not self._reuse_heights(parked, p, k, count):
            self.rebuild(count)
        return True

    def _reuse_heights(self, parked: _Parked, p: int, k: int, count: int) -> bool:
        """Take up the parked shown heights and tops, if the rows shown among
        the parked ones are those shown then (same filter, or none): base rows
        ``p..p+k-1`` now, ``0..k-1`` then. The rows shown around them (new ones)
        get their heights from the base arrays. False (nothing done) if not."""
        heights, tops, then = parked.heights, parked.tops, parked.mapping
        if heights is None or tops is None:
            return False
        now = self.mapping()
        shown_then = k if then is None else bisect_left(then, k)
        a, b = self.shown_range(p, p + k)
        if b - a != shown_then:
            return False
        if then is not None and now is not None:
            old = then[:shown_then]
            if isinstance(old, array) and isinstance(now, array) and old.typecode == now.typecode:
                shift_tail(old, 0, p)
                if old != now[a:b]:
                    return False
            elif [s + p for s in old] != list(now[a:b]):
                return False
        # (Either side unfiltered: as many rows shown as there are, so all of them.)
        del heights[shown_then:]
        del tops[shown_then + 1 :]
        typical = max(1, self._typical)
        if a:
            if now is None:  # rows not measured yet are `typical` high, unfiltered
                head, head_tops = array("i", [typical]) * a, arithmetic(a + 1, typical)
            else:
                head = self.build_heights(0, a)
                head_tops = array("i", accumulate(head, initial=0))
            heights[0:0] = head
            shift_tail(tops, 0, head_tops[-1])
            tops[0:0] = head_tops[:-1]
        if b < count:
            bottom = tops[-1]
            if now is None:
                heights.extend(array("i", [typical]) * (count - b))
                tops.extend(arithmetic(count - b, typical, bottom + typical))
            else:
                tail = self.build_heights(b, count)
                heights.extend(tail)
                tops.extend(islice(accumulate(tail, initial=bottom), 1, None))
        self.heights, self.tops = heights, tops
        # Rows measured expanded then (selected: not any more). Those whose
        # decorations may differ now (the first parked one, below new rows)
        # follow stale rows: the steps rebuild them.
        for r in parked.expanded:
            if r < shown_then:
                self._set_heights(a + r, a + r + 1)
        return True

    def measure_all(self, width: int, reuse: bool = False) -> None:
        """Measure every base row again at ``width``, now (a reset, or a small
        list re-wrapped); with ``reuse``, known natural widths are reused."""
        self._refresh_pos = None
        self._stale = None
        self.width = width
        n = len(self.rows)
        reuse = reuse and len(self._natural) == n
        self._text, self._natural = self._measure_base(0, n, reuse)
        self._group, self._day, self._kind = self._row_info(self.rows)
        self._bcode = self._base_codes(0, n)

    def _measure_base(self, first: int, end: int, reuse: bool) -> tuple[array[int], array[int]]:
        """Text heights and natural widths of base rows ``first..end-1`` (collapsed)
        at the layout width; with ``reuse``, the natural widths known are reused:
        after a width change only text that does not fit on one line is shaped again.
        """
        measure = self.measure
        width = self.width
        naturals = self._natural
        heights: array[int] = array("i")
        widths: array[int] = array("H")
        for s, row in enumerate(self.rows[first:end], first):
            known = unpack_natural(naturals[s]) if reuse else None
            height, natural = measure(row, width, False, known)
            heights.append(height)
            widths.append(pack_natural(natural))
        return heights, widths

    def _row_info(self, rows: Sequence[Row]) -> tuple[array[int], array[int], bytearray]:
        """Group values, local days and kind bits of ``rows``: the times in
        C-level passes when one UTC offset covers the batch (nearly always),
        then one pass per row for what only chat rows have."""
        codes = self._author_codes
        author_of = self.author
        groups = array("i")
        kinds = bytearray()
        stamps = list(map(_TS, rows))
        if not stamps:
            return groups, array("H"), kinds
        lo, hi = min(stamps), max(stamps)
        offset = local_seconds(lo) - lo
        if hi - lo < 43_200 and local_seconds(hi) - hi == offset:
            # One offset (a zone changes its offset at most twice a year).
            seconds = list(map(offset.__add__, stamps))
        else:
            seconds = list(map(local_seconds, stamps))
        if min(seconds) >= 0 and max(seconds) < 0xFFFF * 86_400:
            days = array("H", map(int, map(_DAY_DIV, seconds, repeat(86_400))))
        else:  # before 1970 or after 2149: clamped to 16 bits
            days = array("H", [min(max(int(x // 86_400), 0), 0xFFFF) for x in seconds])
        chat = RowKind.CHAT
        for row, second in zip(rows, seconds, strict=True):
            mine = MINE if row.mine and row.id is not None else 0  # its state can change
            if row.kind is chat:
                author = author_of(row)
                code = codes.get(author)
                if code is None:
                    code = codes[author] = len(codes) & _AUTHORS
                groups.append(code << _AUTHOR_SHIFT | int(second % 86_400))  # second_of_day
                joins = row.state not in _NO_JOIN  # can_join, for a chat row
                kinds.append((CHAT | GROUPED if joins else CHAT) | mine)
            else:
                groups.append(_NOT_CHAT)
                kinds.append(mine)
        return groups, days, kinds

    def refresh_info(self, first: int, end: int) -> None:
        """Base rows ``first..end-1`` changed in place: measure them again."""
        if first >= end:
            return
        texts, naturals = self._measure_base(first, end, reuse=False)
        self._text[first:end] = texts
        self._natural[first:end] = naturals
        groups, days, kinds = self._row_info(self.rows[first:end])
        self._group[first:end] = groups
        self._day[first:end] = days
        self._kind[first:end] = kinds
        self._set_base_codes(first, end + 1)  # and the row after them
        if self._stale is not None:
            self._stale[first:end] = bytes(end - first)

    def forget_natural_widths(self) -> None:
        """The font changed: no unwrapped width known is right any more (nor
        any text height measured, here or parked)."""
        self._natural = array("H", [_UNKNOWN_WIDTH]) * len(self._text)
        self._generation += 1

    # -- decoration codes ------------------------------------------------------------

    def _base_codes(self, first: int, end: int) -> bytearray:
        """Decoration codes of base rows ``first..end-1``, each after its base predecessor."""
        end = min(end, len(self._kind))
        if first >= end:
            return bytearray()
        lo = max(first, 1)
        group, day = self._group, self._day
        codes = pair_codes(
            group[lo - 1 : end - 1],
            group[lo:end],
            day[lo - 1 : end - 1],
            day[lo:end],
            self._kind[lo:end],
        )
        if first == 0:
            codes.insert(0, (self._kind[0] & CHAT) | NEW_DAY)
        return bytearray(codes)

    def _set_base_codes(self, first: int, end: int) -> None:
        end = min(end, len(self._kind))
        for start in range(first, end, 8_192):  # in slices: no big temporary lists
            stop = min(end, start + 8_192)
            self._bcode[start:stop] = self._base_codes(start, stop)

    def codes(self, first: int, end: int) -> Sequence[int]:
        """The decoration codes of shown rows ``first..end-1`` (each depends on the
        row shown before it): the base codes, corrected where a filter hides the
        base predecessor, in C-level passes."""
        if first >= end:
            return b""
        mapping = self.mapping()
        if mapping is None:
            return self._bcode[first:end]
        bcode = self._bcode
        shown = mapping[first:end]
        codes = bytearray(gather(bcode, shown))
        if first == 0 and shown[0] != 0:  # the first row shown, not the first held
            codes[0] = (self._kind[shown[0]] & CHAT) | NEW_DAY
        # Rows (by their place k in `window`) whose predecessor in `window` is
        # not their base predecessor: their codes are computed again.
        window = mapping[first - 1 : end] if first > 0 else shown
        steps = map(sub, window[1:], window[:-1])
        ks = list(compress(range(1, len(window)), map(ne, steps, repeat(1))))
        if not ks:
            return codes
        now = gather(window, ks)
        before = gather(window, list(map((-1).__add__, ks)))
        group, day = self._group, self._day
        fixed = pair_codes(
            gather(group, before),
            gather(group, now),
            gather(day, before),
            gather(day, now),
            gather(self._kind, now),
        )
        shift = 1 if first > 0 else 0  # codes[i] belongs to window[i + shift]
        for k, code in zip(ks, fixed, strict=True):
            codes[k - shift] = code
        return codes

    # -- shown rows -----------------------------------------------------------------

    def build_heights(self, first: int, end: int) -> array[int]:
        """The heights of shown rows ``first..end-1``: text plus decorations
        (expanded rows measured expanded)."""
        if first >= end:
            return array("i")
        codes = self.codes(first, end)
        extras = self.extras()
        mapping = self.mapping()
        if mapping is None:
            texts: Iterable[int] = self._text[first:end]
        else:
            texts = gather(self._text, mapping[first:end])
        heights = array("i", map(add, texts, map(extras.__getitem__, codes)))
        for r in self.expanded():
            if first <= r < end:
                row = self.rows[self.source_of(r)]
                if row.kind is RowKind.JSON:
                    text = self.measure(row, self.width, True, None)[0]
                    heights[r - first] = text + extras[codes[r - first]]
        return heights

    def rebuild(self, count: int | None = None) -> None:
        """Every shown row's height and top, from the base arrays (no measuring):
        ``count`` rows (default: as many as are shown).

        Over ``sync_rebuild_rows`` rows (a filter change at a million rows: the
        passes would freeze the window for a few hundred ms) every row gets
        the typical height now, and the exact ones come in steps, as after a
        width change (:meth:`rewrap_step`, :meth:`refresh_visible` for the
        rows about to be seen; nothing is measured, the text heights are known)."""
        if count is None:
            mapping = self.shown()
            count = len(self.rows) if mapping is None else len(mapping)
        if count > self.sync_rebuild_rows and len(self._text) == len(self.rows):
            if self.heights:
                typical = self.tops[-1] // len(self.heights)
            else:  # the base rows' average text, as a row of its own
                typical = sum(self._text) // len(self._text) + self.extras()[0]
            typical = max(1, typical)
            self._typical = typical
            self.heights = array("i", [typical]) * count
            self.tops = arithmetic(count + 1, typical)
            if self._stale is None:
                self._stale = bytearray(len(self._text))
            self._refresh_pos = 0
            return
        self.heights = self.build_heights(0, count)
        self.tops = array("i", accumulate(self.heights, initial=0))

    def retop(self, first: int) -> None:
        """Recompute the row tops from row ``first`` down."""
        self.tops[first:] = array("i", accumulate(self.heights[first:], initial=self.tops[first]))

    def update_heights(self, first: int, end: int) -> bool:
        """Recompute shown rows ``first..end-1`` (and the tops below them);
        False if no height changed."""
        return self._set_heights(first, end)

    def _set_heights(self, first: int, end: int) -> bool:
        end = min(end, len(self.heights))
        if first >= end:
            return False
        heights = self.build_heights(first, end)
        if heights == self.heights[first:end]:
            return False
        self.heights[first:end] = heights
        self._fix_tops(first, end)
        return True

    def _fix_tops(self, first: int, end: int, absorb: bool = False) -> None:
        """Shown rows ``first..end-1`` changed height: their tops follow, and
        those below move by as much (:func:`shift_tail`: no pass in Python,
        but ~15 ms at a million rows). With ``absorb``, an estimated row just
        below takes the difference instead (its height is a guess either way):
        only the tops down to it move."""
        tops = self.tops
        was = tops[end]
        tops[first + 1 : end + 1] = array(
            "i", islice(accumulate(self.heights[first:end], initial=tops[first]), 1, None)
        )
        delta = tops[end] - was
        if delta and absorb:
            r = self._absorber(end, delta)
            if r is not None:
                heights = self.heights
                heights[r] -= delta
                tops[end + 1 : r + 1] = array(
                    "i", islice(accumulate(heights[end:r], initial=tops[end]), 1, None)
                )
                return
        shift_tail(tops, end + 1, delta)

    def _absorber(self, end: int, delta: int) -> int | None:
        """The first shown row from ``end`` on (within ABSORB_ROWS) whose height
        is an estimate and stays positive less ``delta``; None if none."""
        stale = self._stale
        if stale is None:
            return None
        heights = self.heights
        pos = self._refresh_pos
        for r in range(end, min(len(heights), end + ABSORB_ROWS)):
            s = self.source_of(r)
            guessed = (pos is not None and s >= pos) or stale[s] & (TEXT | LAZY)
            if guessed and heights[r] - delta >= 1:
                return r
        return None

    def insert_shown(self, first: int, last: int, anchor: Anchor | None = None) -> Anchor | None:
        """Shown rows ``first..last`` were inserted (their base rows measured:
        :meth:`sync` first). Returns where ``anchor``'s content is now if the
        insert moved it (rows above it), else None.

        Appending costs O(new rows). Rows inserted elsewhere shift the tops
        below, and change the decorations of the row after them (it follows
        another row now): when that row is the anchor, its text stays put.
        """
        count = last - first + 1
        heights, tops = self.heights, self.tops
        new = self.build_heights(first, last + 1)
        shrunk = 0  # how much the decorations of the row after them shrank
        if first == len(heights):  # appended: the common case
            heights.extend(new)
            tops.extend(islice(accumulate(new, initial=tops[-1]), 1, None))
        else:  # above our unsent rows, or history on top
            heights[first:first] = new
            after = self.build_heights(last + 1, last + 2)[0]
            shrunk = heights[last + 1] - after
            heights[last + 1] = after
            # The new rows' tops, then those of the rows below, each moved down
            # by the new rows, less what the row after them shrank.
            added = array("i", islice(accumulate(new, initial=tops[first]), 1, None))
            tops[first + 1 : first + 1] = added
            shift_tail(tops, last + 2, sum(new) - shrunk)
        if anchor is None or anchor.row < first:
            return None
        return Anchor(anchor.row + count, anchor.into - (shrunk if anchor.row == first else 0))

    # -- anchors --------------------------------------------------------------------

    def anchor(self, y: int) -> Anchor | None:
        """The shown row at content ``y`` (the viewport's top) and how far into it."""
        r = self.row_at_y(y)
        return None if r is None else Anchor(r, y - self.tops[r])

    def anchor_y(self, anchor: Anchor | tuple[int, int]) -> int | None:
        """The content ``y`` that puts ``anchor`` back at the viewport's top
        (None if that row is not shown any more)."""
        r, into = anchor
        if not 0 <= r < len(self.heights):
            return None
        return self.tops[r] + min(into, self.heights[r])

    def base_anchor(self, anchor: Anchor | None) -> Anchor | None:
        """``anchor`` by its base row (which survives a filter change)."""
        return None if anchor is None else Anchor(self.source_of(anchor.row), anchor.into)

    def from_base_anchor(self, anchor: Anchor) -> Anchor | None:
        """A :meth:`base_anchor` back in shown rows: its row if still shown,
        else the next one shown (from its top); None if no row after it is."""
        s, into = anchor
        r = self.shown_of(s)
        if r >= len(self.heights):
            return None
        return Anchor(r, into if self.source_of(r) == s else 0)

    # -- scroll positions -------------------------------------------------------------

    def position(self, y: int, at_bottom: bool) -> ScrollPosition:
        """The :class:`ScrollPosition` of a view scrolled to content ``y``."""
        anchor = self.anchor(y)
        if anchor is None:
            return ScrollPosition(at_bottom=True)
        s = self.source_of(anchor.row)
        return ScrollPosition(at_bottom, self.rows[s].seq, s, anchor.into)

    def find(self, position: ScrollPosition) -> int | None:
        """The base row ``position`` names: the row with its seq (the saved
        index first, then a scan), else its index clamped; None if no rows."""
        rows = self.rows
        if not rows:
            return None
        hint = min(max(position.anchor_row, 0), len(rows) - 1)
        seq = position.anchor_seq
        if seq is None or rows[hint].seq == seq:
            return hint
        for s, row in enumerate(rows):
            if row.seq == seq:
                return s
        return hint

    def position_y(self, position: ScrollPosition | None) -> int | None:
        """The content ``y`` that shows ``position``; None for the bottom (no
        position, one at the bottom, or its row and all after it hidden)."""
        if position is None or position.at_bottom:
            return None
        s = self.find(position)
        if s is None:
            return None
        anchor = self.from_base_anchor(Anchor(s, position.offset))
        return None if anchor is None else self.anchor_y(anchor)

    # -- re-wrapping ----------------------------------------------------------------

    @property
    def rewrapping(self) -> bool:
        """True while a long list is still being re-wrapped (or, after a
        reset, measured) in steps: some rows have estimated heights."""
        return self._refresh_pos is not None

    def rewrap(self, width: int, font_changed: bool = False) -> bool:
        """The width (or the font) changed: wrap every row again.

        A small list is done at once (True: :meth:`rebuild` next). A long one
        would freeze the window (about 0.7 s for 100,000 rows): every base row
        is marked stale, to be measured by :meth:`refresh_visible` (the rows
        about to be seen, now) and :meth:`rewrap_step` (the rest, top to
        bottom, in slices of a few ms from the event loop); False.
        """
        if font_changed:
            self.forget_natural_widths()
        self.width = width
        if len(self._text) <= self.sync_rows:
            self.measure_all(width, reuse=True)
            return True
        if self._stale is None:
            self._stale = bytearray([TEXT]) * len(self._text)
        else:  # rows not read yet (a reset's) stay so
            self._stale = self._stale.translate(_ADD_TEXT)
        self._refresh_pos = 0
        return False

    def _refresh_base(self, first: int, end: int, lazy: bool = True) -> None:
        """Measure (and read) the stale base rows among ``first..end-1``; LAZY
        ones too unless ``lazy`` is False (a re-wrap step)."""
        stale = self._stale
        if stale is None or first >= end:
            return
        if lazy:
            if stale.count(0, first, end) == end - first:
                return
        elif stale[first:end].translate(_STEP_BITS).count(0) == end - first:
            return
        for a, b in _runs(stale, TEXT | LAZY if lazy else TEXT, first, end):
            texts, naturals = self._measure_base(a, b, reuse=True)
            self._text[a:b] = texts
            self._natural[a:b] = naturals
        for a, b in _runs(stale, INFO, first, end):
            groups, days, kinds = self._row_info(self.rows[a:b])
            self._group[a:b] = groups
            self._day[a:b] = days
            self._kind[a:b] = kinds
            self._set_base_codes(a, b + 1)  # and the row after them
        if lazy:
            stale[first:end] = bytes(end - first)
        else:
            stale[first:end] = stale[first:end].translate(_LEFT_LAZY)

    def _refresh_row(self, r: int) -> int:
        """Make shown row ``r`` exact (its base row, and the one shown before it,
        which its decorations depend on); its height."""
        if r > 0:
            before = self.source_of(r - 1)
            self._refresh_base(before, before + 1)
        s = self.source_of(r)
        self._refresh_base(s, s + 1)
        height = self.heights[r] = self.build_heights(r, r + 1)[0]
        return height

    def _measure_window(
        self, anchor: Anchor | tuple[int, int] | None, at_bottom: bool, page: int
    ) -> tuple[int, int]:
        """Make exact the shown rows ``[first, end)`` a viewport ``page`` pixels
        high shows from ``anchor`` (or at the bottom), leaving the tops to the
        caller. From the anchor down, then up if the rows below do not fill it."""
        n = len(self.heights)
        if at_bottom or anchor is None or n == 0:
            first = end = n
            seen = 0
        else:
            first = end = min(max(anchor[0], 0), n - 1)
            seen = -anchor[1]
            while end < n and seen < page:
                seen += self._refresh_row(end)
                end += 1
        while first > 0 and seen < page:
            first -= 1
            seen += self._refresh_row(first)
        return first, end

    def refresh_visible(self, anchor: Anchor | None, at_bottom: bool, page: int) -> int | None:
        """During a long re-wrap: measure the rows a ``page`` pixels high
        viewport is about to show (from ``anchor``, or up from the bottom) and
        recompute the tops. Returns the first row measured, None if no rows."""
        if not self.heights:
            return None
        first, end = self._measure_window(anchor, at_bottom, page)
        self._fix_tops(first, end, absorb=True)
        return first

    def rewrap_step(self, seconds: float = REWRAP_SLICE_S, chunk: int = REWRAP_CHUNK) -> bool:
        """One slice of a long re-wrap: base rows in chunks of ``chunk`` for
        about ``seconds`` (at least one chunk, at most ``REWRAP_SPAN`` rows),
        then the heights and tops of the shown ones. True if any shown row
        changed; :attr:`rewrapping` tells whether more slices are needed."""
        pos = self._refresh_pos
        n = len(self._text)
        if pos is None or pos >= n or self._stale is None:
            self._refresh_pos = None
            self._drop_stale()
            return False
        deadline = time.perf_counter() + seconds
        limit = pos + REWRAP_SPAN
        end = pos
        ahead = min(n, pos + REBUILD_SPAN)
        if self._stale[pos:ahead].translate(_STEP_BITS).count(0) == ahead - pos:
            end = ahead  # nothing to measure (a long rebuild): heights only
        else:
            while True:
                stop = min(n, end + chunk)
                self._refresh_base(end, stop, lazy=False)
                end = stop
                if end >= n or end >= limit or time.perf_counter() >= deadline:
                    break
        # The shown rows of those base rows, and the one shown after them: its
        # decorations follow the last of them.
        first, last = self.shown_range(pos, end)
        changed = self._set_heights(first, last + 1)
        if end >= n:
            self._refresh_pos = None
            self._drop_stale()
        else:
            self._refresh_pos = end
        return changed

    def measure_estimated(self) -> None:
        """Measure every row whose height is an estimate now, and the shown
        heights after them (for a caller that needs every height exact: tests,
        an export of the geometry). The view never does: it measures rows as
        they come into view."""
        stale = self._stale
        if stale is None:
            return
        while self.rewrapping:
            self.rewrap_step(math.inf)
        self._refresh_base(0, len(self._text))
        self._set_heights(0, len(self.heights))
        self._drop_stale()

    def _drop_stale(self) -> None:
        """The re-wrap is done: forget the marks, unless rows wait to be seen."""
        stale = self._stale
        if stale is not None and stale.translate(_HAS[LAZY]).find(1) < 0:
            self._stale = None

    @property
    def estimated(self) -> bool:
        """True when some rows may have estimated heights: LAZY rows (measured
        as they come into view), or a re-wrap under way (:attr:`rewrapping`)."""
        return self._stale is not None
