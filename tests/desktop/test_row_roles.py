"""desktop/row_roles.py: what a row answers to each role, the tooltip with its
relative time, what a screen reader says, and which roles a change touches.
(Through the model: tests/desktop/test_models.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from roomcast.desktop.row_roles import (
    CHANGE_ROLES,
    ROW_FLAGS,
    Roles,
    RowsView,
    accessible_description,
    accessible_text,
    relative_time,
    role_names,
    row_data,
    tooltip_text,
)
from roomcast.desktop.rows import Direction, Row, RowKind, SendState
from roomcast.desktop.timeline import Change

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def chat(seq: int | None, text: str = "hi", author: str = "bob", **fields: object) -> Row:
    return Row(kind=RowKind.CHAT, text=text, author=author, seq=seq, time=WHEN, **fields)  # type: ignore[arg-type]


def mine(text: str = "mine", state: SendState = SendState.PENDING) -> Row:
    return Row(
        kind=RowKind.CHAT,
        text=text,
        author="me",
        id="m1",
        mine=True,
        state=state,
        direction=Direction.OUT,
        time=WHEN,
    )


def test_row_data_answers_every_role() -> None:
    row = chat(3, "hello <b>there</b>", raw='{"type":"message"}', id="x", state=SendState.SENT)
    assert row_data(row, Qt.ItemDataRole.DisplayRole) == "hello <b>there</b>"
    assert row_data(row, Roles.RowRole) is row
    assert row_data(row, Roles.KindRole) is RowKind.CHAT
    assert row_data(row, Roles.AuthorRole) == "bob"
    assert row_data(row, Roles.TimeRole) == WHEN
    assert row_data(row, Roles.SeqRole) == 3
    assert row_data(row, Roles.StateRole) is SendState.SENT
    assert row_data(row, Roles.MineRole) is False
    assert row_data(row, Roles.RawRole) == '{"type":"message"}'
    local = WHEN.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    tooltip = row_data(row, Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith(f"bob · {local} · ")
    assert tooltip.endswith(" ago")  # relative to now: see the tooltip tests
    assert (
        row_data(row, Qt.ItemDataRole.AccessibleDescriptionRole)
        == "chat message, received, delivered"
    )
    assert row_data(row, Qt.ItemDataRole.DecorationRole) is None
    assert row_data(row, Roles.RawRole + 1) is None


def test_role_names_and_flags() -> None:
    names = role_names()
    assert names[int(Roles.RowRole)].data() == b"row"
    assert names[int(Qt.ItemDataRole.DisplayRole)].data() == b"display"
    assert names[int(Qt.ItemDataRole.AccessibleDescriptionRole)].data() == b"accessibleDescription"
    assert len(names) == 12 and len({n.data() for n in names.values()}) == 12
    assert Roles.RowRole == int(Qt.ItemDataRole.UserRole) + 1
    assert ROW_FLAGS & Qt.ItemFlag.ItemIsSelectable
    assert ROW_FLAGS & Qt.ItemFlag.ItemNeverHasChildren
    assert not ROW_FLAGS & Qt.ItemFlag.ItemIsEditable


def test_each_change_names_the_roles_it_changes() -> None:
    state, ack = set(CHANGE_ROLES[Change.STATE]), set(CHANGE_ROLES[Change.ACK])
    assert int(Roles.StateRole) in state and int(Roles.SeqRole) in state
    # The server's copy never changes the state (the outbox does): not its roles.
    assert int(Roles.StateRole) not in ack
    assert int(Qt.ItemDataRole.AccessibleDescriptionRole) not in ack
    assert {int(Roles.SeqRole), int(Roles.TimeRole), int(Roles.RawRole)} <= ack
    assert int(Qt.ItemDataRole.ToolTipRole) in ack  # it shows the time
    assert int(Roles.RowRole) in state & ack


def test_accessible_text_says_who_when_what() -> None:
    hhmm = WHEN.astimezone().strftime("%H:%M")
    assert accessible_text(chat(1, "hello")) == f"bob, {hhmm}: hello"
    assert accessible_text(Row(kind=RowKind.SYSTEM, text="ann joined")) == "ann joined"
    assert accessible_text(mine("on my way")) == f"me, {hhmm}: on my way (sending)"
    assert accessible_text(mine("x", SendState.FAILED)).endswith("(not sent)")
    assert accessible_text(mine("x", SendState.SENT)) == f"me, {hhmm}: x"
    nameless = chat(2, "who?", author="")
    assert accessible_text(nameless) == f"you, {hhmm}: who?"


def test_tooltip_of_a_system_row_is_the_time_alone() -> None:
    row = Row(kind=RowKind.SYSTEM, text="left", time=WHEN)
    local = WHEN.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert tooltip_text(row, now=WHEN + timedelta(minutes=5)) == f"{local} · 5 minutes ago"


def test_tooltip_adds_the_relative_time() -> None:
    row = chat(1)
    local = WHEN.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    cases = {
        timedelta(seconds=0): "just now",
        timedelta(seconds=59): "just now",
        timedelta(seconds=-30): "just now",  # a clock ahead of ours
        timedelta(minutes=1): "1 minute ago",
        timedelta(minutes=5, seconds=30): "5 minutes ago",
        timedelta(hours=1): "1 hour ago",
        timedelta(hours=23, minutes=59): "23 hours ago",
        timedelta(days=1): "1 day ago",
        timedelta(days=29): "29 days ago",
        timedelta(days=30): "1 month ago",
        timedelta(days=364): "12 months ago",
        timedelta(days=365): "1 year ago",
        timedelta(days=800): "2 years ago",
    }
    for delta, ago in cases.items():
        assert relative_time(WHEN, WHEN + delta) == ago
        assert tooltip_text(row, now=WHEN + delta) == f"bob · {local} · {ago}"


def test_accessible_description_says_kind_direction_and_state() -> None:
    rows = [
        chat(1),
        Row(kind=RowKind.SYSTEM, text="ann joined"),
        Row(kind=RowKind.JSON, text="{}", direction=Direction.OUT),
        Row(kind=RowKind.TEXT, text="hi"),
        Row(kind=RowKind.BINARY, text="binary · 2 bytes", direction=Direction.OUT),
        mine(),
        mine(state=SendState.FAILED),
        mine(state=SendState.SENT),
    ]
    assert [accessible_description(row) for row in rows] == [
        "chat message, received",
        "notice, received",
        "JSON frame, sent",
        "text frame, received",
        "binary frame, sent",
        "chat message, sent, sending",
        "chat message, sent, not sent",
        "chat message, sent, delivered",
    ]


def test_rows_view_reads_the_live_list_without_copying() -> None:
    rows = [chat(1), chat(2)]
    view = RowsView(rows)
    assert len(view) == 2 and view[1] is rows[1] and view[-1] is rows[1]
    assert view[0:1] == (rows[0],)
    assert isinstance(view[0:1], tuple)
    rows.append(chat(3))
    assert [r.seq for r in view] == [1, 2, 3]  # the live list
    assert not hasattr(view, "append")
    assert repr(view) == "RowsView(3 rows)"
