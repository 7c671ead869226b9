"""desktop/rows.py: the list's rows as plain data, and the texts made for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from desktop.rows import (
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
    assert pretty_json({"b": 1, "a": ["é", None]}) == (
        '{\n  "b": 1,\n  "a": [\n    "é",\n    null\n  ]\n}'
    )


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
