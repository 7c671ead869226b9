"""Idle connections, attacked: fat handshakes, a member that never reads, and a
host who keeps looking (issue 20's header rule, issue 18's round trips).

The rules under test, and what breaks them:

* **An open connection keeps no handshake headers** (server/wire.py). Clients
  that send 48 KB of headers each and then sit idle: the server's RSS (from
  /proc, a real ``roomcast-server`` process) may grow by their connections,
  not by their headers. Before the rule it held every request for the
  connection's life (about 48 KB each here, 9.6 MB for the 200).
* **An idle connection keeps no parser** (server/wire.py, issue 20): once its
  hello is read and it goes quiet, websockets' parser is dropped. About 2.1
  KiB per idle member here; 3.4 KiB when every member kept its parser.
* **One ping out at a time per member** (wire.Connection.ping). The admin
  endpoint pings every member at each look; a member that never reads never
  answers: its ping waits (``waiting`` grows from the first look, ``rtt``
  stays null) and looking again sends it no more pings.

And through it all, every reading client sees every message of its room once,
in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import urllib.request
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from roomcast.server.protocol import SUBPROTOCOL
from tests.helpers import WAIT, RawClient, server_process
from tests.hostile.harness import status_kib

ROOMS = 10
PER_ROOM = 20
POSTS = 3
#: 24 headers of 2,000 bytes: 48 KB a handshake (websockets allows 128 headers
#: of 8 KiB lines), far above what an idle connection itself costs.
FAT_HEADERS = [(f"X-Padding-{i}", "p" * 2000) for i in range(24)]
TOKEN = "idle-connections-admin-token"


async def joined(url: str, name: str) -> ClientConnection:
    ws = await connect(
        url,
        subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
        additional_headers=FAT_HEADERS,
        open_timeout=WAIT,
        ping_interval=None,
        # They read nothing until the end: buffer what comes (presence of the
        # later joiners) instead of pausing, which would leave pings unanswered.
        max_queue=None,
    )
    await ws.send(json.dumps({"type": "hello", "name": name}))
    while json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] != "welcome":
        pass
    return ws


async def messages(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    """The next ``count`` chat messages this client receives (presence skipped)."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT):
        while len(seen) < count:
            frame = json.loads(await ws.recv())
            if frame["type"] == "message":
                seen.append(frame)
    return seen


def admin_members(base: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        base + "admin/members", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=WAIT) as answer:
        members: list[dict[str, Any]] = json.loads(answer.read())["members"]
        return members


async def test_fat_handshakes_and_a_member_that_never_reads(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text(TOKEN)
    limits = ["--max-connections-per-address", "1000", "--handshakes-per-second", "1000"]
    with server_process(
        "--db", str(tmp_path / "h.sqlite3"), "--admin-token-file", str(token), *limits
    ) as server:
        pid, base = server.proc.pid, server.url
        http = base.replace("ws://", "http://")
        async with contextlib.AsyncExitStack() as stack:
            # Warm the allocator and the rooms first: what follows is per connection.
            for room in range(ROOMS):
                ws = await joined(f"{base}r/idle-{room}", "warm")
                await ws.close()
            before = status_kib(pid, "VmRSS")
            clients: dict[int, list[ClientConnection]] = {}
            for room in range(ROOMS):
                clients[room] = []
                for n in range(PER_ROOM):
                    ws = await joined(f"{base}r/idle-{room}", f"c{n}")
                    stack.push_async_callback(ws.close)
                    clients[room].append(ws)
            grown = status_kib(pid, "VmRSS") - before
            connections = ROOMS * PER_ROOM
            # About 2.1 KiB per idle connection here (issue 20); 3.4 KiB if
            # their parsers were kept, 48 KB more each if the requests were.
            assert grown < connections * 3, f"{grown} KiB for {connections} idle connections"

            # A member of room 0 that reads nothing, ever.
            stalled = await RawClient.open(f"{base}r/idle-0", subprotocols=[SUBPROTOCOL])
            stack.callback(stalled.close)
            sock = stalled.writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.protocol.send_text(json.dumps({"type": "hello", "name": "stalled"}).encode())
            await stalled.flush()
            await stalled.events()  # its welcome; nothing more is read

            # The host looks, again and again: each look pings every member.
            loop = asyncio.get_running_loop()
            first_look = loop.time()
            for _ in range(30):
                listed = await asyncio.to_thread(admin_members, http)
            assert len({(m["room"], m["name"]) for m in listed}) == connections + 1

            async def answered() -> dict[tuple[str, str], dict[str, Any]]:
                now = await asyncio.to_thread(admin_members, http)
                return {(m["room"], m["name"]): m for m in now}

            async with asyncio.timeout(WAIT):
                while True:
                    now = await answered()
                    if all(m["rtt"] is not None for k, m in now.items() if k[1] != "stalled"):
                        break
                    await asyncio.sleep(0.1)
            stalled_row = now[("idle-0", "stalled")]
            assert stalled_row["rtt"] is None
            # Its first ping is still the one out: later looks sent none (each
            # new ping would restart the wait).
            assert stalled_row["waiting"] >= loop.time() - first_look - 1.0

            # Every room talks; every reading client sees its room's posts once, in order.
            for room, members in clients.items():
                for k in range(POSTS):
                    await members[0].send(
                        json.dumps(
                            {"type": "message", "content": f"{room}-{k}", "id": f"{room}-{k}"}
                        )
                    )
            for room, members in clients.items():
                seen = await asyncio.gather(*(messages(ws, POSTS) for ws in members))
                for frames in seen:
                    assert [f["content"] for f in frames] == [f"{room}-{k}" for k in range(POSTS)]
                    seqs = [f["seq"] for f in frames]
                    assert seqs == sorted(set(seqs))
            # The talk woke some parsers, and the stalled member holds what it
            # did not read (about 860 KiB in all here).
            assert status_kib(pid, "VmRSS") - before < connections * 3 + 2048
