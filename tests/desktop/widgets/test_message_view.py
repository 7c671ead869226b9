"""MessageView and MessageDelegate, as real widgets on the offscreen platform."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QLocale, QPoint, QRect, Qt
from PySide6.QtGui import (
    QAccessible,
    QColor,
    QContextMenuEvent,
    QGuiApplication,
    QImage,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import QApplication, QMenu, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from roomcast.desktop.filtering import MessageFilterModel, RowFilter
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import Direction, Row, RowKind, SendState, binary_summary, pretty_json
from roomcast.desktop.theme import dark_palette as app_dark_palette
from roomcast.desktop.theme import light_palette
from roomcast.desktop.timeline import Timeline
from roomcast.desktop.widgets.message_view import (
    JSON_PREVIEW_LINES,
    NEW_DAY,
    SYNC_REWRAP_ROWS,
    MessageDelegate,
    MessageView,
    ScrollPosition,
    blend,
    continues_group,
    day_label,
    decoration,
    error_color,
    group_author,
    local_day,
    rule_color,
    warning_color,
)
from roomcast.desktop.widgets.row_layout import RowLayout
from roomcast.server.notices import Severity

HOSTILE = "<img src=x onerror=alert(1)> and <b>bold</b> &amp; <i>"


#: 09:00 local time on a fixed day: rows a second apart stay on that day.
MORNING = datetime(2026, 11, 23, 9, 0).astimezone()


def chat(seq: int | None, text: str = "hello", author: str = "bob", **fields: object) -> Row:
    return Row(kind=RowKind.CHAT, text=text, author=author, seq=seq, **fields)  # type: ignore[arg-type]


def many(first: int, count: int) -> list[Row]:
    """Chat rows by bob a second apart: one group, under one day separator."""
    return [
        chat(seq, f"message number {seq}", time=MORNING + timedelta(seconds=seq))
        for seq in range(first, first + count)
    ]


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[MessageView]:
    model = MessageListModel()
    widget = MessageView(model)
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    model.flush()


def model_of(view: MessageView) -> MessageListModel:
    model = view.model()
    assert isinstance(model, MessageListModel)
    return model


def add(view: MessageView, rows: list[Row]) -> None:
    model = model_of(view)
    model.timeline.extend(rows)
    model.flush()


def bar_at_bottom(view: MessageView) -> bool:
    bar = view.verticalScrollBar()
    return bar.maximum() > 0 and bar.value() == bar.maximum()


def ink(view: MessageView) -> int:
    """How many pixels of the grabbed viewport differ from its background."""
    image = view.viewport().grab().toImage()
    background = view.viewport().palette().color(view.viewport().backgroundRole()).rgb()
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixel(x, y) != background
    )


def ink_right_edge(view: MessageView, r: int) -> int:
    """The rightmost painted x inside row ``r`` (-1 if it is blank), below its
    day separator if it has one."""
    image = view.viewport().grab().toImage()
    index = model_of(view).index(r, 0)
    rect = view.visualRect(index)
    if view.day_separator(index) is not None:
        rect.setTop(rect.top() + view.delegate.day_height)
    background = view.viewport().palette().color(view.viewport().backgroundRole()).rgb()
    for x in range(min(rect.right(), image.width() - 1), rect.left() - 1, -1):
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height() - 1) + 1):
            if image.pixel(x, y) != background:
                return x
    return -1


# -- plain text -------------------------------------------------------------------


def test_markup_is_shown_literally(view: MessageView) -> None:
    row = chat(1, HOSTILE)
    add(view, [row, Row(kind=RowKind.SYSTEM, text=HOSTILE, severity=Severity.ERROR)])
    model = model_of(view)
    assert model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == HOSTILE
    assert view.delegate.display_text(row) == HOSTILE
    assert view.delegate.display_text(model.rows[1]) == HOSTILE
    assert view.grab().isNull() is False
    assert ink(view) > 0  # something was painted


def test_markup_is_painted_as_its_characters(view: MessageView) -> None:
    # As rich text "<b>bold</b>" would paint the one word "bold"; as plain text
    # it paints eleven characters, reaching much further right.
    # (Text rows: no header line to reach further than the text itself.)
    rows = [Row(kind=RowKind.TEXT, text=text) for text in ("bold", "<b>bold</b>")]
    add(view, rows)
    word, markup = ink_right_edge(view, 0), ink_right_edge(view, 1)
    assert word > 0
    assert markup - word > 5 * view.fontMetrics().averageCharWidth()


def test_literal_markup_takes_the_room_of_its_characters(view: MessageView) -> None:
    # Rendered as rich text, "<b>x</b>" would be one bold letter: as plain text
    # it is eight characters, so it needs more room than "x" alone. (Both rows
    # have a header and neither a day separator: the same decorations.)
    short = chat(1, "x " * 60, author="ann")
    markup = chat(2, "<b>x</b> " * 60, author="bob")
    add(view, [Row(kind=RowKind.SYSTEM, text="ann joined"), short, markup])
    assert view.shows_header(model_of(view).index(1, 0))
    assert view.day_separator(model_of(view).index(1, 0)) is None
    assert (
        view.visualRect(model_of(view).index(2, 0)).height()
        > view.visualRect(model_of(view).index(1, 0)).height()
    )


def test_every_kind_paints(view: MessageView) -> None:
    data = bytes(range(40))
    rows = [
        chat(1, "plain"),
        chat(None, "ours", author="me", id="a", mine=True, state=SendState.PENDING),
        chat(None, "ours too", author="me", id="b", mine=True, state=SendState.FAILED),
        Row(kind=RowKind.SYSTEM, text="joined", severity=Severity.INFO),
        Row(kind=RowKind.SYSTEM, text="slow", severity=Severity.WARNING),
        Row(kind=RowKind.JSON, text=pretty_json({"a": [1, 2, 3]}), raw='{"a":[1,2,3]}'),
        Row(kind=RowKind.TEXT, text="raw\ttext", raw="raw\ttext", direction=Direction.OUT),
        Row(kind=RowKind.BINARY, text=binary_summary(data), raw=data),
        chat(2, "x" * 3000),  # one long word: wrapped anywhere
    ]
    add(view, rows)
    view.scrollToTop()
    assert not view.grab().isNull()
    view.scroll_to_bottom()
    assert not view.grab().isNull()


def test_state_marks_in_the_header() -> None:
    row = chat(None, "ours", author="me", id="a", mine=True, state=SendState.PENDING)
    assert MessageDelegate.header_text(row)[2] == "sending…"
    row.state = SendState.SENT
    assert MessageDelegate.header_text(row)[2] == "✓"
    row.state = SendState.FAILED
    assert MessageDelegate.header_text(row)[2] == "failed — right-click to retry"
    author, when, mark = MessageDelegate.header_text(chat(1))
    assert (author, mark) == ("bob", "")
    assert len(when) == 5 and when[2] == ":"


def test_json_rows_show_four_lines_until_selected(view: MessageView) -> None:
    text = pretty_json({f"key{i}": i for i in range(10)})
    row = Row(kind=RowKind.JSON, text=text, raw="{}")
    collapsed = MessageDelegate.display_text(row)
    assert collapsed.split("\n") == [*text.split("\n")[:JSON_PREVIEW_LINES], "…"]
    assert MessageDelegate.display_text(row, expanded=True) == text

    add(view, [chat(1), row])
    index = model_of(view).index(1, 0)
    small = view.visualRect(index).height()
    view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    large = view.visualRect(index).height()
    assert large > small
    view.selectionModel().clearSelection()
    assert view.visualRect(index).height() == small
    assert not view.grab().isNull()


def test_rows_wrap_to_the_width(view: MessageView) -> None:
    text = "words that wrap " * 20
    add(view, [Row(kind=RowKind.SYSTEM, text="hi"), chat(1, "short"), chat(2, text, author="ann")])
    model = model_of(view)
    short = view.visualRect(model.index(1, 0)).height()
    wide = view.visualRect(model.index(2, 0)).height()
    assert wide > short
    view.resize(300, 400)
    narrow = view.visualRect(model.index(2, 0)).height()
    assert narrow > wide
    assert view.visualRect(model.index(1, 0)).height() == short
    # Rows tile the list: each starts where the previous one ends.
    for r in (1, 2):
        above = view.visualRect(model.index(r - 1, 0))
        assert view.visualRect(model.index(r, 0)).top() == above.bottom() + 1


def test_a_long_list_is_rewrapped_in_slices(qtbot: QtBot, view: MessageView) -> None:
    rows = many(1, SYNC_REWRAP_ROWS + 500)
    rows[-1].text = "a last message long enough to wrap when narrow " * 4
    add(view, rows)
    assert bar_at_bottom(view)
    view.resize(350, 400)
    if view.viewport().width() < 350:  # resized at once (offscreen): nothing ran since
        assert view.rewrapping  # only the rows in view are done; the rest in slices
    qtbot.waitUntil(lambda: view.viewport().width() < 350 and not view.rewrapping)
    assert bar_at_bottom(view)  # it kept following the bottom
    model = model_of(view)
    delegate = view.delegate
    width = view.viewport().width()

    def expected(r: int) -> int:  # one group of bob's under one day separator
        return delegate.measure(model.rows[r], width, grouped=r > 0, new_day=r == 0)[0]

    for r in (0, 1, len(rows) // 2, len(rows) - 1):
        assert view.visualRect(model.index(r, 0)).height() == expected(r)
    bar = view.verticalScrollBar()
    assert bar.maximum() + view.viewport().height() == sum(map(expected, range(len(rows))))


def test_size_hint_caches_per_row_and_width(view: MessageView) -> None:
    row = chat(1, "cache me " * 30)
    add(view, [row])
    delegate = view.delegate
    first = delegate.row_height(row, 400)
    row.text = "short now"  # not invalidated yet: the cache answers
    assert delegate.row_height(row, 400) == first
    delegate.invalidate([row])
    assert delegate.row_height(row, 400) < first
    assert delegate.row_height(row, 200) == delegate.measure(row, 200)[0]


def test_severity_colours_come_from_the_palette() -> None:
    black, white = QColor("black"), QColor("white")
    assert blend(black, white, 0.0) == black
    assert blend(black, white, 1.0) == white
    assert blend(black, white, 0.5).red() in (127, 128)


# -- following the bottom ----------------------------------------------------------


def test_new_rows_are_followed_while_at_the_bottom(view: MessageView) -> None:
    add(view, many(1, 60))
    assert bar_at_bottom(view)
    add(view, many(61, 5))
    assert bar_at_bottom(view)
    assert view.new_messages_button.isHidden()
    last = model_of(view).index(64, 0)
    assert view.viewport().rect().contains(view.visualRect(last))


def test_rows_added_while_scrolled_up_show_the_button(qtbot: QtBot, view: MessageView) -> None:
    add(view, many(1, 60))
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    before = bar.value()
    add(view, many(61, 3))
    assert bar.value() == before  # not moved
    button = view.new_messages_button
    assert button.isVisible()
    assert button.text() == "3 new messages ↓"
    assert view.viewport().rect().contains(button.geometry())
    add(view, many(64, 1))
    assert button.text() == "4 new messages ↓"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert bar_at_bottom(view)
    assert button.isHidden()
    assert view.unseen_count == 0


def test_the_button_hides_when_the_user_reaches_the_bottom(view: MessageView) -> None:
    add(view, many(1, 60))
    bar = view.verticalScrollBar()
    bar.setValue(10)
    add(view, many(61, 1))
    assert view.new_messages_button.text() == "1 new message ↓"
    bar.setValue(bar.maximum())
    assert view.new_messages_button.isHidden()
    add(view, many(62, 1))
    assert bar_at_bottom(view)  # following again


def test_rows_arriving_above_our_unsent_row_are_followed_or_counted(view: MessageView) -> None:
    ours = chat(None, "on my way", author="me", id="m1", mine=True, state=SendState.PENDING)
    add(view, [*many(1, 60), ours])
    assert bar_at_bottom(view)
    add(view, many(61, 2))  # inserted above our row, not appended
    model = model_of(view)
    assert model.rows[-1] is ours
    assert bar_at_bottom(view)
    assert view.new_messages_button.isHidden()
    view.verticalScrollBar().setValue(0)
    add(view, many(63, 3))
    assert view.verticalScrollBar().value() == 0
    assert view.new_messages_button.text() == "3 new messages ↓"


# -- scroll-back -----------------------------------------------------------------


def test_older_requested_once_per_arrival_at_the_top(qtbot: QtBot, view: MessageView) -> None:
    add(view, many(100, 60))
    requests: list[bool] = []
    view.olderRequested.connect(lambda: requests.append(True))
    bar = view.verticalScrollBar()
    with qtbot.waitSignal(view.olderRequested):
        bar.setValue(0)
    assert requests == [True]
    view.scrollToTop()  # still at the top: no second request
    assert requests == [True]
    bar.setValue(30)
    bar.setValue(0)
    assert requests == [True, True]


def test_prepending_keeps_the_visible_rows_in_place(qtbot: QtBot, view: MessageView) -> None:
    add(view, many(100, 60))
    requests: list[bool] = []
    view.olderRequested.connect(lambda: requests.append(True))
    view.verticalScrollBar().setValue(0)
    assert requests == [True]
    model = model_of(view)
    top_row = model.rows[0]
    # A pixel of its text (its day separator and header go to the older rows).
    point = QPoint(20, view.visualRect(model.index(0, 0)).bottom() - 5)
    assert view.row_at(view.indexAt(point)) is top_row

    assert model.timeline.prepend_history(many(80, 20)) == 20
    assert view.row_at(view.indexAt(point)) is top_row  # same row under the same pixel
    assert view.day_separator(model.index(0, 0)) is not None
    assert view.day_separator(model.index(20, 0)) is None
    assert view.verticalScrollBar().value() > 0
    # Re-armed: reaching the top again asks for the page before.
    view.verticalScrollBar().setValue(0)
    assert requests == [True, True]


def test_nothing_is_requested_while_everything_fits(view: MessageView) -> None:
    requests: list[bool] = []
    view.olderRequested.connect(lambda: requests.append(True))
    add(view, many(1, 2))
    view.scrollToTop()
    assert requests == []


# -- one view, many conversations ------------------------------------------------------


def conversation(first: int, count: int) -> Timeline:
    """A timeline of ``count`` rows of varied lengths (and so heights)."""
    timeline = Timeline()
    rows = many(first, count)
    for row in rows[::7]:
        row.text = "a longer message that wraps onto more lines " * 3
    timeline.extend(rows)
    timeline.flush()
    return timeline


def top_row(view: MessageView) -> tuple[int | None, int]:
    """The seq of the row at the viewport's top, and where its top is."""
    index = view.indexAt(QPoint(5, 0))
    row = view.row_at(index)
    assert row is not None
    return row.seq, view.visualRect(index).top()


def switching_view(qtbot: QtBot, model: MessageListModel, filtered: bool = False) -> MessageView:
    view = MessageView(MessageFilterModel(model) if filtered else model)
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.mark.parametrize("filtered", [False, True], ids=["model", "filter"])
def test_each_conversation_keeps_its_scroll_position(qtbot: QtBot, filtered: bool) -> None:
    a, b = conversation(1, 300), conversation(1_000, 300)
    model = MessageListModel(timeline=a)
    view = switching_view(qtbot, model, filtered)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2 + 7)
    before = top_row(view)
    position = view.scroll_position()
    assert not position.at_bottom
    assert position.anchor_seq == before[0]
    assert position.offset == -before[1]

    model.show(b)  # one model reset: another conversation, at its bottom
    assert bar_at_bottom(view)
    assert view.scroll_position().at_bottom
    model.show(a)
    view.restore_scroll_position(position)
    assert top_row(view) == before
    qtbot.wait(20)  # the event loop runs: whatever Qt does after a reset, too
    assert top_row(view) == before
    assert view.scroll_position() == position
    # And B's bottom comes back as its bottom, following new rows.
    model.show(b)
    view.restore_scroll_position(ScrollPosition(at_bottom=True))
    assert bar_at_bottom(view)
    b.extend(many(2_000, 3))
    model.flush()
    assert bar_at_bottom(view)


def test_a_restored_position_holds_through_what_follows_the_reset(qtbot: QtBot) -> None:
    a, b = conversation(1, 300), conversation(1_000, 300)
    model = MessageListModel(timeline=a)
    saved: list[ScrollPosition] = []
    views: list[MessageView] = []

    def on_reset() -> None:  # connected first: runs before the view sees the reset
        if saved and model.timeline is a:
            views[0].restore_scroll_position(saved[0])

    model.modelReset.connect(on_reset)
    view = switching_view(qtbot, model)
    views.append(view)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    before = top_row(view)
    saved.append(view.scroll_position())
    model.show(b)
    model.show(a)
    assert top_row(view) == before  # the view's own reset handler applied it
    view.doItemsLayout()  # Qt lays out again after a reset
    view.resize(500, 450)  # a taller viewport: the top row stays the top row
    assert top_row(view) == before
    qtbot.wait(20)
    assert top_row(view) == before
    view.resize(420, 450)  # narrower: rows re-wrap, the same row stays on top
    assert top_row(view)[0] == before[0]


def test_restoring_nothing_follows_the_bottom(qtbot: QtBot) -> None:
    a = conversation(1, 300)
    model = MessageListModel(timeline=a)
    view = switching_view(qtbot, model)
    view.verticalScrollBar().setValue(100)
    view.restore_scroll_position(None)
    assert bar_at_bottom(view)
    # A position naming a row no longer held falls back to its index.
    view.restore_scroll_position(ScrollPosition(False, anchor_seq=99_999, anchor_row=10))
    index = model.index(10, 0)
    assert view.indexAt(QPoint(5, 0)) == index
    assert view.visualRect(index).top() == 0
    # Malformed saved data is no position at all: the bottom.
    view.restore_scroll_position(ScrollPosition.from_dict({"at_bottom": "no"}))
    assert bar_at_bottom(view)


def geometry(view: MessageView) -> tuple[list[int], list[int]]:
    """The heights and tops of the view's rows, as laid out now."""
    return list(view.layout_engine.heights), list(view.layout_engine.tops)


def fresh_geometry(view: MessageView) -> tuple[list[int], list[int]]:
    """The heights and tops of the view's rows laid out from scratch, at once."""
    engine = view.layout_engine
    delegate = view.delegate
    fresh = RowLayout(
        delegate.measure_text,
        lambda: delegate.extras,
        author=group_author,
        shown=engine.shown,
        sync_rebuild_rows=1 << 30,  # every height now, not in steps
    )
    fresh.bind(engine.rows)
    fresh.measure_all(view.viewport().width())
    fresh.rebuild()
    return list(fresh.heights), list(fresh.tops)


def visible_rows_exact(view: MessageView) -> bool:
    """Every row in the viewport has the decorations the rule gives it (after
    the row shown above it) and is as high as they and its text say."""
    model = view.model()
    first = view.indexAt(QPoint(5, 0)).row()
    last = view.indexAt(QPoint(5, view.viewport().height() - 1)).row()
    last = model.rowCount() - 1 if last < 0 else last
    assert 0 <= first <= last
    width = view.viewport().width()
    for r in range(first, last + 1):
        index = model.index(r, 0)
        row = view.row_at(index)
        assert row is not None
        code = decoration(row, view.row_at(model.index(r - 1, 0)) if r else None)
        header = row.kind is RowKind.CHAT and not continues_group(code)
        new_day = bool(code & NEW_DAY)
        if view.shows_header(index) != header or (view.day_separator(index) is not None) != new_day:
            return False
        grouped = row.kind is RowKind.CHAT and not header
        want = view.delegate.measure(row, width, grouped=grouped, new_day=new_day)[0]
        if view.visualRect(index).height() != want:
            return False
    return True


class MeasureCounter:
    """Counts the rows a view's layout engine measures."""

    def __init__(self, view: MessageView) -> None:
        self.calls = 0
        engine = view.layout_engine
        self._measure = engine.measure
        engine.measure = self

    def __call__(self, *args: Any) -> tuple[int, float]:
        self.calls += 1
        return self._measure(*args)


def idle(qtbot: QtBot, view: MessageView) -> None:
    """Run the event loop until the view has measured every row."""
    qtbot.waitUntil(lambda: not view.rewrapping, timeout=120_000)


BIG = 20_000


@pytest.mark.parametrize("filtered", [False, True], ids=["model", "filter"])
def test_a_switch_to_a_long_conversation_measures_only_what_is_in_view(
    qtbot: QtBot, filtered: bool
) -> None:
    big = conversation(1, BIG)
    model = MessageListModel(timeline=conversation(50_000, 50))
    view = switching_view(qtbot, model, filtered)
    if filtered:  # hides the long rows and those whose seq ends in 3
        proxy = view.model()
        assert isinstance(proxy, MessageFilterModel)
        proxy.set_filter(RowFilter(text=r"^message number \d*[^3]$", regex=True))
    counter = MeasureCounter(view)
    model.show(big)  # no event loop from here to the asserts: what the user sees first
    assert 0 < view.model().rowCount() < (BIG if filtered else BIG + 1)
    rows_in_view = view.viewport().height() // view.delegate.extra_height(0) + 1
    assert counter.calls <= 2 * rows_in_view  # not BIG
    assert view.rewrapping  # the rest are estimates, measured from the event loop
    assert bar_at_bottom(view)
    assert visible_rows_exact(view)
    idle(qtbot, view)
    assert bar_at_bottom(view)
    assert visible_rows_exact(view)
    # Rows never seen are not measured in the background: 35 µs each, a
    # second per 30,000 rows (issue 20). They are measured as they are seen.
    assert counter.calls <= 2 * rows_in_view
    view.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: visible_rows_exact(view))
    assert counter.calls <= 6 * rows_in_view


@pytest.mark.parametrize("meanwhile", ["nothing", "resized"])
def test_a_restored_position_stays_on_top_while_the_rest_is_measured(
    qtbot: QtBot, meanwhile: str
) -> None:
    a, b = conversation(1, BIG), conversation(50_000, 300)
    model = MessageListModel(timeline=b)
    view = switching_view(qtbot, model)
    model.show(a)  # long: estimated, measured in steps
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    before = top_row(view)
    position = view.scroll_position()
    assert view.rewrapping and not position.at_bottom
    assert visible_rows_exact(view)

    model.show(b)
    if meanwhile == "resized":  # A's rows must be wrapped again when it is back
        view.resize(420, 400)
    model.show(a)
    view.restore_scroll_position(position)
    assert top_row(view) == before
    assert visible_rows_exact(view)
    assert view.rewrapping
    # While the rows above are measured (their heights change), the same row
    # stays on top, as far into it as it was.
    steps = 0
    while view.rewrapping:
        QApplication.processEvents()
        assert top_row(view) == before
        steps += 1
    assert steps > 1
    assert visible_rows_exact(view)  # the rows not seen are measured when they are
    assert view.scroll_position() == position
    # And rows arriving below are counted, not followed.
    a.extend(many(BIG + 1, 2))
    model.flush()
    assert top_row(view) == before
    assert view.unseen_count == 2


def test_new_messages_are_counted_per_conversation(qtbot: QtBot) -> None:
    a, b = conversation(1, 300), conversation(1_000, 300)
    model = MessageListModel(timeline=a)
    view = switching_view(qtbot, model)
    button = view.new_messages_button
    view.verticalScrollBar().setValue(200)
    a.extend(many(500, 5))
    model.flush()
    assert view.unseen_count == 5
    assert button.isVisible()
    position = view.scroll_position()

    model.show(b)  # not B's messages: nothing to count, no button
    assert view.unseen_count == 0
    assert button.isHidden()
    b.extend(many(2_000, 3))
    model.flush()
    assert bar_at_bottom(view)
    assert view.unseen_count == 0

    a.extend(many(600, 2))  # while A is not shown
    model.show(a)
    view.restore_scroll_position(position)
    assert view.unseen_count == 0
    assert button.isHidden()
    assert not bar_at_bottom(view)
    a.extend(many(700, 2))
    model.flush()
    assert view.unseen_count == 2  # counted afresh
    assert button.text() == "2 new messages ↓"


# -- context menu and clipboard ------------------------------------------------------


def test_copy_text_and_raw(view: MessageView) -> None:
    raw = '{"type":"message","seq":1,"content":"<b>hi</b>"}'
    json_text = pretty_json({f"k{i}": i for i in range(8)})
    data = b"\x00\xff"
    add(
        view,
        [
            chat(1, "<b>hi</b>", raw=raw),
            Row(kind=RowKind.JSON, text=json_text, raw="{}"),
            Row(kind=RowKind.BINARY, text=binary_summary(data), raw=data),
        ],
    )
    model = model_of(view)
    clipboard = QGuiApplication.clipboard()
    view.copy_text(model.index(0, 0))
    assert clipboard.text() == "<b>hi</b>"
    view.copy_raw(model.index(0, 0))
    assert clipboard.text() == raw
    view.copy_text(model.index(1, 0))
    assert clipboard.text() == json_text  # all of it, not the collapsed preview
    view.copy_raw(model.index(2, 0))
    assert clipboard.text() == "00 ff"


def test_menu_actions_and_retry(qtbot: QtBot, view: MessageView) -> None:
    failed = chat(None, "again", author="me", id="m7", mine=True, state=SendState.FAILED)
    add(view, [chat(1, "theirs", raw="{}"), failed])
    model = model_of(view)

    theirs = view.context_menu(model.index(0, 0))
    assert [a.text() for a in theirs.actions()] == ["Copy text", "Copy raw JSON"]
    menu = view.context_menu(model.index(1, 0))
    labels = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert labels == ["Copy text", "Retry"]  # no raw frame yet: nothing to copy
    retry = next(a for a in menu.actions() if a.text() == "Retry")
    with qtbot.waitSignal(view.retryRequested) as signal:
        retry.trigger()
    assert signal.args == ["m7"]
    with qtbot.waitSignal(view.retryRequested) as signal:
        view.retry(model.index(1, 0))
    assert signal.args == ["m7"]
    copy = next(a for a in menu.actions() if a.text() == "Copy text")
    copy.trigger()
    assert QGuiApplication.clipboard().text() == "again"


def test_retry_is_only_for_our_failed_rows(qtbot: QtBot, view: MessageView) -> None:
    add(
        view,
        [
            chat(1, "theirs", state=SendState.FAILED),
            chat(None, "sending", author="me", id="p", mine=True, state=SendState.PENDING),
        ],
    )
    emitted: list[str] = []
    view.retryRequested.connect(emitted.append)
    model = model_of(view)
    for r in (0, 1):
        view.retry(model.index(r, 0))
        assert "Retry" not in [a.text() for a in view.context_menu(model.index(r, 0)).actions()]
    assert emitted == []
    model.timeline.set_state("p", SendState.FAILED)
    assert "Retry" in [a.text() for a in view.context_menu(model.index(1, 0)).actions()]


def test_ctrl_c_copies_the_selected_row(qtbot: QtBot, view: MessageView) -> None:
    add(view, [chat(1, "first"), chat(2, "second <b>")])
    index = model_of(view).index(1, 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    assert view.selectionModel().isSelected(index)
    QGuiApplication.clipboard().setText("")
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "second <b>"


def test_keyboard_moves_through_rows(qtbot: QtBot, view: MessageView) -> None:
    add(view, many(1, 40))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == 39
    assert view.viewport().rect().intersects(view.visualRect(view.currentIndex()))


def test_clear_resets_the_view(view: MessageView) -> None:
    add(view, many(1, 60))
    view.verticalScrollBar().setValue(0)
    add(view, many(61, 2))
    assert view.new_messages_button.isVisible()
    model_of(view).timeline.clear()
    assert view.new_messages_button.isHidden()
    assert view.verticalScrollBar().maximum() == 0
    assert not view.indexAt(QPoint(5, 5)).isValid()
    add(view, many(1, 3))
    assert view.indexAt(QPoint(5, 5)).row() == 0


def test_only_message_models_are_accepted(qtbot: QtBot) -> None:
    from PySide6.QtCore import QStringListModel

    widget = MessageView()
    qtbot.addWidget(widget)
    with pytest.raises(TypeError):
        widget.setModel(QStringListModel(["a"]))
    widget.setModel(MessageFilterModel(MessageListModel()))  # a filter over one is fine
    assert QApplication.instance() is not None


def test_a_right_click_pops_up_the_menu_without_blocking(qtbot: QtBot, view: MessageView) -> None:
    failed = chat(None, "again", author="me", id="m7", mine=True, state=SendState.FAILED)
    add(view, [failed])
    center = view.visualRect(model_of(view).index(0, 0)).center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, center, view.viewport().mapToGlobal(center)
    )
    QApplication.sendEvent(view.viewport(), event)  # returns: popup(), not exec()
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == ["Copy text", "Retry"]
    with qtbot.waitSignal(view.retryRequested) as signal:
        next(a for a in menu.actions() if a.text() == "Retry").trigger()
    assert signal.args == ["m7"]
    menu.hide()


def test_screen_readers_see_a_list_of_messages(view: MessageView) -> None:
    add(view, [chat(1, "hello", author="ann"), Row(kind=RowKind.SYSTEM, text="ann joined")])
    iface = QAccessible.queryAccessibleInterface(view)
    assert iface is not None
    assert iface.role() == QAccessible.Role.List
    names = [
        child.text(QAccessible.Text.Name)
        for i in range(iface.childCount())
        if (child := iface.child(i)) is not None and child.role() == QAccessible.Role.ListItem
    ]
    assert len(names) == 2
    assert names[0].startswith("ann, ") and names[0].endswith(": hello")
    assert names[1] == "ann joined"


# -- groups and days -----------------------------------------------------------------


def at(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """A local time in November 2026."""
    return datetime(2026, 11, day, hour, minute, second).astimezone()


def decorations(view: MessageView) -> list[tuple[bool, str | None]]:
    """(shows its header, its day separator) of every row shown."""
    model = view.model()
    return [
        (view.shows_header(index), view.day_separator(index))
        for r in range(model.rowCount())
        if (index := model.index(r, 0)).isValid()
    ]


def heights_match(view: MessageView) -> bool:
    """Every row's height is its text plus the decorations it shows."""
    model = view.model()
    width = view.viewport().width()
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        row = view.row_at(index)
        assert row is not None
        grouped = row.kind is RowKind.CHAT and not view.shows_header(index)
        new_day = view.day_separator(index) is not None
        want = view.delegate.measure(row, width, grouped=grouped, new_day=new_day)[0]
        if view.visualRect(index).height() != want:
            return False
    return True


@pytest.fixture
def english(view: MessageView) -> MessageView:
    view.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    view.delegate.clock = lambda: date(2026, 11, 26)
    return view


def test_a_run_of_one_authors_messages_is_grouped(english: MessageView) -> None:
    view = english
    pending = chat(None, "on my way", author="bob", id="p", mine=True, state=SendState.PENDING)
    pending.time = at(23, 10, 17)
    add(
        view,
        [
            chat(1, "first", time=at(23, 10, 0)),
            chat(2, "second", time=at(23, 10, 2)),
            chat(3, "five minutes on", time=at(23, 10, 7)),
            chat(4, "five minutes and a second on", time=at(23, 10, 12, 1)),
            chat(5, "someone else", author="ann", time=at(23, 10, 13)),
            Row(kind=RowKind.SYSTEM, text="carl joined", time=at(23, 10, 14)),
            chat(6, "after a notice", author="ann", time=at(23, 10, 15)),
            chat(
                7,
                "failed",
                author="ann",
                id="f",
                mine=True,
                state=SendState.FAILED,
                time=at(23, 10, 16),
            ),
            pending,
        ],
    )
    day = "Monday, 23 November 2026"
    assert decorations(view) == [
        (True, day),
        (False, None),  # grouped: no header
        (False, None),  # exactly five minutes after the previous one: still grouped
        (True, None),  # more than five minutes: a new group
        (True, None),  # another author
        (False, None),  # a notice has no header
        (True, None),  # a chat row after a notice starts a group
        (True, None),  # ours and refused: the header says so
        (True, None),  # ours and still sending: the header says so
    ]
    assert heights_match(view)
    model = model_of(view)
    grouped = view.visualRect(model.index(1, 0)).height()
    alone = view.visualRect(model.index(3, 0)).height()
    assert alone - grouped == view.delegate.extra_height(4) - view.delegate.extra_height(6)
    # Sent now, but it follows ann's refused row: it still starts a group.
    assert model.timeline.set_state("p", SendState.SENT, seq=8)
    assert decorations(view)[-1] == (True, None)
    assert heights_match(view)


def test_an_acknowledged_row_joins_the_group_and_heights_follow(
    qtbot: QtBot, english: MessageView
) -> None:
    view = english
    ours = chat(None, "mine", author="bob", id="p", mine=True, state=SendState.PENDING)
    ours.time = at(23, 10, 1)
    add(view, [chat(1, "first", time=at(23, 10, 0)), ours])
    assert decorations(view)[1] == (True, None)
    before = view.visualRect(model_of(view).index(1, 0)).height()
    model_of(view).timeline.set_state("p", SendState.SENT, seq=2)
    assert decorations(view)[1] == (False, None)
    assert view.visualRect(model_of(view).index(1, 0)).height() < before
    assert heights_match(view)
    assert view.verticalScrollBar().maximum() == 0  # it all fits: nothing left over


def test_day_separators_sit_above_the_first_row_of_each_local_day(english: MessageView) -> None:
    view = english
    add(
        view,
        [
            chat(1, "late", time=at(23, 23, 58)),
            chat(2, "later", time=at(23, 23, 59, 30)),
            chat(3, "past midnight", time=at(24, 0, 0, 10)),  # 40 s on, but a new day
            Row(kind=RowKind.SYSTEM, text="bob left", time=at(24, 9, 0)),
            chat(4, "next day", time=at(25, 12, 0)),
            Row(kind=RowKind.JSON, text="{}", time=at(26, 8, 0)),
            chat(5, "today", time=at(26, 8, 1)),
        ],
    )
    assert decorations(view) == [
        (True, "Monday, 23 November 2026"),
        (False, None),
        (True, "Tuesday, 24 November 2026"),  # the separator starts a new group
        (False, None),
        (True, "Yesterday"),
        (False, "Today"),
        (True, None),
    ]
    assert heights_match(view)
    model = model_of(view)
    # The separator is painted in the row's own top part.
    first = view.visualRect(model.index(0, 0))
    second = view.visualRect(model.index(1, 0))
    assert second.top() == first.bottom() + 1
    band = view.viewport().grab(first.adjusted(0, 0, 0, view.delegate.day_height - first.height()))
    image = band.toImage()
    background = view.viewport().palette().color(view.viewport().backgroundRole()).rgb()
    assert any(
        image.pixel(x, y) != background for y in range(image.height()) for x in range(image.width())
    )
    # Midnight passes: the names change, the heights do not.
    heights = [view.visualRect(model.index(r, 0)).height() for r in range(model.rowCount())]
    view.delegate.clock = lambda: date(2026, 11, 27)
    assert [label for _, label in decorations(view) if label] == [
        "Monday, 23 November 2026",
        "Tuesday, 24 November 2026",
        "Wednesday, 25 November 2026",
        "Yesterday",
    ]
    assert heights == [view.visualRect(model.index(r, 0)).height() for r in range(7)]


def test_day_labels() -> None:
    today = date(2026, 11, 26)
    uk = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    assert day_label(today, today, uk) == "Today"
    assert day_label(date(2026, 11, 25), today, uk) == "Yesterday"
    assert day_label(date(2026, 11, 23), today, uk) == "Monday, 23 November 2026"
    assert day_label(date(2026, 11, 27), today, uk) == "Friday, 27 November 2026"
    assert day_label(date(2025, 1, 5), today, uk) == "Sunday, 5 January 2025"


def test_rows_arriving_across_midnight_and_above_keep_heights_right(english: MessageView) -> None:
    view = english
    add(view, [chat(1, "a", time=at(24, 23, 59)), chat(2, "b", time=at(24, 23, 59, 50))])
    add(view, [chat(3, "c", time=at(25, 0, 0, 20))])  # appended across midnight
    assert decorations(view) == [
        (True, "Tuesday, 24 November 2026"),
        (False, None),
        (True, "Yesterday"),
    ]
    # History on top, the same day as the first row: its separator moves up.
    model = model_of(view)
    assert model.timeline.prepend_history([chat(0, "older", time=at(24, 23, 58))]) == 1
    assert decorations(view)[:2] == [(True, "Tuesday, 24 November 2026"), (False, None)]
    assert heights_match(view)
    bar = view.verticalScrollBar()
    total = view.visualRect(model.index(3, 0)).bottom() + 1 + bar.value()
    assert bar.maximum() == max(0, total - view.viewport().height())


def test_decorations_follow_the_rows_a_filter_shows(qtbot: QtBot) -> None:
    model = MessageListModel()
    model.timeline.extend(
        [
            chat(1, "hello", time=at(23, 10, 0)),
            chat(2, "interruption", author="ann", time=at(23, 10, 1)),
            chat(3, "hello again", time=at(23, 10, 2)),
            chat(4, "only ann on the 24th", author="ann", time=at(24, 10, 0)),
            chat(5, "hello on the 25th", time=at(25, 10, 0)),
        ]
    )
    model.flush()
    proxy = MessageFilterModel(model)
    view = MessageView(proxy)
    qtbot.addWidget(view)
    view.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    view.delegate.clock = lambda: date(2026, 11, 26)
    view.resize(600, 400)
    view.show()
    assert [header for header, _ in decorations(view)] == [True, True, True, True, True]
    proxy.set_filter(RowFilter(text="hello"))  # ann's rows hidden
    assert decorations(view) == [
        (True, "Monday, 23 November 2026"),
        (False, None),  # now right after bob's first row: grouped
        (True, "Yesterday"),  # the 24th shows nothing: no separator for it
    ]
    assert heights_match(view)
    proxy.set_filter(RowFilter())
    assert [header for header, _ in decorations(view)] == [True, True, True, True, True]
    assert heights_match(view)


def test_fast_decorations_agree_with_the_rule(qtbot: QtBot) -> None:
    """The view's C-level passes give each row the decorations decoration()
    gives it, for random rows and filters (and so the same heights)."""
    rng = random.Random(5)
    when = at(23, 20, 0)
    rows: list[Row] = []
    for seq in range(1, 600):
        when += timedelta(seconds=rng.choice([0, 30, 200, 299, 300, 301, 900, 3 * 3600]))
        roll = rng.random()
        if roll < 0.75:
            state = rng.choice([None, None, SendState.SENT, SendState.PENDING, SendState.FAILED])
            rows.append(
                chat(
                    seq,
                    rng.choice(["hi", "yo", "hello"]),
                    author=rng.choice(["ann", "bob"]),
                    time=when,
                    state=state,
                )
            )
        else:
            rows.append(Row(kind=rng.choice([RowKind.SYSTEM, RowKind.TEXT]), text="x", time=when))
    model = MessageListModel()
    model.timeline.extend(rows)
    model.flush()
    proxy = MessageFilterModel(model)
    view = MessageView(proxy)
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    for f in [RowFilter(), RowFilter(text="h"), RowFilter(text="hello"), RowFilter(text="bob")]:
        proxy.set_filter(f)
        previous: Row | None = None
        for r in range(proxy.rowCount()):
            index = proxy.index(r, 0)
            row = view.row_at(index)
            assert row is not None
            code = decoration(row, previous)
            assert view.shows_header(index) == (
                row.kind is RowKind.CHAT and not continues_group(code)
            ), (f, r)
            assert (view.day_separator(index) is not None) == bool(code & NEW_DAY), (f, r)
            previous = row
        assert heights_match(view)


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset")
@pytest.mark.parametrize(
    "zone", ["Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe"]
)
def test_local_days_follow_the_time_zone_and_its_changes(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roomcast.desktop.widgets.row_layout as row_layout

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    monkeypatch.setattr(row_layout, "_offsets", {})
    try:
        start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
        for step in range(0, 366 * 24 * 3600, 3_607):  # every hour and a bit, a year long
            ts = start + step
            assert local_day(ts) == datetime.fromtimestamp(ts).date().toordinal(), (zone, ts)
    finally:
        monkeypatch.undo()
        time.tzset()


# -- colours ---------------------------------------------------------------------


def luminance(color: QColor) -> float:
    """WCAG relative luminance."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#202124",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Button: "#2d2e31",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#8ab4f8",
        QPalette.ColorRole.HighlightedText: "#17181a",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, name in roles.items():
        palette.setColor(role, QColor(name))
    return palette


def test_a_dark_palette_gives_light_text_on_a_dark_list(english: MessageView) -> None:
    view = english
    view.setPalette(dark_palette())
    rows = [
        chat(1, "plain words here", time=at(26, 8, 0)),
        chat(
            None,
            "mine, failed",
            author="me",
            id="f",
            mine=True,
            state=SendState.FAILED,
            time=at(26, 8, 1),
            direction=Direction.OUT,
        ),
        Row(
            kind=RowKind.SYSTEM, text="an error notice", severity=Severity.ERROR, time=at(26, 8, 2)
        ),
        Row(
            kind=RowKind.SYSTEM,
            text="a warning notice",
            severity=Severity.WARNING,
            time=at(26, 8, 3),
        ),
        Row(kind=RowKind.SYSTEM, text="someone joined", severity=Severity.INFO, time=at(26, 8, 4)),
        Row(kind=RowKind.JSON, text=pretty_json({"a": 1}), time=at(26, 8, 5)),
        Row(kind=RowKind.TEXT, text="raw text frame", time=at(26, 8, 6)),
    ]
    add(view, rows)
    view.scrollToTop()
    base = dark_palette().color(QPalette.ColorRole.Base)
    image = view.viewport().grab().toImage()
    assert QColor(image.pixel(image.width() - 2, image.height() - 2)) == base  # the background
    model = model_of(view)
    for r in range(model.rowCount()):
        rect = view.visualRect(model.index(r, 0)).intersected(view.viewport().rect())
        ink = [
            QColor(image.pixel(x, y))
            for y in range(rect.top(), rect.bottom() + 1)
            for x in range(rect.left(), rect.right() + 1)
            if image.pixel(x, y) != base.rgb()
        ]
        assert ink, r
        # Nothing is darker than the dark background (no black text anywhere)...
        assert min(luminance(c) for c in ink) >= luminance(base) - 1e-9, r
        # ...and the text itself stands out from it.
        assert max(contrast(c, base) for c in ink) >= 4.5, r


def text_lightness(image: QImage, rect: QRect, background: QColor) -> tuple[int, int]:
    """The darkest and the lightest lightness among ``rect``'s pixels that are not
    the background (the text's ink)."""
    values = [
        QColor(image.pixel(x, y)).lightness()
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height() - 1) + 1)
        for x in range(max(rect.left(), 0), min(rect.right(), image.width() - 1) + 1)
        if image.pixel(x, y) != background.rgb()
    ]
    assert values
    return min(values), max(values)


def test_switching_the_application_to_dark_repaints_the_text_light(
    qtbot: QtBot, english: MessageView, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme switch is an application palette change: the rows on screen
    must be repainted in the new colours at once, not at the next scroll."""
    view = english
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = app.palette()
    painted: list[str] = []
    paint_row = view.delegate.paint_row

    def spy(painter: QPainter, option: QStyleOptionViewItem, *args: Any) -> None:
        painted.append(option.palette.color(QPalette.ColorRole.Text).name())
        paint_row(painter, option, *args)  # the colours it paints with

    try:
        app.setPalette(light_palette())
        add(view, many(1, 40))
        qtbot.wait(10)
        light = app.palette()
        viewport = view.viewport()
        index = model_of(view).index(model_of(view).rowCount() - 1, 0)
        rect = view.visualRect(index)
        assert viewport.rect().contains(rect)
        darkest, _ = text_lightness(
            viewport.grab().toImage(), rect, light.color(QPalette.ColorRole.Base)
        )
        assert darkest < 60  # dark text on light

        monkeypatch.setattr(view.delegate, "paint_row", spy)
        app.setPalette(app_dark_palette())
        dark = app.palette()
        qtbot.waitUntil(lambda: bool(painted))  # repainted by itself, no scroll
        assert set(painted) == {dark.color(QPalette.ColorRole.Text).name()}
        assert view.palette().color(QPalette.ColorRole.Text) == dark.color(QPalette.ColorRole.Text)
        # What is on screen (the window's backing store), not just a fresh render.
        origin = viewport.mapTo(view, QPoint(0, 0))
        screen = view.screen().grabWindow(
            view.winId(), origin.x(), origin.y(), viewport.width(), viewport.height()
        )
        for image in (screen.toImage(), viewport.grab().toImage()):
            assert not image.isNull()
            _, lightest = text_lightness(image, rect, dark.color(QPalette.ColorRole.Base))
            assert lightest > 180  # light text on dark
            corner = QColor(image.pixel(image.width() - 3, image.height() - 3))
            assert corner == dark.color(QPalette.ColorRole.Base)
    finally:
        monkeypatch.undo()
        app.setPalette(saved)


def test_every_colour_is_a_palette_colour_or_a_blend_of_them() -> None:
    dark = dark_palette()
    text = dark.color(QPalette.ColorRole.Text)
    base = dark.color(QPalette.ColorRole.Base)
    for color in (error_color(dark), warning_color(dark)):
        assert contrast(color, base) >= 4.5  # text: as readable as normal text
    assert 1.5 <= contrast(rule_color(dark), base) < 3.0  # a hairline: visible, quiet
    assert error_color(dark).red() > error_color(dark).green()
    assert rule_color(dark) == blend(base, text, 0.25)
    light = QPalette(QColor("#f0f0f0"))
    assert error_color(light) != error_color(dark)


# -- accessibility -------------------------------------------------------------------


def test_the_list_names_itself_and_describes_its_rows(view: MessageView) -> None:
    add(view, [chat(1, "hi", author="ann"), Row(kind=RowKind.JSON, text="{}")])
    assert view.accessibleName() == "Messages"
    assert view.accessibleDescription().startswith("The conversation, oldest first.")
    iface = QAccessible.queryAccessibleInterface(view)
    assert iface is not None
    descriptions = [
        child.text(QAccessible.Text.Description)
        for i in range(iface.childCount())
        if (child := iface.child(i)) is not None and child.role() == QAccessible.Role.ListItem
    ]
    assert descriptions == ["chat message, received", "JSON frame, received"]
