"""Every user-visible string in desktop/ goes through Qt's translation.

A scan of the source (no window needed): a string literal given straight to
a call that puts text on screen (a label, a button, a title, a tooltip, a
notice) is a string the German catalogue can never hold. Wrapped in
``self.tr()``, ``QCoreApplication.translate()``, ``_t()`` or marked with
``QT_TRANSLATE_NOOP`` it is fine; so are texts without words ("+", "⚠ ")
and the product's name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"

#: Calls whose (first) string argument is shown to the person.
SHOWN = frozenset(
    {
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setStatusTip",
        "setWhatsThis",
        "setPlaceholderText",
        "setAccessibleName",
        "setAccessibleDescription",
        "setInformativeText",
        "setDetailedText",
        "setLabelText",
        "setTitle",
        "addAction",
        "addMenu",
        "addButton",
        "addTab",
        "addRow",
        "showMessage",
        "show_notice",
        "set_blocked",
        "QLabel",
        "QPushButton",
        "QToolButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        "QToolBar",
        "getText",
    }
)
#: Calls that shown text passes through on its way (a report with its severity).
REPORTS = frozenset({"report", "_system_row", "Notice"})
#: Words that are not translated: the product's name.
UNTRANSLATED = re.compile(r"Roomcast")


def _literal_text(node: ast.AST) -> str | None:
    """The words of a literal (or of an f-string's literal parts, or of
    ``"...".format()``); None when ``node`` is not literal text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _literal_text(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        return None if left is None and right is None else (left or "") + (right or "")
    return None


def _has_words(text: str) -> bool:
    return re.search(r"[A-Za-z]{2,}", UNTRANSLATED.sub("", text)) is not None


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def untranslated(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in SHOWN:
            candidates = node.args[:1] if name != "getText" else node.args[1:3]
        elif name in REPORTS:
            candidates = node.args[1:2]
        else:
            continue
        for arg in candidates:
            text = _literal_text(arg)
            if text is not None and _has_words(text):
                found.append(f"{path.relative_to(DESKTOP.parent)}:{node.lineno}: {text!r}")
    return found


def test_every_shown_string_is_translatable() -> None:
    found = [hit for path in sorted(DESKTOP.rglob("*.py")) for hit in untranslated(path)]
    assert found == []


def test_the_scan_finds_a_literal(tmp_path: Path) -> None:
    # The scanner itself: a literal label, a format string, an f-string, a
    # report, each caught; translated ones and word-less ones not.
    sample = DESKTOP / "_scan_sample.py"
    source = (
        "def f(self, x):\n"
        "    QLabel('Plain words', self)\n"
        "    self.box.setWindowTitle('Stop hosting?')\n"
        "    self.label.setText('{n} people'.format(n=x))\n"
        "    self.label.setText(f'{x} are here')\n"
        "    self.report(Severity.ERROR, 'Something broke')\n"
        "    self.label.setText(self.tr('Fine'))\n"
        "    self.button.setText('+')\n"
        "    self.tray.setToolTip('Roomcast')\n"
    )
    try:
        sample.write_text(source, encoding="utf-8")
        hits = untranslated(sample)
    finally:
        sample.unlink()
    assert [h.split(": ", 1)[1] for h in hits] == [
        "'Plain words'",
        "'Stop hosting?'",
        "'{n} people'",
        "' are here'",
        "'Something broke'",
    ]
