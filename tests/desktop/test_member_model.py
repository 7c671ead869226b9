"""desktop/member_model.py: the member table as a Qt model, checked by Qt's model
tester through every change, with the precise signals a refresh must emit."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QIcon
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from roomcast.desktop.member_model import MemberModel, MemberRoles
from roomcast.desktop.members import UNSENT_WARNING_BYTES, Column, address_sort_key
from roomcast.desktop.widgets.feedback import ERROR_ON_DARK, ERROR_ON_LIGHT
from tests.desktop.member_info import NOW, info


class Recorder:
    """The model's structural signals, as (signal, first, last[, columns])."""

    def __init__(self, model: MemberModel) -> None:
        self.events: list[tuple[object, ...]] = []
        model.rowsInserted.connect(
            lambda _p, first, last: self.events.append(("inserted", first, last))
        )
        model.rowsRemoved.connect(
            lambda _p, first, last: self.events.append(("removed", first, last))
        )
        model.dataChanged.connect(
            lambda tl, br, _roles=(): self.events.append(
                ("changed", tl.row(), br.row(), tl.column(), br.column())
            )
        )
        model.modelReset.connect(lambda: self.events.append(("reset",)))
        model.layoutChanged.connect(lambda *_: self.events.append(("layout",)))

    def take(self) -> list[tuple[object, ...]]:
        events, self.events = self.events, []
        return events


def names(model: MemberModel) -> list[str]:
    return [m.name for m in model.members()]


def test_empty_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = MemberModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.columnCount() == len(Column)
    assert model.member(0) is None


def test_model_tester_through_every_change(qtmodeltester: ModelTester) -> None:
    model = MemberModel()
    qtmodeltester.check(model)  # stays attached: checks each signal that follows
    model.set_members([info("bob"), info("alice"), info("dave", "other")], NOW)
    qtmodeltester.check(model)
    model.set_self_name("alice")
    model.set_members([info("bob", rtt=None, waiting=9.0), info("carol")], NOW + 1)
    qtmodeltester.check(model)
    model.set_members([info("carol", unsent=UNSENT_WARNING_BYTES * 2)], NOW + 2)
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_rows_come_and_go_with_precise_signals() -> None:
    model = MemberModel()
    seen = Recorder(model)
    model.set_members([info("carol"), info("alice")], NOW)
    assert names(model) == ["alice", "carol"]
    # One row at a time, each where it belongs.
    assert seen.take() == [("inserted", 0, 0), ("inserted", 1, 1)]

    model.set_members([info("alice"), info("bob"), info("carol")], NOW)
    assert seen.take() == [("inserted", 1, 1)]

    model.set_members([info("alice"), info("carol")], NOW)
    assert seen.take() == [("removed", 1, 1)]
    assert names(model) == ["alice", "carol"]


def test_a_change_touches_only_its_row_and_columns() -> None:
    model = MemberModel()
    model.set_members([info("alice"), info("bob"), info("carol")], NOW)
    seen = Recorder(model)
    model.set_members([info("alice"), info("bob", sent=4), info("carol")], NOW + 1)
    assert seen.take() == [("changed", 1, 1, Column.SENT, Column.SENT)]
    model.set_members([info("alice"), info("bob", sent=4, unsent=10), info("carol")], NOW + 2)
    assert seen.take() == [("changed", 1, 1, Column.UNSENT, Column.UNSENT)]
    # The same data again: nothing at all.
    model.set_members([info("alice"), info("bob", sent=4, unsent=10), info("carol")], NOW + 3)
    assert seen.take() == []


def test_an_alert_repaints_the_name_and_its_column() -> None:
    model = MemberModel()
    model.set_members([info("bob")], NOW)
    seen = Recorder(model)
    model.set_members([info("bob", waiting=6.0)], NOW + 1)
    assert seen.take() == [("changed", 0, 0, Column.NAME, Column.RTT)]


def test_a_persistent_index_follows_its_member() -> None:
    """What keeps the view's selection on the same person across refreshes."""
    model = MemberModel()
    model.set_members([info("bob"), info("carol")], NOW)
    carol = QPersistentModelIndex(model.index(1, Column.NAME))
    model.set_members([info("alice"), info("bob"), info("carol", sent=2)], NOW + 1)
    assert carol.isValid() and carol.row() == 2
    assert carol.data(MemberRoles.NameRole) == "carol"
    model.set_members([info("alice")], NOW + 2)
    assert not carol.isValid()


def test_self_name_marks_the_row_and_repaints_old_and_new() -> None:
    model = MemberModel()
    model.set_members([info("alice"), info("bob")], NOW)
    seen = Recorder(model)
    model.set_self_name("Alice")  # as the server compares names: case aside
    assert model.index(0, Column.NAME).data() == "alice (you)"
    assert model.index(0, Column.NAME).data(MemberRoles.SelfRole) is True
    assert model.index(0, Column.NAME).data(MemberRoles.NameRole) == "alice"
    assert model.is_self(0) and not model.is_self(1)
    assert seen.take() == [("changed", 0, 0, 0, len(Column) - 1)]
    model.set_self_name("bob")
    assert seen.take() == [
        ("changed", 0, 0, 0, len(Column) - 1),
        ("changed", 1, 1, 0, len(Column) - 1),
    ]
    assert model.index(0, Column.NAME).data() == "alice"
    model.set_self_name("bob")
    assert seen.take() == []


def test_roles_alignment_and_tooltips() -> None:
    model = MemberModel()
    model.set_members([info("bob", unsent=1_258_291, sent=7)], NOW)

    def cell(column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(0, column).data(role)

    assert cell(Column.UNSENT) == "1.2 MiB"
    assert cell(Column.UNSENT, MemberRoles.SortRole) == 1_258_291
    assert "1,258,291 bytes" in str(cell(Column.UNSENT, Qt.ItemDataRole.ToolTipRole))
    assert cell(Column.SENT, MemberRoles.SortRole) == 7
    assert cell(Column.ADDRESS, MemberRoles.SortRole) == address_sort_key("192.168.1.20")
    assert cell(Column.ROOM, MemberRoles.RoomRole) == "chat"
    assert cell(Column.SENT, MemberRoles.AddressRole) == "192.168.1.20"
    assert cell(Column.RTT, MemberRoles.MemberRole) == info("bob", unsent=1_258_291, sent=7)
    assert cell(Column.RTT, Qt.ItemDataRole.AccessibleTextRole) == "Round trip: 12 ms"
    for column in Column:
        alignment = cell(column, Qt.ItemDataRole.TextAlignmentRole)
        assert isinstance(alignment, Qt.AlignmentFlag)
        right = bool(alignment & Qt.AlignmentFlag.AlignRight)
        assert right == (column in (Column.RTT, Column.UNSENT, Column.SENT)), column
        header = model.headerData(column, Qt.Orientation.Horizontal)
        assert isinstance(header, str) and header
        assert (
            model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole)
            == alignment
        )
        assert model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_alerts_colour_their_cells_and_put_an_icon_by_the_name(qapp: QApplication) -> None:
    model = MemberModel(unsent_warning=1000)
    model.set_members([info("bob", waiting=7.0), info("carol", unsent=5000), info("dave")], NOW)
    bob, carol, dave = 0, 1, 2
    fg = Qt.ItemDataRole.ForegroundRole

    def colour(row: int, column: Column) -> object:
        brush = model.index(row, column).data(fg)
        return brush.color() if isinstance(brush, QBrush) else None

    assert colour(bob, Column.RTT) in (ERROR_ON_LIGHT, ERROR_ON_DARK)
    assert colour(bob, Column.NAME) is not None
    assert colour(bob, Column.UNSENT) is None
    assert colour(carol, Column.UNSENT) is not None
    assert colour(carol, Column.RTT) is None
    assert all(colour(dave, c) is None for c in Column)

    icon = model.index(bob, Column.NAME).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert model.index(bob, Column.RTT).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.index(dave, Column.NAME).data(Qt.ItemDataRole.DecorationRole) is None

    assert model.index(bob, Column.SENT).data(MemberRoles.AlertRole) == (
        "No answer to a ping for 7 s: the connection may be stuck"
    )
    assert model.index(dave, Column.SENT).data(MemberRoles.AlertRole) == ""
    spoken = model.index(carol, Column.UNSENT).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith("Unsent: 4.9 KiB. 4.9 KiB waiting to be sent")
    tip = model.index(bob, Column.RTT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("No answer to a ping for 7 s: the connection may be stuck")


def test_a_proxy_sorts_by_the_raw_values() -> None:
    model = MemberModel()
    model.set_members(
        [
            info("a", address="10.0.0.10", rtt=0.5, unsent=100),
            info("b", address="10.0.0.9", rtt=None, unsent=2_000),
            info("c", address="9.1.1.1", rtt=0.01, waiting=8.0, unsent=30),
        ],
        NOW,
    )
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(MemberRoles.SortRole)

    def order(column: Column) -> list[str]:
        proxy.sort(column, Qt.SortOrder.AscendingOrder)
        return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]

    assert order(Column.ADDRESS) == ["c", "b", "a"]  # numeric, not text order
    assert order(Column.RTT) == ["b", "a", "c"]  # unknown, 500 ms, no answer for 8 s
    assert order(Column.UNSENT) == ["c", "a", "b"]
    # A refresh re-sorts what moved.
    model.set_members(
        [
            info("a", address="10.0.0.10", unsent=100),
            info("b", address="10.0.0.9", unsent=1),
            info("c", address="9.1.1.1", unsent=30),
        ],
        NOW + 1,
    )
    assert [proxy.index(r, Column.NAME).data() for r in range(3)] == ["b", "c", "a"]


def test_row_of_rooms_and_invalid_indexes() -> None:
    model = MemberModel()
    model.set_members([info("bob"), info("zoe", "a-room")], NOW)
    assert model.rooms() == ["a-room", "chat"]
    assert model.row_of("chat", "bob") == 1
    assert model.row_of("chat", "zoe") == -1
    assert model.data(QModelIndex()) is None
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
