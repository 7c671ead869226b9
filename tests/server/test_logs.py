"""server/logs.py and ``roomcast-server --log-format``: JSON lines for log shippers.

Unit tests drive the formatter through real loggers and a real
StreamHandler (one record must be one line of the stream); the end-to-end
tests run roomcast-server as a subprocess, as an operator (or systemd) does,
and read its stderr.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from roomcast.server.logs import (
    HANDLER_NAME,
    TEXT_FORMAT,
    JsonFormatter,
    configure,
)
from tests.helpers import peer, run_module, server_process

#: Every JSON line has these keys, first and in this order.
BASE_KEYS = ["time", "level", "logger", "event"]
RFC3339_MS_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
#: The text format's lines: "2025-01-31 12:00:00,123 INFO roomcast.server: …".
TEXT_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) \S+: .*")


def strict_loads(line: str) -> dict[str, Any]:
    """A JSON object, refusing what Python accepts but JSON does not (NaN, Infinity)."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant} in {line!r}")

    value = json.loads(line, parse_constant=refuse)
    assert isinstance(value, dict), line
    return value


def objects(stream: io.StringIO) -> list[dict[str, Any]]:
    """The stream's lines as JSON objects; the stream ends with a newline and
    no line holds any other line break (``str.splitlines`` agrees)."""
    text = stream.getvalue()
    assert text.endswith("\n"), text
    lines = text[:-1].split("\n")
    assert text.splitlines() == lines, "a line separator other than \\n reached the stream"
    return [strict_loads(line) for line in lines]


@pytest.fixture
def json_log() -> tuple[logging.Logger, io.StringIO]:
    """A logger whose records go, as JSON lines, to a StringIO and nowhere else:
    made outside logging's registry, so that no other handler (pytest's, which
    re-raises what a formatter raises) sees its records."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.Logger("roomcast.test_logs", logging.DEBUG)
    logger.addHandler(handler)
    return logger, stream


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------


def test_a_line_has_time_level_logger_and_event(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    logger.warning("room %r has %d members", "lobby", 3)
    [line] = objects(stream)
    assert list(line) == BASE_KEYS
    assert line["level"] == "WARNING"
    assert line["logger"] == "roomcast.test_logs"
    assert line["event"] == "room 'lobby' has 3 members"
    assert RFC3339_MS_UTC.fullmatch(line["time"]), line["time"]


def test_time_is_the_records_own_in_utc_with_milliseconds() -> None:
    record = logging.makeLogRecord(
        {"msg": "x", "levelname": "INFO", "created": 1738324800.5, "msecs": 500.0}
    )
    assert strict_loads(JsonFormatter().format(record))["time"] == "2025-01-31T12:00:00.500Z"

    real = logging.LogRecord("roomcast", logging.INFO, __file__, 1, "now", None, None)
    stamp = strict_loads(JsonFormatter().format(real))["time"]
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    expected = datetime.fromtimestamp(int(real.created), UTC).replace(
        microsecond=int(real.msecs) * 1000
    )
    assert parsed == expected


@pytest.mark.parametrize("level", ["debug", "info", "warning", "error", "critical"])
def test_each_level_by_its_name(json_log: tuple[logging.Logger, io.StringIO], level: str) -> None:
    logger, stream = json_log
    getattr(logger, level)("something")
    assert objects(stream)[0]["level"] == level.upper()


def test_room_and_remote_from_extra(json_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = json_log
    logger.info("refused", extra={"room": "lobby", "remote": "192.0.2.7:50123"})
    logger.info("only a room", extra={"room": "r-1"})
    refused, only_room = objects(stream)
    assert list(refused) == [*BASE_KEYS, "room", "remote"]
    assert (refused["room"], refused["remote"]) == ("lobby", "192.0.2.7:50123")
    assert list(only_room) == [*BASE_KEYS, "room"]
    assert only_room["room"] == "r-1"


def test_no_room_or_remote_when_absent_or_none(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    logger.info("plain")
    logger.info("none", extra={"room": None, "remote": None})
    assert [list(line) for line in objects(stream)] == [BASE_KEYS, BASE_KEYS]


@pytest.mark.parametrize(
    ("remote", "shown"),
    [
        (("192.0.2.7", 50123), "192.0.2.7:50123"),
        (("2001:db8::1", 443, 0, 0), "[2001:db8::1]:443"),
        ("::1", "::1"),
        (7, 7),
    ],
    ids=["ipv4-tuple", "ipv6-tuple", "text", "number"],
)
def test_socket_address_tuples_become_host_and_port(
    json_log: tuple[logging.Logger, io.StringIO], remote: object, shown: object
) -> None:
    logger, stream = json_log
    logger.info("connected", extra={"remote": remote})
    assert objects(stream)[0]["remote"] == shown


def test_exception_goes_into_exc_on_the_same_line(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    try:
        _ = 1 / 0
    except ZeroDivisionError:
        logger.exception("storing %d message(s) failed", 2, extra={"room": "lobby"})
    [line] = objects(stream)
    assert list(line) == [*BASE_KEYS, "room", "exc"]
    assert line["level"] == "ERROR"
    assert line["event"] == "storing 2 message(s) failed"
    assert line["exc"].startswith("Traceback (most recent call last):\n")
    assert line["exc"].rstrip().endswith("ZeroDivisionError: division by zero")
    assert "test_exception_goes_into_exc_on_the_same_line" in line["exc"]


def test_stack_info_goes_into_stack(json_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = json_log
    logger.info("where am I", stack_info=True)
    [line] = objects(stream)
    assert line["stack"].startswith("Stack (most recent call last):")
    assert "test_stack_info_goes_into_stack" in line["stack"]


@pytest.mark.parametrize(
    "separator",
    ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"],
)
def test_a_multi_line_message_stays_one_line(
    json_log: tuple[logging.Logger, io.StringIO], separator: str
) -> None:
    logger, stream = json_log
    event = f"first{separator}second: forged line"
    logger.warning("%s", event)
    logger.info("next")
    first, second = objects(stream)
    assert first["event"] == event
    assert second["event"] == "next"


@pytest.mark.parametrize(
    "text",
    ["Zoë", "Привет, комната", "名前", "🎉 party", "שלום", "e\u0301", "lone \udce9 surrogate"],
)
def test_non_ascii_round_trips_in_an_ascii_line(
    json_log: tuple[logging.Logger, io.StringIO], text: str
) -> None:
    logger, stream = json_log
    logger.info("%s joined", text, extra={"room": text})
    assert stream.getvalue().isascii()
    [line] = objects(stream)
    assert line["event"] == f"{text} joined"
    assert line["room"] == text


# ---------------------------------------------------------------------------
# Odd records: a log call never breaks the server, and still gives a line
# ---------------------------------------------------------------------------


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for you")

    def __repr__(self) -> str:
        raise RuntimeError("nor a repr")


class Room:
    def __str__(self) -> str:
        return "room lobby"


def test_arguments_that_do_not_fit_the_format_still_give_a_line(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    logger.info("%d rooms", "many")
    logger.info("%s and %s", "one")
    wrong_type, too_few = objects(stream)
    assert wrong_type["event"] == "%d rooms (arguments: ('many',))"
    assert too_few["event"] == "%s and %s (arguments: ('one',))"


def test_values_json_cannot_hold_are_text(json_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = json_log
    logger.info({"not": "a string"}, extra={"room": Room(), "remote": b"\x00bytes"})
    logger.info("odd numbers", extra={"room": float("nan"), "remote": float("inf")})
    logger.info("fine numbers", extra={"room": 1.5, "remote": True})
    objects_, odd, fine = objects(stream)
    assert objects_["event"] == "{'not': 'a string'}"
    assert objects_["room"] == "room lobby"
    assert objects_["remote"] == "b'\\x00bytes'"
    assert (odd["room"], odd["remote"]) == ("nan", "inf")
    assert (fine["room"], fine["remote"]) == (1.5, True)


def test_objects_that_cannot_even_print_still_give_a_line(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    logger.info(Unprintable(), extra={"room": Unprintable()})
    logger.info("%s", Unprintable())
    broken_msg, broken_arg = objects(stream)
    assert broken_msg["event"].startswith("<tests.server.test_logs.Unprintable object at 0x")
    assert re.fullmatch(
        r"<tests\.server\.test_logs\.Unprintable object at 0x[0-9a-f]+>", broken_msg["room"]
    )
    assert broken_arg["event"].startswith("%s (arguments: ")


def test_a_bogus_exc_info_still_gives_a_line() -> None:
    record = logging.makeLogRecord({"msg": "odd", "exc_info": "not a tuple"})
    line = strict_loads(JsonFormatter().format(record))
    assert line["event"] == "odd"
    assert line["exc"] == "not a tuple"


def test_nothing_is_reported_as_a_logging_error(
    json_log: tuple[logging.Logger, io.StringIO], capsys: pytest.CaptureFixture[str]
) -> None:
    """logging prints "--- Logging error ---" on stderr when a formatter raises."""
    logger, stream = json_log
    logger.info("%d", "x", extra={"room": Unprintable(), "remote": object()})
    logger.info(Unprintable())
    assert "Logging error" not in capsys.readouterr().err
    assert len(objects(stream)) == 2


# ---------------------------------------------------------------------------
# configure(): the root handler, text or JSON, at a level
# ---------------------------------------------------------------------------


@pytest.fixture
def root_restored() -> Iterator[logging.Logger]:
    """The root logger, put back as it was (pytest's own handlers included)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_configure_json_at_a_level(root_restored: logging.Logger) -> None:
    stream = io.StringIO()
    configure("warning", "json", stream)
    log = logging.getLogger("roomcast.server")
    log.info("dropped: below the level")
    log.warning("kept", extra={"room": "lobby"})
    [line] = objects(stream)
    assert (line["level"], line["logger"], line["event"], line["room"]) == (
        "WARNING",
        "roomcast.server",
        "kept",
        "lobby",
    )


def test_configure_text_is_the_human_format(root_restored: logging.Logger) -> None:
    stream = io.StringIO()
    configure("debug", "text", stream)
    logging.getLogger("roomcast.history").debug("opened %s", "h.sqlite3", extra={"room": "x"})
    [line] = stream.getvalue().splitlines()
    assert TEXT_LINE.fullmatch(line), line
    assert line.endswith(" DEBUG roomcast.history: opened h.sqlite3")
    assert TEXT_FORMAT == "%(asctime)s %(levelname)s %(name)s: %(message)s"


def test_configure_again_replaces_its_handler_only(root_restored: logging.Logger) -> None:
    others = [h for h in root_restored.handlers if h.get_name() != HANDLER_NAME]
    first, second = io.StringIO(), io.StringIO()
    configure("info", "text", first)
    configure("info", "json", second)
    ours = [h for h in root_restored.handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert [h for h in root_restored.handlers if h.get_name() != HANDLER_NAME] == others
    logging.getLogger("roomcast.server").info("once")
    assert first.getvalue() == ""
    assert objects(second)[0]["event"] == "once"


@pytest.mark.parametrize(("level", "fmt"), [("loud", "json"), ("info", "xml")])
def test_configure_refuses_unknown_levels_and_formats(
    root_restored: logging.Logger, level: str, fmt: str
) -> None:
    before = list(root_restored.handlers)
    with pytest.raises(ValueError, match="unknown log"):
        configure(level, fmt, io.StringIO())
    assert root_restored.handlers == before


# ---------------------------------------------------------------------------
# roomcast-server --log-format, end to end
# ---------------------------------------------------------------------------


async def refused_clients(url: str) -> None:
    """A wrong password (1008, logged at info) and a foreign browser origin
    (403, logged as a warning): two log lines about a room and a client."""
    async with peer(url) as client:
        await client.send({"type": "hello", "name": "mallory", "password": "wrong password"})
        code, _ = await client.closed()
        assert code == 1008
    with pytest.raises(InvalidStatus) as refused:
        async with peer(url, origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def json_lines_of_a_run() -> list[dict[str, Any]]:
    """Run roomcast-server --log-format json, refuse two clients, stop it with
    SIGTERM; its stderr as JSON objects (each line must be one)."""
    with server_process(
        *("--db", ":memory:", "--password", "right password", "--log-format", "json")
    ) as server:
        await refused_clients(server.url)
        code, err = await server.stop()
    assert code == 0, err
    assert err.endswith("\n"), err
    return [strict_loads(line) for line in err[:-1].split("\n")]


def event(lines: list[dict[str, Any]], start: str) -> dict[str, Any]:
    found = [line for line in lines if line["event"].startswith(start)]
    assert len(found) == 1, (start, lines)
    return found[0]


async def test_log_format_json_writes_one_object_per_line() -> None:
    lines = await json_lines_of_a_run()
    for line in lines:
        assert list(line)[:4] == BASE_KEYS, line
        assert RFC3339_MS_UTC.fullmatch(line["time"]), line
        assert line["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}, line
    listening = event(lines, "listening on ws://127.0.0.1:")
    assert (listening["level"], listening["logger"]) == ("INFO", "roomcast.server")
    refused = event(lines, "refused a client of room 'lobby'")
    assert refused["level"] == "INFO"
    origin = event(lines, "refused a browser connection from origin http://evil.example")
    assert origin["level"] == "WARNING"
    stopping = event(lines, "stopping: closing connections and flushing history")
    assert lines.index(listening) < lines.index(stopping)
    assert lines[-1]["event"] == "server closed"


async def test_log_format_json_names_the_room_and_the_client() -> None:
    """The lines about a client carry ``room`` and ``remote`` (the issue's fields)."""
    lines = await json_lines_of_a_run()
    for start in ("refused a client of room", "refused a browser connection"):
        line = event(lines, start)
        assert line.get("room") == "lobby", line
        assert re.fullmatch(r"127\.0\.0\.1:\d+", line.get("remote", "")), line


async def test_the_default_log_format_stays_human() -> None:
    with server_process("--db", ":memory:") as server:
        code, err = await server.stop()
    assert code == 0, err
    lines = err.splitlines()
    assert lines, err
    for line in lines:
        assert TEXT_LINE.fullmatch(line), line
    assert any(" INFO roomcast.server: listening on ws://127.0.0.1:" in line for line in lines)


def test_an_unknown_log_format_exits_2_with_one_line() -> None:
    result = run_module("roomcast.server", "--log-format", "xml", "--port", "0", timeout=30)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("roomcast-server: error: argument --log-format: invalid choice: 'xml'")
    assert "text" in line and "json" in line
