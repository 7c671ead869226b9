"""server/app.py: RoomServer, the adapter between wire, sessions and the hub.

The rules themselves are tested without sockets (test_session.py, test_room.py,
test_hub.py) and end to end by behaviour (test_joining.py, test_messages.py,
test_errors.py, ...). These tests are about what only the adapter does: its
lifecycle, choosing the hub once, carrying an awaited result back to the
session, turning a store that fails under a reader into 1011, and the
frames that wait behind a replay reaching the client in order.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from roomcast.server.app import RoomServer, ServerConfig
from roomcast.server.history import SQLiteHistory
from roomcast.server.hub import LocalHub
from tests.helpers import member, peer, running_server, until


async def test_start_twice_is_refused_and_close_is_idempotent() -> None:
    server = RoomServer(ServerConfig(port=0))
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.hub
    await server.start()
    try:
        with pytest.raises(RuntimeError, match="twice"):
            await server.start()
        assert server.urls == [f"ws://127.0.0.1:{server.port}/"]
    finally:
        await server.close()
        await server.close()  # a second close waits for the first and returns
    assert server.closed


async def test_the_hub_is_chosen_once_from_the_config(tmp_path: Path) -> None:
    async with running_server(db=tmp_path / "h.sqlite3") as server:
        assert isinstance(server.hub, LocalHub)
        assert isinstance(server.hub.history, SQLiteHistory)
        assert server.hub.history.path == str(tmp_path / "h.sqlite3")


async def test_health_counts_rooms_with_members_and_connections() -> None:
    async with running_server() as server:
        assert server.health() == {"status": "ok", "rooms": 0, "connections": 0}
        url = server.urls[0]
        async with member(url, "ann"), member(url + "r/other", "bob"), peer(url + "r/third"):
            await until(lambda: server.health()["connections"] == 3)
            # The third client never joined: its room has no members.
            assert server.health()["rooms"] == 2


async def test_an_idle_room_is_forgotten_when_its_last_connection_goes() -> None:
    async with running_server() as server:
        async with member(server.urls[0] + "r/brief", "ann") as (ann, _):
            await ann.send({"type": "message", "content": "hi", "id": "c1"})
            await ann.until("message")
            assert "brief" in server.rooms
        await until(lambda: "brief" not in server.rooms, what="the room to be forgotten")


async def test_frames_sent_during_a_replay_are_answered_after_it_in_order() -> None:
    """The session's inbox, through real sockets: the post sent right behind a
    hello that asks for a long replay is acknowledged after the replay."""
    async with running_server(rate=10_000, burst=10_000) as server:
        url = server.urls[0]
        async with member(url, "ann") as (ann, _):
            for n in range(1, 1201):  # more than two replay pages (500 each)
                await ann.send({"type": "message", "content": f"m{n}", "id": f"a{n}"})
            await ann.until("message", id="a1200")
        async with peer(url) as bob:
            await bob.send({"type": "hello", "name": "bob", "since": 0})
            await bob.send({"type": "message", "content": "late", "id": "b1"})
            welcome = await bob.until("welcome")
            assert welcome["replay"] == 1200
            seqs = []
            while True:
                frame = await bob.recv()
                if frame["type"] == "message":
                    seqs.append(frame["seq"])
                    if frame["id"] == "b1":
                        break
            assert seqs == list(range(1, 1202))


async def test_a_history_store_that_fails_under_a_reader_closes_1011(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_server(db=tmp_path / "h.sqlite3") as server:
        async with member(server.urls[0], "ann") as (ann, _):
            await ann.send({"type": "message", "content": "hi", "id": "c1"})
            await ann.until("message")
            history = server.hub.history
            assert isinstance(history, SQLiteHistory)
            history.db.close()  # the store fails from now on
            with caplog.at_level(logging.ERROR, logger="roomcast.server"):
                await ann.send({"type": "history", "limit": 10})
                assert await ann.closed() == (1011, "unexpected server error")
            assert "cannot read history" in caplog.text


async def test_a_replaced_connection_is_closed_and_its_name_stays() -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "ann") as (first, welcome), member(url, "bob") as (bob, _):
            async with member(url, "ann", token=welcome["token"]) as (_second, again):
                assert again["you"] == "ann"
                assert await first.closed() == (1000, "replaced by a new connection")
                # Nobody saw ann leave: the name never left the room.
                assert [f for f in await bob.quiet(0.2) if f["type"] == "presence"] == []
                assert sorted(server.rooms["lobby"].members) == ["ann", "bob"]


async def test_posts_during_shutdown_are_refused_with_a_reason() -> None:
    server = RoomServer(ServerConfig(port=0))
    await server.start()
    async with member(server.urls[0], "ann") as (ann, _):
        server.closing = True  # what close() sets first, before it closes anyone
        await ann.send({"type": "message", "content": "late", "id": "x"})
        error = await ann.until("error")
        assert error["code"] == "internal"
        assert error["ref"] == "x"
        assert "shutting down" in error["message"]
        server.closing = False
        await asyncio.gather(server.close(), ann.closed())


async def test_a_fast_reader_catching_up_past_max_buffer_is_never_closed() -> None:
    """Issue 14, 2: a replay is sent page by page as the socket drains, so a
    client that reads as fast as it can gets everything, however much that is."""
    async with running_server(max_buffer=256 * 1024, rate=10_000, burst=10_000) as server:
        url = server.urls[0]
        big = "é" * 8_000  # 16 KB of UTF-8 each: 200 of them are 12x max_buffer
        async with member(url, "ann") as (ann, _):
            for n in range(200):
                await ann.send({"type": "message", "content": big, "id": f"a{n}"})
            await ann.until("message", id="a199")
        async with member(url, "bob", since=0) as (bob, welcome):
            assert welcome["replay"] == 200
            seqs = [(await bob.until("message"))["seq"] for _ in range(200)]
            assert seqs == list(range(1, 201))
            # And for scroll-back: a page is cut by bytes, never past max_buffer.
            await bob.send({"type": "history", "limit": 200})
            page = await bob.until("history")
            assert 0 < len(page["messages"]) < 200
            assert page["complete"] is False
            assert await bob.quiet(0.2) == []  # still open, nothing else
        assert server.stats.dropped_slow == 0
