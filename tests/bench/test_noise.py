"""bench/noise.py: other programs' CPU marks a run disturbed; the benchmark's own does not."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.noise import Noise, process_tree_s

BURN = "import time\nt = time.time()\nwhile time.time() - t < {s}: pass\n"


def test_a_busy_child_is_the_benchmarks_own_work() -> None:
    with Noise() as noise:
        subprocess.run([sys.executable, "-c", BURN.format(s=1.0)], check=True)
    assert noise.ours_s >= 0.5  # the waited-for child's CPU is counted as ours
    assert noise.wall_s >= 1.0


def test_a_live_grandchild_counts_as_ours() -> None:
    child = subprocess.Popen([sys.executable, "-c", BURN.format(s=1.0)])
    try:
        time.sleep(0.8)
        assert process_tree_s() >= 0.3
    finally:
        child.wait()


def test_another_program_burning_a_core_disturbs_the_run() -> None:
    # Started through a shell that exits at once: the burner is re-parented to
    # init, no longer a descendant of this process, so it is "another program".
    subprocess.run(
        ["sh", "-c", f"{sys.executable} -c '{BURN.format(s=2.0)}' >/dev/null 2>&1 &"],
        check=True,
    )
    with Noise() as noise:
        time.sleep(1.5)
    assert noise.other_pct > 50
    assert noise.disturbed
    assert "DISTURBED" in noise.line()
