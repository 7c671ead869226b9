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

The view knows neither the app nor the session. It only emits signals:
``olderRequested()`` when the user scrolls to the top, ``retryRequested(id)``
when the user asks to resend one of our failed messages.
"""

from __future__ import annotations

import math
import time
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, islice

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
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

from desktop.models import MessageListModel, Roles
from desktop.rows import Direction, Row, RowKind, SendState
from server.notices import Severity

_ModelIndex = QModelIndex | QPersistentModelIndex

PAD_X = 10  # left/right padding inside a row
PAD_Y = 4  # top/bottom padding inside a row
BAR_WIDTH = 3  # the accent bar marking our own rows
JSON_PREVIEW_LINES = 4  # a JSON row shows this many lines until it is selected
#: Longer texts are cut for display (Copy text still copies everything): laying
#: out a megabyte of text on every paint would freeze the window.
MAX_SHOWN_CHARS = 20_000
#: Up to this many rows are re-wrapped at once after a resize (~20 ms); longer
#: lists are re-wrapped in slices of REWRAP_SLICE_S from the event loop.
SYNC_REWRAP_ROWS = 3_000
REWRAP_SLICE_S = 0.008

STATE_MARKS = {
    SendState.PENDING: "sending…",
    SendState.SENT: "✓",
    SendState.FAILED: "failed — right-click to retry",
}

# Hues that severities lean towards; always blended with the palette's text
# colour, so they stay readable on light and dark themes.
_RED = QColor(220, 50, 47)
_AMBER = QColor(215, 140, 0)

_LINE_SEPARATOR = "\u2028"  # QTextLayout breaks lines here, not at "\n"


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
        1.0,
    )


def _mono_kind(kind: RowKind) -> bool:
    return kind in (RowKind.JSON, RowKind.TEXT, RowKind.BINARY)


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
        #: Few texts average under this many pixels a character.
        self.narrow_char = 0.6 * self.fm.averageCharWidth()
        self.option = QTextOption()
        self.option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)

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
    """Paints one row of a :class:`MessageListModel`, always as plain text.

    Sizes: :meth:`measure` computes a row's height (uncached) and its
    *natural width* (the widest line unwrapped), which does not depend on the
    view's width: with it, re-wrapping a short message at a new width needs
    no text shaping. :meth:`row_height` (used by ``sizeHint``, for any view)
    caches heights per row identity, ``id(row)``, for one width and font, in
    one dict for collapsed rows and one for expanded (selected) JSON rows; a
    width or font change clears them and :meth:`invalidate` forgets rows.
    ``MessageView`` keeps its own per-row arrays instead (16 bytes a row
    rather than ~100 for dict entries) and calls :meth:`measure` directly.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._style = _Style(QGuiApplication.font())
        self._width = -1
        self._heights: dict[int, int] = {}
        self._expanded_heights: dict[int, int] = {}

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
            text = f"{text[:MAX_SHOWN_CHARS]}… ({hidden:,} more characters; Copy text has all)"
        return text

    @staticmethod
    def header_text(row: Row) -> tuple[str, str, str]:
        """A chat row's header: (author, local hh:mm, state mark)."""
        author = row.author or ("you" if row.mine else "?")
        when = row.time.astimezone().strftime("%H:%M")
        mark = STATE_MARKS.get(row.state, "") if row.state is not None else ""
        return author, when, mark

    # -- sizes -------------------------------------------------------------------

    def set_font(self, font: QFont) -> bool:
        """Use ``font`` as the base font (the view's). True if it changed (then
        every cached height and natural width is stale)."""
        if font == self._style.base:
            return False
        self._style = _Style(font)
        self.invalidate()
        return True

    def invalidate(self, rows: Iterable[Row] | None = None) -> None:
        """Forget cached heights: of ``rows``, or of every row."""
        if rows is None:
            self._heights.clear()
            self._expanded_heights.clear()
            return
        for row in rows:
            self._heights.pop(id(row), None)
            self._expanded_heights.pop(id(row), None)

    def row_height(self, row: Row, width: int, expanded: bool = False) -> int:
        """The height of ``row`` in a view ``width`` pixels wide (cached by identity)."""
        if width != self._width:
            self._width = width
            self._heights.clear()
            self._expanded_heights.clear()
        expanded = expanded and row.kind is RowKind.JSON
        cache = self._expanded_heights if expanded else self._heights
        height = cache.get(id(row))
        if height is None:
            height = cache[id(row)] = self.measure(row, width, expanded)[0]
        return height

    def measure(
        self, row: Row, width: int, expanded: bool = False, natural: float | None = None
    ) -> tuple[int, float]:
        """``(height, natural width)`` of ``row`` in a view ``width`` pixels wide.

        Pass the natural width a previous call returned (for the same text,
        font and expansion) to skip shaping the text again. A natural width of
        ``inf`` means "always lay it out".
        """
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
        height = 2 * PAD_Y + lines * style.line_for(kind)
        if kind is RowKind.CHAT:
            height += style.header
        return height, natural

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
        return QSize(width, self.row_height(row, width, expanded))

    # -- painting ----------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        row = index.data(Roles.RowRole)
        if not isinstance(row, Row):
            super().paint(painter, option, index)
            return
        self.set_font(option.font)
        style = self._style
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setClipRect(rect)
        if selected:
            painter.fillRect(rect, palette.brush(QPalette.ColorRole.Highlight))
            text_color = palette.color(QPalette.ColorRole.HighlightedText)
            dim = text_color
        else:
            text_color = palette.color(QPalette.ColorRole.Text)
            dim = palette.color(QPalette.ColorRole.PlaceholderText)
        if row.mine or row.direction is Direction.OUT:
            accent = text_color if selected else palette.color(QPalette.ColorRole.Highlight)
            painter.fillRect(
                QRect(rect.left() + 2, rect.top() + 2, BAR_WIDTH, rect.height() - 4), accent
            )

        left = rect.left() + PAD_X
        avail = max(1, rect.width() - 2 * PAD_X)
        y = rect.top() + PAD_Y
        text = self.display_text(row, expanded=selected)
        kind = row.kind
        if kind is RowKind.CHAT:
            error = text_color if selected else blend(text_color, _RED, 0.7)
            self._paint_header(painter, row, left, y, avail, text_color, dim, error)
            y += style.header
        if kind is RowKind.SYSTEM:
            if selected:
                color = text_color
            elif row.severity is Severity.ERROR:
                color = blend(text_color, _RED, 0.7)
            elif row.severity is Severity.WARNING:
                color = blend(text_color, _AMBER, 0.7)
            else:
                color = dim
            self._paint_lines(painter, text, kind, left, y, avail, color, centered=True)
        else:
            self._paint_lines(painter, text, kind, left, y, avail, text_color, centered=False)
        painter.restore()

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


class MessageView(QListView):
    """A scrolling list of rows that follows new ones while the user is at the bottom.

    ``MessageView(model, parent)`` (or ``setModel`` later) with a
    :class:`MessageListModel`; the view installs its own :class:`MessageDelegate`.

    Signals:
        olderRequested(): the user scrolled to the top; answer with a history
            request and ``model.prepend_history(rows)``. Emitted once per arrival
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
        self, model: MessageListModel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        # State first: the setters below already call our virtual overrides.
        self._model: MessageListModel | None = None
        self._selection: QItemSelectionModel | None = None
        self._heights = array("i")  # per model row
        self._tops = array("q", [0])  # tops[i] = y of row i; tops[-1] = total height
        self._natural = array("f")  # per model row: its unwrapped width (see measure)
        self._refresh_pos: int | None = None  # next row of a long re-wrap, if one runs
        self._refreshing = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh_step)
        self._layout_width = -1
        self._was_at_bottom = True
        self._unseen = 0
        self._older_armed = True
        self._delegate = MessageDelegate(self)
        self._new_button = QPushButton(self.viewport())
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always on: a scroll bar that comes and goes changes the width, which
        # re-wraps every row, which can make the scroll bar go again.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._new_button.setObjectName("newMessagesButton")
        self._new_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._new_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._new_button.hide()
        self._new_button.clicked.connect(self.scroll_to_bottom)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
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

    def setModel(self, model: QAbstractItemModel | None) -> None:
        if model is not None and not isinstance(model, MessageListModel):
            raise TypeError("MessageView shows a MessageListModel")
        old = self._model
        if old is not None:
            old.rowsAboutToBeInserted.disconnect(self._on_rows_about_to_be_inserted)
            old.rowsInserted.disconnect(self._on_rows_inserted)
            old.rowsRemoved.disconnect(self._on_layout_invalid)
            old.layoutChanged.disconnect(self._on_layout_invalid)
            old.modelReset.disconnect(self._on_model_reset)
            old.dataChanged.disconnect(self._on_data_changed)
        if self._selection is not None:
            self._selection.selectionChanged.disconnect(self._on_selection_changed)
            self._selection = None
        super().setModel(model)
        self._model = model
        if model is not None:
            model.rowsAboutToBeInserted.connect(self._on_rows_about_to_be_inserted)
            model.rowsInserted.connect(self._on_rows_inserted)
            model.rowsRemoved.connect(self._on_layout_invalid)
            model.layoutChanged.connect(self._on_layout_invalid)
            model.modelReset.connect(self._on_model_reset)
            model.dataChanged.connect(self._on_data_changed)
            self._selection = self.selectionModel()
            assert self._selection is not None
            self._selection.selectionChanged.connect(self._on_selection_changed)
        self._on_model_reset()

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
        """The Row behind ``index``, or None."""
        if self._model is None or not index.isValid():
            return None
        r = index.row()
        rows = self._model.rows
        return rows[r] if 0 <= r < len(rows) else None

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
        menu.addAction("Copy text").triggered.connect(lambda: self.copy_text(target))
        if row.raw is not None:
            if isinstance(row.raw, bytes):
                label = "Copy raw bytes (hex)"
            elif row.kind is RowKind.TEXT:
                label = "Copy raw text"
            else:
                label = "Copy raw JSON"
            menu.addAction(label).triggered.connect(lambda: self.copy_raw(target))
        if self.can_retry(row):
            menu.addSeparator()
            menu.addAction("Retry").triggered.connect(lambda: self.retry(target))
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
        end_y = offset + area.bottom()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        base_state = option.state
        if self.isActiveWindow():
            base_state |= QStyle.StateFlag.State_Active
        selection = self.selectionModel()
        current = self.currentIndex()
        focus = self.hasFocus()
        painter = QPainter(self.viewport())
        try:
            for r in range(first, n):
                top = self._tops[r]
                if top > end_y:
                    break
                index = model.index(r, 0)
                state = base_state
                if selection is not None and selection.isSelected(index):
                    state |= QStyle.StateFlag.State_Selected
                if focus and index == current:
                    state |= QStyle.StateFlag.State_HasFocus
                option.state = state
                option.rect = QRect(0, top - offset, width, self._heights[r])
                self._delegate.paint(painter, option, index)
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
        count = self._model.rowCount() if self._model is not None else 0
        if count != len(self._heights):
            self._relayout(keep_natural=False)
        elif self.viewport().width() != self._layout_width:
            self._rewrap(self._anchor(), self.is_at_bottom())
        QAbstractItemView.doItemsLayout(self)

    # -- layout ------------------------------------------------------------------

    def _row_at_y(self, y: int) -> int | None:
        """The row covering content coordinate ``y``, or None."""
        n = len(self._heights)
        if n == 0 or y < 0 or y >= self._tops[n]:
            return None
        return bisect_right(self._tops, y, 0, n) - 1

    def _expanded_rows(self) -> set[int]:
        selection = self.selectionModel()
        if selection is None:
            return set()
        return {index.row() for index in selection.selectedRows()}

    def _measure_rows(
        self, first: int, last: int, naturals: array[float] | None
    ) -> tuple[array[int], array[float]]:
        """Heights and natural widths of rows ``first..last`` at the layout width.

        ``naturals`` (indexed by row) are reused when given: after a width
        change only text that does not fit on one line is shaped again.
        """
        assert self._model is not None
        measure = self._delegate.measure
        width = self._layout_width
        expanded = self._expanded_rows()
        heights: array[int] = array("i")
        widths: array[float] = array("f")
        for r, row in enumerate(self._model.rows[first : last + 1], first):
            known = naturals[r] if naturals is not None else None
            if known is not None and math.isnan(known):
                known = None  # not measured with this font yet
            if expanded and r in expanded and row.kind is RowKind.JSON:
                # The natural width kept is the collapsed one's.
                height = measure(row, width, True)[0]
                natural = math.inf if known is None else known
            else:
                height, natural = measure(row, width, False, known)
            heights.append(height)
            widths.append(natural)
        return heights, widths

    def _relayout(self, keep_natural: bool = True) -> None:
        """Measure every row again, now (a model reset, or a small list re-wrapped)."""
        self._refresh_pos = None
        font_changed = self._delegate.set_font(self.font())
        self._layout_width = self.viewport().width()
        n = len(self._model.rows) if self._model is not None else 0
        reuse = keep_natural and not font_changed and len(self._natural) == n
        if n:
            heights, naturals = self._measure_rows(0, n - 1, self._natural if reuse else None)
        else:
            heights, naturals = array("i"), array("f")
        self._heights, self._natural = heights, naturals
        self._tops = array("q", accumulate(heights, initial=0))

    def _rewrap(self, anchor: tuple[int, int] | None, at_bottom: bool) -> None:
        """The width or font changed: wrap every row again.

        A small list is done at once. A long one would freeze the window (about
        0.7 s for 100,000 rows), so the rows in view are done now and the rest
        in slices of a few ms from a zero timer, top to bottom, keeping the
        visible content in place; scrolling meanwhile measures what comes into
        view first.
        """
        if self._delegate.set_font(self.font()):
            self._natural = array("f", [math.nan]) * len(self._heights)
        self._layout_width = self.viewport().width()
        if len(self._heights) <= SYNC_REWRAP_ROWS:
            self._relayout()
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
            self.viewport().update()
            return
        self._refresh_pos = 0
        self._refresh_visible(anchor, at_bottom)
        self._refresh_timer.start()

    def _refresh_rows(self, first: int, end: int) -> None:
        """Measure rows ``first..end-1`` at the current width (tops not updated)."""
        if first >= end:
            return
        heights, naturals = self._measure_rows(first, end - 1, self._natural)
        self._heights[first:end] = heights
        self._natural[first:end] = naturals

    def _retop(self, first: int) -> None:
        """Recompute the row tops from row ``first`` down."""
        self._tops[first:] = array(
            "q", accumulate(self._heights[first:], initial=self._tops[first])
        )

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
                self._refresh_rows(first, first + 1)
                seen += self._heights[first]
            end = n
        else:
            first = end = anchor[0]
            seen = -anchor[1]
            while end < n and seen < page:
                self._refresh_rows(end, end + 1)
                seen += self._heights[end]
                end += 1
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
        n = len(self._heights)
        if pos is None or pos >= n:
            self._refresh_pos = None
            return
        at_bottom = self.is_at_bottom()
        anchor = self._anchor()
        deadline = time.perf_counter() + REWRAP_SLICE_S
        end = pos
        while end < n and time.perf_counter() < deadline:
            stop = min(n, end + 200)
            self._refresh_rows(end, stop)
            end = stop
        self._refreshing = True
        try:
            self._retop(pos)
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        finally:
            self._refreshing = False
        self.viewport().update()
        if end >= n:
            self._refresh_pos = None
        else:
            self._refresh_pos = end
            self._refresh_timer.start()

    @property
    def rewrapping(self) -> bool:
        """True while a long list is still being re-wrapped after a resize."""
        return self._refresh_pos is not None

    def _remeasure(self, first: int, last: int, content_changed: bool = True) -> None:
        """Measure rows ``first..last`` again, keeping the visible content in place."""
        if self._model is None or not self._heights:
            return
        last = min(last, len(self._heights) - 1)
        if first > last:
            return
        at_bottom = self.is_at_bottom()
        anchor = self._anchor()
        if content_changed:
            self._delegate.invalidate(self._model.rows[first : last + 1])
        heights, naturals = self._measure_rows(
            first, last, None if content_changed else self._natural
        )
        self._natural[first : last + 1] = naturals
        if heights != self._heights[first : last + 1]:
            self._heights[first : last + 1] = heights
            self._retop(first)
            self._update_scroll_range()
            self._restore(anchor, at_bottom)
        self.viewport().update()

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
        if len(self._heights) != self._model.rowCount() - (last - first + 1):
            self._on_layout_invalid()  # out of step: start over
            return
        new, naturals = self._measure_rows(first, last, None)
        count = len(new)
        old_count = len(self._heights)
        bar = self.verticalScrollBar()
        value, page = bar.value(), self.viewport().height()
        at_y = self._tops[first]  # where the new rows go, in content coordinates
        if first == old_count:  # appended: the common case, O(new rows)
            self._heights.extend(new)
            self._natural.extend(naturals)
            self._tops.extend(islice(accumulate(new, initial=self._tops[-1]), 1, None))
        else:  # above our unsent rows, or history on top
            self._heights[first:first] = new
            self._natural[first:first] = naturals
            self._tops[first + 1 : first + 1] = array("q", bytes(8 * count))
            self._retop(first)
            if self._refresh_pos is not None and first <= self._refresh_pos:
                self._refresh_pos += count
        self._update_scroll_range()
        if self._was_at_bottom:
            self.scroll_to_bottom()
        elif first < old_count and at_y <= value:
            bar.setValue(value + sum(new))  # above what is shown: keep it in place
        elif at_y >= value + page:
            self._set_unseen(self._unseen + count)  # below what is shown
        if first == 0 and old_count:
            self._older_armed = True
        self.viewport().update()

    def _on_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int] | None = None
    ) -> None:
        self._remeasure(top_left.row(), bottom_right.row())

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        # Selecting a JSON row expands it; only those rows change height.
        rows = self._model.rows if self._model is not None else ()
        for part in [*selected.toList(), *deselected.toList()]:
            for r in range(part.top(), min(part.bottom(), len(rows) - 1) + 1):
                if rows[r].kind is RowKind.JSON:
                    self._remeasure(r, r, content_changed=False)
        current = self.currentIndex()
        if current.isValid():
            self.scrollTo(current)

    def _on_model_reset(self) -> None:
        self._delegate.invalidate()
        self._relayout(keep_natural=False)
        self._update_scroll_range()
        self._set_unseen(0)
        self._older_armed = True
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        self.viewport().update()

    def _on_layout_invalid(self, *args: object) -> None:
        at_bottom = self.is_at_bottom()
        self._relayout(keep_natural=False)
        self._update_scroll_range()
        if at_bottom:
            self.scroll_to_bottom()
        self.viewport().update()

    # -- following and the top ---------------------------------------------------

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
        noun = "message" if count == 1 else "messages"
        self._new_button.setText(f"{count:,} new {noun} ↓")
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
