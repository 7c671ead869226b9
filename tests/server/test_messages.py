"""PROTOCOL.md: message, typing, history, resume with since, idempotency."""

from __future__ import annotations

import asyncio

from tests.helpers import member, running_server


async def test_message_is_acknowledged_by_the_broadcast_copy() -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.send(
                {"type": "message", "content": "hi <b>bob</b>", "id": "c1", "from": "mallory"}
            )
            ack = await alice.until("message")
            got = await bob.until("message")
            assert ack == got
            assert ack["id"] == "c1"
            assert ack["from"] == "alice"  # the server builds every field it sends
            assert ack["content"] == "hi <b>bob</b>"
            assert ack["seq"] == 1


async def test_seq_is_gap_free_and_ordered_for_every_member() -> None:
    async with running_server(rate=1000, burst=1000) as server:
        url = server.urls[0]
        async with (
            member(url, "a") as (a, _),
            member(url, "b") as (b, _),
            member(url, "c") as (c, _),
        ):
            senders = [a, b, c]
            await asyncio.gather(
                *(
                    s.send({"type": "message", "content": f"{i}-{n}", "id": f"{i}-{n}"})
                    for n in range(30)
                    for i, s in enumerate(senders)
                )
            )
            seen = []
            for p in senders:
                frames = [await p.until("message") for _ in range(90)]
                seen.append([(f["seq"], f["id"]) for f in frames])
            assert [s for s, _ in seen[0]] == list(range(1, 91))
            assert seen[0] == seen[1] == seen[2]
            # Each sender's own messages keep their order.
            for i in range(3):
                mine = [mid for _, mid in seen[0] if mid.startswith(f"{i}-")]
                assert mine == [f"{i}-{n}" for n in range(30)]


async def test_duplicate_id_is_stored_once_and_only_the_sender_gets_the_copy() -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.until("presence", name="bob")
            await alice.send({"type": "message", "content": "once", "id": "dup"})
            first = await alice.until("message")
            assert (await bob.until("message")) == first
            # A retry (same id), and the same id from someone else: room-wide.
            await alice.send({"type": "message", "content": "once", "id": "dup"})
            assert await alice.recv() == first
            await bob.send({"type": "message", "content": "other text", "id": "dup"})
            assert await bob.recv() == first
            assert await alice.quiet() == []
            await alice.send({"type": "message", "content": "next", "id": "n"})
            assert (await alice.until("message"))["seq"] == 2


async def test_typing_is_relayed_to_others_and_never_stored() -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.until("presence", name="bob")
            await alice.send({"type": "typing"})
            assert await bob.until("typing") == {"type": "typing", "from": "alice"}
            assert await alice.quiet() == []
            await alice.send({"type": "history", "limit": 10})
            assert await alice.recv() == {"type": "history", "messages": [], "complete": True}


async def post_many(peer, count: int, prefix: str = "m") -> list[dict]:  # type: ignore[no-untyped-def]
    acks = []
    for n in range(1, count + 1):
        await peer.send({"type": "message", "content": f"{prefix}{n}", "id": f"{prefix}{n}"})
        acks.append(await peer.until("message", id=f"{prefix}{n}"))
    return acks


async def test_history_scroll_back_pages() -> None:
    async with (
        running_server(rate=1000, burst=1000) as server,
        member(server.urls[0], "alice") as (alice, _),
    ):
        await post_many(alice, 30)
        await alice.send({"type": "history", "limit": 10})
        page = await alice.until("history")
        assert [m["seq"] for m in page["messages"]] == list(range(21, 31))
        assert page["complete"] is False
        await alice.send({"type": "history", "before": 21, "limit": 15})
        page = await alice.until("history")
        assert [m["seq"] for m in page["messages"]] == list(range(6, 21))
        assert page["complete"] is False
        await alice.send({"type": "history", "before": 6, "limit": 200})
        page = await alice.until("history")
        assert [m["content"] for m in page["messages"]] == ["m1", "m2", "m3", "m4", "m5"]
        assert page["complete"] is True


async def test_resume_with_since_replays_exactly_what_was_missed() -> None:
    async with running_server(rate=1000, burst=1000) as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _):
            await post_many(alice, 5)
            async with member(url, "bob", since=2) as (bob, welcome):
                assert (welcome["seq"], welcome["replay"], welcome["truncated"]) == (5, 3, False)
                replayed = [await bob.recv() for _ in range(3)]
                assert [m["seq"] for m in replayed] == [3, 4, 5]
                assert [m["content"] for m in replayed] == ["m3", "m4", "m5"]
                await alice.send({"type": "message", "content": "live"})
                live = await bob.until("message")
                assert (live["seq"], live["content"]) == (6, "live")


async def test_resume_past_retention_is_truncated() -> None:
    async with running_server(rate=1000, burst=1000, retention=3) as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _):
            await post_many(alice, 6)
            async with member(url, "bob", since=0) as (bob, welcome):
                assert (welcome["seq"], welcome["replay"], welcome["truncated"]) == (6, 3, True)
                assert [(await bob.recv())["seq"] for _ in range(3)] == [4, 5, 6]
            async with member(url, "carol", since=3) as (_, welcome):
                assert (welcome["replay"], welcome["truncated"]) == (3, False)
            await alice.send({"type": "history", "before": 7, "limit": 200})
            page = await alice.until("history")
            assert [m["seq"] for m in page["messages"]] == [4, 5, 6]
            assert page["complete"] is True


async def test_join_during_a_flood_sees_every_seq_once_in_order() -> None:
    # The replay and the live broadcast meet in the member's backlog: no gap,
    # no duplicate, whatever the interleaving (PROTOCOL.md, Order and scope).
    async with running_server(rate=10_000, burst=10_000) as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _):
            flood = asyncio.create_task(post_many(alice, 300, "f"))
            while server.rooms["lobby"].delivered_seq < 50:
                await asyncio.sleep(0.005)
            async with member(url, "bob", since=0) as (bob, welcome):
                assert welcome["truncated"] is False
                await flood
                seqs = []
                while not seqs or seqs[-1] < 300:
                    seqs.append((await bob.until("message"))["seq"])
                assert seqs == list(range(1, 301))
