"""How much other work the machine did while a benchmark ran (Linux /proc).

A benchmark's times only mean something on a quiet machine. :class:`Noise`
takes the whole machine's busy CPU time from ``/proc/stat`` and this
benchmark's own (this process, its children still alive, and the children
it has waited for) from ``/proc/<pid>/stat``, at the start and at the end of
a measured span; the difference is what *other* programs used meanwhile::

    with Noise() as noise:
        run_the_measured_part()
    print(noise.line())          # "noise: other processes used 3% of a core ..."
    if noise.disturbed:
        ...                      # refuse to report the figure

Processes the benchmark started and that are still running (servers, a
``redis-server``, a Node.js generator) are found as descendants of this
process. Softirq time (the kernel's loopback TCP work) is counted as the
benchmark's own: it is work the benchmark caused, in no process's times.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from types import TracebackType

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: Other processes busier than this (percent of one core, averaged over the
#: span) mark the run DISTURBED: its times are not reported as results.
DISTURBED_PCT = 10.0


def machine_busy_s() -> tuple[float, float]:
    """The machine's busy and softirq CPU seconds since boot, all cores."""
    with open("/proc/stat") as f:
        first = f.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in first[1:8])
    return (user + nice + system + irq + softirq) / CLK_TCK, softirq / CLK_TCK


def proc_status_mb(field: str) -> float:
    """A memory line of ``/proc/self/status`` (VmRSS: now, VmHWM: the peak), in
    MB (NaN where there is no /proc)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after it.
    return raw[raw.rindex(")") + 2 :].split()


def process_tree_s(root: int | None = None) -> float:
    """CPU seconds of ``root`` (default: this process), the children it has
    waited for, and every live descendant (user + system)."""
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat(int(entry))
        if fields is None:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        # utime, stime, cutime, cstime are fields 14-17 (1-based), 11-14 here.
        cpu[pid] = sum(int(v) for v in fields[11:15]) / CLK_TCK
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(children.get(pid, ()))
    return total


@dataclass
class Noise:
    """Other processes' CPU over a span (a context manager; see the module)."""

    limit_pct: float = DISTURBED_PCT
    wall_s: float = 0.0
    ours_s: float = 0.0
    machine_s: float = 0.0
    _start: tuple[float, float, float] = field(default=(0.0, 0.0, 0.0), repr=False)

    def start(self) -> None:
        busy, softirq = machine_busy_s()
        self._start = (os.times().elapsed, busy - softirq, process_tree_s())

    def stop(self) -> None:
        busy, softirq = machine_busy_s()
        t0, busy0, ours0 = self._start
        self.wall_s = os.times().elapsed - t0
        self.machine_s = busy - softirq - busy0
        self.ours_s = process_tree_s() - ours0

    def __enter__(self) -> Noise:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def other_pct(self) -> float:
        """Other processes' CPU, in percent of one core, over the span."""
        if self.wall_s <= 0:
            return 0.0
        return max(0.0, 100 * (self.machine_s - self.ours_s) / self.wall_s)

    @property
    def disturbed(self) -> bool:
        return self.other_pct > self.limit_pct

    def line(self) -> str:
        verdict = (
            f"DISTURBED (over {self.limit_pct:g}%): not reported"
            if self.disturbed
            else f"quiet (limit {self.limit_pct:g}%)"
        )
        ours = 100 * self.ours_s / max(self.wall_s, 1e-9)
        return (
            f"noise: other processes used {self.other_pct:.1f}% of a core over "
            f"{self.wall_s:.1f} s (this benchmark {ours:.0f}%) - {verdict}"
        )

    def refuse(self, *, show_disturbed: bool = False) -> bool:
        """Print :meth:`line`; True when the run must not be reported (it was
        disturbed, and ``show_disturbed``, for development only, is off)."""
        print(self.line())
        if not self.disturbed:
            return False
        if not show_disturbed:
            print("refused: the machine was busy (see the noise line); run it again on a quiet one")
            return True
        print("DISTURBED RUN: these numbers are not results")
        return False

    def as_dict(self) -> dict[str, float | bool]:
        return {
            "other_pct": round(self.other_pct, 1),
            "wall_s": round(self.wall_s, 2),
            "disturbed": self.disturbed,
        }
