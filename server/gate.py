"""HTTP before the upgrade (PROTOCOL.md, Transport): what is answered without a WebSocket.

* ``GET /healthz``: this node's view, 200, or 503 when its store is unreachable
  (a load balancer takes the node out of rotation);
* ``GET /static/roomcast/FILE`` without an upgrade: the browser guest page's
  files (``server/guest_page.py`` says which, with which headers), else 404;
  ``HEAD`` as ``GET`` without the body, other methods 405;
* a path that is not a room (``/`` or ``/r/NAME``): 404 with the rule;
* a room path without ``Upgrade: websocket``: the browser guest page (200,
  or 304 on a matching ``If-None-Match``) when ``Accept`` names
  ``text/html`` (a browser navigating there), else 426 (curl, API clients,
  a WebSocket client that forgot to upgrade: they learn what the URL is);
* ``/admin/…`` when the operator gave an admin token: the admin endpoint
  (server/admin.py; 404 like any unknown path otherwise);
* a connection from an address the host banned: 403 at once, before any
  request is read (server/admin.py);
* a request with two ``Host``, ``Upgrade``, ``Origin``, ``Sec-WebSocket-Key``
  or ``Sec-WebSocket-Version`` headers: 400 (which one would we believe?);
* a browser ``Origin`` on an upgrade that is not the server's own address
  nor on the allowlist: 403, never upgraded (DNS rebinding included: "own
  address" is the addresses the server is bound to, never the request's
  Host header; the one exception is a server with a certificate, where an
  ``https`` Origin equal to the Host is its own: the browser checked our
  certificate for that name, which a rebinding page cannot pass). The guest
  page opens its socket to the address it was loaded from, with that
  address as its Origin, so it is accepted. Plain GETs of the page and its
  files are not Origin-checked (a browser sends no Origin when it navigates);
* past a per-address limit (connections, handshakes per second): 429 with
  ``Retry-After``; past the server's connection or room cap: 503 with
  ``Retry-After`` (:meth:`~server.limits.AddressLimits.admit`). The Origin
  check comes first, so that a hostile page in a browser cannot spend its
  visitor's handshakes.

Every TCP connection counts against its address's cap (:meth:`Gate.connected`),
page loads included. The page and its files do not spend the address's
WebSocket handshakes (:meth:`~server.limits.AddressLimits.admit`): a page
load is five requests, each answered from memory, and a visitor who
reloads must still be able to open the socket; the per-address TCP cap
bounds a flood of them.

Everything else is accepted and upgraded by ``wire.py``. The gate only
decides (the limits are sans I/O, asked with the loop's clock) and builds
the response. What it counts, and who tells it:

* an upgraded connection, from :meth:`Gate.opened`
  (``RoomServer.connection_open``) to :meth:`Gate.closed`
  (``RoomServer.connection_closed``): the server's connections, its rooms,
  and the address's open connections. Counted once open, not when the gate
  admits it, because ``websockets`` may still refuse the handshake;
* every TCP connection, from :meth:`Gate.connected` (the wire accepted it;
  a 429 answered at once past the address's cap) to
  :meth:`Gate.disconnected`: so that connections that never finish their
  handshake count against their address too.
"""

from __future__ import annotations

import asyncio
import http
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, Final
from urllib.parse import urlsplit

from websockets.http11 import Request, Response

from .admin import ADMIN_PREFIX, Bans
from .guest_page import Answer, WebFiles, static_name, wants_html
from .limits import AddressLimits, Refusal, address_key, peer_host
from .netinfo import is_loopback, is_wildcard, lan_ipv4_addresses
from .protocol import dumps, room_from_path
from .wire import Connection

log = logging.getLogger("roomcast.server")

#: Headers a request may carry once at most (RFC 9112 3.2, RFC 6455 4.2.1,
#: RFC 6454 7.3): two of them is 400, never a guess at which one counts.
SINGLE_HEADERS: Final = ("Host", "Upgrade", "Origin", "Sec-WebSocket-Key", "Sec-WebSocket-Version")
#: What the guest page and its files answer (RFC 9110 9.3.1, 9.3.2); other
#: methods get 405 for a file, 426 (as before) at a room path.
PAGE_METHODS: Final = ("GET", "HEAD")


def loop_time() -> float:
    """The running loop's clock (the sessions' ``now``), or monotonic outside a loop."""
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        return time.monotonic()


def own_hosts(bound: str, port: int, sockets: Iterable[Any]) -> set[str]:
    """``host:port`` for every address this server answers on (the Origin rule)."""
    hosts = {bound.lower()}
    if is_loopback(bound) or is_wildcard(bound):
        hosts |= {"localhost", "127.0.0.1", "[::1]"}
    if is_wildcard(bound):
        hosts |= set(lan_ipv4_addresses())
    for sock in sockets:
        host = str(sock.getsockname()[0])
        hosts.add(f"[{host}]" if ":" in host else host)
    return {f"{h}:{port}" for h in hosts if h}


class Gate:
    """Answers the requests that are not upgraded (wire.Handler.process_request)."""

    def __init__(
        self,
        allow_origins: Iterable[str],
        health: Callable[[], dict[str, Any]],
        *,
        limits: AddressLimits | None = None,
        clock: Callable[[], float] = loop_time,
        web: WebFiles | None = None,
        tls: bool = False,
        bans: Bans | None = None,
        admin: Callable[[Connection, Request], Response] | None = None,
    ) -> None:
        self.allow = tuple(a.rstrip("/").lower() for a in allow_origins)
        self.health = health
        #: The browser guest page's files (server/guest_page.py); None: none
        #: served (a Gate of its own, in tests), as when the page is missing.
        self.web = web if web is not None else WebFiles()
        #: Does the server speak TLS? (The https-Origin-equals-Host rule.)
        self.tls = tls
        #: Per-address limits; None: none (a Gate of its own, in tests).
        self.limits = limits
        self.clock = clock
        #: Addresses the host banned (server/admin.py): 403 before any request.
        self.bans = bans
        #: The admin endpoint (``/admin/…``); None: those paths are 404.
        self.admin = admin
        #: Set once the server listens (see :func:`own_hosts`).
        self.own_hosts: set[str] = set()

    def process_request(self, ws: Connection, request: Request) -> Response | None:
        for header in SINGLE_HEADERS:
            if len(request.headers.get_all(header)) > 1:
                return ws.respond(http.HTTPStatus.BAD_REQUEST, f"duplicate {header} header\n")
        path = request.path.split("?", 1)[0]
        if self.admin is not None and path.startswith(ADMIN_PREFIX):
            return self.admin(ws, request)
        if path == "/healthz":
            health = self.health()
            ok = health["status"] == "ok"
            status = http.HTTPStatus.OK if ok else http.HTTPStatus.SERVICE_UNAVAILABLE
            return json_response(ws, status, health)
        upgrade = "websocket" in request.headers.get("Upgrade", "").lower()
        method = request.method.upper()
        name = static_name(path)
        if name is not None and not upgrade:
            if method not in PAGE_METHODS:
                response = ws.respond(http.HTTPStatus.METHOD_NOT_ALLOWED, "Only GET here.\n")
                response.headers["Allow"] = ", ".join(PAGE_METHODS)
                return response
            found = self.web.static_answer(name, request.headers.get("If-None-Match"))
            if found is None:
                return ws.respond(http.HTTPStatus.NOT_FOUND, f"No file at {path}.\n")
            return page_response(ws, found, head=method == "HEAD")
        room = room_from_path(request.path)
        if room is None:
            return ws.respond(
                http.HTTPStatus.NOT_FOUND,
                f"No room at {path}: rooms are / (the lobby) and /r/NAME "
                "(1-64 characters of A-Z a-z 0-9 _ . -).\n",
            )
        if not upgrade:
            if method in PAGE_METHODS and wants_html(request.headers.get("Accept")):
                # A browser navigating to a room: the guest page (issue 17).
                answer = self.web.page_answer(request.headers.get("If-None-Match"))
                return page_response(ws, answer, head=method == "HEAD")
            response = ws.respond(
                http.HTTPStatus.UPGRADE_REQUIRED,
                "This is a Roomcast room: connect with a WebSocket client or the Roomcast app.\n",
            )
            response.headers["Upgrade"] = "websocket"
            return response
        origin = request.headers.get("Origin")
        if origin is not None and not self.origin_allowed(origin, request.headers.get("Host")):
            log.warning(
                "refused a browser connection from origin %s",
                origin,
                extra={"room": room, "remote": ws.remote},
            )
            return ws.respond(
                http.HTTPStatus.FORBIDDEN,
                f"Origin {origin} is not allowed here; the operator can allow it "
                "with --allow-origin.\n",
            )
        if self.limits is not None:
            address = self.address(ws)
            refusal = self.limits.admit(address, room, self.clock())
            if refusal is not None:
                log.debug(
                    "refused a connection from %s: %s",
                    address,
                    refusal.reason,
                    extra={"room": room, "remote": ws.remote},
                )
                return refuse(ws, refusal)
        return None

    # -- connection accounting ------------------------------------------------------------

    def connected(self, ws: Connection) -> Response | None:
        """A TCP connection was accepted (before any request): 429 to send at
        once when its address holds its cap of TCP connections, handshaking or
        open (half-open handshakes included), else None: it is counted until
        :meth:`disconnected`; 403 when the host banned its address. For
        ``wire.Connection.connection_made``."""
        address = self.address(ws)
        if self.bans is not None and self.bans.address_banned(address):
            return ws.respond(
                http.HTTPStatus.FORBIDDEN, "This address is banned by the server's host.\n"
            )
        if self.limits is None:
            return None
        refusal = self.limits.connected(ws, address)
        return None if refusal is None else refuse(ws, refusal)

    def disconnected(self, ws: Connection) -> None:
        """The TCP connection ended (``wire.Connection.connection_lost``, every
        connection, upgraded or not). Idempotent."""
        if self.limits is not None:
            self.limits.disconnected(ws)

    def address(self, ws: Connection) -> str:
        """The key the limits count ``ws``'s peer by (:func:`~server.limits.address_key`)."""
        return address_key(peer_host(ws.remote))

    def opened(self, ws: Connection) -> str:
        """``ws`` is open (upgraded): count it against its address, the server's
        connections and its room, until :meth:`closed`. Returns its address key
        (for the session's password and message limits)."""
        address = self.address(ws)
        if self.limits is not None:
            self.limits.opened(ws, address, room_from_path(ws.path) or ws.path)
        return address

    def closed(self, ws: Connection) -> None:
        """``ws`` ended. Idempotent; a connection never counted is ignored."""
        if self.limits is not None:
            self.limits.closed(ws)

    def origin_allowed(self, origin: str, host: str | None = None) -> bool:
        """PROTOCOL.md, Transport: the server's own address, or the allowlist.

        ``host``: the request's ``Host`` header. Only a server with TLS
        reads it: an ``https`` Origin naming the Host (its port, or 443) is
        then the page this server served under that name. The browser
        verified our certificate for it, so a DNS-rebinding page, whose name
        our certificate does not cover, never gets this far. Without TLS the
        Host is the rebinding page's own name and is never trusted.
        """
        normalized = origin.strip().rstrip("/").lower()
        if "*" in self.allow or normalized in self.allow:
            return True
        own = _host_port(normalized)
        if own is None:
            return False
        scheme, origin_host = own
        if origin_host in self.own_hosts:
            return True
        if self.tls and scheme == "https" and host is not None:
            named = _host_port("https://" + host.strip().lower())
            return named is not None and named[1] == origin_host
        return False


def _host_port(url: str) -> tuple[str, str] | None:
    """(scheme, ``host:port``) of an http(s) origin, the port defaulted
    (80, 443) and an IPv6 host bracketed as :func:`own_hosts` writes it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        return None  # not an origin (RFC 6454 6.1): scheme, host and port only
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    hostname = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return parts.scheme, f"{hostname}:{port}"


def page_response(ws: Connection, answer: Answer, *, head: bool = False) -> Response:
    """The guest page or one of its files (server/guest_page.py) as an HTTP
    response; ``head``: the headers a GET would get, without the body
    (RFC 9110 9.3.2)."""
    response = ws.respond(answer.status, "")
    del response.headers["Content-Type"]
    del response.headers["Content-Length"]
    for name, value in answer.headers:
        response.headers[name] = value
    if answer.status != http.HTTPStatus.NOT_MODIFIED:
        # RFC 9110 8.6: a 304 has no content, and says nothing of its length.
        response.headers["Content-Length"] = str(len(answer.body))
    response.body = b"" if head else answer.body
    return response


def refuse(ws: Connection, refusal: Refusal) -> Response:
    """429 or 503, with ``Retry-After`` and one line of text (PROTOCOL.md, Transport)."""
    response = ws.respond(refusal.status, refusal.reason + "\n")
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def json_response(ws: Connection, status: http.HTTPStatus, body: dict[str, Any]) -> Response:
    response = ws.respond(status, dumps(body) + "\n")
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    response.headers["Cache-Control"] = "no-store"
    return response
