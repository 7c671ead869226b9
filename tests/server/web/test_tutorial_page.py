"""The classic tutorial's browser client, exactly as tutorials write it, against
roomcast-server (PROTOCOL.md 1.1, Joining: plain text from a client that
offered no subprotocol is posted as a message).

The page is served by a plain static server of its own (as a developer's
page is), so roomcast-server is started with ``--allow-origin`` for it: a
browser's foreign Origin is refused otherwise (PROTOCOL.md, Transport).
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from roomcast.desktop.rows import RowKind
from tests.desktop.windows import connected, open_window, rows_of
from tests.helpers import WAIT, free_port, server_process, until

#: The tutorial's page and client, as written (the port filled in).
PAGE = """<!DOCTYPE html>
<html>
  <head><title>WebSocket tutorial</title></head>
  <body>
    <h1>Open the console to see the broadcast in action</h1>
    <script src="client.js"></script>
  </body>
</html>
"""
CLIENT = """const socket = new WebSocket('ws://127.0.0.1:{port}');

socket.addEventListener('open', function (event) {{
  socket.send('Hello, Server!');
}});

socket.addEventListener('message', function (event) {{
  console.log(event.data);
}});
"""


@contextlib.contextmanager
def static_server(folder: Path) -> Iterator[int]:
    """``python -m http.server`` on 127.0.0.1 serving ``folder``; yields its port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while True:  # serving once it accepts a connection
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


async def test_two_tutorial_pages_see_each_others_hello_and_the_desktop_sees_both(
    browser: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    with static_server(site) as http_port:
        origin = f"http://127.0.0.1:{http_port}"
        with server_process("--db", ":memory:", "--allow-origin", origin) as server:
            port = int(server.url.rsplit(":", 1)[1].split("/")[0])
            (site / "index.html").write_text(PAGE)
            (site / "client.js").write_text(CLIENT.format(port=port))
            async with open_window(qtbot, tmp_path) as window:
                window.connect_to(f"ws://127.0.0.1:{port}/", "desk")
                await connected(window)
                await until(lambda: window.session.status.roomcast, what="joined")

                def frames(log: list[str]) -> list[dict[str, Any]]:
                    found = []
                    for text in log:
                        with contextlib.suppress(ValueError):
                            frame = json.loads(text)
                            if isinstance(frame, dict):
                                found.append(frame)
                    return found

                def you(log: list[str]) -> str | None:
                    """The page's name now (its last welcome: a reload is a new guest)."""
                    welcomes = [f["you"] for f in frames(log) if f.get("type") == "welcome"]
                    return welcomes[-1] if welcomes else None

                def hellos_from_others(log: list[str]) -> list[dict[str, Any]]:
                    return [
                        f
                        for f in frames(log)
                        if f.get("type") == "message"
                        and f.get("content") == "Hello, Server!"
                        and f.get("from") != you(log)
                    ]

                consoles: list[list[str]] = [[], []]
                pages = []
                for log in consoles:
                    page = await browser.new_page()
                    page.on("console", lambda message, log=log: log.append(message.text))
                    await page.goto(f"{origin}/index.html")
                    pages.append(page)
                    await until(lambda log=log: you(log) is not None, what="a welcome")
                # The second page's hello reached the first; the first's was
                # sent before the second was there (guests get no replay, as
                # on the tutorial's own server): reloaded, it says it again.
                before = you(consoles[0])
                await pages[0].reload()

                def each_sees_the_other() -> bool:
                    """Console events of two pages reach us in no set order:
                    decide on the names the pages hold now."""
                    names = [you(log) for log in consoles]
                    if None in names or names[0] == before:
                        return False  # the reloaded page's welcome not seen yet
                    return all(
                        other in {f.get("from") for f in hellos_from_others(log)}
                        for log, other in zip(consoles, reversed(names), strict=True)
                    )

                await until(
                    each_sees_the_other,
                    what="each page's console showing the other's Hello, Server!",
                )
                names = [you(log) for log in consoles]
                assert None not in names and names[0] != names[1]

                # The desktop client shows both as chat rows, from the two guests.
                def hellos_shown() -> set[str | None]:
                    chat = rows_of(window, RowKind.CHAT)
                    return {r.author for r in chat if r.text == "Hello, Server!"}

                await until(lambda: set(names) <= hellos_shown(), what="both as chat rows")
                assert all(r.text == "Hello, Server!" for r in rows_of(window, RowKind.CHAT))
                for page in pages:
                    await page.close()
