"""The guest page (server/web/) in a real headless Chromium, served by the
room server itself, against real servers: a desktop window, a headless
``roomcast-server`` and plain ``websockets`` members.

The page's test hooks (server/web/README.md): ``html[data-state]`` is the
connection state; each message is an ``li`` in ``#messages`` with
``data-seq``, ``data-id`` (ours) and ``data-state`` (sending, sent, failed).
"""

from __future__ import annotations

import asyncio
import json
import ssl
from pathlib import Path
from typing import Any

import trustme
from pytestqt.qtbot import QtBot

from roomcast.desktop.hosting import HostSettings
from roomcast.desktop.rows import RowKind
from tests.desktop.windows import connected, open_window, rows_of, type_and_send
from tests.helpers import WAIT, free_port, member, peer, server_process, until
from tests.server.web.test_tutorial_page import static_server


def page_url(ws_url: str) -> str:
    return ws_url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)


async def join(page: Any, url: str, name: str, password: str | None = None) -> None:
    """Open the page at ``url`` and join as ``name``."""
    await page.goto(url)
    await page.wait_for_selector("#name", state="visible")
    await page.fill("#name", name)
    await page.click("#join")
    if password is not None:  # asked for once the server says the room needs one
        await page.wait_for_selector("#password", state="visible")
        await page.fill("#password", password)
        await page.click("#join")


async def page_until(page: Any, expression: str, timeout: float = WAIT) -> None:
    """Poll ``expression`` in the page until it is true (``wait_for_function``
    evaluates strings, which the page's CSP forbids: ``evaluate`` of a
    function is allowed)."""
    try:
        async with asyncio.timeout(timeout):
            while not await page.evaluate(f"() => Boolean({expression})"):
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting in the page for {expression}") from None


async def state(page: Any) -> str:
    return str(await page.evaluate("() => document.documentElement.dataset.state || ''"))


async def wait_state(page: Any, wanted: str, timeout: float = WAIT) -> None:
    await page_until(
        page,
        f"document.documentElement.dataset.state === {json.dumps(wanted)}",
        timeout=timeout,
    )


async def say(page: Any, text: str) -> None:
    await page.fill("#composer", text)
    await page.click("#send")


async def shown(page: Any) -> list[dict[str, Any]]:
    """The messages the page shows: text, seq, id and state, in order."""
    result = await page.evaluate(
        """() => [...document.querySelectorAll('#messages li[data-seq], #messages li[data-id]')]
              .map(li => ({seq: li.dataset.seq ? Number(li.dataset.seq) : null,
                           id: li.dataset.id || null, state: li.dataset.state || null,
                           text: li.textContent}))"""
    )
    return list(result)


async def texts_shown(page: Any) -> list[str]:
    return [m["text"] for m in await shown(page)]


async def test_a_guest_and_a_desktop_window_chat_in_a_hosted_room(
    browser: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    async with open_window(qtbot, tmp_path) as window:
        settings = HostSettings(room="team", host="127.0.0.1", port=0)
        assert await window.session.host(settings, "host")
        await until(lambda: window.session.invite, what="the invite")
        link = window.invite_panel.link() or page_url(window.session.invite[0])
        assert link.startswith("http://127.0.0.1:") and link.endswith("/r/team")
        page = await browser.new_page()
        await join(page, link, "guest")
        await wait_state(page, "connected")
        await say(page, "hello from the browser")
        await until(
            lambda: (
                ("guest", "hello from the browser")
                in [(r.author, r.text) for r in rows_of(window, RowKind.CHAT)]
            ),
            what="the guest's message in the window",
        )
        await type_and_send(qtbot, window, "hello from the app")
        await page_until(
            page,
            "[...document.querySelectorAll('#messages li')]"
            ".some(li => li.textContent.includes('hello from the app'))",
        )
        mine = [m for m in await shown(page) if "hello from the browser" in m["text"]]
        assert len(mine) == 1 and mine[0]["state"] == "sent" and mine[0]["seq"] is not None


async def test_a_guest_chats_with_a_desktop_client_in_a_headless_servers_room(
    browser: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    with server_process("--db", ":memory:") as server:
        room = server.url.rstrip("/") + "/r/ops"
        async with open_window(qtbot, tmp_path) as window:
            window.connect_to(room, "desk")
            await connected(window)
            page = await browser.new_page()
            await join(page, page_url(room), "web")
            await wait_state(page, "connected")
            await type_and_send(qtbot, window, "ping from desk")
            await page_until(
                page,
                "document.querySelector('#messages').textContent.includes('ping from desk')",
            )
            await say(page, "pong from web")
            await until(
                lambda: "pong from web" in [r.text for r in rows_of(window, RowKind.CHAT)],
                what="the guest's answer",
            )


async def test_the_guest_survives_a_kill_and_restart_nothing_lost_nothing_twice(
    browser: Any, tmp_path: Path
) -> None:
    port = free_port()
    db = tmp_path / "rooms.sqlite3"
    room = f"ws://127.0.0.1:{port}/r/steady"
    page = await browser.new_page()
    with server_process("--port", str(port), "--db", str(db)):
        await join(page, page_url(room), "web")
        await wait_state(page, "connected")
        async with member(room, "bob") as (bob, _):
            for i in range(5):
                await bob.send({"type": "message", "content": f"before {i}", "id": f"b{i}"})
            await page_until(
                page,
                "document.querySelector('#messages').textContent.includes('before 4')",
            )
    # Leaving server_process SIGKILLs the server: no close frame, no goodbye.
    await page_until(page, "document.documentElement.dataset.state !== 'connected'")
    await say(page, "typed while down")
    pending = [m for m in await shown(page) if "typed while down" in m["text"]]
    assert len(pending) == 1 and pending[0]["state"] == "sending"
    with server_process("--port", str(port), "--db", str(db)):
        await wait_state(page, "connected", timeout=45)
        await page_until(
            page,
            "[...document.querySelectorAll('#messages li')]"
            ".some(li => li.textContent.includes('typed while down') "
            "&& li.dataset.state === 'sent')",
        )
        async with member(room, "carol") as (carol, _):
            await carol.send({"type": "history", "limit": 50})
            history = await carol.until("history")
            contents = [m["content"] for m in history["messages"]]
    # The server holds every message once, in order, the pending one sent once.
    assert contents == [f"before {i}" for i in range(5)] + ["typed while down"]
    seqs = [m["seq"] for m in await shown(page) if m["seq"] is not None]
    assert seqs == sorted(set(seqs)), "each seq once, in order"
    assert sum("typed while down" in t for t in await texts_shown(page)) == 1


async def test_a_password_room_refuses_the_wrong_password_then_takes_the_right_one(
    browser: Any,
) -> None:
    with server_process("--db", ":memory:", "--password", "s3cret") as server:
        room = server.url.rstrip("/") + "/r/club"
        page = await browser.new_page()
        await join(page, page_url(room), "web", password="wrong")
        await page_until(
            page,
            "document.querySelector('#join-error').textContent.trim().length > 0",
        )
        assert await state(page) != "connected"
        await page.fill("#password", "s3cret")
        await page.click("#join")
        await wait_state(page, "connected")


async def test_markup_in_messages_arrives_as_text_and_no_script_runs(browser: Any) -> None:
    with server_process("--db", ":memory:") as server:
        room = server.url.rstrip("/") + "/r/safe"
        page = await browser.new_page()
        await join(page, page_url(room), "web")
        await wait_state(page, "connected")
        payloads = [
            '<img src=x onerror="window.__pwned = 1">',
            "<script>window.__pwned = 2</script>",
            '<a href="javascript:window.__pwned=3">click</a> https://example.com/ok',
        ]
        async with member(room, "mallory") as (mallory, _):
            for i, text in enumerate(payloads):
                await mallory.send({"type": "message", "content": text, "id": f"m{i}"})
            await page_until(
                page,
                "document.querySelector('#messages').textContent.includes('https://example.com/ok')",
            )
        await asyncio.sleep(0.3)  # an onerror would have fired by now
        assert await page.evaluate("window.__pwned === undefined")
        assert (
            await page.evaluate(
                "document.querySelectorAll('#messages img, #messages script').length"
            )
            == 0
        )
        text = await page.evaluate("document.querySelector('#messages').textContent")
        for payload in payloads[:2]:
            assert payload in text
        # The URL is a link that opens without giving the page away; the
        # javascript: one is not a link at all.
        links = await page.evaluate(
            "() => [...document.querySelectorAll('#messages a')].map(a => [a.href, a.rel])"
        )
        assert ["https://example.com/ok", "noopener noreferrer"] in [list(x) for x in links]
        assert not any(href.startswith("javascript:") for href, _ in links)


async def test_a_page_from_another_origin_cannot_open_the_socket(
    browser: Any, tmp_path: Path
) -> None:
    site = tmp_path / "elsewhere"
    site.mkdir()
    (site / "index.html").write_text("<!DOCTYPE html><title>elsewhere</title>")
    with server_process("--db", ":memory:") as server, static_server(site) as http_port:
        page = await browser.new_page()
        await page.goto(f"http://127.0.0.1:{http_port}/index.html")
        outcome = await page.evaluate(
            """url => new Promise(resolve => {
                 const ws = new WebSocket(url, ['roomcast.v1']);
                 ws.onopen = () => resolve('open');
                 ws.onclose = event => resolve('closed ' + event.code);
               })""",
            server.url.rstrip("/") + "/r/team",
        )
        assert outcome == "closed 1006"  # refused before the upgrade (HTTP 403)
        # The same page served by the room server itself connects.
        page2 = await browser.new_page()
        await join(page2, page_url(server.url.rstrip("/") + "/r/team"), "web")
        await wait_state(page2, "connected")


async def test_the_page_works_over_wss_when_the_server_has_a_certificate(
    browser: Any, tmp_path: Path
) -> None:
    ca = trustme.CA()
    pem = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(pem)
    with server_process("--db", ":memory:", "--certfile", str(pem)) as server:
        assert server.url.startswith("wss://")
        room = server.url.rstrip("/") + "/r/secure"
        assert page_url(room).startswith("https://")
        # The test's CA is not the browser's: trust it for this context only.
        context = await browser.new_context(ignore_https_errors=True)
        page = await context.new_page()
        await join(page, page_url(room), "web")
        await wait_state(page, "connected")
        async with peer(room, ssl=client_context(ca)) as bob:
            await bob.send({"type": "hello", "name": "bob"})
            await bob.until("welcome")
            await say(page, "over TLS")
            got = await bob.until("message")
            assert got["content"] == "over TLS"
        await context.close()


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context
