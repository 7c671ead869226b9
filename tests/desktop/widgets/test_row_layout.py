"""RowLayout, MessageView's geometry engine, with no widget and no Qt: rows are
measured by a plain function (a fixed character width and line height), so
every height here is known in advance."""

from __future__ import annotations

import dataclasses
import gc
import json
import math
import random
import subprocess
import sys
from array import array
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import pytest

from roomcast.desktop.rows import Row, RowKind, SendState
from roomcast.desktop.widgets.row_layout import (
    CHAT,
    GROUP_WINDOW_S,
    GROUPED,
    NEW_DAY,
    Anchor,
    RowLayout,
    ScrollPosition,
    arithmetic,
    can_join,
    continues_group,
    local_day,
    plain_author,
    second_of_day,
    shift_tail,
)

CHAR = 7  # pixels per character
LINE = 15  # pixels per line
PAD = 10  # the measuring function's left + right padding
DAY = 40  # a day separator
HEADER = 20  # a chat row's header
MORNING = datetime(2026, 11, 23, 9, 0).astimezone()


def extra(code: int) -> int:
    """What decorations add to a row's text (the delegate's rule, with round numbers)."""
    grouped = continues_group(code)
    height = 4 + (1 if grouped else 4)
    if code & CHAT and not grouped:
        height += HEADER
    return height + (DAY if code & NEW_DAY else 0)


EXTRAS = [extra(code) for code in range(8)]


class Ruler:
    """A measuring function: each character CHAR wide, wrapped at the width
    (less PAD), lines LINE high; collapsed JSON rows show their first line.
    It records what it was asked, to tell what was measured again."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool, float | None]] = []

    def __call__(
        self, row: Row, width: int, expanded: bool = False, natural: float | None = None
    ) -> tuple[int, float]:
        self.calls.append((row.text, width, expanded, natural))
        text = row.text if expanded or row.kind is not RowKind.JSON else row.text.split("\n")[0]
        avail = max(1, width - PAD)
        widest = max(len(line) for line in text.split("\n")) * CHAR
        if natural is None:
            natural = float(widest)
        if natural <= avail:
            return (text.count("\n") + 1) * LINE, natural
        lines = sum(max(1, math.ceil(len(line) * CHAR / avail)) for line in text.split("\n"))
        return lines * LINE, natural

    def shaped(self) -> int:
        """How many calls had no natural width to go by."""
        return sum(1 for *_, natural in self.calls if natural is None)


def chat(seq: int | None, text: str = "hello", author: str = "bob", **fields: object) -> Row:
    fields.setdefault("time", MORNING + timedelta(seconds=seq or 0))
    return Row(kind=RowKind.CHAT, text=text, author=author, seq=seq, **fields)  # type: ignore[arg-type]


def rows_of(first: int, count: int) -> list[Row]:
    """Chat rows by two authors in turns of three, some long enough to wrap."""
    return [
        chat(
            seq,
            f"message {seq} " + "word " * (seq % 7) * 4,
            author="ann" if seq // 3 % 2 else "bob",
        )
        for seq in range(first, first + count)
    ]


def laid_out(rows: list[Row], width: int = 300, **options: object) -> RowLayout:
    layout = RowLayout(Ruler(), lambda: EXTRAS, **options)  # type: ignore[arg-type]
    layout.bind(rows)
    layout.measure_all(width)
    layout.rebuild()
    return layout


def reference_codes(rows: Sequence[Row]) -> list[int]:
    """The decoration rule, one row at a time (what the C-level passes must agree with)."""
    codes = []
    previous: Row | None = None
    for row in rows:
        code = CHAT if row.kind is RowKind.CHAT else 0
        ts = row.time.timestamp()
        if previous is None or local_day(ts) != local_day(previous.time.timestamp()):
            code |= NEW_DAY
        elif (
            can_join(row)
            and previous.kind is RowKind.CHAT
            and plain_author(previous) == plain_author(row)
            and abs(second_of_day(ts) - second_of_day(previous.time.timestamp())) <= GROUP_WINDOW_S
        ):
            code |= GROUPED
        codes.append(code)
        previous = row
    return codes


def expected_heights(rows: Sequence[Row], width: int) -> list[int]:
    ruler = Ruler()
    codes = reference_codes(rows)
    return [ruler(row, width)[0] + EXTRAS[code] for row, code in zip(rows, codes, strict=True)]


def same_geometry(layout: RowLayout, other: RowLayout) -> bool:
    return list(layout.heights) == list(other.heights) and list(layout.tops) == list(other.tops)


# -- heights and lookups ------------------------------------------------------------------


def test_heights_are_text_plus_decorations_and_tops_add_them_up() -> None:
    rows = rows_of(1, 40)
    layout = laid_out(rows)
    assert list(layout.heights) == expected_heights(rows, 300)
    assert list(layout.tops) == [sum(layout.heights[:i]) for i in range(41)]
    assert layout.total_height == sum(layout.heights)
    assert layout.count == layout.base_count == 40
    # Some rows wrap, some continue a group, the first starts a day.
    assert len(set(layout.heights)) > 3
    assert list(layout.codes(0, 40)) == reference_codes(rows)


def test_row_at_y_finds_the_row_covering_a_point() -> None:
    layout = laid_out(rows_of(1, 10))
    for r in range(10):
        top, bottom = layout.tops[r], layout.tops[r + 1] - 1
        assert layout.row_at_y(top) == r
        assert layout.row_at_y(bottom) == r
        assert layout.anchor(top + 3) == Anchor(r, 3)
    assert layout.row_at_y(-1) is None
    assert layout.row_at_y(layout.total_height) is None
    assert layout.rows_in(layout.tops[2], layout.tops[5]) == (2, 6)
    assert laid_out([]).row_at_y(0) is None
    assert laid_out([]).anchor(0) is None


def test_a_group_breaks_after_five_minutes_and_at_midnight() -> None:
    late = datetime(2026, 11, 23, 23, 40).astimezone()
    rows = [
        chat(1, time=late),
        chat(2, time=late + timedelta(seconds=GROUP_WINDOW_S)),  # exactly five minutes
        chat(3, time=late + timedelta(seconds=2 * GROUP_WINDOW_S + 1)),  # a second more
        chat(4, time=late + timedelta(minutes=20, seconds=10)),  # 00:00:10, the next day
        chat(5, time=late + timedelta(minutes=20, seconds=11), state=SendState.PENDING),
        Row(kind=RowKind.SYSTEM, text="x", time=late + timedelta(minutes=20, seconds=12)),
    ]
    codes = list(laid_out(rows).codes(0, 6))
    assert codes == reference_codes(rows)
    assert codes == [CHAT | NEW_DAY, CHAT | GROUPED, CHAT, CHAT | NEW_DAY, CHAT, 0]


# -- rows coming and going ---------------------------------------------------------------


def test_appending_measures_only_the_new_rows() -> None:
    rows = rows_of(1, 50)
    layout = laid_out(rows)
    ruler = layout.measure
    assert isinstance(ruler, Ruler)
    ruler.calls.clear()
    layout.announce(True, 50, 59)
    rows.extend(rows_of(51, 10))
    assert layout.sync()
    assert layout.insert_shown(50, 59, Anchor(3, 2)) is None  # below the anchor: not moved
    assert len(ruler.calls) == 10
    assert same_geometry(layout, laid_out(rows))


def test_a_long_batch_measures_what_a_viewport_at_the_bottom_shows_and_the_rest_when_seen() -> None:
    # Issue 20: a burst of 100,000 rows measured whole froze the window for
    # seconds (~35 µs a row); rows above the bottom are estimated instead.
    rows = rows_of(1, 50)
    layout = laid_out(rows, sync_insert_rows=100)
    layout.page = 120
    ruler = layout.measure
    assert isinstance(ruler, Ruler)
    ruler.calls.clear()
    layout.announce(True, 50, 549)
    rows.extend(rows_of(51, 500))
    assert layout.sync()
    layout.insert_shown(50, 549)
    fresh = laid_out(rows)
    tail = next(k for k in range(1, 500) if sum(fresh.heights[550 - k :]) >= 120)
    assert len(ruler.calls) <= tail + 1  # only the rows that fill the page, not 500
    assert list(layout.heights[-tail:]) == list(fresh.heights[-tail:])
    assert list(layout.heights[:50]) == list(fresh.heights[:50])
    assert layout.estimated and not layout.rewrapping  # no steps: measured when seen
    assert layout.heights[60] == layout.heights[300]  # estimates: the typical height
    # Scrolled to row 300: the rows the viewport shows are measured, and the
    # content there is exact from the anchor down.
    ruler.calls.clear()
    below = list(layout.tops[400:])
    first = layout.refresh_visible(Anchor(300, 0), at_bottom=False, page=120)
    assert first == 300
    # An estimated row just below took up the change: the tops further down
    # did not move (at a million rows, moving them all costs ~15 ms).
    assert list(layout.tops[400:]) == below
    shown = rows_per_page(fresh, 300, 120)
    assert len(ruler.calls) == shown + 1  # and the row above (its decorations)
    assert list(layout.heights[300 : 300 + shown]) == list(fresh.heights[300 : 300 + shown])
    assert layout.tops[-1] == sum(layout.heights)
    # Measured once: seen again, nothing is measured.
    ruler.calls.clear()
    layout.refresh_visible(Anchor(300, 0), at_bottom=False, page=120)
    assert ruler.calls == []
    # A batch up to the limit (a stream's: one every 16 ms) is measured whole.
    layout.announce(True, 550, 649)
    rows.extend(rows_of(551, 100))
    assert layout.sync()
    layout.insert_shown(550, 649)
    assert list(layout.heights[-100:]) == list(laid_out(rows).heights[-100:])


def test_a_long_rebuild_gives_estimates_made_exact_in_steps() -> None:
    rows = rows_of(1, 3_000)
    mapping = array("i", range(0, 3_000, 3))
    layout = laid_out(rows, sync_rebuild_rows=500)
    layout.shown = lambda: mapping
    ruler = layout.measure
    assert isinstance(ruler, Ruler)
    ruler.calls.clear()
    layout.rebuild()
    assert layout.count == 1_000 and layout.rewrapping
    assert len(set(layout.heights)) == 1  # the typical height, for now
    first = layout.refresh_visible(Anchor(400, 0), at_bottom=False, page=200)
    assert first == 400
    while layout.rewrapping:
        layout.rewrap_step(seconds=0)
    reference = laid_out(rows)
    reference.shown = lambda: mapping
    reference.sync_rebuild_rows = 10_000
    reference.rebuild()
    assert same_geometry(layout, reference)
    assert ruler.calls == []  # the text heights were known: nothing measured


@pytest.mark.parametrize("at", [0, 1, 25, 49, 50])
def test_inserts_anywhere_match_a_fresh_layout(at: int) -> None:
    rows = rows_of(100, 50)
    layout = laid_out(rows)
    new = [chat(None, f"inserted {i} " * (i + 1), author="cat") for i in range(4)]
    for row in new:
        row.time = rows[min(at, 49)].time
    layout.announce(True, at, at + 3)
    rows[at:at] = new
    assert layout.sync()
    layout.insert_shown(at, at + 3)
    assert same_geometry(layout, laid_out(rows))
    assert list(layout.codes(0, len(rows))) == reference_codes(rows)


def test_removals_match_a_fresh_layout() -> None:
    rows = rows_of(1, 30)
    layout = laid_out(rows)
    layout.announce(False, 5, 9)
    del rows[5:10]
    assert layout.sync()
    layout.rebuild()
    assert same_geometry(layout, laid_out(rows))


def test_sync_waits_for_the_list_and_asks_to_start_over_when_out_of_step() -> None:
    rows = rows_of(1, 10)
    layout = laid_out(rows)
    layout.announce(True, 10, 10)
    assert layout.sync()  # announced, not made yet: nothing to do
    assert layout.base_count == 10
    rows.append(chat(11))
    assert layout.sync()
    assert layout.base_count == 11
    rows.append(chat(12))  # never announced
    assert not layout.sync()  # the caller measures everything again
    layout.measure_all(300)
    assert layout.sync()
    assert layout.base_count == 12


def test_a_row_changed_in_place_is_measured_again() -> None:
    rows = rows_of(1, 10)
    layout = laid_out(rows)
    rows[4].text = "now much longer than before " * 5
    layout.refresh_info(4, 5)
    assert layout.update_heights(4, 6)
    assert same_geometry(layout, laid_out(rows))
    assert not layout.update_heights(4, 6)  # nothing changed since


# -- anchors ---------------------------------------------------------------------------


def test_the_anchor_stays_on_its_content_across_inserts_above() -> None:
    rows = rows_of(100, 60)
    layout = laid_out(rows)
    anchor = Anchor(20, 7)
    y = layout.anchor_y(anchor)
    assert y == layout.tops[20] + 7
    total = layout.total_height
    was = layout.codes(0, 1)[0]
    older = rows_of(90, 10)
    layout.announce(True, 0, 9)
    rows[0:0] = older
    assert layout.sync()
    moved = layout.insert_shown(0, 9, anchor)
    assert moved == Anchor(30, 7)
    new_y = layout.anchor_y(moved)
    assert new_y is not None
    # Down by exactly what was added above: the new rows, less what the old
    # first row lost (its day separator is the new first row's now, and it
    # continues the group of the row above it).
    assert new_y - y == layout.total_height - total
    shrunk = EXTRAS[was] - EXTRAS[layout.codes(10, 11)[0]]
    assert shrunk >= DAY
    assert new_y - y == layout.tops[10] - shrunk


def test_history_on_top_keeps_the_first_rows_text_in_place() -> None:
    # The first row loses its day separator (the older row above takes it) and
    # joins that row's group: its text must not jump although its top moved.
    rows = [chat(10, "the first row", time=MORNING)]
    rows += [chat(seq, time=MORNING + timedelta(seconds=seq)) for seq in range(11, 40)]
    layout = laid_out(rows)
    anchor = Anchor(0, 12)
    text_on_screen = EXTRAS[layout.codes(0, 1)[0]] - anchor.into  # text top, viewport coords
    layout.announce(True, 0, 0)
    rows.insert(0, chat(9, "older", time=MORNING - timedelta(seconds=30)))
    assert layout.sync()
    moved = layout.insert_shown(0, 0, anchor)
    assert moved is not None
    assert moved.row == 1
    assert layout.codes(1, 2)[0] == CHAT | GROUPED  # it shrank
    new_y = layout.anchor_y(moved)
    assert new_y is not None
    assert layout.tops[1] + EXTRAS[CHAT | GROUPED] - new_y == text_on_screen


def test_anchors_by_base_row_survive_a_filter() -> None:
    rows = rows_of(1, 30)
    hidden: list[int] | None = None
    layout = laid_out(rows, shown=lambda: hidden)
    saved = layout.base_anchor(Anchor(12, 4))
    assert saved == Anchor(12, 4)
    hidden = [r for r in range(30) if r % 2 == 0]  # row 12 still shown, as row 6
    layout.rebuild()
    assert layout.count == 15
    assert layout.from_base_anchor(saved) == Anchor(6, 4)
    hidden = [r for r in range(30) if r % 2 == 1]  # row 12 hidden: the next one, from its top
    layout.rebuild()
    assert layout.from_base_anchor(saved) == Anchor(6, 0)
    assert layout.source_of(6) == 13
    hidden = [0, 1]  # nothing at or after it
    layout.rebuild()
    assert layout.from_base_anchor(saved) is None


def test_a_filter_recomputes_the_decorations_it_changes() -> None:
    rows = rows_of(1, 60)
    shown = [r for r in range(60) if r % 5 != 2]
    layout = laid_out(rows, shown=lambda: shown)
    kept = [rows[r] for r in shown]
    assert list(layout.codes(0, len(shown))) == reference_codes(kept)
    assert list(layout.heights) == expected_heights(kept, 300)
    for first in (1, 7, 20):  # a window starting mid-list agrees too
        assert list(layout.codes(first, first + 9)) == reference_codes(kept)[first : first + 9]


def test_selected_json_rows_are_measured_expanded() -> None:
    json_row = Row(kind=RowKind.JSON, text="{\n  a\n  b\n  c\n}", time=MORNING)
    rows = [chat(1), json_row, chat(2)]
    selected: list[int] = []
    layout = laid_out(rows, expanded=lambda: selected)
    collapsed = layout.heights[1]
    selected.append(1)
    assert layout.update_heights(1, 2)
    assert layout.heights[1] - collapsed == 4 * LINE
    selected.append(0)  # a chat row: selected or not, the same height
    assert not layout.update_heights(0, 1)


# -- re-wrapping -----------------------------------------------------------------------


def test_a_short_list_rewraps_at_once_shaping_only_what_does_not_fit() -> None:
    rows = rows_of(1, 40)
    layout = laid_out(rows, width=600)
    ruler = layout.measure
    assert isinstance(ruler, Ruler)
    ruler.calls.clear()
    assert layout.rewrap(250)
    layout.rebuild()
    assert list(layout.heights) == expected_heights(rows, 250)
    assert ruler.shaped() == 0  # every natural width was known
    ruler.calls.clear()
    assert layout.rewrap(250, font_changed=True)
    assert ruler.shaped() == 40  # a new font: every row is measured afresh


def test_a_long_list_rewraps_in_steps_keeping_the_anchor() -> None:
    rows = rows_of(1, 500)
    layout = laid_out(rows, width=600, sync_rows=100)
    anchor = Anchor(200, 5)
    assert not layout.rewrap(250)
    assert layout.rewrapping
    first = layout.refresh_visible(anchor, at_bottom=False, page=300)
    assert first == 200
    fresh = laid_out(rows, width=250)
    # The rows in view are done now, and stay where the anchor says.
    visible = layout.rows_in(layout.tops[200], layout.tops[200] + 300)
    for r in range(*visible):
        assert layout.heights[r] == fresh.heights[r]
    steps = 0
    while layout.rewrapping:
        assert layout.rewrap_step(seconds=0, chunk=50)  # one chunk a step
        steps += 1
    assert steps == 10
    assert same_geometry(layout, fresh)
    assert not layout.rewrap_step()  # nothing left


def test_the_bottom_is_done_first_when_following_it() -> None:
    rows = rows_of(1, 300)
    layout = laid_out(rows, width=600, sync_rows=100)
    assert not layout.rewrap(250)
    first = layout.refresh_visible(None, at_bottom=True, page=200)
    assert first is not None
    fresh = laid_out(rows, width=250)
    assert list(layout.heights[first:]) == list(fresh.heights[first:])
    assert sum(layout.heights[first:]) >= 200
    assert first > 250


def test_rows_arriving_during_a_rewrap_are_measured_at_the_new_width() -> None:
    rows = rows_of(1, 300)
    layout = laid_out(rows, width=600, sync_rows=100)
    assert not layout.rewrap(250)
    layout.rewrap_step(seconds=0, chunk=100)
    layout.announce(True, 0, 4)  # above the re-wrap's position
    rows[0:0] = rows_of(-10, 5)
    assert layout.sync()
    layout.insert_shown(0, 4)
    layout.announce(True, len(rows), len(rows) + 4)  # and below it
    rows.extend(rows_of(301, 5))
    assert layout.sync()
    layout.insert_shown(len(rows) - 5, len(rows) - 1)
    while layout.rewrapping:
        layout.rewrap_step(seconds=0, chunk=100)
    assert same_geometry(layout, laid_out(rows, width=250))


# -- another list: a model reset --------------------------------------------------------------


class Conversation:
    """Whose rows they are (the view passes the timeline): anything weakly referable."""


def engine(sync_reset_rows: int = 100, **options: object) -> RowLayout:
    return RowLayout(Ruler(), lambda: EXTRAS, sync_reset_rows=sync_reset_rows, **options)  # type: ignore[arg-type]


def settle(layout: RowLayout) -> None:
    """Let the steps a reset left run to the end (the view runs them from its
    event loop), and measure the rows left to be measured when seen (as if
    scrolled through)."""
    while layout.rewrapping:
        layout.rewrap_step(seconds=0)
    layout.measure_estimated()
    assert not layout.estimated


def measured(layout: RowLayout) -> int:
    ruler = layout.measure
    assert isinstance(ruler, Ruler)
    return len(ruler.calls)


def rows_per_page(layout: RowLayout, first: int, page: int) -> int:
    """How many rows from ``first`` down it takes to fill ``page`` pixels."""
    seen, r = 0, first
    while r < layout.count and seen < page:
        seen += layout.heights[r]
        r += 1
    return r - first


def test_a_long_list_is_measured_where_the_viewport_looks_and_estimated_elsewhere() -> None:
    rows = rows_of(1, 2_000)
    layout = engine()
    layout.bind(rows, Conversation())
    assert not layout.reset(300, None, page=200)  # at the bottom
    fresh = laid_out(rows)
    # Only the rows a 200-pixel viewport shows at the bottom (and the one above
    # them, whose day and author the first one's decorations depend on).
    shown = next(k for k in range(1, 2_000) if sum(fresh.heights[2_000 - k :]) >= 200)
    assert measured(layout) == shown + 1
    assert layout.rewrapping
    assert list(layout.heights[-shown:]) == list(fresh.heights[-shown:])
    assert list(layout.codes(2_000 - shown, 2_000)) == reference_codes(rows)[-shown:]
    # Every other row has the average height of those: the total is an estimate.
    assert layout.heights[0] == layout.heights[1_000] == round(sum(fresh.heights[-shown:]) / shown)
    assert layout.tops[-1] == sum(layout.heights)
    settle(layout)
    assert same_geometry(layout, fresh)
    assert list(layout.codes(0, 2_000)) == reference_codes(rows)
    assert measured(layout) == 2_000  # each row once


def test_a_reset_to_a_position_measures_from_its_row_down() -> None:
    rows = rows_of(1, 2_000)
    fresh = laid_out(rows)
    position = fresh.position(fresh.tops[700] + 9, at_bottom=False)
    layout = engine()
    layout.bind(rows)
    assert not layout.reset(300, position, page=200)
    # The row named, and those below it in view, are exact: so is where the
    # position puts the viewport, relative to that row.
    shown = rows_per_page(fresh, 700, 200 + 9)
    assert measured(layout) == shown + 1  # and the row above it
    assert list(layout.heights[700 : 700 + shown]) == list(fresh.heights[700 : 700 + shown])
    y = layout.position_y(position)
    assert y == layout.tops[700] + 9
    settle(layout)
    assert same_geometry(layout, fresh)
    assert layout.position_y(position) == fresh.tops[700] + 9


def test_a_short_list_is_measured_at_once() -> None:
    rows = rows_of(1, 80)
    layout = engine()
    layout.bind(rows)
    assert layout.reset(300, None, page=200)
    assert not layout.rewrapping
    assert same_geometry(layout, laid_out(rows))


def unsent(text: str, at: datetime) -> Row:
    return chat(None, text, author="", mine=True, id=text, state=SendState.PENDING, time=at)


def history(rows: list[Row]) -> None:
    rows[0:0] = rows_of(-30, 30)


def arrivals(rows: list[Row]) -> None:
    rows.extend(rows_of(2_001, 40))


def above_our_unsent_rows(rows: list[Row]) -> None:
    rows[-2:-2] = rows_of(2_001, 40)  # where the timeline puts rows while they wait


def our_row_acknowledged(rows: list[Row]) -> None:
    rows[-2].state = SendState.SENT
    rows[-2].seq = 5_000
    rows[-2].author = "bob"  # it now continues bob's group


def replaced(rows: list[Row]) -> None:
    rows[:] = [Row(kind=RowKind.SYSTEM, text="history reset", time=MORNING), *rows[-2:]]


@pytest.mark.parametrize(
    ("change", "new"),
    [
        (None, 0),
        (history, 30),
        (arrivals, 40),
        (above_our_unsent_rows, 40 + 2),  # our rows below them are measured again
        (our_row_acknowledged, 0),  # read again, not measured
        (replaced, 3),  # nothing to reuse: all measured
    ],
    ids=["same", "history", "arrivals", "above-unsent", "acknowledged", "replaced"],
)
def test_a_list_shown_again_reuses_what_was_measured(
    change: Callable[[list[Row]], None] | None, new: int
) -> None:
    rows = rows_of(1, 2_000)
    end = rows[-1].time
    rows += [unsent("still sending", end), unsent("me too", end)]
    rows[-2].author = "bob"
    others = rows_of(10_000, 1_000)
    a, b = Conversation(), Conversation()
    layout = engine()
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    settle(layout)
    layout.park(a)
    layout.bind(others, b)  # another conversation meanwhile
    layout.reset(300, None, page=200)
    layout.park(b)
    if change is not None:
        change(rows)
    before = measured(layout)
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    settle(layout)
    assert measured(layout) - before == new
    assert same_geometry(layout, laid_out(rows))
    assert list(layout.codes(0, len(rows))) == reference_codes(rows)


@pytest.mark.parametrize("what", ["width", "font"])
def test_a_list_shown_again_after_a_width_or_font_change_is_rewrapped(what: str) -> None:
    rows = rows_of(1, 2_000)
    a = Conversation()
    layout = engine()
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    settle(layout)
    layout.park(a)
    layout.bind([], None)
    layout.reset(300)
    if what == "font":
        layout.forget_natural_widths()
    ruler = layout.measure
    assert isinstance(ruler, Ruler)
    ruler.calls.clear()
    layout.bind(rows, a)
    assert not layout.reset(250 if what == "width" else 300, None, page=200)
    settle(layout)
    assert len(ruler.calls) == 2_000
    # A new width reuses the natural widths; a new font cannot.
    assert ruler.shaped() == (0 if what == "width" else 2_000)
    assert same_geometry(layout, laid_out(rows, width=250 if what == "width" else 300))


def test_a_list_parked_half_measured_goes_on_where_it_was() -> None:
    rows = rows_of(1, 2_000)
    a = Conversation()
    layout = engine()
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    for _ in range(5):
        layout.rewrap_step(seconds=0)
    layout.park(a)
    layout.bind([], None)
    layout.reset(300)
    layout.bind(rows, a)
    assert not layout.reset(300, None, page=200)
    settle(layout)
    assert same_geometry(layout, laid_out(rows))
    assert measured(layout) == 2_000  # still each row once


def test_a_filtered_list_shown_again_reuses_its_heights_if_the_filter_shows_the_same() -> None:
    rows = rows_of(1, 2_000)
    hidden = {5, 6, 7, 300, 1_999}

    def shown_rows() -> list[int]:
        return [s for s in range(len(rows)) if rows[s].seq not in hidden]

    a = Conversation()
    layout = engine(shown=shown_rows)
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    settle(layout)
    build = layout.build_heights
    built: list[int] = []

    def spy(first: int, end: int) -> array[int]:
        built.append(end - first)
        return build(first, end)

    layout.build_heights = spy  # type: ignore[method-assign]
    for change, reused in ((arrivals, True), (history, True), (lambda _: hidden.add(10), False)):
        layout.park(a)
        change(rows)
        layout.bind(rows, a)
        built.clear()
        layout.reset(300, None, page=200)
        # The heights of the rows shown before are taken up, not rebuilt (the
        # filter changed: they are).
        assert (sum(built) < 100) is reused
        settle(layout)
        kept = [rows[s] for s in shown_rows()]
        assert list(layout.heights) == expected_heights(kept, 300)
        assert list(layout.tops) == [0, *accumulate_list(layout.heights)]


def accumulate_list(values: Sequence[int]) -> list[int]:
    total, out = 0, []
    for v in values:
        total += v
        out.append(total)
    return out


def test_a_row_selected_when_parked_is_collapsed_when_shown_again() -> None:
    rows = rows_of(1, 2_000)
    rows[10] = Row(kind=RowKind.JSON, text="{\n  a\n  b\n}", time=rows[10].time)
    selected = [10]
    a = Conversation()
    layout = engine(expanded=lambda: selected)
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    settle(layout)
    assert layout.heights[10] == laid_out(rows).heights[10] + 3 * LINE
    layout.park(a)
    selected.clear()  # a reset clears the selection
    layout.bind(rows, a)
    assert layout.reset(300, None, page=200)  # nothing to measure
    assert same_geometry(layout, laid_out(rows))


def test_a_list_whose_first_row_is_our_unsent_one_is_measured_again() -> None:
    # A reset of the timeline keeps such rows: they prove nothing about the rest.
    rows = [unsent("first", MORNING), *rows_of(1, 600)]
    a = Conversation()
    layout = engine()
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    settle(layout)
    layout.park(a)
    before = measured(layout)
    layout.bind(rows, a)
    layout.reset(300, None, page=200)
    settle(layout)
    assert measured(layout) - before == len(rows)
    assert same_geometry(layout, laid_out(rows))


def test_parked_measurements_go_with_their_owner() -> None:
    rows = rows_of(1, 300)
    layout = engine()
    owner: Conversation | None = Conversation()
    layout.bind(rows, owner)
    layout.reset(300)
    layout.park(owner)
    layout.bind([], None)
    layout.reset(300)
    ref = layout._parked  # what is kept, and for how long
    assert len(ref) == 1
    owner = None
    gc.collect()
    assert len(ref) == 0


def test_shift_tail_and_arithmetic_agree_with_python() -> None:
    rng = random.Random(3)
    for n in (0, 1, 2, 7, 1_000, 65_537):
        values = array("i", accumulate_list([rng.randint(0, 400) for _ in range(n)]))
        for start in {0, n // 3, n}:
            for delta in (0, 1, 37, -(values[start] if start < n else 0)):
                copy = array("i", values)
                shift_tail(copy, start, delta)
                want = list(values[:start]) + [v + delta for v in values[start:]]
                assert list(copy) == want
        for step in (0, 1, 42):
            assert list(arithmetic(n, step, 5)) == [5 + i * step for i in range(n)]
    big = array("i", [2**31 - 2, 0, 2**30])
    shift_tail(big, 1, 1)  # a full lane next to others does not carry into them
    assert list(big) == [2**31 - 2, 1, 2**30 + 1]


# -- scroll positions ---------------------------------------------------------------------


def test_a_scroll_position_finds_its_row_by_seq() -> None:
    rows = rows_of(100, 80)
    layout = laid_out(rows)
    y = layout.tops[40] + 6
    position = layout.position(y, at_bottom=False)
    assert position == ScrollPosition(False, anchor_seq=140, anchor_row=40, offset=6)
    assert layout.position_y(position) == y
    # Older history above it: the index is stale, the seq is not.
    layout.announce(True, 0, 19)
    rows[0:0] = rows_of(80, 20)
    assert layout.sync()
    layout.insert_shown(0, 19)
    assert layout.position_y(position) == layout.tops[60] + 6
    # A seq no longer held: back to the index, clamped to the rows there are.
    gone = dataclasses.replace(position, anchor_seq=5_000, anchor_row=1_000)
    assert layout.position_y(gone) == layout.tops[99] + min(6, layout.heights[99])
    # A row without a seq (a notice, our unsent row): by index.
    rows[60].seq = None
    assert layout.position(layout.tops[60], False).anchor_seq is None


def test_a_scroll_position_at_the_bottom_or_none_means_the_bottom() -> None:
    layout = laid_out(rows_of(1, 20))
    assert layout.position_y(None) is None
    assert layout.position_y(ScrollPosition(at_bottom=True, anchor_seq=3)) is None
    assert laid_out([]).position_y(ScrollPosition(False, 3, 2, 0)) is None
    assert laid_out([]).position(0, at_bottom=False).at_bottom  # nothing to anchor to


def test_a_scroll_position_whose_row_is_filtered_out_shows_the_next() -> None:
    rows = rows_of(1, 30)
    hidden: list[int] | None = None
    layout = laid_out(rows, shown=lambda: hidden)
    position = layout.position(layout.tops[10] + 3, at_bottom=False)
    hidden = [r for r in range(30) if r != 10]
    layout.rebuild()
    assert layout.position_y(position) == layout.tops[10]  # base row 11, from its top
    hidden = list(range(5))
    layout.rebuild()
    assert layout.position_y(position) is None  # nothing after it: the bottom


def test_scroll_positions_round_trip_through_json() -> None:
    position = ScrollPosition(False, anchor_seq=1234, anchor_row=56, offset=7)
    data = json.loads(json.dumps(position.to_dict()))
    assert ScrollPosition.from_dict(data) == position
    bottom = ScrollPosition(at_bottom=True)
    assert ScrollPosition.from_dict(json.loads(json.dumps(bottom.to_dict()))) == bottom
    with pytest.raises(dataclasses.FrozenInstanceError):
        position.offset = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "at_bottom",
        [],
        {},
        {"at_bottom": "false"},
        {"at_bottom": 0},
        {"at_bottom": False, "anchor_seq": "12"},
        {"at_bottom": False, "anchor_seq": True},
        {"at_bottom": False, "anchor_seq": 1.5},
        {"at_bottom": False, "anchor_row": -1},
        {"at_bottom": False, "offset": -3},
        {"at_bottom": False, "offset": 2**40},
        {"at_bottom": False, "anchor_row": None},
    ],
)
def test_a_malformed_scroll_position_is_none(data: object) -> None:
    assert ScrollPosition.from_dict(data) is None


def test_a_hostile_mapping_is_none_not_an_exception() -> None:
    class Broken(dict[str, object]):
        def get(self, key: str, default: object = None) -> object:
            raise RuntimeError("no")

    assert ScrollPosition.from_dict(Broken()) is None


# -- no Qt -------------------------------------------------------------------------------


def test_the_engine_imports_no_qt() -> None:
    code = (
        "import sys, desktop.widgets.row_layout\n"
        "sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
