"""Every error code and close code of PROTOCOL.md, provoked, with the state after.

Error codes: invalid_json, invalid_frame, unknown_type, unsupported_data,
too_large, rate_limited, name_taken (test_joining.py), unauthorized,
internal. Close codes: 1000 (test_joining.py, token), 1001, 1008, 1009,
1011, 1013.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.protocol import State

from roomcast.server.protocol import MAX_CONTENT_CHARS, MAX_FRAME_BYTES
from tests.helpers import WAIT, Peer, member, peer, running_server


async def assert_still_usable(p: Peer) -> None:
    """The connection stays open and a valid frame still works."""
    assert p.ws.state is State.OPEN
    await p.send({"type": "history", "limit": 1})
    assert (await p.until("history"))["type"] == "history"


@pytest.mark.parametrize(
    ("frame", "code", "message"),
    [
        (
            "{not json",
            "invalid_json",
            "invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ("[1, 2]", "invalid_frame", "a frame must be a JSON object, got array"),
        ('{"content": "no type"}', "invalid_frame", "frame has no 'type' field"),
        (
            '{"type": "message", "content": 42}',
            "invalid_frame",
            "message.content must be a string, got number",
        ),
        ('{"type": "history", "limit": 0}', "invalid_frame", "history.limit must be 1-200, got 0"),
        ('{"type": "dance"}', "unknown_type", 'unknown frame type "dance"'),
    ],
)
async def test_bad_frames_get_their_error_and_the_connection_stays(
    frame: str, code: str, message: str
) -> None:
    async with running_server() as server, member(server.urls[0], "alice") as (alice, _):
        await alice.send(frame)
        assert await alice.recv() == {"type": "error", "code": code, "message": message}
        await assert_still_usable(alice)


async def test_error_ref_names_the_offending_id() -> None:
    async with running_server() as server, member(server.urls[0], "alice") as (alice, _):
        await alice.send({"type": "message", "content": "", "id": "c-7"})
        assert await alice.recv() == {
            "type": "error",
            "code": "invalid_frame",
            "message": "message.content must be at least 1 character(s)",
            "ref": "c-7",
        }


async def test_binary_frame_is_unsupported_data_and_never_relayed() -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.until("presence", name="bob")
            await bob.send(b'{"type":"message","content":"binary"}')
            assert await bob.recv() == {
                "type": "error",
                "code": "unsupported_data",
                "message": "binary frames are not supported: send JSON in text frames",
            }
            assert await alice.quiet() == []
            await assert_still_usable(bob)


async def test_content_over_the_limit_is_too_large() -> None:
    async with running_server() as server, member(server.urls[0], "alice") as (alice, _):
        await alice.send({"type": "message", "content": "x" * (MAX_CONTENT_CHARS + 1), "id": "big"})
        assert await alice.recv() == {
            "type": "error",
            "code": "too_large",
            "message": "message.content is 16385 characters, the limit is 16384",
            "ref": "big",
        }
        await assert_still_usable(alice)


async def test_longest_valid_message_fully_escaped_is_stored() -> None:
    # PROTOCOL.md, Size: 16,384 code points, each escaped by a JSON encoder.
    async with running_server() as server, member(server.urls[0], "alice") as (alice, _):
        text = json.dumps({"type": "message", "content": "😀" * MAX_CONTENT_CHARS, "id": "x" * 64})
        assert len(text.encode()) > 190_000
        await alice.send(text)
        ack = await alice.until("message")
        assert ack["content"] == "😀" * MAX_CONTENT_CHARS
        assert ack["seq"] == 1


async def test_frame_over_256_kib_is_closed_1009() -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.until("presence", name="bob")
            await bob.send("x" * (MAX_FRAME_BYTES + 1))
            code, reason = await bob.closed()
            assert code == 1009
            assert (
                reason
                == f"frame with {MAX_FRAME_BYTES + 1} bytes exceeds limit of {MAX_FRAME_BYTES} bytes"
            )
            # The others see bob leave; the room goes on.
            assert await alice.until("presence") == {
                "type": "presence",
                "event": "leave",
                "name": "bob",
                "count": 1,
            }
            await assert_still_usable(alice)


async def test_rate_limited_frame_is_dropped_and_the_connection_stays() -> None:
    async with (
        running_server(rate=2, burst=3) as server,
        member(server.urls[0], "alice") as (alice, _),
    ):
        # The hello took one token of the three: two messages fit, two do not.
        for n in range(4):
            await alice.send({"type": "message", "content": f"m{n}", "id": f"m{n}"})
        frames = [await alice.recv() for _ in range(4)]
        errors = [f for f in frames if f["type"] == "error"]
        assert errors == [
            {
                "type": "error",
                "code": "rate_limited",
                "message": "slow down: at most 2 frames per second (bursts of 3); this frame was dropped",
                "ref": ref,
            }
            for ref in ("m2", "m3")
        ]
        assert [f["content"] for f in frames if f["type"] == "message"] == ["m0", "m1"]
        assert alice.ws.state is State.OPEN
        # Tokens come back with time: a retry is accepted within a second or so.
        async with asyncio.timeout(WAIT):
            while True:
                await alice.send({"type": "message", "content": "later", "id": "later"})
                frame = await alice.recv()
                if frame["type"] == "message":
                    break
                assert frame["code"] == "rate_limited"
                await asyncio.sleep(0.25)
        assert frame["seq"] == 3


async def test_sustained_flood_is_closed_1008() -> None:
    async with running_server(rate=1, burst=1, abuse_after=5) as server:
        url = server.urls[0]
        async with member(url, "alice") as (alice, _), member(url, "flood") as (flood, _):
            await alice.until("presence", name="flood")
            for _ in range(10):
                await flood.send({"type": "typing"})
            assert await flood.closed() == (1008, "rate limit exceeded repeatedly")
            assert await alice.until("presence", event="leave") == {
                "type": "presence",
                "event": "leave",
                "name": "flood",
                "count": 1,
            }


async def test_history_failure_is_internal_and_seq_stays_gap_free(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    async with running_server(db=db) as server, member(server.urls[0], "alice") as (alice, _):
        await alice.send({"type": "message", "content": "one", "id": "1"})
        assert (await alice.until("message"))["seq"] == 1
        # Break the real database underneath the server.
        other = sqlite3.connect(db)
        other.execute("ALTER TABLE messages RENAME TO broken")
        other.commit()
        await alice.send({"type": "message", "content": "two", "id": "2"})
        error = await alice.recv()
        assert error == {
            "type": "error",
            "code": "internal",
            "message": "your message was not stored (history failed); resend it",
            "ref": "2",
        }
        # Mend it: the resend is stored with the next seq, no gap.
        other.execute("ALTER TABLE broken RENAME TO messages")
        other.commit()
        other.close()
        await alice.send({"type": "message", "content": "two", "id": "2"})
        ack = await alice.until("message")
        assert (ack["seq"], ack["id"]) == (2, "2")


async def test_room_that_cannot_be_opened_is_closed_1011(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    async with running_server(db=db) as server:
        other = sqlite3.connect(db)
        other.execute("DROP TABLE messages")
        other.commit()
        other.close()
        async with peer(server.urls[0] + "r/new") as p:
            assert await p.closed() == (1011, "history unavailable, try again later")


async def test_server_close_sends_1001_with_reason() -> None:
    async with running_server() as server:
        async with (
            member(server.urls[0], "alice") as (alice, _),
            peer(server.urls[0], subprotocols=None) as guest,
        ):
            await server.close("host stopped hosting")
            assert await alice.closed() == (1001, "host stopped hosting")
            assert await guest.closed() == (1001, "host stopped hosting")
        await server.close()  # idempotent
        await server.wait_closed()
        assert server.closed


PASSWORD = {"password": "s3cret"}


async def test_password_room_accepts_the_right_password() -> None:
    async with (
        running_server(**PASSWORD) as server,
        member(server.urls[0], "alice", password="s3cret") as (_, welcome),
    ):
        assert welcome["you"] == "alice"


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        ({"type": "hello", "name": "eve", "password": "guess"}, "wrong password"),
        ({"type": "hello", "name": "eve"}, "password required"),
        (
            {"type": "message", "content": "let me in"},
            "this room needs a password: send hello with it first",
        ),
        ("not json", "this room needs a password: send hello with it first"),
    ],
)
async def test_password_room_refuses_with_unauthorized_and_1008(
    first: dict | str, reason: str
) -> None:  # type: ignore[type-arg]
    async with running_server(**PASSWORD) as server:
        async with (
            member(server.urls[0], "alice", password="s3cret") as (alice, _),
            peer(server.urls[0]) as eve,
        ):
            await eve.send(first)
            assert await eve.recv() == {"type": "error", "code": "unauthorized", "message": reason}
            assert await eve.closed() == (1008, reason)
            assert await alice.quiet() == []  # eve never joined


async def test_password_room_sends_nothing_before_hello_and_times_out() -> None:
    async with running_server(hello_timeout=0.5, **PASSWORD) as server:
        async with peer(server.urls[0], subprotocols=None) as tutorial_client:
            reason = "no hello with the room password within 0.5 s"
            assert await tutorial_client.recv() == {
                "type": "error",
                "code": "unauthorized",
                "message": reason,
            }
            assert await tutorial_client.closed() == (1008, reason)


async def test_slow_consumer_is_closed_1013() -> None:
    limit = 256 * 1024
    async with running_server(max_buffer=limit, rate=100_000, burst=100_000) as server:
        url = server.urls[0]
        # A client that stops reading: a small receive buffer and max_queue=1,
        # so that websockets stops reading the socket after one frame.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", server.port))
        async with (
            connect(url, sock=sock, max_queue=1) as slow_ws,
            member(url, "fast") as (fast, _),
        ):
            slow = Peer(slow_ws)
            content = "z" * 16_000
            dropped = False
            for n in range(2000):
                await fast.send({"type": "message", "content": content, "id": f"f{n}"})
                while True:
                    frame = await fast.recv()
                    if frame["type"] == "presence" and frame["event"] == "leave":
                        dropped = True
                    if frame.get("id") == f"f{n}":
                        break
                if dropped:
                    break
            assert dropped, "the slow consumer was never dropped"
            assert frame["type"] == "message"
            assert server.stats.dropped_slow == 1
            # Reading again, it drains what was queued and finds the close.
            assert await slow.closed() == (1013, "slow consumer: too far behind, reconnect later")
            await assert_still_usable(fast)
