"""How long a program takes from its start to a shown (mapped, viewable) window.

    xvfb-run -a -s "-screen 0 1280x800x24" python packaging/time_to_window.py \\
        [--runs 5] [--title Roomcast] -- dist/Roomcast/roomcast --name alice

Starts the program with QT_QPA_PLATFORM=xcb and a fresh HOME (first run: no
settings, no cache), polls ``xdotool search --onlyvisible --name TITLE`` every
5 ms until the window is viewable, then ends the program. Prints each run and
the median. Needs an X display (Xvfb) and xdotool; stdlib only otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def one_run(command: list[str], title: str, timeout: float) -> float:
    with tempfile.TemporaryDirectory(prefix="roomcast-timing-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
        env.update(HOME=home, QT_QPA_PLATFORM="xcb")
        started = time.perf_counter()
        program = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            while time.perf_counter() - started < timeout:
                found = subprocess.run(
                    ["xdotool", "search", "--onlyvisible", "--name", title],
                    capture_output=True,
                    check=False,
                )
                if found.returncode == 0 and found.stdout.strip():
                    return time.perf_counter() - started
                if program.poll() is not None:
                    raise SystemExit(f"{command[0]} exited ({program.returncode}) with no window")
                time.sleep(0.005)
            raise SystemExit(f"no window titled {title!r} within {timeout} s")
        finally:
            program.terminate()
            try:
                program.wait(10)
            except subprocess.TimeoutExpired:
                program.kill()
                program.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--title", default="Roomcast")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no program given")
    if not os.environ.get("DISPLAY"):
        parser.error("no DISPLAY: run under xvfb-run")
    times = []
    for i in range(args.runs):
        seconds = one_run(command, args.title, args.timeout)
        times.append(seconds)
        print(f"run {i + 1}: window shown after {seconds:.3f} s")
    print(f"median of {len(times)}: {statistics.median(times):.3f} s (max {max(times):.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
