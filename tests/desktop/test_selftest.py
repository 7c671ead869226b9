"""``roomcast --self-test`` (desktop/selftest.py): the whole app path, headless."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from roomcast.desktop.selftest import SelfTestFailed, _until
from tests.helpers import ROOT


def test_self_test_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "roomcast.desktop", "--self-test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("roomcast self-test passed: hosted ws://127.0.0.1:")
    assert "Traceback" not in result.stderr


async def test_a_step_that_never_happens_fails_the_self_test_naming_it() -> None:
    started = time.monotonic()
    with pytest.raises(SelfTestFailed, match=r"^timed out waiting for the guest to join$"):
        await _until("the guest to join", lambda: False, timeout=0.1)
    assert time.monotonic() - started < 2


async def test_a_step_that_has_happened_passes_at_once() -> None:
    steps: list[int] = []
    await _until("a step", lambda: steps.append(1) or True, timeout=0)
    assert steps == [1]
