"""Rooms found on the network, as tests make them (desktop.discovery.DiscoveredRoom)."""

from __future__ import annotations

from typing import Any

from roomcast.desktop.discovery import DiscoveredRoom

FP = "AB:CD:EF:" + "01:" * 28 + "23"


def found(room: str, host: str = "Alice", **changes: Any) -> DiscoveredRoom:
    """A room ``room`` hosted by ``host`` at 10.0.0.2:8765 over wss; ``changes`` override."""
    fields: dict[str, Any] = {
        "key": f"{room} on {host}._roomcast._tcp.local.".lower(),
        "room": room,
        "host_name": host,
        "address": "10.0.0.2",
        "port": 8765,
        "password": False,
        "fingerprint": FP,
        "secure": True,
    }
    fields.update(changes)
    return DiscoveredRoom(**fields)
