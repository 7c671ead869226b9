"""desktop/theme.py and the preferences dialog: light, dark, or the system's."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from roomcast.desktop.theme import Theme, dark_palette, is_dark, light_palette
from tests.desktop.windows import open_window


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio."""

    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_both_palettes_keep_text_readable() -> None:
    role = QPalette.ColorRole
    for palette in (light_palette(), dark_palette()):
        for fg, bg in (
            (role.Text, role.Base),
            (role.WindowText, role.Window),
            (role.ButtonText, role.Button),
            (role.HighlightedText, role.Highlight),
        ):
            assert contrast(palette.color(fg), palette.color(bg)) >= 4.5, (fg, bg)
    assert is_dark(dark_palette()) and not is_dark(light_palette())


async def test_manual_override_and_following_the_system(qtbot: QtBot, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    hints = app.styleHints()
    async with open_window(qtbot, tmp_path) as window:
        try:
            window.set_theme(Theme.DARK)
            assert is_dark(app.palette())
            assert window.settings.value("theme") == "dark"
            window.set_theme(Theme.LIGHT)
            assert not is_dark(app.palette())

            window.set_theme(Theme.SYSTEM)
            # The offscreen platform has no desktop scheme to switch, so the
            # switch is the signal Qt emits when the desktop's scheme changes.
            hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
            assert is_dark(app.palette())
            hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
            assert not is_dark(app.palette())
            window.set_theme(Theme.LIGHT)
            hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # overridden: stays light
            assert not is_dark(app.palette())
        finally:
            hints.colorSchemeChanged.emit(hints.colorScheme())
            window.set_theme(Theme.LIGHT)


async def test_preferences_apply_and_persist(qtbot: QtBot, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    async with open_window(qtbot, tmp_path) as window:
        try:
            dialog = window.open_preferences()
            assert dialog.isVisible()
            dialog.theme_box.setCurrentIndex(dialog.theme_box.findData(Theme.DARK))
            assert is_dark(app.palette())
            dialog.notify_check.setChecked(False)
            dialog.dnd_check.setChecked(True)
            assert window.notifier.enabled is False
            assert window.dnd_action.isChecked()
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            assert not dialog.isVisible()
            window.settings.sync()
            text = await asyncio.to_thread(Path(window.settings.fileName()).read_text)
            assert "theme=dark" in text
            assert "enabled=false" in text and "dnd=true" in text
        finally:
            window.set_theme(Theme.LIGHT)
