"""desktop/widgets/send_mode.py: the send-mode selector, a real widget offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from roomcast.desktop.sending import BinaryFormat, SendMode
from roomcast.desktop.widgets.send_mode import (
    SendModeSelector,
    format_tooltip,
    mode_tooltip,
    placeholder_for,
)
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands
from tests.desktop.windows import interactive


@pytest.fixture
def selector(qtbot: QtBot) -> SendModeSelector:
    widget = SendModeSelector()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


class Changes:
    def __init__(self, selector: SendModeSelector) -> None:
        self.seen: list[tuple[SendMode, BinaryFormat]] = []
        selector.modeChanged.connect(lambda mode, fmt: self.seen.append((mode, fmt)))


def test_starts_in_chat_with_the_binary_parts_hidden(selector: SendModeSelector) -> None:
    assert selector.mode() is SendMode.CHAT
    assert selector.binary_format() is BinaryFormat.HEX
    assert not selector.format_combo.isVisible()
    assert not selector.file_button.isVisible()
    assert [selector.mode_combo.itemText(i) for i in range(selector.mode_combo.count())] == [
        "Chat",
        "Text",
        "JSON",
        "Binary",
    ]
    assert [selector.format_combo.itemText(i) for i in range(selector.format_combo.count())] == [
        "Hex",
        "Base64",
        "File",
    ]


def test_the_keyboard_chooses_every_mode(qtbot: QtBot, selector: SendModeSelector) -> None:
    changes = Changes(selector)
    selector.mode_combo.setFocus()
    for _ in range(3):
        qtbot.keyClick(selector.mode_combo, Qt.Key.Key_Down)
    assert selector.mode() is SendMode.BINARY
    assert selector.format_combo.isVisible()
    assert not selector.file_button.isVisible()
    qtbot.keyClick(selector.mode_combo, Qt.Key.Key_Tab)
    assert selector.format_combo.hasFocus()
    qtbot.keyClick(selector.format_combo, Qt.Key.Key_Down)
    qtbot.keyClick(selector.format_combo, Qt.Key.Key_Down)
    assert selector.binary_format() is BinaryFormat.FILE
    assert selector.file_button.isVisible()
    qtbot.keyClick(selector.format_combo, Qt.Key.Key_Tab)
    assert selector.file_button.hasFocus()
    assert changes.seen == [
        (SendMode.TEXT, BinaryFormat.HEX),
        (SendMode.JSON, BinaryFormat.HEX),
        (SendMode.BINARY, BinaryFormat.HEX),
        (SendMode.BINARY, BinaryFormat.BASE64),
        (SendMode.BINARY, BinaryFormat.FILE),
    ]


def test_set_mode_shows_it_and_reports_a_change_once(selector: SendModeSelector) -> None:
    changes = Changes(selector)
    selector.set_mode(SendMode.BINARY, BinaryFormat.BASE64)
    assert (selector.mode(), selector.binary_format()) == (SendMode.BINARY, BinaryFormat.BASE64)
    assert selector.format_combo.isVisible()
    selector.set_mode(SendMode.BINARY, BinaryFormat.BASE64)  # no change: no signal
    selector.set_mode(SendMode.JSON)
    assert not selector.format_combo.isVisible()
    assert changes.seen == [
        (SendMode.BINARY, BinaryFormat.BASE64),
        (SendMode.JSON, BinaryFormat.HEX),
    ]


def test_choose_file_puts_the_path_out(
    qtbot: QtBot, selector: SendModeSelector, tmp_path: Path
) -> None:
    target = tmp_path / "frame.bin"
    target.write_bytes(b"\x01")
    selector.set_mode(SendMode.BINARY, BinaryFormat.FILE)
    qtbot.mouseClick(selector.file_button, Qt.MouseButton.LeftButton)
    dialog = selector.file_dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.isVisible()
    assert dialog.fileMode() is QFileDialog.FileMode.ExistingFile
    with qtbot.waitSignal(selector.fileChosen) as blocker:
        dialog.selectFile(str(target))
        dialog.accept()
    assert Path(blocker.args[0]) == target


def test_tooltips_say_exactly_what_each_mode_sends(selector: SendModeSelector) -> None:
    combo = selector.mode_combo
    tips = [combo.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(combo.count())]
    assert tips == [mode_tooltip(m) for m in SendMode]
    assert tips[1] == "Text: one text frame, exactly as typed"
    assert tips[2] == "JSON: one text frame, exactly as typed, once it parses as JSON"
    assert '{"type":"message","content":…}' in tips[0]
    assert format_tooltip(BinaryFormat.FILE) == (
        "File: the text is a file's path; its bytes are sent (up to 1 MiB)"
    )
    assert "de ad be ef" in format_tooltip(BinaryFormat.HEX)
    # The combo's own tooltip (and description) follows the mode chosen.
    assert combo.toolTip() == mode_tooltip(SendMode.CHAT)
    selector.set_mode(SendMode.TEXT)
    assert combo.toolTip() == combo.accessibleDescription() == mode_tooltip(SendMode.TEXT)


def test_placeholders_differ_per_mode_and_format() -> None:
    texts = [placeholder_for(m) for m in SendMode if m is not SendMode.BINARY] + [
        placeholder_for(SendMode.BINARY, f) for f in BinaryFormat
    ]
    assert len(set(texts)) == len(texts) == 6
    assert placeholder_for(SendMode.TEXT) == "Text frame — Enter sends it exactly as typed"
    assert "de ad be ef" in placeholder_for(SendMode.BINARY, BinaryFormat.HEX)
    assert "1 MiB" in placeholder_for(SendMode.BINARY, BinaryFormat.FILE)


def test_every_part_is_named_and_reachable(selector: SendModeSelector) -> None:
    selector.set_mode(SendMode.BINARY, BinaryFormat.FILE)
    parts = interactive(selector)
    assert set(parts) == {selector.mode_combo, selector.format_combo, selector.file_button}
    for widget in parts:
        assert widget.accessibleName(), widget
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, widget
    assert selector.label.buddy() is selector.mode_combo
    assert repeated(mnemonics(selector)) == {}
    assert stray_ampersands(selector) == []
