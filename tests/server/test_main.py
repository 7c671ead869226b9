"""The roomcast-server CLI, run as a real subprocess, as an operator runs it.

Bad flags and bad files: exit 2 with one line (server/__main__.py docstring).
Startup: the URLs it listens on and /healthz. Signals: 1001 to every client,
exit 0. Flooding: rate_limited frames, then 1008.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.helpers import WAIT, Peer, member, peer, run_module, run_module_code, server_process

VERSION = "0.1.0"
#: The flags added to every run that might start a server by mistake: no fixed
#: port, and never the operator's own history file.
SAFE = ("--port", "0", "--db", ":memory:")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run roomcast-server to completion (a hang is killed and fails the test)."""
    return run_module("roomcast.server", *args, timeout=WAIT)


def one_error_line(stderr: str) -> str:
    """The single line a refused start prints; fails on a traceback or extra lines."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{stderr}"
    return lines[0]


# ---------------------------------------------------------------------------
# --help, --version
# ---------------------------------------------------------------------------


def test_help_lists_the_main_flags() -> None:
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: roomcast-server")
    for flag in ("--port", "--db", "--password", "--allow-origin", "--certfile"):
        assert flag in result.stdout, flag


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"roomcast-server {VERSION}"


# ---------------------------------------------------------------------------
# Bad flags and files: exit 2, one line, no traceback
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            ["--port", "70000"],
            "roomcast-server: error: argument --port: must be 0-65535, got 70000",
        ),
        (["--port", "abc"], "roomcast-server: error: argument --port: not a number: 'abc'"),
        (["--retention", "0"], "roomcast-server: error: argument --retention: must be >= 1, got 0"),
        (
            ["--max-buffer", "12"],
            "roomcast-server: error: argument --max-buffer: must be at least 1K, got 12",
        ),
        (
            ["--log-level", "loud"],
            "roomcast-server: error: argument --log-level: invalid choice: 'loud'",
        ),
        (["--no-such-flag"], "roomcast-server: error: unrecognized arguments: --no-such-flag"),
    ],
    ids=[
        "port-too-big",
        "port-not-a-number",
        "retention-0",
        "max-buffer-12",
        "log-level",
        "unknown",
    ],
)
def test_bad_flag_exits_2_with_one_line(flags: list[str], expected: str) -> None:
    result = run_cli(*SAFE, *flags)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    # argparse wording; a hint may follow on the same line.
    assert one_error_line(result.stderr).startswith(expected)


def test_busy_port_exits_2_with_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("--host", "127.0.0.1", "--port", str(port), "--db", ":memory:")
    assert result.returncode == 2, result.stderr
    line = one_error_line(result.stderr)
    assert line.startswith(
        f"roomcast-server: error: cannot listen on 127.0.0.1:{port}: address already in use"
    ), line
    assert "listening on" not in result.stdout


def test_missing_certificate_exits_2_with_one_line() -> None:
    result = run_cli(*SAFE, "--certfile", "/nonexistent/cert.pem")
    assert result.returncode == 2, result.stderr
    assert one_error_line(result.stderr) == (
        "roomcast-server: error: cannot read certificate /nonexistent/cert.pem: no such file"
    )


def test_garbage_certificate_exits_2_with_one_line(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("this is not a certificate\n")
    result = run_cli(*SAFE, "--certfile", str(cert))
    assert result.returncode == 2, result.stderr
    line = one_error_line(result.stderr)
    assert line.startswith(f"roomcast-server: error: cannot load certificate {cert}"), line


def test_unwritable_database_exits_2_with_one_line() -> None:
    db = "/proc/roomcast/x.sqlite3"
    result = run_cli("--port", "0", "--db", db)
    assert result.returncode == 2, result.stderr
    line = one_error_line(result.stderr)
    assert line.startswith("roomcast-server: error:"), line
    assert db in line


# ---------------------------------------------------------------------------
# Startup output and /healthz
# ---------------------------------------------------------------------------


def get_json(url: str) -> tuple[int, dict[str, object]]:
    """GET over plain HTTP, straight to the server (never through an HTTP_PROXY)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=WAIT) as response:
        return response.status, json.loads(response.read())


async def test_startup_banner_and_healthz() -> None:
    with server_process("--db", ":memory:") as server:
        lines = server.banner
        assert lines[0] == f"Roomcast server {VERSION} listening on:"
        match = re.fullmatch(r"\s*ws://127\.0\.0\.1:(\d+)/", lines[1])
        assert match, lines
        port = int(match.group(1))
        assert port > 0
        assert server.url == f"ws://127.0.0.1:{port}/"
        assert "History: in memory (lost at exit)" in lines

        status, body = await asyncio.to_thread(get_json, f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        assert body == {"status": "ok", "rooms": 0, "connections": 0}

        code, err = await server.stop()
        assert code == 0, err


async def test_all_interfaces_prints_urls_with_one_port() -> None:
    with server_process("--host", "0.0.0.0", "--db", ":memory:") as server:
        lines = server.banner
        # The indented lines under "listening on:" (the browser links follow them).
        urls = [
            m.group(1)
            for line in lines
            if line.startswith("  ") and (m := re.search(r"(\S+://\S+)", line))
        ]
        assert urls, lines
        assert all(url.startswith("ws://") for url in urls), urls
        parsed = [re.fullmatch(r"ws://[^/]+:(\d+)/", url) for url in urls]
        ports = {m.group(1) for m in parsed if m is not None}
        assert None not in parsed and len(ports) == 1, urls
        port = ports.pop()
        assert urls[0] == f"ws://127.0.0.1:{port}/"
        assert len(set(urls)) == len(urls), urls
        # Each address has its browser link (issue 17): the same host and port, http.
        for url in urls:
            page = "http" + url.removeprefix("ws")
            assert f"Browser guests: {page} (the lobby) or {page}r/NAME" in lines, lines
        # The loopback URL it printed really serves.
        status, body = await asyncio.to_thread(get_json, f"http://127.0.0.1:{port}/healthz")
        assert (status, body["status"]) == (200, "ok")
        code, err = await server.stop()
        assert code == 0, err


# ---------------------------------------------------------------------------
# Signals: 1001 to every client, exit 0
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_signal_closes_clients_with_1001_and_exits_0(signum: signal.Signals) -> None:
    with server_process("--db", ":memory:") as server:
        # A client written from the tutorial: no subprotocol, joined on connect.
        async with peer(server.url, subprotocols=None) as client:
            welcome = await client.until("welcome")
            assert welcome["you"].startswith("guest-")
            server.proc.send_signal(signum)
            assert await client.closed() == (1001, "server shutting down")
        code, err = await server.exited()
    assert code == 0, err
    assert "Traceback" not in err, err


# ---------------------------------------------------------------------------
# Flooding: rate_limited, then 1008
# ---------------------------------------------------------------------------


async def flood(client: Peer, frames: int) -> tuple[list[dict[str, Any]], tuple[int, str]]:
    """Send ``frames`` messages as fast as possible; (frames received, close code and reason)."""
    with contextlib.suppress(ConnectionClosed):
        for i in range(frames):
            await client.send({"type": "message", "content": f"spam {i}", "id": f"f-{i}"})
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT):
        try:
            while True:
                received.append(json.loads(await client.ws.recv()))
        except ConnectionClosed as exc:
            assert exc.rcvd is not None, "closed without a close frame"
            return received, (exc.rcvd.code, exc.rcvd.reason)


async def test_flooding_client_is_closed_with_1008() -> None:
    with server_process("--db", ":memory:", "--rate", "1", "--burst", "1") as server:
        async with member(server.url, "flood") as (client, welcome):
            assert welcome["you"] == "flood"
            # The hello took the one token of the burst, so every message is
            # refused (one per second refills). The 50th refusal in 10 s closes
            # the connection (ServerConfig.abuse_after); two spare frames allow
            # for refills on a slow machine.
            frames, closed = await flood(client, 52)
        assert closed == (1008, "rate limit exceeded repeatedly")
        errors = [f for f in frames if f.get("type") == "error"]
        assert all(f["code"] == "rate_limited" for f in errors), errors
        assert errors[0]["message"] == (
            "slow down: at most 1 frames per second (bursts of 1); this frame was dropped"
        )
        # Each refused frame is answered, the 50th one too, and then the close.
        assert len(errors) == 50, len(errors)
        # The flood was dropped: at most what refilled meanwhile got through.
        stored = [f for f in frames if f.get("type") == "message"]
        assert len(stored) <= 2, stored
        assert len(errors) + len(stored) == len(frames), frames
        code, err = await server.stop()
    assert code == 0, err
    assert "Traceback" not in err, err


async def test_flooder_leaves_the_room_promptly_after_1008() -> None:
    """A client that keeps flooding is gone from the room right after its 1008.

    The others see it leave at once, not when the server's close_timeout
    (5 s) runs out because nobody reads the flooder's close frame.
    """
    with server_process("--db", ":memory:", "--rate", "1", "--burst", "1") as server:
        async with (
            member(server.url, "watcher") as (watcher, _),
            member(server.url, "flood") as (client, _),
        ):
            await watcher.until("presence", event="join", name="flood")
            with contextlib.suppress(ConnectionClosed):
                for i in range(200):
                    await client.send({"type": "message", "content": f"spam {i}"})
            # The 50th rate_limited answer comes right before the 1008 close frame.
            for _ in range(50):
                await client.until("error", code="rate_limited")
            try:
                left = await watcher.until("presence", timeout=2.0, event="leave", name="flood")
            except TimeoutError:
                pytest.fail("the flooder was still in the room 2 s after its 1008 close")
            assert left["count"] == 1
            assert await client.closed() == (1008, "rate limit exceeded repeatedly")
        code, err = await server.stop()
    assert code == 0, err
    assert "Traceback" not in err, err


FROZEN = """
import asyncio, gc, os, signal
from roomcast.server.__main__ import build_parser, config_from_args, serve_until_stopped

def ready(server):
    print("frozen", gc.get_freeze_count(), "tracked", len(gc.get_objects()), flush=True)
    os.kill(os.getpid(), signal.SIGTERM)

args = build_parser().parse_args(["--port", "0", "--db", ":memory:"])
asyncio.run(serve_until_stopped(config_from_args(args), ready=ready))
"""


def test_what_exists_at_start_is_frozen_out_of_the_collectors_sight() -> None:
    """A full collection scans only what connections made (issue 20's tail latency)."""
    done = run_module_code(FROZEN)
    assert done.returncode == 0, done.stderr
    _, frozen, _, tracked = done.stdout.split()
    assert int(frozen) > 10_000  # the modules, the configuration, the listening sockets
    assert int(tracked) < int(frozen) // 10
