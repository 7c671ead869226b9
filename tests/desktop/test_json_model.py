"""JsonTreeModel, the Qt adapter over desktop.frames' lazy JSON tree: Qt's
model rules (pytest-qt's model tester) for every shape of JSON, what each
index shows, node() and paths, and that a big array costs one level."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTreeView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from roomcast.desktop.json_model import FETCH_BATCH, Column, JsonTreeModel

DOC = {
    "type": "message",
    "items": [{"name": "a"}, [1, [2, [3]]], None],
    "a b": {"x": True},
    "empty": {},
}

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.mark.parametrize(
    "value",
    [DOC, [1, "two", [3, {"four": 4}], {}], "just a string", 42, 2.5, True, None, {}, []],
    ids=[
        "object",
        "array",
        "string",
        "int",
        "float",
        "bool",
        "null",
        "empty-object",
        "empty-array",
    ],
)
def test_the_model_keeps_qts_rules(qtmodeltester: ModelTester, value: object) -> None:
    model = JsonTreeModel()
    model.set_value(value)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_an_empty_model_keeps_qts_rules(qtmodeltester: ModelTester) -> None:
    model = JsonTreeModel()
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)
    model.set_value(DOC)
    model.clear()
    assert model.rowCount() == 0 and model.root is None
    assert not model.root_index().isValid()
    qtmodeltester.check(model, force_py=True)


def test_the_root_is_the_one_top_row() -> None:
    model = JsonTreeModel()
    model.set_value(DOC)
    assert model.rowCount() == 1
    root = model.root_index()
    assert root == model.index(0, Column.KEY)
    assert model.data(root, DISPLAY) == "$"
    assert model.data(root.siblingAtColumn(Column.VALUE), DISPLAY) == "{4 keys}"
    assert model.rowCount(root) == 4


def test_keys_values_and_tooltips() -> None:
    model = JsonTreeModel()
    model.set_value(DOC)
    root = model.root_index()
    keys = [model.data(model.index(r, Column.KEY, root), DISPLAY) for r in range(4)]
    values = [model.data(model.index(r, Column.VALUE, root), DISPLAY) for r in range(4)]
    assert keys == ["type", "items", "a b", "empty"]
    assert values == ['"message"', "[3 items]", "{1 key}", "{}"]
    items = model.index(1, Column.KEY, root)
    name = model.index(0, Column.KEY, model.index(0, Column.KEY, items))
    assert model.data(name, DISPLAY) == "name"
    # The path is the tooltip of both columns.
    assert model.data(name, TOOLTIP) == "$.items[0].name"
    assert model.data(name.siblingAtColumn(Column.VALUE), TOOLTIP) == "$.items[0].name"
    assert model.data(model.index(2, Column.KEY, root), TOOLTIP) == '$["a b"]'


def test_headers() -> None:
    model = JsonTreeModel()
    assert model.headerData(Column.KEY, Qt.Orientation.Horizontal) == "Key"
    assert model.headerData(Column.VALUE, Qt.Orientation.Horizontal) == "Value"
    assert model.columnCount() == 2


def test_node_and_parent() -> None:
    model = JsonTreeModel()
    model.set_value(DOC)
    assert model.node(QModelIndex()) is None
    root = model.root_index()
    deep = model.index(1, 0, model.index(1, 0, model.index(1, 0, model.index(1, 0, root))))
    node = model.node(deep)
    assert node is not None
    assert (node.path, node.value) == ("$.items[1][1][1]", [3])
    # The value column's index is the same node.
    assert model.node(deep.siblingAtColumn(Column.VALUE)) is node
    # parent() walks back up to the root row, whose parent is the invisible root.
    up = deep
    path = []
    while up.isValid():
        path.append(model.data(up, DISPLAY))
        up = model.parent(up)
    assert path == ["[1]", "[1]", "[1]", "items", "$"]


def test_a_scalar_has_no_children() -> None:
    model = JsonTreeModel()
    model.set_value("text")
    root = model.root_index()
    assert model.rowCount(root) == 0 and not model.hasChildren(root)
    assert model.data(root.siblingAtColumn(Column.VALUE), DISPLAY) == '"text"'
    assert not model.index(0, 0, root).isValid()


def test_set_value_resets() -> None:
    model = JsonTreeModel()
    model.set_value([1, 2, 3])
    resets: list[str] = []
    model.modelReset.connect(lambda: resets.append("reset"))
    model.set_value({"a": 1})
    assert resets == ["reset"]
    assert model.data(model.root_index().siblingAtColumn(Column.VALUE), DISPLAY) == "{1 key}"


def test_a_big_array_builds_one_level_when_expanded(qtbot: QtBot) -> None:
    model = JsonTreeModel()
    model.set_value([{"i": i, "more": [i] * 3} for i in range(100_000)])
    root_node = model.root
    assert root_node is not None
    view = QTreeView()
    qtbot.addWidget(view)
    view.setUniformRowHeights(True)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    root = model.root_index()
    assert model.hasChildren(root)
    assert root_node._children is None  # nothing below the root built yet
    # The first batch is there at once; the view lays out no more than a few.
    assert model.rowCount(root) == FETCH_BATCH
    view.expand(root)
    assert view.isExpanded(root)
    assert FETCH_BATCH <= model.rowCount(root) < 100_000
    assert model.canFetchMore(root)
    # Grandchildren are not built: expanding the root built one level.
    children = root_node.children
    assert len(children) == 100_000
    assert all(c._children is None for c in children)


def test_fetch_more_brings_the_rest_a_batch_at_a_time(qtmodeltester: ModelTester) -> None:
    model = JsonTreeModel()
    model.set_value(list(range(2 * FETCH_BATCH + 5)))
    root = model.root_index()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    assert model.rowCount(root) == FETCH_BATCH
    assert not model.index(FETCH_BATCH, 0, root).isValid()
    while model.canFetchMore(root):
        model.fetchMore(root)
    assert inserted == [(FETCH_BATCH, 2 * FETCH_BATCH - 1), (2 * FETCH_BATCH, 2 * FETCH_BATCH + 4)]
    assert model.rowCount(root) == 2 * FETCH_BATCH + 5
    last = model.index(2 * FETCH_BATCH + 4, Column.VALUE, root)
    assert model.data(last, DISPLAY) == str(2 * FETCH_BATCH + 4)
    assert model.data(last, TOOLTIP) == f"$[{2 * FETCH_BATCH + 4}]"
    # Fetching past the end changes nothing; a new value starts from one batch again.
    model.fetchMore(root)
    assert len(inserted) == 2
    model.set_value(list(range(2 * FETCH_BATCH)))
    assert model.rowCount(model.root_index()) == FETCH_BATCH
    qtmodeltester.check(model, force_py=True)
