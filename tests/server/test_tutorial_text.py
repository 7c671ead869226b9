"""PROTOCOL.md 1.1, Joining: plain text from a client that offered no subprotocol.

The tutorial's client sends ``ws.send('Hello, Server!')`` (not JSON) and
expects the others to see it. Over real sockets, for a local room and for a
room shared through a real Redis (the session decides, whichever hub stores
it): the tutorial client's text reaches a roomcast.v1 member as a ``message``
whose content is that text and whose sender is the guest's name; the same
frame from a roomcast.v1 client is ``invalid_json`` and relays nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.protocol import MAX_CONTENT_CHARS
from tests.helpers import member, peer, redis_server, running_server

HELLO_SERVER = "Hello, Server!"


@pytest.fixture(params=["local", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """ServerConfig overrides: a local room (SQLite in memory), or a Redis room."""
    if request.param == "local":
        yield {}
        return
    with redis_server() as redis:
        yield {"redis": redis.url}


async def test_tutorial_clients_plain_text_reaches_a_member_as_a_message(
    backend: dict[str, str],
) -> None:
    async with running_server(**backend) as server:
        url = server.urls[0] + "r/demo"
        async with (
            member(url, "alice") as (alice, _),
            peer(url, subprotocols=None) as tutorial,
        ):
            welcome = await tutorial.until("welcome")
            guest = welcome["you"]
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
    async with running_server(**backend) as server:
        url = server.urls[0] + "r/demo"
        async with (
            member(url, "alice") as (alice, _),
            peer(url, subprotocols=None) as tutorial,
        ):
            await tutorial.until("welcome")
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
