"""desktop/texts.py: one marker and one default for every Qt-free module's texts."""

from __future__ import annotations

import subprocess
import sys

from roomcast.desktop.i18n import QT_FREE_TEXTS
from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated
from tests.helpers import ROOT


def test_the_marker_and_the_default_change_nothing() -> None:
    assert QT_TRANSLATE_NOOP("Ctx", "Hello {name}") == "Hello {name}"
    assert untranslated("Ctx", "Hello") == "Hello"


def test_every_qt_free_module_starts_untranslated_and_without_qt() -> None:
    """Headless (the server, a script) nothing installs a catalogue: each hook is
    the default, and importing the modules loads no Qt."""
    names = [m.__name__ for m in QT_FREE_TEXTS]
    code = (
        "import importlib, sys\n"
        f"mods = [importlib.import_module(n) for n in {names!r}]\n"
        "from roomcast.desktop.texts import untranslated\n"
        "assert all(m.translate is untranslated for m in mods), mods\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.stdout.strip() == "ok", out.stderr
