"""RoomSidebar (desktop/widgets/rooms.py): the room list's signals, keyboard
and menu, and what it paints."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from roomcast.desktop.client import ConnectionState, Status
from roomcast.desktop.room_model import RoomListModel
from roomcast.desktop.rooms import RoomEntry, RoomList
from roomcast.desktop.widgets.rooms import RoomSidebar


def sidebar(qtbot: QtBot, *names: str) -> tuple[RoomSidebar, RoomList]:
    rooms = RoomList()
    for name in names:
        rooms.add(RoomEntry(("ws://h:1", name), (f"ws://h:1/r/{name}",)))
    widget = RoomSidebar(RoomListModel(rooms))
    qtbot.addWidget(widget)
    widget.resize(220, 300)
    widget.show()
    return widget, rooms


def test_clicking_a_room_asks_to_show_it(qtbot: QtBot) -> None:
    widget, rooms = sidebar(qtbot, "a", "b")
    view = widget.view
    rect = view.visualRect(view.model().index(1, 0))
    with qtbot.waitSignal(widget.roomActivated) as shown:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert shown.args == [rooms[1]]


def test_select_marks_the_room_shown_without_asking_again(qtbot: QtBot) -> None:
    widget, rooms = sidebar(qtbot, "a", "b")
    asked: list[object] = []
    widget.roomActivated.connect(asked.append)
    widget.select(rooms[1])
    assert widget.selected() is rooms[1]
    assert asked == []


def test_alt_arrows_move_and_delete_closes(qtbot: QtBot) -> None:
    widget, rooms = sidebar(qtbot, "a", "b", "c")
    widget.select(rooms[1])
    moves: list[tuple[object, int]] = []
    closes: list[object] = []
    widget.moveRequested.connect(lambda e, d: moves.append((e, d)))
    widget.closeRequested.connect(closes.append)
    qtbot.keyClick(widget.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(widget.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(widget.view, Qt.Key.Key_Delete)
    assert moves == [(rooms[1], -1), (rooms[1], 1)]
    assert closes == [rooms[1]]


def test_the_menu_offers_only_moves_that_are_possible(qtbot: QtBot) -> None:
    widget, rooms = sidebar(qtbot, "a", "b")
    first = widget.context_menu(rooms[0])
    enabled = {a.text(): a.isEnabled() for a in first.actions() if a.text()}
    assert enabled == {"Move up": False, "Move down": True, "Close room": True}
    closes: list[object] = []
    widget.closeRequested.connect(closes.append)
    next(a for a in first.actions() if a.text() == "Close room").trigger()
    assert closes == [rooms[0]]


def test_the_new_room_button_asks_for_another_room(qtbot: QtBot) -> None:
    widget, _ = sidebar(qtbot)
    with qtbot.waitSignal(widget.newRequested):
        qtbot.mouseClick(widget.new_button, Qt.MouseButton.LeftButton)


def test_unread_rooms_carry_a_badge_red_for_a_mention(qtbot: QtBot) -> None:
    widget, rooms = sidebar(qtbot, "quiet", "busy", "named")
    rooms[1].unread = 4
    rooms[2].unread, rooms[2].mentions = 2, 1
    for room in rooms:
        room.status = Status(ConnectionState.CONNECTED, roomcast=True)
    widget.view.viewport().update()
    image = widget.view.viewport().grab().toImage()
    view = widget.view

    def badge(row: int) -> QColor:
        rect = view.visualRect(view.model().index(row, 0))
        # The badge sits at the right end of the first line.
        return image.pixelColor(QPoint(rect.right() - 12, rect.top() + 6 + 8))

    accent = view.palette().color(view.palette().ColorRole.Highlight)
    assert badge(0) != accent  # nothing to read: no badge
    assert badge(1) == accent  # a badge in the accent colour
    red = badge(2)
    assert red.red() > 150 and red.green() < 100  # a mention: red
