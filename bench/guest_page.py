"""The guest page's weight and how soon it shows the room (issue 17).

Run (needs Debian's ``chromium`` and the ``playwright`` package; no browser
download)::

    .venv/bin/python -m bench.guest_page [--runs 5]

A ``roomcast-server`` on loopback holds a room with 30 messages. Each run
opens the room's page (``http://127.0.0.1:PORT/r/bench``) in a fresh headless
Chromium context (nothing cached), types a name, joins, and waits until the
first message row is shown. Measured:

* **bytes transferred**: every response the page needed (the HTML, its CSS
  and three JavaScript modules), bodies and headers as Chromium received
  them (no compression: the server sends none);
* **time to first message**: from the navigation's start to the first
  message row in the list, with the name typed and Join pressed by the
  script as soon as the name field is shown (a person takes longer: this is
  the page's and the server's share);
* **time to the name prompt**: from the navigation's start until the page
  is ready for a name (its modules loaded and run).

Loopback only: network latency is not in these numbers. The last line is one
JSON object with every number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from tests.helpers import ROOT, server_process

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MESSAGES = 30
SERVED = ("*.html", "*.css", "*.js")


async def fill_room(ws_url: str) -> None:
    from websockets.asyncio.client import connect

    async with connect(f"{ws_url}/r/bench", subprotocols=["roomcast.v1"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "hello", "name": "seeder"}))
        for i in range(MESSAGES):
            await ws.send(json.dumps({"type": "message", "content": f"message {i}", "id": f"s{i}"}))
            await asyncio.sleep(0.01)


async def one_run(browser: Any, page_url: str) -> dict[str, float]:
    context = await browser.new_context()
    page = await context.new_page()
    measuring: list[asyncio.Task[int]] = []

    async def size_of(response: Any) -> int:
        try:
            body = await response.body()
        except Exception:
            body = b""
        headers = await response.all_headers()
        head = sum(len(k) + len(v) + 4 for k, v in headers.items()) + 17
        return len(body) + head

    page.on("response", lambda r: measuring.append(asyncio.ensure_future(size_of(r))))
    started = time.perf_counter()
    await page.goto(page_url)
    await page.wait_for_selector("#name", state="visible")
    prompt = time.perf_counter() - started
    await page.fill("#name", "bench")
    await page.click("#join")
    await page.wait_for_selector("#messages li.msg", state="attached")
    first = time.perf_counter() - started
    sizes = await asyncio.gather(*measuring)  # the last response bodies
    await context.close()
    return {
        "bytes": float(sum(sizes)),
        "requests": float(len(sizes)),
        "prompt": prompt,
        "first": first,
    }


async def main_async(runs: int) -> int:
    from playwright.async_api import async_playwright

    with server_process("--db", ":memory:") as server:
        ws_url = server.url.rstrip("/")
        await fill_room(ws_url)
        page_url = ws_url.replace("ws://", "http://") + "/r/bench"
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            results = [await one_run(browser, page_url) for _ in range(runs)]
            await browser.close()
    # server/web/README.md, Budget: the served files, not the tests or the README.
    served = sum(p.stat().st_size for ext in SERVED for p in (ROOT / "server" / "web").glob(ext))
    first = [r["first"] * 1000 for r in results]
    prompt = [r["prompt"] * 1000 for r in results]
    print(f"page files: {served:,} bytes uncompressed (budget 60 KB)")
    sent, count = results[0]["bytes"], results[0]["requests"]
    print(f"transferred per load: {sent:,.0f} bytes in {count:.0f} responses")
    print(f"name prompt ready: median {statistics.median(prompt):.0f} ms over {runs} cold loads")
    print(
        f"first message shown: median {statistics.median(first):.0f} ms (max {max(first):.0f} ms)"
    )
    print(
        json.dumps(
            {
                "served_bytes": served,
                "transferred_bytes": results[0]["bytes"],
                "responses": results[0]["requests"],
                "prompt_ms": [round(p, 1) for p in prompt],
                "first_message_ms": [round(f, 1) for f in first],
            }
        )
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.guest_page", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=5, help="cold page loads (default 5)")
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args.runs))


if __name__ == "__main__":
    sys.exit(main())
