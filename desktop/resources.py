"""Where the app's resource files (icons, .desktop file) are, however it runs.

The same ``resources/`` tree is found in three layouts:

- a source checkout (or an editable install): ``resources/`` at the
  repository root, next to ``desktop/``;
- an installed wheel: pyproject's ``[tool.setuptools.data-files]`` puts it in
  ``<prefix>/share/roomcast`` (``sys.prefix`` for a venv or system install,
  the user base for ``pip install --user``);
- a PyInstaller bundle: ``resources/`` inside ``sys._MEIPASS``.

A candidate counts only when it holds the app icon, so a stray top-level
``resources`` folder in site-packages from some other package is not taken
for ours. Nothing here imports Qt except :func:`app_icon`.
"""

from __future__ import annotations

import logging
import site
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)

#: Relative to the resources root; its presence marks a real resources tree.
ICON_SVG = ("icons", "roomcast.svg")
#: The hicolor PNG sizes made by packaging/make_icons.py.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: The size the SVG is offered at, above the largest PNG.
SVG_SIZE = 1024


def candidate_roots() -> list[Path]:
    """Places a resources tree may be, most specific first."""
    roots: list[Path] = []
    if getattr(sys, "frozen", False):
        meipass = getattr(sys, "_MEIPASS", None)
        if meipass:
            roots.append(Path(meipass) / "resources")
        # One-folder bundles without _MEIPASS keep data next to the executable.
        roots.append(Path(sys.executable).resolve().parent / "resources")
    roots.append(Path(__file__).resolve().parents[1] / "resources")
    roots.append(Path(sys.prefix) / "share" / "roomcast")
    user_base = site.getuserbase()
    if user_base:
        roots.append(Path(user_base) / "share" / "roomcast")
    return roots


def resources_dir() -> Path:
    """The first candidate that holds the app icon; FileNotFoundError (naming
    every place looked at) when none does, so a broken install says why."""
    roots = candidate_roots()
    for root in roots:
        if root.joinpath(*ICON_SVG).is_file():
            return root
    looked = ", ".join(str(root) for root in roots)
    raise FileNotFoundError(f"Roomcast's resources were not found (looked in: {looked})")


def resource_path(*parts: str) -> Path:
    """``resources/<parts...>`` in whichever layout this run uses."""
    return resources_dir().joinpath(*parts)


def app_icon() -> QIcon:
    """The window/taskbar icon: the rendered PNGs, which Qt uses at their exact
    sizes (crisper than scaling a vector down to 16 px), plus the SVG at
    ``SVG_SIZE`` for anything larger (HiDPI docks and task switchers).

    The PNGs go in first so Qt keeps its pixmap engine, which lists every size
    (window managers pick from ``availableSizes()``). A missing file is
    logged, not raised: the app works without its icon.
    """
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icon = QIcon()
    try:
        root = resources_dir()
    except FileNotFoundError as exc:
        log.warning("no app icon: %s", exc)
        return icon
    for size in ICON_SIZES:
        png = root / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "roomcast.png"
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
        else:
            log.warning("app icon: %s is missing", png)
    icon.addFile(str(root.joinpath(*ICON_SVG)), QSize(SVG_SIZE, SVG_SIZE))
    return icon
