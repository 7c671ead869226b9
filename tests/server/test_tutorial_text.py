"""PROTOCOL.md 1.1, Joining: plain text from a client that offered no subprotocol.

The tutorial's client sends ``ws.send('Hello, Server!')`` (not JSON) and
expects the others to see it. Over real sockets, for a local room and for a
room shared through a real Redis (the session decides, whichever hub stores
it): the tutorial client's text reaches a roomcast.v1 member as a ``message``
whose content is that text and whose sender is the guest's name; the same
frame from a roomcast.v1 client is ``invalid_json`` and relays nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from roomcast.server.protocol import MAX_CONTENT_CHARS
from tests.helpers import Peer, member, peer, redis_server, running_server, server_process
from tests.hostile.harness import status_kib

HELLO_SERVER = "Hello, Server!"


@pytest.fixture(params=["local", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """ServerConfig overrides: a local room (SQLite in memory), or a Redis room."""
    if request.param == "local":
        yield {}
        return
    with redis_server() as redis:
        yield {"redis": redis.url}


@contextlib.asynccontextmanager
async def alice_and_a_tutorial_client(
    backend: dict[str, str],
) -> AsyncIterator[tuple[Peer, Peer, str]]:
    """A room on ``backend`` with a roomcast.v1 member (alice) and a client that
    offered no subprotocol, welcomed: (alice, the tutorial client, its name)."""
    async with running_server(**backend) as server:
        url = server.urls[0] + "r/demo"
        async with (
            member(url, "alice") as (alice, _),
            peer(url, subprotocols=None) as tutorial,
        ):
            welcome = await tutorial.until("welcome")
            yield alice, tutorial, welcome["you"]


async def test_tutorial_clients_plain_text_reaches_a_member_as_a_message(
    backend: dict[str, str],
) -> None:
    async with alice_and_a_tutorial_client(backend) as (alice, tutorial, guest):
        assert guest.startswith("guest-")
        await tutorial.ws.send(HELLO_SERVER)  # exactly the tutorial's first frame
        got = await alice.until("message")
        assert (got["from"], got["content"], got["seq"]) == (guest, HELLO_SERVER, 1)
        own = await tutorial.until("message")  # the sender's copy, as for anyone
        assert own == got
        # JSON that is not a Roomcast frame is text too, posted as it was sent.
        await tutorial.ws.send('["not", "a", "frame"]')
        got = await alice.until("message")
        assert (got["from"], got["content"]) == (guest, '["not", "a", "frame"]')


async def test_too_long_plain_text_is_too_large_and_nothing_is_posted(
    backend: dict[str, str],
) -> None:
    async with alice_and_a_tutorial_client(backend) as (alice, tutorial, _):
        await tutorial.ws.send("x" * (MAX_CONTENT_CHARS + 1))
        error = await tutorial.until("error")
        assert error["code"] == "too_large"
        await tutorial.ws.send(HELLO_SERVER)  # still open, still heard
        got = await alice.until("message")
        assert (got["content"], got["seq"]) == (HELLO_SERVER, 1)


async def test_a_roomcast_v1_client_sending_plain_text_gets_invalid_json(
    backend: dict[str, str],
) -> None:
    async with running_server(**backend) as server:
        url = server.urls[0] + "r/demo"
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.until("presence", name="bob")
            await bob.ws.send(HELLO_SERVER)
            error = await bob.until("error")
            assert error["code"] == "invalid_json"
            assert all(frame["type"] != "message" for frame in await alice.quiet())


async def read_all(client: Peer, into: list[dict[str, Any]]) -> None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            into.append(json.loads(await client.ws.recv()))


async def test_a_plain_text_flood_is_closed_and_holds_no_memory_and_the_room_sees_each_once(
    tmp_path: Path,
) -> None:
    """The tutorial rule makes plain text a `message`: a subprotocol-less client
    that floods it meets the same rate limit and abuse close (1008) as any
    other, the members see what was posted once each, in order, and the server
    (a real process: its RSS from /proc) holds nothing for it."""
    text = "x" * 16_000  # near the content limit: each refused frame is big
    with server_process("--db", str(tmp_path / "h.sqlite3")) as server:
        pid = server.proc.pid
        room = server.url.rstrip("/") + "/r/flood"
        before = status_kib(pid, "VmRSS")
        async with member(room, "watcher") as (watcher, _):
            # Both clients read all the time: a client that stops reading is
            # paused by the server's flow control (tests/faults), and a
            # watcher whose queue fills misses the pong to its own keepalive.
            seen: list[dict[str, Any]] = []
            reader = asyncio.create_task(read_all(watcher, seen))
            async with connect(room, max_size=None, max_queue=None) as flooder:  # no subprotocol
                try:
                    for _ in range(2_000):
                        await flooder.send(text)
                except ConnectionClosed:
                    pass
                await flooder.wait_closed()
                # 1008 is what the server sends; a flooder still writing when
                # the server gives up waiting for its close reply (close_timeout,
                # slow under a loaded CI) sees the reset first: 1006.
                assert flooder.close_code in (1008, 1006)
                assert server.proc.poll() is None, "the server survived the flood"
            await asyncio.sleep(1.0)  # what was posted has reached the watcher
            reader.cancel()
            posted = [f for f in seen if f.get("type") == "message"]
        after = status_kib(pid, "VmRSS")
    seqs = [f["seq"] for f in posted]
    assert seqs == sorted(set(seqs)), "each message once, in order"
    assert all(f["content"] == text for f in posted)
    # The burst (60) and the rate, not 2,000 frames of 16 KB.
    assert 0 < len(posted) <= 200
    assert after - before < 64 * 1024, f"the server grew {after - before} KiB"
