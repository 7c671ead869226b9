"""How fast the window starts, takes rows in, and whether it ever freezes.

Run (no display needed)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.desktop_ingest [--quick]
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.desktop_ingest --scenario one-room

Two scenarios, the same numbers for each:

* ``three-rooms`` (the default): three rooms receive at once, as a window
  joined to three busy rooms does. Each room has its own
  :class:`~desktop.timeline.Timeline`; the window's ``MessageListModel`` and
  ``MessageView`` show one of them, and the room shown changes twice in each
  phase (after a third and two thirds of its rows: ``model.show``, one model
  reset), as a user switching rooms does. The rooms share the rates below
  (the *total* rate is today's, split in three; each room gets a third of
  every burst and tick), so the numbers compare with ``one-room``: the same
  rows per second reach the window, and what differs is the rooms. The
  rooms not shown keep their rows in their timeline's batch until shown
  (or, at the end of each phase, flushed without a listener). After each
  phase every room is checked: every row fed landed once, in order.
* ``one-room``: one timeline, always shown (the scenario before rooms).

``--frames mixed`` feeds an inspector's rows instead of chat messages: the
frames of a foreign server (:func:`make_frames`: JSON in text and in binary
frames, plain text, binary, pings and pongs), each built by the session's
own ``frame_row`` from the client's ``classify``, so the monospaced rows,
their gutters and the four-line JSON previews are what is laid out.

0. **Cold start**: ``python -m desktop --quit-after 0`` in a fresh HOME (first
   run: no settings, no caches of ours), five times: the wall time from
   starting the process to its exit, which comes right after the main window
   is shown. An upper bound of "start to shown window": it includes closing.
1. **Ingest**: 100,000 chat rows reach the timelines, one shown by a
   ``MessageListModel`` in a 600x800 ``MessageView``, in bursts of 1,000 from
   a zero-delay timer (as busy connections would hand them over), while the
   model batches them every 16 ms and the view follows the bottom. Measured:
   the wall time until every row is in its timeline and the view has
   painted, and the peak RSS of the process, split into Python + Qt, the Row
   objects themselves, and model + view.
2. **Stall**: 5,000 rows/s (50 every 10 ms) for 10 s while a 5 ms heartbeat
   timer records the longest gap between its ticks: the longest time the
   event loop (and so the whole window, and the qasync network code) could
   not run. First on top of the 100,000 rows (an extra, harder case), then
   into an empty list in a process without them (the target).

The rows are built before timing starts: parsing frames and building rows is
the session's work; this measures the model and the view. Python's own
cyclic-GC pauses during each phase are reported too: every Row is a
GC-tracked object, so a full collection grows with the number of rows.

``--quick`` (20,000 rows, 3 s streams) is for smoke runs; ``--check`` makes
the exit status 1 when a target is missed. The last line of output is one
JSON object with every number.

``--held N`` (issue 20: ``--held 1000000``) is another run: N rows held by
one room shown through the window's ``MessageFilterModel`` in a
``MessageView``, then a scripted minute of use while a 5 ms heartbeat
records the loop's longest gap: wheel scrolling up, dragging the scroll bar
to random places, paging, then typing a search one key every 150 ms (as
behind the find bar's debounce), backspaces, a regular expression, a kind
filter and clearing it. Reported: the rows' own memory, the RSS held and
the peak (``/proc/self/status``: VmRSS, VmHWM), the ingest time, and the
longest gap of each part (target < 50 ms).

Every run prints the machine's noise (``bench/noise.py``: other processes'
CPU over the measured parts) and refuses to report a disturbed run: it
prints the noise line and exits 3 (``--show-disturbed`` prints the numbers
anyway, marked so, for development).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import operator
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from bench.noise import Noise, proc_status_mb
from roomcast.desktop.filtering import MessageFilterModel, RowFilter
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import Direction, Row, RowKind, SendState
from roomcast.desktop.timeline import Timeline
from roomcast.desktop.widgets.message_view import MessageView
from roomcast.server.protocol import ChatMessage

SCENARIOS = {"three-rooms": 3, "one-room": 1}
#: How often the room shown changes in each phase of the three-room scenario.
SWITCHES = 2

TARGET_START_S = 1.0
TARGET_INGEST_S = 1.0  # issue 20 (was 2 s)
TARGET_RSS_MB = 100.0  # issue 20 (was 150 MB)
TARGET_STALL_MS = 50.0
#: A heartbeat gap is "at a room switch" if it overlaps the switch or this
#: long after it: the view's first turns of the event loop with the new room
#: (its first paint, the first slices of measuring what it did not measure).
SWITCH_SETTLE_S = 0.1

_SENTENCE = (
    "the a room server message hello world deploy fixed ok thanks see you later "
    "build green red pipeline lunch coffee meeting review merge branch tests pass "
    "fail why how when what is it done yet café naïve übersicht <b>bold</b> & co"
)
WORDS = _SENTENCE.split()
EMOJI = ["👍", "🎉", "😂", "🚀", "❤️"]
AUTHORS = [f"user{i:02d}" for i in range(20)]


def make_rows(count: int, start_seq: int = 1, seed: int = 7) -> list[Row]:
    """Chat rows like a busy room's, each with its raw frame (the session keeps it).

    Lengths: 55 % short (1–8 words), 35 % medium (9–25), 10 % long (26–80,
    several wrapped lines at 600 px); 2 % span several lines; 15 % carry an
    emoji and 3 % some CJK (both make Python store the strings wider); one
    author in 20 is us. Frames are encoded like the server does.
    """
    rng = random.Random(seed)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    rows: list[Row] = []
    for i in range(count):
        seq = start_seq + i
        roll = rng.random()
        if roll < 0.55:
            n_words = rng.randint(1, 8)
        elif roll < 0.90:
            n_words = rng.randint(9, 25)
        else:
            n_words = rng.randint(26, 80)
        text = " ".join(rng.choice(WORDS) for _ in range(n_words))
        if rng.random() < 0.02:
            text = text.replace(" ", "\n", 3)
        if rng.random() < 0.15:
            text += " " + rng.choice(EMOJI)
        if rng.random() < 0.03:
            text += " 東京で会いましょう"
        author = rng.choice(AUTHORS)
        ts = base + timedelta(seconds=seq)
        mine = author == "user00"
        ts_text = ts.isoformat().replace("+00:00", "Z")
        raw = ChatMessage(seq=seq, ts=ts_text, sender=author, content=text, id=f"c{seq}")
        rows.append(
            Row(
                kind=RowKind.CHAT,
                text=text,
                time=ts,
                author=author,
                seq=seq,
                id=f"c{seq}",
                mine=mine,
                state=SendState.SENT if mine else None,
                direction=Direction.IN,
                raw=raw.serialize(),
            )
        )
    return rows


def make_frames(count: int, start_seq: int = 1, seed: int = 7) -> list[Row]:
    """A foreign server's frames as the window shows them (issue #16).

    35 % JSON text frames (an order book's updates: 60–600 bytes,
    pretty-printed), 15 % the same JSON in binary frames (the tutorial's
    Buffer forwarding), 25 % plain text (log lines), 20 % binary that is not
    UTF-8 (8–256 bytes: hex preview), 5 % pings and pongs (control rows).
    Built as the session builds them: ``frame_row(classify(raw))``.
    """
    from roomcast.desktop.client import classify
    from roomcast.desktop.frames import control_text
    from roomcast.desktop.rows import Opcode
    from roomcast.desktop.session import frame_row

    rng = random.Random(seed)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    rows: list[Row] = []
    for i in range(count):
        n = start_seq + i
        ts = base + timedelta(milliseconds=n)
        roll = rng.random()
        if roll < 0.05:
            opcode = Opcode.PING if n % 2 else Opcode.PONG
            payload = rng.randbytes(rng.randint(0, 8))
            row = Row(
                kind=RowKind.CONTROL, text=control_text(opcode, payload), raw=payload, opcode=opcode
            )
        else:
            if roll < 0.55:
                levels = [
                    {"price": round(rng.uniform(90, 110), 2), "size": rng.randint(1, 900)}
                    for _ in range(rng.randint(1, 12))
                ]
                frame: str | bytes = json.dumps(
                    {"type": "book", "seq": n, "symbol": rng.choice(WORDS), "bids": levels}
                )
                if roll >= 0.40:
                    frame = frame.encode()  # forwarded as a Buffer: a binary frame
            elif roll < 0.80:
                frame = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30)))
            else:
                frame = bytes([0xFF]) + rng.randbytes(rng.randint(8, 256))
            row = frame_row(classify(frame), Direction.IN)
        row.time = ts
        rows.append(row)
    return rows


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (NaN on Windows)."""
    hwm = proc_status_mb("VmHWM")
    if not math.isnan(hwm):
        return hwm
    if resource is None:
        return math.nan
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class PaintCounter(QObject):
    """Counts paint events of a widget: proof that the view really painted."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def wait_until(app: QApplication, done: Callable[[], bool], timeout_s: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        app.processEvents()


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` shares that differ by one at most, largest first."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@dataclass
class Room:
    """One room of the bench: its timeline and the rows of the running phase."""

    name: str
    timeline: Timeline
    rows: Sequence[Row] = ()
    fed: int = 0
    #: Rows fed in the phases before the running one (all still held).
    held: int = 0

    def start(self, rows: Sequence[Row]) -> None:
        self.held += self.fed
        self.rows, self.fed = rows, 0

    def clear(self) -> None:
        """Forget every row (the timeline's and the bench's)."""
        self.timeline.clear()
        self.rows, self.fed, self.held = (), 0, 0


class Feeder:
    """Each tick, hands every room its share of ``per_tick`` rows; switches the
    room shown (``model.show``) after each ``1 / (switches + 1)`` of the rows."""

    def __init__(
        self, model: MessageListModel, rooms: list[Room], per_tick: int, switches: int
    ) -> None:
        self.model = model
        self.rooms = rooms
        self.shares = split(per_tick, len(rooms))
        self.total = sum(len(room.rows) for room in rooms)
        self.switch_at = [self.total * (k + 1) // (switches + 1) for k in range(switches)]
        self.sent = 0
        #: Seconds each switch took: ``model.show`` (the model reset, the
        #: view's re-layout) and the shown timeline's flush.
        self.switch_s: list[float] = []
        #: When each switch ran, as (start, end) perf_counter times.
        self.switch_spans: list[tuple[float, float]] = []
        #: How many rows the room shown by each switch held.
        self.switch_rows: list[int] = []

    @property
    def done(self) -> bool:
        return self.sent >= self.total

    def tick(self) -> None:
        for room, share in zip(self.rooms, self.shares, strict=True):
            chunk = room.rows[room.fed : room.fed + share]
            if chunk:
                room.timeline.extend(chunk)
                room.fed += len(chunk)
                self.sent += len(chunk)
        if self.switch_at and self.sent >= self.switch_at[0]:
            del self.switch_at[0]
            self.switch()

    def switch(self) -> None:
        """Show the next room."""
        shown = next(i for i, room in enumerate(self.rooms) if room.timeline is self.model.timeline)
        timeline = self.rooms[(shown + 1) % len(self.rooms)].timeline
        started = time.perf_counter()
        self.model.show(timeline)
        ended = time.perf_counter()
        self.switch_s.append(ended - started)
        self.switch_spans.append((started, ended))
        self.switch_rows.append(len(timeline.rows))

    def settle(self) -> None:
        """The rooms not shown take their batch in (no listener: no signals)."""
        for room in self.rooms:
            if room.timeline is not self.model.timeline:
                room.timeline.flush()


def check_rooms(rooms: Sequence[Room]) -> list[int]:
    """Every row fed landed once, in order, in its room: its timeline holds the
    rows of the phases before and then exactly the rows of this one, the same
    objects (allocates nothing: the peak RSS is measured after). Returns the
    row count of each room."""
    counts = []
    for room in rooms:
        room.timeline.flush()
        held = room.timeline.rows
        assert room.fed == len(room.rows), f"{room.name}: {room.fed} of {len(room.rows)} fed"
        assert len(held) == room.held + room.fed, f"{room.name}: {len(held)} rows held"
        landed = islice(held, room.held, None)
        assert all(map(operator.is_, landed, room.rows)), f"{room.name}: a row missing or twice"
        counts.append(len(held))
    return counts


@dataclass
class IngestResult:
    rows: int
    seconds: float
    #: This process's CPU time meanwhile (what a busy machine does not stretch).
    cpu_seconds: float
    paints: int
    at_bottom: bool
    room_rows: list[int]
    switch_ms: list[float]
    #: The rows of the room each switch showed.
    switch_rows: list[int]


def ingest(
    app: QApplication,
    view: MessageView,
    model: MessageListModel,
    rooms: list[Room],
    switches: int,
) -> IngestResult:
    """Feed each room's rows in bursts of 1,000 (all rooms together); time until
    all are in and painted."""
    burst = 1_000
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    feed = Feeder(model, rooms, burst, switches)

    def tick() -> None:
        feed.tick()
        if feed.done:
            feeder.stop()

    feeder = QTimer()
    feeder.setInterval(0)
    feeder.timeout.connect(tick)
    start = time.perf_counter()
    cpu = time.process_time()
    feeder.start()
    wait_until(app, lambda: feed.done and model.pending_count == 0)
    feed.settle()
    painted = counter.count
    view.viewport().repaint()  # synchronous: the last rows are on screen
    wait_until(app, lambda: counter.count > painted)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    view.viewport().removeEventFilter(counter)
    return IngestResult(
        rows=feed.total,
        seconds=seconds,
        cpu_seconds=cpu,
        paints=counter.count,
        at_bottom=view.is_at_bottom(),
        room_rows=check_rooms(rooms),
        switch_ms=[s * 1000 for s in feed.switch_s],
        switch_rows=feed.switch_rows,
    )


@dataclass
class StallResult:
    rows: int
    seconds: float
    max_gap_ms: float
    #: The longest gap in this thread's CPU time (a busy machine stretches
    #: wall-clock gaps, not this).
    max_cpu_gap_ms: float
    p99_gap_ms: float
    #: The longest gap that no room switch fell into (= max_gap_ms without switches).
    max_gap_apart_ms: float
    #: The longest gap at a room switch (see SWITCH_SETTLE_S; 0 without switches).
    max_gap_at_switch_ms: float
    paints: int
    at_bottom: bool
    room_rows: list[int]
    switch_ms: list[float]
    switch_rows: list[int]

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


def stream_rows(rooms: int, seconds: float) -> list[int]:
    """How many rows each room gets in a stream of ``seconds``: 50 rows every
    10 ms in all, each room its share of every tick."""
    ticks = int(seconds * 100)
    return [ticks * share for share in split(50, rooms)]


def stall(
    app: QApplication,
    view: MessageView,
    model: MessageListModel,
    rooms: list[Room],
    seconds: float,
    switches: int,
) -> StallResult:
    """Feed 50 rows every 10 ms in all rooms together for ``seconds``; the longest
    5 ms heartbeat gap."""
    per_tick = 50
    needed = int(seconds * 100) * per_tick
    assert sum(len(room.rows) for room in rooms) == needed
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    gaps: list[float] = []
    cpu_gaps: list[float] = []  # the same in this thread's CPU time (see Gaps)
    spans: list[tuple[float, float]] = []  # each gap's (start, end)
    last = time.perf_counter()
    last_cpu = time.thread_time()
    feed = Feeder(model, rooms, per_tick, switches)

    def beat() -> None:
        nonlocal last, last_cpu
        now, cpu = time.perf_counter(), time.thread_time()
        gaps.append(now - last)
        cpu_gaps.append(cpu - last_cpu)
        spans.append((last, now))
        last, last_cpu = now, cpu

    def tick() -> None:
        feed.tick()
        if feed.done:
            feeder.stop()

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(beat)
    feeder = QTimer()
    feeder.setTimerType(Qt.TimerType.PreciseTimer)
    feeder.setInterval(10)
    feeder.timeout.connect(tick)
    start = time.perf_counter()
    last, last_cpu = start, time.thread_time()
    heartbeat.start()
    feeder.start()
    wait_until(app, lambda: feed.done and model.pending_count == 0)
    elapsed = time.perf_counter() - start
    heartbeat.stop()
    feed.settle()
    view.viewport().removeEventFilter(counter)
    apart = [
        end - begin
        for begin, end in spans
        if not any(begin < s_end and s_start < end for s_start, s_end in feed.switch_spans)
    ]
    at_switch = [
        end - begin
        for begin, end in spans
        if any(
            begin < s_end + SWITCH_SETTLE_S and s_start < end
            for s_start, s_end in feed.switch_spans
        )
    ]
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99)] if gaps else 0.0
    return StallResult(
        rows=feed.sent,
        seconds=elapsed,
        max_gap_ms=(gaps[-1] if gaps else 0.0) * 1000,
        max_cpu_gap_ms=max(cpu_gaps, default=0.0) * 1000,
        p99_gap_ms=p99 * 1000,
        max_gap_apart_ms=max(apart, default=0.0) * 1000,
        max_gap_at_switch_ms=max(at_switch, default=0.0) * 1000,
        paints=counter.count,
        at_bottom=view.is_at_bottom(),
        room_rows=check_rooms(rooms),
        switch_ms=[s * 1000 for s in feed.switch_s],
        switch_rows=feed.switch_rows,
    )


class GcPauses:
    """The longest cyclic-GC pause since the last :meth:`take`.

    Every Row is a GC-tracked object, and a full (generation 2) collection
    walks all of them: at 100,000+ rows that is tens of milliseconds, the
    largest single pause in the stream tests. Reported so a stall can be told
    apart from the model's and the view's own work.
    """

    def __init__(self) -> None:
        self._longest = 0.0
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started = now
        else:
            self._longest = max(self._longest, (now - self._started) * 1000)

    def take(self) -> float:
        longest, self._longest = self._longest, 0.0
        return longest


def cold_start(runs: int = 5) -> list[float]:
    """Seconds from starting ``python -m roomcast.desktop`` to its exit after showing the window."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="roomcast-cold-") as home:
            env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
            env.update(HOME=home, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "roomcast.desktop", "--quit-after", "0", "--name", "bench"],
                env=env,
                check=True,
                timeout=60,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - started)
    return times


# -- --held: a million rows, scrolled and searched ------------------------------------


@dataclass
class Gaps:
    """A 5 ms heartbeat's gaps, each told which part of the script it fell in."""

    part: str = "idle"
    last: float = 0.0
    last_cpu: float = 0.0

    def __post_init__(self) -> None:
        self.longest: dict[str, float] = {}
        #: The same gaps in this thread's CPU time: what the window itself spent
        #: (a busy machine stretches the wall-clock gaps, not these).
        self.longest_cpu: dict[str, float] = {}
        self.count: dict[str, int] = {}
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.beat)

    def start(self) -> None:
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap, cpu_gap = (now - self.last) * 1000, (cpu - self.last_cpu) * 1000
        self.last, self.last_cpu = now, cpu
        self.longest[self.part] = max(self.longest.get(self.part, 0.0), gap)
        self.longest_cpu[self.part] = max(self.longest_cpu.get(self.part, 0.0), cpu_gap)
        self.count[self.part] = self.count.get(self.part, 0) + 1


def held_script(
    view: MessageView, proxy: MessageFilterModel, gaps: Gaps, seed: int = 3
) -> list[tuple[str, int, Callable[[], object]]]:
    """The scripted use: (part, ms to wait before it, action)."""
    rng = random.Random(seed)
    bar = view.verticalScrollBar()
    steps: list[tuple[str, int, Callable[[], object]]] = []
    for _ in range(60):  # a wheel: 3 notches at a time, up from the bottom
        steps.append(("wheel", 16, lambda: bar.setValue(bar.value() - 3 * view.SCROLL_STEP)))
    for _ in range(15):  # the thumb dragged anywhere (rows never measured)
        steps.append(("drag", 100, lambda: bar.setValue(int(rng.random() * bar.maximum()))))
    for _ in range(20):
        steps.append(("page", 50, lambda: bar.triggerAction(bar.SliderAction.SliderPageStepSub)))
    steps.append(("page", 50, view.scroll_to_bottom))
    typed = "hello wor"
    for k in range(1, len(typed) + 1):
        steps.append(("find", 150, lambda k=k: proxy.set_filter(RowFilter(text=typed[:k]))))
    for k in range(len(typed) - 1, len(typed) - 4, -1):
        steps.append(("find", 150, lambda k=k: proxy.set_filter(RowFilter(text=typed[:k]))))
    regex = RowFilter(text=r"hel+o\s+w(or|ho)", regex=True)
    steps.append(("find", 150, lambda: proxy.set_filter(regex)))
    system = RowFilter(kinds=frozenset({RowKind.SYSTEM}))
    steps.append(("find", 150, lambda: proxy.set_filter(system)))
    steps.append(("clear", 150, lambda: proxy.set_filter(RowFilter())))
    for _ in range(10):  # and scrolling the whole list again
        steps.append(("drag", 100, lambda: bar.setValue(int(rng.random() * bar.maximum()))))
    steps.append(("idle", 1000, lambda: None))
    return steps


def run_script(
    app: QApplication, steps: list[tuple[str, int, Callable[[], object]]], gaps: Gaps
) -> None:
    """Run ``steps`` from the event loop (each after its wait), the heartbeat on."""
    todo = list(steps)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)

    def next_step() -> None:
        part, _, action = todo.pop(0)
        gaps.part = part
        action()
        if todo:
            timer.start(todo[0][1])

    timer.timeout.connect(next_step)
    gaps.start()
    timer.start(steps[0][1])
    wait_until(app, lambda: not todo and not timer.isActive(), timeout_s=600)
    gaps.stop()


def held_main(args: argparse.Namespace) -> int:
    """``--held N``: N rows held, scrolled and searched (see the module docstring)."""
    make = make_frames if args.frames == "mixed" else make_rows
    n_rows = args.held
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    model = MessageListModel()
    proxy = MessageFilterModel(model)
    view = MessageView(proxy)
    view.resize(600, 800)
    view.show()
    wait_until(app, view.isVisible)
    app.processEvents()
    gc.collect()
    rss_base = proc_status_mb("VmRSS")
    made = time.process_time()
    rows: list[Row] = []
    for start in range(0, n_rows, 100_000):  # in parts: no big temporaries
        rows += make(min(100_000, n_rows - start), start_seq=start + 1)
    made = time.process_time() - made
    gc.collect()
    rss_rows = proc_status_mb("VmRSS")
    with Noise() as noise:
        room = Room("room 1", model.timeline)
        room.start(rows)
        del rows
        ingested = ingest(app, view, model, [room], 0)
        rss_held = proc_status_mb("VmRSS")
        gaps = Gaps()
        run_script(app, held_script(view, proxy, gaps), gaps)
    shown = proxy.rowCount()
    rss_end = proc_status_mb("VmRSS")
    peak = proc_status_mb("VmHWM")
    worst = max(gaps.longest.values(), default=0.0)
    worst_cpu = max(gaps.longest_cpu.values(), default=0.0)
    result = {
        "mode": "held",
        "frames": args.frames,
        "rows": n_rows,
        "rows_made_cpu_s": round(made, 2),
        "ingest_s": round(ingested.seconds, 3),
        "ingest_cpu_s": round(ingested.cpu_seconds, 3),
        "rss_baseline_mb": round(rss_base, 1),
        "rss_rows_mb": round(rss_rows - rss_base, 1),
        "rss_bytes_per_row": round((rss_rows - rss_base) * 1024 * 1024 / n_rows),
        "rss_held_mb": round(rss_held, 1),
        "rss_end_mb": round(rss_end, 1),
        "peak_rss_mb": round(peak, 1),
        "max_stall_ms": round(worst, 1),
        "max_stall_ms_by_part": {k: round(v, 1) for k, v in gaps.longest.items()},
        "max_stall_cpu_ms": round(worst_cpu, 1),
        "max_stall_cpu_ms_by_part": {k: round(v, 1) for k, v in gaps.longest_cpu.items()},
        "beats_by_part": gaps.count,
        "shown_after_clear": shown,
        "noise": noise.as_dict(),
        "targets_met": worst < TARGET_STALL_MS and shown == n_rows,
    }
    if noise.refuse(show_disturbed=args.show_disturbed):
        return 3
    table = [
        ("metric", "value", "target"),
        (f"{n_rows:,} rows: the Row objects", f"{rss_rows - rss_base:.0f} MB", ""),
        ("  per row", f"{result['rss_bytes_per_row']} B", ""),
        ("  inserted and painted", f"{ingested.seconds:.2f} s", ""),
        ("  CPU time meanwhile", f"{ingested.cpu_seconds:.2f} s", ""),
        ("RSS held (Python + Qt + rows + model + view)", f"{rss_held:.0f} MB", ""),
        ("  after scrolling and searching / peak", f"{rss_end:.0f} / {peak:.0f} MB", ""),
        ("max stall, scrolling and find", f"{worst:.1f} ms", f"< {TARGET_STALL_MS:g} ms"),
        ("  the same in the window's CPU time", f"{worst_cpu:.1f} ms", ""),
    ]
    table += [
        (f"  {part} (wall / CPU)", f"{ms:.1f} / {gaps.longest_cpu[part]:.1f} ms", "")
        for part, ms in gaps.longest.items()
    ]
    widths = [max(len(line[i]) for line in table) for i in range(3)]
    for line in table:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    print(json.dumps(result))
    return 0 if (result["targets_met"] or not args.check) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.desktop_ingest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="20,000 rows and 3 s streams")
    parser.add_argument("--rows", type=int, help="rows to ingest (default 100,000)")
    parser.add_argument("--seconds", type=float, help="length of each stream (default 10)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="three-rooms",
        help="three rooms receiving at once, one shown and switched twice per phase "
        "(default), or one room always shown",
    )
    parser.add_argument(
        "--frames",
        choices=("chat", "mixed"),
        default="chat",
        help="chat messages (default), or a foreign server's frames: JSON, text, binary, "
        "pings (make_frames)",
    )
    parser.add_argument(
        "--held",
        type=int,
        metavar="N",
        help="instead: N rows held, then scrolled and searched (issue 20: 1000000)",
    )
    parser.add_argument(
        "--show-disturbed",
        action="store_true",
        help="print the numbers of a disturbed run too (marked; not results)",
    )
    args = parser.parse_args(argv)
    if args.held:
        return held_main(args)
    make = make_frames if args.frames == "mixed" else make_rows
    n_rows = args.rows or (20_000 if args.quick else 100_000)
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    n_rooms = SCENARIOS[args.scenario]
    switches = SWITCHES if n_rooms > 1 else 0

    noise = Noise()
    noise.start()
    starts = cold_start()
    start_s = statistics.median(starts)

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    model = MessageListModel()
    # The model's own timeline is the first room's: shown from the start.
    rooms = [Room("room 1", model.timeline)]
    rooms += [Room(f"room {i + 1}", Timeline("bench", f"room{i + 1}")) for i in range(1, n_rooms)]
    view = MessageView(model)
    view.resize(600, 800)
    view.show()
    wait_until(app, view.isVisible)
    app.processEvents()
    rss_base = peak_rss_mb()  # Python, Qt, fonts and an empty window
    # Each room its own history: seqs from 1 in each (no dedupe across rooms).
    sizes = split(n_rows, n_rooms)
    for i, (room, size) in enumerate(zip(rooms, sizes, strict=True)):
        room.start(make(size, seed=7 + 100 * i))
    rss_rows = peak_rss_mb()  # plus the rows, as the session would hold them

    pauses = GcPauses()
    ingested = ingest(app, view, model, rooms, switches)
    rss = peak_rss_mb()
    gc_ingest = pauses.take()
    for i, (room, size, n) in enumerate(
        zip(rooms, sizes, stream_rows(n_rooms, seconds), strict=True)
    ):
        room.start(make(n, start_seq=size + 1, seed=8 + 100 * i))
    pauses.take()
    on_top = stall(app, view, model, rooms, seconds, switches)
    gc_on_top = pauses.take()
    rss_end = peak_rss_mb()
    # The plain stream starts from empty rooms, in a process without those rows.
    for room in rooms:
        room.clear()
    gc.collect()
    for i, (room, n) in enumerate(zip(rooms, stream_rows(n_rooms, seconds), strict=True)):
        room.start(make(n, seed=9 + 100 * i))
    pauses.take()
    fresh = stall(app, view, model, rooms, seconds, switches)
    gc_fresh = pauses.take()
    view.close()
    noise.stop()
    if noise.refuse(show_disturbed=args.show_disturbed):
        return 3

    ok_start = start_s < TARGET_START_S
    ok_ingest = ingested.seconds < TARGET_INGEST_S
    ok_rss = rss < TARGET_RSS_MB
    ok_stall = fresh.max_gap_ms < TARGET_STALL_MS

    def per_room(result: IngestResult | StallResult) -> str:
        return " + ".join(f"{n:,}" for n in result.room_rows)

    def switched(*results: IngestResult | StallResult) -> str:
        times = [
            (t, n)
            for result in results
            for t, n in zip(result.switch_ms, result.switch_rows, strict=True)
        ]
        if not times:
            return "none"
        longest, rows = max(times)
        return f"{len(times)}, longest {longest:.1f} ms (to {rows:,} rows)"

    if n_rooms > 1:
        print(
            f"scenario: {args.scenario} ({n_rooms} rooms receiving at once, sharing the "
            f"rates; the room shown switched {switches} times per phase)"
        )
    else:
        print(f"scenario: {args.scenario} (one room, always shown)")
    print(f"frames: {args.frames}")
    table = [
        ("metric", "value", "target", "ok"),
        (
            f"cold start to shown window (median of {len(starts)})",
            f"{start_s:.2f} s",
            f"< {TARGET_START_S:g} s",
            ok_start,
        ),
        (
            f"{n_rows:,} rows inserted and painted",
            f"{ingested.seconds:.2f} s",
            f"< {TARGET_INGEST_S:g} s",
            ok_ingest,
        ),
        ("  CPU time meanwhile", f"{ingested.cpu_seconds:.2f} s", "", ""),
        ("peak RSS after ingest", f"{rss:.0f} MB", f"< {TARGET_RSS_MB:g} MB", ok_rss),
        ("  Python + Qt + empty window", f"{rss_base:.0f} MB", "", ""),
        ("  + the Row objects", f"{rss_rows - rss_base:.0f} MB", "", ""),
        ("  + timelines, model and view", f"{rss - rss_rows:.0f} MB", "", ""),
        (
            f"max stall, 5,000 rows/s x {seconds:g} s",
            f"{fresh.max_gap_ms:.1f} ms",
            f"< {TARGET_STALL_MS:g} ms",
            ok_stall,
        ),
        ("  in the window's CPU time", f"{fresh.max_cpu_gap_ms:.1f} ms", "", ""),
        ("  p99 heartbeat gap", f"{fresh.p99_gap_ms:.1f} ms", "", ""),
        ("  max stall apart from room switches", f"{fresh.max_gap_apart_ms:.1f} ms", "", ""),
        ("  max stall at a room switch", f"{fresh.max_gap_at_switch_ms:.1f} ms", "", ""),
        ("  rows delivered / s", f"{fresh.rows_per_s:,.0f}", "5,000", ""),
        (
            f"max stall, same on top of {n_rows:,} rows",
            f"{on_top.max_gap_ms:.1f} ms",
            "(extra)",
            on_top.max_gap_ms < TARGET_STALL_MS,
        ),
        ("  in the window's CPU time", f"{on_top.max_cpu_gap_ms:.1f} ms", "", ""),
        ("  p99 heartbeat gap", f"{on_top.p99_gap_ms:.1f} ms", "", ""),
        ("  max stall apart from room switches", f"{on_top.max_gap_apart_ms:.1f} ms", "", ""),
        ("  max stall at a room switch", f"{on_top.max_gap_at_switch_ms:.1f} ms", "", ""),
        ("peak RSS after the stream on top", f"{rss_end:.0f} MB", "", ""),
        ("rows per room, each landed once: ingest", per_room(ingested), "", ""),
        ("  on top / plain stream", f"{per_room(on_top)} / {per_room(fresh)}", "", ""),
        ("room switches (model.show)", switched(ingested, on_top, fresh), "", ""),
    ]
    table += [
        ("longest Python GC pause: ingest", f"{gc_ingest:.1f} ms", "", ""),
        ("  plain stream / on top", f"{gc_fresh:.1f} / {gc_on_top:.1f} ms", "", ""),
    ]
    widths = [max(len(str(line[i])) for line in table) for i in range(4)]
    for line in table:
        cells = [("yes" if c else "NO") if isinstance(c, bool) else str(c) for c in line]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    result = {
        "scenario": args.scenario,
        "frames": args.frames,
        "rooms": n_rooms,
        "cold_start_s": round(start_s, 3),
        "cold_start_runs_s": [round(t, 3) for t in starts],
        "rows": n_rows,
        "ingest_s": round(ingested.seconds, 3),
        "ingest_paints": ingested.paints,
        "ingest_at_bottom": ingested.at_bottom,
        "peak_rss_mb": round(rss, 1),
        "rss_baseline_mb": round(rss_base, 1),
        "rss_rows_mb": round(rss_rows - rss_base, 1),
        "rss_model_view_mb": round(rss - rss_rows, 1),
        "stream_seconds": seconds,
        "stall_max_ms": round(fresh.max_gap_ms, 1),
        "stall_p99_ms": round(fresh.p99_gap_ms, 1),
        "stall_max_cpu_ms": round(fresh.max_cpu_gap_ms, 1),
        "stall_on_top_max_cpu_ms": round(on_top.max_cpu_gap_ms, 1),
        "ingest_cpu_s": round(ingested.cpu_seconds, 3),
        "stall_apart_from_switches_max_ms": round(fresh.max_gap_apart_ms, 1),
        "stall_at_switches_max_ms": round(fresh.max_gap_at_switch_ms, 1),
        "stall_rows_per_s": round(fresh.rows_per_s),
        "stall_paints": fresh.paints,
        "stall_on_top_max_ms": round(on_top.max_gap_ms, 1),
        "stall_on_top_p99_ms": round(on_top.p99_gap_ms, 1),
        "stall_on_top_apart_from_switches_max_ms": round(on_top.max_gap_apart_ms, 1),
        "stall_on_top_at_switches_max_ms": round(on_top.max_gap_at_switch_ms, 1),
        "stall_on_top_rows": on_top.rows + n_rows,
        "peak_rss_end_mb": round(rss_end, 1),
        "room_rows": {
            "ingest": ingested.room_rows,
            "stall_on_top": on_top.room_rows,
            "stall": fresh.room_rows,
        },
        "switch_ms": {
            "ingest": [round(t, 1) for t in ingested.switch_ms],
            "stall_on_top": [round(t, 1) for t in on_top.switch_ms],
            "stall": [round(t, 1) for t in fresh.switch_ms],
        },
        "switch_rows": {
            "ingest": ingested.switch_rows,
            "stall_on_top": on_top.switch_rows,
            "stall": fresh.switch_rows,
        },
        "gc_pause_max_ms": {
            "ingest": round(gc_ingest, 1),
            "stall": round(gc_fresh, 1),
            "stall_on_top": round(gc_on_top, 1),
        },
        "noise": noise.as_dict(),
        "targets_met": ok_start and ok_ingest and ok_rss and ok_stall,
        "python": sys.version.split()[0],
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", ""),
    }
    print(json.dumps(result))
    return 0 if (result["targets_met"] or not args.check) else 1


if __name__ == "__main__":
    sys.exit(main())
