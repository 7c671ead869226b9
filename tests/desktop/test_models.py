"""MessageListModel: Qt's model rules in every state, batching, dedupe, acks, scroll-back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.models import MessageListModel, Roles, relative_time, tooltip_text
from desktop.rows import Direction, Row, RowKind, SendState
from server.notices import Severity

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def chat(seq: int | None, text: str = "hi", author: str = "bob", **fields: object) -> Row:
    return Row(kind=RowKind.CHAT, text=text, author=author, seq=seq, time=WHEN, **fields)  # type: ignore[arg-type]


def mine(message_id: str, text: str = "mine", author: str = "me") -> Row:
    return Row(
        kind=RowKind.CHAT,
        text=text,
        author=author,
        id=message_id,
        mine=True,
        state=SendState.PENDING,
        direction=Direction.OUT,
    )


class Inserts:
    """Records rowsInserted as (first, last) pairs."""

    def __init__(self, model: MessageListModel) -> None:
        self.batches: list[tuple[int, int]] = []
        model.rowsInserted.connect(self._on)

    def _on(self, parent: QModelIndex, first: int, last: int) -> None:
        assert not parent.isValid()
        self.batches.append((first, last))


class Changes:
    """Records dataChanged as (top row, bottom row) pairs."""

    def __init__(self, model: MessageListModel) -> None:
        self.rows: list[tuple[int, int]] = []
        model.dataChanged.connect(self._on)

    def _on(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: object = None) -> None:
        self.rows.append((top_left.row(), bottom_right.row()))


def texts(model: MessageListModel) -> list[str]:
    return [row.text for row in model.rows]


def seqs(model: MessageListModel) -> list[int | None]:
    return [row.seq for row in model.rows]


# -- Qt's model rules ----------------------------------------------------------


def test_empty_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(MessageListModel())


def test_model_tester_through_every_state(qtmodeltester: ModelTester) -> None:
    # Qt's tester, created anew by each check(): the full checks in each state.
    model = MessageListModel()
    qtmodeltester.check(model)
    model.extend(chat(seq) for seq in range(10, 20))
    model.flush()
    model.extend(chat(seq) for seq in range(20, 25))
    model.append(mine("m1"))
    model.append(Row(kind=RowKind.SYSTEM, text="joined", severity=Severity.INFO))
    model.append(Row(kind=RowKind.BINARY, text="binary · 2 bytes\n00 01", raw=b"\x00\x01"))
    model.flush()
    qtmodeltester.check(model)
    model.prepend_history([chat(seq) for seq in range(5, 12)])
    qtmodeltester.check(model)
    model.set_state("m1", SendState.FAILED)
    qtmodeltester.check(model)
    model.append(chat(30, "mine", author="me", id="m1", mine=True, state=SendState.SENT))
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


def test_python_model_tester_watches_every_signal(qtmodeltester: ModelTester) -> None:
    # pytest-qt's Python tester stays connected (check() once) and re-runs its
    # checks, and its insert/remove/reset bookkeeping, on every model signal.
    model = MessageListModel()
    qtmodeltester.check(model, force_py=True)
    model.extend(chat(seq) for seq in range(10, 20))
    model.flush()
    model.append(mine("m1"))
    model.append(Row(kind=RowKind.JSON, text='{\n  "a": 1\n}', raw='{"a":1}'))
    model.flush()
    model.prepend_history([chat(seq) for seq in range(5, 12)])
    model.set_state("m1", SendState.FAILED)
    model.append(chat(30, "mine", author="me", id="m1", mine=True, state=SendState.SENT))
    model.clear()
    model.append(chat(1))
    model.flush()


# -- roles ---------------------------------------------------------------------


def test_roles_and_role_names() -> None:
    model = MessageListModel()
    row = chat(3, "hello <b>there</b>", raw='{"type":"message"}', id="x", state=SendState.SENT)
    model.append(row)
    model.flush()
    index = model.index(0, 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "hello <b>there</b>"
    assert index.data(Roles.RowRole) is row
    assert index.data(Roles.KindRole) is RowKind.CHAT
    assert index.data(Roles.AuthorRole) == "bob"
    assert index.data(Roles.TimeRole) == WHEN
    assert index.data(Roles.SeqRole) == 3
    assert index.data(Roles.StateRole) is SendState.SENT
    assert index.data(Roles.MineRole) is False
    assert index.data(Roles.RawRole) == '{"type":"message"}'
    local = WHEN.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith(f"bob · {local} · ")
    assert tooltip.endswith(" ago")  # relative to now: see the tooltip tests
    assert (
        index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "chat message, received, delivered"
    )
    names = model.roleNames()
    assert names[int(Roles.RowRole)].data() == b"row"
    assert names[int(Qt.ItemDataRole.DisplayRole)].data() == b"display"
    assert Roles.RowRole == int(Qt.ItemDataRole.UserRole) + 1
    flags = model.flags(index)
    assert flags & Qt.ItemFlag.ItemIsSelectable
    assert flags & Qt.ItemFlag.ItemNeverHasChildren


def test_accessible_text_says_who_when_what() -> None:
    model = MessageListModel()
    ours = mine("m1", "on my way")
    ours.time = WHEN
    model.extend([chat(1, "hello"), Row(kind=RowKind.SYSTEM, text="ann joined"), ours])
    model.flush()
    hhmm = WHEN.astimezone().strftime("%H:%M")
    spoken = [model.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole) for r in range(3)]
    assert spoken == [f"bob, {hhmm}: hello", "ann joined", f"me, {hhmm}: on my way (sending)"]
    model.set_state("m1", SendState.FAILED)
    assert model.index(2, 0).data(Qt.ItemDataRole.AccessibleTextRole).endswith("(not sent)")


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
    model = MessageListModel()
    failed = mine("m9")
    model.extend(
        [
            chat(1),
            mine("m1"),
            failed,
            Row(kind=RowKind.SYSTEM, text="ann joined"),
            Row(kind=RowKind.JSON, text="{}", direction=Direction.OUT),
            Row(kind=RowKind.TEXT, text="hi"),
            Row(kind=RowKind.BINARY, text="binary · 2 bytes", direction=Direction.OUT),
        ]
    )
    model.flush()
    model.set_state("m9", SendState.FAILED)
    role = Qt.ItemDataRole.AccessibleDescriptionRole
    assert [model.index(r, 0).data(role) for r in range(model.rowCount())] == [
        "chat message, received",
        "notice, received",
        "JSON frame, sent",
        "text frame, received",
        "binary frame, sent",
        "chat message, sent, sending",  # our unsent rows stay at the bottom
        "chat message, sent, not sent",
    ]
    names = model.roleNames()
    assert names[int(role)].data() == b"accessibleDescription"


def test_rows_is_a_read_only_view() -> None:
    model = MessageListModel()
    model.extend([chat(1), chat(2)])
    assert len(model.rows) == 0  # still pending
    model.flush()
    assert [row.seq for row in model.rows] == [1, 2]
    assert isinstance(model.rows[0:1], tuple)
    assert not hasattr(model.rows, "append")


# -- batching ------------------------------------------------------------------


def test_extend_of_a_thousand_rows_is_one_insert() -> None:
    model = MessageListModel()
    inserts = Inserts(model)
    assert model.extend(chat(seq) for seq in range(1, 1001)) == 1000
    assert model.pending_count == 1000
    assert model.rowCount() == 0
    assert inserts.batches == []
    model.flush()
    assert inserts.batches == [(0, 999)]
    assert model.rowCount() == 1000
    assert model.pending_count == 0

    model.extend(chat(seq) for seq in range(1001, 2001))
    model.flush()
    assert inserts.batches == [(0, 999), (1000, 1999)]
    model.flush()  # nothing pending: no empty insert
    assert inserts.batches == [(0, 999), (1000, 1999)]


def test_the_timer_flushes_many_appends_as_one_batch(qtbot: QtBot) -> None:
    model = MessageListModel()
    inserts = Inserts(model)
    with qtbot.waitSignal(model.rowsInserted):
        for seq in range(1, 101):
            model.append(chat(seq))
    assert inserts.batches == [(0, 99)]
    assert model.pending_count == 0
    with qtbot.waitSignal(model.rowsInserted):
        model.extend([chat(101), chat(102)])
    assert inserts.batches == [(0, 99), (100, 101)]


# -- dedupe and acknowledgement -------------------------------------------------


def test_a_chat_row_with_a_seq_already_held_is_ignored() -> None:
    model = MessageListModel()
    inserts = Inserts(model)
    model.extend([chat(1, "a"), chat(2, "b"), chat(2, "b again in the same batch")])
    model.flush()
    assert texts(model) == ["a", "b"]
    assert model.append(chat(1, "a again")) is False
    assert model.extend([chat(2), chat(3, "c")]) == 1
    assert model.pending_count == 1
    model.flush()
    assert texts(model) == ["a", "b", "c"]
    assert inserts.batches == [(0, 1), (2, 2)]


def test_rows_without_seq_are_never_deduplicated() -> None:
    model = MessageListModel()
    model.extend([Row(kind=RowKind.TEXT, text="same", raw="same")] * 1)
    model.append(Row(kind=RowKind.TEXT, text="same", raw="same"))
    model.append(Row(kind=RowKind.SYSTEM, text="x"))
    model.append(Row(kind=RowKind.SYSTEM, text="x"))
    model.flush()
    assert model.rowCount() == 4


def test_the_servers_copy_of_our_message_turns_pending_into_sent_in_place() -> None:
    model = MessageListModel()
    model.extend([chat(1), chat(2), mine("m1", "hello")])
    model.flush()
    changes = Changes(model)
    inserts = Inserts(model)
    assert model.index(2, 0).data(Roles.StateRole) is SendState.PENDING

    echo = chat(3, "hello", author="me", id="m1", mine=True, state=SendState.SENT)
    echo.time = WHEN
    assert model.append(echo) is False
    assert model.pending_count == 0
    model.flush()
    assert model.rowCount() == 3
    assert inserts.batches == []
    assert changes.rows == [(2, 2)]
    ours = model.rows[2]
    assert ours.state is SendState.SENT
    assert ours.seq == 3
    assert ours.time == WHEN
    assert model.index(2, 0).data(Roles.StateRole) is SendState.SENT
    # The same broadcast again (a resume) is now a duplicate seq.
    assert model.append(chat(3, "hello", author="me", id="m1", mine=True)) is False
    assert model.rowCount() == 3


def test_an_ack_for_a_row_still_pending_updates_it_before_insertion() -> None:
    model = MessageListModel()
    changes = Changes(model)
    model.append(mine("m1"))
    model.append(chat(9, "mine", author="me", id="m1", mine=True, state=SendState.SENT))
    assert model.pending_count == 1
    model.flush()
    assert model.rowCount() == 1
    assert model.rows[0].state is SendState.SENT
    assert model.rows[0].seq == 9
    assert changes.rows == []  # nothing was shown yet


def test_another_members_message_with_the_same_id_is_not_an_ack() -> None:
    model = MessageListModel()
    model.append(mine("1", author="me"))
    model.append(chat(4, "theirs", author="alice", id="1"))
    model.flush()
    assert texts(model) == ["theirs", "mine"]  # a new row, above our unsent one
    assert model.rows[1].state is SendState.PENDING


def test_set_state_changes_one_row_in_place() -> None:
    model = MessageListModel()
    model.extend([chat(1), mine("m1"), mine("m2")])
    model.flush()
    changes = Changes(model)
    assert model.set_state("m2", SendState.FAILED) is True
    assert changes.rows == [(2, 2)]
    assert model.index(2, 0).data(Roles.StateRole) is SendState.FAILED
    assert model.set_state("nope", SendState.SENT) is False
    assert model.set_state("m1", SendState.SENT, seq=7) is True
    assert model.rows[1].seq == 7
    assert model.append(chat(7, "mine", author="me")) is False  # seq now known
    assert model.row_for_id("m1") is model.rows[1]
    assert model.row_for_id("unknown") is None
    assert model.index_for_id("m2").row() == 2
    assert model.rowCount() == 3


# -- our unsent rows stay at the bottom ------------------------------------------


def test_rows_that_arrive_go_above_our_unsent_rows() -> None:
    model = MessageListModel()
    model.append(chat(1, "a"))
    model.flush()
    model.extend([mine("m1", "mine 1"), mine("m2", "mine 2")])
    model.flush()
    inserts = Inserts(model)
    model.extend([chat(2, "b"), Row(kind=RowKind.SYSTEM, text="ann joined")])
    model.flush()
    assert inserts.batches == [(1, 2)]  # one insert, above the two unsent rows
    assert texts(model) == ["a", "b", "ann joined", "mine 1", "mine 2"]
    assert model.index_for_id("m1").row() == 3
    assert model.index_for_id("m2").row() == 4
    # The server numbers ours after what it sent before: the list stays in seq order.
    model.set_state("m1", SendState.SENT, seq=3)
    model.append(chat(4, "c"))
    model.flush()
    assert texts(model) == ["a", "b", "ann joined", "mine 1", "c", "mine 2"]
    model.set_state("m2", SendState.SENT, seq=5)
    model.append(chat(6, "d"))
    model.flush()
    assert seqs(model) == [1, 2, None, 3, 4, 5, 6]


def test_rows_that_arrived_before_the_ack_are_placed_above_it() -> None:
    # Frames in one 16 ms batch: a replayed message, a live one, then our ack.
    model = MessageListModel()
    model.append(mine("m1", "while away"))
    model.flush()
    model.extend([chat(2, "missed"), chat(3, "live")])
    model.set_state("m1", SendState.SENT, seq=4)
    model.append(chat(4, "while away", author="me", id="m1", mine=True, state=SendState.SENT))
    model.append(chat(5, "after"))
    model.flush()
    assert texts(model) == ["missed", "live", "while away", "after"]
    assert seqs(model) == [2, 3, 4, 5]


def test_an_ack_while_both_are_still_buffered_orders_them_too() -> None:
    model = MessageListModel()
    model.append(mine("m1", "typed"))
    model.append(chat(7, "theirs"))
    model.append(chat(8, "typed", author="me", id="m1", mine=True, state=SendState.SENT))
    model.flush()
    assert texts(model) == ["theirs", "typed"]
    assert seqs(model) == [7, 8]
    assert model.index_for_id("m1").row() == 1


def test_a_batch_with_arrivals_and_a_new_unsent_row_is_two_inserts() -> None:
    model = MessageListModel()
    model.append(mine("m1", "first"))
    model.flush()
    inserts = Inserts(model)
    model.extend([chat(1, "theirs"), mine("m2", "second")])
    model.flush()
    assert inserts.batches == [(0, 0), (2, 2)]
    assert texts(model) == ["theirs", "first", "second"]


def test_a_failed_row_stays_where_it_is() -> None:
    model = MessageListModel()
    model.append(mine("m1", "refused"))
    model.flush()
    model.set_state("m1", SendState.FAILED)
    model.append(chat(1, "later"))
    model.flush()
    assert texts(model) == ["refused", "later"]
    # Retried: pending again, but no longer at the bottom; its ack keeps it there.
    model.set_state("m1", SendState.PENDING)
    model.append(chat(2, "even later"))
    model.flush()
    assert texts(model) == ["refused", "later", "even later"]


# -- scroll-back -----------------------------------------------------------------


def test_prepend_history_inserts_older_rows_on_top_in_one_batch() -> None:
    model = MessageListModel()
    model.extend([chat(10), chat(11), chat(12), mine("m1")])
    model.flush()
    assert model.lowest_seq() == 10
    inserts = Inserts(model)
    added = model.prepend_history([chat(7), chat(8), chat(9), chat(10), chat(11)])
    assert added == 3
    assert inserts.batches == [(0, 2)]
    assert seqs(model) == [7, 8, 9, 10, 11, 12, None]
    assert model.lowest_seq() == 7
    # Our row moved down by three; the id index follows it.
    assert model.index_for_id("m1").row() == 6
    model.set_state("m1", SendState.FAILED)
    assert model.rows[6].state is SendState.FAILED
    assert model.prepend_history([chat(8), chat(9)]) == 0
    assert inserts.batches == [(0, 2)]


def test_lowest_seq_is_none_until_a_seq_is_seen() -> None:
    model = MessageListModel()
    assert model.lowest_seq() is None
    model.append(mine("m1"))
    assert model.lowest_seq() is None
    model.append(chat(40))
    assert model.lowest_seq() == 40  # pending rows count: their seq is held


def test_clear_forgets_everything() -> None:
    model = MessageListModel()
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.extend([chat(1), mine("m1")])
    model.flush()
    model.append(chat(2))
    model.clear()
    assert resets == [True]
    assert model.rowCount() == 0
    assert model.pending_count == 0
    assert model.lowest_seq() is None
    assert model.row_for_id("m1") is None
    model.append(chat(1))  # no longer a duplicate
    model.flush()
    assert seqs(model) == [1]


def test_seq_index_dense_sparse_and_lowest() -> None:
    from desktop.models import SeqIndex

    index = SeqIndex()
    rows = {seq: Row(RowKind.CHAT, f"m{seq}", seq=seq) for seq in (10, 11, 13, 7, 10_000_000)}
    for seq, row in rows.items():
        index[seq] = row
    assert len(index) == 5
    for seq, row in rows.items():
        assert index.get(seq) is row and seq in index
    assert index.get(12) is None and 12 not in index and "x" not in index
    assert index.lowest() == 7
    del index[7]
    assert index.lowest() == 10 and len(index) == 4
    del index[10_000_000]  # the far one lived in the sparse part
    assert index.get(10_000_000) is None and len(index) == 3
    index.clear()
    assert len(index) == 0 and index.lowest() is None
