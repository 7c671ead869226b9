"""The placeholder desktop app: argument handling, the no-display exit, a clean run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pytestqt.qtbot import QtBot

from desktop.app import NO_DISPLAY_MESSAGE, PLACEHOLDER_TEXT
from tests.helpers import run_module

DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def run_desktop(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_module("desktop", *args, env=env)


def env_without_display() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in DISPLAY_VARS}


def test_version() -> None:
    result = run_desktop("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "roomcast 0.1.0"


def test_help() -> None:
    result = run_desktop("--help")
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout
    assert "--quit-after" not in result.stdout  # hidden: for tests only


def test_help_and_version_need_no_display() -> None:
    for flag in ("--help", "--version"):
        result = run_desktop(flag, env=env_without_display())
        assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux-only")
def test_no_display_exits_2_with_one_line() -> None:
    result = run_desktop(env=env_without_display())
    assert result.returncode == 2
    assert result.stderr == NO_DISPLAY_MESSAGE + "\n"
    assert result.stderr.strip() == (
        "roomcast: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
        "for a headless room server run roomcast-server"
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_offscreen_run_quits_cleanly() -> None:
    env = {**env_without_display(), "QT_QPA_PLATFORM": "offscreen"}
    result = run_desktop("--quit-after", "300", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    assert "Task was destroyed but it is pending" not in output


def test_placeholder_window(qtbot: QtBot) -> None:
    from desktop.app import PlaceholderWindow

    window = PlaceholderWindow()
    qtbot.addWidget(window)
    assert window.windowTitle() == "Roomcast"
    assert window.label.text() == PLACEHOLDER_TEXT
    assert window.label.text() == (
        "Roomcast — the chat window arrives in the next release. "
        "Run roomcast-server to host a room."
    )
    assert window.statusBar().currentMessage() == "Not connected"
