"""Tests of the packages: the bundle dist/Roomcast/ and the .deb (make dist)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.helpers import ROOT


def load(name: str) -> ModuleType:
    """packaging/<name>.py as a module (packaging/ is a folder of scripts, not a
    package: importing it by name would find PyPI's ``packaging``)."""
    spec = importlib.util.spec_from_file_location(
        f"roomcast_packaging_{name}", ROOT / "packaging" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
