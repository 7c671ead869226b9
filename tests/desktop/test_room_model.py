"""RoomListModel (desktop/room_model.py): Qt's model rules over a RoomList
in every change, and what each role says."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from roomcast.desktop.client import ConnectionState, Status
from roomcast.desktop.room_model import RoomListModel, RoomRoles, state_text
from roomcast.desktop.rooms import RoomEntry, RoomList


def entry(room: str) -> RoomEntry:
    return RoomEntry(("ws://127.0.0.1:9001", room), (f"ws://127.0.0.1:9001/r/{room}",))


def titles(model: RoomListModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_every_change_keeps_qts_model_rules(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    rooms = RoomList()
    model = RoomListModel(rooms)
    # One tester, from the empty list on: it checks every signal that follows.
    qtmodeltester.check(model, force_py=True)
    a, b, c = (rooms.add(entry(n)) for n in "abc")
    assert titles(model) == ["a", "b", "c"]
    with qtbot.waitSignal(model.rowsMoved):
        rooms.move(a, 2)
    assert titles(model) == ["b", "c", "a"]
    with qtbot.waitSignal(model.rowsMoved):
        rooms.move(a, -1)
    assert titles(model) == ["b", "a", "c"]
    rooms.current = b
    with qtbot.waitSignal(model.dataChanged) as changed:
        rooms.arrived(c, mention=True, looked_at=True)
    assert changed.args[0].row() == 2
    assert model.index(2, 0).data(RoomRoles.UnreadRole) == 1
    assert model.index(2, 0).data(RoomRoles.MentionsRole) == 1
    with qtbot.waitSignal(model.rowsRemoved):
        rooms.remove(b)
    assert titles(model) == ["a", "c"]
    assert model.index_of(b).isValid() is False
    assert model.index_of(c).row() == 1


def test_the_roles_say_where_how_and_how_many() -> None:
    rooms = RoomList()
    model = RoomListModel(rooms)
    room = rooms.add(entry("team"))
    room.status = Status(ConnectionState.RECONNECTING, room="team", roomcast=True)
    room.unread, room.mentions = 3, 1
    index = model.index(0, 0)
    assert index.data(RoomRoles.EntryRole) is room
    assert index.data(RoomRoles.ServerRole) == "127.0.0.1:9001"
    assert index.data(RoomRoles.StateRole) is ConnectionState.RECONNECTING
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "127.0.0.1:9001 · reconnecting · 3 unread, 1 mentioning you"
    assert index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == tip
    room.hosted = True
    assert state_text(room) == "hosted here"
    assert index.data(RoomRoles.HostedRole) is True
    room.hosted = False
    room.status = Status(ConnectionState.DISCONNECTED, detail="Refused by the server: bad password")
    assert state_text(room) == "disconnected: Refused by the server: bad password"
