"""desktop/discovered_model.py: the rooms found on the network as a Qt list model,
checked by Qt's model tester through every change, and changed row by row."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from roomcast.desktop.discovered_model import (
    DiscoveredRoomsModel,
    DiscoveredRoomsRoles,
    short_fingerprint,
)
from roomcast.desktop.discovery import DiscoveredRoom
from tests.desktop.found import FP, found


def shown(model: DiscoveredRoomsModel) -> list[str]:
    return [model.data(model.index(i, 0)) for i in range(model.rowCount())]


class Signals:
    """The model's structural signals, in order."""

    def __init__(self, model: DiscoveredRoomsModel) -> None:
        self.log: list[tuple[str, int, int]] = []
        model.rowsInserted.connect(lambda _p, a, b: self.log.append(("insert", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.log.append(("remove", a, b)))
        model.dataChanged.connect(lambda a, b, _r=(): self.log.append(("change", a.row(), b.row())))
        model.modelReset.connect(lambda: self.log.append(("reset", -1, -1)))


def test_empty_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = DiscoveredRoomsModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.room(0) is None


def test_rows_are_sorted_by_room_then_host_and_say_what_matters(
    qtmodeltester: ModelTester,
) -> None:
    model = DiscoveredRoomsModel()
    qtmodeltester.check(model)
    model.set_rooms(
        [
            found("team", "Bob"),
            found("chat", "bob", password=True),
            found("Chat", "Alice", fingerprint=None, secure=False, address="10.0.0.9", port=9000),
        ]
    )
    assert shown(model) == ["Chat — Alice", "chat — bob", "team — Bob"]
    plain, locked, _ = (model.index(i, 0) for i in range(3))
    assert locked.data(DiscoveredRoomsRoles.DetailsRole) == (
        "10.0.0.2:8765 · password · SHA-256 AB:CD:EF…"
    )
    assert plain.data(DiscoveredRoomsRoles.DetailsRole) == "10.0.0.9:9000 · not encrypted"
    assert locked.data(DiscoveredRoomsRoles.PasswordRole) is True
    assert plain.data(DiscoveredRoomsRoles.PasswordRole) is False
    assert locked.data(DiscoveredRoomsRoles.RoomRole) == found("chat", "bob", password=True)
    tooltip = locked.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.splitlines() == [
        "chat — bob",
        "wss://10.0.0.2:8765/r/chat",
        "Needs a password",
        f"Certificate SHA-256 fingerprint: {FP}",
    ]
    assert "not encrypted" in plain.data(Qt.ItemDataRole.AccessibleTextRole)
    assert model.row_of(found("team", "Bob").key) == 2
    assert model.row_of("nothing") == -1


def test_short_fingerprint_keeps_three_pairs() -> None:
    assert short_fingerprint(FP) == "AB:CD:EF…"
    assert short_fingerprint("AB:CD") == "AB:CD"


def test_set_rooms_inserts_removes_and_changes_rows_without_a_reset(
    qtmodeltester: ModelTester,
) -> None:
    model = DiscoveredRoomsModel()
    qtmodeltester.check(model)
    model.set_rooms([found("b"), found("d")])
    signals = Signals(model)
    kept = QPersistentModelIndex(model.index(1, 0))  # d

    model.set_rooms([found("a"), found("c"), found("d", password=True)])
    assert shown(model) == ["a — Alice", "c — Alice", "d — Alice"]
    assert signals.log == [("remove", 0, 0), ("insert", 0, 0), ("insert", 1, 1), ("change", 2, 2)]
    assert kept.isValid() and kept.row() == 2  # d kept its identity: the selection follows
    assert model.room(2) == found("d", password=True)

    signals.log.clear()
    model.set_rooms(model.rooms())  # nothing changed: nothing said
    assert signals.log == []

    # An advert that now names another room moves: removed, then inserted where it belongs.
    moved = found("e", key=found("a").key)
    model.set_rooms([moved, found("c"), found("d", password=True)])
    assert shown(model) == ["c — Alice", "d — Alice", "e — Alice"]
    assert signals.log == [("remove", 0, 0), ("insert", 2, 2)]

    signals.log.clear()
    model.set_rooms([])
    assert model.rowCount() == 0
    assert [kind for kind, *_ in signals.log] == ["remove"] * 3
    assert not kept.isValid()


_rooms = st.lists(
    st.builds(
        found,
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["Alice", "bob", "Carol"]),
        password=st.booleans(),
        port=st.integers(1, 3),
    ),
    max_size=8,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_rooms, min_size=1, max_size=5))
def test_any_sequence_of_lists_ends_in_the_last_one_sorted(
    qtmodeltester: ModelTester, lists: list[list[DiscoveredRoom]]
) -> None:
    model = DiscoveredRoomsModel()
    qtmodeltester.check(model)
    for rooms in lists:
        model.set_rooms(rooms)
        last = {r.key: r for r in rooms}
        assert model.rooms() == sorted(
            last.values(), key=lambda r: (r.room.casefold(), r.host_name.casefold(), r.key)
        )


def test_data_for_an_invalid_or_nested_index_is_nothing() -> None:
    model = DiscoveredRoomsModel()
    model.set_rooms([found("a")])
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(0, 0), int(Qt.ItemDataRole.UserRole) + 99) is None
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.rowCount(model.index(0, 0)) == 0
