"""desktop/timeline.py without Qt: keys, epochs and the reset rule, and what a
listener (the Qt model) is told. The rules it shares with the model (dedupe,
acknowledgement, the unsent tail, scroll-back) are tested through the model
in tests/desktop/test_models.py; the window's use in test_main_window.py."""

from __future__ import annotations

import pytest

from desktop.links import room_key
from desktop.rows import Direction, Row, RowKind, SendState
from desktop.timeline import RESET_TEXT, Change, Timeline, TimelineKey
from server.notices import Severity


def chat(seq: int, text: str = "", author: str = "bob") -> Row:
    return Row(kind=RowKind.CHAT, text=text or f"m{seq}", author=author, seq=seq)


def mine(message_id: str, text: str = "mine") -> Row:
    return Row(
        kind=RowKind.CHAT,
        text=text,
        author="me",
        id=message_id,
        mine=True,
        state=SendState.PENDING,
        direction=Direction.OUT,
    )


def shown(timeline: Timeline) -> list[tuple[RowKind, str, int | None]]:
    timeline.flush()
    return [(r.kind, r.text, r.seq) for r in timeline.rows]


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
    assert (
        timeline.append(
            Row(RowKind.CHAT, "typed while away", author="me", seq=3, id="c-1", mine=True)
        )
        is False
    )
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
    timeline.prepend_history([Row(RowKind.CHAT, "old", seq=0)])
    assert heard.calls[8:] == [("inserting", 0, 1, 4), ("inserted", 5)]
    assert timeline.row_of_id("c-1") == 4
    timeline.welcome("e2")
    assert heard.calls[10:] == [("resetting", 5), ("reset", 1)]
    timeline.clear()
    assert heard.calls[12:] == [("resetting", 1), ("reset", 0)]
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
