"""The message list: a delegate that paints rows as plain text, and the view.

**Plain text only.** Message content comes from strangers. Every string is
laid out with ``QTextLayout``, which never interprets markup:
``<img src=x onerror=alert(1)>`` is shown as those characters.

**Why the view does its own layout.** Stock ``QListView`` lays out *every*
row again on *every* insert (``QListView::rowsInserted`` clears its layout),
calling the delegate's ``sizeHint`` once per row. With a Python delegate that
is ~3 µs a row: at 50,000 rows each new batch froze the window for ~130 ms,
and a 5,000 rows/s stream fell four times behind. ``MessageView`` is still a
``QListView`` (so it keeps the list's accessibility: screen readers see a list
of items), but it overrides the geometry side of ``QAbstractItemView``
(``visualRect``, ``indexAt``, ``scrollTo``, ``setSelection``, ``paintEvent``,
…) and routes the model signals past ``QListView``'s layout engine. Row
heights live in an ``array`` with their running sums: appending costs
O(new rows), painting and hit-testing O(visible rows) (binary search), and a
width or font change re-wraps long lists in small slices from the event loop
(each row's unwrapped width is kept, so most rows need no text shaping).
QListView's own layout settings (flow, spacing, grid size, uniform item
sizes, word wrap, batched layout) therefore have no effect here.

**Two sets of arrays.** The view shows a ``MessageListModel``, or a
``MessageFilterModel`` over one. Per row of the ``MessageListModel`` (a
*base row*, shown or not) it keeps what measuring costs: the height of the
row's text at the current width and its unwrapped width, plus its local day,
a group value (author and time of day), kind bits and its decorations when
shown right after the base row before it (14 bytes a row). Per *shown* row
it keeps the height and the top (8 bytes). A shown row's height is its text
height plus its *decorations*, which depend on the previous shown row (see
below), so a filter change measures no text at all: the shown heights are
rebuilt from the base arrays in C-level passes, correcting only the rows
whose base predecessor the filter hides (10–30 ms for 100,000 rows).

**Grouping and days.** A chat row that follows a chat row of the same author
on the same local day, at most ``GROUP_WINDOW_S`` later, continues its group:
it has no header (author, time) and less padding. Our rows still sending or
refused always keep their header (it carries the state). The first shown row
of each local calendar day has a day separator ("Today", "Yesterday",
"Monday, 23 November 2026") painted in its own top part: separators are
decorations, not model rows, so the models and their seq logic never see
them.

**Colours** all come from the view's palette (blends of its roles, so a dark
palette gives a dark list); severity colours only lean a palette colour
towards a hue.

The view knows neither the app nor the session. It only emits signals:
``olderRequested()`` when the user scrolls to the top, ``retryRequested(id)``
when the user asks to resend one of our failed messages.
"""

from __future__ import annotations

import math
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from itertools import accumulate, compress, islice, repeat
from operator import add, and_, le, ne, sub
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QRegion,
    QResizeEvent,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.filtering import MessageFilterModel, gather
from desktop.models import QT_TRANSLATE_NOOP, MessageListModel, Roles
from desktop.rows import Direction, Row, RowKind, SendState
from server.notices import Severity

_ModelIndex = QModelIndex | QPersistentModelIndex

PAD_X = 10  # left/right padding inside a row
PAD_Y = 4  # top/bottom padding inside a row
GROUP_PAD_Y = 1  # top padding of a row continuing a group (no header)
DAY_PAD_Y = 6  # above and below a day separator's label
BAR_WIDTH = 3  # the accent bar marking our own rows
JSON_PREVIEW_LINES = 4  # a JSON row shows this many lines until it is selected
#: A chat row at most this many seconds after the previous shown one, by the
#: same author on the same day, continues its group (no header).
GROUP_WINDOW_S = 5 * 60
#: Longer texts are cut for display (Copy text still copies everything): laying
#: out a megabyte of text on every paint would freeze the window.
MAX_SHOWN_CHARS = 20_000
#: Up to this many rows are re-wrapped at once after a resize (~20 ms); longer
#: lists are re-wrapped in slices of REWRAP_SLICE_S from the event loop.
SYNC_REWRAP_ROWS = 3_000
REWRAP_SLICE_S = 0.008

#: The header's mark per send state (English; header_text translates it).
STATE_MARKS = {
    SendState.PENDING: QT_TRANSLATE_NOOP("MessageDelegate", "sending…"),
    SendState.SENT: "✓",
    SendState.FAILED: QT_TRANSLATE_NOOP("MessageDelegate", "failed — right-click to retry"),
}

# A row's decorations, as bits of a small code (see MessageDelegate.extra_height).
CHAT = 4  # a chat row: a header, unless it continues a group
GROUPED = 2  # continues the previous row's group (no header, less padding)...
NEW_DAY = 1  # ...unless it is the first shown row of a local day: a separator on top


def continues_group(code: int) -> bool:
    """Does a row with decoration ``code`` continue a group (no header)? A chat
    row marked GROUPED, except on a new day (the separator starts a new group)."""
    return code & (CHAT | GROUPED | NEW_DAY) == CHAT | GROUPED


# Hues that severities lean towards; always blended with the palette's text
# colour, so they stay readable on light and dark themes.
_RED = QColor(220, 50, 47)
_AMBER = QColor(215, 140, 0)

_LINE_SEPARATOR = "\u2028"  # QTextLayout breaks lines here, not at "\n"


# How much of the accent colour tints a row that mentions us.
MENTION_TINT = 0.16


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
        1.0,
    )


def error_color(palette: QPalette, role: QPalette.ColorRole = QPalette.ColorRole.Text) -> QColor:
    """Text that says "error": the palette's text colour (``role``) leaning towards
    red, so it contrasts with the background as well as normal text does."""
    return blend(palette.color(role), _RED, 0.7)


def warning_color(palette: QPalette) -> QColor:
    return blend(palette.color(QPalette.ColorRole.Text), _AMBER, 0.7)


def rule_color(palette: QPalette) -> QColor:
    """Hairlines (the day separator's): a quarter of the way from base to text."""
    return blend(
        palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text), 0.25
    )


def _mono_kind(kind: RowKind) -> bool:
    return kind in (RowKind.JSON, RowKind.TEXT, RowKind.BINARY)


# -- days and groups ----------------------------------------------------------------

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


def _second_of_day(ts: float) -> int:
    """Whole seconds since local midnight (what the view's group values hold)."""
    return int(local_seconds(ts) % 86_400)


def group_author(row: Row) -> str:
    """Who a chat row's header names (and so who its group belongs to)."""
    if row.author:
        return row.author
    return QGuiApplication.translate("MessageDelegate", "you") if row.mine else "?"


def can_join(row: Row) -> bool:
    """Can ``row`` continue a group? Chat rows only, and not ours while sending
    or refused: their header carries the state."""
    return row.kind is RowKind.CHAT and row.state not in (SendState.PENDING, SendState.FAILED)


def decoration(row: Row, previous: Row | None) -> int:
    """The decoration code (CHAT | GROUPED | NEW_DAY bits) of ``row`` shown
    right after ``previous`` (None: it is the first row shown)."""
    code = CHAT if row.kind is RowKind.CHAT else 0
    ts = row.time.timestamp()
    if previous is None:
        return code | NEW_DAY
    before = previous.time.timestamp()
    if local_day(ts) != local_day(before):
        return code | NEW_DAY
    if (
        can_join(row)
        and previous.kind is RowKind.CHAT
        and group_author(previous) == group_author(row)
        and abs(_second_of_day(ts) - _second_of_day(before)) <= GROUP_WINDOW_S
    ):
        code |= GROUPED
    return code


def day_label(day: date, today: date, locale: QLocale | None = None) -> str:
    """A day separator's text: "Today", "Yesterday", else the full local date
    in ``locale`` (e.g. "Monday, 23 November 2026")."""
    if day == today:
        return QGuiApplication.translate("MessageDelegate", "Today")
    if day == today - timedelta(days=1):
        return QGuiApplication.translate("MessageDelegate", "Yesterday")
    qdate = QDate(day.year, day.month, day.day)
    return (locale or QLocale()).toString(qdate, "dddd, d MMMM yyyy")


class _Style:
    """The fonts and line metrics one base font implies (computed once per font)."""

    def __init__(self, base: QFont) -> None:
        self.base = QFont(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.italic = QFont(base)
        self.italic.setItalic(True)
        self.mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if base.pointSizeF() > 0:
            self.mono.setPointSizeF(base.pointSizeF())
        self.fm = QFontMetricsF(self.base)
        self.fm_bold = QFontMetricsF(self.bold)
        self.fm_italic = QFontMetricsF(self.italic)
        self.fm_mono = QFontMetricsF(self.mono)
        self.line = math.ceil(self.fm.lineSpacing())
        self.line_italic = math.ceil(self.fm_italic.lineSpacing())
        self.line_mono = math.ceil(self.fm_mono.lineSpacing())
        self.header = max(self.line, math.ceil(self.fm_bold.lineSpacing()))
        self.day = 2 * DAY_PAD_Y + self.header  # a day separator
        #: The height of each decoration code, beyond the text's lines.
        self.extras = [self._extra(code) for code in range(8)]
        #: Few texts average under this many pixels a character.
        self.narrow_char = 0.6 * self.fm.averageCharWidth()
        self.option = QTextOption()
        self.option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)

    def _extra(self, code: int) -> int:
        chat = bool(code & CHAT)
        grouped = continues_group(code)
        height = PAD_Y + (GROUP_PAD_Y if grouped else PAD_Y)
        if chat and not grouped:
            height += self.header
        if code & NEW_DAY:
            height += self.day
        return height

    def font_for(self, kind: RowKind) -> QFont:
        if kind is RowKind.SYSTEM:
            return self.italic
        return self.mono if _mono_kind(kind) else self.base

    def metrics_for(self, kind: RowKind) -> QFontMetricsF:
        if kind is RowKind.SYSTEM:
            return self.fm_italic
        return self.fm_mono if _mono_kind(kind) else self.fm

    def line_for(self, kind: RowKind) -> int:
        if kind is RowKind.SYSTEM:
            return self.line_italic
        return self.line_mono if _mono_kind(kind) else self.line

    def layout(self, text: str, kind: RowKind, width: float) -> QTextLayout:
        """``text`` wrapped to ``width`` (at word boundaries, or anywhere if a word
        is too long), as plain text. Lines are not positioned yet."""
        layout = QTextLayout(text.replace("\n", _LINE_SEPARATOR), self.font_for(kind))
        layout.setTextOption(self.option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
        layout.endLayout()
        return layout


class MessageDelegate(QStyledItemDelegate):
    """Paints one row of a :class:`MessageListModel` (or of a filter over one),
    always as plain text, with its decorations (header, day separator).

    Sizes: a row's height is its *text height* (:meth:`measure_text`: lines
    times line height) plus the height of its decorations
    (:meth:`extra_height`), which depend on the previous row shown
    (:func:`decoration`). :meth:`measure` gives both at once. The text height
    comes with the row's *natural width* (the widest line unwrapped), which
    does not depend on the view's width: with it, re-wrapping a short message
    at a new width needs no text shaping. :meth:`row_height` (used by
    ``sizeHint``, for any view) caches text heights per row identity,
    ``id(row)``, for one width and font, in one dict for collapsed rows and
    one for expanded (selected) JSON rows; a width or font change clears them
    and :meth:`invalidate` forgets rows. ``MessageView`` keeps its own per-row
    arrays instead (a few bytes a row rather than ~100 for dict entries) and
    calls :meth:`measure_text` directly.

    ``clock`` gives today's local date for the separators' "Today" and
    "Yesterday" (replace it in tests).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._style = _Style(QGuiApplication.font())
        self._width = -1
        self._heights: dict[int, int] = {}
        self._expanded_heights: dict[int, int] = {}
        self.clock: Callable[[], date] = date.today

    # -- what is shown -----------------------------------------------------------

    @staticmethod
    def display_text(row: Row, expanded: bool = False) -> str:
        """The exact characters this delegate lays out for ``row`` (never markup).

        JSON rows show their first lines and "…" until expanded (selected).
        """
        text = row.text
        if row.kind is RowKind.JSON and not expanded:
            lines = text.split("\n", JSON_PREVIEW_LINES)
            if len(lines) > JSON_PREVIEW_LINES:
                text = "\n".join([*lines[:JSON_PREVIEW_LINES], "…"])
        if len(text) > MAX_SHOWN_CHARS:
            hidden = len(text) - MAX_SHOWN_CHARS
            note = QGuiApplication.translate(
                "MessageDelegate", "({count} more characters; Copy text has all)"
            ).format(count=f"{hidden:,}")
            text = f"{text[:MAX_SHOWN_CHARS]}… {note}"
        return text

    @staticmethod
    def header_text(row: Row) -> tuple[str, str, str]:
        """A chat row's header: (author, local hh:mm, state mark)."""
        author = group_author(row)
        when = row.time.astimezone().strftime("%H:%M")
        mark = STATE_MARKS.get(row.state, "") if row.state is not None else ""
        if mark:
            mark = QGuiApplication.translate("MessageDelegate", mark)
        return author, when, mark

    def day_label(self, day: date, locale: QLocale | None = None) -> str:
        """The separator's text for local ``day`` (relative to ``clock()``)."""
        return day_label(day, self.clock(), locale)

    # -- sizes -------------------------------------------------------------------

    def set_font(self, font: QFont) -> bool:
        """Use ``font`` as the base font (the view's). True if it changed (then
        every cached height and natural width is stale)."""
        if font == self._style.base:
            return False
        self._style = _Style(font)
        self.invalidate()
        return True

    @property
    def extras(self) -> Sequence[int]:
        """:meth:`extra_height` of each decoration code 0–7, as a list."""
        return self._style.extras

    @property
    def day_height(self) -> int:
        """The height of a day separator (on top of the first row of a day)."""
        return self._style.day

    def extra_height(self, code: int) -> int:
        """The height a row's paddings and decorations (``code``) add to its text."""
        return self._style.extras[code]

    def invalidate(self, rows: Iterable[Row] | None = None) -> None:
        """Forget cached heights: of ``rows``, or of every row."""
        if rows is None:
            self._heights.clear()
            self._expanded_heights.clear()
            return
        for row in rows:
            self._heights.pop(id(row), None)
            self._expanded_heights.pop(id(row), None)

    def row_height(
        self,
        row: Row,
        width: int,
        expanded: bool = False,
        *,
        grouped: bool = False,
        new_day: bool = False,
    ) -> int:
        """The height of ``row`` in a view ``width`` pixels wide (its text height
        cached by identity); alone unless ``grouped``/``new_day`` say otherwise."""
        if width != self._width:
            self._width = width
            self._heights.clear()
            self._expanded_heights.clear()
        expanded = expanded and row.kind is RowKind.JSON
        cache = self._expanded_heights if expanded else self._heights
        height = cache.get(id(row))
        if height is None:
            height = cache[id(row)] = self.measure_text(row, width, expanded)[0]
        return height + self._style.extras[_code(row, grouped, new_day)]

    def measure(
        self,
        row: Row,
        width: int,
        expanded: bool = False,
        natural: float | None = None,
        *,
        grouped: bool = False,
        new_day: bool = False,
    ) -> tuple[int, float]:
        """``(height, natural width)`` of ``row`` in a view ``width`` pixels wide:
        alone (a chat row with its header, no day separator) unless ``grouped``
        (continues the previous row's group) or ``new_day`` (a separator on top).

        Pass the natural width a previous call returned (for the same text,
        font and expansion) to skip shaping the text again. A natural width of
        ``inf`` means "always lay it out".
        """
        height, natural = self.measure_text(row, width, expanded, natural)
        return height + self._style.extras[_code(row, grouped, new_day)], natural

    def measure_text(
        self, row: Row, width: int, expanded: bool = False, natural: float | None = None
    ) -> tuple[int, float]:
        """``(text height, natural width)``: :meth:`measure` without paddings and
        decorations."""
        style = self._style
        kind = row.kind
        expanded = expanded and kind is RowKind.JSON
        text = self.display_text(row, expanded)
        avail = max(1, width - 2 * PAD_X)
        if natural is None:
            # Measuring the unwrapped width costs as much as a layout: skip it
            # for text that will wrap anyway (a guess; the layout stays exact).
            if len(text) * style.narrow_char > avail:
                natural = math.inf
            else:
                natural = self._natural_width(text, kind)
        if natural <= avail:
            lines = text.count("\n") + 1
        else:
            lines = style.layout(text, kind, avail).lineCount()
        return lines * style.line_for(kind), natural

    def _natural_width(self, text: str, kind: RowKind) -> float:
        """The widest line of ``text`` unwrapped; inf when only a layout can tell."""
        if "\t" in text or len(text) > 2_000:
            return math.inf
        fm = self._style.metrics_for(kind)
        return max(fm.horizontalAdvance(line) for line in text.split("\n"))

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:
        row = index.data(Roles.RowRole)
        if not isinstance(row, Row):
            return super().sizeHint(option, index)
        self.set_font(option.font)
        width = option.rect.width()
        if width <= 0 and option.widget is not None:
            width = option.widget.width()
        expanded = bool(option.state & QStyle.StateFlag.State_Selected)
        code = decoration(row, _previous_row(index))
        height = self.row_height(
            row, width, expanded, grouped=bool(code & GROUPED), new_day=bool(code & NEW_DAY)
        )
        return QSize(width, height)

    # -- painting ----------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        row = index.data(Roles.RowRole)
        if not isinstance(row, Row):
            super().paint(painter, option, index)
            return
        code = decoration(row, _previous_row(index))
        self.paint_row(painter, option, row, code, local_day(row.time.timestamp()))

    def paint_row(
        self, painter: QPainter, option: QStyleOptionViewItem, row: Row, code: int, day: int
    ) -> None:
        """Paint ``row`` in ``option.rect`` with the decorations ``code``; ``day``
        is its local day (``date.toordinal()``), named by the separator."""
        self.set_font(option.font)
        style = self._style
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setClipRect(rect)
        top = rect.top()
        if code & NEW_DAY:
            self._paint_day(painter, rect, date.fromordinal(day), palette, option.locale)
            top += style.day
        body = QRect(rect.left(), top, rect.width(), rect.bottom() - top + 1)
        if selected:
            painter.fillRect(body, palette.brush(QPalette.ColorRole.Highlight))
            text_color = palette.color(QPalette.ColorRole.HighlightedText)
            dim = text_color
        else:
            text_color = palette.color(QPalette.ColorRole.Text)
            dim = palette.color(QPalette.ColorRole.PlaceholderText)
            if row.mention:  # names us: a tint of the accent, on light and dark alike
                tint = blend(
                    palette.color(QPalette.ColorRole.Base),
                    palette.color(QPalette.ColorRole.Highlight),
                    MENTION_TINT,
                )
                painter.fillRect(body, tint)
        if row.mine or row.direction is Direction.OUT:
            accent = text_color if selected else palette.color(QPalette.ColorRole.Highlight)
            painter.fillRect(
                QRect(body.left() + 2, body.top() + 2, BAR_WIDTH, body.height() - 4), accent
            )

        left = rect.left() + PAD_X
        avail = max(1, rect.width() - 2 * PAD_X)
        grouped = continues_group(code)
        y = top + (GROUP_PAD_Y if grouped else PAD_Y)
        text = self.display_text(row, expanded=selected)
        kind = row.kind
        if kind is RowKind.CHAT and not grouped:
            error = text_color if selected else error_color(palette)
            self._paint_header(painter, row, left, y, avail, text_color, dim, error)
            y += style.header
        if kind is RowKind.SYSTEM:
            if selected:
                color = text_color
            elif row.severity is Severity.ERROR:
                color = error_color(palette)
            elif row.severity is Severity.WARNING:
                color = warning_color(palette)
            else:
                color = dim
            self._paint_lines(painter, text, kind, left, y, avail, color, centered=True)
        else:
            self._paint_lines(painter, text, kind, left, y, avail, text_color, centered=False)
        painter.restore()

    def _paint_day(
        self, painter: QPainter, rect: QRect, day: date, palette: QPalette, locale: QLocale
    ) -> None:
        """The separator in the top ``style.day`` pixels of ``rect``: the day's
        name, centred, between two hairlines."""
        style = self._style
        fm = style.fm_bold
        avail = max(1, rect.width() - 2 * PAD_X)
        label = fm.elidedText(self.day_label(day, locale), Qt.TextElideMode.ElideRight, avail)
        label_w = fm.horizontalAdvance(label)
        top = rect.top() + DAY_PAD_Y
        x = rect.left() + (rect.width() - label_w) / 2
        middle = top + style.header // 2
        gap = fm.horizontalAdvance("  ")
        painter.setPen(rule_color(palette))
        if x - gap > rect.left() + PAD_X:
            painter.drawLine(QPointF(rect.left() + PAD_X, middle), QPointF(x - gap, middle))
            end = rect.right() - PAD_X
            painter.drawLine(QPointF(x + label_w + gap, middle), QPointF(end, middle))
        painter.setFont(style.bold)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(QPointF(x, top + fm.ascent()), label)

    def _paint_header(
        self,
        painter: QPainter,
        row: Row,
        left: int,
        top: int,
        avail: int,
        color: QColor,
        dim: QColor,
        error: QColor,
    ) -> None:
        style = self._style
        author, when, mark = self.header_text(row)
        gap = style.fm.horizontalAdvance("  ")
        when_w = style.fm.horizontalAdvance(when)
        mark_w = style.fm.horizontalAdvance(mark) if mark else 0.0
        room = avail - when_w - gap - (mark_w + gap if mark else 0)
        author = style.fm_bold.elidedText(author, Qt.TextElideMode.ElideRight, max(0, room))
        baseline = top + style.fm_bold.ascent()
        x = float(left)
        painter.setFont(style.bold)
        painter.setPen(color)
        painter.drawText(QPointF(x, baseline), author)
        x += style.fm_bold.horizontalAdvance(author) + gap
        painter.setFont(style.base)
        painter.setPen(dim)
        painter.drawText(QPointF(x, baseline), when)
        if mark:
            x += when_w + gap
            painter.setPen(error if row.state is SendState.FAILED else dim)
            painter.drawText(QPointF(x, baseline), mark)

    def _paint_lines(
        self,
        painter: QPainter,
        text: str,
        kind: RowKind,
        left: int,
        top: int,
        avail: int,
        color: QColor,
        centered: bool,
    ) -> None:
        style = self._style
        layout = style.layout(text, kind, avail)
        line_height = style.line_for(kind)
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            x = (avail - line.naturalTextWidth()) / 2 if centered else 0.0
            line.setPosition(QPointF(max(0.0, x), i * line_height))
        painter.setPen(color)
        layout.draw(painter, QPointF(left, top))


def _pair_codes(
    groups_before: Sequence[int],
    groups: Sequence[int],
    days_before: Sequence[int],
    days: Sequence[int],
    kinds: Sequence[int],
) -> list[int]:
    """Decoration codes of rows shown right after others, from the view's base
    arrays (gathered): C-level passes, no Python per row.

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


def _pack_natural(natural: float) -> int:
    """A natural width as whole pixels, rounded up (so "fits" stays exact: the
    available width is whole pixels), in 16 bits."""
    if natural >= _WIDE - 1:
        return _WIDE
    return max(1, math.ceil(natural))  # 0 is "unknown"


def _unpack_natural(packed: int) -> float | None:
    if packed == _UNKNOWN_WIDTH:
        return None
    return math.inf if packed == _WIDE else float(packed)


def _code(row: Row, grouped: bool, new_day: bool) -> int:
    """The decoration code of ``row`` alone, or grouped, or starting a day."""
    code = CHAT if row.kind is RowKind.CHAT else 0
    if grouped and code:
        code |= GROUPED
    return code | NEW_DAY if new_day else code


def _previous_row(index: _ModelIndex) -> Row | None:
    """The row shown above ``index`` in its model (for views other than ours)."""
    r = index.row()
    if r <= 0:
        return None
    previous = index.sibling(r - 1, 0).data(Roles.RowRole)
    return previous if isinstance(previous, Row) else None


class MessageView(QListView):
    """A scrolling list of rows that follows new ones while the user is at the bottom.

    ``MessageView(model, parent)`` (or ``setModel`` later) with a
    :class:`MessageListModel`, or a :class:`MessageFilterModel` over one; the
    view installs its own :class:`MessageDelegate`. Everything works the same
    through the filter: new rows are followed or counted if they pass it,
    and a filter change keeps the first visible row in place when it is still
    shown (or the bottom, when the view was following it). Other models are
    refused (TypeError). :attr:`base_model` is the MessageListModel either way
    (the one to give older history to).

    Signals:
        olderRequested(): the user scrolled to the top; answer with a history
            request and ``base_model.prepend_history(rows)``. Emitted once per arrival
            at the top; re-armed when the view leaves the top or rows are
            prepended. Keep at most one request in flight.
        retryRequested(str): the user chose "Retry" on one of our failed rows;
            the argument is the row's client message id.
    """

    olderRequested = Signal()
    retryRequested = Signal(str)

    #: Within this many pixels of the end counts as "at the bottom".
    BOTTOM_SLACK = 4
    SCROLL_STEP = 20  # pixels per wheel notch / arrow click

    def __init__(
        self,
        model: MessageListModel | MessageFilterModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # State first: the setters below already call our virtual overrides.
        self._model: MessageListModel | MessageFilterModel | None = None
        self._proxy: MessageFilterModel | None = None  # when the model is a filter
        self._base: MessageListModel | None = None  # the rows (the model, or the filter's)
        self._rows: list[Row] = []  # the base's live list
        self._selection: QItemSelectionModel | None = None
        # Per base row (see the module docstring): text height at the layout
        # width, natural width, group value (author and time, for chat rows),
        # local day, and kind bits (CHAT, and GROUPED if it may continue a group).
        self._text = array("i")
        self._natural = array("H")  # see _pack_natural
        self._group = array("i")
        self._day = array("H")  # days since 1970-01-01, local
        self._kind = bytearray()
        # ... and its decoration code if the row shown before it is the base row
        # before it (true of every row without a filter, and most with one).
        self._bcode = bytearray()
        self._author_codes: dict[str, int] = {}
        # Base rows whose text height predates a width or font change (during
        # a long re-wrap), and base inserts/removals announced but not applied.
        self._stale: bytearray | None = None
        self._pending: list[tuple[bool, int, int]] = []
        # Per shown row.
        self._heights = array("i")
        # tops[i] = y of row i; tops[-1] = total height. 32 bits, like the scroll
        # bar's range: a list taller than 2**31 pixels could not scroll anyway.
        self._tops = array("i", [0])
        self._refresh_pos: int | None = None  # next base row of a long re-wrap
        self._refreshing = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh_step)
        self._layout_width = -1
        self._was_at_bottom = True
        self._layout_anchor: tuple[int, int] | None = None  # (base row, offset)
        self._layout_at_bottom: bool | None = None
        self._unseen = 0
        self._older_armed = True
        self._delegate = MessageDelegate(self)
        self._new_button = QPushButton(self.viewport())
        # "Today" becomes "Yesterday" at midnight: repaint then.
        self._midnight = QTimer(self)
        self._midnight.setSingleShot(True)
        self._midnight.timeout.connect(self._on_midnight)
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always on: a scroll bar that comes and goes changes the width, which
        # re-wraps every row, which can make the scroll bar go again.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setAccessibleName(self.tr("Messages"))
        self.setAccessibleDescription(
            self.tr(
                "The conversation, oldest first. Arrow keys move between messages, "
                "Ctrl+C copies the selected one, the context menu offers more."
            )
        )
        self._new_button.setObjectName("newMessagesButton")
        self._new_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._new_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._new_button.hide()
        self._new_button.clicked.connect(self.scroll_to_bottom)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self._arm_midnight()
        if model is not None:
            self.setModel(model)

    # -- public ------------------------------------------------------------------

    @property
    def delegate(self) -> MessageDelegate:
        return self._delegate

    @property
    def new_messages_button(self) -> QPushButton:
        """The floating "N new messages ↓" button (hidden while at the bottom)."""
        return self._new_button

    @property
    def unseen_count(self) -> int:
        """Rows added below while the user was scrolled up."""
        return self._unseen

    @property
    def base_model(self) -> MessageListModel | None:
        """The MessageListModel behind what is shown (the model, or the filter's source)."""
        return self._base

    def setModel(self, model: QAbstractItemModel | None) -> None:
        if model is not None and not isinstance(model, MessageListModel | MessageFilterModel):
            raise TypeError("MessageView shows a MessageListModel, or a MessageFilterModel")
        old = self._model
        if old is not None:
            for signal, slot in self._model_connections(old):
                signal.disconnect(slot)
        if self._selection is not None:
            self._selection.selectionChanged.disconnect(self._on_selection_changed)
            self._selection = None
        super().setModel(model)
        self._model = model
        self._proxy = model if isinstance(model, MessageFilterModel) else None
        if model is not None:
            for signal, slot in self._model_connections(model):
                signal.connect(slot)
            self._selection = self.selectionModel()
            assert self._selection is not None
            self._selection.selectionChanged.connect(self._on_selection_changed)
        self._bind_base()
        self._on_model_reset()

    def _model_connections(
        self, model: MessageListModel | MessageFilterModel
    ) -> list[tuple[Any, Any]]:
        connections: list[tuple[Any, Any]] = [
            (model.rowsAboutToBeInserted, self._on_rows_about_to_be_inserted),
            (model.rowsInserted, self._on_rows_inserted),
            (model.rowsRemoved, self._on_layout_invalid),
            (model.layoutAboutToBeChanged, self._on_layout_about_to_change),
            (model.layoutChanged, self._on_layout_changed),
            (model.modelReset, self._on_model_reset),
        ]
        if isinstance(model, MessageFilterModel):
            connections.append((model.sourceModelChanged, self._bind_base))
        return connections

    def _base_connections(self, base: MessageListModel) -> list[tuple[Any, Any]]:
        return [
            (base.rowsAboutToBeInserted, self._on_base_about_to_insert),
            (base.rowsInserted, self._sync_base),
            (base.rowsAboutToBeRemoved, self._on_base_about_to_remove),
            (base.rowsRemoved, self._sync_base),
            (base.dataChanged, self._on_base_data_changed),
        ]

    def _bind_base(self) -> None:
        """Follow the MessageListModel behind the model (it can change under a filter)."""
        model = self._model
        if isinstance(model, MessageFilterModel):
            source = model.sourceModel()
            base = source if isinstance(source, MessageListModel) else None
        else:
            base = model
        if base is self._base:
            return
        if self._base is not None:
            for signal, slot in self._base_connections(self._base):
                signal.disconnect(slot)
        self._base = base
        self._rows = base.row_list() if base is not None else []
        self._pending.clear()
        if base is not None:
            for signal, slot in self._base_connections(base):
                signal.connect(slot)

    def is_at_bottom(self) -> bool:
        """True when the last row is in view (or everything fits)."""
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - self.BOTTOM_SLACK

    def scroll_to_bottom(self) -> None:
        """Show the newest row and start following new ones again."""
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._set_unseen(0)

    def row_at(self, index: _ModelIndex) -> Row | None:
        """The Row behind ``index`` (of the shown model, or of the base model), or None."""
        if self._model is None or not index.isValid():
            return None
        r = index.row()
        model = index.model()
        if model is self._model and 0 <= r < len(self._heights):
            return self._rows[self._source_of(r)]
        if model is self._base and 0 <= r < len(self._rows):
            return self._rows[r]
        return None

    def shows_header(self, index: _ModelIndex) -> bool:
        """True if the row at ``index`` is a chat row that starts a group (it shows
        the author and time); False for follow-ups and other kinds."""
        r = index.row() if index.isValid() else -1
        if not 0 <= r < len(self._heights):
            return False
        code = self._codes(r, r + 1)[0]
        return bool(code & CHAT) and not continues_group(code)

    def day_separator(self, index: _ModelIndex) -> str | None:
        """The day separator painted above the row at ``index``, or None."""
        r = index.row() if index.isValid() else -1
        if not 0 <= r < len(self._heights) or not self._codes(r, r + 1)[0] & NEW_DAY:
            return None
        day = date.fromordinal(self._day[self._source_of(r)] + _EPOCH_ORDINAL)
        return self._delegate.day_label(day, self.locale())

    def copy_text(self, index: _ModelIndex) -> None:
        """Copy the row's full text (all of a JSON row, even while collapsed)."""
        row = self.row_at(index)
        if row is not None:
            QGuiApplication.clipboard().setText(row.text)

    def copy_raw(self, index: _ModelIndex) -> None:
        """Copy the frame as it travelled (bytes are copied as hex)."""
        row = self.row_at(index)
        if row is None or row.raw is None:
            return
        raw = row.raw
        QGuiApplication.clipboard().setText(raw if isinstance(raw, str) else raw.hex(" "))

    def retry(self, index: _ModelIndex) -> None:
        """Ask (by signal) for one of our failed messages to be sent again."""
        row = self.row_at(index)
        if row is not None and self.can_retry(row):
            assert row.id is not None
            self.retryRequested.emit(row.id)

    @staticmethod
    def can_retry(row: Row) -> bool:
        return row.mine and row.state is SendState.FAILED and row.id is not None

    def context_menu(self, index: _ModelIndex) -> QMenu:
        """The menu for the row at ``index`` (built, not shown: tests inspect it)."""
        menu = QMenu(self)
        row = self.row_at(index)
        if row is None:
            return menu
        target = QPersistentModelIndex(index)
        menu.addAction(self.tr("Copy text")).triggered.connect(lambda: self.copy_text(target))
        if row.raw is not None:
            if isinstance(row.raw, bytes):
                label = self.tr("Copy raw bytes (hex)")
            elif row.kind is RowKind.TEXT:
                label = self.tr("Copy raw text")
            else:
                label = self.tr("Copy raw JSON")
            menu.addAction(label).triggered.connect(lambda: self.copy_raw(target))
        if self.can_retry(row):
            menu.addSeparator()
            menu.addAction(self.tr("Retry")).triggered.connect(lambda: self.retry(target))
        return menu

    # -- events ------------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid():
            return
        menu = self.context_menu(index)
        # popup(), not exec(): no nested event loop under qasync.
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            selection = self.selectionModel()
            rows = selection.selectedRows() if selection is not None else []
            self.copy_text(rows[0] if rows else self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        at_bottom = self.is_at_bottom()
        anchor = self._anchor()
        QAbstractItemView.resizeEvent(self, event)  # not QListView's: it re-lays out all
        if self.viewport().width() != self._layout_width:
            self._rewrap(anchor, at_bottom)
        else:
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        self._place_new_button()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._rewrap(self._anchor(), self.is_at_bottom())

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self._model
        n = len(self._heights)
        if model is None or n == 0:
            return
        offset = self.verticalScrollBar().value()
        area = event.rect()
        width = self.viewport().width()
        first = max(0, bisect_right(self._tops, offset + area.top(), 0, n) - 1)
        end = min(n, bisect_right(self._tops, offset + area.bottom(), 0, n))
        if first >= end:
            return
        codes = self._codes(first, end)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        base_state = option.state
        if self.isActiveWindow():
            base_state |= QStyle.StateFlag.State_Active
        selection = self.selectionModel()
        current = self.currentIndex()
        focus = self.hasFocus()
        rows = self._rows
        painter = QPainter(self.viewport())
        try:
            for r in range(first, end):
                index = model.index(r, 0)
                state = base_state
                if selection is not None and selection.isSelected(index):
                    state |= QStyle.StateFlag.State_Selected
                if focus and index == current:
                    state |= QStyle.StateFlag.State_HasFocus
                option.state = state
                option.rect = QRect(0, self._tops[r] - offset, width, self._heights[r])
                s = self._source_of(r)
                day = self._day[s] + _EPOCH_ORDINAL
                self._delegate.paint_row(painter, option, rows[s], codes[r - first], day)
        finally:
            painter.end()

    # -- QAbstractItemView geometry ---------------------------------------------

    def visualRect(self, index: _ModelIndex) -> QRect:
        if not index.isValid() or not 0 <= index.row() < len(self._heights):
            return QRect()
        r = index.row()
        offset = self.verticalScrollBar().value()
        return QRect(0, self._tops[r] - offset, self.viewport().width(), self._heights[r])

    def indexAt(self, point: QPoint) -> QModelIndex:
        r = self._row_at_y(point.y() + self.verticalScrollBar().value())
        if r is None or self._model is None:
            return QModelIndex()
        return self._model.index(r, 0)

    def scrollTo(
        self,
        index: _ModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if not index.isValid() or not 0 <= index.row() < len(self._heights):
            return
        r = index.row()
        top, height = self._tops[r], self._heights[r]
        bar = self.verticalScrollBar()
        value, page = bar.value(), self.viewport().height()
        hints = QAbstractItemView.ScrollHint
        if hint == hints.PositionAtTop:
            value = top
        elif hint == hints.PositionAtBottom:
            value = top + height - page
        elif hint == hints.PositionAtCenter:
            value = top - (page - height) // 2
        elif top < value:
            value = top
        elif top + height > value + page:
            value = min(top, top + height - page)
        bar.setValue(value)

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: _ModelIndex) -> bool:
        return False

    def moveCursor(
        self,
        cursorAction: QAbstractItemView.CursorAction,
        modifiers: Qt.KeyboardModifier,
    ) -> QModelIndex:
        n = len(self._heights)
        if self._model is None or n == 0:
            return QModelIndex()
        current = self.currentIndex()
        r = current.row() if current.isValid() else -1
        page = self.viewport().height()
        actions = QAbstractItemView.CursorAction
        if cursorAction in (actions.MoveUp, actions.MovePrevious):
            target = n - 1 if r < 0 else r - 1
        elif cursorAction in (actions.MoveDown, actions.MoveNext):
            target = r + 1
        elif cursorAction == actions.MoveHome:
            target = 0
        elif cursorAction == actions.MoveEnd:
            target = n - 1
        elif cursorAction == actions.MovePageUp:
            found = self._row_at_y(max(0, self._tops[max(r, 0)] - page))
            target = 0 if found is None else found
        elif cursorAction == actions.MovePageDown:
            found = self._row_at_y(self._tops[max(r, 0)] + page)
            target = n - 1 if found is None else found
        else:
            target = r
        return self._model.index(min(max(target, 0), n - 1), 0)

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        selection_model = self.selectionModel()
        if self._model is None or selection_model is None:
            return
        rect = rect.normalized()
        offset = self.verticalScrollBar().value()
        first = self._row_at_y(rect.top() + offset)
        last = self._row_at_y(rect.bottom() + offset)
        selection = QItemSelection()
        if first is not None or last is not None:
            n = len(self._heights)
            a = first if first is not None else 0
            b = last if last is not None else n - 1
            selection.select(self._model.index(a, 0), self._model.index(b, 0))
        selection_model.select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        region = QRegion()
        n = len(self._heights)
        offset = self.verticalScrollBar().value()
        visible = self.viewport().rect()
        for part in selection.toList():
            top, bottom = part.top(), min(part.bottom(), n - 1)
            if not 0 <= top <= bottom:
                continue
            y0 = self._tops[top] - offset
            y1 = self._tops[bottom + 1] - offset
            rect = QRect(0, y0, visible.width(), y1 - y0).intersected(visible)
            if not rect.isEmpty():
                region += rect
        return region

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        QAbstractItemView.scrollContentsBy(self, dx, dy)
        if self._new_button.isVisible():
            self._place_new_button()  # QWidget.scroll() moved it with the content

    # QListView answers these model signals by throwing its whole layout away;
    # this view keeps its own (see the model signal handlers below).

    def rowsInserted(self, parent: _ModelIndex, start: int, end: int) -> None:
        QAbstractItemView.rowsInserted(self, parent, start, end)

    def rowsAboutToBeRemoved(self, parent: _ModelIndex, start: int, end: int) -> None:
        QAbstractItemView.rowsAboutToBeRemoved(self, parent, start, end)

    def dataChanged(
        self,
        topLeft: _ModelIndex,
        bottomRight: _ModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        QAbstractItemView.dataChanged(self, topLeft, bottomRight, list(roles))

    def viewportSizeHint(self) -> QSize:
        return QSize(self.viewport().width(), self._tops[-1])

    def updateGeometries(self) -> None:
        self._update_scroll_range()
        QAbstractItemView.updateGeometries(self)  # QListView's would reset the range

    def doItemsLayout(self) -> None:
        # Qt calls this when it thinks the layout may be stale; the model's
        # signals keep it current, so only redo it when it really is stale.
        self._sync_base()
        count = self._model.rowCount() if self._model is not None else 0
        if count != len(self._heights):
            self._on_layout_invalid()
        elif self.viewport().width() != self._layout_width:
            self._rewrap(self._anchor(), self.is_at_bottom())
        QAbstractItemView.doItemsLayout(self)

    # -- base rows -----------------------------------------------------------------

    def _mapping(self) -> array[int] | None:
        """The base row of each shown row; None when every base row is shown
        (no filter, or one that hides nothing): shown row r is base row r."""
        if self._proxy is None:
            return None
        mapping = self._proxy.mapping()
        # Ascending, distinct and in range: as long as the base, it is 0..n-1.
        return None if len(mapping) == len(self._rows) else mapping

    def _source_of(self, r: int) -> int:
        """The base row shown as row ``r``."""
        return r if self._proxy is None else self._proxy.mapping()[r]

    def _shown_range(self, first: int, end: int) -> tuple[int, int]:
        """The shown rows ``[a, b)`` whose base rows lie in ``[first, end)``."""
        mapping = self._mapping()
        if mapping is None:
            return first, min(end, len(self._heights))
        return bisect_left(mapping, first), bisect_left(mapping, end)

    def _on_base_about_to_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._pending.append((True, first, last))

    def _on_base_about_to_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._pending.append((False, first, last))

    def _sync_base(self, *args: object) -> None:
        """Apply the base inserts and removals announced so far that the base has
        made (a filter announces its own rows from inside the base's signal,
        before our handler of that signal runs: every handler starts here)."""
        n = len(self._rows)
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
        if len(self._text) != n:  # out of step: start over
            self._pending.clear()
            self._measure_all()

    def _insert_base(self, first: int, last: int) -> None:
        count = last - first + 1
        if first == len(self._text):  # appended: the common case (in slices: a
            for start in range(first, last + 1, 8_192):  # batch can be huge)
                stop = min(last + 1, start + 8_192)
                texts, naturals = self._measure_base(start, stop, reuse=False)
                groups, days, kinds = self._row_info(self._rows[start:stop])
                self._text.extend(texts)
                self._natural.extend(naturals)
                self._group.extend(groups)
                self._day.extend(days)
                self._kind.extend(kinds)
            self._bcode.extend(bytes(count))
        else:
            texts, naturals = self._measure_base(first, last + 1, reuse=False)
            groups, days, kinds = self._row_info(self._rows[first : last + 1])
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

    def _measure_all(self, reuse: bool = False) -> None:
        """Measure every base row again, now (a reset, or a small list re-wrapped)."""
        self._refresh_pos = None
        self._stale = None
        if self._delegate.set_font(self.font()):
            reuse = False
        self._layout_width = self.viewport().width()
        n = len(self._rows)
        reuse = reuse and len(self._natural) == n
        self._text, self._natural = self._measure_base(0, n, reuse)
        self._group, self._day, self._kind = self._row_info(self._rows)
        self._bcode = self._base_codes(0, n)

    def _measure_base(self, first: int, end: int, reuse: bool) -> tuple[array[int], array[int]]:
        """Text heights and natural widths of base rows ``first..end-1`` (collapsed)
        at the layout width; with ``reuse``, the natural widths known are reused:
        after a width change only text that does not fit on one line is shaped again.
        """
        measure = self._delegate.measure_text
        width = self._layout_width
        naturals = self._natural
        heights: array[int] = array("i")
        widths: array[int] = array("H")
        for s, row in enumerate(self._rows[first:end], first):
            known = _unpack_natural(naturals[s]) if reuse else None
            height, natural = measure(row, width, False, known)
            heights.append(height)
            widths.append(_pack_natural(natural))
        return heights, widths

    def _row_info(self, rows: Sequence[Row]) -> tuple[array[int], array[int], bytearray]:
        """Group values, local days and kind bits of ``rows`` (one pass, no
        temporary list: batches can hold tens of thousands of rows)."""
        codes = self._author_codes
        groups = array("i")
        days = array("i")
        kinds = bytearray()
        for row in rows:
            seconds = local_seconds(row.time.timestamp())
            days.append(min(max(int(seconds // 86_400), 0), 0xFFFF))
            if row.kind is RowKind.CHAT:
                author = group_author(row)
                code = codes.get(author)
                if code is None:
                    code = codes[author] = len(codes) & _AUTHORS
                groups.append(code << _AUTHOR_SHIFT | int(seconds % 86_400))  # _second_of_day
                kinds.append(CHAT | GROUPED if can_join(row) else CHAT)
            else:
                groups.append(_NOT_CHAT)
                kinds.append(0)
        return groups, days, kinds

    def _refresh_info(self, first: int, end: int) -> None:
        """Base rows ``first..end-1`` changed in place: measure them again."""
        if first >= end:
            return
        rows = self._rows[first:end]
        self._delegate.invalidate(rows)
        texts, naturals = self._measure_base(first, end, reuse=False)
        self._text[first:end] = texts
        self._natural[first:end] = naturals
        groups, days, kinds = self._row_info(rows)
        self._group[first:end] = groups
        self._day[first:end] = days
        self._kind[first:end] = kinds
        self._set_base_codes(first, end + 1)  # and the row after them
        if self._stale is not None:
            self._stale[first:end] = bytes(end - first)

    # -- shown rows -----------------------------------------------------------------

    def _base_codes(self, first: int, end: int) -> bytearray:
        """Decoration codes of base rows ``first..end-1``, each after its base predecessor."""
        end = min(end, len(self._kind))
        if first >= end:
            return bytearray()
        lo = max(first, 1)
        group, day = self._group, self._day
        codes = _pair_codes(
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

    def _codes(self, first: int, end: int) -> Sequence[int]:
        """The decoration codes of shown rows ``first..end-1`` (each depends on the
        row shown before it): the base codes, corrected where a filter hides the
        base predecessor, in C-level passes."""
        if first >= end:
            return b""
        mapping = self._mapping()
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
        fixed = _pair_codes(
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

    def _build_heights(self, first: int, end: int) -> array[int]:
        """The heights of shown rows ``first..end-1``: text plus decorations
        (selected JSON rows expanded)."""
        if first >= end:
            return array("i")
        codes = self._codes(first, end)
        extras = self._delegate.extras
        mapping = self._mapping()
        if mapping is None:
            texts: Iterable[int] = self._text[first:end]
        else:
            texts = gather(self._text, mapping[first:end])
        heights = array("i", map(add, texts, map(extras.__getitem__, codes)))
        for r in self._expanded_rows():
            if first <= r < end:
                row = self._rows[self._source_of(r)]
                if row.kind is RowKind.JSON:
                    text = self._delegate.measure_text(row, self._layout_width, True)[0]
                    heights[r - first] = text + extras[codes[r - first]]
        return heights

    def _rebuild(self) -> None:
        """Every shown row's height and top, from the base arrays (no measuring)."""
        n = self._model.rowCount() if self._model is not None else 0
        self._heights = self._build_heights(0, n)
        self._tops = array("i", accumulate(self._heights, initial=0))

    def _update_rows(self, first: int, end: int) -> None:
        """Recompute shown rows ``first..end-1``, keeping the visible content in place."""
        end = min(end, len(self._heights))
        if first >= end:
            return
        heights = self._build_heights(first, end)
        if heights != self._heights[first:end]:
            at_bottom = self.is_at_bottom()
            anchor = self._anchor()
            self._heights[first:end] = heights
            self._retop(first)
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        self.viewport().update()

    def _row_at_y(self, y: int) -> int | None:
        """The row covering content coordinate ``y``, or None."""
        n = len(self._heights)
        if n == 0 or y < 0 or y >= self._tops[n]:
            return None
        return bisect_right(self._tops, y, 0, n) - 1

    def _expanded_rows(self) -> list[int]:
        selection = self.selectionModel()
        if selection is None:
            return []
        return [index.row() for index in selection.selectedRows()]

    def _retop(self, first: int) -> None:
        """Recompute the row tops from row ``first`` down."""
        self._tops[first:] = array(
            "i", accumulate(self._heights[first:], initial=self._tops[first])
        )

    def _relayout(self) -> None:
        """Measure every base row again and rebuild what is shown."""
        self._measure_all()
        self._rebuild()

    # -- re-wrapping -------------------------------------------------------------

    def _rewrap(self, anchor: tuple[int, int] | None, at_bottom: bool) -> None:
        """The width or font changed: wrap every row again.

        A small list is done at once. A long one would freeze the window (about
        0.7 s for 100,000 rows), so the rows in view are done now and the rest
        in slices of a few ms from a zero timer, top to bottom (base rows, so
        rows a filter hides are done too), keeping the visible content in
        place; scrolling meanwhile measures what comes into view first.
        """
        if self._delegate.set_font(self.font()):
            self._natural = array("H", [_UNKNOWN_WIDTH]) * len(self._text)
        self._layout_width = self.viewport().width()
        if len(self._text) <= SYNC_REWRAP_ROWS:
            self._measure_all(reuse=True)
            self._rebuild()
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
            self.viewport().update()
            return
        self._stale = bytearray(b"\x01") * len(self._text)
        self._refresh_pos = 0
        self._refresh_visible(anchor, at_bottom)
        self._refresh_timer.start()

    def _refresh_base(self, first: int, end: int) -> None:
        """Measure the stale base rows among ``first..end-1`` at the current width."""
        stale = self._stale
        if stale is None or first >= end:
            return
        if stale.find(1, first, end) < 0:
            return
        texts, naturals = self._measure_base(first, end, reuse=True)
        self._text[first:end] = texts
        self._natural[first:end] = naturals
        stale[first:end] = bytes(end - first)

    def _refresh_visible(self, anchor: tuple[int, int] | None, at_bottom: bool) -> None:
        """Measure the rows about to be seen now, keeping them in place."""
        n = len(self._heights)
        if n == 0:
            return
        page = self.viewport().height()
        if at_bottom or anchor is None:
            first, seen = n, 0
            while first > 0 and seen < page:
                first -= 1
                s = self._source_of(first)
                self._refresh_base(s, s + 1)
                self._heights[first] = self._build_heights(first, first + 1)[0]
                seen += self._heights[first]
        else:
            first = end = anchor[0]
            seen = -anchor[1]
            while end < n and seen < page:
                s = self._source_of(end)
                self._refresh_base(s, s + 1)
                self._heights[end] = self._build_heights(end, end + 1)[0]
                seen += self._heights[end]
                end += 1
        self._settle(first, anchor, at_bottom)

    def _settle(self, first: int, anchor: tuple[int, int] | None, at_bottom: bool) -> None:
        """Recompute tops from ``first``, then put the view back where it was."""
        self._refreshing = True
        try:
            self._retop(first)
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        finally:
            self._refreshing = False
        self.viewport().update()

    def _refresh_step(self) -> None:
        """One slice of a long re-wrap (see :meth:`_rewrap`)."""
        pos = self._refresh_pos
        n = len(self._text)
        if pos is None or pos >= n:
            self._refresh_pos = None
            self._stale = None
            return
        at_bottom = self.is_at_bottom()
        anchor = self._anchor()
        deadline = time.perf_counter() + REWRAP_SLICE_S
        end = pos
        while end < n and time.perf_counter() < deadline:
            stop = min(n, end + 200)
            self._refresh_base(end, stop)
            end = stop
        first, last = self._shown_range(pos, end)
        if first < last:
            self._heights[first:last] = self._build_heights(first, last)
            self._settle(first, anchor, at_bottom)
        if end >= n:
            self._refresh_pos = None
            self._stale = None
        else:
            self._refresh_pos = end
            self._refresh_timer.start()

    @property
    def rewrapping(self) -> bool:
        """True while a long list is still being re-wrapped after a resize."""
        return self._refresh_pos is not None

    def _anchor(self) -> tuple[int, int] | None:
        """The first visible row and how far into it the view is scrolled."""
        value = self.verticalScrollBar().value()
        r = self._row_at_y(value)
        return None if r is None else (r, value - self._tops[r])

    def _restore(self, anchor: tuple[int, int] | None, at_bottom: bool) -> None:
        if at_bottom:
            self.scroll_to_bottom()
        elif anchor is not None and anchor[0] < len(self._heights):
            r, into = anchor
            self.verticalScrollBar().setValue(self._tops[r] + min(into, self._heights[r]))

    def _update_scroll_range(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setRange(0, max(0, self._tops[-1] - page))
        bar.setPageStep(page)
        bar.setSingleStep(self.SCROLL_STEP)

    # -- model signals -------------------------------------------------------------

    def _on_rows_about_to_be_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        self._was_at_bottom = self.is_at_bottom()

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid() or self._model is None:
            return
        self._sync_base()
        count = last - first + 1
        old_count = len(self._heights)
        if old_count + count != self._model.rowCount():
            self._on_layout_invalid()  # out of step: start over
            return
        anchor = self._anchor()
        bar = self.verticalScrollBar()
        value, page = bar.value(), self.viewport().height()
        new = self._build_heights(first, last + 1)
        shrunk = 0  # how much the decorations of the row after them shrank
        if first == old_count:  # appended: the common case, O(new rows)
            self._heights.extend(new)
            self._tops.extend(islice(accumulate(new, initial=self._tops[-1]), 1, None))
        else:  # above our unsent rows, or history on top
            self._heights[first:first] = new
            # The row now after them follows another row: its decorations (a
            # header, a day separator: on top of its text) may change.
            after = self._build_heights(last + 1, last + 2)[0]
            shrunk = self._heights[last + 1] - after
            self._heights[last + 1] = after
            self._tops[first + 1 : first + 1] = array("i", bytes(4 * count))
            self._retop(first)
        self._update_scroll_range()
        if self._was_at_bottom:
            self.scroll_to_bottom()
        elif anchor is not None and first <= anchor[0]:
            # Above what is shown: keep it in place (its text, if it is the row
            # whose decorations changed).
            r, into = anchor
            into -= shrunk if r == first else 0
            self._restore((r + count, into), at_bottom=False)
        elif self._tops[first] >= value + page:
            self._set_unseen(self._unseen + count)  # below what is shown
        if first == 0 and old_count:
            self._older_armed = True
        self.viewport().update()

    def _on_base_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int] | None = None
    ) -> None:
        self._sync_base()
        first, end = max(0, top_left.row()), min(len(self._rows), bottom_right.row() + 1)
        if first >= end:
            return
        self._refresh_info(first, end)
        shown_first, shown_end = self._shown_range(first, end)
        if shown_first < shown_end:
            # The row after them too: its decorations depend on the last one.
            self._update_rows(shown_first, shown_end + 1)

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        # Selecting a JSON row expands it; only those rows change height.
        n = len(self._heights)
        for part in [*selected.toList(), *deselected.toList()]:
            for r in range(part.top(), min(part.bottom(), n - 1) + 1):
                if self._rows[self._source_of(r)].kind is RowKind.JSON:
                    self._update_rows(r, r + 1)
        current = self.currentIndex()
        if current.isValid():
            self.scrollTo(current)

    def _on_model_reset(self) -> None:
        self._bind_base()
        # A reset may bring another list (the model shows another timeline).
        self._rows = self._base.row_list() if self._base is not None else []
        self._pending.clear()
        self._delegate.invalidate()
        self._relayout()
        self._update_scroll_range()
        self._set_unseen(0)
        self._older_armed = True
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        self.viewport().update()

    def _on_layout_invalid(self, *args: object) -> None:
        self._sync_base()
        at_bottom = self.is_at_bottom()
        self._rebuild()
        self._update_scroll_range()
        if at_bottom:
            self.scroll_to_bottom()
        self.viewport().update()

    def _on_layout_about_to_change(self, *args: object) -> None:
        # Still the old rows: remember the first visible one by its base row.
        self._layout_at_bottom = self.is_at_bottom()
        anchor = self._anchor()
        if anchor is not None and self._base is not None:
            self._layout_anchor = (self._source_of(anchor[0]), anchor[1])
        else:
            self._layout_anchor = None

    def _on_layout_changed(self, *args: object) -> None:
        """The filter changed (or the rows moved): rebuild what is shown, and keep
        the first visible row in place if it is still shown (else the next one
        shown), or the bottom if the view was following it."""
        self._sync_base()
        at_bottom = self._layout_at_bottom
        saved = self._layout_anchor
        self._layout_at_bottom = self._layout_anchor = None
        if at_bottom is None:
            at_bottom = self.is_at_bottom()
        self._rebuild()
        self._update_scroll_range()
        n = len(self._heights)
        if at_bottom or saved is None or n == 0:
            self.scroll_to_bottom()
        else:
            s, into = saved
            r = s if self._proxy is None else bisect_left(self._proxy.mapping(), s)
            if r >= n:
                self.scroll_to_bottom()
            else:
                self._restore((r, into if self._source_of(r) == s else 0), at_bottom=False)
        if self.is_at_bottom():
            self._set_unseen(0)
        self.viewport().update()

    # -- following, the top and midnight --------------------------------------------

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if self._refresh_pos is not None and not self._refreshing:
            self._refresh_visible(self._anchor(), self.is_at_bottom())
        if self._unseen and self.is_at_bottom():
            self._set_unseen(0)
        if value <= 0 and bar.maximum() > 0:
            if self._older_armed:
                self._older_armed = False
                self.olderRequested.emit()
        elif value > 0:
            self._older_armed = True

    def _set_unseen(self, count: int) -> None:
        self._unseen = count
        if count <= 0:
            self._new_button.hide()
            return
        if count == 1:
            text = self.tr("1 new message ↓")
        else:
            text = self.tr("{count} new messages ↓").format(count=f"{count:,}")
        self._new_button.setText(text)
        self._new_button.setAccessibleName(text.rstrip(" ↓"))
        self._new_button.setToolTip(self.tr("Scroll to the newest message"))
        self._place_new_button()
        self._new_button.show()
        self._new_button.raise_()

    def _place_new_button(self) -> None:
        button = self._new_button
        button.adjustSize()
        area = self.viewport().rect()
        margin = 12
        button.move(
            area.right() - button.width() - margin + 1, area.bottom() - button.height() - margin + 1
        )

    def _arm_midnight(self) -> None:
        now = datetime.now().astimezone()
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
        wait = midnight.astimezone() - now
        # At most an hour: a suspended laptop or a clock change is caught up soon.
        self._midnight.start(int(min(wait.total_seconds() + 1, 3600) * 1000))

    def _on_midnight(self) -> None:
        self.viewport().update()  # "Today" is now "Yesterday"
        self._arm_midnight()
