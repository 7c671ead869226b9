"""A guest on the LAN for tests/desktop/test_discovery_netns.py: run inside a network namespace.

Browses for Roomcast rooms with :class:`desktop.discovery.Browser` (on every
interface, as the app does) until ``--room`` (and ``--decoy``, when given)
is listed, then joins it the way the app does: the advertised fingerprint
is pinned for the room's address and port in a :class:`desktop.tls.PinStore`,
and a :class:`desktop.client.RoomClient` named ``bob`` connects to the
room's ``wss://`` URL, which checks the certificate against the pin before
a byte is sent, says ``hello`` and waits for the ``welcome``. The decoy is
joined the same way and must be refused by that check. Prints a JSON line
when browsing has begun, ``{"browsing": 12345.6}``, then one with the
result::

    {"listed_after": 0.41, "listed_at": 12346.0, "room": {...the DiscoveredRoom...},
     "welcome": {"room": "chat", "you": "bob", "members": ["bob"]} | null,
     "join_error": "" , "decoy_refused": "The certificate of ... has changed! ..." | null}

``listed_after`` counts from the start of browsing; ``browsing`` and
``listed_at`` are ``time.monotonic()``, one clock for every namespace.
Exits 1 (with the JSON so far) when the room is not listed within ``--wait`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import sys
import time
from typing import Any

from roomcast.desktop.client import ConnectionState, RoomClient, Status
from roomcast.desktop.discovery import Browser, DiscoveredRoom
from roomcast.desktop.tls import PinStore


async def join(room: DiscoveredRoom, name: str, within: float) -> Status:
    """Join ``room`` as the app does, pinning its advertised fingerprint; the
    status it ends in (CONNECTED with the welcome's room, or DISCONNECTED)."""
    pins = PinStore()
    if room.fingerprint is not None:
        pins.pin(room.address, room.port, room.fingerprint)
    settled = asyncio.Event()
    last: list[Status] = []

    def on_status(status: Status) -> None:
        last.append(status)
        if (status.state is ConnectionState.CONNECTED and status.room) or (
            status.state is ConnectionState.DISCONNECTED and status.detail
        ):
            settled.set()

    client = RoomClient(name=name, pins=pins, on_status=on_status)
    client.start([room.url])
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await settled.wait()
    finally:
        await client.stop()
    return next(
        (s for s in reversed(last) if s.state is not ConnectionState.DISCONNECTED or s.detail),
        Status(ConnectionState.DISCONNECTED, detail="nothing happened"),
    )


async def run(args: argparse.Namespace) -> int:
    wanted = {args.room, *([args.decoy] if args.decoy else [])}
    found: dict[str, DiscoveredRoom] = {}
    listed_at: dict[str, float] = {}
    complete = asyncio.Event()

    def on_change(rooms: list[DiscoveredRoom]) -> None:
        for room in rooms:
            if room.room in wanted and room.room not in found:
                found[room.room] = room
                listed_at[room.room] = time.monotonic()
        if wanted <= set(found):
            complete.set()

    result: dict[str, Any] = {
        "listed_after": None,
        "listed_at": None,
        "room": None,
        "welcome": None,
        "join_error": None,
        "decoy_refused": None,
    }
    started = time.monotonic()
    browser = Browser(on_change, interfaces=[args.address] if args.address else None)
    await browser.start()
    print(json.dumps({"browsing": time.monotonic()}), flush=True)
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.wait):
                await complete.wait()
    finally:
        await browser.close()
    if args.room in found:
        result["listed_after"] = round(listed_at[args.room] - started, 3)
        result["listed_at"] = listed_at[args.room]
        result["room"] = dataclasses.asdict(found[args.room])
    if not complete.is_set():
        print(json.dumps(result), flush=True)
        return 1

    status = await join(found[args.room], "bob", args.wait)
    if status.state is ConnectionState.CONNECTED:
        result["welcome"] = {
            "room": status.room,
            "you": status.you,
            "members": list(status.members),
        }
    else:
        result["join_error"] = status.detail
    if args.decoy:
        refused = await join(found[args.decoy], "bob", args.wait)
        result["decoy_refused"] = (
            refused.detail if refused.state is ConnectionState.DISCONNECTED else None
        )
    print(json.dumps(result), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--room", default="chat")
    p.add_argument("--decoy", default="")
    p.add_argument("--address", default="", help="browse on this address only (default: all)")
    p.add_argument("--wait", type=float, default=10.0, help="seconds to wait for each step")
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
