"""desktop/rooms.py: the open rooms' order, unread rule, typing hints and
what is saved across restarts, without Qt."""

from __future__ import annotations

import json

import pytest

from roomcast.desktop.client import ConnectionState, Status
from roomcast.desktop.rooms import (
    MAX_SAVED_ROOMS,
    TYPING_SHOWN,
    RoomEntry,
    RoomList,
    TypingHints,
    parse_saved,
)


class Recorder:
    """A RoomListListener that writes down what it was told."""

    def __init__(self, rooms: RoomList) -> None:
        self.rooms = rooms
        self.log: list[str] = []

    def rooms_inserting(self, row: int) -> None:
        self.log.append(f"inserting {row} ({len(self.rooms)} listed)")

    def rooms_inserted(self) -> None:
        self.log.append(f"inserted ({len(self.rooms)} listed)")

    def rooms_removing(self, row: int) -> None:
        self.log.append(f"removing {row}")

    def rooms_removed(self) -> None:
        self.log.append("removed")

    def rooms_moving(self, row: int, to: int) -> None:
        self.log.append(f"moving {row}->{to}")

    def rooms_moved(self) -> None:
        self.log.append("moved")

    def room_changed(self, row: int) -> None:
        self.log.append(f"changed {row}")


def entry(room: str, server: str = "ws://127.0.0.1:9001") -> RoomEntry:
    return RoomEntry((server, room), (f"{server}/r/{room}",))


def titles(rooms: RoomList) -> list[str]:
    return [e.title for e in rooms]


def test_a_room_is_listed_once_in_the_order_opened() -> None:
    rooms = RoomList()
    recorder = Recorder(rooms)
    rooms.listener = recorder
    a = rooms.add(entry("a"))
    rooms.add(entry("b"))
    again = rooms.add(entry("a"))  # the same key: the entry already listed
    assert again is a
    assert titles(rooms) == ["a", "b"]
    assert recorder.log == [
        "inserting 0 (0 listed)",
        "inserted (1 listed)",
        "inserting 1 (1 listed)",
        "inserted (2 listed)",
    ]


def test_the_same_room_on_another_server_is_another_entry() -> None:
    rooms = RoomList()
    rooms.add(entry("team", "ws://127.0.0.1:9001"))
    rooms.add(entry("team", "ws://127.0.0.1:9002"))
    assert [e.server for e in rooms] == ["127.0.0.1:9001", "127.0.0.1:9002"]


def test_moving_stops_at_either_end() -> None:
    rooms = RoomList()
    a, b, c = (rooms.add(entry(n)) for n in "abc")
    recorder = Recorder(rooms)
    rooms.listener = recorder
    assert rooms.move(c, -1)
    assert titles(rooms) == ["a", "c", "b"]
    assert rooms.move(a, 5)  # clamped: to the end
    assert titles(rooms) == ["c", "b", "a"]
    assert not rooms.move(c, -1)  # already first
    assert recorder.log == ["moving 2->1", "moved", "moving 0->2", "moved"]
    assert b in rooms


def test_closing_the_shown_room_shows_its_neighbour() -> None:
    rooms = RoomList()
    a, b, c = (rooms.add(entry(n)) for n in "abc")
    rooms.current = b
    assert rooms.remove(b) is c  # the one below
    rooms.current = c
    assert rooms.remove(c) is a  # the last one: the one above
    rooms.current = a
    assert rooms.remove(a) is None
    assert len(rooms) == 0 and rooms.current is None


def test_closing_another_room_keeps_the_shown_one() -> None:
    rooms = RoomList()
    a, b = rooms.add(entry("a")), rooms.add(entry("b"))
    rooms.current = a
    assert rooms.remove(b) is a
    assert rooms.current is a


def test_unread_counts_unless_shown_and_looked_at() -> None:
    rooms = RoomList()
    a, b = rooms.add(entry("a")), rooms.add(entry("b"))
    rooms.current = a
    recorder = Recorder(rooms)
    rooms.listener = recorder
    assert rooms.arrived(a, mention=False, looked_at=True) is False  # read as it came
    assert rooms.arrived(b, mention=False, looked_at=True) is True  # not shown
    assert rooms.arrived(b, mention=True, looked_at=True) is True
    assert rooms.arrived(a, mention=False, looked_at=False) is True  # no one looks
    assert (a.unread, a.mentions, b.unread, b.mentions) == (1, 0, 2, 1)
    assert rooms.totals() == (3, 1)
    assert rooms.seen(b) is True
    assert rooms.seen(b) is False  # nothing more to read
    assert (b.unread, b.mentions) == (0, 0)
    assert rooms.totals() == (1, 0)
    assert recorder.log == ["changed 1", "changed 1", "changed 0", "changed 1"]


def test_typing_hints_expire_and_end_when_the_person_leaves() -> None:
    hints = TypingHints()
    hints.typing("eve", now=100.0)
    hints.typing("bob", now=101.0)
    assert hints.names(now=102.0) == ["eve", "bob"]
    assert hints.names(now=100.0 + TYPING_SHOWN + 0.5) == ["bob"]  # eve's ran out
    assert hints.stopped("bob") is True  # bob left (or his message came)
    assert hints.stopped("bob") is False
    assert hints.names(now=102.0) == []
    hints.typing("ann", now=0.0)
    assert hints.clear() is True and hints.clear() is False


def test_saved_rooms_round_trip_without_passwords_or_the_hosted_room() -> None:
    rooms = RoomList()
    a = rooms.add(entry("a"))
    hosted = rooms.add(entry("mine", "ws://127.0.0.1:9100"))
    hosted.hosted = True
    b = rooms.add(RoomEntry(("ws://x:1, ws://y:2", "b"), ("ws://x:1/r/b", "ws://y:2/r/b"), "bo"))
    a.draft, a.scroll = "half a thought", {"at_bottom": False, "anchor_seq": 7}
    rooms.current = b
    saved = json.loads(json.dumps(rooms.saved()))  # what QSettings keeps
    assert "password" not in json.dumps(saved)
    restored, shown = parse_saved(saved)
    assert [r.urls for r in restored] == [("ws://127.0.0.1:9001/r/a",), b.urls]
    assert restored[0].draft == "half a thought"
    assert restored[0].scroll == {"at_bottom": False, "anchor_seq": 7}
    assert (restored[0].name, restored[1].name) == (None, "bo")
    assert shown == 1


@pytest.mark.parametrize(
    "data",
    [
        None,
        "rooms",
        {"rooms": "ws://x/"},
        {"rooms": [1, None, {"urls": []}, {"urls": "ws://x/"}, {"urls": [3]}]},
        {"rooms": [{"urls": ["ws://x/"]}], "current": 5},
        {"rooms": [{"urls": ["ws://x/"], "name": 3, "draft": [], "scroll": "up"}]},
    ],
)
def test_malformed_saved_rooms_are_skipped_never_raised(data: object) -> None:
    restored, shown = parse_saved(data)
    assert all(r.urls == ("ws://x/",) for r in restored)
    assert all(r.name is None and r.draft == "" and r.scroll is None for r in restored)
    assert shown is None


def test_at_most_so_many_rooms_come_back() -> None:
    data = {"rooms": [{"urls": [f"ws://h/r/{i}"]} for i in range(MAX_SAVED_ROOMS + 10)]}
    restored, _ = parse_saved(data)
    assert len(restored) == MAX_SAVED_ROOMS


def test_title_is_the_room_name_once_the_server_said_it() -> None:
    room = entry("lobby")
    assert room.title == "lobby"
    room.status = Status(ConnectionState.CONNECTED, roomcast=True, room="Lobby")
    assert room.title == "Lobby"
