"""Keyboard mnemonics (Alt+letter) of a widget tree, to show that none is taken twice.

``mnemonics(root)`` reads the texts Qt gives a mnemonic: buttons (check
boxes, radio buttons, push and tool buttons), labels with a buddy, group
box titles, and the actions of menus (a menu bar's menus included). A label
without a buddy has none: Qt shows its ``&`` as it is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QMenuBar, QWidget

__all__ = ["mnemonic", "mnemonics", "repeated", "stray_ampersands"]


def mnemonic(text: str) -> str | None:
    """The letter after the first single ``&`` of ``text`` (upper case), or None.

    ``&&`` is a literal ampersand, as in Qt.
    """
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].upper()
            i += 1  # skip the escaped "&&"
        i += 1
    return None


def _texts(root: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QMenuBar | QMenu):
            texts.extend(action.text() for action in widget.actions())
    return texts


def mnemonics(root: QWidget) -> dict[str, list[str]]:
    """Letter → the texts under ``root`` that use it as their mnemonic."""
    found: dict[str, list[str]] = {}
    for text in _texts(root):
        letter = mnemonic(text)
        if letter is not None:
            found.setdefault(letter, []).append(text)
    return found


def repeated(*maps: dict[str, list[str]]) -> dict[str, list[str]]:
    """The letters used more than once across ``maps`` (merged), with their texts."""
    merged: dict[str, list[str]] = {}
    for found in maps:
        for letter, texts in found.items():
            merged.setdefault(letter, []).extend(texts)
    return {letter: texts for letter, texts in merged.items() if len(texts) > 1}


def stray_ampersands(root: QWidget) -> list[str]:
    """Texts of labels under ``root`` that mark a mnemonic but have no buddy:
    Qt shows their ``&`` as it is (QFormLayout.addRow(text, layout) makes those)."""
    return [
        label.text()
        for label in [root, *root.findChildren(QLabel)]
        if isinstance(label, QLabel) and label.buddy() is None and mnemonic(label.text())
    ]
