"""PreferencesDialog (desktop/widgets/preferences.py): shows the settings it is
given, and emits each change at once. The window storing and applying them is
tested in tests/desktop/test_theme.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from roomcast.desktop.theme import Theme
from roomcast.desktop.widgets.preferences import PreferencesDialog
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands
from tests.desktop.windows import interactive


def open_dialog(qtbot: QtBot, **given: object) -> PreferencesDialog:
    dialog = PreferencesDialog(**given)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def test_it_shows_what_it_is_given(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.notify_check.isChecked() and not dialog.dnd_check.isChecked()
    assert dialog.theme_box.currentData() is Theme.SYSTEM
    other = open_dialog(qtbot, notifications=False, do_not_disturb=True, theme=Theme.DARK)
    assert not other.notify_check.isChecked() and other.dnd_check.isChecked()
    assert other.theme_box.currentData() is Theme.DARK
    assert other.theme_box.currentText() == "Dark"


def test_each_change_is_emitted_at_once(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, theme=Theme.LIGHT)
    emitted: list[tuple[str, object]] = []
    dialog.notificationsChanged.connect(lambda on: emitted.append(("notify", on)))
    dialog.doNotDisturbChanged.connect(lambda on: emitted.append(("dnd", on)))
    dialog.themeChanged.connect(lambda theme: emitted.append(("theme", theme)))
    qtbot.keyClick(dialog.notify_check, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.dnd_check, Qt.Key.Key_Space)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData(Theme.DARK))
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData(Theme.SYSTEM))
    assert emitted == [
        ("notify", False),
        ("dnd", True),
        ("theme", Theme.DARK),
        ("theme", Theme.SYSTEM),
    ]
    assert dialog.isVisible()  # nothing to confirm: changes are already applied


def test_escape_closes(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_every_control_is_named_and_described(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    widgets: list[QWidget] = interactive(dialog)
    assert dialog.notify_check in widgets and dialog.theme_box in widgets
    for widget in widgets:
        if widget is dialog:
            continue
        assert widget.accessibleName(), widget
        assert widget.accessibleDescription(), widget
    labels = {label.buddy(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels.get(dialog.theme_box) == "&Theme:"


def test_no_mnemonic_is_taken_twice(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    found = mnemonics(dialog)
    assert repeated(found) == {}
    assert sorted(found) == ["D", "N", "T"]
    assert stray_ampersands(dialog) == []
