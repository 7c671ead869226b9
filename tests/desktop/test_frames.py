"""The inspector's Qt-free core (desktop/frames.py): hex dumps, times, sizes,
control frames (RFC 6455, 5.5), one frame's details for every row kind, and
the lazy JSON tree (paths, summaries, one level at a time)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from roomcast.desktop import frames
from roomcast.desktop.frames import (
    SUMMARY_CHARS,
    FrameDetails,
    JsonNode,
    arrow,
    close_payload,
    compact_size,
    compact_time,
    control_text,
    details,
    full_time,
    hexdump,
    json_tree,
)
from roomcast.desktop.rows import Direction, Opcode, Row, RowKind

WHEN = datetime(2025, 3, 4, 5, 6, 7, 42_000, tzinfo=UTC)

# -- hexdump -------------------------------------------------------------------------


def test_hexdump_is_hexdump_c() -> None:
    data = b'{"type":"message","x":1}'
    assert hexdump(data).splitlines() == [
        '00000000  7b 22 74 79 70 65 22 3a  22 6d 65 73 73 61 67 65  |{"type":"message|',
        '00000010  22 2c 22 78 22 3a 31 7d                           |","x":1}|',
    ]


def test_hexdump_shows_non_ascii_and_control_bytes_as_dots() -> None:
    # "é" is two UTF-8 bytes; NUL, DEL and bytes above 0x7f are not printable.
    line = hexdump("é\x00\x7f~ ".encode())
    assert line == "00000000  c3 a9 00 7f 7e 20" + " " * 31 + "  |....~ |"


def test_hexdump_of_nothing_is_empty() -> None:
    assert hexdump(b"") == ""


def test_hexdump_width() -> None:
    assert hexdump(bytes(range(10)), width=4).splitlines() == [
        "00000000  00 01 02 03  |....|",
        "00000004  04 05 06 07  |....|",
        "00000008  08 09        |..|",
    ]
    with pytest.raises(ValueError, match="width"):
        hexdump(b"x", width=0)


def test_hexdump_limit_says_how_many_bytes_are_left_out() -> None:
    lines = hexdump(b"A" * 5000, limit=32).splitlines()
    assert lines == [
        "00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|",
        "00000010  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|",
        "… 4,968 more bytes not shown",
    ]
    assert hexdump(b"AB", limit=1).splitlines()[-1] == "… 1 more byte not shown"
    # A limit the data fits in adds no line.
    assert hexdump(b"AB", limit=2) == hexdump(b"AB")


# -- times, sizes, arrows ------------------------------------------------------------


def test_compact_time_is_local_with_milliseconds() -> None:
    local = WHEN.astimezone()
    assert compact_time(WHEN) == f"{local:%H:%M:%S}.042"


def test_full_time_has_date_milliseconds_and_offset() -> None:
    text = full_time(WHEN)
    local = WHEN.astimezone()
    assert text.startswith(f"{local:%Y-%m-%d %H:%M:%S}.042 ")
    offset = text.rsplit(" ", 1)[1]
    assert len(offset) == 6 and offset[0] in "+-" and offset[3] == ":"
    minutes = int(offset[1:3]) * 60 + int(offset[4:6])
    sign = -1 if offset[0] == "-" else 1
    assert timedelta(minutes=sign * minutes) == local.utcoffset()


def test_full_time_of_a_time_in_another_zone_is_the_same_instant_locally() -> None:
    elsewhere = WHEN.astimezone(timezone(timedelta(hours=-7, minutes=-30)))
    assert full_time(elsewhere) == full_time(WHEN)


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (0, "0 B"),
        (45, "45 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1229, "1.2 KiB"),
        (10 * 1024 - 1, "10 KiB"),
        (34 * 1024, "34 KiB"),
        (1024 * 1024 - 1, "1.0 MiB"),
        (int(3.4 * 1024 * 1024), "3.4 MiB"),
        (5 * 1024**3, "5.0 GiB"),
    ],
)
def test_compact_size(n: int, shown: str) -> None:
    assert compact_size(n) == shown


def test_arrow() -> None:
    assert arrow(Direction.OUT) == "↑"
    assert arrow(Direction.IN) == "↓"


# -- control frames ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"", (None, "")),
        (b"\x03", (None, "")),  # one byte: RFC 6455 5.5.1 allows 0 or 2+
        (b"\x03\xe8", (1000, "")),
        (b"\x03\xe8bye", (1000, "bye")),
        (b"\x03\xe9" + "süß".encode(), (1001, "süß")),
        (b"\x0f\xa0\xff\xfeok", (4000, "\ufffd\ufffdok")),  # not UTF-8: replaced, no raise
    ],
)
def test_close_payload(payload: bytes, expected: tuple[int | None, str]) -> None:
    assert close_payload(payload) == expected


@pytest.mark.parametrize(
    ("opcode", "payload", "text"),
    [
        (Opcode.PING, b"abcd", "ping · 4 bytes"),
        (Opcode.PING, b"x", "ping · 1 byte"),
        (Opcode.PONG, b"", "pong · empty"),
        (Opcode.PONG, bytes(1234), "pong · 1,234 bytes"),
        (Opcode.CLOSE, b"\x03\xe8bye", "close 1000 · bye"),
        (Opcode.CLOSE, b"\x03\xe9", "close 1001"),
        (Opcode.CLOSE, b"", "close · no code"),
        (Opcode.CLOSE, b"\x03", "close · invalid payload (1 byte)"),
    ],
)
def test_control_text(opcode: Opcode, payload: bytes, text: str) -> None:
    assert control_text(opcode, payload) == text


def test_texts_go_through_translate(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def mark(context: str, text: str) -> str:
        seen.append((context, text))
        return f"«{text}»"

    monkeypatch.setattr(frames, "translate", mark)
    assert control_text(Opcode.CLOSE, b"") == "«close · no code»"
    assert json_tree([1, 2]).summary == "[«2 items»]"
    assert ("Frames", "close · no code") in seen


# -- details -------------------------------------------------------------------------


def row(kind: RowKind, raw: str | bytes | None, **fields: object) -> Row:
    return Row(kind=kind, text="shown", raw=raw, time=WHEN, **fields)  # type: ignore[arg-type]


def test_a_json_text_frame() -> None:
    raw = '{"a": [1, 2], "é": null}'
    found = details(row(RowKind.JSON, raw, direction=Direction.OUT))
    assert found == FrameDetails(
        direction=Direction.OUT,
        time=WHEN,
        size=len(raw.encode()),  # bytes as they travelled: "é" is two
        opcode=Opcode.TEXT,
        text=raw,
        payload=raw.encode(),
        json={"a": [1, 2], "é": None},
        is_json=True,
        binary_as_text=False,
    )
    assert found.size == len(raw) + 1


def test_a_json_frame_that_travelled_as_binary() -> None:
    raw = b'{"type": "message"}'
    found = details(row(RowKind.JSON, raw))
    assert found is not None
    assert found.opcode is Opcode.BINARY
    assert found.text == raw.decode()
    assert found.payload == raw
    assert found.is_json and found.json == {"type": "message"}
    assert found.binary_as_text


def test_a_text_frame_and_a_text_that_travelled_as_binary() -> None:
    text = details(row(RowKind.TEXT, "hello"))
    assert text is not None
    assert (text.opcode, text.text, text.is_json, text.binary_as_text) == (
        Opcode.TEXT,
        "hello",
        False,
        False,
    )
    binary = details(row(RowKind.TEXT, "grüß".encode()))
    assert binary is not None
    assert (binary.opcode, binary.text, binary.size, binary.binary_as_text) == (
        Opcode.BINARY,
        "grüß",
        6,
        True,
    )


def test_a_text_row_is_not_parsed_even_if_it_looks_like_json() -> None:
    # The client parsed it already and found it is not JSON; it is not asked twice.
    found = details(row(RowKind.TEXT, "[1, 2]"))
    assert found is not None and not found.is_json and found.json is None


def test_a_binary_frame_is_bytes_only() -> None:
    data = b"\x00\x01hi\xff"
    found = details(row(RowKind.BINARY, data))
    assert found is not None
    assert (found.opcode, found.text, found.payload, found.size) == (Opcode.BINARY, None, data, 5)
    assert not found.is_json and not found.binary_as_text
    # Even bytes that decode are not text when the client said binary.
    assert details(row(RowKind.BINARY, b"abc")).text is None  # type: ignore[union-attr]


def test_a_chat_row_shows_its_frame() -> None:
    raw = '{"type":"message","seq":3,"content":"hi"}'
    found = details(row(RowKind.CHAT, raw, author="bob", seq=3))
    assert found is not None and found.is_json
    assert found.json == json.loads(raw)


def test_a_raw_json_frame_we_sent_that_does_not_parse_is_text() -> None:
    found = details(row(RowKind.JSON, "{oops", direction=Direction.OUT))
    assert found is not None
    assert (found.text, found.is_json) == ("{oops", False)


def test_json_nested_beyond_the_parser_is_text() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    found = details(row(RowKind.JSON, deep))
    assert found is not None and not found.is_json and found.text == deep


@pytest.mark.parametrize(
    ("opcode", "payload", "text"),
    [
        (Opcode.PING, b"keepalive", "keepalive"),
        (Opcode.PONG, b"\x00\x01\x02\x03", None),  # UTF-8, but control bytes: data
        (Opcode.PING, b"", None),
        (Opcode.CLOSE, b"\x03\xe8bye", None),
    ],
)
def test_control_frames(opcode: Opcode, payload: bytes, text: str | None) -> None:
    found = details(row(RowKind.CONTROL, payload, opcode=opcode))
    assert found is not None
    assert (found.opcode, found.payload, found.size, found.text) == (
        opcode,
        payload,
        len(payload),
        text,
    )
    assert not found.is_json and not found.binary_as_text


def test_notices_and_rows_without_a_frame_have_no_details() -> None:
    assert details(row(RowKind.SYSTEM, None)) is None
    # Our own chat message before the server's copy came back.
    assert details(row(RowKind.CHAT, None, mine=True, direction=Direction.OUT)) is None


def test_details_are_frozen() -> None:
    found = details(row(RowKind.TEXT, "x"))
    with pytest.raises(AttributeError):
        found.size = 3  # type: ignore[misc, union-attr]


# -- the JSON tree -------------------------------------------------------------------


DOC = {
    "type": "message",
    "items": [{"name": "a"}, {"name": "b"}, 3, 2.5, True, None],
    "a b": {"x.y": 1, "ключ": 2, "": 3, '"': 4},
    "empty": {},
    "none": [],
}


def child(node: JsonNode, key: str) -> JsonNode:
    return next(c for c in node.children if c.key == key)


def test_the_root() -> None:
    root = json_tree(DOC)
    assert (root.key, root.kind, root.parent, root.row, root.path) == ("$", "object", None, 0, "$")
    assert root.summary == "{5 keys}"
    assert root.value is DOC


def test_keys_kinds_and_rows() -> None:
    root = json_tree(DOC)
    assert [c.key for c in root.children] == ["type", "items", "a b", "empty", "none"]
    assert [c.row for c in root.children] == [0, 1, 2, 3, 4]
    items = child(root, "items")
    assert [c.key for c in items.children] == ["[0]", "[1]", "[2]", "[3]", "[4]", "[5]"]
    assert [c.kind for c in items.children] == [
        "object",
        "object",
        "number",
        "number",
        "boolean",
        "null",
    ]
    assert all(c.parent is items for c in items.children)


def test_summaries() -> None:
    root = json_tree(DOC)
    items = child(root, "items")
    assert [c.summary for c in items.children] == [
        "{1 key}",
        "{1 key}",
        "3",
        "2.5",
        "true",
        "null",
    ]
    assert items.summary == "[6 items]"
    assert json_tree([0]).summary == "[1 item]"
    assert child(root, "empty").summary == "{}"
    assert child(root, "none").summary == "[]"
    assert json_tree(False).summary == "false"
    assert json_tree(12_345_678_901_234_567_890).summary == "12345678901234567890"


def test_string_summaries_are_json_escaped_and_cut() -> None:
    assert json_tree('say "hi"\n\té').summary == '"say \\"hi\\"\\n\\té"'
    long = "x" * (SUMMARY_CHARS + 50)
    summary = json_tree(long).summary
    assert summary == '"' + "x" * SUMMARY_CHARS + '…"'
    # At the limit exactly, nothing is cut.
    assert json_tree("y" * SUMMARY_CHARS).summary == '"' + "y" * SUMMARY_CHARS + '"'


def test_paths() -> None:
    root = json_tree(DOC)
    items = child(root, "items")
    assert child(root, "type").path == "$.type"
    assert items.children[1].path == "$.items[1]"
    assert child(items.children[1], "name").path == "$.items[1].name"
    odd = child(root, "a b")
    assert odd.path == '$["a b"]'
    # Not identifiers: quoted as JSON strings; non-ASCII letters are names (RFC 9535).
    assert [c.path for c in odd.children] == [
        '$["a b"]["x.y"]',
        '$["a b"].ключ',
        '$["a b"][""]',
        '$["a b"]["\\""]',
    ]
    assert json_tree({"1st": 0, "_ok9": 1}).children[0].path == '$["1st"]'
    assert json_tree({"1st": 0, "_ok9": 1}).children[1].path == "$._ok9"


def test_an_array_of_objects_keeps_its_items_apart_by_index() -> None:
    root = json_tree([{"k": 1}, {"k": 2}])
    assert [child(c, "k").path for c in root.children] == ["$[0].k", "$[1].k"]


def test_to_json_is_the_value_pretty_printed() -> None:
    node = child(json_tree(DOC), "a b")
    assert json.loads(node.to_json()) == DOC["a b"]
    assert node.to_json().startswith('{\n  "x.y": 1')
    assert "ключ" in node.to_json()  # not \u-escaped


def test_children_are_built_once_and_only_when_asked() -> None:
    big = [[i, {"deep": i}] for i in range(100_000)]
    root = json_tree(big)
    assert root._children is None
    assert root.child_count == 100_000  # counted without building them
    assert root._children is None
    children = root.children
    assert len(children) == 100_000
    assert root.children is children  # built once
    # Only one level: no grandchild exists yet.
    assert all(c._children is None for c in children)
    last = children[-1]
    assert (last.key, last.summary, last.path) == ("[99999]", "[2 items]", "$[99999]")
    assert child(last, "[1]").children[0].path == "$[99999][1].deep"


def test_deep_nesting_is_built_and_walked_lazily() -> None:
    depth = 10_000
    value: object = "bottom"
    for _ in range(depth):
        value = {"down": [value]}
    node = json_tree(value)
    for _ in range(depth):
        node = node.children[0].children[0]  # "down", then "[0]"
    assert (node.kind, node.summary) == ("string", '"bottom"')
    # The path walks up 20,000 parents without recursion.
    assert node.path == "$" + ".down[0]" * depth
    assert node.path.count("[0]") == depth


def test_frames_imports_no_qt() -> None:
    # The import contract in pyproject.toml says so too; this shows it in a fresh interpreter.
    code = "import sys, desktop.frames; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
