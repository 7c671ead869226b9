"""Foreign WebSocket servers for the client's tests: real ones, on port 0.

- :func:`node_broadcast_server`: the classic Node.js tutorial server on the
  npm ``ws`` package — the same one the benchmark compares against
  (``bench/node/reference-server.js``, locked by bench/node/package-lock.json
  and installed with ``npm ci`` on first use).
- :func:`echo_server`: a plain ``websockets`` server that sends every frame
  back as it came.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from tests.helpers import ROOT, WAIT, need

NODE_DIR = ROOT / "bench" / "node"


def _npm_ci() -> None:
    """Install the locked ``ws`` once (node_modules is not committed)."""
    if (NODE_DIR / "node_modules" / "ws" / "package.json").exists():
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=NODE_DIR,
        check=True,
        timeout=300,
        capture_output=True,
    )


@contextlib.contextmanager
def node_broadcast_server(script: str = "reference-server.js") -> Iterator[str]:
    """Run a Node ``ws`` broadcast server (bench/node/``script``: the reference
    one, or ``tutorial-server.js``, which forwards text as binary frames as the
    tutorials' code does); yields its ws:// URL."""
    need(
        shutil.which("node") is not None and shutil.which("npm") is not None,
        "Node.js and npm are not installed (scripts/system-deps node)",
    )
    _npm_ci()
    proc = subprocess.Popen(
        ["node", script, "0"],
        cwd=NODE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the server prints one line, then serves
        found = re.search(r"(ws://\S+)", line)
        if found is None:
            proc.kill()
            _, err = proc.communicate(timeout=WAIT)
            raise AssertionError(f"the Node ws server did not start: {line}{err}")
        yield found.group(1)
    finally:
        proc.terminate()
        proc.communicate(timeout=WAIT)


@contextlib.asynccontextmanager
async def ws_server(
    handler: Callable[[ServerConnection], Any], **kwargs: Any
) -> AsyncIterator[str]:
    """A plain websockets server on port 0 running ``handler``; yields its ws:// URL."""
    async with serve(handler, "127.0.0.1", 0, **kwargs) as server:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/"


async def echo(ws: ServerConnection) -> None:
    """A foreign server: sends every frame back as it came."""
    async for message in ws:
        await ws.send(message)


def echo_server(**kwargs: Any) -> contextlib.AbstractAsyncContextManager[str]:
    """A plain websockets echo server; yields its ws:// URL."""
    return ws_server(echo, **kwargs)
