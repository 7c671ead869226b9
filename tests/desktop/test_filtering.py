"""Filtering: RowFilter (plain Python), MessageFilterModel (Qt's model rules, at
100,000 rows too), and MessageView showing the filter. The FilterBar's own tests
are in tests/desktop/widgets/test_filter_bar.py."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
)
from PySide6.QtGui import QAccessible, QGuiApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import roomcast.desktop.filtering as filtering_module
from roomcast.desktop.filtering import (
    ALL_KINDS,
    BOTH_DIRECTIONS,
    MessageFilterModel,
    RowFilter,
    _Fold,
)
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.row_roles import Roles
from roomcast.desktop.rows import Direction, Row, RowKind, SendState, binary_summary, pretty_json
from roomcast.desktop.timeline import Timeline
from roomcast.desktop.widgets.message_view import SYNC_REWRAP_ROWS, MessageView

MORNING = datetime(2026, 11, 23, 9, 0).astimezone()
WORDS = [
    *("hello", "world", "deploy", "coffee", "merge", "review"),
    *("lunch", "HELLO", "Café", "naïve", "tests", "pass"),
]
BAD_REGEX = "invalid regular expression: missing ), unterminated subpattern at position 0"


def chat(seq: int | None, text: str = "hello", author: str = "bob", **fields: object) -> Row:
    fields.setdefault("time", MORNING + timedelta(seconds=seq or 0))
    return Row(kind=RowKind.CHAT, text=text, author=author, seq=seq, **fields)  # type: ignore[arg-type]


def mixed(count: int, seed: int = 3, first_seq: int = 1) -> list[Row]:
    """Rows of every kind and both directions, a minute apart, several authors."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for i in range(count):
        when = MORNING + timedelta(minutes=i)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
        roll = rng.random()
        direction = Direction.OUT if rng.random() < 0.3 else Direction.IN
        if roll < 0.6:
            author = rng.choice(["ann", "bob", "Carol", "hellen"])
            rows.append(chat(first_seq + i, text, author, time=when, direction=direction))
        elif roll < 0.7:
            rows.append(Row(kind=RowKind.SYSTEM, text=f"{text} joined", time=when))
        elif roll < 0.8:
            rows.append(
                Row(
                    kind=RowKind.JSON, text=pretty_json({"t": text}), time=when, direction=direction
                )
            )
        elif roll < 0.9:
            rows.append(Row(kind=RowKind.TEXT, text=text, time=when, direction=direction))
        else:
            data = text.encode()
            rows.append(Row(kind=RowKind.BINARY, text=binary_summary(data), time=when, raw=data))
    return rows


def filled(rows: list[Row]) -> tuple[MessageListModel, MessageFilterModel]:
    model = MessageListModel()
    model.timeline.extend(rows)
    model.flush()
    return model, MessageFilterModel(model)


def shown(proxy: MessageFilterModel) -> list[Row]:
    return [proxy.index(r, 0).data(Roles.RowRole) for r in range(proxy.rowCount())]


def expected(rows: list[Row], f: RowFilter) -> list[Row]:
    return [row for row in rows if f.matches(row)]


# -- RowFilter -------------------------------------------------------------------


def test_the_default_filter_shows_everything() -> None:
    f = RowFilter()
    assert not f.active
    assert f.kinds == ALL_KINDS and f.directions == BOTH_DIRECTIONS
    assert f.predicate() is None
    assert f.compile() is None
    assert all(f.matches(row) for row in mixed(50))


def test_text_is_found_in_the_text_or_the_author_ignoring_case() -> None:
    f = RowFilter(text="HeLLo")
    assert f.active
    assert f.matches(chat(1, "say hello there"))
    assert f.matches(chat(1, "SAY HELLO"))
    assert f.matches(chat(1, "nothing", author="Othello"))
    assert not f.matches(chat(1, "help low"))
    assert not f.matches(Row(kind=RowKind.SYSTEM, text="bye"))  # no author at all
    assert RowFilter(text="café").matches(chat(1, "CAFÉ au lait"))
    # Plain text is literal: regex characters are just characters.
    assert RowFilter(text="a.c(").matches(chat(1, "x a.c( y"))
    assert not RowFilter(text="a.c").matches(chat(1, "abc"))


def test_regular_expressions_ignore_case_and_search_authors_too() -> None:
    f = RowFilter(text=r"^h.l+o\b", regex=True)
    assert f.matches(chat(1, "Hello world"))
    assert f.matches(chat(1, "HALLO"))
    assert not f.matches(chat(1, "say hello"))
    assert f.matches(chat(1, "x", author="Hallo-bot"))
    pattern = f.compile()
    assert pattern is not None and pattern.pattern == r"^h.l+o\b"


def test_kinds_and_directions() -> None:
    json_only = RowFilter(kinds=frozenset({RowKind.JSON}))
    sent = RowFilter(directions=frozenset({Direction.OUT}))
    out_json = Row(kind=RowKind.JSON, text="{}", direction=Direction.OUT)
    in_chat = chat(1)
    assert json_only.active and sent.active
    assert json_only.matches(out_json) and not json_only.matches(in_chat)
    assert sent.matches(out_json) and not sent.matches(in_chat)
    both = RowFilter(text="hello", kinds=frozenset({RowKind.CHAT}), directions=frozenset(Direction))
    assert both.matches(in_chat)
    assert not both.matches(Row(kind=RowKind.TEXT, text="hello"))
    assert not RowFilter(kinds=frozenset()).matches(in_chat)  # every kind unticked


def test_an_invalid_regex_is_a_clear_value_error() -> None:
    bad = RowFilter(text="(", regex=True)
    with pytest.raises(ValueError, match=r"^invalid regular expression: ") as caught:
        bad.compile()
    assert str(caught.value) == BAD_REGEX
    with pytest.raises(ValueError, match="unterminated subpattern") as again:
        bad.matches(chat(1))
    assert str(again.value) == BAD_REGEX
    assert RowFilter(text="(").matches(chat(1, "smile (")) is True  # plain: fine


def test_filters_are_values() -> None:
    a = RowFilter(text="x", kinds={RowKind.CHAT})  # type: ignore[arg-type]
    b = RowFilter(text="x", kinds=frozenset({RowKind.CHAT}))
    assert a == b and hash(a) == hash(b)
    assert isinstance(a.kinds, frozenset)
    with pytest.raises(AttributeError):
        a.text = "y"  # type: ignore[misc]


def test_narrows() -> None:
    assert RowFilter(text="hel").narrows(RowFilter(text="he"))
    assert RowFilter(text="HEL").narrows(RowFilter(text="he"))
    assert RowFilter(text="say he").narrows(RowFilter(text="he"))
    assert RowFilter(text="he").narrows(RowFilter())
    assert not RowFilter(text="he").narrows(RowFilter(text="hel"))
    assert not RowFilter(text="hex").narrows(RowFilter(text="hel"))
    assert not RowFilter(text="hel", regex=True).narrows(RowFilter(text="he"))
    assert RowFilter(text="h.", regex=True).narrows(RowFilter(text="h.", regex=True))
    chat_only = frozenset({RowKind.CHAT})
    assert RowFilter(kinds=chat_only).narrows(RowFilter())
    assert not RowFilter().narrows(RowFilter(kinds=chat_only))
    assert not RowFilter(text="he").narrows(RowFilter(text="he", kinds=chat_only))


# -- the proxy -------------------------------------------------------------------


def test_the_proxy_passes_the_model_tester_through_every_state(
    qtmodeltester: ModelTester,
) -> None:
    model = MessageListModel()
    proxy = MessageFilterModel(model)
    qtmodeltester.check(proxy, force_py=True)  # stays connected: checks every signal
    model.timeline.extend(mixed(40))
    model.flush()
    proxy.set_filter(RowFilter(text="hello"))
    proxy.set_filter(RowFilter(text="hello w"))
    model.timeline.extend(mixed(20, seed=9, first_seq=100))  # some pass, some not
    model.flush()
    model.timeline.append(chat(None, "hello, mine", author="me", id="m1", mine=True))
    model.flush()
    model.timeline.prepend_history(mixed(10, seed=5, first_seq=-50))
    proxy.set_filter(RowFilter(kinds=frozenset({RowKind.JSON, RowKind.CHAT})))
    model.timeline.set_state("m1", SendState.FAILED)
    proxy.set_filter(RowFilter(text="nothing matches this"))
    proxy.set_filter(RowFilter())
    model.timeline.clear()
    model.timeline.extend(mixed(5))
    model.flush()
    qtmodeltester.check(proxy)  # and Qt's own tester, in the final state


def test_the_proxy_at_100k_rows(qtmodeltester: ModelTester) -> None:
    rows = mixed(100_000, seed=1)
    _model, proxy = filled(rows)
    assert proxy.rowCount() == 100_000
    cases = [
        RowFilter(text="hello"),
        RowFilter(text="hello w"),
        RowFilter(text="CAFÉ"),
        RowFilter(text="carol"),  # an author only
        RowFilter(text=r"^(hello|coffee)\b", regex=True),
        RowFilter(kinds=frozenset({RowKind.JSON})),
        RowFilter(kinds=frozenset({RowKind.SYSTEM, RowKind.BINARY})),
        RowFilter(directions=frozenset({Direction.OUT})),
        RowFilter(text="merge", kinds=frozenset({RowKind.CHAT}), directions={Direction.IN}),  # type: ignore[arg-type]
    ]
    counts = {}
    for f in cases:
        proxy.set_filter(f)
        proxy.finish_scan()  # over SYNC_SCAN_ROWS: in slices
        counts[f] = sum(1 for row in rows if f.matches(row))
        assert proxy.rowCount() == counts[f], f
        assert 0 < counts[f] < 100_000, f
    # The same answers from the lowercased texts (built in the background at
    # first; here at once) as from the predicate.
    proxy.set_filter(RowFilter())
    proxy.finish_scan()  # over SYNC_SCAN_ROWS: in slices
    proxy.prepare_search()
    assert proxy.search_prepared
    for f in cases:
        proxy.set_filter(f)
        proxy.finish_scan()  # over SYNC_SCAN_ROWS: in slices
        assert proxy.rowCount() == counts[f], f
    proxy.set_filter(RowFilter(text="hello"))
    proxy.finish_scan()  # over SYNC_SCAN_ROWS: in slices
    assert list(proxy.rows) == expected(rows, RowFilter(text="hello"))
    proxy.set_filter(RowFilter())
    proxy.finish_scan()  # over SYNC_SCAN_ROWS: in slices
    assert proxy.rowCount() == 100_000
    proxy.set_filter(RowFilter(kinds=frozenset({RowKind.BINARY})))
    proxy.finish_scan()  # over SYNC_SCAN_ROWS: in slices
    qtmodeltester.check(proxy)


def test_typing_narrows_and_backspacing_widens_exactly() -> None:
    rows = mixed(3_000, seed=8)
    _model, proxy = filled(rows)
    for prepared in (False, True):
        if prepared:
            proxy.prepare_search()
        for text in ["h", "he", "hel", "hell", "hello", "hello ", "hello w", "hello", "h", ""]:
            f = RowFilter(text=text)
            proxy.set_filter(f)
            assert list(proxy.rows) == expected(rows, f), (prepared, text)


def test_the_mapping_both_ways_and_the_roles_pass_through() -> None:
    rows = mixed(60)
    model, proxy = filled(rows)
    f = RowFilter(text="coffee")
    proxy.set_filter(f)
    assert proxy.active and proxy.row_filter == f
    wanted = expected(rows, f)
    assert len(proxy.rows) == len(wanted) > 2
    for r, row in enumerate(wanted):
        index = proxy.index(r, 0)
        source = proxy.mapToSource(index)
        assert source.model() is model and model.rows[source.row()] is row
        assert proxy.mapFromSource(source) == index
        assert proxy.source_row(r) == source.row()
        for role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.AccessibleDescriptionRole,
            Roles.RowRole,
            Roles.KindRole,
            Roles.RawRole,
        ):
            assert index.data(role) == source.data(role), role
    hidden = next(i for i, row in enumerate(rows) if row not in wanted)
    assert not proxy.mapFromSource(model.index(hidden, 0)).isValid()
    assert not proxy.index(len(wanted), 0).isValid()
    assert proxy.roleNames() == model.roleNames()
    assert proxy.rows[0:2] == tuple(wanted[0:2])


def test_an_invalid_regex_changes_nothing() -> None:
    _model, proxy = filled(mixed(30))
    proxy.set_filter(RowFilter(text="hello"))
    before = list(proxy.rows)
    with pytest.raises(ValueError, match="invalid regular expression"):
        proxy.set_filter(RowFilter(text="(", regex=True))
    assert proxy.row_filter == RowFilter(text="hello")
    assert list(proxy.rows) == before


def test_rows_that_arrive_while_filtered_appear_only_if_they_pass() -> None:
    model, proxy = filled([chat(1, "hello"), chat(2, "bye")])
    proxy.set_filter(RowFilter(text="hello"))
    inserts: list[tuple[int, int]] = []
    proxy.rowsInserted.connect(lambda parent, first, last: inserts.append((first, last)))
    model.timeline.extend([chat(3, "bye again"), chat(4, "hello again"), chat(5, "hello 3")])
    model.flush()
    assert [row.seq for row in proxy.rows] == [1, 4, 5]
    assert inserts == [(1, 2)]  # one insert: the ones that pass
    model.timeline.extend([chat(6, "nope")])
    model.flush()
    assert inserts == [(1, 2)]  # none passed: nothing announced
    # Older history on top shifts the source rows under the mapping.
    model.timeline.prepend_history([chat(-2, "hello old"), chat(-1, "old")])
    assert [row.seq for row in proxy.rows] == [-2, 1, 4, 5]
    assert [proxy.source_row(r) for r in range(4)] == [0, 2, 5, 6]
    assert inserts == [(1, 2), (0, 0)]


def test_a_row_that_changes_can_appear_or_disappear() -> None:
    rows = [chat(1, "hello"), chat(2, "bye"), chat(3, "hello")]
    model, proxy = filled(rows)
    proxy.set_filter(RowFilter(text="hello"))
    proxy.prepare_search()
    changes: list[tuple[int, int]] = []
    proxy.dataChanged.connect(lambda a, b, roles=None: changes.append((a.row(), b.row())))
    rows[1].text = "hello now"  # (the model never edits text; a source could)
    model.dataChanged.emit(model.index(1, 0), model.index(1, 0), [])
    assert [row.seq for row in proxy.rows] == [1, 2, 3]
    assert changes == [(1, 1)]
    rows[0].text = "bye"
    model.dataChanged.emit(model.index(0, 0), model.index(0, 0), [])
    assert [row.seq for row in proxy.rows] == [2, 3]
    proxy.set_filter(RowFilter(text="hello n"))
    assert [row.seq for row in proxy.rows] == [2]  # the folded texts kept up


def test_persistent_indexes_follow_the_filter() -> None:
    rows = mixed(50)
    _model, proxy = filled(rows)
    target = next(r for r, row in enumerate(rows) if "coffee" in row.text.lower())
    other = next(r for r, row in enumerate(rows) if "coffee" not in row.text.lower())
    keep = QPersistentModelIndex(proxy.index(target, 0))
    lose = QPersistentModelIndex(proxy.index(other, 0))
    proxy.set_filter(RowFilter(text="coffee"))
    assert keep.isValid() and keep.data(Roles.RowRole) is rows[target]
    assert not lose.isValid()
    proxy.set_filter(RowFilter())
    assert keep.row() == target


def test_the_source_can_change_and_go() -> None:
    first, proxy = filled([chat(1, "a"), chat(2, "b")])
    second = MessageListModel()
    second.timeline.extend([chat(7, "c")])
    second.flush()
    resets: list[bool] = []
    proxy.modelReset.connect(lambda: resets.append(True))
    proxy.setSourceModel(second)
    assert [row.seq for row in proxy.rows] == [7]
    first.timeline.extend([chat(3, "d")])
    first.flush()  # no longer followed
    assert proxy.rowCount() == 1
    proxy.setSourceModel(None)
    assert proxy.rowCount() == 0
    assert resets == [True, True]
    with pytest.raises(TypeError):
        proxy.setSourceModel(QStringListModel(["a"]))


def test_the_folded_texts_are_built_in_slices_and_released(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filtering_module, "FOLD_RELEASE_MS", 50)
    rows = mixed(20_000, seed=4)
    model, proxy = filled(rows)
    proxy.set_filter(RowFilter(text="hel"))
    assert not proxy.search_prepared  # the first keystroke does not wait for it
    qtbot.waitUntil(lambda: proxy.search_prepared)
    model.timeline.extend(mixed(10, seed=6, first_seq=50_000))
    model.flush()
    assert proxy.search_prepared  # kept in step
    proxy.set_filter(RowFilter(text="hell"))
    assert list(proxy.rows) == expected(model.row_list(), RowFilter(text="hell"))
    proxy.set_filter(RowFilter())
    qtbot.waitUntil(lambda: not proxy.search_prepared)  # released when unused


def test_a_partial_fold_stays_aligned() -> None:
    rows = [chat(i, f"Text {i}") for i in range(10)]
    fold = _Fold()
    fold.step(rows, 0)  # one chunk (all ten) at least
    assert fold.texts == [f"text {i}" for i in range(10)] and fold.complete(rows)
    fold.texts = fold.texts[:4]  # as if four were done
    rows[2:2] = [chat(99, "NEW")]
    fold.inserted(rows, 2, 2)
    rows[8:8] = [chat(98, "LATER")]
    fold.inserted(rows, 8, 8)  # beyond what is done: left for later
    assert fold.texts == ["text 0", "text 1", "new", "text 2", "text 3"]
    del rows[0]
    fold.removed(0, 0)
    rows[1].text = "CHANGED"
    fold.changed(rows, 1, 1)
    fold.step(rows, 1.0)
    assert fold.texts == [row.text.lower() for row in rows]


# -- the view showing the proxy ------------------------------------------------------


@pytest.fixture
def filtered(qtbot: QtBot) -> Iterator[tuple[MessageView, MessageFilterModel, MessageListModel]]:
    model = MessageListModel()
    proxy = MessageFilterModel(model)
    view = MessageView(proxy)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    yield view, proxy, model
    model.flush()


def geometry(view: MessageView) -> list[tuple[int, int]]:
    model = view.model()
    return [
        (rect.top() + view.verticalScrollBar().value(), rect.height())
        for r in range(model.rowCount())
        if (rect := view.visualRect(model.index(r, 0))) is not None
    ]


def fresh_view(
    qtbot: QtBot, model: MessageListModel, f: RowFilter, width: int = 600
) -> MessageView:
    proxy = MessageFilterModel(model)
    proxy.set_filter(f)
    view = MessageView(proxy)
    qtbot.addWidget(view)
    view.resize(width, 400)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: not view.rewrapping)  # a long list re-wraps in slices
    return view


def test_filtering_and_clearing_keep_heights_and_tops_right(
    qtbot: QtBot, filtered: tuple[MessageView, MessageFilterModel, MessageListModel]
) -> None:
    view, proxy, model = filtered
    rows = mixed(400, seed=12)
    # Runs by one author a few seconds apart, so filtering breaks groups up.
    rows += [chat(1000 + i, f"run {i} hello" if i % 3 else f"run {i}") for i in range(30)]
    model.timeline.extend(rows)
    model.flush()
    unfiltered = geometry(view)
    for f in [
        RowFilter(text="hello"),
        RowFilter(text="hello w"),
        RowFilter(kinds=frozenset({RowKind.CHAT})),
        RowFilter(text="run", regex=True),
        RowFilter(directions=frozenset({Direction.OUT})),
    ]:
        proxy.set_filter(f)
        assert geometry(view) == geometry(fresh_view(qtbot, model, f)), f
        total = sum(height for _, height in geometry(view))
        assert view.verticalScrollBar().maximum() == max(0, total - view.viewport().height())
    proxy.set_filter(RowFilter())
    assert geometry(view) == unfiltered


def test_row_at_copy_and_retry_go_through_the_filter(
    qtbot: QtBot, filtered: tuple[MessageView, MessageFilterModel, MessageListModel]
) -> None:
    view, proxy, model = filtered
    failed = chat(None, "again, hello", author="me", id="m7", mine=True, state=SendState.FAILED)
    rows = [chat(1, "bye"), chat(2, "hello <b>", raw='{"x":1}'), chat(3, "bye"), failed]
    model.timeline.extend(rows)
    model.flush()
    proxy.set_filter(RowFilter(text="hello"))
    assert proxy.rowCount() == 2
    assert view.row_at(proxy.index(0, 0)) is rows[1]
    assert view.row_at(proxy.index(1, 0)) is failed
    assert view.row_at(model.index(2, 0)) is rows[2]  # an index of the base model
    assert view.row_at(view.indexAt(QPoint(20, view.visualRect(proxy.index(1, 0)).center().y())))
    view.copy_text(proxy.index(0, 0))
    assert QGuiApplication.clipboard().text() == "hello <b>"
    view.copy_raw(proxy.index(0, 0))
    assert QGuiApplication.clipboard().text() == '{"x":1}'
    labels = [a.text() for a in view.context_menu(proxy.index(1, 0)).actions() if a.text()]
    assert labels == ["Copy text", "Retry"]
    with qtbot.waitSignal(view.retryRequested) as signal:
        view.retry(proxy.index(1, 0))
    assert signal.args == ["m7"]


def test_new_rows_while_filtered_are_followed_or_counted_only_if_they_pass(
    filtered: tuple[MessageView, MessageFilterModel, MessageListModel],
) -> None:
    view, proxy, model = filtered
    model.timeline.extend([chat(seq, f"hello {seq}", author=f"u{seq % 2}") for seq in range(1, 80)])
    model.flush()
    proxy.set_filter(RowFilter(text="hello"))
    assert view.is_at_bottom()
    model.timeline.extend([chat(100, "nope"), chat(101, "hello again")])
    model.flush()
    assert proxy.rowCount() == 80
    assert view.is_at_bottom() and view.new_messages_button.isHidden()
    last = proxy.index(79, 0)
    assert view.row_at(last).seq == 101  # type: ignore[union-attr]
    assert view.viewport().rect().contains(view.visualRect(last))
    view.verticalScrollBar().setValue(0)
    model.timeline.extend(
        [chat(102, "nope"), chat(103, "hello"), chat(104, "no"), chat(105, "hello!")]
    )
    model.flush()
    assert view.verticalScrollBar().value() == 0
    assert view.new_messages_button.text() == "2 new messages ↓"  # the two that pass
    view.scroll_to_bottom()
    assert view.new_messages_button.isHidden()


def test_a_filter_change_keeps_the_first_visible_row_in_place(
    filtered: tuple[MessageView, MessageFilterModel, MessageListModel],
) -> None:
    view, proxy, model = filtered
    rows = [chat(seq, "hello" if seq % 2 else "bye", author=f"u{seq % 3}") for seq in range(200)]
    model.timeline.extend(rows)
    model.flush()
    proxy.set_filter(RowFilter(text="hello"))
    target = proxy.index(40, 0)
    view.scrollTo(target, view.ScrollHint.PositionAtTop)
    row = view.row_at(target)
    proxy.set_filter(RowFilter())  # cleared: the same row stays on top
    top = view.indexAt(QPoint(5, 0))
    assert view.row_at(top) is row
    assert view.visualRect(top).top() == 0
    proxy.set_filter(RowFilter(text="bye"))  # hidden now: the next shown row takes its place
    assert view.row_at(view.indexAt(QPoint(5, 0))) is model.rows[model.rows.index(row) + 1]
    view.scroll_to_bottom()
    proxy.set_filter(RowFilter(text="hello"))  # following the bottom: still following
    assert view.is_at_bottom()


def test_the_selection_survives_a_filter_that_keeps_its_row(
    filtered: tuple[MessageView, MessageFilterModel, MessageListModel],
) -> None:
    view, proxy, model = filtered
    json_text = pretty_json({f"k{i}": i for i in range(10)})
    model.timeline.extend(
        [chat(1, "hello"), Row(kind=RowKind.JSON, text=json_text), chat(2, "bye")]
    )
    model.flush()
    index = proxy.index(1, 0)
    collapsed = view.visualRect(index).height()
    view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    expanded = view.visualRect(index).height()
    assert expanded > collapsed
    proxy.set_filter(RowFilter(kinds=frozenset({RowKind.JSON})))
    selected = view.selectionModel().selectedRows()
    assert [i.row() for i in selected] == [0]
    assert view.visualRect(proxy.index(0, 0)).height() > collapsed  # still expanded
    proxy.set_filter(RowFilter(kinds=frozenset({RowKind.CHAT})))
    assert view.selectionModel().selectedRows() == []


def test_history_prepended_while_filtered_keeps_the_view_in_place(
    filtered: tuple[MessageView, MessageFilterModel, MessageListModel],
) -> None:
    view, proxy, model = filtered
    model.timeline.extend(
        [chat(seq, f"hello {seq}", author=f"u{seq % 2}") for seq in range(100, 160)]
    )
    model.flush()
    proxy.set_filter(RowFilter(text="hello 1"))
    view.verticalScrollBar().setValue(0)
    top = view.row_at(proxy.index(0, 0))
    point = QPoint(20, view.visualRect(proxy.index(0, 0)).bottom() - 3)
    older = [chat(seq, f"hello {seq}", author=f"u{seq % 2}") for seq in range(10, 30)]
    assert model.timeline.prepend_history(older) == 20
    assert proxy.rowCount() == 60 + 10  # hello 10..19 pass "hello 1"
    assert view.row_at(view.indexAt(point)) is top


def test_screen_readers_hear_the_filtered_rows(
    filtered: tuple[MessageView, MessageFilterModel, MessageListModel],
) -> None:
    view, proxy, model = filtered
    model.timeline.extend(
        [
            chat(1, "hello", author="ann"),
            Row(kind=RowKind.SYSTEM, text="ann joined", time=MORNING),
            chat(2, "bye", author="ann", direction=Direction.OUT, state=SendState.SENT),
        ]
    )
    model.flush()
    proxy.set_filter(RowFilter(text="ann"))  # both chat rows (author), the notice (text)
    proxy.set_filter(RowFilter(kinds=frozenset({RowKind.CHAT})))
    iface = QAccessible.queryAccessibleInterface(view)
    assert iface is not None
    assert iface.text(QAccessible.Text.Name) == "Messages"
    assert iface.text(QAccessible.Text.Description).startswith("The conversation")
    items = [
        child
        for i in range(iface.childCount())
        if (child := iface.child(i)) is not None and child.role() == QAccessible.Role.ListItem
    ]
    hhmm = MORNING.strftime("%H:%M")  # the rows are a second or two after it
    assert [item.text(QAccessible.Text.Name) for item in items] == [
        f"ann, {hhmm}: hello",
        f"ann, {hhmm}: bye",
    ]
    assert [item.text(QAccessible.Text.Description) for item in items] == [
        "chat message, received",
        "chat message, sent, delivered",
    ]


def test_the_view_accepts_a_filter_and_nothing_else(qtbot: QtBot) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    with pytest.raises(TypeError):
        view.setModel(QStringListModel(["a"]))
    with pytest.raises(TypeError):
        view.setModel(QSortFilterProxyModel())
    model = MessageListModel()
    model.timeline.extend([chat(1)])
    model.flush()
    proxy = MessageFilterModel(model)
    view.setModel(proxy)
    assert view.base_model is model
    view.setModel(model)
    assert view.base_model is model and view.model() is model
    view.setModel(None)
    assert view.base_model is None


def test_a_filter_whose_source_changes_rebinds_the_view(
    filtered: tuple[MessageView, MessageFilterModel, MessageListModel],
) -> None:
    view, proxy, model = filtered
    model.timeline.extend([chat(1, "one")])
    model.flush()
    other = MessageListModel()
    other.timeline.extend([chat(seq, f"other {seq}") for seq in range(1, 4)])
    other.flush()
    proxy.setSourceModel(other)
    assert view.base_model is other
    assert view.row_at(proxy.index(2, 0)) is other.rows[2]
    other.timeline.extend([chat(9, "more")])
    other.flush()
    assert view.row_at(proxy.index(3, 0)).text == "more"  # type: ignore[union-attr]
    assert view.visualRect(proxy.index(3, 0)).height() > 0


def test_a_resize_while_filtered_rewraps_the_hidden_rows_too(
    qtbot: QtBot, filtered: tuple[MessageView, MessageFilterModel, MessageListModel]
) -> None:
    view, proxy, model = filtered
    long_text = "words that wrap differently at different widths " * 3
    rows = [
        chat(seq, long_text if seq % 2 else f"short {seq}", author=f"u{seq % 3}")
        for seq in range(SYNC_REWRAP_ROWS + 600)
    ]
    model.timeline.extend(rows)
    model.flush()
    proxy.set_filter(RowFilter(text="short"))
    view.resize(320, 400)
    qtbot.waitUntil(lambda: view.viewport().width() < 320 and not view.rewrapping)
    assert geometry(view) == geometry(fresh_view(qtbot, model, RowFilter(text="short"), 320))
    proxy.set_filter(RowFilter())  # the long rows were hidden during the re-wrap
    assert geometry(view) == geometry(fresh_view(qtbot, model, RowFilter(), 320))


def test_clearing_the_rows_while_filtered(
    filtered: tuple[MessageView, MessageFilterModel, MessageListModel],
) -> None:
    view, proxy, model = filtered
    model.timeline.extend([chat(seq, "hello" if seq % 2 else "bye") for seq in range(50)])
    model.flush()
    proxy.set_filter(RowFilter(text="hello"))
    model.timeline.clear()
    assert proxy.rowCount() == 0 and view.verticalScrollBar().maximum() == 0
    assert not view.indexAt(QPoint(5, 5)).isValid()
    model.timeline.extend([chat(1, "bye"), chat(2, "hello there")])
    model.flush()
    assert proxy.rowCount() == 1
    assert view.row_at(view.indexAt(QPoint(5, 5))) is model.rows[1]


def test_rows_the_source_removes_leave_the_filter_and_view_in_step(
    qtbot: QtBot, filtered: tuple[MessageView, MessageFilterModel, MessageListModel]
) -> None:
    # A MessageListModel never removes single rows; any source may: a model
    # that does, via the same signals.
    view, proxy, model = filtered
    model.timeline.extend(
        [chat(seq, "hello" if seq % 2 else "bye", author=f"u{seq}") for seq in range(20)]
    )
    model.flush()
    proxy.set_filter(RowFilter(text="hello"))
    proxy.prepare_search()
    rows = model.row_list()
    model.beginRemoveRows(QModelIndex(), 3, 6)  # seqs 3..6: two of them shown
    del rows[3:7]
    model.endRemoveRows()
    assert [row.seq for row in proxy.rows] == [1, 7, 9, 11, 13, 15, 17, 19]
    assert geometry(view) == geometry(fresh_view(qtbot, model, RowFilter(text="hello")))
    proxy.set_filter(RowFilter(text="hello"))  # unchanged filter: nothing to do
    proxy.set_filter(RowFilter())
    assert geometry(view) == geometry(fresh_view(qtbot, model, RowFilter()))


# -- filter changes in slices (issue 20: a million rows) ---------------------------------


def sliced(rows: list[Row], limit: int = 500) -> tuple[MessageListModel, MessageFilterModel]:
    """A proxy that applies filter changes over ``limit`` rows in slices."""
    model = MessageListModel()
    model.timeline.extend(rows)
    model.flush()
    return model, MessageFilterModel(model, sync_scan_rows=limit)


def test_a_filter_change_over_many_rows_is_applied_in_slices_from_the_event_loop(
    qtbot: QtBot,
) -> None:
    rows = mixed(5_000, seed=21)
    _model, proxy = sliced(rows)
    applied: list[RowFilter] = []
    proxy.filterChanged.connect(applied.append)
    f = RowFilter(text="hello")
    proxy.set_filter(f)
    # Nothing tested yet: the rows shown are the previous filter's (all).
    assert proxy.scanning and proxy.rowCount() == 5_000
    assert proxy.row_filter == RowFilter() and proxy.pending_filter == f
    proxy._scan_step(0)  # one slice: some rows tested, still nothing shown
    assert proxy.scanning and proxy.rowCount() == 5_000 and applied == []
    qtbot.waitUntil(lambda: not proxy.scanning)
    assert shown(proxy) == expected(rows, f)
    assert applied == [f] and proxy.row_filter == f


def test_typing_on_during_a_scan_narrows_it_and_the_last_filter_wins(qtbot: QtBot) -> None:
    rows = mixed(5_000, seed=22)
    _model, proxy = sliced(rows)
    for text in ["h", "he", "hel", "hello", "hello w"]:
        proxy.set_filter(RowFilter(text=text))
        proxy._scan_step(0)
    proxy.set_filter(RowFilter(text=r"hel+o\s", regex=True))  # not narrower: over again
    proxy._scan_step(0)
    proxy.set_filter(RowFilter(text="coffee"))
    qtbot.waitUntil(lambda: not proxy.scanning)
    assert shown(proxy) == expected(rows, RowFilter(text="coffee"))


def test_rows_that_arrive_or_change_during_a_scan_are_filtered_by_it(qtbot: QtBot) -> None:
    rows = mixed(5_000, seed=23)
    model, proxy = sliced(rows)
    f = RowFilter(text="hello")
    ours = chat(None, "hello from us", author="me", id="m1", mine=True, state=SendState.PENDING)
    proxy.set_filter(f)
    proxy._scan_step(0)
    # Arriving meanwhile: shown by the old filter (everything) until the scan ends.
    more = mixed(300, seed=24, first_seq=5_001)
    model.timeline.extend([*more, ours])
    model.flush()
    assert proxy.rowCount() == 5_301
    # Changed in place meanwhile (acknowledged: a seq and the server's frame).
    model.timeline.set_state("m1", SendState.SENT, 6_000)
    proxy.finish_scan()
    assert not proxy.scanning
    assert shown(proxy) == expected([*rows, *more, ours], f)
    assert ours in shown(proxy)


def test_a_scan_starts_over_when_the_source_is_replaced(qtbot: QtBot) -> None:
    rows = mixed(5_000, seed=25)
    model, proxy = sliced(rows)
    f = RowFilter(kinds=frozenset({RowKind.JSON}))
    proxy.set_filter(f)
    proxy._scan_step(0)
    other = Timeline()
    elsewhere = mixed(4_000, seed=26)
    other.extend(elsewhere)
    model.show(other)  # another room while the scan runs
    assert proxy.scanning
    qtbot.waitUntil(lambda: not proxy.scanning)
    assert shown(proxy) == expected(elsewhere, f)
    # History on top (an insert that is not at the end) also starts it over.
    proxy.set_filter(RowFilter(text="coffee"))
    older = mixed(100, seed=27, first_seq=-200)
    other.prepend_history(older)
    proxy.finish_scan()
    assert shown(proxy) == expected([*older, *elsewhere], RowFilter(text="coffee"))


def test_a_sliced_filter_keeps_the_view_in_step(qtbot: QtBot) -> None:
    rows = mixed(5_000, seed=28)
    _model, proxy = sliced(rows)
    view = MessageView(proxy)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    proxy.set_filter(RowFilter(text="hello"))
    qtbot.waitUntil(lambda: not proxy.scanning)
    assert (
        view.layout_engine.count == proxy.rowCount() == len(expected(rows, RowFilter(text="hello")))
    )
    proxy.set_filter(RowFilter())
    assert view.layout_engine.count == 5_000
    assert view.is_at_bottom()
