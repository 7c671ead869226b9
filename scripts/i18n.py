#!/usr/bin/env python3
"""Translations: refresh the .ts catalogues from the code, or build the .qm files.

    python scripts/i18n.py update   # pyside6-lupdate: new strings into resources/i18n/*.ts
    python scripts/i18n.py build    # pyside6-lrelease: resources/i18n/*.ts -> *.qm (make i18n)
    python scripts/i18n.py check    # exit 1 if the .ts files miss strings the code has

Translators edit the .ts files (Qt Linguist: ``pyside6-linguist``); the
.qm files are build output (not in git) and ship in resources/i18n/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("de",)


def tool(name: str) -> str:
    """The PySide6 tool next to this interpreter (the venv's), else on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"i18n: {name} not found (it comes with PySide6)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "desktop").rglob("*.py"))


def update(ts: Path) -> None:
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *sources(),
            "-no-obsolete",
            "-locations",
            "none",
            "-source-language",
            "en",
            "-target-language",
            ts.stem.split("_")[-1],
            "-ts",
            str(ts),
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def build() -> None:
    for lang in LANGUAGES:
        ts = I18N / f"roomcast_{lang}.ts"
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        subprocess.run(
            [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True
        )
        print(f"i18n: built {qm.relative_to(ROOT)}")


def check() -> int:
    """Do the catalogues hold every string of the code? (lupdate into a copy.)"""
    missing = 0
    for lang in LANGUAGES:
        ts = I18N / f"roomcast_{lang}.ts"
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / ts.name
            shutil.copy(ts, copy)
            update(copy)
            if copy.read_text(encoding="utf-8") != ts.read_text(encoding="utf-8"):
                print(f"i18n: {ts.relative_to(ROOT)} is out of date: run scripts/i18n.py update")
                missing += 1
    return 1 if missing else 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "build"
    if command == "update":
        for lang in LANGUAGES:
            update(I18N / f"roomcast_{lang}.ts")
        return 0
    if command == "build":
        build()
        return 0
    if command == "check":
        return check()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
