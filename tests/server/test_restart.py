"""The delivery promise across a server restart (PROTOCOL.md, Delivery promise).

roomcast-server runs as a subprocess on a SQLite file; it is stopped with
SIGTERM mid-conversation and started again on the same file. A client that
kept its highest seq resumes with ``hello.since`` and gets exactly what it
missed, once, in order; seq goes on where it stopped. Past the room's
retention, ``welcome.truncated`` says so.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from tests.helpers import WAIT, Peer, member, server_process


async def post(client: Peer, content: str, msg_id: str) -> dict[str, Any]:
    """Post and wait for the acknowledgement: the sender's own copy (matching id)."""
    await client.send({"type": "message", "content": content, "id": msg_id})
    ack = await client.until("message", id=msg_id)
    assert ack["content"] == content
    return ack


def text(n: int) -> str:
    return f"message {n} from alice"


async def test_resume_after_restart_gets_exactly_the_missed_messages(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")

    with server_process("--db", db) as first:
        async with member(first.url, "alice") as (alice, welcome_a):
            assert (welcome_a["you"], welcome_a["seq"]) == ("alice", 0)
            async with member(first.url, "bob") as (bob, welcome_b):
                assert welcome_b["members"] == ["alice", "bob"]
                for n in range(1, 6):
                    ack = await post(alice, text(n), f"a-{n}")
                    assert ack["seq"] == n
                last_seen = 0
                for n in range(1, 6):
                    frame = await bob.until("message")
                    assert (frame["seq"], frame["id"], frame["content"]) == (n, f"a-{n}", text(n))
                    last_seen = max(last_seen, frame["seq"])
                assert last_seen == 5
            await alice.until("presence", event="leave", name="bob")

            # Bob is away; alice goes on, each message acknowledged (= committed).
            acks = [await post(alice, text(n), f"a-{n}") for n in range(6, 11)]
            assert [a["seq"] for a in acks] == [6, 7, 8, 9, 10]

            # SIGTERM mid-conversation: alice is still connected.
            first.proc.send_signal(signal.SIGTERM)
            assert await alice.closed() == (1001, "server shutting down")
        _, err = await asyncio.to_thread(first.proc.communicate, timeout=WAIT)
        assert first.proc.returncode == 0, err
        assert "Traceback" not in err, err

    with server_process("--db", db) as second:
        async with member(second.url, "bob", since=last_seen) as (bob, welcome):
            assert welcome["you"] == "bob"
            assert welcome["seq"] == 10
            assert welcome["replay"] == 5
            assert welcome["truncated"] is False
            replayed = [await bob.recv() for _ in range(5)]
            assert [f["type"] for f in replayed] == ["message"] * 5, replayed
            assert [f["seq"] for f in replayed] == [6, 7, 8, 9, 10]
            assert [f["id"] for f in replayed] == [f"a-{n}" for n in range(6, 11)]
            assert [f["content"] for f in replayed] == [text(n) for n in range(6, 11)]
            assert {f["from"] for f in replayed} == {"alice"}
            # The ts the first server gave is the one stored and replayed.
            assert [f["ts"] for f in replayed] == [a["ts"] for a in acks]
            assert await bob.quiet(0.3) == []

            # seq goes on from where the first server stopped.
            ack = await post(bob, "back again", "b-1")
            assert (ack["seq"], ack["from"]) == (11, "bob")
        code, err = await second.stop()
    assert code == 0, err
    assert "Traceback" not in err, err


async def test_resume_past_retention_is_truncated(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite3")

    async def resume_from_zero(url: str) -> None:
        async with member(url, "late", since=0) as (late, welcome):
            assert welcome["seq"] == 6
            assert welcome["truncated"] is True
            assert welcome["replay"] == 3
            replayed = [await late.recv() for _ in range(3)]
            assert [(f["type"], f["seq"]) for f in replayed] == [
                ("message", 4),
                ("message", 5),
                ("message", 6),
            ]
            assert [f["id"] for f in replayed] == ["m-4", "m-5", "m-6"]
            assert await late.quiet(0.3) == []

    with server_process("--db", db, "--retention", "3") as first:
        async with member(first.url, "alice") as (alice, _):
            acks = [await post(alice, f"message {n}", f"m-{n}") for n in range(1, 7)]
            assert [a["seq"] for a in acks] == [1, 2, 3, 4, 5, 6]
        await resume_from_zero(first.url)
        code, err = await first.stop()
        assert code == 0, err

    # The same window after a restart: retention applies to what the file holds.
    with server_process("--db", db, "--retention", "3") as second:
        await resume_from_zero(second.url)
        code, err = await second.stop()
        assert code == 0, err


async def test_a_server_that_lost_its_history_resets_resuming_clients(tmp_path: Path) -> None:
    """PROTOCOL.md, Epochs (issue 13, 1): a resume into a new history gets
    welcome.reset and everything the room has now, and new messages are
    never mistaken for ones the client already has (seq 1 again)."""
    with server_process("--db", ":memory:") as first:
        async with member(first.url, "alice") as (alice, welcome):
            old_epoch = welcome["epoch"]
            assert old_epoch
            for n in range(1, 4):
                await post(alice, text(n), f"a-{n}")
    # The history is gone with the process; a new one starts over at seq 1.
    with server_process("--db", ":memory:") as second:
        async with member(second.url, "bob") as (bob, _):
            await post(bob, "first of the new history", "b-1")
            async with member(second.url, "alice", since=3, epoch=old_epoch) as (alice, again):
                assert again["epoch"] != old_epoch
                assert (again["reset"], again["seq"], again["replay"]) == (True, 1, 1)
                replayed = await alice.until("message")
                assert (replayed["seq"], replayed["id"]) == (1, "b-1")
                ack = await post(bob, "and the next", "b-2")
                got = await alice.until("message")
                assert (got["seq"], got["id"]) == (ack["seq"], "b-2") == (2, "b-2")
            # An older client (no epoch) whose since is above the head is reset too.
            async with member(second.url, "carol", since=7) as (_, third):
                assert (third["reset"], third["replay"]) == (True, 2)


async def test_the_same_file_keeps_its_epoch_across_restarts(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    epochs = []
    for _ in range(2):
        with server_process("--db", db) as server:
            hello: dict[str, Any] = {"since": 0}
            if epochs:
                hello["epoch"] = epochs[0]
            async with member(server.url, "ann", **hello) as (_, welcome):
                epochs.append(welcome["epoch"])
                assert welcome["reset"] is False
    assert epochs[0] == epochs[1]
