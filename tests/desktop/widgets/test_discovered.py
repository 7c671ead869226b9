"""NetworkRoomsDialog (desktop/widgets/discovered.py): what it says while it
looks, the lock on password rooms, and Join, Enter and a double click
asking to join the room chosen."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from roomcast.desktop.widgets.discovered import NetworkRoomsDialog, RoomDelegate, lock_icon
from tests.desktop.found import found
from tests.desktop.windows import interactive


def dialog(qtbot: QtBot, quiet_after: float = 5.0) -> NetworkRoomsDialog:
    widget = NetworkRoomsDialog(quiet_after=quiet_after)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def select(widget: NetworkRoomsDialog, row: int) -> QModelIndex:
    index = widget.model.index(row, 0)
    selection = widget.view.selectionModel()
    selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
    return index


def test_it_says_it_is_looking_then_that_nothing_was_found_yet(qtbot: QtBot) -> None:
    widget = dialog(qtbot, quiet_after=0.2)
    assert widget.windowTitle() == "Rooms on your network"
    assert widget.pages.currentWidget() is widget.status
    assert widget.status.text() == "Looking for rooms on this network…"
    assert not widget.join_button.isEnabled()
    qtbot.waitUntil(lambda: widget.status.text().startswith("No rooms found yet."))
    assert widget.status.text() == (
        "No rooms found yet. Rooms hosted with Roomcast on this network appear here by themselves."
    )
    widget.set_rooms([found("chat")])
    assert widget.pages.currentWidget() is widget.view
    widget.set_rooms([])  # the last one left
    assert widget.pages.currentWidget() is widget.status
    assert widget.status.text().startswith("No rooms found yet.")
    widget.restart_search()
    assert widget.status.text() == "Looking for rooms on this network…"


def _painted(icon_option: QStyleOptionViewItem) -> bool:
    """Whether the row's decoration has any pixel that is not transparent."""
    image = icon_option.icon.pixmap(16, 16).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return any(image.pixelColor(x, y).alpha() for x in range(16) for y in range(16))


def test_password_rooms_carry_a_lock_and_every_row_its_details(qtbot: QtBot) -> None:
    widget = dialog(qtbot)
    widget.set_rooms([found("chat", password=True), found("open")])
    delegate = widget.view.itemDelegate()
    assert isinstance(delegate, RoomDelegate)
    options = []
    for row in range(2):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, widget.model.index(row, 0))
        options.append(option)
    locked, open_room = options
    assert _painted(locked)  # the lock
    assert not _painted(open_room)  # the same space, empty: the names line up
    assert locked.text == "chat — Alice\u202810.0.0.2:8765 · password · SHA-256 AB:CD:EF…"
    assert open_room.text == "open — Alice\u202810.0.0.2:8765 · SHA-256 AB:CD:EF…"
    # The rows are tall enough for both lines.
    assert widget.view.sizeHintForRow(0) >= 2 * widget.view.fontMetrics().height()


def test_the_lock_is_drawn_in_the_colour_given() -> None:
    image = lock_icon(QColor("red")).pixmap(16, 16).toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(16)
        for y in range(16)
        if image.pixelColor(x, y).alpha() == 255
    }
    assert colours == {"#ff0000"}


def test_join_is_enabled_by_a_selection_and_emits_the_room(qtbot: QtBot) -> None:
    widget = dialog(qtbot)
    widget.set_rooms([found("a"), found("b")])
    assert not widget.join_button.isEnabled()
    select(widget, 1)
    assert widget.join_button.isEnabled()
    assert widget.join_button.isDefault()
    with qtbot.waitSignal(widget.joinRequested) as asked:
        qtbot.mouseClick(widget.join_button, Qt.MouseButton.LeftButton)
    assert asked.args == [found("b")]
    assert not widget.isVisible()  # joining closes it


def test_the_selection_follows_its_room_and_goes_with_it(qtbot: QtBot) -> None:
    widget = dialog(qtbot)
    widget.set_rooms([found("b"), found("c")])
    select(widget, 0)
    widget.set_rooms([found("a"), found("b"), found("c")])  # a room above appears
    assert widget.selected() == found("b")
    widget.set_rooms([found("a"), found("c")])  # the selected room leaves
    assert widget.selected() is None
    assert not widget.join_button.isEnabled()


def test_a_double_click_joins(qtbot: QtBot) -> None:
    widget = dialog(qtbot)
    widget.set_rooms([found("a"), found("b", password=True)])
    rect = widget.view.visualRect(widget.model.index(1, 0))
    # QTest's double click is only the second press: the view wants the first one too.
    qtbot.mouseClick(widget.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(widget.joinRequested, timeout=2000) as asked:
        qtbot.mouseDClick(widget.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert asked.args == [found("b", password=True)]


def test_enter_in_the_list_joins_once(qtbot: QtBot) -> None:
    widget = dialog(qtbot)
    widget.set_rooms([found("a"), found("b")])
    select(widget, 0)
    widget.view.setFocus()
    asked: list[object] = []
    widget.joinRequested.connect(asked.append)
    qtbot.keyClick(widget.view, Qt.Key.Key_Return)
    assert asked == [found("a")]


def test_an_error_is_shown_inline_and_can_be_hidden(qtbot: QtBot) -> None:
    widget = dialog(qtbot)
    assert not widget.error.isVisible()
    widget.set_error("Looking for rooms on this network is not possible: no multicast.")
    assert widget.error.isVisible()
    assert widget.error.text() == "Looking for rooms on this network is not possible: no multicast."
    widget.set_error("")
    assert not widget.error.isVisible()


def test_every_interactive_widget_has_a_name_and_description(qtbot: QtBot) -> None:
    widget = dialog(qtbot)
    widget.set_rooms([found("a")])
    widget.set_error("x")
    assert len(interactive(widget)) >= 3  # the list, Join, Close
    assert [
        type(w).__name__
        for w in interactive(widget)
        if not w.accessibleName() or not w.accessibleDescription()
    ] == []
    assert "a — Alice" in widget.model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
