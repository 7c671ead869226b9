"""FrameDetail, the inspector's detail pane, as a real widget on the offscreen
platform: which tabs each kind of frame enables and opens, the person's tab
kept, the header, the lazy hex dump, the copy buttons and the tree's menu."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QPlainTextEdit
from pytestqt.qtbot import QtBot

from roomcast.desktop.frames import full_time
from roomcast.desktop.json_model import Column
from roomcast.desktop.rows import Direction, Opcode, Row, RowKind, SendState, pretty_json
from roomcast.desktop.widgets.frame_detail import HEX_LIMIT, FrameDetail, Tab
from tests.desktop.mnemonics import mnemonics, repeated

WHEN = datetime(2025, 3, 4, 5, 6, 7, 123_000, tzinfo=UTC)
DOC = {"type": "message", "room": "lobby", "items": [1, {"name": "x"}], "a b": None}
RAW = json.dumps(DOC, separators=(",", ":"))


def frame(kind: RowKind, raw: str | bytes | None, **fields: object) -> Row:
    return Row(kind=kind, text="shown", raw=raw, time=WHEN, **fields)  # type: ignore[arg-type]


@pytest.fixture
def pane(qtbot: QtBot) -> FrameDetail:
    widget = FrameDetail()
    qtbot.addWidget(widget)
    widget.resize(640, 420)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def enabled_tabs(pane: FrameDetail) -> list[Tab]:
    return [tab for tab in Tab if pane.tabs.isTabEnabled(tab)]


def click_tab(qtbot: QtBot, pane: FrameDetail, tab: Tab) -> None:
    bar = pane.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
    assert pane.current_tab() is tab


def clipboard() -> str:
    return QGuiApplication.clipboard().text()


def placeholder_shown(pane: FrameDetail) -> bool:
    return pane.stack.currentWidget() is pane.placeholder and pane.placeholder.isVisible()


# -- placeholders --------------------------------------------------------------------


def test_nothing_selected_shows_the_placeholder(pane: FrameDetail) -> None:
    assert placeholder_shown(pane)
    assert pane.placeholder.text() == "Select a frame to see its details"
    pane.show_row(frame(RowKind.TEXT, "hi"))
    assert not placeholder_shown(pane) and pane.tabs.isVisible()
    pane.show_row(None)
    assert placeholder_shown(pane) and pane.details is None
    assert pane.model.rowCount() == 0 and pane.text_view.toPlainText() == ""


def test_a_notice_is_not_a_frame(pane: FrameDetail) -> None:
    pane.show_row(Row(kind=RowKind.SYSTEM, text="alice joined"))
    assert placeholder_shown(pane)
    assert pane.placeholder.text() == "Notices are not frames"


def test_our_unsent_message_has_no_frame_yet(pane: FrameDetail) -> None:
    pending = frame(
        RowKind.CHAT,
        None,
        author="me",
        mine=True,
        state=SendState.PENDING,
        direction=Direction.OUT,
    )
    pane.show_row(pending)
    assert placeholder_shown(pane)
    assert pane.placeholder.text() == "No frame was recorded for this row yet"


def test_copy_does_nothing_without_a_frame(pane: FrameDetail) -> None:
    QGuiApplication.clipboard().setText("before")
    pane.copy()
    pane.copy_raw()
    assert clipboard() == "before"


# -- tabs per kind of frame ----------------------------------------------------------


def test_a_json_frame_opens_the_tree_with_its_first_level(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    assert pane.current_tab() is Tab.TREE
    assert enabled_tabs(pane) == [Tab.TREE, Tab.TEXT, Tab.HEX]
    root = pane.model.root_index()
    assert pane.tree.isExpanded(root)
    keys = [pane.model.index(r, Column.KEY, root).data() for r in range(pane.model.rowCount(root))]
    assert keys == ["type", "room", "items", "a b"]
    # The keys are on screen: each has a place in the viewport.
    for r in range(len(keys)):
        rect = pane.tree.visualRect(pane.model.index(r, Column.KEY, root))
        assert rect.isValid() and pane.tree.viewport().rect().contains(rect.center())
    # Only the first level is open.
    assert not pane.tree.isExpanded(pane.model.index(2, Column.KEY, root))


def test_each_tab_is_filled_when_first_shown(qtbot: QtBot, pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    assert pane.text_view.toPlainText() == "" and pane.hex_view.toPlainText() == ""
    click_tab(qtbot, pane, Tab.TEXT)
    assert pane.text_view.toPlainText() == RAW
    assert pane.hex_view.toPlainText() == ""
    # On the Text tab, the next frame fills the text only.
    pane.show_row(frame(RowKind.JSON, '{"b": 2}'))
    assert pane.text_view.toPlainText() == '{"b": 2}'
    assert pane.model.rowCount() == 0
    click_tab(qtbot, pane, Tab.TREE)
    assert pane.model.rowCount(pane.model.root_index()) == 1
    assert pane.tree.isExpanded(pane.model.root_index())


def test_a_text_frame_opens_the_text(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.TEXT, "hello\nworld"))
    assert pane.current_tab() is Tab.TEXT
    assert enabled_tabs(pane) == [Tab.TEXT, Tab.HEX]
    assert pane.text_view.toPlainText() == "hello\nworld"
    assert pane.text_view.isReadOnly()
    assert pane.model.rowCount() == 0


def test_a_binary_frame_opens_the_hex_dump(pane: FrameDetail) -> None:
    data = b"\x00\x01hi there\xff"
    pane.show_row(frame(RowKind.BINARY, data))
    assert pane.current_tab() is Tab.HEX
    assert enabled_tabs(pane) == [Tab.HEX]
    assert pane.hex_view.toPlainText() == (
        "00000000  00 01 68 69 20 74 68 65  72 65 ff" + " " * 15 + "  |..hi there.|"
    )
    assert pane.hex_view.isReadOnly()
    assert pane.hex_view.lineWrapMode() is QPlainTextEdit.LineWrapMode.NoWrap
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert pane.hex_view.font().family() == mono.family()


def test_a_json_frame_that_travelled_as_binary(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW.encode()))
    assert pane.current_tab() is Tab.TREE
    assert enabled_tabs(pane) == [Tab.TREE, Tab.TEXT, Tab.HEX]
    assert pane.opcode_label.text() == "binary"
    assert pane.note_label.isVisible()
    assert pane.note_label.text() == "binary frame, shown as text (valid UTF-8)"
    pane.show_row(frame(RowKind.JSON, RAW))
    assert pane.opcode_label.text() == "text"
    assert not pane.note_label.isVisible()


def test_a_chat_row_shows_its_frame(pane: FrameDetail) -> None:
    raw = '{"type":"message","seq":3,"sender":"bob","content":"hi"}'
    pane.show_row(frame(RowKind.CHAT, raw, author="bob", seq=3))
    assert pane.current_tab() is Tab.TREE
    root = pane.model.root_index()
    assert [pane.model.index(r, 0, root).data() for r in range(4)] == [
        "type",
        "seq",
        "sender",
        "content",
    ]


def test_a_close_frame(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.CONTROL, b"\x03\xe8bye", opcode=Opcode.CLOSE))
    assert pane.current_tab() is Tab.HEX
    assert enabled_tabs(pane) == [Tab.HEX]
    assert pane.opcode_label.text() == "close 1000 · bye"
    assert pane.size_label.text() == "5 bytes"
    assert "|..bye|" in pane.hex_view.toPlainText()


def test_a_ping_with_text(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.CONTROL, b"x", opcode=Opcode.PING))
    assert pane.current_tab() is Tab.TEXT
    assert pane.opcode_label.text() == "ping · 1 byte"
    assert pane.size_label.text() == "1 byte"


# -- the header ----------------------------------------------------------------------


def test_the_header(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.TEXT, "grüß", direction=Direction.IN))
    assert pane.direction_label.text() == "↓ Received"
    assert pane.time_label.text() == full_time(WHEN)
    assert pane.time_label.text().split(" ")[1].endswith(".123")
    assert pane.size_label.text() == "6 bytes"  # UTF-8 bytes, not characters
    assert pane.opcode_label.text() == "text"
    pane.show_row(frame(RowKind.BINARY, bytes(12_345), direction=Direction.OUT))
    assert pane.direction_label.text() == "↑ Sent"
    assert pane.size_label.text() == "12,345 bytes"


# -- which tab -----------------------------------------------------------------------


def test_the_persons_tab_is_kept_while_it_is_enabled(qtbot: QtBot, pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    click_tab(qtbot, pane, Tab.TEXT)
    pane.show_row(frame(RowKind.JSON, '{"other": 1}'))
    assert pane.current_tab() is Tab.TEXT  # not the tree, the best for JSON
    pane.show_row(frame(RowKind.BINARY, b"\x00"))
    assert pane.current_tab() is Tab.HEX  # text is disabled for this one
    pane.show_row(frame(RowKind.JSON, RAW))
    assert pane.current_tab() is Tab.TEXT  # the choice was remembered
    click_tab(qtbot, pane, Tab.HEX)
    pane.show_row(frame(RowKind.TEXT, "plain"))
    assert pane.current_tab() is Tab.HEX


def test_without_a_choice_each_frame_gets_its_best_tab(pane: FrameDetail) -> None:
    shown = []
    for row in (
        frame(RowKind.BINARY, b"\x00"),
        frame(RowKind.JSON, RAW),
        frame(RowKind.TEXT, "t"),
        frame(RowKind.JSON, RAW),
    ):
        pane.show_row(row)
        shown.append(pane.current_tab())
    assert shown == [Tab.HEX, Tab.TREE, Tab.TEXT, Tab.TREE]


def test_the_hex_dump_is_made_only_when_shown(qtbot: QtBot, pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    assert pane.hex_view.toPlainText() == ""
    click_tab(qtbot, pane, Tab.HEX)
    lines = pane.hex_view.toPlainText().splitlines()
    assert lines[0] == (
        '00000000  7b 22 74 79 70 65 22 3a  22 6d 65 73 73 61 67 65  |{"type":"message|'
    )
    # Another frame while the Hex tab is open: its own dump at once.
    pane.show_row(frame(RowKind.TEXT, "abc"))
    assert pane.hex_view.toPlainText().endswith("|abc|")


def test_the_hex_dump_stops_at_the_limit(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.BINARY, bytes(HEX_LIMIT + 100)))
    dump = pane.hex_view.toPlainText()
    assert dump.splitlines()[-1] == "… 100 more bytes not shown"
    assert dump.count("\n") == HEX_LIMIT // 16


# -- copying -------------------------------------------------------------------------


def test_copy_in_the_tree_copies_the_selected_value_or_everything(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    assert pane.copy_button.isEnabled()
    pane.copy_button.click()
    assert clipboard() == pretty_json(DOC)
    root = pane.model.root_index()
    items = pane.model.index(2, Column.VALUE, root)
    pane.tree.setCurrentIndex(items)
    pane.copy_button.click()
    assert json.loads(clipboard()) == [1, {"name": "x"}]
    assert clipboard().startswith("[\n  1,")
    # A new frame clears the selection: everything again.
    pane.show_row(frame(RowKind.JSON, '{"b":2}'))
    pane.copy()
    assert json.loads(clipboard()) == {"b": 2}


def test_copy_in_the_text_and_hex_tabs(qtbot: QtBot, pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.TEXT, "line one\nline two"))
    pane.copy_button.click()
    assert clipboard() == "line one\nline two"
    click_tab(qtbot, pane, Tab.HEX)
    pane.copy_button.click()
    assert clipboard() == pane.hex_view.toPlainText()
    assert clipboard().startswith("00000000  6c 69 6e 65")


def test_copy_raw_copies_the_payload_exactly(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    pane.copy_raw_button.click()
    assert clipboard() == RAW  # not pretty-printed
    pane.show_row(frame(RowKind.BINARY, b"\x00\xffA"))
    pane.copy_raw_button.click()
    assert clipboard() == "00 ff 41"
    pane.show_row(frame(RowKind.TEXT, b"hi"))  # text that travelled as binary: its bytes
    pane.copy_raw_button.click()
    assert clipboard() == "68 69"


def test_the_tree_menu_copies_a_value_and_a_path(pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    root = pane.model.root_index()
    items = pane.model.index(2, Column.KEY, root)
    pane.tree.expand(items)
    name_value = pane.model.index(0, Column.VALUE, pane.model.index(1, Column.KEY, items))
    assert pane.tree_menu(QModelIndex()) is None
    menu = pane.tree_menu(name_value)
    assert menu is not None
    actions = {action.text(): action for action in menu.actions()}
    assert list(actions) == ["Copy &value", "Copy &path"]
    actions["Copy &path"].trigger()
    assert clipboard() == "$.items[1].name"
    actions["Copy &value"].trigger()
    assert clipboard() == '"x"'
    odd = pane.tree_menu(pane.model.index(3, Column.KEY, root))
    assert odd is not None
    odd.actions()[1].trigger()
    assert clipboard() == '$["a b"]'
    odd.actions()[0].trigger()
    assert clipboard() == "null"


def test_ctrl_c_in_the_tree_copies_the_selected_value(qtbot: QtBot, pane: FrameDetail) -> None:
    pane.show_row(frame(RowKind.JSON, RAW))
    room = pane.model.index(1, Column.KEY, pane.model.root_index())
    pane.tree.setFocus()
    pane.tree.setCurrentIndex(room)
    qtbot.waitUntil(pane.tree.hasFocus)
    qtbot.keyClick(pane.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard() == '"lobby"'


# -- accessibility -------------------------------------------------------------------


def test_views_and_buttons_have_accessible_names(pane: FrameDetail) -> None:
    for widget in (
        pane.tree,
        pane.text_view,
        pane.hex_view,
        pane.tabs,
        pane.copy_button,
        pane.copy_raw_button,
    ):
        assert widget.accessibleName(), widget
        assert widget.accessibleDescription(), widget
    assert pane.tree.selectionMode() is QAbstractItemView.SelectionMode.SingleSelection
    buttons = pane.findChildren(QAbstractButton)
    assert {b.text() for b in buttons} >= {"Copy", "Copy raw"}
    assert repeated(mnemonics(pane)) == {}
