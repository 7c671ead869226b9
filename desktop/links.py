"""Links and server addresses, parsed in one place (no Qt).

A room is reached at a WebSocket URL (PROTOCOL.md, Transport): ``ws://`` or
``wss://``. The desktop entry registers ``roomcast://`` and ``roomcasts://``
links (x-scheme-handler) that stand for ``ws://`` and ``wss://``. Several
addresses, separated by commas or spaces, form a failover list; the app shows
such a list as ``ws://a, ws://b``.

The command line (``desktop/app.py``), the session (``desktop/session.py``),
the client (``desktop/client.py``), the saved connections and their dialog
all use these functions, so a link or a list means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from roomcast.server.defaults import HOST, PORT

__all__ = [
    "EXAMPLE_URL",
    "FINGERPRINT_PARAM",
    "LINK_SCHEMES",
    "WS_SCHEMES",
    "from_link",
    "host_port",
    "invite_link",
    "join_urls",
    "link_fingerprint",
    "room_key",
    "split_links",
    "split_urls",
    "validate_url",
]

#: Link schemes the desktop entry registers (x-scheme-handler), so a
#: roomcast:// link in a browser or chat opens the room in the app.
LINK_SCHEMES: Final = {"roomcast": "ws", "roomcasts": "wss"}
#: The prefixes of the URLs a room can be reached at.
WS_SCHEMES: Final = ("ws://", "wss://")
#: The address shown as an example (placeholders, ``--help``): a room on a
#: roomcast-server started with its defaults on this computer.
EXAMPLE_URL: Final = f"ws://{HOST}:{PORT}/r/team"


#: An invite's fragment carries the host's certificate fingerprint:
#: ``roomcasts://HOST:PORT/r/ROOM#sha256=HEX`` (never sent to the server: a
#: fragment stays on the client, RFC 3986 3.5).
FINGERPRINT_PARAM: Final = "sha256"


def from_link(url: str) -> str:
    """``roomcast://HOST:PORT/r/ROOM`` → ``ws://HOST:PORT/r/ROOM`` (``roomcasts://``
    → ``wss://``), without the link's ``#sha256=…`` (:func:`link_fingerprint`);
    any other URL is returned unchanged."""
    scheme, sep, rest = url.partition("://")
    mapped = LINK_SCHEMES.get(scheme.lower()) if sep else None
    if not mapped:
        return url
    rest, _, fragment = rest.partition("#")
    if fragment and not fragment.lower().startswith(FINGERPRINT_PARAM + "="):
        rest += "#" + fragment  # not ours: left for validate_url to judge
    return f"{mapped}://{rest}"


def link_fingerprint(url: str) -> str | None:
    """The certificate fingerprint a ``roomcasts://…#sha256=HEX`` invite carries
    (as written; ``desktop.tls.parse_fingerprint`` checks it), else None."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep or scheme.lower() not in LINK_SCHEMES:
        return None
    _, _, fragment = rest.partition("#")
    name, eq, value = fragment.partition("=")
    return value if eq and name.lower() == FINGERPRINT_PARAM and value else None


def invite_link(url: str, fingerprint: str | None = None) -> str:
    """A join address as an invite: ``wss://H:P/r/ROOM`` → ``roomcasts://H:P/r/ROOM``,
    with ``#sha256=HEX`` (lower-case hex, no colons) when a fingerprint is given."""
    scheme, sep, rest = url.partition("://")
    schemes = {ws: link for link, ws in LINK_SCHEMES.items()}
    link = f"{schemes.get(scheme.lower(), scheme)}{sep}{rest}"
    if fingerprint:
        link += f"#{FINGERPRINT_PARAM}=" + fingerprint.replace(":", "").lower()
    return link


def split_links(text: str) -> list[str]:
    """'ws://a, ws://b' or 'ws://a ws://b' → ['ws://a', 'ws://b'] (a failover
    list), each as written: an invite keeps its ``#sha256=…``. Nothing is
    validated here."""
    return text.replace(",", " ").split()


def split_urls(text: str) -> list[str]:
    """:func:`split_links`, roomcast:// links made ws:// addresses."""
    return [from_link(u) for u in split_links(text)]


def join_urls(urls: Iterable[str]) -> str:
    """A failover list as the URL boxes show it: ``ws://a, ws://b``."""
    return ", ".join(urls)


def validate_url(url: str) -> str:
    """The URL stripped, or ValueError saying what is wrong (PROTOCOL.md, Transport)."""
    # Imported here: ``roomcast --help`` parses its URLs with this module, and
    # websockets costs ~70 ms to import (desktop/app.py keeps --help fast).
    from websockets.exceptions import InvalidURI
    from websockets.uri import parse_uri

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("ws", "wss"):
        raise ValueError(f"{url!r} is not a WebSocket URL: it must start with ws:// or wss://")
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host: a WebSocket URL looks like ws://HOST:PORT/")
    try:
        parts.port  # noqa: B018 - raises ValueError when the port is not a number
        parse_uri(url)
    except (ValueError, InvalidURI) as exc:
        raise ValueError(f"{url!r} is not a valid WebSocket URL: {exc}") from None
    return url


def host_port(url: str) -> str:
    """HOST:PORT of a ws:// or wss:// URL, with the scheme's default port."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    host = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port or (443 if parts.scheme.lower() == 'wss' else 80)}"


def room_key(urls: Iterable[str]) -> tuple[str, str]:
    """Which room a URL (or a failover list) leads to, as ``(server, room)``:
    ``ws://chat.example:8765/r/team`` → ``("ws://chat.example:8765", "team")``.

    Spellings of one address give one key (the scheme's default port made
    explicit, the host in lower case); a failover list's servers are joined
    with ", ". PROTOCOL.md, Transport: ``/`` is the room ``lobby``,
    ``/r/NAME`` the room ``NAME``; any other path (a foreign server's) stands
    for itself. What a conversation is keyed by (desktop/timeline.py), and
    what a RoomClient resumes.
    """
    servers: list[str] = []
    rooms: list[str] = []
    for url in urls:
        parts = urlsplit(url.strip())
        server = f"{parts.scheme.lower()}://{host_port(url.strip())}"
        path = parts.path or "/"
        if path == "/":
            room = "lobby"
        elif path.startswith("/r/") and len(path) > 3 and "/" not in path[3:]:
            room = path[3:]
        else:
            room = path
        if parts.query:
            room += "?" + parts.query
        if server not in servers:
            servers.append(server)
        if room not in rooms:
            rooms.append(room)
    return ", ".join(servers), ", ".join(rooms)
