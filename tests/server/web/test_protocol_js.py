"""The guest page's protocol logic (server/web/protocol.js, no DOM) under
Node's own test runner: ``node --test server/web/test/``."""

from __future__ import annotations

import shutil
import subprocess

from tests.helpers import ROOT, need


def test_the_page_protocol_logic_passes_its_node_tests() -> None:
    node = shutil.which("node")
    need(node is not None, "Node.js is not installed (scripts/system-deps node)")
    assert node is not None
    run = subprocess.run(
        [node, "--test", "server/web/test/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
