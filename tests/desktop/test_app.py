"""The roomcast command: arguments, the no-display exit, a clean run and exit."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from roomcast.desktop.app import (
    NO_DISPLAY_MESSAGE,
    MainThreadGC,
    _os_user,
    _ws_url,
    build_parser,
)
from roomcast.desktop.links import split_urls
from roomcast.server.protocol import MAX_NAME_CHARS
from tests.helpers import ROOT, member, run_module, running_server, until

DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def run_desktop(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_module("roomcast.desktop", *args, env=env)


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


def gui_env(home: Path) -> dict[str, str]:
    """Offscreen, with settings and logs in a throwaway home."""
    return {**env_without_display(), "QT_QPA_PLATFORM": "offscreen", "HOME": str(home)}


def test_offscreen_run_quits_cleanly(tmp_path: Path) -> None:
    result = run_desktop("--quit-after", "300", env=gui_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    assert "Task was destroyed but it is pending" not in output


async def test_url_on_the_command_line_connects_at_once(tmp_path: Path) -> None:
    async with running_server() as server, member(server.urls[0], "bob") as (bob, _):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "desktop",
            server.urls[0],
            "--name",
            "alice",
            "--quit-after",
            "3000",
            cwd=ROOT,
            env=gui_env(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        joined = await bob.until("presence", event="join")
        assert joined == {"type": "presence", "event": "join", "name": "alice", "count": 2}
        # Closing the window closes the socket with 1000: bob sees alice leave.
        left = await bob.until("presence", event="leave", timeout=20)
        assert left["name"] == "alice"
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        assert b"Traceback" not in out + err
        assert b"Task was destroyed but it is pending" not in err


def test_bad_url_on_the_command_line_is_a_usage_error() -> None:
    result = run_desktop("http://example.com/")
    assert result.returncode == 2
    assert "expected a ws:// or wss:// URL, got 'http://example.com/'" in result.stderr
    assert "Traceback" not in result.stderr


def test_links_on_the_command_line_are_checked_and_kept_as_given() -> None:
    """The session turns links into ws:// URLs (desktop/links.py): the command
    line keeps them, so that an invite's #sha256= fingerprint reaches it."""
    invite = "roomcasts://b/r/team#sha256=" + "ab" * 32
    args = build_parser().parse_args(["roomcast://a:8765/r/team", f"{invite},ws://c/"])
    assert args.url == ["roomcast://a:8765/r/team", f"{invite} ws://c/"]
    assert split_urls(args.url[1]) == ["wss://b/r/team", "ws://c/"]
    assert _ws_url("ws://a/ ws://b/") == "ws://a/ ws://b/"


def test_other_schemes_are_still_refused() -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match="expected a ws:// or wss:// URL"):
        _ws_url("roomcastx://host/")


def test_the_name_asked_for_is_prefilled_with_at_most_a_names_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "x" * 40)
    assert _os_user() == "x" * MAX_NAME_CHARS
    monkeypatch.setattr("getpass.getuser", lambda: "ann")
    assert _os_user() == "ann"


async def test_unexpected_errors_are_logged_and_shown(caplog: pytest.LogCaptureFixture) -> None:
    from roomcast.desktop.app import install_error_reporting
    from roomcast.desktop.models import MessageListModel
    from roomcast.desktop.rows import RowKind
    from roomcast.desktop.session import ChatSession

    model = MessageListModel()
    session = ChatSession(model)
    shown: list[str] = []
    session.notice.connect(lambda n: shown.append(n.text))
    loop = asyncio.get_running_loop()
    uninstall = install_error_reporting(session, loop, Path("/tmp/roomcast.log"))
    try:
        try:
            raise ValueError("boom in a slot")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)

        loop.call_exception_handler(
            {"message": "Task exception was never retrieved", "exception": RuntimeError("boom")}
        )
    finally:
        uninstall()
    assert shown == [
        "Unexpected error: ValueError('boom in a slot') (details in /tmp/roomcast.log)",
        "Unexpected error: RuntimeError('boom')",
    ]
    model.flush()
    assert [r.text for r in model.rows if r.kind is RowKind.SYSTEM] == shown
    assert "ValueError: boom in a slot" in caplog.text


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


async def test_the_collector_freezes_survivors_and_thaws_for_cycles(qapp: object) -> None:
    """MainThreadGC: what survives a pass is frozen (later passes skip it:
    no 180 ms stall every 5 s at a million rows), refcounting still frees it,
    and a cycle among frozen objects is collected at the thaw."""
    collector = MainThreadGC(interval_ms=20, thaw_every=5)
    try:
        held = [Node() for _ in range(50_000)]
        await until(lambda: gc.get_freeze_count() >= 50_000, what="the survivors frozen")
        # Reference counting frees a frozen object as ever.
        plain = weakref.ref(held.pop())
        assert plain() is None
        # A cycle among frozen objects: not collected until the thaw.
        a, b = held[0], held[1]
        a.other, b.other = b, a
        cycle = weakref.ref(a)
        del a, b, held[:2]
        await until(lambda: cycle() is None, timeout=10, what="the cycle collected at the thaw")
    finally:
        collector.stop()
    assert gc.isenabled()
    # Thawed (CPython 3.12 counts a few hundred objects after an unfreeze and a
    # collection, whatever was frozen: so not == 0).
    assert gc.get_freeze_count() < 50_000
