"""Light and dark: follow the system's colour scheme, or the user's choice.

Every colour in Roomcast's widgets comes from the application palette
(the message list's delegate included), so switching the palette is the
whole theme. Fusion is the style: it draws every control from the palette
on every platform, where native styles may ignore a dark one.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory


class Theme(Enum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def light_palette() -> QPalette:
    """Fusion's light palette with a deeper highlight: white on Fusion's own
    blue is 3.7:1, under WCAG AA's 4.5:1 for selected text."""
    style = QStyleFactory.create("Fusion")
    assert style is not None
    p = style.standardPalette()
    accent = QColor(0x4F, 0x46, 0xE5)  # indigo, near the icon's violet: 6.3:1 with white
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Highlight, accent)
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(0xFF, 0xFF, 0xFF))
        p.setColor(group, QPalette.ColorRole.Link, QColor(0x43, 0x38, 0xCA))
    return p


def dark_palette() -> QPalette:
    """A dark palette with enough contrast for text (WCAG AA on base/window)."""
    p = QPalette()
    role = QPalette.ColorRole
    window, base, alt = QColor(0x2B, 0x2B, 0x30), QColor(0x1E, 0x1E, 0x22), QColor(0x26, 0x26, 0x2B)
    text, dim = QColor(0xE8, 0xE8, 0xEC), QColor(0x9A, 0x9A, 0xA4)
    accent = QColor(0x8B, 0x7C, 0xF6)  # the icon's violet, lightened for dark backgrounds
    for r, c in (
        (role.Window, window),
        (role.WindowText, text),
        (role.Base, base),
        (role.AlternateBase, alt),
        (role.ToolTipBase, QColor(0x3A, 0x3A, 0x40)),
        (role.ToolTipText, text),
        (role.PlaceholderText, dim),
        (role.Text, text),
        (role.Button, QColor(0x35, 0x35, 0x3B)),
        (role.ButtonText, text),
        (role.BrightText, QColor(0xFF, 0x6B, 0x6B)),
        (role.Light, QColor(0x4A, 0x4A, 0x52)),
        (role.Midlight, QColor(0x3E, 0x3E, 0x45)),
        (role.Mid, QColor(0x30, 0x30, 0x36)),
        (role.Dark, QColor(0x18, 0x18, 0x1B)),
        (role.Shadow, QColor(0x0C, 0x0C, 0x0E)),
        (role.Highlight, accent),
        (role.HighlightedText, QColor(0x10, 0x10, 0x14)),
        (role.Link, QColor(0xA9, 0x9C, 0xFF)),
        (role.LinkVisited, QColor(0xC7, 0x9C, 0xFF)),
    ):
        p.setColor(r, c)
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, QColor(0x70, 0x70, 0x78))
    p.setColor(disabled, role.Base, window)
    return p


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


class ThemeController(QObject):
    """Applies a :class:`Theme` to the application and follows the system when asked."""

    changed = Signal(bool)  # dark?

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.theme = Theme.SYSTEM
        self.dark = False
        #: The desktop's scheme as Qt last reported it (Unknown, e.g. on a bare
        #: X server or offscreen, counts as light).
        self.system_scheme = app.styleHints().colorScheme()
        app.styleHints().colorSchemeChanged.connect(self._system_changed)

    def apply(self, theme: Theme) -> None:
        self.theme = theme
        if self._app.style().name().lower() != "fusion":
            self._app.setStyle("Fusion")
        if theme is Theme.SYSTEM:
            dark = self.system_scheme == Qt.ColorScheme.Dark
        else:
            dark = theme is Theme.DARK
        self.dark = dark
        self._app.setPalette(dark_palette() if dark else light_palette())
        self.changed.emit(dark)

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        self.system_scheme = scheme
        if self.theme is Theme.SYSTEM:
            self.apply(Theme.SYSTEM)
