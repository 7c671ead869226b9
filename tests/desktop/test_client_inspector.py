"""RoomClient as an inspector: control frames in the order they travelled,
frames sent exactly as given, the subprotocols it offers and how it finds a
Roomcast server that it did not know, against real servers on port 0.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection
from websockets.typing import Subprotocol

from roomcast.desktop.client import Backoff, ConnectionState, ControlFrame, Incoming, RoomClient
from roomcast.desktop.connection_options import ConnectionOptions
from roomcast.desktop.rows import SendState
from roomcast.server.protocol import SUBPROTOCOL
from tests.helpers import member, running_server, until
from tests.peers import ws_server


class Tape:
    """One client and everything it reported, frames and control frames on
    one tape in the order they were reported."""

    def __init__(self, **kwargs: Any) -> None:
        self.events: list[Incoming | ControlFrame] = []
        kwargs.setdefault("backoff", Backoff(initial=0.05, maximum=0.2))
        self.client = RoomClient(
            on_frame=self.events.append, on_control=self.events.append, **kwargs
        )

    def connected(self) -> bool:
        return self.client.status.state is ConnectionState.CONNECTED

    def shown(self) -> list[tuple[str, object]]:
        """("data", raw) and (opcode, direction, payload) in order."""
        out: list[tuple[str, object]] = []
        for event in self.events:
            if isinstance(event, ControlFrame):
                out.append((event.opcode.value, (event.direction.value, event.payload)))
            else:
                out.append(("data", event.raw))
        return out


@pytest.fixture
async def tapes() -> AsyncIterator[list[Tape]]:
    made: list[Tape] = []
    yield made
    for tape in made:
        await tape.client.stop()


def tape(tapes: list[Tape], **kwargs: Any) -> Tape:
    tapes.append(Tape(**kwargs))
    return tapes[-1]


async def pinger(ws: ServerConnection) -> None:
    """Text, a ping, binary, then a close with a reason once the pong is back."""
    await ws.send("first")
    pong = await ws.ping(b"are you there")
    await ws.send(b"\x00\x01second")
    await pong
    await ws.send("third")
    await ws.close(4000, "done here")


async def test_control_frames_are_reported_in_the_order_they_travelled(
    tapes: list[Tape],
) -> None:
    async with ws_server(pinger) as url:
        t = tape(tapes)
        t.client.record_control = True
        t.client.start([url])
        await until(
            lambda: (
                t.client.status.state is not ConnectionState.CONNECTED
                and any(s == "close" for s, _ in t.shown())
                and len(t.shown()) >= 7
            ),
            what="the close",
        )
    assert t.shown()[:7] == [
        ("data", "first"),
        ("ping", ("in", b"are you there")),
        # websockets writes the pong while it parses the ping: shown after it.
        ("pong", ("out", b"are you there")),
        ("data", b"\x00\x01second"),
        ("data", "third"),
        ("close", ("in", b"\x0f\xa0done here")),
        ("close", ("out", b"\x0f\xa0done here")),
    ]


async def test_control_frames_are_not_even_copied_when_not_asked_for(tapes: list[Tape]) -> None:
    async with ws_server(pinger) as url:
        t = tape(tapes)
        t.client.start([url])
        await until(lambda: len(t.events) >= 3, what="three frames")
        await until(lambda: t.client.status.state is not ConnectionState.CONNECTED)
    assert not any(isinstance(e, ControlFrame) for e in t.events)
    assert [raw for kind, raw in t.shown()] == ["first", b"\x00\x01second", "third"]


async def test_frames_go_out_exactly_as_given(tapes: list[Tape]) -> None:
    received: list[str | bytes] = []

    async def record(ws: ServerConnection) -> None:
        async for message in ws:
            received.append(message)

    async with ws_server(record) as url:
        t = tape(tapes)
        t.client.start([url])
        await until(t.connected, what="CONNECTED")
        assert t.client.send_raw("  Hello, Server!\n")
        assert t.client.send_raw(b"\xde\xad\xbe\xef")
        assert t.client.send_raw('{"a":1,  "b":[2]}')
        await until(lambda: len(received) == 3, what="three frames")
    assert received == ["  Hello, Server!\n", b"\xde\xad\xbe\xef", '{"a":1,  "b":[2]}']


async def test_nothing_is_sent_and_none_is_returned_when_not_connected() -> None:
    notices: list[object] = []
    client = RoomClient(on_notice=notices.append)
    assert client.send_raw(b"x") is None
    assert notices, "a notice says the frame was not sent"


def offers(log: list[tuple[str, ...]]) -> Any:
    def select(ws: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
        log.append(tuple(offered))
        return offered[0] if offered else None  # like npm `ws`: the first one

    return select


async def test_a_server_not_known_to_speak_roomcast_is_offered_no_subprotocol(
    tapes: list[Tape],
) -> None:
    offered: list[tuple[str, ...]] = []
    heard: list[str | bytes] = []

    async def listen(ws: ServerConnection) -> None:
        async for message in ws:
            heard.append(message)

    async with ws_server(listen, select_subprotocol=offers(offered)) as url:
        t = tape(tapes, name="alice")
        t.client.start([url])
        await until(t.connected, what="CONNECTED")
        assert t.client.status.roomcast is False
        await asyncio.sleep(0.3)
    # No subprotocol, so no hello: a server that relays everything (the
    # tutorial's) would otherwise show our hello to everyone.
    assert offered == [()]
    assert heard == []


async def test_subprotocols_chosen_in_the_options_are_offered_exactly(tapes: list[Tape]) -> None:
    offered: list[tuple[str, ...]] = []
    async with ws_server(lambda ws: ws.wait_closed(), select_subprotocol=offers(offered)) as url:
        t = tape(tapes, options=ConnectionOptions(subprotocols=("chat.v2", "chat.v1")))
        t.client.start([url + "r/x"])  # a room path, but the options decide
        await until(t.connected, what="CONNECTED")
    assert offered == [("chat.v2", "chat.v1")]


async def test_a_room_path_is_offered_roomcast(tapes: list[Tape]) -> None:
    offered: list[tuple[str, ...]] = []
    async with ws_server(lambda ws: ws.wait_closed(), select_subprotocol=offers(offered)) as url:
        t = tape(tapes, welcome_timeout=0.2)
        t.client.start([url + "r/team"])
        await until(t.connected, what="CONNECTED")
    assert offered == [(SUBPROTOCOL,)]


async def test_a_roomcast_server_at_the_root_is_asked_by_healthz_and_joined_by_name(
    tapes: list[Tape],
) -> None:
    async with running_server() as server, member(server.urls[0], "bob") as (bob, _):
        t = tape(tapes, name="alice")
        t.client.start([server.urls[0]])  # ws://127.0.0.1:PORT/: no room path
        await until(lambda: t.connected() and t.client.status.roomcast, what="joined")
        assert t.client.status.you == "alice"
        assert set(t.client.status.members) == {"alice", "bob"}
        assert t.client.offered(server.urls[0]) == (SUBPROTOCOL,)
        # GET /healthz said "Roomcast": offered roomcast.v1 at once, no guest.
        seen = [f for f in await bob.quiet(0.3) if f.get("type") == "presence"]
        assert [(f["event"], f["name"]) for f in seen] == [("join", "alice")]


async def test_a_roomcast_server_is_also_found_by_its_unprompted_welcome(
    tapes: list[Tape],
) -> None:
    """A server whose /healthz is not Roomcast's (behind a proxy that keeps it,
    say) is still found: it greets a subprotocol-less client with a welcome
    as guest-N (PROTOCOL.md, Joining), and a hello takes the guest's place."""
    heard: list[dict[str, Any]] = []

    def welcome(you: str) -> str:
        return json.dumps(
            {
                "type": "welcome",
                "room": "lobby",
                "you": you,
                "token": "t-" + you,
                "members": [you],
                "seq": 0,
                "epoch": "e1",
            }
        )

    async def lobby(ws: ServerConnection) -> None:
        await ws.send(welcome("guest-1"))
        async for text in ws:
            heard.append(json.loads(text))
            if heard[-1]["type"] == "hello":
                await ws.send(welcome(heard[-1]["name"]))

    async with ws_server(lobby) as url:
        t = tape(tapes, name="alice")
        t.client.start([url])
        await until(lambda: t.connected() and t.client.status.roomcast, what="joined")
        assert t.client.status.you == "alice"
        assert [f["type"] for f in heard] == ["hello"]
        # The guest's welcome is not shown; ours is.
        shown = [e.frame for e in t.events if isinstance(e, Incoming) and e.frame]
        assert [getattr(f, "you", None) for f in shown] == ["alice"]
        # Known now: a reconnect offers roomcast.v1.
        assert t.client.offered(url) == (SUBPROTOCOL,)


async def test_frames_a_dead_connection_did_not_write_fail_and_a_retry_sends_each_once(
    tapes: list[Tape],
) -> None:
    """A server that stops reading, then drops the connection without a close
    (as a kill -9 does): the frames still queued or being written are FAILED,
    none stays "sending", none is resent by the reconnect; Retry sends each of
    them once, on the next connection."""
    received: list[bytes] = []
    stall = asyncio.Event()
    connections = 0

    async def server(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        if connections == 1:
            ws.transport.pause_reading()  # a stalled peer: buffers fill up
            await stall.wait()
            ws.transport.abort()  # gone, no close frame
            return
        async for message in ws:
            assert isinstance(message, bytes)
            received.append(message)

    async with ws_server(server, max_size=None) as url:
        t = tape(tapes)
        t.client.start([url])
        await until(t.connected, what="CONNECTED")
        frames = [bytes([i]) + b"\x00" * (2**20 - 1) for i in range(24)]  # 24 MiB
        entries = [t.client.send_raw(frame) for frame in frames]
        assert all(e is not None for e in entries)
        # The first go into the socket buffers; then the writer waits.
        await until(lambda: any(e and e.state is SendState.SENT for e in entries), what="a write")
        stall.set()
        await until(
            lambda: all(e is not None and e.state is not SendState.PENDING for e in entries),
            what="every frame settled",
        )
        failed = [e for e in entries if e is not None and e.state is SendState.FAILED]
        assert failed, "a stalled 24 MiB cannot all have been written"
        assert all(e.error == "the connection closed before it was sent" for e in failed)
        await until(lambda: connections == 2 and t.connected(), what="reconnected")
        await asyncio.sleep(0.3)
        assert received == [], "nothing is resent by itself"
        for entry in failed:
            t.client.retry(entry.id)
        await until(lambda: len(received) == len(failed), what="the retried frames")
        await asyncio.sleep(0.3)
        assert received == [e.frame for e in failed]  # each once, in order
        assert all(e.state is SendState.SENT for e in failed)
