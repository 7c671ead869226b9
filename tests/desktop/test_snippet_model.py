"""desktop/snippet_model.py: the saved messages of a scope as a Qt list model,
checked by Qt's model tester through every change."""

from __future__ import annotations

import gc

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from pytestqt.modeltest import ModelTester

from roomcast.desktop.sending import BinaryFormat, SendMode
from roomcast.desktop.snippet_model import SavedMessagesModel, SavedMessagesRoles, shortcut_for
from roomcast.desktop.snippets import SavedMessage, SavedMessages

ROOM = "ws://127.0.0.1:8765/lobby"
OTHER = "ws://127.0.0.1:8765/other"


def filled() -> SavedMessages:
    store = SavedMessages()
    store.add(SavedMessage("Hello", SendMode.CHAT, "hello all"))
    store.add(
        SavedMessage("Join", SendMode.JSON, '{"type": "join",\n "room": "lobby"}', scope=ROOM)
    )
    store.add(SavedMessage("Magic", SendMode.BINARY, "de ad be ef", BinaryFormat.HEX))
    store.add(SavedMessage("Other", SendMode.TEXT, "elsewhere", scope=OTHER))
    return store


def shown(model: SavedMessagesModel) -> list[str]:
    return [m.name for m in model.messages()]


def test_empty_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = SavedMessagesModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.message(0) is None


def test_model_tester_through_every_change(qtmodeltester: ModelTester) -> None:
    store = filled()
    model = SavedMessagesModel(store, ROOM)
    qtmodeltester.check(model)
    assert shown(model) == ["Join", "Hello", "Magic"]
    store.add(SavedMessage("Late", SendMode.TEXT, "x", scope=ROOM))
    qtmodeltester.check(model)
    assert shown(model) == ["Join", "Late", "Hello", "Magic"]
    store.move("Magic", "", -1)
    qtmodeltester.check(model)
    assert shown(model) == ["Join", "Late", "Magic", "Hello"]
    store.replace("Hello", "", SavedMessage("Hi", SendMode.CHAT, "hi"))
    qtmodeltester.check(model)
    assert shown(model) == ["Join", "Late", "Magic", "Hi"]
    store.remove("Join", ROOM)
    qtmodeltester.check(model)
    assert shown(model) == ["Late", "Magic", "Hi"]
    model.set_scope(OTHER)
    qtmodeltester.check(model)
    assert shown(model) == ["Other", "Magic", "Hi"]
    model.set_scope("")
    qtmodeltester.check(model)
    assert shown(model) == ["Magic", "Hi"]
    model.set_store(SavedMessages())
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_set_store_stops_listening_to_the_old_one() -> None:
    old, new = filled(), SavedMessages()
    model = SavedMessagesModel(old)
    model.set_store(new)
    old.add(SavedMessage("Unseen", SendMode.TEXT, "x"))
    assert model.rowCount() == 0
    new.add(SavedMessage("Seen", SendMode.TEXT, "x"))
    assert shown(model) == ["Seen"]


def test_rows_show_name_shortcut_mode_scope_and_first_line() -> None:
    model = SavedMessagesModel(filled(), ROOM)
    first = model.index(0, 0)
    ctrl1 = QKeySequence("Ctrl+1").toString(QKeySequence.SequenceFormat.NativeText)
    assert model.data(first) == f'Join ({ctrl1})\nJSON · this room · {{"type": "join",…'
    assert model.data(first, Qt.ItemDataRole.AccessibleTextRole) == (
        f'Join ({ctrl1}), JSON · this room · {{"type": "join",…'
    )
    third = model.index(2, 0)
    ctrl3 = QKeySequence("Ctrl+3").toString(QKeySequence.SequenceFormat.NativeText)
    assert model.data(third) == f"Magic ({ctrl3})\nBinary (hex) · all rooms · de ad be ef"
    assert model.data(third, SavedMessagesRoles.ModeRole) == "Binary (hex)"
    assert model.data(third, SavedMessagesRoles.PreviewRole) == "de ad be ef"
    assert model.data(third, SavedMessagesRoles.RoomOnlyRole) is False
    assert model.data(first, SavedMessagesRoles.RoomOnlyRole) is True
    msg = model.data(first, SavedMessagesRoles.MessageRole)
    assert isinstance(msg, SavedMessage)
    assert msg.name == "Join"
    tip = model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith('{"type": "join",\n "room": "lobby"}')
    assert model.data(first, SavedMessagesRoles.ShortcutRole) == QKeySequence("Ctrl+1")


def test_only_the_first_nine_have_a_shortcut() -> None:
    store = SavedMessages()
    for i in range(11):
        store.add(SavedMessage(f"m{i}", SendMode.TEXT, "x"))
    model = SavedMessagesModel(store)
    assert model.data(model.index(8, 0)).startswith("m8 (")
    assert model.data(model.index(9, 0)).startswith("m9\n")
    assert model.data(model.index(9, 0), SavedMessagesRoles.ShortcutRole).isEmpty()
    assert shortcut_for(8) == QKeySequence("Ctrl+9")
    assert shortcut_for(9).isEmpty()
    assert shortcut_for(-1).isEmpty()


def test_no_data_for_invalid_indexes() -> None:
    model = SavedMessagesModel(filled())
    assert model.data(QModelIndex()) is None
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    assert model.row_of("Magic", "") == 1
    assert model.row_of("Join", ROOM) == -1


def test_a_deleted_model_is_not_called_by_the_store() -> None:
    store = filled()
    model = SavedMessagesModel(store)
    assert model.rowCount() == 2
    del model
    gc.collect()
    # The store's weak listener finds no model and does nothing (no error).
    store.add(SavedMessage("After", SendMode.TEXT, "x"))
    assert len(store) == 5
