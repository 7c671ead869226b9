#!/usr/bin/env python3
"""Render the fault scenarios' numbers as docs/reliability.md's table.

    ROOMCAST_FAULTS_RESULTS=/tmp/faults.jsonl \\
        .venv/bin/python -m pytest tests/faults -p no:cacheprovider
    .venv/bin/python scripts/reliability_table.py /tmp/faults.jsonl            # print it
    .venv/bin/python scripts/reliability_table.py /tmp/faults.jsonl --write    # into the doc

Each line of the results file is one scenario run (tests/faults/harness.py,
Report). A scenario run more than once keeps its last line. ``--write``
replaces what lies between the ``results:begin`` and ``results:end``
markers of docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
BEGIN = "<!-- results:begin -->"
END = "<!-- results:end -->"

HEADER = (
    "| scenario | client | sent | acknowledged | delivered per client | lost by the store "
    "| lost | duplicated | promise kept | notes |\n"
    "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |"
)


#: The issue's order (scenario names start so); others follow in the order run.
ORDER = (
    "kill -9",
    "restart with :memory:",
    "Redis restarted",
    "Redis FLUSHALL",
    "Redis with AOF",
    "a node SIGSTOPped",
    "SQLite file locked",
    "disk full",
)


def load(path: Path) -> list[dict[str, Any]]:
    runs: dict[tuple[str, str], dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            run = json.loads(line)
            runs[(run["scenario"], run["clients"])] = run

    def place(run: dict[str, Any]) -> tuple[int, int]:
        rank = next((i for i, p in enumerate(ORDER) if run["scenario"].startswith(p)), len(ORDER))
        return rank, 0 if run["clients"] == "protocol" else 1

    return sorted(runs.values(), key=place)


def notes(run: dict[str, Any]) -> str:
    parts = []
    if run.get("notes", {}).get("unacknowledged_at_fault") is not None:
        parts.append(f"{run['notes']['unacknowledged_at_fault']} unacknowledged when it struck")
    replayed = run.get("notes", {}).get("acknowledged_in_a_replay")
    if replayed:
        parts.append(f"{replayed} acknowledged only in the replay after reconnecting")
    internal = run.get("errors", {}).get("internal")
    if internal:
        parts.append(f"{internal} `internal` answers (resent)")
    resets = sum(run.get("resets", {}).values())
    if resets:
        parts.append(f"{resets} reset(s)")
    health = run.get("notes", {}).get("healthz")
    if health:
        parts.append(f"/healthz max {health['max_ms']} ms over {health['polls']} polls")
    slowest = run.get("notes", {}).get("slowest_ack_s")
    if slowest:
        parts.append(f"slowest ack {slowest} s")
    parts.append(f"{run['seconds']} s")
    return "; ".join(parts)


def row(run: dict[str, Any]) -> str:
    delivered = ", ".join(f"{k} {v}" for k, v in sorted(run["delivered"].items()))
    kept = "yes" if not run["problems"] else f"**no**: {_short(run['problems'][0])}"
    client = {"protocol": "protocol", "roomclient": "RoomClient"}.get(
        run["clients"], run["clients"]
    )
    cells = [
        run["scenario"],
        client,
        str(run["sent"]),
        str(run["acknowledged"]),
        delivered,
        str(run["lost_by_store"]),
        str(run["lost"]),
        str(run["duplicated"]),
        kept,
        notes(run),
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(runs: list[dict[str, Any]]) -> str:
    return "\n".join([HEADER, *(row(r) for r in runs)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, help="the JSON-lines file a run wrote")
    parser.add_argument("--write", action="store_true", help=f"replace the table in {DOC}")
    args = parser.parse_args(argv)
    rendered = table(load(args.results))
    if not args.write:
        print(rendered)
        return 0
    text = DOC.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print(f"{DOC}: no {BEGIN} ... {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{rendered}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
