"""server/wire.py: the compact WebSocket layer under the room server.

What it must keep right beneath websockets' public API (RFC 6455): frames
encoded once and shared, fragments assembled, UTF-8 checked, keepalive,
handshake and closing timeouts, and writes coalesced per loop turn without
reordering anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json

import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import Protocol as Parser
from websockets.protocol import State
from websockets.server import ServerProtocol

from roomcast.server.protocol import MAX_FRAME_BYTES
from roomcast.server.wire import _LOST, PING_FRAME, PING_PAYLOAD, encode_text
from tests.helpers import WAIT, RawClient, member, peer, running_server, until


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_encode_text_is_the_frame_websockets_would_send(size: int) -> None:
    # RFC 6455 5.2: 7-bit, 16-bit and 64-bit payload lengths, unmasked.
    payload = b"x" * size
    expected = Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])
    assert encode_text(payload) == expected


async def test_a_fragmented_message_is_assembled() -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/frag"
        async with member(url, "alice") as (alice, _), member(url, "bob") as (bob, _):
            await alice.until("presence", name="bob")
            text = json.dumps({"type": "message", "content": "in three parts", "id": "f1"})
            # websockets sends an iterable as one message in several frames.
            await alice.ws.send([text[:10], text[10:20], text[20:]])
            got = await bob.until("message")
            assert (got["from"], got["content"], got["id"]) == ("alice", "in three parts", "f1")


async def test_max_size_bounds_the_whole_fragmented_message() -> None:
    async with running_server() as server:
        async with member(server.urls[0], "alice") as (alice, _):
            part = "x" * (MAX_FRAME_BYTES // 2)
            await alice.ws.send([part, part, part])  # each frame fits, the message does not
            code, reason = await alice.closed()
            assert code == 1009
            assert reason == (
                f"frame with {MAX_FRAME_BYTES // 2} bytes after reading {MAX_FRAME_BYTES} "
                f"bytes exceeds limit of {MAX_FRAME_BYTES} bytes"
            )


async def test_invalid_utf8_closes_1007() -> None:
    async with running_server() as server:
        client = await RawClient.open(server.urls[0], subprotocols=["roomcast.v1"])
        try:
            client.protocol.send_text(b'{"type":"message","content":"\xff"}')
            await client.flush()
            frames = await client.frames_until_eof()
            close = frames[-1]
            assert close.opcode is Opcode.CLOSE
            assert close.data == (1007).to_bytes(2, "big") + b"invalid start byte at position 29"
        finally:
            client.close()


async def test_a_peer_that_never_answers_pings_is_closed_1011() -> None:
    async with running_server(ping_interval=0.2, ping_timeout=0.3, close_timeout=0.5) as server:
        client = await RawClient.open(server.urls[0], subprotocols=["roomcast.v1"])
        try:
            # Silent for a whole interval: a ping; unanswered: 1011.
            frames = await client.frames_until_eof()
            opcodes = [f.opcode for f in frames]
            assert Opcode.PING in opcodes
            assert frames[-1].opcode is Opcode.CLOSE
            assert frames[-1].data == (1011).to_bytes(2, "big") + b"keepalive ping timeout"
            await until(lambda: server.health()["connections"] == 0, what="the server to forget it")
        finally:
            client.close()


async def test_a_quiet_client_that_answers_pings_stays() -> None:
    async with running_server(ping_interval=0.1, ping_timeout=0.2) as server:
        async with member(server.urls[0], "alice") as (alice, _):
            await asyncio.sleep(1.0)  # ten intervals of silence, pongs answered
            assert alice.ws.state is State.OPEN
            await alice.send({"type": "message", "content": "still here", "id": "q1"})
            assert (await alice.until("message"))["content"] == "still here"


async def test_a_connection_that_never_upgrades_is_dropped() -> None:
    async with running_server(open_timeout=0.3) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and the rest never comes
            async with asyncio.timeout(WAIT):
                assert await reader.read() == b""
        finally:
            writer.close()


async def test_close_does_not_wait_for_a_half_open_handshake() -> None:
    async with running_server() as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET / HTTP/1.1\r\n")
        await writer.drain()
        await asyncio.sleep(0.1)  # read by the server (unread data would turn FIN into RST)
        async with asyncio.timeout(WAIT):
            await server.close()
            assert await reader.read() == b""
        writer.close()


async def test_frames_of_one_turn_reach_each_member_in_one_write() -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/batch"
        async with member(url, "bob") as (bob, _), member(url, "carol") as (carol, _):
            alice = await RawClient.open(url, subprotocols=["roomcast.v1"])
            try:
                alice.protocol.send_text(b'{"type":"hello","name":"alice"}')
                await alice.flush()
                # Presence is lazy; both have it, so its one flush is done.
                await bob.until("presence", name="alice")
                await carol.until("presence", name="alice")
                before = server.writes
                for n in range(5):  # five posts in one TCP write: one turn
                    frame = {"type": "message", "content": f"m{n}", "id": f"a{n}"}
                    alice.protocol.send_text(json.dumps(frame).encode())
                await alice.flush()
                for p in (bob, carol):
                    got = [(await p.until("message"))["content"] for _ in range(5)]
                    assert got == ["m0", "m1", "m2", "m3", "m4"]
                # alice's acknowledgements, bob's and carol's copies: 3 writes.
                assert server.writes - before == 3
            finally:
                alice.close()


async def test_lazy_presence_still_arrives_before_the_message_that_follows() -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/order"
        async with member(url, "alice") as (alice, _):
            async with member(url, "bob") as (bob, _):
                await bob.send({"type": "message", "content": "hi", "id": "b1"})
                first = await alice.recv()
                second = await alice.recv()
                assert (first["type"], first["event"], first["name"]) == ("presence", "join", "bob")
                assert (second["type"], second["content"]) == ("message", "hi")


async def test_server_close_sends_1001_to_a_websockets_client() -> None:
    async with running_server() as server:
        async with peer(server.urls[0]) as p:
            await server.close("going away for a test")
            assert await p.closed() == (1001, "going away for a test")


# -- flow control (wire.py docstring; issue 14) ------------------------------------------


async def test_a_ping_flood_is_closed_1008_after_a_burst() -> None:
    """Issue 14, 3: each ping costs a parse and a pong; a peer may ping (20 in
    a burst, 5 a second), not flood: past that it is closed, and gets no more pongs."""
    async with running_server() as server:
        client = await RawClient.open(server.urls[0], subprotocols=["roomcast.v1"])
        try:
            for _ in range(2000):
                client.protocol.send_ping(b"p" * 125)
            await client.flush()
            frames = await client.frames_until_eof()
            pongs = [f for f in frames if f.opcode is Opcode.PONG]
            closes = [f for f in frames if f.opcode is Opcode.CLOSE]
            assert len(pongs) <= 20, len(pongs)
            assert closes[0].data == (1008).to_bytes(2, "big") + b"too many pings"
        finally:
            client.close()


async def test_pongs_count_against_max_buffer() -> None:
    """Control frames count in the unsent budget: with pings allowed, a client
    that never reads is failed 1013 before its pongs pass max_buffer."""
    async with running_server(max_buffer=64 * 1024) as server:
        server._wire.ping_rate = server._wire.ping_burst = 1e9  # type: ignore[union-attr]
        client = await RawClient.open(server.urls[0], subprotocols=["roomcast.v1"])
        try:
            for _ in range(32):  # 16 MiB of 125-byte pings, past the kernel's buffers
                for _ in range(4096):
                    client.protocol.send_ping(b"p" * 125)
                client.writer.write(b"".join(client.protocol.data_to_send()))
                await asyncio.sleep(0)
            await until(lambda: not server._wire.connections, what="the flooder to go")  # type: ignore[union-attr]
        finally:
            client.writer.transport.abort()


async def test_empty_continuation_fragments_are_bounded_by_count() -> None:
    """Issue 14, 6: empty fragments count nothing against max_size."""
    async with running_server() as server:
        client = await RawClient.open(server.urls[0], subprotocols=["roomcast.v1"])
        try:
            client.protocol.send_text(b"{", fin=False)
            for _ in range(1100):
                client.protocol.send_continuation(b"", fin=False)
            await client.flush()
            frames = await client.frames_until_eof()
            closes = [f for f in frames if f.opcode is Opcode.CLOSE]
            assert closes, frames
            assert closes[0].data[:2] == (1009).to_bytes(2, "big")
            assert b"too many fragments" in closes[0].data
        finally:
            client.close()


async def test_a_long_close_reason_is_cut_at_a_character_boundary() -> None:
    """Issue 14, 6: a reason over 123 bytes used to abort close()."""
    async with running_server() as server:
        async with member(server.urls[0], "ann") as (ann, _):
            reason = "ü" * 100  # 200 bytes of UTF-8
            await asyncio.gather(server.close(reason), ann.closed())
            code, got = await ann.closed()
            assert code == 1001
            assert got == "ü" * 61  # 122 bytes: the 62nd character would split


async def test_an_open_connection_keeps_no_handshake_headers() -> None:
    """Issue 20: websockets' parser keeps its request for the connection's life;
    wire.py empties its headers once upgraded (3.2 KB per idle connection)."""
    import gc

    from websockets.datastructures import Headers

    def headers_alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if type(o) is Headers and len(o))

    async with running_server(
        max_connections_per_address=100, handshake_rate=1000, handshake_burst=1000
    ) as server:
        before = headers_alive()
        url = server.urls[0] + "r/idle"
        async with contextlib.AsyncExitStack() as stack:
            peers = [await stack.enter_async_context(member(url, f"m{i}")) for i in range(3)]
            assert len(peers) == 3 and len(server.members()) == 3
            # Each client keeps its request's and its response's headers (6);
            # the server none (9 without wire.py's emptying).
            assert headers_alive() - before == 2 * 3


# -- idle connections hold no parser (wire.py docstring; issue 20) ----------------------


def test_our_ping_is_the_frame_websockets_would_send() -> None:
    assert Frame(Opcode.PING, PING_PAYLOAD).serialize(mask=False, extensions=[]) == PING_FRAME


def server_parsers() -> int:
    """websockets parsers alive on the server's side (the clients' are ClientProtocols)."""
    gc.collect()
    return sum(
        1 for o in gc.get_objects() if type(o) in (Parser, ServerProtocol) and o is not _LOST
    )


async def next_frame(client: RawClient, opcode: Opcode) -> Frame:
    """The next frame of this kind; fails on a close or the end of the stream."""
    while True:
        events = await client.events()
        assert events, "the server closed the connection"
        for frame in events:
            assert frame.opcode is not Opcode.CLOSE, frame
            if frame.opcode is opcode:
                return frame


async def test_idle_connections_hold_no_parser_and_wake_for_data() -> None:
    """Issue 20: websockets' parser is 1.7 KB of an idle connection's memory. A
    connection whose parser is at rest drops it, and a fresh one reads its next
    frame with every limit in place."""
    async with running_server(
        max_connections_per_address=100, handshake_rate=1000, handshake_burst=1000
    ) as server:
        url = server.urls[0] + "r/idle"
        async with contextlib.AsyncExitStack() as stack:
            guests = [
                await stack.enter_async_context(peer(url, subprotocols=None)) for _ in range(5)
            ]
            for guest in guests:
                await guest.until("welcome")
            alice, _ = await stack.enter_async_context(member(url, "alice"))
            assert server_parsers() == 0  # six idle members, after their handshake and hello
            assert all(conn.hibernating for conn in server._wire.connections)  # type: ignore[union-attr]

            await alice.send({"type": "message", "content": "awake", "id": "w1"})
            for p in (alice, *guests):
                assert (await p.until("message"))["content"] == "awake"
            await alice.send("x" * (MAX_FRAME_BYTES + 1))  # max_size holds for a fresh parser
            assert await alice.closed() == (
                1009,
                f"frame with {MAX_FRAME_BYTES + 1} bytes exceeds limit of {MAX_FRAME_BYTES} bytes",
            )


async def test_a_frame_cut_across_a_keepalive_sweep_is_read_whole() -> None:
    """Half a frame is held by the parser: a sweep that finds the peer silent
    must not drop it (the rest would be read as a new frame)."""
    async with running_server(ping_interval=0.1, ping_timeout=WAIT) as server:
        client = await RawClient.open(server.urls[0] + "r/cut", subprotocols=["roomcast.v1"])
        try:
            client.protocol.send_text(b'{"type":"hello","name":"ann"}')
            await client.flush()
            await client.events()  # welcome
            frame = {"type": "message", "content": "in two reads", "id": "c1"}
            client.protocol.send_text(json.dumps(frame).encode())
            data = b"".join(client.protocol.data_to_send())
            client.writer.write(data[:5])
            await client.writer.drain()
            # The server pings only after a sweep found the connection silent.
            await next_frame(client, Opcode.PING)
            client.writer.write(data[5:])
            await client.writer.drain()
            got = await next_frame(client, Opcode.TEXT)
            assert json.loads(got.data)["content"] == "in two reads"
        finally:
            client.close()


async def test_a_fragmented_message_keeps_its_parser_between_fragments() -> None:
    async with running_server(ping_interval=0.1, ping_timeout=WAIT) as server:
        client = await RawClient.open(server.urls[0] + "r/frag", subprotocols=["roomcast.v1"])
        try:
            client.protocol.send_text(b'{"type":"hello","name":"ann"}')
            await client.flush()
            await client.events()  # welcome
            text = json.dumps({"type": "message", "content": "in two frames", "id": "f2"})
            client.protocol.send_text(text[:12].encode(), fin=False)
            await client.flush()
            await next_frame(client, Opcode.PING)
            client.protocol.send_continuation(text[12:].encode(), fin=True)
            await client.flush()
            got = await next_frame(client, Opcode.TEXT)
            assert json.loads(got.data)["content"] == "in two frames"
        finally:
            client.close()
