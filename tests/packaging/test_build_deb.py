"""packaging/build_deb.py's and packaging/elfdeps.py's pieces, without a build."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.packaging import load

build_deb = load("build_deb")
elfdeps = load("elfdeps")


def test_control_fields() -> None:
    text = build_deb.control(
        "1.2.3", "amd64", "Someone <a@b.c>", 4242, ["libc6 (>= 2.36)", "libgl1"]
    )
    assert text.endswith("\n")
    lines = text.splitlines()
    assert "Installed-Size: 4242" in lines
    assert "Depends: libc6 (>= 2.36), libgl1" in lines
    # Continuation lines of the description start with a space; empty ones are " .".
    description = lines[
        lines.index(next(ln for ln in lines if ln.startswith("Description:"))) + 1 :
    ]
    assert description and all(ln.startswith(" ") and ln.strip() for ln in description)


def test_installed_size_rounds_up_per_file(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b").write_bytes(b"y" * 1025)
    assert build_deb.installed_size_kib(tmp_path) == 1 + 1 + 2


def test_desktop_entry_runs_the_installed_launcher() -> None:
    entry = build_deb.desktop_entry()
    assert "Exec=roomcast %u" in entry.splitlines()
    assert "Icon=roomcast" in entry.splitlines()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files are Linux's")
def test_elf_needed_reads_this_python() -> None:
    libs = elfdeps.needed(Path(sys.executable).resolve())
    assert any(lib.startswith("libc.so") or lib.startswith("libpython") for lib in libs)
    assert elfdeps.needed(ROOT / "pyproject.toml") == []
