"""Fixtures of the fault scenarios: a Redis without persistence, a small tmpfs."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import RedisServer, need, redis_server


@pytest.fixture(params=["protocol", "roomclient"])
def kind(request: pytest.FixtureRequest) -> str:
    """Which client runs the scenario: ours written from PROTOCOL.md, or the desktop app's."""
    return str(request.param)


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A redis-server without persistence (a restart forgets everything)."""
    with redis_server() as server:
        yield server


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted on a fresh folder (root only), unmounted afterwards."""
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
        check=False,
    )
    need(
        result.returncode == 0,
        f"cannot mount a small tmpfs to fill (needs root and mount rights): {result.stderr.strip()}",
    )
    try:
        yield mountpoint
    finally:
        done = subprocess.run(["umount", str(mountpoint)], capture_output=True, check=False)
        if done.returncode != 0:  # something still holds a file there: detach it
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, check=False)
