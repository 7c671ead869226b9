"""The ``roomcast`` command: the desktop app, or how to get it.

``pip install roomcast`` installs the room server alone (no Qt: issue 19),
yet pip writes the ``roomcast`` command all the same. Run without the
``desktop`` extra, it says how to install the app (exit 2) instead of a
traceback. Nothing here imports Qt, so that this holds.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from typing import Final

__all__ = ["DESKTOP_MODULES", "EXIT_MISSING", "main", "missing_modules"]

#: What the app imports from the ``desktop`` extra (pyproject.toml).
DESKTOP_MODULES: Final = ("PySide6", "qasync", "segno", "keyring", "zeroconf")
EXIT_MISSING: Final = 2
HOW_TO_INSTALL: Final = (
    "roomcast: the desktop app is not installed here (missing: {missing}).\n"
    '  pip install "roomcast[desktop]"    installs it; plain "pip install roomcast"\n'
    "  is the room server alone: roomcast-server."
)


def missing_modules(names: Sequence[str] = DESKTOP_MODULES) -> list[str]:
    return [name for name in names if not _importable(name)]


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # blocked (sys.modules[name] = None) or broken
        return False


def main(argv: list[str] | None = None) -> int:
    missing = missing_modules()
    if missing:
        print(HOW_TO_INSTALL.format(missing=", ".join(missing)), file=sys.stderr)
        return EXIT_MISSING
    from .app import main as app_main

    return app_main(argv)
