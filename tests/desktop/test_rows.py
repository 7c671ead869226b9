"""desktop/rows.py: the list's rows as plain data, and the texts made for them."""

from __future__ import annotations

import dataclasses
import gc
import json
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone

import pytest

from roomcast.desktop.rows import (
    TOO_DEEP,
    Direction,
    Opcode,
    Row,
    RowKind,
    SendState,
    binary_summary,
    frame_size,
    hex_preview,
    opcode_of,
    parse_ts,
    pretty_json,
)
from roomcast.server.notices import Severity


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        ("2026-11-23T09:00:00Z", datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
        ("2026-11-23T09:00:00.123456Z", datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)),
        (
            "2026-11-23T10:00:00+01:00",
            datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_parse_ts_reads_rfc3339(ts: str, expected: datetime) -> None:
    parsed = parse_ts(ts)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("ts", ["", "yesterday", "2026-13-40T99:00:00Z"])
def test_an_unreadable_ts_is_now(ts: str) -> None:
    before = datetime.now(UTC)
    parsed = parse_ts(ts)
    assert before <= parsed <= datetime.now(UTC)


def test_pretty_json_keeps_order_and_characters() -> None:
    # Small enough for one line: one line (an order book's row, a typing frame).
    assert pretty_json({"b": 1, "a": ["é", None]}) == '{"b": 1, "a": ["é", null]}'
    wide = {"b": 1, "a": ["é" * 40, None], "c": {"d": [1, 2]}, "e": {}, "f": "x" * 30}
    assert pretty_json(wide) == (
        "{\n"
        '  "b": 1,\n'
        f'  "a": ["{"é" * 40}", null],\n'
        '  "c": {"d": [1, 2]},\n'
        '  "e": {},\n'
        f'  "f": "{"x" * 30}"\n'
        "}"
    )
    assert json.loads(pretty_json(wide)) == wide


def test_pretty_json_breaks_what_does_not_fit_and_copes_with_any_depth() -> None:
    rows = [{"price": 100 + i / 4, "size": i} for i in range(3)]
    assert pretty_json({"bids": rows, "note": "n" * 70}).splitlines() == [
        "{",
        '  "bids": [',
        '    {"price": 100.0, "size": 0},',
        '    {"price": 100.25, "size": 1},',
        '    {"price": 100.5, "size": 2}',
        "  ],",
        f'  "note": "{"n" * 70}"',
        "}",
    ]
    many = list(range(40))  # more entries than are tried on one line
    assert pretty_json(many).count("\n") == 41
    for depth in (500, 950, 5_000):  # json.loads stops near 1,000; no error escapes
        deep: object = []
        for _ in range(depth):
            deep = [deep]
        shown = pretty_json(deep)
        assert shown == TOO_DEEP or json.loads(shown) == deep


@pytest.mark.parametrize(
    ("data", "preview"),
    [
        (b"", ""),
        (b"\x00\xff", "00 ff"),
        (bytes(range(32)), " ".join(f"{i:02x}" for i in range(32))),
        (bytes(range(33)), " ".join(f"{i:02x}" for i in range(32)) + " …"),
    ],
)
def test_hex_preview_shows_at_most_32_bytes(data: bytes, preview: str) -> None:
    assert hex_preview(data) == preview


def test_binary_summary() -> None:
    assert binary_summary(b"\x01\x02\x03") == "binary · 3 bytes\n01 02 03"
    assert binary_summary(bytes(1000)).startswith("binary · 1000 bytes\n00 00 ")


def test_a_row_defaults_to_received_now_and_is_its_own_identity() -> None:
    before = datetime.now(UTC)
    row = Row(kind=RowKind.CHAT, text="hi")
    assert before <= row.time <= datetime.now(UTC)
    assert row.direction is Direction.IN
    assert (row.author, row.seq, row.id, row.state, row.severity, row.raw) == (None,) * 6
    assert not row.mine and not row.mention
    # eq=False: two rows with the same fields are two rows (the model keeps both).
    twin = Row(kind=RowKind.CHAT, text="hi", time=row.time)
    assert row != twin and row == row
    with pytest.raises(AttributeError):
        row.colour = "red"  # type: ignore[attr-defined]  # slots: no stray fields


# -- a row keeps each thing once (issue 20: a million rows in a window) ----------------


def chat_frame(seq: int, content: str, id_: str) -> str:
    return json.dumps(
        {"type": "message", "seq": seq, "ts": "2026-11-23T09:00:00Z", "sender": "bob",
         "content": content, "id": id_},
        ensure_ascii=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "content",
    ["hello", "café 東京 👍", 'a "quoted" \\ line\nand a second', "", "\ud800 lone surrogate"],
)
def test_every_field_reads_back_as_given_whatever_is_derived(content: str) -> None:
    raw = chat_frame(7, content, "c-7")
    when = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)
    row = Row(
        kind=RowKind.CHAT, text=content, time=when, author="bob", seq=7, id="c-7", raw=raw,
        mention=True, state=SendState.SENT, direction=Direction.OUT, severity=Severity.INFO,
        mine=True,
    )  # fmt: skip
    assert (row.text, row.raw, row.id, row.time, row.seq) == (content, raw, "c-7", when, 7)
    assert row.time.tzinfo is UTC
    assert (row.mention, row.mine, row.state, row.direction, row.severity, row.opcode) == (
        True, True, SendState.SENT, Direction.OUT, Severity.INFO, None,
    )  # fmt: skip
    assert frame_size(row) == len(raw.encode("utf-8", "surrogatepass"))
    assert opcode_of(row) is Opcode.TEXT
    # Fields changed afterwards read back too, in any order.
    row.raw = chat_frame(8, "other words", "c-8")
    assert (row.text, row.id) == (content, "c-7")
    row.text = "other words"
    row.id = "c-8"
    assert (row.text, row.id, row.raw) == (
        "other words",
        "c-8",
        chat_frame(8, "other words", "c-8"),
    )
    row.mine, row.state, row.mention = False, None, False
    assert (row.mine, row.state, row.mention, row.direction) == (False, None, False, Direction.OUT)
    row.kind = RowKind.TEXT
    assert row.kind is RowKind.TEXT and row.text == "other words"


def test_a_time_that_is_not_utc_is_kept_as_it_was_shown() -> None:
    paris = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    row = Row(kind=RowKind.CHAT, text="hi", time=paris)
    assert row.time == paris and row.time.utcoffset() == timedelta(hours=1)
    far = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)  # beyond a float's µs
    assert Row(kind=RowKind.CHAT, text="hi", time=far).time == far
    assert Row(kind=RowKind.CHAT, text="hi", time=paris).ts == paris.timestamp()


def test_binary_rows_make_their_summary_from_the_frame() -> None:
    data = bytes(range(200))
    row = Row(kind=RowKind.BINARY, text=binary_summary(data), raw=data)
    assert row.text == binary_summary(data) and row.raw == data
    assert opcode_of(row) is Opcode.BINARY and frame_size(row) == 200
    other = Row(kind=RowKind.BINARY, text="not the summary", raw=data)
    assert other.text == "not the summary"


def test_rows_answer_dataclasses_like_the_dataclass_they_were() -> None:
    row = Row(kind=RowKind.CHAT, text="hi", seq=3, raw=chat_frame(3, "hi", "x"))
    assert [f.name for f in dataclasses.fields(row)][:3] == ["kind", "text", "time"]
    twin = dataclasses.replace(row, seq=4)
    assert (twin.text, twin.seq, twin.raw, twin.time) == ("hi", 4, row.raw, row.time)
    assert "text='hi'" in repr(row)


def test_a_chat_row_holds_its_text_and_id_once() -> None:
    """The text and id of a chat message are in its frame: a row keeping them
    again cost ~100 bytes a row (740 B a row in all before issue 20)."""
    contents = [f"message {n} " + "word " * (n % 30) + "👍" * (n % 3) for n in range(2_000)]
    frames = [chat_frame(n, c, f"client-id-{n:08d}") for n, c in enumerate(contents)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        rows = [
            Row(kind=RowKind.CHAT, text=c, seq=n, author="bob", id=f"client-id-{n:08d}",
                raw=f, time=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
            for n, (c, f) in enumerate(zip(contents, frames, strict=True))
        ]  # fmt: skip
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    frame_bytes = sum(len(f.encode()) for f in frames)
    # The frame's UTF-8 bytes and a fixed cost (the row, its flags, seq, time)
    # per row; neither the text nor the id a second time.
    assert held < frame_bytes + 2_000 * 220, (held - frame_bytes) / 2_000
    assert [row.text for row in rows] == contents
