"""Hosting a room from the app, as plain data and words (no Qt).

What the host chose (:class:`HostSettings`), where others can join
(:func:`invite_urls`), and one clear sentence for each way starting the
embedded server can fail (:func:`host_error_text`). Those texts are marked
with ``QT_TRANSLATE_NOOP`` and translated through ``desktop.client.translate``
(which desktop/i18n.py points at Qt's catalogue), like the client's.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from desktop import client
from desktop.texts import QT_TRANSLATE_NOOP
from server.defaults import HOST_STOPPED_REASON, PORT
from server.errors import ListenError
from server.netinfo import is_wildcard, lan_ipv4_addresses

__all__ = [
    "ALL_NETWORKS",
    "HOST_STOPPED_REASON",
    "LOCAL_ONLY",
    "HostSettings",
    "host_error_text",
    "hosted_db_path",
    "invite_urls",
    "room_path",
]

# HOST_STOPPED_REASON (server.defaults) is the 1001 close reason joiners see
# (PROTOCOL.md, Close codes); re-exported here with the rest of hosting's words.
LOCAL_ONLY = "127.0.0.1"
ALL_NETWORKS = "0.0.0.0"  # noqa: S104 - "People on my network" binds every interface


@dataclass(frozen=True)
class HostSettings:
    room: str = "chat"
    #: LOCAL_ONLY ("Only this computer") or ALL_NETWORKS ("People on my network").
    host: str = ALL_NETWORKS
    #: roomcast-server's default port, so a hosted room is where people expect one.
    port: int = PORT
    password: str | None = None


def hosted_db_path() -> Path:
    """One database for every room this user hosts: a room hosted again keeps its history."""
    import platformdirs

    return Path(platformdirs.user_data_dir("roomcast", appauthor=False)) / "hosted.sqlite3"


def room_path(room: str) -> str:
    return f"/r/{room}"


def invite_urls(settings: HostSettings, port: int, lan: list[str] | None = None) -> list[str]:
    """ws://<each LAN IPv4>:<port>/r/<room>; loopback only for "Only this computer".

    The password is never part of an invite.
    """
    if is_wildcard(settings.host):
        hosts = lan if lan is not None else lan_ipv4_addresses()
        if not hosts:
            hosts = [LOCAL_ONLY]
    else:
        hosts = [settings.host]
    return [f"ws://{h}:{port}{room_path(settings.room)}" for h in hosts]


def browser_link(address: str) -> str:
    """The guest page of a join address: ``ws://H:P/r/ROOM`` → ``http://H:P/r/ROOM``
    (``wss`` → ``https``). The room server serves its page there (PROTOCOL.md,
    Transport: ``GET`` without an upgrade)."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        return address
    return {"ws": "http", "wss": "https"}.get(scheme.lower(), scheme) + "://" + rest


def _t(text: str) -> str:
    return client.translate("Hosting", text)


def host_error_text(exc: ListenError) -> str:
    """One sentence for a server that could not start listening."""
    port = exc.port
    if exc.errno == errno.EADDRINUSE:
        return _t(
            QT_TRANSLATE_NOOP(
                "Hosting",
                "Port {port} is in use by another program; choose another port to host on.",
            )
        ).format(port=port)
    if exc.errno == errno.EACCES:
        return _t(
            QT_TRANSLATE_NOOP(
                "Hosting",
                "Permission denied for port {port}: ports below 1024 need administrator "
                "rights; choose a port above 1024.",
            )
        ).format(port=port)
    if exc.errno == errno.EADDRNOTAVAIL:
        return _t(
            QT_TRANSLATE_NOOP(
                "Hosting",
                "Cannot host on {host}: that address does not belong to this computer.",
            )
        ).format(host=exc.host)
    return _t(QT_TRANSLATE_NOOP("Hosting", "Cannot host on port {port}: {error}")).format(
        port=port, error=exc
    )
