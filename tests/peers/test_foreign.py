"""The foreign servers of tests/peers/foreign.py, checked with plain websockets clients.

If these peers misbehaved, the inspector's tests against them would prove
nothing; here each refusal, echo and recorded frame is checked from outside.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Close, Frame
from websockets.protocol import Event
from websockets.typing import Subprotocol

from tests.helpers import WAIT
from tests.peers.foreign import (
    BYE,
    CLOSE_CODE,
    CLOSE_REASON,
    CONTROL_FRAMES,
    JSON_BINARY,
    NON_UTF8,
    PING_PAYLOAD,
    TEXT,
    UNAUTHORIZED_BODY,
    Received,
    auth_echo_server,
    control_server,
)

AUTH = {"Authorization": "Bearer s3cret"}


class RecordingClient(ClientConnection):
    """A client that also keeps the frames it received, control frames included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frames: list[tuple[str, bytes]] = []

    def process_event(self, event: Event) -> None:
        if isinstance(event, Frame):
            self.frames.append((event.opcode.name.lower(), bytes(event.data)))
        super().process_event(event)


def client(
    url: str, *, subprotocols: Sequence[str] | None = ("chat.v2",), **kwargs: Any
) -> connect:
    protocols = [Subprotocol(s) for s in subprotocols] if subprotocols else None
    return connect(url, subprotocols=protocols, open_timeout=WAIT, **kwargs)


async def closed(ws: ClientConnection) -> ConnectionClosed:
    """Read until the connection closes; the exception it closed with."""
    async with asyncio.timeout(WAIT):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed as exc:
            return exc


# ---- auth_echo_server ---------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}],
    ids=["none", "wrong-token", "not-bearer"],
)
async def test_refuses_without_the_bearer_token(headers: dict[str, str]) -> None:
    async with auth_echo_server() as server:
        with pytest.raises(InvalidStatus) as refused:
            async with client(server.url, additional_headers=headers):
                pass
        response = refused.value.response
        assert response.status_code == 401
        assert response.body == UNAUTHORIZED_BODY.encode()
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert [r.status for r in server.refused] == [401]
        assert server.connections == []


@pytest.mark.parametrize("offered", [None, ["roomcast.v1"]], ids=["none", "other"])
async def test_refuses_without_its_subprotocol(offered: list[str] | None) -> None:
    async with auth_echo_server() as server:
        with pytest.raises(InvalidStatus) as refused:
            async with client(server.url, subprotocols=offered, additional_headers=AUTH):
                pass
        assert refused.value.response.status_code == 400
        assert [r.status for r in server.refused] == [400]


async def test_subprotocol_optional_when_not_required() -> None:
    async with auth_echo_server(require_subprotocol=False) as server:
        async with client(server.url, subprotocols=None, additional_headers=AUTH) as ws:
            assert ws.subprotocol is None
        async with client(server.url, subprotocols=["x", "chat.v2"], additional_headers=AUTH) as ws:
            assert ws.subprotocol == "chat.v2"
        assert [(r.status, r.subprotocol) for r in server.connections] == [
            (101, None),
            (101, "chat.v2"),
        ]


async def test_records_the_request() -> None:
    headers = {**AUTH, "Cookie": "session=abc", "X-Trace": "1"}
    async with auth_echo_server(subprotocols=("chat.v3", "chat.v2")) as server:
        url = f"{server.url}/feed?room=a%20b&empty="
        async with client(url, subprotocols=["chat.v2"], additional_headers=headers) as ws:
            assert ws.subprotocol == "chat.v2"
        [record] = server.connections
        assert record.status == 101
        assert record.path == "/feed"
        assert record.query == "room=a%20b&empty="
        assert record.params == {"room": ["a b"], "empty": [""]}
        assert record.subprotocol == "chat.v2"
        assert record.headers["authorization"] == "Bearer s3cret"
        assert record.headers["Cookie"] == "session=abc"
        assert ("X-Trace", "1") in list(record.headers.raw_items())
        assert record.headers["Sec-WebSocket-Protocol"] == "chat.v2"


async def test_echoes_exactly_and_records_every_frame() -> None:
    async with auth_echo_server() as server:
        async with client(server.url, additional_headers=AUTH) as ws:
            await ws.send("héllo")
            assert await ws.recv() == "héllo"  # str: a text frame came back
            await ws.send(NON_UTF8)
            assert await ws.recv() == NON_UTF8  # bytes: a binary frame came back
            await ws.send(JSON_BINARY)
            assert await ws.recv() == JSON_BINARY
            async with asyncio.timeout(WAIT):
                await (await ws.ping(b"are you there"))
            await ws.close(1000, "finished")
        assert await server.wait_frames(3) == [
            ("text", "héllo".encode()),
            ("binary", NON_UTF8),
            ("binary", JSON_BINARY),
        ]
        [record] = server.connections
        assert record.frames == [
            *server.data_frames,
            ("ping", b"are you there"),
            ("close", Close(1000, "finished").serialize()),
        ]
        assert not server.pong_received.is_set()  # no keepalive pings, so no pongs


async def test_wait_frames_counts_across_connections() -> None:
    async with auth_echo_server() as server:
        async with client(server.url, additional_headers=AUTH) as one:
            async with client(server.url, additional_headers=AUTH) as two:
                await one.send("1")
                await two.send(b"2")
                frames = await server.wait_frames(2)
        assert sorted(frames) == [("binary", b"2"), ("text", b"1")]
        assert [len(r.data_frames) for r in server.connections] == [1, 1]


# ---- control_server -----------------------------------------------------------------


async def test_control_frames_in_order_then_close_on_bye() -> None:
    async with control_server() as server:
        async with client(server.url, subprotocols=None, create_connection=RecordingClient) as ws:
            assert isinstance(ws, RecordingClient)
            async with asyncio.timeout(WAIT):
                assert await ws.recv() == NON_UTF8
                assert await ws.recv() == TEXT
                assert await ws.recv() == JSON_BINARY
            assert ws.frames == list(CONTROL_FRAMES)  # the ping came first
            async with asyncio.timeout(WAIT):
                await server.pong_received.wait()
            await ws.send(BYE)
            exc = await closed(ws)
        assert exc.rcvd is not None
        assert (exc.rcvd.code, exc.rcvd.reason) == (CLOSE_CODE, CLOSE_REASON)
        assert server.received == [
            Received("pong", PING_PAYLOAD),  # the client's automatic answer
            Received("text", BYE.encode()),
            Received("close", Close(CLOSE_CODE, CLOSE_REASON).serialize()),  # its echo
        ]


async def test_close_all_closes_with_the_given_code_and_reason() -> None:
    async with control_server() as server:
        async with client(server.url, subprotocols=None) as ws:
            async with asyncio.timeout(WAIT):
                await server.pong_received.wait()
            await server.close_all(4001, "test over")
            exc = await closed(ws)
        assert exc.rcvd is not None
        assert (exc.rcvd.code, exc.rcvd.reason) == (4001, "test over")
        assert server.connections[0].frames[-1] == ("close", Close(4001, "test over").serialize())
