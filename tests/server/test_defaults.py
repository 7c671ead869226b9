"""server/defaults.py: every default is defined once, and everything uses it."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

import roomcast.desktop.hosting as hosting_module
from roomcast.server import defaults, wire
from roomcast.server.__main__ import build_parser
from roomcast.server.app import ServerConfig
from roomcast.server.redis_hub import RedisHub
from roomcast.server.room import RateLimiter, Room
from roomcast.server.session import Rules
from tests.helpers import ROOT

#: ServerConfig field -> the default it must have.
CONFIG_DEFAULTS: dict[str, Any] = {
    "host": defaults.HOST,
    "port": defaults.PORT,
    "retention": defaults.RETENTION,
    "rate": defaults.RATE,
    "burst": defaults.BURST,
    "abuse_after": defaults.ABUSE_AFTER,
    "max_buffer": defaults.MAX_BUFFER,
    "hello_timeout": defaults.HELLO_TIMEOUT,
    "open_timeout": defaults.OPEN_TIMEOUT,
    "ping_interval": defaults.PING_INTERVAL,
    "ping_timeout": defaults.PING_TIMEOUT,
    "close_timeout": defaults.CLOSE_TIMEOUT,
    "shutdown_reason": defaults.SHUTDOWN_REASON,
    "redis_heartbeat": defaults.REDIS_HEARTBEAT,
}

#: CLI option dest -> the default it must have (the options the CLI has).
CLI_DEFAULTS: dict[str, Any] = {
    "host": defaults.HOST,
    "port": defaults.PORT,
    "retention": defaults.RETENTION,
    "rate": defaults.RATE,
    "burst": defaults.BURST,
    "max_buffer": defaults.MAX_BUFFER,
    "hello_timeout": defaults.HELLO_TIMEOUT,
    "redis_heartbeat": defaults.REDIS_HEARTBEAT,
}


def test_the_values_are_the_documented_ones() -> None:
    # PROTOCOL.md and docs/protocol-notes.md promise these; a change here is a change there.
    assert (defaults.HOST, defaults.PORT) == ("127.0.0.1", 8765)
    assert defaults.RETENTION == 10_000
    assert defaults.MAX_BUFFER == 4 << 20
    assert (defaults.PING_INTERVAL, defaults.PING_TIMEOUT, defaults.OPEN_TIMEOUT) == (20, 20, 10)
    assert defaults.SHUTDOWN_REASON == "server shutting down"
    assert defaults.HOST_STOPPED_REASON == "host stopped hosting"


@pytest.mark.parametrize(("field", "expected"), CONFIG_DEFAULTS.items())
def test_server_config_defaults_are_defaults_py(field: str, expected: Any) -> None:
    assert getattr(ServerConfig(), field) == expected


@pytest.mark.parametrize(("dest", "expected"), CLI_DEFAULTS.items())
def test_cli_defaults_are_defaults_py(dest: str, expected: Any) -> None:
    args = build_parser().parse_args([])
    assert getattr(args, dest) == expected


def test_cli_defaults_make_the_default_config() -> None:
    args = build_parser().parse_args([])
    config = ServerConfig()
    for dest in CLI_DEFAULTS:
        assert getattr(args, dest) == getattr(config, dest), dest


def test_wire_server_keyword_defaults_are_defaults_py() -> None:
    params = inspect.signature(wire.WireServer.__init__).parameters
    assert {
        name: params[name].default
        for name in ("max_buffer", "open_timeout", "ping_interval", "ping_timeout", "close_timeout")
    } == {
        "max_buffer": defaults.MAX_BUFFER,
        "open_timeout": defaults.OPEN_TIMEOUT,
        "ping_interval": defaults.PING_INTERVAL,
        "ping_timeout": defaults.PING_TIMEOUT,
        "close_timeout": defaults.CLOSE_TIMEOUT,
    }


def test_rate_limiter_and_session_rules_use_defaults_py() -> None:
    limiter = RateLimiter(1.0, 1.0)
    assert (limiter.abuse_after, limiter.abuse_window) == (
        defaults.ABUSE_AFTER,
        defaults.ABUSE_WINDOW,
    )
    rules = Rules(server_name="x")
    assert (rules.rate, rules.burst, rules.abuse_after, rules.hello_timeout) == (
        defaults.RATE,
        defaults.BURST,
        defaults.ABUSE_AFTER,
        defaults.HELLO_TIMEOUT,
    )


def test_redis_heartbeat_and_retention_use_defaults_py() -> None:
    heartbeat = inspect.signature(RedisHub.__init__).parameters["heartbeat"].default
    assert heartbeat == defaults.REDIS_HEARTBEAT
    assert Room("r").retention == defaults.RETENTION


def test_desktop_hosting_uses_the_servers_words_and_port() -> None:
    assert hosting_module.HOST_STOPPED_REASON == defaults.HOST_STOPPED_REASON
    assert hosting_module.HostSettings().port == defaults.PORT


#: Literals that must live in server/defaults.py alone.
ONCE = ["4 * 1024 * 1024", '"host stopped hosting"', '"server shutting down"']


def test_default_literals_appear_only_in_defaults_py() -> None:
    sources = sorted([*(ROOT / "server").rglob("*.py"), *(ROOT / "desktop").rglob("*.py")])
    assert ROOT / "server" / "defaults.py" in sources
    found: dict[str, list[str]] = {literal: [] for literal in ONCE}
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for literal in ONCE:
            # Either quote style counts as the same literal.
            pattern = re.escape(literal).replace('"', "[\"']")
            if re.search(pattern, text):
                found[literal].append(path.relative_to(ROOT).as_posix())
    assert found == {literal: ["server/defaults.py"] for literal in ONCE}
