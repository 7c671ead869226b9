"""The host's and the operator's view of a server: who is in which room, and
what may be done about them (sans-I/O: no sockets, no asyncio).

The desktop app shows this data in its member table while hosting; the
headless server answers it as JSON on its admin endpoint (``/admin/…``, with
a token: see :func:`route`). Both call the same :class:`~server.app.RoomServer`
methods, which build :class:`MemberInfo` rows and carry out the commands.

What the host may do, and what the member sees (docs/protocol-notes.md,
"Host controls"):

* **kick**: the member's connection is closed with 1008 and the reason
  ``removed by the host: <reason>``; it may come back unless also banned.
* **ban** a name or an address for the life of the server process: a banned
  address is refused before the upgrade (HTTP 403), a banned name at its
  ``hello`` (1008 ``banned by the host``); members that match are kicked.
* **password**: set, changed or cleared at once for every room of the
  server. Members already in stay; the next joins need the new password.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Final
from urllib.parse import parse_qs, urlsplit

from .names import name_key

__all__ = [
    "ADMIN_PREFIX",
    "BANNED_NAME_REASON",
    "KICK_PREFIX",
    "PASSWORD_HEADER",
    "AdminAnswer",
    "Ban",
    "Bans",
    "Command",
    "Kick",
    "ListMembers",
    "MemberInfo",
    "SetPassword",
    "Unban",
    "authorized",
    "kick_reason",
    "route",
]

#: Every admin path starts so; nothing else on the port does (rooms are ``/r/``).
ADMIN_PREFIX: Final = "/admin/"
#: What a kicked member reads in its 1008 close frame, before the host's words.
KICK_PREFIX: Final = "removed by the host"
BANNED_NAME_REASON: Final = "banned by the host"
#: A host's reason is cut so that prefix + reason fits a close frame (RFC 6455 5.5).
MAX_REASON_CHARS: Final = 80


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """One joined connection as the host sees it."""

    room: str
    name: str
    #: The peer's IP address (no port), as the per-address limits count it.
    address: str
    #: When the member joined (Unix time, seconds).
    since: float
    #: The last ping's round trip in seconds; None before the first answer.
    rtt: float | None
    #: Seconds the current ping has waited for its pong (0.0 when none is out):
    #: a member that stopped reading shows a growing wait, not a stale RTT.
    waiting: float
    #: Bytes queued for the member and not yet taken by its TCP connection.
    unsent: int
    #: Chat messages this member posted on this connection.
    sent: int

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def kick_reason(reason: str = "") -> str:
    """The close reason a kicked member reads: ``removed by the host: spam``
    (white space folded; wire.py cuts it to the 123 bytes a close frame holds)."""
    reason = " ".join(reason.split())[:MAX_REASON_CHARS]
    return f"{KICK_PREFIX}: {reason}" if reason else KICK_PREFIX


class Bans:
    """Names and addresses refused for the life of the server process.

    Names are compared as PROTOCOL.md, Names compares them (``name_key``), so
    a ban on ``Bob`` holds ``bob`` and ``ＢＯＢ`` too. Addresses are compared
    as the per-address limits count them (``limits.address_key``: an IPv6
    peer by its /64), so a ban cannot be sidestepped by the next address of
    the same network; the caller gives keys, :meth:`ban_address` checks it is
    an IP address.
    """

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._addresses: set[str] = set()

    @property
    def names(self) -> list[str]:
        return sorted(self._names.values(), key=str.casefold)

    @property
    def addresses(self) -> list[str]:
        return sorted(self._addresses)

    def __bool__(self) -> bool:
        return bool(self._names or self._addresses)

    def ban_name(self, name: str) -> bool:
        """False when it was banned already. ValueError for an empty name."""
        if not name.strip():
            raise ValueError("a name to ban is needed")
        key = name_key(name)
        new = key not in self._names
        self._names.setdefault(key, name)
        return new

    def unban_name(self, name: str) -> bool:
        return self._names.pop(name_key(name), None) is not None

    def name_banned(self, name: str | None) -> bool:
        return bool(self._names) and name is not None and name_key(name) in self._names

    def ban_address(self, key: str) -> bool:
        """``key``: an address as ``limits.address_key`` gives it. ValueError
        when it is not an IP address (nothing else could ever match)."""
        check = key.split("/", 1)[0]
        try:
            ipaddress.ip_address(check)
        except ValueError:
            raise ValueError(f"not an IP address: {key!r}") from None
        new = key not in self._addresses
        self._addresses.add(key)
        return new

    def unban_address(self, key: str) -> bool:
        was = key in self._addresses
        self._addresses.discard(key)
        return was

    def address_banned(self, key: str) -> bool:
        return bool(self._addresses) and key in self._addresses

    def as_json(self) -> dict[str, list[str]]:
        return {"names": self.names, "addresses": self.addresses}


# -- the admin endpoint (headless server) ---------------------------------------------
#
# Requests, all answered as JSON, all needing ``Authorization: Bearer TOKEN``
# (RFC 6750) with the token the operator gave (--admin-token-file). Actions
# are POSTs without a body (websockets' HTTP parser reads none): their
# arguments are query parameters, except the password, which is a header so
# that it never lands in an access log.
#
#   GET  /admin/members[?room=R]                 → 200 {members, bans, password}
#   POST /admin/kick?room=R&name=N[&reason=T]    → 200 {kicked: true} | 404
#   POST /admin/ban?name=N  |  ?address=A        → 200 {banned, kicked: n}
#   POST /admin/unban?name=N  |  ?address=A      → 200 {unbanned: bool}
#   POST /admin/password  (Roomcast-Password: P; empty clears it) → 200 {password: bool}
#
# Whose fault: 401 (no or wrong token: the caller's), 404 (unknown path or
# member), 405 (wrong method), 400 (a missing or malformed parameter).

PASSWORD_HEADER: Final = "Roomcast-Password"  # noqa: S105 - a header name


@dataclass(frozen=True, slots=True)
class ListMembers:
    room: str | None


@dataclass(frozen=True, slots=True)
class Kick:
    room: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Ban:
    kind: str  # "name" or "address"
    value: str


@dataclass(frozen=True, slots=True)
class Unban:
    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class SetPassword:
    password: str | None


Command = ListMembers | Kick | Ban | Unban | SetPassword


@dataclass(frozen=True, slots=True)
class AdminAnswer:
    """An HTTP answer: status and a JSON object."""

    status: int
    body: Mapping[str, object]


def _error(status: int, message: str) -> AdminAnswer:
    return AdminAnswer(status, {"error": message})


#: path → the method it takes
_ROUTES: Final = {
    "members": "GET",
    "kick": "POST",
    "ban": "POST",
    "unban": "POST",
    "password": "POST",
}


def authorized(authorization: str | None, token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time."""
    if not authorization:
        return False
    scheme, _, given = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def route(
    method: str,
    target: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
) -> Command | AdminAnswer:
    """What an (already authorized) admin request asks for, or why it cannot be
    answered. ``target`` is the request target (path and query)."""
    parts = urlsplit(target)
    what = parts.path[len(ADMIN_PREFIX) :] if parts.path.startswith(ADMIN_PREFIX) else ""
    wanted = _ROUTES.get(what)
    if wanted is None:
        return _error(404, f"no admin request at {parts.path}; see docs/operating.md")
    if method.upper() != wanted:
        return _error(405, f"{parts.path} takes {wanted}")
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if what == "members":
        return ListMembers(query.get("room") or None)
    if what == "kick":
        room, name = query.get("room", ""), query.get("name", "")
        if not room or not name:
            return _error(400, "kick needs room= and name=")
        return Kick(room, name, query.get("reason", ""))
    if what == "password":
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        given = [v for k, v in pairs if k.lower() == PASSWORD_HEADER.lower()]
        if len(given) != 1:
            return _error(400, f"password needs one {PASSWORD_HEADER} header (empty clears it)")
        return SetPassword(given[0] or None)
    kinds = [k for k in ("name", "address") if query.get(k)]
    if len(kinds) != 1:
        return _error(400, f"{what} needs exactly one of name= or address=")
    kind = kinds[0]
    return (Ban if what == "ban" else Unban)(kind, query[kind])
