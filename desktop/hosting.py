"""Hosting a room from the app, as plain data and words (no Qt).

What the host chose (:class:`HostSettings`), where others can join
(:func:`invite_urls`), the certificate a room hosted for the network is
served with (:func:`hosted_certificate`), and one clear sentence for each way
starting the embedded server can fail (:func:`host_error_text`,
:func:`certificate_error_text`). Those texts are marked with
``QT_TRANSLATE_NOOP`` and translated through ``desktop.client.translate``
(which desktop/i18n.py points at Qt's catalogue), like the client's.

Encrypted by default (issue 18): a room hosted for "People on my network" is
served over ``wss://`` with a self-signed certificate of the app's own
(``server/certificates.py``), and its invites are
``roomcasts://HOST:PORT/r/ROOM#sha256=…`` links that carry the certificate's
fingerprint, which a Roomcast client pins (``desktop/tls.py``). Anyone on
the café Wi-Fi could read a plain ``ws://`` room. "Only this computer" stays
plain ``ws://127.0.0.1``: loopback traffic never leaves the machine.

The fingerprint is what people pin, so it must outlive a restart and a new
Wi-Fi: the certificate is made once, naming every LAN address, the host name
and loopback, and then kept as long as it is valid, whatever the LAN
addresses are that day (:func:`hosted_certificate`). A Roomcast client checks
the fingerprint, not the names; a browser warns about a self-signed
certificate anyway, and its warning is what the invite panel explains.
"""

from __future__ import annotations

import errno
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from roomcast.desktop import client
from roomcast.desktop.links import from_link, invite_link
from roomcast.desktop.texts import QT_TRANSLATE_NOOP
from roomcast.server.certificates import SelfSigned, self_signed
from roomcast.server.defaults import HOST_STOPPED_REASON, PORT
from roomcast.server.errors import ListenError
from roomcast.server.netinfo import is_loopback, is_wildcard, lan_ipv4_addresses

__all__ = [
    "ALL_NETWORKS",
    "HOST_STOPPED_REASON",
    "LOCAL_ONLY",
    "LOOPBACK_NAMES",
    "TLS_FOLDER",
    "HostSettings",
    "browser_link",
    "certificate_error_text",
    "certificate_names",
    "host_error_text",
    "hosted_certificate",
    "hosted_db_path",
    "hosted_tls_dir",
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
    #: Let people on this network find the room (mDNS, ``_roomcast._tcp``); only
    #: ever for a room others can reach (:attr:`advertised`). Remembered as it
    #: was chosen, also while "Only this computer" is.
    advertise: bool = True

    @property
    def encrypted(self) -> bool:
        """Served over ``wss://`` with the app's certificate: every room others
        can reach. "Only this computer" (loopback) stays plain ``ws://``."""
        return not is_loopback(self.host)

    @property
    def advertised(self) -> bool:
        """Is the room to be announced on the local network? Never for "Only
        this computer", whatever :attr:`advertise` says."""
        return self.advertise and self.encrypted


#: The folder next to the hosted database that keeps the hosting certificate
#: (``server.certificates.CERT_FILE``). Not ``roomcast-server``'s ``tls/``:
#: a headless server started with another ``--host`` would make that one
#: again, and the app's fingerprint, which guests pinned, would change.
TLS_FOLDER: Final = "hosted-tls"
#: The names a kept certificate must carry to be kept: the host's own
#: client connects over loopback. LAN addresses are not asked for, so that a
#: new Wi-Fi does not change the fingerprint (module docstring).
LOOPBACK_NAMES: Final = (LOCAL_ONLY, "localhost")
#: A host name as a certificate can carry it (RFC 1123 labels; IDNA is not ours to guess).
_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME: Final = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")


def hosted_db_path() -> Path:
    """One database for every room this user hosts: a room hosted again keeps its history."""
    import platformdirs

    return Path(platformdirs.user_data_dir("roomcast", appauthor=False)) / "hosted.sqlite3"


def hosted_tls_dir(db: str | Path | None = None) -> Path:
    """Where the hosting certificate is kept: :data:`TLS_FOLDER` next to the
    hosted database ``db`` (default :func:`hosted_db_path`, the user's data
    folder). A session given a database of its own (a test's, the self-test's)
    so keeps its certificate beside it, never in the user's folder."""
    base = Path(db) if db is not None and str(db) != ":memory:" else hosted_db_path()
    return base.parent / TLS_FOLDER


def certificate_names(lan: Sequence[str], hostname: str | None = None) -> list[str]:
    """What a new hosting certificate names: the LAN addresses, loopback, and
    this computer's name (``socket.gethostname()`` unless given) with its
    ``.local`` mDNS form: what a browser on the network may open the room by.
    A name a certificate cannot carry (spaces, non-ASCII) is left out."""
    names = [*lan, *LOOPBACK_NAMES]
    host = (socket.gethostname() if hostname is None else hostname).strip().rstrip(".").lower()
    if host and host not in names and _HOST_NAME.fullmatch(host):
        names.append(host)
        if "." not in host:
            names.append(f"{host}.local")
    return names


def hosted_certificate(folder: Path, lan: Sequence[str], hostname: str | None = None) -> SelfSigned:
    """The certificate a room hosted for the network is served with, kept in
    ``folder`` (the key in the same file, ``0600``, the folder ``0700``).

    Kept as long as it is valid (``server.certificates.RENEW_BEFORE``), so
    the fingerprint people pinned stays the same across restarts and
    networks; made (naming :func:`certificate_names`) when there is none or
    it is expiring. OSError when ``folder`` cannot be written
    (:func:`certificate_error_text`).
    """
    return self_signed(folder, LOOPBACK_NAMES, make_for=certificate_names(lan, hostname))


def room_path(room: str) -> str:
    return f"/r/{room}"


def invite_urls(
    settings: HostSettings,
    port: int,
    lan: list[str] | None = None,
    fingerprint: str | None = None,
) -> list[str]:
    """What to give people, one per LAN IPv4 address (loopback only for "Only
    this computer", or when there is no LAN address).

    With the ``fingerprint`` of the certificate the room is served with: the
    invites ``roomcasts://<address>:<port>/r/<room>#sha256=…``, which a
    Roomcast client opens pinning that certificate (``desktop.links``).
    Without: ``ws://<address>:<port>/r/<room>``. The password is never part
    of an invite.
    """
    if is_wildcard(settings.host):
        hosts = lan if lan is not None else lan_ipv4_addresses()
        if not hosts:
            hosts = [LOCAL_ONLY]
    else:
        hosts = [settings.host]
    scheme = "wss" if fingerprint else "ws"
    urls = [f"{scheme}://{h}:{port}{room_path(settings.room)}" for h in hosts]
    return [invite_link(u, fingerprint) for u in urls] if fingerprint else urls


def browser_link(address: str) -> str:
    """The guest page of a join address or invite: ``ws://H:P/r/ROOM`` →
    ``http://H:P/r/ROOM``; ``wss://`` and ``roomcasts://…#sha256=…`` →
    ``https://H:P/r/ROOM`` (the fingerprint is for Roomcast; a browser checks
    the certificate its own way). The room server serves its page there
    (PROTOCOL.md, Transport: ``GET`` without an upgrade)."""
    scheme, sep, rest = from_link(address).partition("://")
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


def certificate_error_text(folder: Path, exc: OSError) -> str:
    """One sentence for a certificate that could not be made or kept in ``folder``."""
    return _t(
        QT_TRANSLATE_NOOP(
            "Hosting",
            "Cannot host for the network: the encryption certificate cannot be kept in "
            "{folder} ({reason}).",
        )
    ).format(folder=folder, reason=exc.strerror or str(exc) or type(exc).__name__)
