"""The ``roomcast`` command without the desktop extra (desktop/launch.py):
how to install the app, exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from roomcast.desktop.launch import DESKTOP_MODULES, EXIT_MISSING, missing_modules
from roomcast.server import __version__
from tests.helpers import ROOT, WAIT

# A Python where the desktop extra's modules cannot be imported, as after
# `pip install roomcast` (the wheel test checks the real thing in a clean venv).
WITHOUT_DESKTOP = """
import sys
for name in {names!r}:
    sys.modules[name] = None  # what an import of a missing module meets
from roomcast.desktop.launch import main
sys.exit(main(["--version"]))
"""


def test_every_desktop_module_is_found_here() -> None:
    assert missing_modules() == []


def test_without_the_desktop_extra_it_says_how_to_install_it() -> None:
    script = WITHOUT_DESKTOP.format(names=list(DESKTOP_MODULES))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert result.returncode == EXIT_MISSING
    assert 'pip install "roomcast[desktop]"' in result.stderr
    assert "missing: PySide6, qasync, segno, keyring, zeroconf" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_with_it_the_app_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "roomcast.desktop", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"roomcast {__version__}")
