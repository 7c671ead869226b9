"""desktop.export: session files round-trip every row field, and bad files give one clear error."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import errno
import itertools
import json
import os
import random
import shutil
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from roomcast.desktop import export
from roomcast.desktop.export import (
    FORMAT,
    MAX_LINE_BYTES,
    VERSION,
    Pacer,
    Session,
    SessionFileError,
    SessionWriter,
    dump_row,
    format_time,
    load_row,
    open_session,
    read_rows,
    read_session,
    save_session,
    write_session,
)
from roomcast.desktop.rows import Direction, Opcode, Row, RowKind, SendState
from roomcast.desktop.timeline import Timeline
from roomcast.server.notices import Severity
from tests.helpers import run_unprivileged

WHEN = datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))
NEWFOUNDLAND = timezone(timedelta(hours=-3, minutes=-30))
NEPAL = timezone(timedelta(hours=5, minutes=45))

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def world_folder() -> Path:
    """A folder outside pytest's private tmp (which is 0700): root ignores file
    permissions, so the permission tests run their check as nobody."""
    folder = Path(tempfile.mkdtemp(prefix="roomcast-export-"))
    folder.chmod(0o755)
    return folder


#: Row's public fields, in its constructor's order (Row's own layout may differ).
FIELDS = (
    "kind",
    "text",
    "time",
    "author",
    "seq",
    "id",
    "mine",
    "state",
    "direction",
    "severity",
    "raw",
    "mention",
    "opcode",
)


def replace(row: Row, **changes: object) -> Row:
    """A copy of ``row`` with ``changes``, through Row's public constructor."""
    return Row(**{name: getattr(row, name) for name in FIELDS} | changes)  # type: ignore[arg-type]


def snapshot(row: Row) -> tuple[object, ...]:
    """Every field, plus what equality of aware datetimes ignores: the offset and
    the exact type of ``raw``."""
    values = tuple(getattr(row, name) for name in FIELDS)
    return (*values, row.time.utcoffset(), type(row.raw))


def round_trip(tmp_path: Path, rows: list[Row], **header: str) -> Session:
    path = tmp_path / "session.jsonl"
    assert write_session(rows, path, **header) == len(rows)
    return read_session(path)


def assert_same_rows(got: list[Row], want: list[Row]) -> None:
    assert len(got) == len(want)
    for back, row in zip(got, want, strict=True):
        assert snapshot(back) == snapshot(row)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- round trips ---------------------------------------------------------------------

RAWS: list[str | bytes | None] = [
    None,
    '{"type": "message", "text": "hi"}',
    "",
    b"\x00\xff\xfe\x80 not UTF-8",
    b"",
    "héllo 🙂".encode(),
]


def every_combination() -> Iterator[Row]:
    combos = itertools.product(
        RowKind, Direction, [*SendState, None], [*Severity, None], RAWS, [False, True]
    )
    for n, (kind, direction, state, severity, raw, mine) in enumerate(combos):
        yield Row(
            kind=kind,
            text=f"row {n}",
            time=WHEN + timedelta(microseconds=n),
            author=None if n % 3 == 0 else f"author{n % 7}",
            seq=None if n % 2 else n,
            id=None if n % 5 == 0 else f"id-{n}",
            mine=mine,
            state=state,
            direction=direction,
            severity=severity,
            raw=raw,
            # Control rows carry their opcode (the others have none).
            opcode=OPCODES[n % 3] if kind is RowKind.CONTROL else None,
        )


OPCODES = [Opcode.PING, Opcode.PONG, Opcode.CLOSE]


def test_every_field_of_every_kind_round_trips(tmp_path: Path) -> None:
    rows = list(every_combination())
    assert len(rows) == 6 * 2 * 4 * 4 * len(RAWS) * 2
    assert {r.opcode for r in rows} == {None, *OPCODES}
    session = round_trip(tmp_path, rows)
    assert_same_rows(session.rows, rows)


def test_text_of_any_shape_round_trips_one_line_per_row(tmp_path: Path) -> None:
    texts = [
        "",
        "emoji 🙂👍🏽 and 中文 and עברית",
        "two\nlines\r\nand a\rcarriage return",
        "line\u2028separator\u2029paragraph\x85next line",
        "nul \x00 and tab \t and escape \x1b[0m",
        'quotes " and \\ backslashes',
        "a lone surrogate \ud800 from a foreign server's JSON",
        "x" * 100_000,
    ]
    rows = [Row(RowKind.TEXT, text, time=WHEN, author=text or None, raw=text) for text in texts]
    path = tmp_path / "session.jsonl"
    write_session(rows, path)
    data = path.read_bytes()
    data.decode("utf-8")  # strictly UTF-8, the lone surrogate included (escaped)
    assert data.endswith(b"\n")
    assert len(data.split(b"\n")) == 1 + len(rows) + 1  # header, rows, the final newline
    assert "🙂".encode() in data  # non-ASCII is written as itself, not escaped
    assert_same_rows(read_session(path).rows, rows)


def test_times_keep_their_offset_and_microseconds(tmp_path: Path) -> None:
    times = [
        datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=IST),
        datetime(1999, 12, 31, 20, 30, tzinfo=NEWFOUNDLAND),
        datetime(2030, 1, 1, tzinfo=NEPAL),
        datetime(2025, 6, 1, 12, tzinfo=timezone(timedelta(hours=2), "CEST")),
    ]
    rows = [Row(RowKind.SYSTEM, "t", time=time) for time in times]
    assert [dump_row(row)["time"] for row in rows] == [
        "2024-02-29T23:59:59.000001Z",
        "2024-02-29T23:59:59.999999+05:30",
        "1999-12-31T20:30:00.000000-03:30",
        "2030-01-01T00:00:00.000000+05:45",
        "2025-06-01T12:00:00.000000+02:00",
    ]
    back = round_trip(tmp_path, rows).rows
    assert_same_rows(back, rows)
    # The same instant, converted correctly to UTC.
    assert back[1].time.astimezone(UTC) == datetime(2024, 2, 29, 18, 29, 59, 999999, tzinfo=UTC)
    assert back[2].time.astimezone(UTC) == datetime(2000, 1, 1, 0, 0, tzinfo=UTC)
    assert back[0].time.tzinfo is UTC


def test_a_naive_time_is_written_as_utc(tmp_path: Path) -> None:
    row = Row(RowKind.SYSTEM, "naive", time=datetime(2025, 1, 2, 3, 4, 5))
    assert format_time(row.time) == "2025-01-02T03:04:05.000000Z"
    (back,) = round_trip(tmp_path, [row]).rows
    assert back.time == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("seq", [None, 0, 1, 2**31, 2**63 + 1, -1])
def test_seq_round_trips(tmp_path: Path, seq: int | None) -> None:
    row = Row(RowKind.CHAT, "hi", time=WHEN, seq=seq)
    (back,) = round_trip(tmp_path, [row]).rows
    assert back.seq == seq
    assert type(back.seq) is type(seq)


def test_dump_row_writes_every_field_with_enum_values() -> None:
    row = Row(
        kind=RowKind.CHAT,
        text="hi",
        time=datetime(2025, 1, 2, 4, 4, 5, 6, tzinfo=timezone(timedelta(hours=1))),
        author="ann",
        seq=7,
        id="c1",
        mine=True,
        state=SendState.SENT,
        direction=Direction.OUT,
        severity=Severity.WARNING,
        raw='{"type":"send"}',
    )
    assert dump_row(row) == {
        "kind": "chat",
        "text": "hi",
        "time": "2025-01-02T04:04:05.000006+01:00",
        "author": "ann",
        "seq": 7,
        "id": "c1",
        "mine": True,
        "state": "sent",
        "direction": "out",
        "severity": 30,
        "mention": False,
        "raw": '{"type":"send"}',
    }
    assert dump_row(replace(row, mention=True))["mention"] is True
    assert dump_row(replace(row, raw=b"\x00\xff"))["raw_b64"] == "AP8="
    assert "raw" not in dump_row(replace(row, raw=b"\x00\xff"))
    bare = dump_row(Row(RowKind.BINARY, "b", time=WHEN))
    assert "raw" not in bare
    assert "raw_b64" not in bare
    assert bare["state"] is None
    assert bare["severity"] is None


def test_header_line(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    before = datetime.now(UTC)
    write_session([Row(RowKind.TEXT, "a", time=WHEN)], path, url="ws://h:8765/", room="lobby")
    header = json.loads(path.read_bytes().split(b"\n")[0])
    assert header.pop("exported").endswith("Z")
    assert header == {
        "format": "roomcast-session",
        "version": 1,
        "rows": 1,
        "url": "ws://h:8765/",
        "room": "lobby",
    }
    session = read_session(path)
    assert session.url == "ws://h:8765/"
    assert session.room == "lobby"
    assert session.exported is not None
    assert before <= session.exported <= datetime.now(UTC)
    assert (FORMAT, VERSION) == ("roomcast-session", 1)


def test_header_without_url_or_room(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    assert write_session([], path) == 0
    assert set(json.loads(path.read_text("utf-8"))) == {"format", "version", "exported", "rows"}
    session = read_session(path)
    assert session == Session(rows=[], exported=session.exported, url=None, room=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.url = "x"  # type: ignore[misc]


def test_rows_can_come_from_any_iterable(tmp_path: Path) -> None:
    rows = list(every_combination())[:10]
    path = tmp_path / "session.jsonl"
    assert write_session(iter(rows), path) == 10
    assert_same_rows(read_session(path).rows, rows)


def test_a_hundred_thousand_rows_round_trip(tmp_path: Path) -> None:
    kinds = list(RowKind)
    rows = [
        Row(
            kind=kinds[n % 5],
            text=f"message {n} 🙂",
            time=WHEN + timedelta(microseconds=n * 7),
            author=f"user{n % 13}",
            seq=n,
            id=f"id{n}",
            mine=n % 2 == 0,
            state=SendState.SENT if n % 2 == 0 else None,
            direction=Direction.OUT if n % 2 == 0 else Direction.IN,
            severity=Severity.ERROR if n % 11 == 0 else None,
            raw=n.to_bytes(4, "big") if n % 3 == 0 else f"frame {n}",
        )
        for n in range(100_000)
    ]
    session = round_trip(tmp_path, rows, room="big")
    assert len(session.rows) == 100_000
    assert_same_rows(session.rows, rows)


def test_writing_replaces_an_earlier_file(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    path.write_text("old contents that are much longer than the new ones " * 100)
    write_session([Row(RowKind.TEXT, "new", time=WHEN)], path)
    assert [row.text for row in read_session(path).rows] == ["new"]
    assert temp_files(tmp_path) == []


# -- lenient where it does not matter ------------------------------------------------


def header_line(rows: int = 1, **extra: object) -> str:
    fields = {"format": FORMAT, "version": VERSION, "exported": "2025-01-02T03:04:05Z"}
    return json.dumps({**fields, "rows": rows, **extra})


def row_obj(**changes: object) -> dict[str, Any]:
    obj = dump_row(Row(RowKind.CHAT, "hi", time=WHEN, author="ann", seq=1, raw="frame"))
    obj.update(changes)
    return obj


def write_file(tmp_path: Path, *lines: str, name: str = "session.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
    return path


def test_blank_lines_crlf_bom_and_unknown_keys_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    lines = [
        header_line(2, future="ignored"),
        json.dumps(row_obj(extra=[1, 2])),
        json.dumps(row_obj()),
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n\r\n  \n\n")
    session = read_session(path)
    assert [row.text for row in session.rows] == ["hi", "hi"]
    assert session.exported == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_last_line_without_newline_and_null_raw(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    path.write_text(
        header_line(2)
        + "\n"
        + json.dumps(row_obj(raw=None))
        + "\n"
        + json.dumps(row_obj(raw=None, raw_b64=None))
    )
    assert [row.raw for row in read_session(path).rows] == [None, None]


def test_header_without_exported_time(tmp_path: Path) -> None:
    path = write_file(tmp_path, json.dumps({"format": FORMAT, "version": 1, "rows": 0}))
    assert read_session(path).exported is None


# -- errors --------------------------------------------------------------------------


def read_error(path: Path) -> SessionFileError:
    with pytest.raises(SessionFileError) as caught:
        read_session(path)
    return caught.value


def test_the_error_is_a_value_error_naming_file_line_and_reason(tmp_path: Path) -> None:
    path = write_file(tmp_path, header_line(), json.dumps(row_obj(kind="bogus")))
    error = read_error(path)
    assert isinstance(error, ValueError)
    assert (error.path, error.line) == (path, 2)
    assert (
        error.reason
        == "'kind' must be one of chat, system, json, text, binary, control, got 'bogus'"
    )
    assert str(error) == (
        "session.jsonl line 2: 'kind' must be one of chat, system, json, text, binary, control, got 'bogus'"
    )
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_missing_file(tmp_path: Path) -> None:
    error = read_error(tmp_path / "missing.jsonl")
    assert str(error) == "missing.jsonl: cannot read the file (No such file or directory)"
    assert error.line is None


def test_a_folder(tmp_path: Path) -> None:
    (tmp_path / "folder.jsonl").mkdir()
    assert str(read_error(tmp_path / "folder.jsonl")) == "folder.jsonl: is a folder, not a file"


def test_a_nul_in_the_path(tmp_path: Path) -> None:
    assert str(read_error(tmp_path / "bad\0name.jsonl")) == (
        "bad\x00name.jsonl: cannot read the file (invalid file name)"
    )


def test_fields_are_checked_in_order(tmp_path: Path) -> None:
    obj = row_obj(raw=5, severity="loud", kind="bogus")
    del obj["text"]
    path = write_file(tmp_path, header_line(), json.dumps(obj))
    assert str(read_error(path)) == (
        "session.jsonl line 2: 'kind' must be one of chat, system, json, text, binary, control, got 'bogus'"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    assert str(read_error(tmp_path / "pipe.jsonl")) == "pipe.jsonl: not a regular file"


@needs_posix
@needs_posix
def test_an_unreadable_file() -> None:
    folder = world_folder()
    path = write_file(folder, header_line(0))
    path.chmod(0)
    try:
        if AS_ROOT:
            said = run_unprivileged(
                "from roomcast.desktop.export import SessionFileError, read_session",
                f"try:\n    read_session({str(path)!r})\n"
                "except SessionFileError as exc:\n    print(exc)",
            )
        else:
            said = str(read_error(path))
        assert said.strip() == "session.jsonl: cannot read the file (Permission denied)"
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("header", [False, True])
def test_one_endless_line_costs_at_most_the_line_limit(tmp_path: Path, header: bool) -> None:
    """A 2 GiB line (a disk image, a file that never had a newline) is refused
    after reading MAX_LINE_BYTES of it, never held whole."""
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as f:
        if header:
            f.write(header_line(1).encode() + b"\n")
        f.truncate(2 * 1024**3)  # sparse: only the part read is ever paged in
    tracemalloc.start()
    try:
        error = read_error(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    line = 2 if header else 1
    assert str(error) == f"huge.jsonl line {line}: longer than 32 MiB, the most one line may hold"
    assert MAX_LINE_BYTES == 32 * 1024 * 1024
    assert peak < 3 * MAX_LINE_BYTES  # what one line may cost, and nowhere near the 2 GiB


def test_a_line_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    first = header_line(1).encode()
    row = json.dumps(row_obj(text="x" * 500)).encode()
    path = tmp_path / "session.jsonl"
    path.write_bytes(first + b"\n" + row + b"\n")
    with open_session(path, max_line_bytes=len(row)) as reader:
        assert [r.text for r in reader] == ["x" * 500]
    with pytest.raises(SessionFileError) as caught:
        with open_session(path, max_line_bytes=len(row) - 1) as reader:
            list(reader)
    assert str(caught.value) == (
        f"session.jsonl line 2: longer than {len(row) - 1:,} bytes, the most one line may hold"
    )
    with pytest.raises(SessionFileError) as caught:
        open_session(path, max_line_bytes=len(first) - 1)  # the header itself
    assert caught.value.line == 1


def test_a_row_too_long_to_read_back_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("earlier export")
    writer = SessionWriter(path, rows=2, max_line_bytes=1000)
    writer.write(Row(RowKind.TEXT, "small", time=WHEN))
    with pytest.raises(OSError, match=r"^\[Errno 27\] row 2 is too large") as caught:
        writer.write(Row(RowKind.TEXT, "x" * 2000, time=WHEN))
    assert caught.value.errno == errno.EFBIG
    assert caught.value.filename == os.path.realpath(path)
    assert caught.value.strerror == (
        "row 2 is too large for a session file (2,172 bytes; one row may take 1,000 bytes)"
    )
    assert path.read_text() == "earlier export"
    assert names(tmp_path) == ["out.jsonl"]


def test_a_truncated_file_names_the_cut_line(tmp_path: Path) -> None:
    rows = [Row(RowKind.CHAT, f"message {n}", time=WHEN, seq=n) for n in range(1000)]
    path = tmp_path / "session.jsonl"
    write_session(rows, path)
    data = path.read_bytes()
    lines = data.split(b"\n")
    cut = sum(len(line) + 1 for line in lines[:500]) + 20  # 20 bytes into line 501
    path.write_bytes(data[:cut])
    error = read_error(path)
    assert error.line == 501
    assert error.reason.startswith("not valid JSON (")
    # Cut at the end of a line: every line is good, but rows are missing.
    path.write_bytes(data[: cut - 20])
    error = read_error(path)
    assert str(error) == "session.jsonl: the header says 1000 rows, but the file holds 499"


def test_random_bytes_are_refused_on_their_first_line(tmp_path: Path) -> None:
    noise = random.Random(20).randbytes(1 << 20)
    path = tmp_path / "noise.bin"
    path.write_bytes(b"\xff" + noise)
    error = read_error(path)
    assert error.line == 1
    assert error.reason == "not UTF-8 text (byte 0xff at column 1)"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    path.write_bytes(header_line().encode() + b'\n{"text": "caf\xe9"}\n')
    assert str(read_error(path)) == "session.jsonl line 2: not UTF-8 text (byte 0xe9 at column 14)"


def test_a_binary_file_is_not_utf8_on_line_1(tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert str(read_error(path)) == "picture.png line 1: not UTF-8 text (byte 0x89 at column 1)"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"kind": ', "not valid JSON (Expecting value at column 10)"),
        ('{"kind": "chat"} trailing', "not valid JSON (Extra data at column 18)"),
        (
            "{'kind': 'chat'}",
            "not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        ),
        ("[" * 100_000, "not valid JSON (nested too deeply)"),
        ("1" * 5000, "not valid JSON (a number has too many digits)"),
    ],
)
def test_a_line_that_is_not_json(tmp_path: Path, line: str, reason: str) -> None:
    path = write_file(tmp_path, header_line(2), json.dumps(row_obj()), line)
    assert str(read_error(path)) == f"session.jsonl line 3: {reason}"


@pytest.mark.parametrize("lines", [[], [""], ["", "   ", "\t"]])
def test_an_empty_file(tmp_path: Path, lines: list[str]) -> None:
    path = write_file(tmp_path, *lines)
    assert str(read_error(path)) == "session.jsonl: not a Roomcast session file (it is empty)"


@pytest.mark.parametrize(
    "first",
    [
        json.dumps(row_obj()),
        "[1, 2]",
        '"roomcast-session"',
        json.dumps({"format": "something-else", "version": 1, "rows": 0}),
        json.dumps({"version": 1, "rows": 0}),
    ],
)
def test_no_header(tmp_path: Path, first: str) -> None:
    path = write_file(tmp_path, first)
    assert str(read_error(path)) == (
        "session.jsonl line 1: not a Roomcast session file (no 'roomcast-session' header)"
    )


def test_a_newer_version(tmp_path: Path) -> None:
    path = write_file(
        tmp_path, json.dumps({"format": FORMAT, "version": 2, "rows": 5, "new": {}}), "{}"
    )
    assert str(read_error(path)) == (
        "session.jsonl line 1: written by a newer Roomcast (version 2; this one reads 1)"
    )


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"rows": 0}, "'version' must be a positive whole number, got null"),
        ({"version": "1", "rows": 0}, "'version' must be a positive whole number, got '1'"),
        ({"version": 0, "rows": 0}, "'version' must be a positive whole number, got 0"),
        ({"version": True, "rows": 0}, "'version' must be a positive whole number, got true"),
        ({"version": 1.0, "rows": 0}, "'version' must be a positive whole number, got 1.0"),
        ({"version": 1}, "'rows' must be a whole number (0 or more), got null"),
        ({"version": 1, "rows": -1}, "'rows' must be a whole number (0 or more), got -1"),
        ({"version": 1, "rows": "0"}, "'rows' must be a whole number (0 or more), got '0'"),
        (
            {"version": 1, "rows": 0, "exported": "soon"},
            "'exported' must be an RFC 3339 time with an offset, got 'soon'",
        ),
        (
            {"version": 1, "rows": 0, "exported": "2025-01-02T03:04:05"},
            "'exported' must be an RFC 3339 time with an offset, got '2025-01-02T03:04:05'",
        ),
        ({"version": 1, "rows": 0, "url": 3}, "'url' must be a string or null, got 3"),
        ({"version": 1, "rows": 0, "room": ["a"]}, "'room' must be a string or null, got [\"a\"]"),
    ],
)
def test_a_bad_header(tmp_path: Path, header: dict[str, object], reason: str) -> None:
    path = write_file(tmp_path, json.dumps({"format": FORMAT, **header}))
    assert str(read_error(path)) == f"session.jsonl line 1: {reason}"


@pytest.mark.parametrize(
    ("promised", "held", "reason"),
    [
        (3, 2, "the header says 3 rows, but the file holds 2"),
        (1, 2, "the header says 1 row, but the file holds 2"),
        (1, 0, "the header says 1 row, but the file holds 0"),
        (0, 1, "the header says 0 rows, but the file holds 1"),
    ],
)
def test_the_row_count_must_match(tmp_path: Path, promised: int, held: int, reason: str) -> None:
    path = write_file(tmp_path, header_line(promised), *[json.dumps(row_obj())] * held)
    error = read_error(path)
    assert str(error) == f"session.jsonl: {reason}"
    assert error.line is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [("[1, 2]", "[1, 2]"), ('"chat"', "'chat'"), ("null", "null"), ("7", "7")],
)
def test_a_row_that_is_not_an_object(tmp_path: Path, value: str, shown: str) -> None:
    path = write_file(tmp_path, header_line(2), json.dumps(row_obj()), value)
    assert (
        str(read_error(path)) == f"session.jsonl line 3: a row must be a JSON object, got {shown}"
    )


@pytest.mark.parametrize(
    "key", ["kind", "text", "time", "author", "seq", "id", "mine", "state", "direction", "severity"]
)
def test_a_missing_field(tmp_path: Path, key: str) -> None:
    obj = row_obj()
    del obj[key]
    path = write_file(tmp_path, header_line(), json.dumps(obj))
    assert str(read_error(path)) == f"session.jsonl line 2: missing field {key!r}"


BAD_FIELDS: list[tuple[str, object, str]] = [
    (
        "kind",
        "bogus",
        "'kind' must be one of chat, system, json, text, binary, control, got 'bogus'",
    ),
    ("kind", "CHAT", "'kind' must be one of chat, system, json, text, binary, control, got 'CHAT'"),
    ("kind", None, "'kind' must be one of chat, system, json, text, binary, control, got null"),
    (
        "kind",
        "x" * 100,
        "'kind' must be one of chat, system, json, text, binary, control, got '" + "x" * 39 + "…'",
    ),
    ("text", 5, "'text' must be a string, got 5"),
    ("text", None, "'text' must be a string, got null"),
    ("time", "yesterday", "'time' must be an RFC 3339 time with an offset, got 'yesterday'"),
    (
        "time",
        "2025-01-02T03:04:05",
        "'time' must be an RFC 3339 time with an offset, got '2025-01-02T03:04:05'",
    ),
    (
        "time",
        "2025-02-30T00:00:00Z",
        "'time' must be an RFC 3339 time with an offset, got '2025-02-30T00:00:00Z'",
    ),
    ("time", 1735787045, "'time' must be an RFC 3339 time with an offset, got 1735787045"),
    ("author", 5, "'author' must be a string or null, got 5"),
    ("author", {"name": "ann"}, '\'author\' must be a string or null, got {"name": "ann"}'),
    ("seq", "5", "'seq' must be a whole number or null, got '5'"),
    ("seq", True, "'seq' must be a whole number or null, got true"),
    ("seq", 1.5, "'seq' must be a whole number or null, got 1.5"),
    (
        "seq",
        list(range(50)),
        "'seq' must be a whole number or null, got [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …",
    ),
    ("id", [], "'id' must be a string or null, got []"),
    ("mine", 1, "'mine' must be true or false, got 1"),
    ("mine", None, "'mine' must be true or false, got null"),
    ("mine", "true", "'mine' must be true or false, got 'true'"),
    ("state", "done", "'state' must be null or one of pending, sent, failed, got 'done'"),
    ("state", 1, "'state' must be null or one of pending, sent, failed, got 1"),
    ("direction", "up", "'direction' must be one of in, out, got 'up'"),
    ("direction", None, "'direction' must be one of in, out, got null"),
    ("severity", "error", "'severity' must be null or one of 20, 30, 40, got 'error'"),
    ("severity", 10, "'severity' must be null or one of 20, 30, 40, got 10"),
    ("severity", 20.0, "'severity' must be null or one of 20, 30, 40, got 20.0"),
    ("severity", "20", "'severity' must be null or one of 20, 30, 40, got '20'"),
    ("raw", 5, "'raw' must be a string, got 5"),
]


@pytest.mark.parametrize(("key", "value", "reason"), BAD_FIELDS)
def test_an_ill_typed_field(tmp_path: Path, key: str, value: object, reason: str) -> None:
    path = write_file(
        tmp_path, header_line(2), json.dumps(row_obj()), json.dumps(row_obj(**{key: value}))
    )
    assert str(read_error(path)) == f"session.jsonl line 3: {reason}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("not base64!", "'not base64!'"),
        ("AP8", "'AP8'"),  # missing padding
        ("AP8=\n", "'AP8=\\n'"),
        ("éé==", "'éé=='"),
        (5, "5"),
    ],
)
def test_bad_base64(tmp_path: Path, value: object, shown: str) -> None:
    obj = row_obj(raw=None, raw_b64=value)
    path = write_file(tmp_path, header_line(), json.dumps(obj))
    assert (
        str(read_error(path)) == f"session.jsonl line 2: 'raw_b64' must be base64 text, got {shown}"
    )


def test_raw_and_raw_b64_together(tmp_path: Path) -> None:
    obj = row_obj(raw="frame", raw_b64=base64.b64encode(b"frame").decode())
    path = write_file(tmp_path, header_line(), json.dumps(obj))
    assert str(read_error(path)) == "session.jsonl line 2: 'raw' and 'raw_b64' cannot both be given"


def test_load_row_on_its_own() -> None:
    row = load_row(row_obj(raw=None, raw_b64="AP8="), 1)
    assert row.raw == b"\x00\xff"
    with pytest.raises(SessionFileError) as caught:
        load_row({"text": "no kind"}, 7)
    assert str(caught.value) == "line 7: missing field 'kind'"
    assert caught.value.path is None
    assert str(SessionFileError(None, None, "just a reason")) == "just a reason"


# -- atomic writes -------------------------------------------------------------------


def test_the_target_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        write_session([Row(RowKind.TEXT, "a", time=WHEN)], tmp_path / "out.jsonl")
    assert caught.value.filename == os.path.realpath(tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_the_target_becomes_a_folder_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out.jsonl").mkdir()
    monkeypatch.setattr(Path, "is_dir", lambda self: False)  # skip the early check
    with pytest.raises(IsADirectoryError) as caught:
        write_session([Row(RowKind.TEXT, "a", time=WHEN)], tmp_path / "out.jsonl")
    monkeypatch.undo()
    assert caught.value.filename == os.path.realpath(tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_the_folder_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        write_session([], tmp_path / "nowhere" / "out.jsonl")
    assert caught.value.filename == os.path.realpath(tmp_path / "nowhere" / "out.jsonl")
    assert list(tmp_path.iterdir()) == []


@needs_posix
@needs_posix
def test_an_unwritable_folder() -> None:
    top = world_folder()
    folder = top / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "out.jsonl"
    try:
        if AS_ROOT:
            said = run_unprivileged(
                "from roomcast.desktop.export import write_session\nfrom roomcast.desktop.rows import Row, RowKind",
                f"try:\n    write_session([Row(RowKind.TEXT, 'a')], {str(target)!r})\n"
                "except PermissionError as exc:\n    print(exc.filename)",
            )
            assert said.strip() == os.path.realpath(target)
        else:
            with pytest.raises(PermissionError) as caught:
                write_session([Row(RowKind.TEXT, "a", time=WHEN)], target)
            assert caught.value.filename == os.path.realpath(target)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
        shutil.rmtree(top)


def test_a_failed_rename_keeps_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("earlier export")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as caught:
        write_session([Row(RowKind.TEXT, "a", time=WHEN)], path)
    monkeypatch.undo()
    assert str(caught.value) == f"[Errno 13] Permission denied: {os.path.realpath(path)!r}"
    assert path.read_text() == "earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_row_that_cannot_be_written_leaves_no_half_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("earlier export")
    good = [Row(RowKind.TEXT, f"row {n}", time=WHEN) for n in range(5000)]
    broken = Row("not a kind", "x", time=WHEN)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        write_session([*good, broken], path)
    assert path.read_text() == "earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


class Interrupting:
    """A row kind whose value is read mid-write, as Ctrl+C could strike."""

    @property
    def value(self) -> str:
        raise KeyboardInterrupt


def test_an_interrupt_while_writing_leaves_no_half_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("earlier export")
    rows = [Row(RowKind.TEXT, "a", time=WHEN), Row(Interrupting(), "b", time=WHEN)]  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        write_session(rows, path)
    assert path.read_text() == "earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


@needs_posix
def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_session([], tmp_path / "out.jsonl")
    finally:
        os.umask(old)
    assert (tmp_path / "out.jsonl").stat().st_mode & 0o777 == 0o644


@needs_posix
def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text("old")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    write_session([Row(RowKind.TEXT, "via link", time=WHEN)], link)
    assert link.is_symlink()
    assert [row.text for row in read_session(real).rows] == ["via link"]
    assert temp_files(tmp_path) == []


# -- streaming -----------------------------------------------------------------------


def many_rows(n: int) -> Iterator[Row]:
    kinds = list(RowKind)
    for i in range(n):
        yield Row(
            kind=kinds[i % len(kinds)],
            text=f"message {i} 🙂",
            time=WHEN + timedelta(microseconds=i),
            author=f"user{i % 13}",
            seq=i,
            id=f"id{i}",
            mine=i % 2 == 0,
            direction=Direction.OUT if i % 2 == 0 else Direction.IN,
            raw=i.to_bytes(4, "big") if i % 3 == 0 else f"frame {i}",
            opcode=Opcode.PING if kinds[i % len(kinds)] is RowKind.CONTROL else None,
        )


def write_many(path: Path, n: int) -> None:
    """``n`` rows written as they are made: none of them held."""
    with SessionWriter(path, rows=n, room="big") as writer:
        for row in many_rows(n):
            writer.write(row)
        assert writer.commit() == n


def test_reading_a_large_file_holds_one_row_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_many(path, 60_000)
    assert path.stat().st_size > 12 * 1024 * 1024
    bound = 4 * 1024 * 1024  # the reader's 1 MiB buffer and one row, with room
    tracemalloc.start()
    try:
        with open_session(path) as reader:
            assert reader.rows == 60_000
            assert reader.room == "big"
            rows = iter(reader)
            first = next(rows)
            assert reader.position < 2 * 1024 * 1024  # not the whole file
            assert first.text == "message 0 🙂"
            counted = 1 + sum(1 for _ in rows)
            assert reader.position == reader.size
        _, streamed_peak = tracemalloc.get_traced_memory()
        # The fault this bound catches: keeping what was read (the old reader
        # built every row into a list). A third of the file already breaks it.
        tracemalloc.reset_peak()
        with open_session(path) as reader:
            kept = list(itertools.islice(reader, 20_000))
        _, kept_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counted == 60_000
    assert len(kept) == 20_000
    assert streamed_peak < bound < kept_peak


def test_a_file_written_row_by_row_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_many(path, 10_000)
    with open_session(path) as reader:
        for back, row in zip(reader, many_rows(10_000), strict=True):
            assert snapshot(back) == snapshot(row)
        assert reader.count == 10_000


def test_the_writer_must_get_the_rows_it_promised(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    writer = SessionWriter(path, rows=2)
    writer.write(Row(RowKind.TEXT, "a", time=WHEN))
    with pytest.raises(ValueError, match="1 rows written, but the header promised 2"):
        writer.commit()
    writer = SessionWriter(path, rows=0)
    with pytest.raises(ValueError, match="more rows than the 0 the header promised"):
        writer.write(Row(RowKind.TEXT, "a", time=WHEN))
    with SessionWriter(path, rows=1) as writer:
        writer.write(Row(RowKind.TEXT, "left unfinished", time=WHEN))
    assert names(tmp_path) == []  # never committed: nothing at all


def test_the_pacer_gives_way_by_time() -> None:
    now = [100.0]
    pacer = Pacer(0.010, clock=lambda: now[0])
    assert not pacer.due()
    now[0] += 0.009
    assert not pacer.due()
    now[0] += 0.001
    assert pacer.due()
    pacer.restart()
    assert not pacer.due()


async def test_save_session_gives_way_and_reports_progress(tmp_path: Path) -> None:
    rows = list(many_rows(2000))
    path = tmp_path / "out.jsonl"
    seen: list[int] = []
    others: list[int] = []

    async def meanwhile() -> None:  # another task on the loop: it runs between slices
        while len(others) < 5:
            others.append(len(seen))
            await asyncio.sleep(0)

    other = asyncio.ensure_future(meanwhile())
    count = await save_session(rows, path, room="r", progress=seen.append, slice_seconds=0)
    await other
    assert count == 2000
    assert seen == list(range(1, 2001))  # a slice of 0 s: one row each
    assert others[:3] == [1, 2, 3]  # it ran after each row
    back = read_session(path)
    assert back.room == "r"
    assert_same_rows(back.rows, rows)


async def test_a_cancelled_save_leaves_no_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("earlier export")
    rows = list(many_rows(5000))
    temps: list[list[str]] = []

    def progress(written: int) -> None:
        if written == 1000:
            temps.append(temp_files(tmp_path))  # half written, beside the target
            task.cancel()

    task = asyncio.ensure_future(save_session(rows, path, progress=progress, slice_seconds=0))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(temps) == 1 and len(temps[0]) == 1
    assert path.read_text() == "earlier export"
    assert names(tmp_path) == ["out.jsonl"]


async def test_read_rows_hands_over_slices_and_stops_when_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_many(path, 3000)
    taken: list[Row] = []
    with open_session(path) as reader:
        assert await read_rows(reader, taken.extend) == 3000
    assert [row.seq for row in taken] == list(range(3000))

    taken.clear()
    slices: list[int] = []

    def take(batch: list[Row]) -> None:
        slices.append(len(batch))
        taken.extend(batch)
        if len(taken) >= 100:
            task.cancel()

    with open_session(path) as reader:
        task = asyncio.ensure_future(read_rows(reader, take, slice_seconds=0))
        with pytest.raises(asyncio.CancelledError):
            await task
        assert reader.count == 100
    assert slices == [1] * 100
    assert [row.seq for row in taken] == list(range(100))  # every row read was handed over


async def test_read_rows_raises_at_a_bad_line_after_the_good_ones(tmp_path: Path) -> None:
    path = write_file(tmp_path, header_line(3), json.dumps(row_obj()), json.dumps(row_obj()), "{")
    taken: list[Row] = []
    with open_session(path) as reader, pytest.raises(SessionFileError) as caught:
        await read_rows(reader, taken.extend, slice_seconds=0)
    assert str(caught.value).startswith("session.jsonl line 4: not valid JSON")
    assert len(taken) == 2


async def test_a_snapshot_keeps_the_rows_of_the_moment(tmp_path: Path) -> None:
    timeline = Timeline()
    timeline.extend(Row(RowKind.CHAT, f"before {n}", time=WHEN, seq=n) for n in range(10))
    timeline.flush()
    rows = export.snapshot(timeline.rows)
    path = tmp_path / "out.jsonl"
    task = asyncio.ensure_future(save_session(rows, path, slice_seconds=0))
    await asyncio.sleep(0)  # the save has begun
    # Meanwhile the live room goes on: new rows, an older page, then a reset.
    timeline.extend(Row(RowKind.CHAT, f"after {n}", time=WHEN, seq=100 + n) for n in range(5))
    timeline.flush()
    timeline.prepend_history([Row(RowKind.CHAT, "older", time=WHEN, seq=-1)])
    timeline.clear()
    assert await task == 10
    assert [row.text for row in read_session(path).rows] == [f"before {n}" for n in range(10)]
