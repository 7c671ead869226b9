"""Inline error text that stays readable on light and dark palettes."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from ..theme import is_dark

#: Error red for light backgrounds (7.4:1 on white) and for dark ones (7:1 on #1e1e22).
ERROR_ON_LIGHT = QColor(0xB0, 0x00, 0x20)
ERROR_ON_DARK = QColor(0xFF, 0x8A, 0x80)


class ErrorLabel(QLabel):
    """A word-wrapped label in an error colour chosen from the current palette."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._recolouring = False
        self._recolour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._recolouring:
            self._recolour()

    def _recolour(self) -> None:
        self._recolouring = True
        try:
            palette = self.palette()
            colour = ERROR_ON_DARK if is_dark(palette) else ERROR_ON_LIGHT
            palette.setColor(QPalette.ColorRole.WindowText, colour)
            self.setPalette(palette)
        finally:
            self._recolouring = False
