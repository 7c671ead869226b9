"""desktop/timeline.py without Qt: keys, epochs and the reset rule, batches,
dedupe by seq, the send state from the outbox and the acknowledgement in
place, the unsent tail, scroll-back, and what a listener is told (a plain
recorder here; the Qt model's signals are tested in test_models.py, the
window's use in test_main_window.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from roomcast.desktop.links import room_key
from roomcast.desktop.rows import Direction, Row, RowKind, SendState
from roomcast.desktop.timeline import RESET_TEXT, Change, SeqIndex, Timeline, TimelineKey
from roomcast.server.notices import Severity

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
LATER = datetime(2025, 3, 4, 5, 7, 0, tzinfo=UTC)


def chat(seq: int | None, text: str = "", author: str = "bob", **fields: object) -> Row:
    return Row(kind=RowKind.CHAT, text=text or f"m{seq}", author=author, seq=seq, **fields)  # type: ignore[arg-type]


def mine(message_id: str, text: str = "mine") -> Row:
    return Row(
        kind=RowKind.CHAT,
        text=text,
        author="me",
        id=message_id,
        mine=True,
        state=SendState.PENDING,
        direction=Direction.OUT,
        time=WHEN,
    )


def shown(timeline: Timeline) -> list[tuple[RowKind, str, int | None]]:
    timeline.flush()
    return [(r.kind, r.text, r.seq) for r in timeline.rows]


def texts(timeline: Timeline) -> list[str]:
    return [r.text for r in timeline.rows]


def seqs(timeline: Timeline) -> list[int | None]:
    return [r.seq for r in timeline.rows]


class Recorder:
    """A TimelineListener that writes down every call, with the row count then."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.calls: list[tuple[object, ...]] = []
        timeline.listener = self

    def rows_pending(self) -> None:
        self.calls.append(("pending",))

    def rows_inserting(self, first: int, count: int) -> None:
        self.calls.append(("inserting", first, count, len(self.timeline.rows)))

    def rows_inserted(self) -> None:
        self.calls.append(("inserted", len(self.timeline.rows)))

    def row_changed(self, row: int, change: Change) -> None:
        self.calls.append(("changed", row, change))

    def resetting(self) -> None:
        self.calls.append(("resetting", len(self.timeline.rows)))

    def reset_done(self) -> None:
        self.calls.append(("reset", len(self.timeline.rows)))

    def inserts(self) -> list[tuple[int, int]]:
        """The inserts heard, as (first, count)."""
        return [(c[1], c[2]) for c in self.calls if c[0] == "inserting"]  # type: ignore[misc]

    def changes(self) -> list[tuple[int, Change]]:
        """The in-place changes heard, as (row, change)."""
        return [(c[1], c[2]) for c in self.calls if c[0] == "changed"]  # type: ignore[misc]

    def take(self) -> list[tuple[object, ...]]:
        calls, self.calls = self.calls, []
        return calls


# -- keys, epochs and the reset rule ---------------------------------------------


def test_a_timeline_is_keyed_by_server_room_and_epoch() -> None:
    timeline = Timeline(*room_key(["ws://Chat.example:8765/r/team"]))
    assert timeline.key == TimelineKey("ws://chat.example:8765", "team", "")
    assert timeline.welcome("e1") is False  # the first welcome only tells the epoch
    assert timeline.key == TimelineKey("ws://chat.example:8765", "team", "e1")
    assert timeline.welcome("e1") is False
    assert timeline.welcome("") is False  # a server older than 1.1 says nothing
    assert timeline.epoch == "e1"


@pytest.mark.parametrize(
    ("urls", "key"),
    [
        (["ws://h:8765/"], ("ws://h:8765", "lobby")),
        (["ws://h:8765"], ("ws://h:8765", "lobby")),
        (["ws://H/r/team"], ("ws://h:80", "team")),
        (["wss://h/r/team"], ("wss://h:443", "team")),
        (["ws://a:1/r/team", "ws://b:2/r/team"], ("ws://a:1, ws://b:2", "team")),
        (["ws://h:1/chat?x=1"], ("ws://h:1", "/chat?x=1")),  # a foreign server's path
        (["ws://[::1]:9/r/x"], ("ws://[::1]:9", "x")),
    ],
)
def test_room_key_names_one_room_once(urls: list[str], key: tuple[str, str]) -> None:
    assert room_key(urls) == key


def test_two_rooms_hold_the_same_seqs_without_dedupe_across() -> None:
    a, b = Timeline("ws://h:1", "a"), Timeline("ws://h:1", "b")
    assert a.extend(chat(seq, f"a{seq}") for seq in range(1, 6)) == 5
    assert b.extend(chat(seq, f"b{seq}") for seq in range(1, 6)) == 5
    assert [r[1] for r in shown(a)] == ["a1", "a2", "a3", "a4", "a5"]
    assert [r[1] for r in shown(b)] == ["b1", "b2", "b3", "b4", "b5"]
    assert a.append(chat(3)) is False  # within one room, a seq held is a duplicate


def test_a_reset_replaces_the_rows_with_one_system_row_and_our_unsent_ones() -> None:
    timeline = Timeline("ws://h:1", "team", "e1")
    timeline.extend([chat(1), chat(2), Row(kind=RowKind.SYSTEM, text="ann joined")])
    timeline.append(mine("c-1", "typed while away"))
    timeline.flush()
    refused = mine("c-2", "refused")
    timeline.append(refused)
    timeline.flush()
    timeline.set_state("c-2", SendState.FAILED)
    timeline.append(chat(3, "still buffered"))
    assert timeline.pending_count == 1

    # The server's history started over (a new epoch).
    assert timeline.welcome("e2") is True
    assert timeline.key.epoch == "e2"
    assert timeline.pending_count == 0
    note, *ours = timeline.rows
    assert (note.kind, note.text, note.severity) == (RowKind.SYSTEM, RESET_TEXT, Severity.WARNING)
    assert RESET_TEXT == "The server's history was reset; showing what it has now"
    # Ours stay: the client's outbox resends them (or the user retries); the
    # pending ones last, as the unsent tail.
    assert [(r.text, r.state) for r in ours] == [
        ("refused", SendState.FAILED),
        ("typed while away", SendState.PENDING),
    ]
    assert timeline.lowest_seq() is None

    # Seqs of the new history are new: seq 1 again is not a duplicate, and
    # they go above our unsent row, whose ack then lands in place.
    assert timeline.extend([chat(1, "new 1"), chat(2, "new 2")]) == 2
    timeline.flush()
    assert timeline.set_state("c-1", SendState.SENT, 3) is True
    assert timeline.acknowledged("c-1", 3, LATER, "{}") is True
    assert timeline.append(chat(4, "new 4")) is True
    assert shown(timeline) == [
        (RowKind.SYSTEM, RESET_TEXT, None),
        (RowKind.CHAT, "refused", None),
        (RowKind.CHAT, "new 1", 1),
        (RowKind.CHAT, "new 2", 2),
        (RowKind.CHAT, "typed while away", 3),
        (RowKind.CHAT, "new 4", 4),
    ]
    assert timeline.row_of_id("c-1") == 4 and timeline.row_of_id("c-2") == 1
    assert timeline.set_state("c-2", SendState.PENDING) is True  # a retry finds it


def test_the_servers_reset_flag_resets_even_within_one_epoch() -> None:
    timeline = Timeline("ws://h:1", "team")
    timeline.extend([chat(1), chat(2)])
    timeline.flush()
    assert timeline.welcome("e1") is False  # learnt: no reset
    assert timeline.welcome("e1", reset=True) is True  # since above the latest seq
    assert [r.text for r in timeline.rows] == [RESET_TEXT]
    assert timeline.append(chat(1)) is True


# -- what a listener hears -----------------------------------------------------------


def test_the_listener_hears_inserts_changes_and_resets_in_order() -> None:
    timeline = Timeline("ws://h:1", "team", "e1")
    heard = Recorder(timeline)
    timeline.extend([chat(1), chat(2)])
    timeline.append(mine("c-1"))
    assert heard.calls == [("pending",), ("pending",)]
    timeline.flush()
    assert heard.calls[2:] == [("inserting", 0, 3, 0), ("inserted", 3)]
    timeline.append(chat(3))
    timeline.flush()  # above our unsent row
    assert heard.calls[5:] == [("inserting", 2, 1, 3), ("inserted", 4)]
    timeline.set_state("c-1", SendState.SENT, seq=4)
    assert heard.calls[7:] == [("changed", 3, Change.STATE)]
    timeline.acknowledged("c-1", 4, LATER, None)
    assert heard.calls[8:] == [("changed", 3, Change.ACK)]
    timeline.prepend_history([Row(RowKind.CHAT, "old", seq=0)])
    assert heard.calls[9:] == [("inserting", 0, 1, 4), ("inserted", 5)]
    assert timeline.row_of_id("c-1") == 4
    timeline.welcome("e2")
    assert heard.calls[11:] == [("resetting", 5), ("reset", 1)]
    timeline.clear()
    assert heard.calls[13:] == [("resetting", 1), ("reset", 0)]
    assert timeline.rows == []
    # The list is the same object for the timeline's lifetime (views hold it).
    rows = timeline.rows
    timeline.append(chat(1))
    timeline.flush()
    assert timeline.rows is rows and len(rows) == 1


def test_without_a_listener_rows_wait_for_flush() -> None:
    timeline = Timeline()
    timeline.append(chat(1))
    assert timeline.rows == [] and timeline.pending_count == 1
    timeline.flush()
    assert [r.seq for r in timeline.rows] == [1]


# -- batches -------------------------------------------------------------------------


def test_extend_of_a_thousand_rows_is_one_insert() -> None:
    timeline = Timeline()
    heard = Recorder(timeline)
    assert timeline.extend(chat(seq) for seq in range(1, 1001)) == 1000
    assert timeline.pending_count == 1000
    assert timeline.rows == []
    assert heard.take() == [("pending",)]  # one call for the whole extend
    timeline.flush()
    assert heard.take() == [("inserting", 0, 1000, 0), ("inserted", 1000)]
    assert len(timeline.rows) == 1000 and timeline.pending_count == 0

    timeline.extend(chat(seq) for seq in range(1001, 2001))
    timeline.flush()
    assert heard.inserts() == [(1000, 1000)]
    heard.take()
    timeline.flush()  # nothing pending: no empty insert
    assert heard.calls == []
    assert timeline.extend([chat(5), chat(6)]) == 0  # all held: not even "pending"
    assert heard.calls == []


def test_many_appends_wait_for_one_flush() -> None:
    timeline = Timeline()
    heard = Recorder(timeline)
    for seq in range(1, 101):
        assert timeline.append(chat(seq)) is True
    # Each append says rows wait (the model's timer is started once); no insert yet.
    assert heard.calls == [("pending",)] * 100
    assert timeline.rows == []
    timeline.flush()
    assert heard.inserts() == [(0, 100)]
    assert seqs(timeline) == list(range(1, 101))


# -- dedupe by seq ----------------------------------------------------------------------


def test_a_chat_row_with_a_seq_already_held_is_ignored() -> None:
    timeline = Timeline()
    heard = Recorder(timeline)
    timeline.extend([chat(1, "a"), chat(2, "b"), chat(2, "b again in the same batch")])
    timeline.flush()
    assert texts(timeline) == ["a", "b"]
    heard.take()
    assert timeline.append(chat(1, "a again")) is False  # shown
    assert heard.calls == []  # a dropped row is not even "pending"
    assert timeline.extend([chat(2), chat(3, "c")]) == 1
    assert timeline.append(chat(3, "c again")) is False  # still pending
    assert timeline.pending_count == 1
    timeline.flush()
    assert texts(timeline) == ["a", "b", "c"]
    assert heard.inserts() == [(2, 1)]


def test_rows_without_seq_are_never_deduplicated() -> None:
    timeline = Timeline()
    assert timeline.extend([Row(kind=RowKind.TEXT, text="same", raw="same")]) == 1
    assert timeline.append(Row(kind=RowKind.TEXT, text="same", raw="same")) is True
    assert timeline.append(Row(kind=RowKind.SYSTEM, text="x")) is True
    assert timeline.append(Row(kind=RowKind.SYSTEM, text="x")) is True
    # Only chat rows are numbered: a seq on another kind is not an index key.
    assert timeline.append(Row(kind=RowKind.JSON, text="{}", seq=1)) is True
    assert timeline.append(chat(1)) is True
    timeline.flush()
    assert len(timeline.rows) == 6


def test_a_seq_is_shown_once_whatever_its_source() -> None:
    # Live rows, a history page overlapping them, and our own row numbered by
    # the outbox: one index keeps each seq shown once.
    timeline = Timeline()
    timeline.extend([chat(10, "live 10"), chat(11, "live 11"), mine("m1", "ours")])
    timeline.flush()
    timeline.set_state("m1", SendState.SENT, seq=12)
    assert timeline.prepend_history([chat(9, "old 9"), chat(10, "page 10"), chat(11)]) == 1
    assert timeline.append(chat(12, "ours", author="me", id="m1", mine=True)) is False
    assert timeline.append(chat(11, "live again")) is False
    assert timeline.prepend_history([chat(12, "page 12")]) == 0
    assert timeline.append(chat(13, "next")) is True
    assert shown(timeline) == [
        (RowKind.CHAT, "old 9", 9),
        (RowKind.CHAT, "live 10", 10),
        (RowKind.CHAT, "live 11", 11),
        (RowKind.CHAT, "ours", 12),
        (RowKind.CHAT, "next", 13),
    ]


# -- send state from the outbox, the server's copy in place --------------------------------


@pytest.mark.parametrize("outbox_first", [True, False], ids=["outbox-first", "frame-first"])
def test_an_ack_is_one_state_change_and_one_ack_in_either_order(outbox_first: bool) -> None:
    timeline = Timeline()
    heard = Recorder(timeline)
    timeline.extend([chat(1), chat(2), mine("m1", "hello")])
    timeline.flush()
    timeline.extend([chat(3, "arrived before the ack")])  # buffered, not shown
    heard.take()

    def outbox() -> None:
        assert timeline.set_state("m1", SendState.SENT, seq=4) is True

    def frame() -> None:
        assert timeline.acknowledged("m1", 4, LATER, '{"type":"message"}') is True

    first, second = (outbox, frame) if outbox_first else (frame, outbox)
    first()
    # Whichever comes first numbers the row: what arrived before is placed above.
    assert heard.inserts() == [(2, 1)]
    second()
    ours = timeline.rows[3]
    assert (ours.text, ours.state, ours.seq, ours.time) == ("hello", SendState.SENT, 4, LATER)
    assert ours.raw == '{"type":"message"}'
    # Exactly one state change (the outbox's) and one ack (the frame's), on row 3.
    expected = [(3, Change.STATE), (3, Change.ACK)]
    assert heard.changes() == (expected if outbox_first else expected[::-1])
    assert seqs(timeline) == [1, 2, 3, 4]
    # The same broadcast again (a resume) is a duplicate seq; seq 5 goes below.
    assert timeline.append(chat(4, "hello", author="me", id="m1", mine=True)) is False
    assert timeline.append(chat(5, "after")) is True
    assert seqs(timeline) == [1, 2, 3, 4] and shown(timeline)[-1] == (RowKind.CHAT, "after", 5)


def test_acknowledged_never_changes_the_send_state() -> None:
    timeline = Timeline()
    timeline.append(mine("m1"))
    timeline.flush()
    assert timeline.acknowledged("m1", 7, LATER, None) is True
    row = timeline.rows[0]
    assert row.state is SendState.PENDING  # until the outbox says otherwise
    assert (row.seq, row.time, row.raw) == (7, LATER, None)
    timeline.set_state("m1", SendState.FAILED)
    assert timeline.acknowledged("m1", 7, WHEN, "frame") is True
    assert row.state is SendState.FAILED and row.time == WHEN and row.raw == "frame"
    assert timeline.acknowledged("m1", 7, WHEN, None) is True
    assert row.raw == "frame"  # no frame: the one held stays


def test_append_knows_nothing_of_acks() -> None:
    # A chat row with one of our ids is a new row unless its seq is held: the
    # session hands the server's copy of ours to acknowledged().
    timeline = Timeline()
    heard = Recorder(timeline)
    timeline.append(mine("1", "ours"))
    timeline.flush()
    assert timeline.append(chat(4, "theirs", author="alice", id="1")) is True
    assert timeline.append(chat(5, "ours", author="me", id="1", mine=True, state=SendState.SENT))
    timeline.flush()
    assert texts(timeline) == ["theirs", "ours", "ours"]  # above our unsent row
    assert [r.state for r in timeline.rows] == [None, SendState.SENT, SendState.PENDING]
    assert heard.changes() == []
    # The id still finds our first row, at its place after the inserts.
    assert timeline.row_for_id("1") is timeline.rows[2]
    assert timeline.row_of_id("1") == 2
    timeline.set_state("1", SendState.FAILED)
    assert heard.changes() == [(2, Change.STATE)]
    assert timeline.rows[2].state is SendState.FAILED and timeline.rows[1].state is SendState.SENT


def test_an_unknown_id_is_not_acknowledged() -> None:
    timeline = Timeline()
    heard = Recorder(timeline)
    timeline.append(chat(1))
    timeline.flush()
    heard.take()
    assert timeline.acknowledged("nope", 2, LATER, "x") is False
    assert timeline.set_state("nope", SendState.SENT, 2) is False
    assert heard.calls == []
    assert timeline.append(chat(2)) is True  # seq 2 was not taken


def test_an_ack_for_a_row_still_pending_updates_it_before_insertion() -> None:
    timeline = Timeline()
    heard = Recorder(timeline)
    timeline.append(mine("m1"))
    assert timeline.set_state("m1", SendState.SENT, seq=9) is True
    assert timeline.acknowledged("m1", 9, LATER, "raw") is True
    assert timeline.pending_count == 1
    timeline.flush()
    assert len(timeline.rows) == 1
    row = timeline.rows[0]
    assert (row.state, row.seq, row.time, row.raw) == (SendState.SENT, 9, LATER, "raw")
    assert heard.changes() == []  # nothing was shown yet
    assert timeline.append(chat(9)) is False


def test_an_ack_leaves_a_seq_held_by_another_row_to_it() -> None:
    timeline = Timeline()
    timeline.append(mine("m1"))
    timeline.flush()
    timeline.prepend_history([chat(5, "a page brought it first")])
    assert timeline.acknowledged("m1", 5, LATER, None) is True
    assert timeline.rows[1].seq is None and timeline.rows[1].time == LATER
    assert timeline.append(chat(5)) is False  # still held, by the page's row
    assert timeline.lowest_seq() == 5


def test_set_state_changes_one_row_in_place() -> None:
    timeline = Timeline()
    timeline.extend([chat(1), mine("m1"), mine("m2")])
    timeline.flush()
    heard = Recorder(timeline)
    assert timeline.set_state("m2", SendState.FAILED) is True
    assert heard.changes() == [(2, Change.STATE)]
    assert timeline.rows[2].state is SendState.FAILED
    assert timeline.set_state("m1", SendState.SENT, seq=7) is True
    assert timeline.rows[1].seq == 7
    assert timeline.append(chat(7, "mine", author="me")) is False  # seq now known
    assert timeline.row_for_id("m1") is timeline.rows[1]
    assert timeline.row_for_id("unknown") is None
    assert timeline.row_of_id("m2") == 2
    # A new seq for the same row moves it in the index.
    assert timeline.set_state("m1", SendState.SENT, seq=8) is True
    assert timeline.append(chat(7, "seven after all")) is True
    assert timeline.append(chat(8)) is False
    assert timeline.lowest_seq() == 1


# -- our unsent rows stay at the bottom ------------------------------------------------


def test_rows_that_arrive_go_above_our_unsent_rows() -> None:
    timeline = Timeline()
    timeline.append(chat(1, "a"))
    timeline.flush()
    timeline.extend([mine("m1", "mine 1"), mine("m2", "mine 2")])
    timeline.flush()
    heard = Recorder(timeline)
    timeline.extend([chat(2, "b"), Row(kind=RowKind.SYSTEM, text="ann joined")])
    timeline.flush()
    assert heard.inserts() == [(1, 2)]  # one insert, above the two unsent rows
    assert texts(timeline) == ["a", "b", "ann joined", "mine 1", "mine 2"]
    assert timeline.row_of_id("m1") == 3
    assert timeline.row_of_id("m2") == 4
    # The server numbers ours after what it sent before: the list stays in seq order.
    timeline.set_state("m1", SendState.SENT, seq=3)
    timeline.append(chat(4, "c"))
    timeline.flush()
    assert texts(timeline) == ["a", "b", "ann joined", "mine 1", "c", "mine 2"]
    timeline.acknowledged("m2", 5, LATER, None)  # the frame first, this time
    timeline.append(chat(6, "d"))
    timeline.flush()
    assert seqs(timeline) == [1, 2, None, 3, 4, 5, 6]
    assert timeline.row_of_id("m2") == 5


@pytest.mark.parametrize("outbox_first", [True, False], ids=["outbox-first", "frame-first"])
def test_rows_that_arrived_before_the_ack_are_placed_above_it(outbox_first: bool) -> None:
    # Frames in one 16 ms batch: a replayed message, a live one, then our ack.
    timeline = Timeline()
    timeline.append(mine("m1", "while away"))
    timeline.flush()
    timeline.extend([chat(2, "missed"), chat(3, "live")])
    if outbox_first:
        timeline.set_state("m1", SendState.SENT, seq=4)
        timeline.acknowledged("m1", 4, LATER, None)
    else:
        timeline.acknowledged("m1", 4, LATER, None)
        timeline.set_state("m1", SendState.SENT, seq=4)
    timeline.append(chat(5, "after"))
    timeline.flush()
    assert texts(timeline) == ["missed", "live", "while away", "after"]
    assert seqs(timeline) == [2, 3, 4, 5]
    assert timeline.rows[2].state is SendState.SENT


@pytest.mark.parametrize("outbox_first", [True, False], ids=["outbox-first", "frame-first"])
def test_an_ack_while_both_are_still_buffered_orders_them_too(outbox_first: bool) -> None:
    timeline = Timeline()
    timeline.append(mine("m1", "typed"))
    timeline.append(chat(7, "theirs"))
    if outbox_first:
        timeline.set_state("m1", SendState.SENT, seq=8)
    timeline.acknowledged("m1", 8, LATER, None)
    if not outbox_first:
        timeline.set_state("m1", SendState.SENT, seq=8)
    timeline.flush()
    assert texts(timeline) == ["theirs", "typed"]
    assert seqs(timeline) == [7, 8]
    assert timeline.row_of_id("m1") == 1


def test_a_batch_with_arrivals_and_a_new_unsent_row_is_two_inserts() -> None:
    timeline = Timeline()
    timeline.append(mine("m1", "first"))
    timeline.flush()
    heard = Recorder(timeline)
    timeline.extend([chat(1, "theirs"), mine("m2", "second")])
    timeline.flush()
    assert heard.inserts() == [(0, 1), (2, 1)]
    assert texts(timeline) == ["theirs", "first", "second"]
    assert (timeline.row_of_id("m1"), timeline.row_of_id("m2")) == (1, 2)


def test_a_failed_row_stays_where_it_is() -> None:
    timeline = Timeline()
    timeline.append(mine("m1", "refused"))
    timeline.flush()
    timeline.set_state("m1", SendState.FAILED)
    timeline.append(chat(1, "later"))
    timeline.flush()
    assert texts(timeline) == ["refused", "later"]
    # Retried: pending again, but no longer at the bottom; its ack keeps it there.
    timeline.set_state("m1", SendState.PENDING)
    timeline.append(chat(2, "even later"))
    timeline.flush()
    assert texts(timeline) == ["refused", "later", "even later"]
    timeline.set_state("m1", SendState.SENT, seq=3)
    assert texts(timeline) == ["refused", "later", "even later"]


# -- scroll-back -------------------------------------------------------------------------


def test_prepend_history_inserts_older_rows_on_top_in_one_batch() -> None:
    timeline = Timeline()
    timeline.extend([chat(10), chat(11), chat(12), mine("m1")])
    timeline.flush()
    assert timeline.lowest_seq() == 10
    heard = Recorder(timeline)
    added = timeline.prepend_history([chat(7), chat(8), chat(9), chat(10), chat(11)])
    assert added == 3
    assert heard.inserts() == [(0, 3)]
    assert seqs(timeline) == [7, 8, 9, 10, 11, 12, None]
    assert timeline.lowest_seq() == 7
    # Our row moved down by three; the id index follows it.
    assert timeline.row_of_id("m1") == 6
    timeline.set_state("m1", SendState.FAILED)
    assert heard.changes() == [(6, Change.STATE)]
    assert timeline.rows[6].state is SendState.FAILED
    assert timeline.prepend_history([chat(8), chat(9)]) == 0
    assert heard.inserts() == [(0, 3)]  # nothing new: no insert


def test_our_rows_in_a_history_page_are_found_by_id() -> None:
    timeline = Timeline()
    timeline.append(chat(10))
    timeline.flush()
    old = chat(3, "said last week", author="me", id="old-1", mine=True, state=SendState.SENT)
    assert timeline.prepend_history([old, chat(4)]) == 2
    assert timeline.row_for_id("old-1") is old
    assert timeline.row_of_id("old-1") == 0
    assert timeline.acknowledged("old-1", 3, LATER, None) is True
    assert old.time == LATER


def test_lowest_seq_is_none_until_a_seq_is_seen() -> None:
    timeline = Timeline()
    assert timeline.lowest_seq() is None
    timeline.append(mine("m1"))
    assert timeline.lowest_seq() is None
    timeline.append(chat(40))
    assert timeline.lowest_seq() == 40  # pending rows count: their seq is held
    timeline.set_state("m1", SendState.SENT, seq=39)
    assert timeline.lowest_seq() == 39


def test_clear_forgets_everything() -> None:
    timeline = Timeline()
    timeline.extend([chat(1), mine("m1")])
    timeline.flush()
    heard = Recorder(timeline)
    timeline.append(chat(2))
    heard.take()
    timeline.clear()
    assert heard.calls == [("resetting", 2), ("reset", 0)]
    assert timeline.rows == [] and timeline.pending_count == 0
    assert timeline.lowest_seq() is None
    assert timeline.row_for_id("m1") is None
    assert timeline.acknowledged("m1", 3, LATER, None) is False
    assert timeline.append(chat(1)) is True  # no longer a duplicate
    assert seqs(timeline) == [] and shown(timeline) == [(RowKind.CHAT, "m1", 1)]


def test_seq_index_dense_sparse_and_lowest() -> None:
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
