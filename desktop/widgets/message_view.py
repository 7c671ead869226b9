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
…) and routes the model signals past ``QListView``'s layout engine, to a
:class:`~desktop.widgets.row_layout.RowLayout`: the Qt-free engine that keeps
every row's height and top, re-wraps long lists in steps and keeps content in
place (its module docstring tells how). The delegate measures; the engine
adds up; the view moves the scroll bar and paints. QListView's own layout
settings (flow, spacing, grid size, uniform item sizes, word wrap, batched
layout) therefore have no effect here.

**Grouping and days.** A chat row that follows a chat row of the same author
on the same local day, at most ``GROUP_WINDOW_S`` later, continues its group:
it has no header (author, time) and less padding. Our rows still sending or
refused always keep their header (it carries the state). The first shown row
of each local calendar day has a day separator ("Today", "Yesterday",
"Monday, 23 November 2026") painted in its own top part: separators are
decorations, not model rows, so the models and their seq logic never see
them.

**Colours** all come from the view's palette (blends of its roles, so a dark
palette gives a dark list), read on every paint: nothing palette-dependent
is cached, and a palette or style change repaints the whole list. Severity
colours only lean a palette colour towards a hue.

**One view, many conversations.** The window shows each room through one
model whose ``show(timeline)`` is a model reset; :meth:`MessageView.scroll_position`
and :meth:`MessageView.restore_scroll_position` take each room's place along.
A reset measures only the rows about to be seen (the rest get estimated
heights, made exact in slices from the event loop, the content held still
meanwhile), and the measurements of a room are kept while another is shown
(:meth:`RowLayout.reset`, :meth:`RowLayout.park`): a switch costs a few
milliseconds, however long the conversations. Likewise a burst of rows has
only its last page measured, and rows that arrived while another room was
shown are measured when they come into view (issue 20: a million rows).

The view knows neither the app nor the session. It only emits signals:
``olderRequested()`` when the user scrolls to the top, ``retryRequested(id)``
when the user asks to resend one of our failed messages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
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

from roomcast.desktop.filtering import MessageFilterModel
from roomcast.desktop.frames import arrow, compact_size, compact_time
from roomcast.desktop.models import QT_TRANSLATE_NOOP, MessageListModel, Roles
from roomcast.desktop.rows import Direction, Row, RowKind, SendState, frame_size
from roomcast.desktop.widgets.row_layout import CHAT as CHAT
from roomcast.desktop.widgets.row_layout import GROUP_WINDOW_S as GROUP_WINDOW_S
from roomcast.desktop.widgets.row_layout import GROUPED as GROUPED
from roomcast.desktop.widgets.row_layout import NEW_DAY as NEW_DAY
from roomcast.desktop.widgets.row_layout import REWRAP_SLICE_S as REWRAP_SLICE_S
from roomcast.desktop.widgets.row_layout import SYNC_REWRAP_ROWS as SYNC_REWRAP_ROWS
from roomcast.desktop.widgets.row_layout import Anchor, RowLayout, second_of_day
from roomcast.desktop.widgets.row_layout import ScrollPosition as ScrollPosition
from roomcast.desktop.widgets.row_layout import can_join as can_join
from roomcast.desktop.widgets.row_layout import continues_group as continues_group
from roomcast.desktop.widgets.row_layout import local_day as local_day
from roomcast.desktop.widgets.row_layout import local_seconds as local_seconds
from roomcast.server.notices import Severity

_ModelIndex = QModelIndex | QPersistentModelIndex

PAD_X = 10  # left/right padding inside a row
PAD_Y = 4  # top/bottom padding inside a row
GROUP_PAD_Y = 1  # top padding of a row continuing a group (no header)
DAY_PAD_Y = 6  # above and below a day separator's label
BAR_WIDTH = 3  # the accent bar marking our own rows
JSON_PREVIEW_LINES = 4  # a JSON row shows this many lines until it is selected
#: Longer texts are cut for display (Copy text still copies everything): laying
#: out a megabyte of text on every paint would freeze the window.
MAX_SHOWN_CHARS = 20_000

#: The header's mark per send state (English; header_text translates it).
STATE_MARKS = {
    SendState.PENDING: QT_TRANSLATE_NOOP("MessageDelegate", "sending…"),
    SendState.SENT: "✓",
    SendState.FAILED: QT_TRANSLATE_NOOP("MessageDelegate", "failed — right-click to retry"),
}

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


#: Rows that are frames as they travelled: monospaced, with the gutter.
_FRAME_KINDS = frozenset({RowKind.JSON, RowKind.TEXT, RowKind.BINARY, RowKind.CONTROL})


def _mono_kind(kind: RowKind) -> bool:
    return kind in _FRAME_KINDS


def gutter_text(row: Row) -> tuple[str, str]:
    """A frame row's gutter: (direction arrow and local time to the ms, size);
    the size is "" for rows that carry no frame."""
    size = frame_size(row)
    return (
        f"{arrow(row.direction)} {compact_time(row.time)}",
        "" if size is None else compact_size(size),
    )


# -- days and groups (the rules are row_layout's; names are translated here) ---------


def group_author(row: Row) -> str:
    """Who a chat row's header names (and so who its group belongs to)."""
    if row.author:
        return row.author
    return QGuiApplication.translate("MessageDelegate", "you") if row.mine else "?"


def decoration(row: Row, previous: Row | None) -> int:
    """The decoration code (CHAT | GROUPED | NEW_DAY bits) of ``row`` shown
    right after ``previous`` (None: it is the first row shown)."""
    code = CHAT if row.kind is RowKind.CHAT else 0
    ts = row.ts
    if previous is None:
        return code | NEW_DAY
    before = previous.ts
    if local_day(ts) != local_day(before):
        return code | NEW_DAY
    if (
        can_join(row)
        and previous.kind is RowKind.CHAT
        and group_author(previous) == group_author(row)
        and abs(second_of_day(ts) - second_of_day(before)) <= GROUP_WINDOW_S
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
        #: A frame row's gutter: "↓ 14:03:07.123  1023 KiB" and a gap, in mono.
        self.gutter = math.ceil(self.fm_mono.horizontalAdvance("↓ 00:00:00.000 1023 KiB   "))
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
    and :meth:`invalidate` forgets rows. ``MessageView`` keeps per-row arrays
    instead (its ``RowLayout``: a few bytes a row rather than ~100 for dict
    entries), which calls :meth:`measure_text` directly.

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
        avail = max(1, width - 2 * PAD_X - (style.gutter if kind in _FRAME_KINDS else 0))
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
        self.paint_row(painter, option, row, code, local_day(row.ts))

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
        if kind in _FRAME_KINDS:
            self._paint_gutter(painter, row, left, y, dim)
            left += style.gutter
            avail = max(1, avail - style.gutter)
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

    def _paint_gutter(self, painter: QPainter, row: Row, left: int, top: int, dim: QColor) -> None:
        """The arrow, time (ms) and size of a frame, on its first line."""
        style = self._style
        when, size = gutter_text(row)
        fm = style.fm_mono
        baseline = top + fm.ascent()
        painter.setFont(style.mono)
        painter.setPen(dim)
        painter.drawText(QPointF(left, baseline), when)
        if size:
            right = left + style.gutter - fm.horizontalAdvance("  ")
            painter.drawText(QPointF(right - fm.horizontalAdvance(size), baseline), size)

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


#: Events after which every visible row must be painted again (colours and
#: the style's drawing come from them, read at paint time).
_REPAINT_EVENTS = frozenset(
    {
        QEvent.Type.PaletteChange,
        QEvent.Type.ApplicationPaletteChange,
        QEvent.Type.StyleChange,
    }
)


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

    Geometry is :attr:`layout_engine`'s (a :class:`RowLayout`): this class turns
    model signals, resizes and scrolling into its calls, and paints.

    Signals:
        olderRequested(): the user scrolled to the top; answer with a history
            request and ``base_model.timeline.prepend_history(rows)``. Emitted
            once per arrival at the top; re-armed when the view leaves the top
            or rows are prepended. Keep at most one request in flight.
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
        self._selection: QItemSelectionModel | None = None
        self._delegate = MessageDelegate(self)
        delegate = self._delegate
        self._layout = RowLayout(
            delegate.measure_text,
            lambda: delegate.extras,
            author=group_author,
            shown=self._filter_mapping,
            expanded=self._expanded_rows,
        )
        self._refreshing = False  # moving the scroll bar to settle a re-wrap step
        # ... with the content: the pixels on screen stay (see _settle).
        self._quiet_scroll = False
        # Long re-wraps (after a resize, a font change or a model reset) go on
        # in slices from this zero timer.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh_step)
        self._was_at_bottom = True
        self._layout_anchor: Anchor | None = None  # by base row, across a layout change
        self._layout_at_bottom: bool | None = None
        # A restored scroll position holds until the event loop runs again:
        # a model reset or re-layout meanwhile goes back to it (see
        # restore_scroll_position).
        self._target: ScrollPosition | None = None
        self._target_set = False
        self._target_applied = False
        self._target_timer = QTimer(self)
        self._target_timer.setSingleShot(True)
        self._target_timer.setInterval(0)
        self._target_timer.timeout.connect(self._drop_target)
        self._unseen = 0
        self._older_armed = True
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
    def layout_engine(self) -> RowLayout:
        """The row geometry (heights, tops, re-wrapping) this view shows."""
        return self._layout

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

    @property
    def rewrapping(self) -> bool:
        """True while a long list is still being re-wrapped after a resize (or
        measured after a model reset): rows out of view may have estimated heights."""
        return self._layout.rewrapping

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
            (base.modelAboutToBeReset, self._on_base_about_to_reset),
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
        self._layout.bind(base.row_list() if base is not None else [])
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

    def scroll_position(self) -> ScrollPosition:
        """Where the list is scrolled, to :meth:`restore_scroll_position` after
        another conversation was shown (or, ``to_dict()``-ed, after a restart).
        A position restored in this turn of the event loop is still that one."""
        if self._target_set:
            return self._target if self._target is not None else ScrollPosition(at_bottom=True)
        bar = self.verticalScrollBar()
        return self._layout.position(bar.value(), self.is_at_bottom())

    def restore_scroll_position(self, position: ScrollPosition | None) -> None:
        """Scroll back to ``position``: None, or one at the bottom, follows the
        bottom; otherwise the row it names (by seq, else by index) goes back to
        the top, as far into it as it was.

        Call it right after the model showed the conversation (``show()``):
        the position holds until the event loop runs again, so a model reset
        or re-layout that comes after this call (the view may not have seen
        the reset yet) restores it rather than following the bottom. Later
        resizes and inserts keep it as they keep any scroll position.
        """
        self._target = position
        self._target_set = True
        self._target_applied = False
        self._target_timer.start()
        if self._base is not None and self._base.row_list() is not self._layout.rows:
            return  # the model's reset has not reached the view yet: it applies it
        self._sync_base()
        if self._row_count() != self._layout.count:
            self._on_layout_invalid()  # out of step: lays out again, then applies it
        else:
            self._apply_target()

    def row_at(self, index: _ModelIndex) -> Row | None:
        """The Row behind ``index`` (of the shown model, or of the base model), or None."""
        if self._model is None or not index.isValid():
            return None
        r = index.row()
        model = index.model()
        layout = self._layout
        if model is self._model and 0 <= r < layout.count:
            return layout.rows[layout.source_of(r)]
        if model is self._base and 0 <= r < len(layout.rows):
            return layout.rows[r]
        return None

    def shows_header(self, index: _ModelIndex) -> bool:
        """True if the row at ``index`` is a chat row that starts a group (it shows
        the author and time); False for follow-ups and other kinds."""
        r = index.row() if index.isValid() else -1
        if not 0 <= r < self._layout.count:
            return False
        code = self._layout.codes(r, r + 1)[0]
        return bool(code & CHAT) and not continues_group(code)

    def day_separator(self, index: _ModelIndex) -> str | None:
        """The day separator painted above the row at ``index``, or None."""
        layout = self._layout
        r = index.row() if index.isValid() else -1
        if not 0 <= r < layout.count or not layout.codes(r, r + 1)[0] & NEW_DAY:
            return None
        day = date.fromordinal(layout.day(layout.source_of(r)))
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
        self._layout.page = self.viewport().height()
        if self.viewport().width() != self._layout.width:
            self._rewrap(anchor, at_bottom)
        else:
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        self._place_new_button()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        kind = event.type()
        if kind == QEvent.Type.FontChange:
            self._rewrap(self._anchor(), self.is_at_bottom())
        elif kind in _REPAINT_EVENTS:
            # Colours are read from the palette as rows are painted (nothing
            # is cached), so a theme switch needs every visible row painted
            # again. The rows are the viewport's, a child widget: ask for its
            # repaint here rather than count on the view's own update to
            # reach it (text left in the old colours until a scroll).
            self.viewport().update()
            self._place_new_button()  # a style sizes the button anew

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self._model
        layout = self._layout
        if model is None or layout.count == 0:
            return
        offset = self.verticalScrollBar().value()
        area = event.rect()
        width = self.viewport().width()
        first, end = layout.rows_in(offset + area.top(), offset + area.bottom())
        if first >= end:
            return
        codes = layout.codes(first, end)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        base_state = option.state
        if self.isActiveWindow():
            base_state |= QStyle.StateFlag.State_Active
        selection = self.selectionModel()
        current = self.currentIndex()
        focus = self.hasFocus()
        rows, tops, heights = layout.rows, layout.tops, layout.heights
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
                option.rect = QRect(0, tops[r] - offset, width, heights[r])
                s = layout.source_of(r)
                self._delegate.paint_row(painter, option, rows[s], codes[r - first], layout.day(s))
        finally:
            painter.end()

    # -- QAbstractItemView geometry ---------------------------------------------

    def visualRect(self, index: _ModelIndex) -> QRect:
        layout = self._layout
        if not index.isValid() or not 0 <= index.row() < layout.count:
            return QRect()
        r = index.row()
        offset = self.verticalScrollBar().value()
        return QRect(0, layout.tops[r] - offset, self.viewport().width(), layout.heights[r])

    def indexAt(self, point: QPoint) -> QModelIndex:
        r = self._layout.row_at_y(point.y() + self.verticalScrollBar().value())
        if r is None or self._model is None:
            return QModelIndex()
        return self._model.index(r, 0)

    def scrollTo(
        self,
        index: _ModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        layout = self._layout
        if not index.isValid() or not 0 <= index.row() < layout.count:
            return
        r = index.row()
        top, height = layout.tops[r], layout.heights[r]
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
        layout = self._layout
        n = layout.count
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
            found = layout.row_at_y(max(0, layout.tops[max(r, 0)] - page))
            target = 0 if found is None else found
        elif cursorAction == actions.MovePageDown:
            found = layout.row_at_y(layout.tops[max(r, 0)] + page)
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
        first = self._layout.row_at_y(rect.top() + offset)
        last = self._layout.row_at_y(rect.bottom() + offset)
        selection = QItemSelection()
        if first is not None or last is not None:
            n = self._layout.count
            a = first if first is not None else 0
            b = last if last is not None else n - 1
            selection.select(self._model.index(a, 0), self._model.index(b, 0))
        selection_model.select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        region = QRegion()
        n = self._layout.count
        tops = self._layout.tops
        offset = self.verticalScrollBar().value()
        visible = self.viewport().rect()
        for part in selection.toList():
            top, bottom = part.top(), min(part.bottom(), n - 1)
            if not 0 <= top <= bottom:
                continue
            y0 = tops[top] - offset
            y1 = tops[bottom + 1] - offset
            rect = QRect(0, y0, visible.width(), y1 - y0).intersected(visible)
            if not rect.isEmpty():
                region += rect
        return region

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        if self._quiet_scroll:
            return  # the content moved as much: nothing on screen did
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
        return QSize(self.viewport().width(), self._layout.total_height)

    def updateGeometries(self) -> None:
        self._update_scroll_range()
        QAbstractItemView.updateGeometries(self)  # QListView's would reset the range

    def doItemsLayout(self) -> None:
        # Qt calls this when it thinks the layout may be stale; the model's
        # signals keep it current, so only redo it when it really is stale.
        self._sync_base()
        count = self._model.rowCount() if self._model is not None else 0
        if count != self._layout.count:
            self._on_layout_invalid()
        elif self.viewport().width() != self._layout.width:
            self._rewrap(self._anchor(), self.is_at_bottom())
        QAbstractItemView.doItemsLayout(self)

    # -- the layout engine's inputs ----------------------------------------------------

    def _filter_mapping(self) -> Sequence[int] | None:
        """The filter's base row of each shown row; None without a filter."""
        return None if self._proxy is None else self._proxy.mapping()

    def _expanded_rows(self) -> list[int]:
        """Shown rows measured expanded: the selected ones (JSON rows show all
        their lines while selected)."""
        selection = self.selectionModel()
        if selection is None:
            return []
        return [index.row() for index in selection.selectedRows()]

    def _sync_font(self) -> bool:
        """Measure with the view's font; True if it changed (every text height
        and natural width is stale then, here and in the rooms not shown)."""
        if not self._delegate.set_font(self.font()):
            return False
        self._layout.forget_natural_widths()
        return True

    def _layout_is_current(self) -> bool:
        """Has the view seen the model's latest reset (same row list, as many
        rows laid out as the model has)?"""
        if self._base is not None and self._base.row_list() is not self._layout.rows:
            return False
        count = self._model.rowCount() if self._model is not None else 0
        return count == self._layout.count

    # -- base rows -----------------------------------------------------------------

    def _on_base_about_to_reset(self) -> None:
        # Still the rows of the timeline shown: keep their measurements, for
        # when it is shown again.
        if self._base is not None:
            self._layout.park(self._base.timeline)

    def _on_base_about_to_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._layout.announce(True, first, last)

    def _on_base_about_to_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._layout.announce(False, first, last)

    def _sync_base(self, *args: object) -> None:
        """Apply the base inserts and removals announced so far that the base
        has made; start over when out of step."""
        if not self._layout.sync():
            self._measure_all()

    def _measure_all(self, reuse: bool = False) -> None:
        """Measure every base row again, now (a reset, or out of step)."""
        if self._sync_font():
            reuse = False
        self._layout.measure_all(self.viewport().width(), reuse)

    def _update_rows(self, first: int, end: int) -> None:
        """Recompute shown rows ``first..end-1``, keeping the visible content in place."""
        if first >= min(end, self._layout.count):
            return
        at_bottom = self.is_at_bottom()
        anchor = self._anchor()
        if self._layout.update_heights(first, end):
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        self.viewport().update()

    # -- re-wrapping -------------------------------------------------------------

    def _rewrap(self, anchor: Anchor | None, at_bottom: bool) -> None:
        """The width or font changed: wrap every row again.

        A small list is done at once. A long one is done in slices from a zero
        timer (:meth:`RowLayout.rewrap`), the rows in view first, keeping the
        visible content in place; scrolling meanwhile measures what comes into
        view first.
        """
        layout = self._layout
        if layout.rewrap(self.viewport().width(), self._sync_font()):
            layout.rebuild(self._row_count())
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
            self.viewport().update()
            return
        self._refresh_visible(anchor, at_bottom)
        self._refresh_timer.start()

    def _refresh_visible(self, anchor: Anchor | None, at_bottom: bool) -> None:
        """Measure the rows about to be seen now, keeping them in place."""
        page = self.viewport().height()
        screen = self._on_screen()
        if self._layout.refresh_visible(anchor, at_bottom, page) is not None:
            self._settle(anchor, at_bottom, screen)

    def _settle(
        self, anchor: Anchor | None, at_bottom: bool, screen: tuple[int, int, bytes] | None = None
    ) -> None:
        """Rows above or in view changed height: put the view back where it was.
        The scroll bar moves with the content (the pixels stay): the viewport
        is repainted only if what it shows is not ``screen`` (see
        :meth:`_on_screen`) any more."""
        self._refreshing = True
        self._quiet_scroll = True
        try:
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        finally:
            self._refreshing = False
            self._quiet_scroll = False
        if screen is None or self._on_screen() != screen:
            self.viewport().update()

    def _on_screen(self) -> tuple[int, int, bytes]:
        """What the viewport shows: its first row, where that row's top is in it,
        and the heights of the rows in it (equal: the same pixels)."""
        layout = self._layout
        value = self.verticalScrollBar().value()
        first, end = layout.rows_in(value, value + self.viewport().height())
        top = layout.tops[first] - value if first < end else 0
        return first, top, layout.heights[first:end].tobytes()

    def _refresh_step(self) -> None:
        """One slice of a long re-wrap (see :meth:`_rewrap`): rows out of view,
        so usually nothing to repaint."""
        layout = self._layout
        if not layout.rewrapping:
            return
        at_bottom = self.is_at_bottom()
        anchor = self._anchor()
        screen = self._on_screen()
        if layout.rewrap_step(REWRAP_SLICE_S):
            self._settle(anchor, at_bottom, screen)
        if layout.rewrapping:
            self._refresh_timer.start()

    # -- keeping the content in place ------------------------------------------------

    def _anchor(self) -> Anchor | None:
        """The first visible row and how far into it the view is scrolled."""
        return self._layout.anchor(self.verticalScrollBar().value())

    def _restore(self, anchor: Anchor | tuple[int, int] | None, at_bottom: bool) -> None:
        """Back to ``anchor`` (or the bottom); a scroll position restored in
        this turn of the event loop wins over both. During a long re-wrap the
        rows then in view are measured (if not yet), keeping them in place."""
        if self._target_set:
            self._apply_target()
        elif at_bottom:
            self.scroll_to_bottom()
        elif anchor is not None:
            y = self._layout.anchor_y(anchor)
            if y is not None:
                self.verticalScrollBar().setValue(y)
        if self._layout.estimated and not self._refreshing:
            self._refresh_visible(self._anchor(), self.is_at_bottom())

    def _apply_target(self) -> None:
        self._target_applied = True
        layout = self._layout
        target = self._target
        if layout.estimated and target is not None and not target.at_bottom:
            # The rows it shows may have estimated heights: measure them first
            # (its row's top does not move: only rows from it down change).
            s = layout.find(target)
            anchor = None if s is None else layout.from_base_anchor(Anchor(s, target.offset))
            if anchor is not None:
                layout.refresh_visible(anchor, False, self.viewport().height())
                self._update_scroll_range()
        y = layout.position_y(target)
        if y is None:
            self.scroll_to_bottom()
        else:
            refreshing, self._refreshing = self._refreshing, True  # in view: measured
            try:
                self.verticalScrollBar().setValue(y)
            finally:
                self._refreshing = refreshing
            self._set_unseen(0)

    def _drop_target(self) -> None:
        """The event loop ran since the restore: from now on the view keeps its
        place as it keeps any (a resize or insert does not jump back). A target
        still waiting for its reset is applied now if the rows are laid out."""
        if not self._target_applied and self._layout_is_current():
            self._apply_target()
        self._target = None
        self._target_set = False

    def _update_scroll_range(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setRange(0, max(0, self._layout.total_height - page))
        bar.setPageStep(page)
        bar.setSingleStep(self.SCROLL_STEP)

    def _row_count(self) -> int:
        return self._model.rowCount() if self._model is not None else 0

    # -- model signals -------------------------------------------------------------

    def _on_rows_about_to_be_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        self._was_at_bottom = self.is_at_bottom()

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid() or self._model is None:
            return
        self._sync_base()
        layout = self._layout
        count = last - first + 1
        old_count = layout.count
        if old_count + count != self._model.rowCount():
            self._on_layout_invalid()  # out of step: start over
            return
        bar = self.verticalScrollBar()
        value, page = bar.value(), self.viewport().height()
        # Above what is shown, the content stays in place (its text, if the
        # first row shown is the one whose decorations changed).
        moved = layout.insert_shown(first, last, self._anchor())
        self._update_scroll_range()
        if self._was_at_bottom:
            self.scroll_to_bottom()
        elif moved is not None:
            self._restore(moved, at_bottom=False)
        elif layout.tops[first] >= value + page:
            self._set_unseen(self._unseen + count)  # below what is shown
        if first == 0 and old_count:
            self._older_armed = True
        self.viewport().update()

    def _on_base_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int] | None = None
    ) -> None:
        self._sync_base()
        layout = self._layout
        first, end = max(0, top_left.row()), min(len(layout.rows), bottom_right.row() + 1)
        if first >= end:
            return
        self._delegate.invalidate(layout.rows[first:end])
        layout.refresh_info(first, end)
        shown_first, shown_end = layout.shown_range(first, end)
        if shown_first < shown_end:
            # The row after them too: its decorations depend on the last one.
            self._update_rows(shown_first, shown_end + 1)

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        # Selecting a JSON row expands it; only those rows change height.
        layout = self._layout
        n = layout.count
        for part in [*selected.toList(), *deselected.toList()]:
            for r in range(part.top(), min(part.bottom(), n - 1) + 1):
                if layout.rows[layout.source_of(r)].kind is RowKind.JSON:
                    self._update_rows(r, r + 1)
        current = self.currentIndex()
        if current.isValid():
            self.scrollTo(current)

    def _on_model_reset(self) -> None:
        """Another list (the model shows another conversation), or the same
        emptied: lay it out, and show its bottom (or the position restored for
        it), with nothing counted as unseen.

        Only the rows about to be seen are measured now (what was measured of
        this conversation when it was last shown is reused): the rest is
        estimated, and measured in slices from the event loop as after a resize.
        """
        self._bind_base()
        # A reset may bring another list (the model shows another timeline).
        base = self._base
        self._layout.bind(
            base.row_list() if base is not None else [],
            owner=base.timeline if base is not None else None,
        )
        self._layout_anchor = self._layout_at_bottom = None
        self._delegate.invalidate()
        self._sync_font()
        self._refresh_timer.stop()
        self._layout.page = self.viewport().height()
        target = self._target if self._target_set else None
        done = self._layout.reset(
            self.viewport().width(), target, self.viewport().height(), self._row_count()
        )
        self._update_scroll_range()
        self._set_unseen(0)
        self._older_armed = True
        self._restore(None, at_bottom=True)
        if not done:
            self._refresh_timer.start()
        self.viewport().update()

    def _on_layout_invalid(self, *args: object) -> None:
        self._sync_base()
        at_bottom = self.is_at_bottom()
        self._layout.rebuild(self._row_count())
        self._update_scroll_range()
        if self._layout.rewrapping and not self._refresh_timer.isActive():
            self._refresh_timer.start()  # a long list: heights made exact in steps
        if at_bottom or self._target_set:
            self._restore(None, at_bottom=True)
        elif self._layout.estimated and not self._refreshing:
            self._refresh_visible(self._anchor(), False)
        self.viewport().update()

    def _on_layout_about_to_change(self, *args: object) -> None:
        # Still the old rows: remember the first visible one by its base row.
        self._layout_at_bottom = self.is_at_bottom()
        self._layout_anchor = self._layout.base_anchor(self._anchor())

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
        layout = self._layout
        layout.rebuild(self._row_count())
        self._update_scroll_range()
        if layout.rewrapping and not self._refresh_timer.isActive():
            self._refresh_timer.start()  # a long list: heights made exact in steps
        anchor = layout.from_base_anchor(saved) if saved is not None else None
        if at_bottom or anchor is None:
            self._restore(None, at_bottom=True)
        else:
            self._restore(anchor, at_bottom=False)
        if self.is_at_bottom():
            self._set_unseen(0)
        self.viewport().update()

    # -- following, the top and midnight --------------------------------------------

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if self._layout.estimated and not self._refreshing:
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
