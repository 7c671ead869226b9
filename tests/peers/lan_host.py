"""A host on the LAN for tests/desktop/test_discovery_netns.py: run inside a network namespace.

Serves a real Roomcast room server over wss:// with a self-signed
certificate for ``--address`` (``server.certificates.self_signed``, as
``roomcast-server --self-signed`` and the desktop's hosting do) on every
interface, port 0, and advertises its room with
:class:`desktop.discovery.Advertiser` on ``--address``'s interface. With
``--decoy ROOM`` it also advertises a second room at the same address and
port whose ``fp`` is another certificate's, as an impostor's advert would
be. When everything is announced it prints one JSON line::

    {"port": 41234, "fingerprint": "AB:CD:...", "name": "chat on alice._roomcast._tcp.local.",
     "decoy_fingerprint": "12:34:..." | null, "advertising_from": 12345.6}

(``advertising_from``: ``time.monotonic()`` when the adverts began, which
is the same clock in every namespace of the machine.)

and serves until SIGTERM or SIGINT (then says goodbye and exits 0), or
until ``--lifetime`` seconds have passed (so that a test that died leaves
no process behind).

    ip netns exec NS python tests/peers/lan_host.py --address 198.18.0.1 --folder DIR
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import signal
import sys
import time
from pathlib import Path

from roomcast.desktop.discovery import Advert, Advertiser
from roomcast.server.app import RoomServer, ServerConfig
from roomcast.server.certificates import fingerprint, self_signed


async def serve(args: argparse.Namespace) -> int:
    made = self_signed(Path(args.folder), [args.address])
    server = RoomServer(
        ServerConfig(
            host="0.0.0.0",  # "people on my network", inside the namespace
            port=0,
            db=":memory:",
            certfile=str(made.path),
            keyfile=str(made.path),
        )
    )
    await server.start()
    advertisers: list[Advertiser] = []
    try:
        adverts = [
            Advert(
                room=args.room,
                host_name=args.host_name,
                port=server.port,
                addresses=(args.address,),
                password=False,
                fingerprint=made.fingerprint,
                secure=True,
            )
        ]
        decoy_fingerprint = None
        if args.decoy:
            # Another certificate's fingerprint (any 32 bytes stand for one).
            decoy_fingerprint = fingerprint(hashlib.sha256(b"not the host's").digest())
            adverts.append(
                Advert(
                    room=args.decoy,
                    host_name="Mallory",
                    port=server.port,
                    addresses=(args.address,),
                    password=False,
                    fingerprint=decoy_fingerprint,
                    secure=True,
                )
            )
        advertisers = [Advertiser() for _ in adverts]
        advertising_from = time.monotonic()
        await asyncio.gather(
            *(
                a.start(ad, interfaces=[args.address])
                for a, ad in zip(advertisers, adverts, strict=True)
            )
        )
        print(
            json.dumps(
                {
                    "port": server.port,
                    "fingerprint": made.fingerprint,
                    "name": advertisers[0].name,
                    "decoy_fingerprint": decoy_fingerprint,
                    "advertising_from": advertising_from,
                }
            ),
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.lifetime):
                await stop.wait()
    finally:
        for advertiser in advertisers:
            await advertiser.close()
        await server.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--address", required=True, help="this namespace's IPv4 address")
    p.add_argument("--folder", required=True, help="where the certificate is made")
    p.add_argument("--room", default="chat")
    p.add_argument("--host-name", default="Alice")
    p.add_argument("--decoy", default="", help="also advertise this room with a wrong fp")
    p.add_argument("--lifetime", type=float, default=60.0)
    return asyncio.run(serve(p.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
