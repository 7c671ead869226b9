"""The import contracts ([tool.importlinter] in pyproject.toml) hold, and bite;
and the desktop's tests mirror its source.

``lint-imports`` runs in ``make lint``; here it runs once on the real tree,
and once on a throwaway tree that has the contracts' modules and one wrong
import per contract, to prove that each contract really fails on the import
it exists to stop (a contract naming a module that has moved would otherwise
pass for ever). import-linter checks standard-library modules such as
``asyncio`` like any other external package, so no hand-written check is
needed for the sans-I/O core.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT

PYPROJECT = ROOT / "pyproject.toml"


def _config() -> dict[str, Any]:
    with PYPROJECT.open("rb") as f:
        config: dict[str, Any] = tomllib.load(f)["tool"]["importlinter"]
    return config


CONFIG = _config()
CONTRACTS: dict[str, dict[str, Any]] = {c["id"]: c for c in CONFIG["contracts"]}
ROOTS: list[str] = CONFIG["root_packages"]

#: One wrong import per contract: (module, the line it gets, the chain reported).
WRONG: dict[str, tuple[str, str, str]] = {
    "server-headless": (
        "roomcast.server.hub",
        "import roomcast.desktop.session",
        "roomcast.server.hub -> roomcast.desktop.session",
    ),
    # Indirect: rows imports nothing Qt itself, but a module that does.
    "desktop-core-qt-free": (
        "roomcast.desktop.rows",
        "from roomcast.desktop.theme import palette",
        "roomcast.desktop.rows -> roomcast.desktop.theme",
    ),
    # The cycle desktop/links.py broke: a widget reaching up for the session.
    "widgets-below-the-window": (
        "roomcast.desktop.widgets.saved",
        "from roomcast.desktop.session import split_urls",
        "roomcast.desktop.widgets.saved -> roomcast.desktop.session",
    ),
    "server-core-sans-io": (
        "roomcast.server.room",
        "import asyncio",
        "roomcast.server.room -> asyncio",
    ),
}


def lint_imports() -> str:
    here = Path(sys.executable).parent / "lint-imports"
    found = str(here) if here.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: pip install -e '.[test]'"
    return found


def run(cwd: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with our contracts, on the packages found first from ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(cwd), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [lint_imports(), "--config", str(PYPROJECT), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def statuses(output: str) -> dict[str, str]:
    """Contract name → KEPT or BROKEN, from the report."""
    found = {}
    for contract in CONTRACTS.values():
        match = re.search(rf"^{re.escape(contract['name'])} (KEPT|BROKEN)", output, re.M)
        assert match, f"no status for {contract['name']!r} in:\n{output}"
        found[contract["id"]] = match.group(1)
    return found


def write_module(root: Path, module: str, text: str = "") -> None:
    """``a.b.c`` as root/a/b/c.py, with an __init__.py in every package on the
    way but roomcast: a namespace package (PEP 420), as installed."""
    *packages, name = module.split(".")
    folder = root
    for package in packages:
        folder /= package
        folder.mkdir(exist_ok=True)
        if folder != root / "roomcast":
            (folder / "__init__.py").touch()
    path = folder / f"{name}.py"
    path.write_text(f"{text}\n" if text else "")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Stand-ins for every internal module the contracts name, importing nothing,
    plus the modules the wrong imports come from and go to."""
    for root in ROOTS:
        write_module(tmp_path, f"{root}.__init__")
    for contract in CONTRACTS.values():
        for module in [*contract["source_modules"], *contract["forbidden_modules"]]:
            if any(module.startswith(f"{root}.") for root in ROOTS):
                write_module(tmp_path, module)
    write_module(tmp_path, "roomcast.server.hub")
    write_module(
        tmp_path, "roomcast.desktop.theme", "from PySide6.QtGui import QPalette as palette"
    )
    write_module(tmp_path, "roomcast.desktop.widgets.saved")
    return tmp_path


def test_the_contracts_hold() -> None:
    result = run(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(statuses(result.stdout).values()) == {"KEPT"}


def test_every_contract_has_a_wrong_import_to_prove_it() -> None:
    assert set(WRONG) == set(CONTRACTS)


def test_the_stand_in_tree_keeps_every_contract(tree: Path) -> None:
    result = run(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(statuses(result.stdout).values()) == {"KEPT"}


def test_each_wrong_import_breaks_its_contract(tree: Path) -> None:
    for module, line, _ in WRONG.values():
        write_module(tree, module, line)
    result = run(tree)
    assert result.returncode != 0, result.stdout + result.stderr
    assert statuses(result.stdout) == dict.fromkeys(CONTRACTS, "BROKEN")
    # The report names the broken contract and the import chain that breaks it.
    report = result.stdout.split("Broken contracts", 1)[1]
    for contract_id, (_, _, chain) in WRONG.items():
        assert CONTRACTS[contract_id]["name"] in report
        assert chain in report, f"{chain!r} not in:\n{report}"


# -- tests mirror the source ------------------------------------------------------

#: Modules with no test file of their own, and why.
NO_TEST_FILE = {
    "desktop/__main__.py": "`python -m desktop`: run by tests/desktop/test_app.py",
}


def test_every_desktop_module_has_its_test_file() -> None:
    """desktop/X.py is tested in tests/desktop/test_X.py, desktop/widgets/X.py in
    tests/desktop/widgets/test_X.py: a module's tests are where one looks first."""
    missing = []
    for module in sorted((ROOT / "desktop").rglob("*.py")):
        source = module.relative_to(ROOT).as_posix()
        if module.name == "__init__.py" or source in NO_TEST_FILE:
            continue
        test = ROOT / "tests" / module.parent.relative_to(ROOT) / f"test_{module.name}"
        if not test.exists():
            missing.append(f"{source}: no {test.relative_to(ROOT).as_posix()}")
    assert missing == []


# -- one namespace ------------------------------------------------------------------

OLD_IMPORT = re.compile(r"\b(from|import) (server|desktop)(\.| import)")


def test_the_code_imports_the_namespace_only() -> None:
    """Installed, the code is roomcast.server and roomcast.desktop (pyproject.toml,
    docs/packaging.md). In a checkout the folders are importable as `server` and
    `desktop` too, and importing `server.x` so (even in a string a test runs in
    a subprocess) would load a second copy of the module beside the real one."""
    folders = ("server", "desktop", "tests", "bench", "scripts", "packaging")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "node_modules" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OLD_IMPORT.search(line)
    ]
    assert offenders == []
