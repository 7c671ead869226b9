"""MessageView and MessageDelegate, as real widgets on the offscreen platform."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QAccessible, QColor, QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from desktop.models import MessageListModel
from desktop.rows import Direction, Row, RowKind, SendState, binary_summary, pretty_json
from desktop.widgets.message_view import (
    JSON_PREVIEW_LINES,
    SYNC_REWRAP_ROWS,
    MessageDelegate,
    MessageView,
    blend,
)
from server.notices import Severity

HOSTILE = "<img src=x onerror=alert(1)> and <b>bold</b> &amp; <i>"


def chat(seq: int | None, text: str = "hello", author: str = "bob", **fields: object) -> Row:
    return Row(kind=RowKind.CHAT, text=text, author=author, seq=seq, **fields)  # type: ignore[arg-type]


def many(first: int, count: int) -> list[Row]:
    return [chat(seq, f"message number {seq}") for seq in range(first, first + count)]


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
    model.extend(rows)
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
    """The rightmost painted x inside row ``r`` (-1 if it is blank)."""
    image = view.viewport().grab().toImage()
    rect = view.visualRect(model_of(view).index(r, 0))
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
    # it is eight characters, so it needs more room than "x" alone.
    short = chat(1, "x " * 60)
    markup = chat(2, "<b>x</b> " * 60)
    add(view, [short, markup])
    assert (
        view.visualRect(model_of(view).index(1, 0)).height()
        > view.visualRect(model_of(view).index(0, 0)).height()
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
    add(view, [chat(1, "short"), chat(2, text)])
    model = model_of(view)
    short = view.visualRect(model.index(0, 0)).height()
    wide = view.visualRect(model.index(1, 0)).height()
    assert wide > short
    view.resize(300, 400)
    narrow = view.visualRect(model.index(1, 0)).height()
    assert narrow > wide
    assert view.visualRect(model.index(0, 0)).height() == short
    # Rows tile the list: each starts where the previous one ends.
    assert (
        view.visualRect(model.index(1, 0)).top() == view.visualRect(model.index(0, 0)).bottom() + 1
    )


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
    for r in (0, 1, len(rows) // 2, len(rows) - 1):
        expected = delegate.measure(model.rows[r], width)[0]
        assert view.visualRect(model.index(r, 0)).height() == expected
    bar = view.verticalScrollBar()
    assert bar.maximum() + view.viewport().height() == sum(
        delegate.measure(row, width)[0] for row in model.rows
    )


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
    point = QPoint(20, 20)
    assert view.row_at(view.indexAt(point)) is top_row

    assert model.prepend_history(many(80, 20)) == 20
    assert view.row_at(view.indexAt(point)) is top_row  # same row under the same pixel
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
    model.set_state("p", SendState.FAILED)
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
    model_of(view).clear()
    assert view.new_messages_button.isHidden()
    assert view.verticalScrollBar().maximum() == 0
    assert not view.indexAt(QPoint(5, 5)).isValid()
    add(view, many(1, 3))
    assert view.indexAt(QPoint(5, 5)).row() == 0


def test_only_a_message_list_model_is_accepted(qtbot: QtBot) -> None:
    from PySide6.QtCore import QStringListModel

    widget = MessageView()
    qtbot.addWidget(widget)
    with pytest.raises(TypeError):
        widget.setModel(QStringListModel(["a"]))
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
