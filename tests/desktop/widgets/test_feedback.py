"""ErrorLabel (desktop/widgets/feedback.py): an error red that stays readable."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from roomcast.desktop.theme import dark_palette, light_palette
from roomcast.desktop.widgets.feedback import ERROR_ON_DARK, ERROR_ON_LIGHT, ErrorLabel

TEXT = QPalette.ColorRole.WindowText


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_colour_follows_the_palette_both_ways(qtbot: QtBot) -> None:
    label = ErrorLabel("Port 80 needs administrator rights")
    qtbot.addWidget(label)
    label.setPalette(light_palette())
    assert label.palette().color(TEXT) == ERROR_ON_LIGHT
    label.setPalette(dark_palette())
    assert label.palette().color(TEXT) == ERROR_ON_DARK
    label.setPalette(light_palette())
    assert label.palette().color(TEXT) == ERROR_ON_LIGHT


def test_a_dark_parent_makes_a_new_label_light_red(qtbot: QtBot) -> None:
    label = ErrorLabel("too long", parent=None)
    qtbot.addWidget(label)
    label.setPalette(dark_palette())
    child = ErrorLabel("inherits", label)
    assert child.palette().color(TEXT) == ERROR_ON_DARK


def test_the_reds_meet_wcag_aa_on_their_backgrounds() -> None:
    window = QPalette.ColorRole.Window
    assert contrast(ERROR_ON_LIGHT, light_palette().color(window)) >= 4.5
    assert contrast(ERROR_ON_DARK, dark_palette().color(window)) >= 4.5


def test_long_errors_wrap_and_keep_their_text(qtbot: QtBot) -> None:
    label = ErrorLabel("a reason " * 20)
    qtbot.addWidget(label)
    assert label.wordWrap()
    assert label.text() == "a reason " * 20
