"""FilterBar (Ctrl+F): the find bar's controls, the filters it emits, and a view it filters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from roomcast.desktop.filtering import ALL_KINDS, MessageFilterModel, RowFilter
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import Direction, Row, RowKind
from roomcast.desktop.widgets.filter_bar import DEBOUNCE_MS, FilterBar
from roomcast.desktop.widgets.message_view import MessageView
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands

BAD_REGEX = "invalid regular expression: missing ), unterminated subpattern at position 0"


@pytest.fixture
def bar(qtbot: QtBot) -> FilterBar:
    widget = FilterBar()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activate()
    return widget


def test_typing_emits_the_filter_after_a_pause(qtbot: QtBot, bar: FilterBar) -> None:
    emitted: list[RowFilter] = []
    bar.filterChanged.connect(emitted.append)
    with qtbot.waitSignal(bar.filterChanged, timeout=2_000) as signal:
        qtbot.keyClicks(bar.search, "hello")
        assert emitted == []  # debounced: nothing while typing
    assert signal.args == [RowFilter(text="hello")]
    assert emitted == [RowFilter(text="hello")]  # one filter for five keystrokes
    assert bar.applied == RowFilter(text="hello")
    assert bar.search.placeholderText() == "Search messages and authors"
    assert DEBOUNCE_MS == 120


def test_the_other_controls_apply_at_once(qtbot: QtBot, bar: FilterBar) -> None:
    with qtbot.waitSignal(bar.filterChanged, timeout=0) as signal:
        bar.kind_boxes[RowKind.JSON].setChecked(False)
    assert signal.args == [RowFilter(kinds=ALL_KINDS - {RowKind.JSON})]
    with qtbot.waitSignal(bar.filterChanged, timeout=0) as signal:
        bar.direction_combo.setCurrentIndex(2)
    assert bar.direction_combo.currentText() == "Sent"
    assert signal.args == [
        RowFilter(kinds=ALL_KINDS - {RowKind.JSON}, directions=frozenset({Direction.OUT}))
    ]
    with qtbot.waitSignal(bar.filterChanged, timeout=0) as signal:
        qtbot.mouseClick(bar.regex_box, Qt.MouseButton.LeftButton)
    assert signal.args[0].regex is True


def test_an_invalid_regex_is_reported_and_not_applied(qtbot: QtBot, bar: FilterBar) -> None:
    bar.regex_box.setChecked(True)
    emitted: list[RowFilter] = []
    bar.filterChanged.connect(emitted.append)
    qtbot.keyClicks(bar.search, "(")
    assert bar.error == BAD_REGEX  # at once, while typing
    assert bar.error_label.isVisible()
    assert bar.error_label.text() == BAD_REGEX
    qtbot.wait(DEBOUNCE_MS + 100)
    assert emitted == []  # the last valid filter stays applied
    with qtbot.waitSignal(bar.filterChanged, timeout=2_000) as signal:
        qtbot.keyClicks(bar.search, "a)")
    assert signal.args == [RowFilter(text="(a)", regex=True)]
    assert bar.error == "" and bar.error_label.isHidden()


def test_esc_clears_and_closes(qtbot: QtBot, bar: FilterBar) -> None:
    with qtbot.waitSignal(bar.filterChanged, timeout=2_000):
        qtbot.keyClicks(bar.search, "x")
    bar.kind_boxes[RowKind.CHAT].setChecked(False)
    emitted: list[object] = []
    bar.filterChanged.connect(emitted.append)
    bar.closed.connect(lambda: emitted.append("closed"))
    qtbot.keyClick(bar.search, Qt.Key.Key_Escape)
    assert emitted == [RowFilter(), "closed"]
    assert bar.isHidden()
    assert bar.search.text() == ""
    assert all(box.isChecked() for box in bar.kind_boxes.values())
    bar.activate()
    emitted.clear()
    qtbot.keyClick(bar.direction_combo, Qt.Key.Key_Escape)  # from any control
    assert emitted == ["closed"]  # nothing to clear this time
    bar.activate()
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert bar.isHidden() and emitted == ["closed", "closed"]


def test_every_control_is_named_for_assistive_technology(bar: FilterBar) -> None:
    controls: list[QWidget] = [
        bar.search,
        bar.regex_box,
        bar.direction_combo,
        *bar.kind_boxes.values(),
        bar.close_button,
    ]
    for control in controls:
        assert control.accessibleName(), control
        assert control.accessibleDescription(), control
    assert [box.text() for box in bar.kind_boxes.values()] == [
        "&Chat",
        "S&ystem",  # Alt+S is the connection bar's Server, in the same window
        "&JSON",
        "Raw &text",
        "&Binary",
        "C&ontrol",  # pings, pongs, closes (View > Show control frames)
    ]
    assert [bar.direction_combo.itemText(i) for i in range(3)] == ["All", "Received", "Sent"]
    # Tab goes through them in that order.
    chain = [bar.search]
    while len(chain) < len(controls):
        chain.append(chain[-1].nextInFocusChain())
        while chain[-1] not in controls:
            chain[-1] = chain[-1].nextInFocusChain()
    assert chain == controls
    assert bar.focusProxy() is bar.search


def test_the_bar_has_no_mnemonic_twice_and_no_stray_ampersand(bar: FilterBar) -> None:
    found = mnemonics(bar)
    assert repeated(found) == {}
    assert sorted(found) == ["B", "C", "D", "J", "O", "T", "X", "Y"]
    assert stray_ampersands(bar) == []
    assert bar.direction_label.buddy() is bar.direction_combo


def test_the_error_colour_comes_from_the_palette(qtbot: QtBot, bar: FilterBar) -> None:
    light = bar.error_label.palette().color(QPalette.ColorRole.WindowText)
    dark = QPalette(bar.palette())
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    bar.setPalette(dark)
    shown_dark = bar.error_label.palette().color(QPalette.ColorRole.WindowText)
    assert shown_dark != light
    assert shown_dark.lightness() > 128  # light text on the dark window
    assert shown_dark.red() > shown_dark.green()  # and red-ish


def test_the_bar_filters_the_view(qtbot: QtBot) -> None:
    model = MessageListModel()
    proxy = MessageFilterModel(model)
    view = MessageView(proxy)
    qtbot.addWidget(view)
    view.show()
    model.timeline.extend(
        [
            Row(kind=RowKind.CHAT, text=text, author="bob", seq=seq)
            for seq, text in [(1, "hello"), (2, "bye"), (3, "say hello")]
        ]
    )
    model.flush()
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.filterChanged.connect(proxy.set_filter)
    bar.show()
    bar.activate()
    with qtbot.waitSignal(bar.filterChanged, timeout=2_000):
        qtbot.keyClicks(bar.search, "HELLO")
    assert [view.row_at(proxy.index(r, 0)).seq for r in range(proxy.rowCount())] == [1, 3]  # type: ignore[union-attr]
    qtbot.keyClick(bar.search, Qt.Key.Key_Escape)
    assert proxy.rowCount() == 3 and not proxy.active


def test_the_count_says_how_many_match_and_which_one(bar: FilterBar) -> None:
    bar.set_matches(None, 12, active=False)
    assert bar.count_label.text() == ""  # no filter: nothing to count
    bar.set_matches(None, 12, active=True)
    assert bar.count_label.text() == "12 matches"
    bar.set_matches(None, 1, active=True)
    assert bar.count_label.text() == "1 match"
    bar.set_matches(2, 12, active=True)
    assert bar.count_label.text() == "3 of 12"
    bar.set_matches(None, 0, active=True)
    assert bar.count_label.text() == "No matches"
    assert not bar.next_button.isEnabled() and not bar.previous_button.isEnabled()


def test_enter_asks_for_the_next_match_and_shift_enter_the_previous(
    qtbot: QtBot, bar: FilterBar
) -> None:
    asked: list[str] = []
    bar.nextRequested.connect(lambda: asked.append("next"))
    bar.previousRequested.connect(lambda: asked.append("previous"))
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)
    qtbot.keyClick(bar.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert asked == ["next", "previous", "next"]
