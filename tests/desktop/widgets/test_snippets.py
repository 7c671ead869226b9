"""desktop/widgets/snippets.py: the saved-messages panel and dialog as real
widgets offscreen, and their settings (desktop/snippets_settings.py) in an ini file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from roomcast.desktop.sending import BinaryFormat, SendMode
from roomcast.desktop.snippets import SavedMessage, SavedMessages
from roomcast.desktop.snippets_settings import load_saved_messages, save_saved_messages
from roomcast.desktop.widgets.snippets import SavedMessageDialog, SavedMessagesPanel
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands
from tests.desktop.windows import interactive

ROOM = "ws://127.0.0.1:8765/lobby"
OTHER = "ws://127.0.0.1:8765/other"

HELLO = SavedMessage("Hello", SendMode.CHAT, "hello all")
JOIN = SavedMessage("Join", SendMode.JSON, '{"type": "join"}', scope=ROOM)
MAGIC = SavedMessage("Magic", SendMode.BINARY, "de ad be ef", BinaryFormat.HEX)
ELSEWHERE = SavedMessage("Elsewhere", SendMode.TEXT, "x", scope=OTHER)


@pytest.fixture
def store() -> SavedMessages:
    return SavedMessages([HELLO, JOIN, MAGIC, ELSEWHERE])


@pytest.fixture
def panel(qtbot: QtBot, store: SavedMessages) -> SavedMessagesPanel:
    widget = SavedMessagesPanel(store)
    widget.set_scope(ROOM)
    qtbot.addWidget(widget)
    widget.resize(480, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def names(panel: SavedMessagesPanel) -> list[str]:
    return [m.name for m in panel.model.messages()]


def row_center(panel: SavedMessagesPanel, row: int) -> QPoint:
    return panel.view.visualRect(panel.model.index(row, 0)).center()


def click_row(qtbot: QtBot, panel: SavedMessagesPanel, row: int) -> None:
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(panel, row))


def open_dialog(qtbot: QtBot, panel: SavedMessagesPanel) -> SavedMessageDialog:
    dialog = panel.dialog
    assert isinstance(dialog, SavedMessageDialog)
    qtbot.waitExposed(dialog)
    return dialog


# -- the list -------------------------------------------------------------------------


def test_lists_the_rooms_own_then_the_global_ones(panel: SavedMessagesPanel) -> None:
    assert names(panel) == ["Join", "Hello", "Magic"]
    assert not panel.empty_label.isVisible()
    panel.set_scope(OTHER)
    assert names(panel) == ["Elsewhere", "Hello", "Magic"]
    panel.set_scope("")
    assert names(panel) == ["Hello", "Magic"]


def test_an_empty_store_says_how_to_save(qtbot: QtBot) -> None:
    panel = SavedMessagesPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert panel.empty_label.isVisible()
    assert not panel.send_button.isEnabled()
    assert not panel.send_actions[0].isEnabled()


def test_double_click_sends_that_message(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    click_row(qtbot, panel, 2)  # a double click starts with a press, as a person's does
    with qtbot.waitSignal(panel.sendRequested) as blocker:
        qtbot.mouseDClick(
            panel.view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(panel, 2)
        )
    assert blocker.args == [MAGIC]


def test_enter_and_the_send_button_send_the_selected(
    qtbot: QtBot, panel: SavedMessagesPanel
) -> None:
    sent: list[SavedMessage] = []
    panel.sendRequested.connect(sent.append)
    assert not panel.send_button.isEnabled()
    click_row(qtbot, panel, 1)
    assert panel.selected() == HELLO
    assert panel.send_button.isEnabled()
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert sent == [HELLO, HELLO]


def test_enter_sends_the_row_the_focus_is_on(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(2, 0))
    panel.view.selectionModel().clearSelection()
    with qtbot.waitSignal(panel.sendRequested) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert blocker.args == [MAGIC]
    assert panel.selected() == MAGIC


def test_ctrl_1_sends_the_first_of_the_scope(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.view.setFocus()
    sent: list[SavedMessage] = []
    panel.sendRequested.connect(sent.append)
    qtbot.keyClick(panel.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.view, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # none: nothing
    assert sent == [JOIN, MAGIC]
    panel.set_scope("")
    qtbot.keyClick(panel.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert sent == [JOIN, MAGIC, HELLO]


def test_send_actions_name_what_they_send(panel: SavedMessagesPanel) -> None:
    actions = panel.send_actions
    assert len(actions) == 9
    assert [a.shortcut().toString() for a in actions] == [f"Ctrl+{n}" for n in range(1, 10)]
    assert [a.text() for a in actions[:4]] == [
        "Send “Join”",
        "Send “Hello”",
        "Send “Magic”",
        "Send saved message 4",
    ]
    assert [a.isEnabled() for a in actions[:4]] == [True, True, True, False]
    panel.store.add(SavedMessage("R&D", SendMode.TEXT, "x"))
    assert actions[3].text() == "Send “R&&D”"  # a literal ampersand in a menu
    assert actions[3].isEnabled()


# -- saving, editing, removing, moving --------------------------------------------


def test_save_current_asks_the_window_then_a_name(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    with qtbot.waitSignal(panel.saveRequested):
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    panel.add_from("00 ff", SendMode.BINARY, BinaryFormat.HEX)
    dialog = open_dialog(qtbot, panel)
    assert dialog.payload_edit.toPlainText() == "00 ff"
    assert dialog.mode_selector.mode() is SendMode.BINARY
    assert dialog.room_radio.isChecked()  # a room is open: for it, by default
    qtbot.keyClicks(dialog.name_edit, "Zeros")
    qtbot.mouseClick(dialog.global_radio, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = SavedMessage("Zeros", SendMode.BINARY, "00 ff", BinaryFormat.HEX, "")
    assert panel.store.get("Zeros") == saved
    assert names(panel) == ["Join", "Hello", "Magic", "Zeros"]
    assert panel.selected() == saved
    assert panel.dialog is None


def test_save_for_this_room_only(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    panel.add_from('{"a": 1}', SendMode.JSON)
    dialog = open_dialog(qtbot, panel)
    qtbot.keyClicks(dialog.name_edit, "A")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert panel.store.get("A", ROOM) == SavedMessage("A", SendMode.JSON, '{"a": 1}', scope=ROOM)
    assert names(panel) == ["Join", "A", "Hello", "Magic"]


def test_without_a_room_only_all_rooms_can_be_chosen(
    qtbot: QtBot, panel: SavedMessagesPanel
) -> None:
    panel.set_scope("")
    dialog = panel.add_from("hi", SendMode.CHAT)
    assert not dialog.room_radio.isEnabled()
    assert dialog.global_radio.isChecked()


def test_a_taken_name_is_shown_in_the_dialog_which_stays(
    qtbot: QtBot, panel: SavedMessagesPanel
) -> None:
    dialog = panel.add_from("again", SendMode.TEXT)
    qtbot.keyClicks(dialog.name_edit, "Hello")
    dialog.global_radio.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "A saved message named 'Hello' already exists here."
    assert panel.store.get("Hello") == HELLO
    dialog.name_edit.setText("Hello 2")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert panel.store.get("Hello 2") == SavedMessage("Hello 2", SendMode.TEXT, "again")


def test_edit_changes_name_payload_and_mode(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    click_row(qtbot, panel, 2)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, panel)
    assert dialog.name_edit.text() == "Magic"
    assert dialog.payload_edit.toPlainText() == "de ad be ef"
    assert dialog.global_radio.isChecked()
    dialog.name_edit.setText("Magic b64")
    dialog.payload_edit.setPlainText("3q2+7w==")
    dialog.mode_selector.set_mode(SendMode.BINARY, BinaryFormat.BASE64)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    edited = SavedMessage("Magic b64", SendMode.BINARY, "3q2+7w==", BinaryFormat.BASE64)
    assert panel.store.all() == [HELLO, JOIN, edited, ELSEWHERE]
    assert panel.selected() == edited


def test_cancel_changes_nothing(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    click_row(qtbot, panel, 0)
    dialog = panel.edit_selected()
    assert dialog is not None
    dialog.name_edit.setText("Renamed")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.store.all() == [HELLO, JOIN, MAGIC, ELSEWHERE]


def test_remove_selects_the_next(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    click_row(qtbot, panel, 1)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert panel.store.all() == [JOIN, MAGIC, ELSEWHERE]
    assert panel.selected() == MAGIC
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert panel.selected() == JOIN
    assert names(panel) == ["Join"]


def test_move_keeps_the_selection(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    click_row(qtbot, panel, 1)
    qtbot.mouseClick(panel.down_button, Qt.MouseButton.LeftButton)
    assert names(panel) == ["Join", "Magic", "Hello"]
    assert panel.selected() == HELLO
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert names(panel) == ["Join", "Hello", "Magic"]
    assert panel.selected() == HELLO
    qtbot.mouseClick(panel.up_button, Qt.MouseButton.LeftButton)  # the room's stays first
    assert names(panel) == ["Join", "Hello", "Magic"]


# -- accessibility ----------------------------------------------------------------------


def test_every_control_is_named(qtbot: QtBot, panel: SavedMessagesPanel) -> None:
    click_row(qtbot, panel, 0)
    for widget in interactive(panel):
        assert widget.accessibleName(), widget
        assert widget.isEnabled() or widget.toolTip(), widget
    assert panel.title.buddy() is panel.view
    assert stray_ampersands(panel) == []


def test_dialog_is_named_and_its_mnemonics_are_unique(
    qtbot: QtBot, panel: SavedMessagesPanel
) -> None:
    dialog = panel.add_from("x", SendMode.BINARY, BinaryFormat.FILE)
    qtbot.waitExposed(dialog)
    for widget in interactive(dialog):
        assert widget.accessibleName(), widget
    assert repeated(mnemonics(dialog)) == {}
    assert stray_ampersands(dialog) == []
    assert dialog.mode_selector.file_button.isVisible()


def test_a_chosen_file_becomes_the_payload(
    qtbot: QtBot, panel: SavedMessagesPanel, tmp_path: Path
) -> None:
    target = tmp_path / "frame.bin"
    target.write_bytes(b"\x01")
    dialog = panel.add_from("", SendMode.BINARY, BinaryFormat.FILE)
    dialog.mode_selector.fileChosen.emit(str(target))
    assert dialog.payload_edit.toPlainText() == str(target)


# -- settings -------------------------------------------------------------------------


def test_a_panel_over_the_loaded_store(qtbot: QtBot, tmp_path: Path, store: SavedMessages) -> None:
    ini = tmp_path / "roomcast.ini"
    save_saved_messages(QSettings(str(ini), QSettings.Format.IniFormat), store)
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    loaded = load_saved_messages(settings)
    loaded.on_change = lambda: save_saved_messages(settings, loaded)
    panel = SavedMessagesPanel()
    qtbot.addWidget(panel)
    panel.set_store(loaded)
    panel.set_scope(ROOM)
    assert names(panel) == ["Join", "Hello", "Magic"]
    panel.show()
    click_row(qtbot, panel, 0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    # Saved at once by the owner's on_change.
    assert load_saved_messages(QSettings(str(ini), QSettings.Format.IniFormat)).all() == [
        HELLO,
        MAGIC,
        ELSEWHERE,
    ]
