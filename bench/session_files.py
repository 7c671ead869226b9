"""Saving and opening a session file of a million rows: time, memory, stalls.

Run (no display needed)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.session_files [--quick]
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.session_files --rows 1000000 --no-window

The rows are a mix like an inspector's session (``make_row``): chat
messages with their frames, JSON, plain text and binary frames, both
directions. Each phase runs in a process of its own, so that its RSS and
its peak (``/proc/self/status``: VmRSS, VmHWM) are its own:

1. **write**: ``--rows`` rows, made one at a time, written by
   ``export.SessionWriter``: nothing but the row being written is held.
   Making the rows is timed in a pass of its own and left out.
2. **count**: ``export.open_session`` and count the rows: the streamed
   reader, nothing kept.
3. **list**: the same read keeping every row in a list, which is what a
   viewer holds (and what the reader before issue 20 built, under a
   512 MiB file-size cap). For 1-3 the RSS is taken after the first
   100,000 rows (a tenth with fewer rows) and after the last: streamed, the
   two are the same; kept, the second grows with the rows.
4. **save** (``--no-window`` skips 4 and 5): the rows in a window's
   ``MessageListModel``, exported as the app does (``export.snapshot``,
   then ``export.save_session`` on the qasync loop, a slice at a time),
   while a 5 ms heartbeat timer records the longest time the loop could
   not run (issue 20: under 50 ms).
5. **open**: the file opened in a shown ``SessionViewer``, read a slice at
   a time into its model and view, with the same heartbeat.

Times are CPU seconds of the phase's process (``time.process_time``) and
wall seconds (indicative: the machine is shared). Every run prints the
machine's noise (``bench/noise.py``) and refuses to report a disturbed run
(exit 3; ``--show-disturbed`` prints the numbers anyway, marked so). The
last line of output is one JSON object with every number.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.noise import Noise, proc_status_mb
from roomcast.desktop.export import SessionWriter, open_session, save_session, snapshot
from roomcast.desktop.rows import Direction, Row, RowKind, SendState, binary_summary

#: The loop may not stall longer than this (issue 20, the window's target).
TARGET_STALL_MS = 50.0
PHASES = ("write", "count", "list", "save", "open")
WHEN = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def make_row(i: int) -> Row:
    """Row ``i`` of the session: deterministic, about 250 bytes a line."""
    time_ = WHEN + timedelta(milliseconds=37 * i)
    kind = i % 10
    if kind < 6:  # chat, a third of it ours
        mine = kind < 2
        text = f"message {i}: the build is green again, merging the branch now"
        raw = json.dumps({"type": "message", "seq": i + 1, "from": f"user{i % 13}", "text": text})
        return Row(
            kind=RowKind.CHAT,
            text=text,
            time=time_,
            author="me" if mine else f"user{i % 13}",
            seq=i + 1,
            id=f"c{i}" if mine else None,
            mine=mine,
            state=SendState.SENT if mine else None,
            direction=Direction.OUT if mine else Direction.IN,
            raw=raw,
        )
    if kind < 8:  # JSON that is not a Roomcast frame
        raw = json.dumps({"op": "tick", "symbol": "ACME", "price": 100 + i % 97, "n": i})
        return Row(kind=RowKind.JSON, text=raw, time=time_, raw=raw)
    if kind == 8:
        raw = f"PING {i} plain text frame"
        return Row(kind=RowKind.TEXT, text=raw, time=time_, raw=raw, direction=Direction.OUT)
    data = i.to_bytes(8, "big") * 8
    return Row(kind=RowKind.BINARY, text=binary_summary(data), time=time_, raw=data)


def make_rows(n: int) -> Iterator[Row]:
    return (make_row(i) for i in range(n))


def reset_peak() -> None:
    """Start VmHWM over from the RSS now (Linux: ``/proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def checkpoint(rows: int) -> int:
    return min(100_000, max(rows // 10, 1))


class Clock:
    """CPU and wall seconds since it was made."""

    def __init__(self) -> None:
        self.cpu = time.process_time()
        self.wall = time.perf_counter()

    def read(self) -> dict[str, float]:
        return {
            "cpu_s": round(time.process_time() - self.cpu, 2),
            "wall_s": round(time.perf_counter() - self.wall, 2),
        }


# -- phases (each in its own process) --------------------------------------------------


def phase_write(path: Path, rows: int) -> dict[str, Any]:
    mark = checkpoint(rows)
    making = Clock()
    for _ in make_rows(rows):  # what making the rows costs, to tell it from writing them
        pass
    make_cpu_s = making.read()["cpu_s"]
    base = proc_status_mb("VmRSS")
    reset_peak()
    rss_mark = math.nan
    clock = Clock()
    with SessionWriter(path, rows=rows, room="bench") as writer:
        for i, row in enumerate(make_rows(rows), start=1):
            writer.write(row)
            if i == mark:
                rss_mark = proc_status_mb("VmRSS")
        writer.commit()
    times = clock.read()
    return {
        "cpu_s": round(times["cpu_s"] - make_cpu_s, 2),
        "wall_s": times["wall_s"],
        "make_cpu_s": make_cpu_s,
        "bytes": path.stat().st_size,
        "rss_base_mb": round(base, 1),
        "rss_at_mark_mb": round(rss_mark, 1),
        "rss_end_mb": round(proc_status_mb("VmRSS"), 1),
        "peak_mb": round(proc_status_mb("VmHWM"), 1),
    }


def phase_read(path: Path, rows: int, keep: bool) -> dict[str, Any]:
    mark = checkpoint(rows)
    base = proc_status_mb("VmRSS")
    reset_peak()
    rss_mark = math.nan
    kept: list[Row] = []
    clock = Clock()
    with open_session(path) as reader:
        for row in reader:
            if keep:
                kept.append(row)
            if reader.count == mark:
                rss_mark = proc_status_mb("VmRSS")
        count = reader.count
    result = {
        **clock.read(),
        "rows": count,
        "rss_base_mb": round(base, 1),
        "rss_at_mark_mb": round(rss_mark, 1),
        "rss_end_mb": round(proc_status_mb("VmRSS"), 1),
        "peak_mb": round(proc_status_mb("VmHWM"), 1),
    }
    assert count == rows
    assert not keep or len(kept) == rows
    return result


class Heartbeat:
    """The longest gap between the ticks of a 5 ms timer: how long the event
    loop (and so the window) could not run. Python's cyclic GC pauses are
    told apart (``gc.callbacks``): a full collection grows with the objects
    alive (a million rows), whoever allocated last."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.longest_ms = 0.0
        self.beats = 0
        #: Gaps over the target without a long GC pause in them, and with one.
        self.over = 0
        self.over_gc = 0
        self.longest_gc_ms = 0.0
        self._gc_started = 0.0
        self._gc_in_gap = False
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        gc.callbacks.append(self._gc)
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._beat()
        self._timer.stop()
        gc.callbacks.remove(self._gc)

    def as_dict(self) -> dict[str, Any]:
        return {
            "max_stall_ms": round(self.longest_ms, 1),
            "beats": self.beats,
            "stalls_over_target": self.over,
            "stalls_over_target_in_gc": self.over_gc,
            "longest_gc_ms": round(self.longest_gc_ms, 1),
        }

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        pause = (time.perf_counter() - self._gc_started) * 1000
        self.longest_gc_ms = max(self.longest_gc_ms, pause)
        if pause > TARGET_STALL_MS / 2:
            self._gc_in_gap = True

    def _beat(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self.longest_ms = max(self.longest_ms, gap)
        if gap > TARGET_STALL_MS:
            if self._gc_in_gap:
                self.over_gc += 1
            else:
                self.over += 1
        self._gc_in_gap = False
        self._last = now
        self.beats += 1


def on_qasync(main: Any) -> dict[str, Any]:
    """Run the coroutine function ``main`` on a qasync loop over an offscreen
    app, with the app's collector (``MainThreadGC``: Python's automatic
    collections off, a pass every 5 s that freezes what survives), as the
    app runs: an automatic full collection would stall for tens of ms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from roomcast.desktop.app import MainThreadGC

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    collector = MainThreadGC()
    _collectors.append(collector)
    try:
        result: dict[str, Any] = loop.run_until_complete(main())
    finally:
        _collectors.remove(collector)
        collector.stop()
        loop.close()
    return result


_collectors: list[Any] = []


def settled() -> None:
    """What the app's collector has done by the time a user saves or opens:
    everything older than its last pass is frozen (a pass every 5 s). The
    bench made its rows just now, in one go; without this, the first pass
    would scan them all, and everything since start-up, inside the
    measured span: a one-time cost the app pays early, not at the save."""
    for collector in _collectors:
        collector.collect()


async def measuring() -> tuple[float, Heartbeat]:
    """Start an app phase's measured span: the peak reset, the RSS before it,
    the collector settled, the heartbeat running."""
    reset_peak()
    base = proc_status_mb("VmRSS")
    settled()
    heartbeat = Heartbeat()
    heartbeat.start()
    await asyncio.sleep(0.05)
    return base, heartbeat


def phase_save(path: Path, rows: int) -> dict[str, Any]:
    from roomcast.desktop.models import MessageListModel

    async def main() -> dict[str, Any]:
        model = MessageListModel()
        model.timeline.extend(make_rows(rows))
        model.flush()
        base, heartbeat = await measuring()
        clock = Clock()
        started = time.perf_counter()
        held = snapshot(model.rows)  # what Save does, at once, on the loop
        snapshot_ms = (time.perf_counter() - started) * 1000
        progress: list[int] = []
        written = await save_session(held, path, room="bench", progress=progress.append)
        times = clock.read()
        await asyncio.sleep(0.05)
        heartbeat.stop()
        assert written == rows
        return {
            **times,
            "snapshot_ms": round(snapshot_ms, 1),
            "slices": len(progress) + 1,
            **heartbeat.as_dict(),
            "rss_rows_held_mb": round(base, 1),
            "peak_mb": round(proc_status_mb("VmHWM"), 1),
        }

    return on_qasync(main)


def phase_open(path: Path, rows: int) -> dict[str, Any]:
    from roomcast.desktop.widgets.session_viewer import SessionViewer

    async def main() -> dict[str, Any]:
        base, heartbeat = await measuring()
        clock = Clock()
        viewer = SessionViewer(open_session(path), path)
        loaded = asyncio.Event()
        viewer.loaded.connect(loaded.set)
        viewer.show()
        await loaded.wait()
        times = clock.read()
        await asyncio.sleep(0.05)
        heartbeat.stop()
        shown = viewer.model.rowCount()
        assert shown == rows, (shown, rows)
        result = {
            **times,
            "rows": shown,
            **heartbeat.as_dict(),
            "rss_base_mb": round(base, 1),
            "rss_end_mb": round(proc_status_mb("VmRSS"), 1),
            "peak_mb": round(proc_status_mb("VmHWM"), 1),
        }
        viewer.close()
        return result

    return on_qasync(main)


def run_phase(phase: str, path: Path, rows: int) -> dict[str, Any]:
    if phase == "write":
        return phase_write(path, rows)
    if phase in ("count", "list"):
        return phase_read(path, rows, keep=phase == "list")
    if phase == "save":
        return phase_save(path.with_name("saved.jsonl"), rows)
    return phase_open(path, rows)


# -- the run ---------------------------------------------------------------------------


def child(phase: str, path: Path, rows: int) -> dict[str, Any]:
    """One phase in a process of its own; its JSON line."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.session_files",
            "--phase",
            phase,
            "--file",
            str(path),
            "--rows",
            str(rows),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def stalls(r: dict[str, Any]) -> str:
    return (
        f"{r['stalls_over_target']} + {r['stalls_over_target_in_gc']} with a GC pause, "
        f"the longest {r['longest_gc_ms']:.0f} ms"
    )


def report(results: dict[str, dict[str, Any]], rows: int) -> list[tuple[str, str]]:
    mark = checkpoint(rows)
    lines: list[tuple[str, str]] = []
    write = results["write"]
    size = write["bytes"] / 1024 / 1024
    lines.append(("file", f"{size:.0f} MiB ({write['bytes'] / rows:.0f} B a row)"))
    for phase, what in (
        ("write", "write, streamed"),
        ("count", "read, streamed count"),
        ("list", "read into a list of rows"),
    ):
        r = results[phase]
        growth = r["rss_end_mb"] - r["rss_at_mark_mb"]
        lines.append(
            (
                what,
                f"{r['cpu_s']:.1f} s CPU ({rows / max(r['cpu_s'], 1e-9):,.0f} rows/s), "
                f"RSS {r['rss_at_mark_mb']:.0f} MB after {mark:,} rows, "
                f"{r['rss_end_mb']:.0f} MB after {rows:,} ({growth:+.1f} MB), "
                f"peak {r['peak_mb']:.0f} MB",
            )
        )
    if "save" in results:
        r = results["save"]
        lines.append(
            (
                "save in the app",
                f"{r['cpu_s']:.1f} s CPU, {r['wall_s']:.1f} s wall, snapshot "
                f"{r['snapshot_ms']:.0f} ms, longest stall {r['max_stall_ms']:.1f} ms "
                f"(target < {TARGET_STALL_MS:g}; over it: {stalls(r)}), "
                f"{r['slices']:,} slices",
            )
        )
    if "open" in results:
        r = results["open"]
        lines.append(
            (
                "open in a viewer",
                f"{r['cpu_s']:.1f} s CPU, {r['wall_s']:.1f} s wall, longest stall "
                f"{r['max_stall_ms']:.1f} ms (target < {TARGET_STALL_MS:g}; "
                f"over it: {stalls(r)}), RSS "
                f"{r['rss_end_mb'] - r['rss_base_mb']:.0f} MB for the rows shown, "
                f"peak {r['peak_mb']:.0f} MB",
            )
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.session_files", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 rows (under a minute)")
    parser.add_argument("--no-window", action="store_true", help="skip the save and open phases")
    parser.add_argument("--show-disturbed", action="store_true", help="print a disturbed run")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rows = 100_000 if args.quick else args.rows
    if args.phase:  # a child: one phase, one JSON line
        print(json.dumps(run_phase(args.phase, args.file, rows)))
        return 0
    phases = [p for p in PHASES if not (args.no_window and p in ("save", "open"))]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="roomcast-bench-") as folder:
        path = Path(folder) / "session.jsonl"
        with Noise() as noise:
            for phase in phases:
                results[phase] = child(phase, path, rows)
    if noise.refuse(show_disturbed=args.show_disturbed):
        return 3
    lines = report(results, rows)
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"{name.ljust(width)}  {value}")
    print(json.dumps({"rows": rows, "noise": noise.as_dict(), **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
