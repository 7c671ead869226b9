"""MessageListModel, the Qt adapter over a Timeline: Qt's model rules in every
state, the signals of each change, the 16 ms flush, and show() switching
timelines. The rules themselves (batches, dedupe, acks, the unsent tail,
scroll-back) are the timeline's: tests/desktop/test_timeline.py; what a row
answers to each role: tests/desktop/test_row_roles.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from roomcast.desktop.models import FLUSH_INTERVAL_MS, MessageListModel
from roomcast.desktop.row_roles import CHANGE_ROLES, Roles, role_names, row_data
from roomcast.desktop.rows import Direction, Row, RowKind, SendState
from roomcast.desktop.timeline import Change, Timeline
from roomcast.server.notices import Severity

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
LATER = datetime(2025, 3, 4, 5, 7, 0, tzinfo=UTC)


def chat(seq: int | None, text: str = "hi", author: str = "bob", **fields: object) -> Row:
    return Row(kind=RowKind.CHAT, text=text, author=author, seq=seq, time=WHEN, **fields)  # type: ignore[arg-type]


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


class Signals:
    """Records the model's signals, in order, with their ranges and roles."""

    def __init__(self, model: MessageListModel) -> None:
        self.log: list[tuple[object, ...]] = []
        model.rowsAboutToBeInserted.connect(
            lambda parent, first, last: self.log.append(("inserting", first, last))
        )
        model.rowsInserted.connect(self._on_inserted)
        model.dataChanged.connect(self._on_changed)
        model.modelAboutToBeReset.connect(lambda: self.log.append(("resetting",)))
        model.modelReset.connect(lambda: self.log.append(("reset",)))
        model.rowsRemoved.connect(lambda *a: self.log.append(("removed", *a[1:])))
        model.layoutChanged.connect(lambda *a: self.log.append(("layout",)))

    def _on_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        assert not parent.isValid()
        self.log.append(("inserted", first, last))

    def _on_changed(self, top: QModelIndex, bottom: QModelIndex, roles: object = None) -> None:
        self.log.append(("changed", top.row(), bottom.row(), sorted(roles or [])))  # type: ignore[call-overload]

    def take(self) -> list[tuple[object, ...]]:
        log, self.log = self.log, []
        return log


def texts(model: MessageListModel) -> list[str]:
    return [row.text for row in model.rows]


# -- Qt's model rules ----------------------------------------------------------


def test_empty_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(MessageListModel())


def test_model_tester_through_every_state(qtmodeltester: ModelTester) -> None:
    # Qt's tester, created anew by each check(): the full checks in each state.
    model = MessageListModel()
    timeline = model.timeline
    qtmodeltester.check(model)
    timeline.extend(chat(seq) for seq in range(10, 20))
    model.flush()
    timeline.extend(chat(seq) for seq in range(20, 25))
    timeline.append(mine("m1"))
    timeline.append(Row(kind=RowKind.SYSTEM, text="joined", severity=Severity.INFO))
    timeline.append(Row(kind=RowKind.BINARY, text="binary · 2 bytes\n00 01", raw=b"\x00\x01"))
    model.flush()
    qtmodeltester.check(model)
    timeline.prepend_history([chat(seq) for seq in range(5, 12)])
    qtmodeltester.check(model)
    timeline.set_state("m1", SendState.FAILED)
    qtmodeltester.check(model)
    timeline.set_state("m1", SendState.SENT, seq=30)
    timeline.acknowledged("m1", 30, LATER, '{"type":"message"}')
    qtmodeltester.check(model)
    other = Timeline("ws://h:1", "other")
    other.extend([chat(1), mine("m2")])
    model.show(other)
    qtmodeltester.check(model)
    model.show(timeline)
    qtmodeltester.check(model)
    timeline.welcome("e2", reset=True)
    qtmodeltester.check(model)
    timeline.clear()
    qtmodeltester.check(model)


def test_python_model_tester_watches_every_signal(qtmodeltester: ModelTester) -> None:
    # pytest-qt's Python tester stays connected (check() once) and re-runs its
    # checks, and its insert/remove/reset bookkeeping, on every model signal.
    model = MessageListModel()
    timeline = model.timeline
    qtmodeltester.check(model, force_py=True)
    timeline.extend(chat(seq) for seq in range(10, 20))
    model.flush()
    timeline.append(mine("m1"))
    timeline.append(Row(kind=RowKind.JSON, text='{\n  "a": 1\n}', raw='{"a":1}'))
    model.flush()
    timeline.prepend_history([chat(seq) for seq in range(5, 12)])
    timeline.set_state("m1", SendState.FAILED)
    timeline.set_state("m1", SendState.SENT, seq=30)
    timeline.acknowledged("m1", 30, LATER, None)
    other = Timeline()
    other.extend([chat(1), chat(2)])
    model.show(other)
    other.append(chat(3))
    model.flush()
    model.show(timeline)
    timeline.welcome("e2", reset=True)
    timeline.clear()
    timeline.append(chat(1))
    model.flush()
    assert model.rowCount() == 1


# -- the signals of each change ----------------------------------------------------


def test_each_change_of_the_timeline_is_one_signal_with_its_roles() -> None:
    model = MessageListModel()
    timeline = model.timeline
    heard = Signals(model)
    timeline.extend([chat(1), chat(2)])
    timeline.append(mine("m1"))
    assert heard.log == [] and model.rowCount() == 0  # batched: nothing yet
    model.flush()
    assert heard.take() == [("inserting", 0, 2), ("inserted", 0, 2)]
    assert model.rowCount() == 3

    timeline.append(chat(3))
    model.flush()  # above our unsent row
    assert heard.take() == [("inserting", 2, 2), ("inserted", 2, 2)]

    timeline.set_state("m1", SendState.SENT, seq=4)
    assert heard.take() == [("changed", 3, 3, sorted(CHANGE_ROLES[Change.STATE]))]
    assert model.index(3, 0).data(Roles.StateRole) is SendState.SENT

    timeline.acknowledged("m1", 4, LATER, "frame")
    assert heard.take() == [("changed", 3, 3, sorted(CHANGE_ROLES[Change.ACK]))]
    assert model.index(3, 0).data(Roles.TimeRole) == LATER
    assert model.index(3, 0).data(Roles.RawRole) == "frame"

    timeline.prepend_history([chat(0, "older")])
    assert heard.take() == [("inserting", 0, 0), ("inserted", 0, 0)]
    assert model.index_for_id("m1").row() == 4

    timeline.welcome("e2", reset=True)
    assert heard.take() == [("resetting",), ("reset",)]
    assert model.rowCount() == 1

    timeline.clear()
    assert heard.take() == [("resetting",), ("reset",)]
    assert model.rowCount() == 0
    assert timeline.append(chat(5)) is True
    timeline.flush()  # the timeline's own flush signals through the model too
    assert heard.take() == [("inserting", 0, 0), ("inserted", 0, 0)]


def test_an_ack_of_a_row_not_shown_yet_signals_nothing_but_the_insert() -> None:
    model = MessageListModel()
    heard = Signals(model)
    model.timeline.append(mine("m1"))
    model.timeline.set_state("m1", SendState.SENT, seq=9)
    model.timeline.acknowledged("m1", 9, LATER, None)
    assert heard.log == []
    model.flush()
    assert heard.take() == [("inserting", 0, 0), ("inserted", 0, 0)]
    assert model.index(0, 0).data(Roles.SeqRole) == 9


def test_the_timer_flushes_many_appends_as_one_batch(qtbot: QtBot) -> None:
    model = MessageListModel()
    heard = Signals(model)
    with qtbot.waitSignal(model.rowsInserted, timeout=1000):
        for seq in range(1, 101):
            model.timeline.append(chat(seq))
        assert model.pending_count == 100
    assert heard.take() == [("inserting", 0, 99), ("inserted", 0, 99)]
    assert model.pending_count == 0
    with qtbot.waitSignal(model.rowsInserted, timeout=1000):
        model.timeline.extend([chat(101), chat(102)])
    assert heard.take() == [("inserting", 100, 101), ("inserted", 100, 101)]
    assert FLUSH_INTERVAL_MS == 16


def test_flush_stops_the_timer(qtbot: QtBot) -> None:
    model = MessageListModel()
    heard = Signals(model)
    model.timeline.append(chat(1))
    model.flush()
    assert heard.take() == [("inserting", 0, 0), ("inserted", 0, 0)]
    qtbot.wait(3 * FLUSH_INTERVAL_MS)
    assert heard.log == []  # the timer did not fire an empty flush later


# -- which timeline ----------------------------------------------------------------


def test_show_switches_the_timeline_in_one_reset() -> None:
    model = MessageListModel()
    first = model.timeline
    first.extend([chat(1, "first 1"), chat(2, "first 2")])
    model.flush()
    rows_before = model.row_list()
    second = Timeline("ws://h:1", "second")
    second.extend([chat(1, "second 1"), mine("m1", "second mine")])  # pending, no listener
    heard = Signals(model)

    model.show(second)
    assert heard.take() == [("resetting",), ("reset",)]
    assert model.timeline is second
    assert second.listener is model and first.listener is None
    assert texts(model) == ["second 1", "second mine"]  # its pending rows are shown
    assert model.row_list() is second.rows and model.row_list() is not rows_before
    assert model.index_for_id("m1").row() == 1
    assert model.lowest_seq() == 1

    # The timeline no longer shown keeps taking rows, silently.
    assert first.append(chat(3, "first 3")) is True
    assert heard.log == [] and model.rowCount() == 2
    model.show(model.timeline)  # the same: nothing
    assert heard.log == []

    model.show(first)
    assert heard.take() == [("resetting",), ("reset",)]
    assert texts(model) == ["first 1", "first 2", "first 3"]
    assert model.index_for_id("m1").isValid() is False
    second.set_state("m1", SendState.FAILED)  # no listener: no signal here
    assert heard.log == []


def test_a_timeline_is_shown_by_one_model_at_a_time() -> None:
    a = MessageListModel()
    with pytest.raises(ValueError, match="already shown"):
        MessageListModel(timeline=a.timeline)
    b = MessageListModel()
    with pytest.raises(ValueError, match="already shown"):
        b.show(a.timeline)
    assert a.timeline.listener is a and b.timeline.listener is b


def test_a_model_made_for_a_timeline_with_pending_rows_flushes_them(qtbot: QtBot) -> None:
    timeline = Timeline()
    timeline.extend([chat(1), chat(2)])
    model = MessageListModel(timeline=timeline)
    assert model.rowCount() == 0 and model.pending_count == 2
    with qtbot.waitSignal(model.rowsInserted, timeout=1000):
        pass
    assert model.rowCount() == 2 and model.pending_count == 0


# -- reading ----------------------------------------------------------------------------


def test_data_flags_and_role_names_are_row_roles() -> None:
    model = MessageListModel()
    row = chat(3, "hello", raw='{"type":"message"}', id="x", state=SendState.SENT)
    model.timeline.extend([row, mine("m1")])
    model.flush()
    index = model.index(0, 0)
    for role in [*role_names(), int(Qt.ItemDataRole.DecorationRole)]:
        assert index.data(role) == row_data(row, role), role
    assert index.data(Roles.RowRole) is row
    assert model.roleNames() == role_names()
    assert model.flags(index) & Qt.ItemFlag.ItemNeverHasChildren
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(2, 0)) is None  # past the end
    assert model.rowCount(index) == 0  # a list: no children


def test_rows_is_a_read_only_view() -> None:
    model = MessageListModel()
    model.timeline.extend([chat(1), chat(2)])
    assert len(model.rows) == 0  # still pending
    model.flush()
    assert [row.seq for row in model.rows] == [1, 2]
    assert isinstance(model.rows[0:1], tuple)
    assert not hasattr(model.rows, "append")
    assert model.row_list() is model.timeline.rows


def test_the_model_only_reads_writing_goes_to_the_timeline() -> None:
    model = MessageListModel()
    for name in ("append", "extend", "prepend_history", "set_state", "clear", "row_for_id"):
        assert not hasattr(model, name), name
    model.timeline.append(mine("m1"))
    model.timeline.append(chat(40))
    assert model.pending_count == 2
    assert model.lowest_seq() == 40
    assert not model.index_for_id("m1").isValid()  # not shown yet
    model.flush()
    assert model.index_for_id("m1").row() == 1
    assert not model.index_for_id("unknown").isValid()
