"""HTTP before the upgrade (PROTOCOL.md, Transport): what is answered without a WebSocket.

* ``GET /healthz``: this node's view, 200, or 503 when its store is unreachable
  (a load balancer takes the node out of rotation);
* a path that is not a room (``/`` or ``/r/NAME``): 404 with the rule;
* a room path without ``Upgrade: websocket``: 426;
* a browser ``Origin`` that is not the server's own address nor on the
  allowlist: 403, never upgraded (DNS rebinding included: "own address" is
  the addresses the server is bound to, never the request's Host header).

Everything else is accepted and upgraded by ``wire.py``.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from websockets.http11 import Request, Response

from .netinfo import is_loopback, is_wildcard, lan_ipv4_addresses
from .protocol import dumps, room_from_path
from .wire import Connection

log = logging.getLogger("roomcast.server")


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

    def __init__(self, allow_origins: Iterable[str], health: Callable[[], dict[str, Any]]) -> None:
        self.allow = tuple(a.rstrip("/").lower() for a in allow_origins)
        self.health = health
        #: Set once the server listens (see :func:`own_hosts`).
        self.own_hosts: set[str] = set()

    def process_request(self, ws: Connection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            health = self.health()
            ok = health["status"] == "ok"
            status = http.HTTPStatus.OK if ok else http.HTTPStatus.SERVICE_UNAVAILABLE
            return json_response(ws, status, health)
        if room_from_path(request.path) is None:
            return ws.respond(
                http.HTTPStatus.NOT_FOUND,
                f"No room at {path}: rooms are / (the lobby) and /r/NAME "
                "(1-64 characters of A-Z a-z 0-9 _ . -).\n",
            )
        if "websocket" not in request.headers.get("Upgrade", "").lower():
            response = ws.respond(
                http.HTTPStatus.UPGRADE_REQUIRED,
                "This is a Roomcast room: connect with a WebSocket client or the Roomcast app.\n",
            )
            response.headers["Upgrade"] = "websocket"
            return response
        origin = request.headers.get("Origin")
        if origin is not None and not self.origin_allowed(origin):
            log.warning("refused a browser connection from origin %s", origin)
            return ws.respond(
                http.HTTPStatus.FORBIDDEN,
                f"Origin {origin} is not allowed here; the operator can allow it "
                "with --allow-origin.\n",
            )
        return None

    def origin_allowed(self, origin: str) -> bool:
        """PROTOCOL.md, Transport: the server's own address, or the allowlist."""
        normalized = origin.strip().rstrip("/").lower()
        if "*" in self.allow or normalized in self.allow:
            return True
        try:
            parts = urlsplit(normalized)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        if port is None:
            port = 443 if parts.scheme == "https" else 80
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return f"{host}:{port}" in self.own_hosts


def json_response(ws: Connection, status: http.HTTPStatus, body: dict[str, Any]) -> Response:
    response = ws.respond(status, dumps(body) + "\n")
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    response.headers["Cache-Control"] = "no-store"
    return response
