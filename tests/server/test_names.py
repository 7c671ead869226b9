"""PROTOCOL.md, Names, end to end: a real server and real websockets clients.

The rules themselves are tested without I/O in test_protocol.py (which names
are valid, which compare equal), test_room.py and test_hub.py (both hubs).
"""

from __future__ import annotations

from tests.helpers import member, peer, running_server

TAKEN = (
    "the name {wanted!r} is taken in room 'team' (too like 'alice', which a member holds): "
    "choose another, or send the token from your earlier welcome"
)


async def test_look_alike_names_are_taken_and_invisible_characters_refused() -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/team"
        async with member(url, "alice") as (alice, welcome), peer(url) as p:
            for wanted in ("ALICE", "\u0430lice"):  # another case; a Cyrillic а
                await p.send({"type": "hello", "name": wanted})
                assert await p.recv() == {
                    "type": "error",
                    "code": "name_taken",
                    "message": TAKEN.format(wanted=wanted),
                }
            await p.send({"type": "hello", "name": "al\u202eice", "id": "h1"})
            assert await p.recv() == {
                "type": "error",
                "code": "invalid_frame",
                "message": "hello.name must not contain bidirectional control characters (U+202E)",
                "ref": "h1",
            }
            await p.send({"type": "hello", "name": "bob\u200b"})
            error = await p.recv()
            assert (error["code"], error["message"]) == (
                "invalid_frame",
                "hello.name must not contain invisible characters (U+200B)",
            )
            # Still not joined, and alice saw nothing of it.
            assert await alice.quiet() == []

            # NFD is welcome, and given back in NFC: in welcome.you and presence.
            await p.send({"type": "hello", "name": "Zoe\u0308"})
            joined = await p.until("welcome")
            assert (joined["you"], joined["members"]) == ("Zo\u00eb", ["alice", "Zo\u00eb"])
            assert await alice.until("presence") == {
                "type": "presence",
                "event": "join",
                "name": "Zo\u00eb",
                "count": 2,
            }
            await p.send({"type": "message", "content": "hi", "id": "m1"})
            assert (await alice.until("message"))["from"] == "Zo\u00eb"

            # The token reclaims "alice" in another spelling; the name stays as it was.
            async with member(url, "ALICE", token=welcome["token"]) as (_, again):
                assert (again["you"], again["token"]) == ("alice", welcome["token"])
                assert sorted(again["members"]) == ["Zo\u00eb", "alice"]
                assert await alice.closed() == (1000, "replaced by a new connection")
                assert [f for f in await p.quiet() if f["type"] == "presence"] == []
