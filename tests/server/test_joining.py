"""PROTOCOL.md, Joining: hello, guests, names, tokens, presence."""

from __future__ import annotations

from tests.helpers import member, peer, running_server


async def test_hello_gets_welcome_and_others_see_presence() -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/team"
        async with member(url, "alice") as (alice, welcome):
            assert welcome["room"] == "team"
            assert welcome["you"] == "alice"
            assert welcome["members"] == ["alice"]
            assert welcome["seq"] == 0
            assert welcome["replay"] == 0
            assert welcome["truncated"] is False
            assert welcome["server"] == "roomcast/0.1.0"
            assert isinstance(welcome["token"], str) and len(welcome["token"]) >= 16
            async with member(url, "bob") as (_bob, welcome_b):
                assert welcome_b["members"] == ["alice", "bob"]
                assert await alice.until("presence") == {
                    "type": "presence",
                    "event": "join",
                    "name": "bob",
                    "count": 2,
                }
            assert await alice.until("presence") == {
                "type": "presence",
                "event": "leave",
                "name": "bob",
                "count": 1,
            }


async def test_rooms_are_separate() -> None:
    async with running_server() as server:
        base = server.urls[0]
        async with (
            member(base + "r/a", "alice") as (alice, _),
            member(base + "r/b", "bob") as (bob, wb),
        ):
            assert wb["members"] == ["bob"]
            await bob.send({"type": "message", "content": "only in b"})
            assert (await bob.until("message"))["seq"] == 1
            assert await alice.quiet() == []


async def test_hello_without_name_is_a_guest() -> None:
    async with running_server() as server, member(server.urls[0]) as (_, welcome):
        assert welcome["you"] == "guest-1"


async def test_subprotocol_client_whose_first_frame_is_not_hello_joins_as_guest() -> None:
    async with running_server() as server, peer(server.urls[0]) as p:
        # With roomcast.v1 offered, nothing arrives before the first frame.
        assert await p.quiet(0.2) == []
        await p.send({"type": "message", "content": "hi"})
        welcome = await p.recv()
        assert (welcome["type"], welcome["you"]) == ("welcome", "guest-1")
        msg = await p.recv()
        assert (msg["type"], msg["from"], msg["content"]) == ("message", "guest-1", "hi")


async def test_listen_only_client_receives_everything_without_sending() -> None:
    async with running_server() as server:
        async with peer(server.urls[0], subprotocols=None) as listener:
            welcome = await listener.recv()
            assert welcome["you"] == "guest-1"
            async with member(server.urls[0], "alice") as (alice, _):
                assert await listener.recv() == {
                    "type": "presence",
                    "event": "join",
                    "name": "alice",
                    "count": 2,
                }
                await alice.send({"type": "message", "content": "for the listener"})
                got = await listener.recv()
                assert (got["from"], got["content"]) == ("alice", "for the listener")


async def test_guest_first_hello_replaces_guest_membership() -> None:
    async with running_server() as server:
        async with member(server.urls[0], "alice") as (alice, _):
            async with peer(server.urls[0], subprotocols=None) as p:
                first = await p.recv()
                assert first["you"] == "guest-1"
                assert await alice.recv() == {
                    "type": "presence",
                    "event": "join",
                    "name": "guest-1",
                    "count": 2,
                }
                await p.send({"type": "hello", "name": "carol"})
                second = await p.recv()
                assert (second["type"], second["you"]) == ("welcome", "carol")
                assert second["members"] == ["alice", "carol"]
                # The others see guest-1 leave and carol join.
                assert await alice.recv() == {
                    "type": "presence",
                    "event": "leave",
                    "name": "guest-1",
                    "count": 1,
                }
                assert await alice.recv() == {
                    "type": "presence",
                    "event": "join",
                    "name": "carol",
                    "count": 2,
                }
                # A later hello is invalid_frame.
                await p.send({"type": "hello", "name": "dave"})
                error = await p.recv()
                assert error == {
                    "type": "error",
                    "code": "invalid_frame",
                    "message": "hello is only valid as a client's first frame",
                }


async def test_name_taken_then_another_name() -> None:
    async with running_server() as server, member(server.urls[0], "alice"):
        async with peer(server.urls[0]) as p:
            await p.send({"type": "hello", "name": "alice"})
            error = await p.recv()
            assert error == {
                "type": "error",
                "code": "name_taken",
                "message": "the name 'alice' is taken in room 'lobby': choose another, "
                "or send the token from your earlier welcome",
            }
            # Not joined: the client may send another hello.
            await p.send({"type": "hello", "name": "alice2"})
            welcome = await p.recv()
            assert (welcome["type"], welcome["you"]) == ("welcome", "alice2")


async def test_token_reclaims_name_and_closes_stale_connection() -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "bob") as (bob, _), member(url, "alice") as (old, welcome):
            await bob.until("presence", name="alice")
            async with member(url, "alice", token=welcome["token"]) as (new, welcome2):
                assert welcome2["you"] == "alice"
                assert welcome2["token"] == welcome["token"]
                assert welcome2["members"] == ["bob", "alice"]
                assert await old.closed() == (1000, "replaced by a new connection")
                # The name never left the room: bob sees no presence change.
                assert await bob.quiet() == []
                await new.send({"type": "message", "content": "still me"})
                got = await bob.until("message")
                assert got["from"] == "alice"


async def test_wrong_token_does_not_reclaim() -> None:
    async with running_server() as server, member(server.urls[0], "alice"):
        async with peer(server.urls[0]) as p:
            await p.send({"type": "hello", "name": "alice", "token": "not-the-token"})
            assert (await p.recv())["code"] == "name_taken"


async def test_guest_numbers_skip_taken_names() -> None:
    async with running_server() as server:
        async with member(server.urls[0], "guest-1"), member(server.urls[0]) as (_, w):
            assert w["you"] == "guest-2"
