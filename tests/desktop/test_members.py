"""desktop/members.py: the host's member table as plain data: its words, its
order, and what one refresh changed (no Qt)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roomcast.desktop import client
from roomcast.desktop.frames import compact_size
from roomcast.desktop.members import (
    NO_ANSWER_AFTER,
    UNSENT_WARNING_BYTES,
    Alert,
    Changes,
    Column,
    MemberRow,
    MemberTable,
    address_sort_key,
    alerts_text,
    cell_text,
    cell_tooltip,
    changed_columns,
    duration_text,
    header_text,
    is_same_name,
    name_text,
    order_key,
    rtt_text,
    sent_text,
    since_text,
    sort_key,
    unsent_text,
)
from roomcast.server.admin import MemberInfo
from tests.desktop.member_info import NOW, info
from tests.helpers import ROOT


def hhmm(t: float) -> str:
    return f"{datetime.fromtimestamp(t).astimezone():%H:%M}"


def alerts_of(table: MemberTable) -> tuple[Alert, ...]:
    return table[0].alerts


def names(table: MemberTable) -> list[str]:
    return [r.info.name for r in table]


# -- words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rtt", "waiting", "text"),
    [
        (None, 0.0, "—"),
        (0.012, 0.0, "12 ms"),
        (0.0004, 0.0, "under 1 ms"),
        (0.2506, 0.0, "251 ms"),
        (12.4, 0.0, "12 s"),
        (0.012, 4.9, "12 ms"),  # a ping out, but not for long: the last RTT stands
        (0.012, 7.4, "no answer for 7 s"),  # the stale RTT does not
        (None, 5.0, "no answer for 5 s"),
    ],
)
def test_round_trip_text(rtt: float | None, waiting: float, text: str) -> None:
    assert rtt_text(rtt, waiting) == text


def test_the_no_answer_threshold_is_a_keyword_with_one_default() -> None:
    assert NO_ANSWER_AFTER == 5.0
    assert rtt_text(0.012, 2.0, no_answer_after=1.5) == "no answer for 2 s"
    assert rtt_text(0.012, 2.0) == "12 ms"


@pytest.mark.parametrize(
    ("unsent", "text"),
    [(0, "0 B"), (900, "900 B"), (512 * 1024, "512 KiB"), (1_258_291, "1.2 MiB")],
)
def test_unsent_uses_the_apps_binary_units(unsent: int, text: str) -> None:
    assert unsent_text(unsent) == text == compact_size(unsent)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-30, "for less than a minute"),
        (0, "for less than a minute"),
        (59.9, "for less than a minute"),
        (60, "for 1 min"),
        (185, "for 3 min"),
        (3600, "for 1 h"),
        (2 * 3600 + 5 * 60 + 59, "for 2 h 5 min"),
        (86400, "for 1 d"),
        (3 * 86400 + 4 * 3600 + 1200, "for 3 d 4 h"),
    ],
)
def test_duration_text(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text


def test_since_is_local_time_and_a_duration() -> None:
    since = NOW - 185
    assert since_text(since, NOW) == f"{hhmm(since)}, for 3 min"


def test_sent_name_and_self() -> None:
    assert sent_text(0) == "0"
    assert sent_text(12345) == "12,345"
    assert name_text("alice", False) == "alice"
    assert name_text("alice", True) == "alice (you)"
    assert is_same_name("Alice", "alice")
    assert is_same_name("e\u0301", "\u00e9")  # the same name in NFD and NFC
    assert not is_same_name("alice", "alicia")


def test_addresses_sort_by_number_ipv4_first() -> None:
    addresses = ["::1", "10.0.0.10", "host.lan", "10.0.0.9", "2001:db8::1", "9.255.0.1"]
    assert sorted(addresses, key=address_sort_key) == [
        "9.255.0.1",
        "10.0.0.9",
        "10.0.0.10",
        "::1",
        "2001:db8::1",
        "host.lan",
    ]


def test_headers() -> None:
    assert [header_text(c) for c in Column] == [
        "Room",
        "Name",
        "Address",
        "Connected since",
        "Round trip",
        "Unsent",
        "Messages",
    ]


def test_texts_go_through_the_translate_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def translate(context: str, text: str) -> str:
        seen.append((context, text))
        return "«" + text + "»"

    monkeypatch.setattr(client, "translate", translate)
    assert rtt_text(0.012, 9.0) == "«no answer for 9 s»"
    assert header_text(Column.RTT) == "«Round trip»"
    assert seen == [("Members", "no answer for {seconds} s"), ("Members", "Round trip")]


def test_importing_members_loads_no_qt() -> None:
    """Like the other Qt-free modules (tests/desktop/test_texts.py)."""
    code = (
        "import sys, desktop.members\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.stdout.strip() == "ok", out.stderr


# -- cells ------------------------------------------------------------------------


def test_cells_tooltips_and_sort_keys() -> None:
    table = MemberTable()
    table.update([info(unsent=1_258_291, sent=1234, rtt=0.01234)], NOW)
    row = table[0]
    assert [cell_text(row, c) for c in Column] == [
        "chat",
        "bob",
        "192.168.1.20",
        f"{hhmm(NOW - 180)}, for 3 min",
        "12 ms",
        "1.2 MiB",
        "1,234",
    ]
    assert cell_text(row, Column.NAME, is_self=True) == "bob (you)"
    assert cell_tooltip(row, Column.UNSENT).startswith(
        "1,258,291 bytes not yet taken by the member's connection"
    )
    assert cell_tooltip(row, Column.RTT) == "Last round trip: 12.340 ms"
    assert cell_tooltip(row, Column.SENT) == "1,234 messages posted since joining"
    assert "You host this room" in cell_tooltip(row, Column.NAME, is_self=True)
    assert sort_key(row, Column.UNSENT) == 1_258_291
    assert sort_key(row, Column.SENT) == 1234
    assert sort_key(row, Column.RTT) == pytest.approx(0.01234)
    assert sort_key(row, Column.SINCE) == NOW - 180
    assert sort_key(row, Column.ADDRESS) == address_sort_key("192.168.1.20")


def test_round_trip_sorts_unknown_first_and_unanswered_by_their_wait() -> None:
    table = MemberTable()
    table.update(
        [
            info("new", rtt=None),
            info("fast", rtt=0.002),
            info("slow", rtt=0.9),
            info("stuck", rtt=0.002, waiting=8.0),
        ],
        NOW,
    )
    by_rtt = sorted(table, key=lambda r: sort_key(r, Column.RTT))
    assert [r.info.name for r in by_rtt] == ["new", "fast", "slow", "stuck"]
    stuck = table[table.index_of(("chat", "stuck"))]
    assert cell_tooltip(stuck, Column.RTT) == (
        "Last round trip: 2.000 ms\nA ping has waited 8.0 s for its answer\n"
        "No answer to a ping for 8 s: the connection may be stuck"
    )


# -- alerts -----------------------------------------------------------------------


def test_no_answer_alerts_on_the_round_trip() -> None:
    table = MemberTable()
    table.update([info(waiting=4.0)], NOW)
    assert alerts_of(table) == ()
    changes = table.update([info(waiting=6.0)], NOW + 2)
    assert alerts_of(table) == (Alert.NO_ANSWER,)
    assert alerts_text(table[0]) == "No answer to a ping for 6 s: the connection may be stuck"
    ((before, after),) = changes.changed
    assert changed_columns(before, after) == [Column.NAME, Column.RTT]
    table.update([info(rtt=3.0, waiting=0.0)], NOW + 3)
    assert alerts_of(table) == ()


def test_a_growing_queue_alerts_and_a_draining_one_does_not() -> None:
    big = UNSENT_WARNING_BYTES
    table = MemberTable()
    table.update([info(unsent=big - 1)], NOW)
    assert alerts_of(table) == ()
    table.update([info(unsent=big)], NOW + 1)
    assert alerts_of(table) == (Alert.BACKLOG,)
    table.update([info(unsent=big * 3)], NOW + 2)
    assert alerts_of(table) == (Alert.BACKLOG,)
    assert alerts_text(table[0]) == (
        "192 KiB waiting to be sent and not going down: the member may not be reading"
    )
    table.update([info(unsent=big * 3)], NOW + 3)  # stuck: still flagged
    assert alerts_of(table) == (Alert.BACKLOG,)
    table.update([info(unsent=big * 2)], NOW + 4)  # draining
    assert alerts_of(table) == ()


def test_a_queue_already_big_when_first_seen_is_flagged() -> None:
    table = MemberTable(unsent_warning=1000)
    table.update([info(unsent=1000), info("carol", unsent=999)], NOW)
    assert [r.alerts for r in table] == [(Alert.BACKLOG,), ()]


# -- the table ----------------------------------------------------------------------


def test_order_is_room_then_name_ignoring_case() -> None:
    table = MemberTable()
    table.update([info("bob", "b"), info("Carol"), info("alice"), info("Bob"), info("dave", "a")])
    assert [r.key for r in table] == [
        ("a", "dave"),
        ("b", "bob"),
        ("chat", "alice"),
        ("chat", "Bob"),
        ("chat", "Carol"),
    ]
    assert table.rooms() == ["a", "b", "chat"]
    assert table.index_of(("chat", "Carol")) == 4
    assert table.index_of(("chat", "carol")) == -1  # a key is the name as written
    assert table.index_of(("chat", "zed")) == -1


def test_update_reports_inserted_changed_and_removed() -> None:
    table = MemberTable()
    first = table.update([info("bob"), info("alice")], NOW)
    assert first.removed == ()
    assert [r.key for r in first.inserted] == [("chat", "alice"), ("chat", "bob")]
    assert first.changed == ()
    assert names(table) == ["alice", "bob"]

    second = table.update([info("bob", sent=1), info("carol")], NOW + 1)
    assert second.removed == (("chat", "alice"),)
    assert [r.key for r in second.inserted] == [("chat", "carol")]
    [(before, after)] = second.changed
    assert (before.info.sent, after.info.sent) == (0, 1)
    assert changed_columns(before, after) == [Column.SENT]
    assert names(table) == ["bob", "carol"]


def test_nothing_new_is_no_change() -> None:
    table = MemberTable()
    table.update([info("bob")], NOW)
    changes = table.update([info("bob")], NOW + 1)
    assert changes == Changes()
    assert not changes


def test_connected_since_changes_once_a_minute() -> None:
    table = MemberTable()
    since = NOW - 100  # 1 min 40 s ago
    table.update([info(since=since)], NOW)
    assert not table.update([info(since=since)], NOW + 19)
    changes = table.update([info(since=since)], NOW + 20)  # 2 min now
    [(before, after)] = changes.changed
    assert changed_columns(before, after) == [Column.SINCE]
    assert cell_text(after, Column.SINCE).endswith("for 2 min")


def test_a_key_listed_twice_keeps_its_last_row() -> None:
    table = MemberTable()
    table.update([info(sent=1), info(sent=2)], NOW)
    assert [r.info.sent for r in table] == [2]


def test_diff_leaves_the_table_as_it_is() -> None:
    table = MemberTable()
    table.update([info("bob")], NOW)
    changes = table.diff([info("carol")], NOW)
    assert names(table) == ["bob"]
    assert changes.removed == (("chat", "bob"),)


def test_step_by_step_errors() -> None:
    table = MemberTable()
    row = MemberRow(info(), NOW)
    assert table.insert(row) == 0
    with pytest.raises(KeyError):
        table.insert(row)
    with pytest.raises(KeyError):
        table.remove(("chat", "zed"))
    with pytest.raises(KeyError):
        table.replace(MemberRow(info("zed"), NOW))
    assert table.remove(row.key) == 0
    assert len(table) == 0


# -- property: the diff, applied step by step, gives the new table ---------------------


_names = st.sampled_from(["alice", "Alice2", "bob", "BOB", "carol", "dave", "Ève", "zed"])
_members = st.builds(
    info,
    _names,
    st.sampled_from(["chat", "other"]),
    address=st.sampled_from(["10.0.0.1", "10.0.0.2", "::1"]),
    since=st.floats(NOW - 10_000, NOW),
    rtt=st.none() | st.floats(0, 2),
    waiting=st.floats(0, 12),
    unsent=st.integers(0, 300_000),
    sent=st.integers(0, 50),
)


def _replayed(old: list[MemberRow], changes: Changes) -> Iterator[MemberRow]:
    """The old rows with the changes applied naively: a dict by key, sorted."""
    rows = {r.key: r for r in old}
    for key in changes.removed:
        del rows[key]
    for row in changes.inserted:
        assert row.key not in rows
        rows[row.key] = row
    for before, after in changes.changed:
        assert rows[before.key] == before
        rows[after.key] = after
    return iter(sorted(rows.values(), key=lambda r: order_key(r.info)))


def _keys(changes: Changes) -> list[tuple[str, str]]:
    return [
        *changes.removed,
        *(r.key for r in changes.inserted),
        *(after.key for _, after in changes.changed),
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_members, max_size=8), min_size=1, max_size=6))
def test_changes_replayed_give_the_new_table(refreshes: list[list[MemberInfo]]) -> None:
    table = MemberTable()
    for step, members in enumerate(refreshes):
        old = list(table)
        changes = table.update(members, NOW + 30 * step)
        latest = {(m.room, m.name): m for m in members}
        assert [r.info for r in table] == sorted(latest.values(), key=order_key)
        assert [r.key for r in table] == [r.key for r in _replayed(old, changes)]
        # Each report is in table order and names each key once.
        assert len(set(_keys(changes))) == len(_keys(changes))
        for before, after in changes.changed:
            assert changed_columns(before, after)
        # Rows not reported are shown exactly as before.
        reported = set(_keys(changes))
        for row in old:
            if row.key not in reported:
                assert table[table.index_of(row.key)] == row


def test_replace_keeps_the_key() -> None:
    table = MemberTable()
    table.update([info()], NOW)
    after = MemberRow(replace(info(), sent=3), NOW)
    assert table.replace(after) == 0
    assert table[0] is after
