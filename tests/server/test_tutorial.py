"""The must-show test: a client written exactly like the websockets tutorial's.

It offers no subprotocol, sends no hello, and sends
``{"type":"message","content":"Hello, Server!"}``; two other clients and the
tutorial client itself all receive it with seq, ts and from (PROTOCOL.md,
Joining and Server → client).
"""

from __future__ import annotations

import json
import re

from websockets.asyncio.client import connect

from tests.helpers import member, server_process

TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")


async def test_tutorial_client_talks_to_two_others_through_roomcast_server() -> None:
    with server_process("--db", ":memory:") as server:
        async with (
            member(server.url, "alice") as (alice, _),
            member(server.url, "bob") as (bob, _),
            connect(server.url) as websocket,  # exactly the tutorial's client
        ):
            welcome = json.loads(await websocket.recv())
            assert welcome["type"] == "welcome"
            assert welcome["you"] == "guest-1"
            assert welcome["members"] == ["alice", "bob", "guest-1"]

            await websocket.send(json.dumps({"type": "message", "content": "Hello, Server!"}))
            own = json.loads(await websocket.recv())
            got_alice = await alice.until("message")
            got_bob = await bob.until("message")
            for frame in (own, got_alice, got_bob):
                assert frame["type"] == "message"
                assert frame["seq"] == 1
                assert frame["from"] == "guest-1"
                assert frame["content"] == "Hello, Server!"
                assert TS.match(frame["ts"]), frame["ts"]
            # One stored message, one id, the same frame for everyone.
            assert own == got_alice == got_bob

            await alice.send({"type": "message", "content": "hi guest", "id": "a1"})
            reply = json.loads(await websocket.recv())
            assert (reply["from"], reply["content"], reply["seq"]) == ("alice", "hi guest", 2)
        code, err = await server.stop()
        assert code == 0
        assert "Traceback" not in err
