"""desktop/rows.py: the list's rows as plain data, and the texts made for them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from roomcast.desktop.rows import (
    TOO_DEEP,
    Direction,
    Row,
    RowKind,
    binary_summary,
    hex_preview,
    parse_ts,
    pretty_json,
)


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
