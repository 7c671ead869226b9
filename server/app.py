"""RoomServer: the WebSocket server, on whatever asyncio loop is running.

The same object runs headless (``roomcast-server``) and inside the desktop
app's qasync loop. Per connection: receive → parse (``protocol.py``) →
room rules (``room.py``) → commit (``hub.py`` + ``history.py``) →
broadcast one encoded frame to every member.

Lifecycle::

    server = RoomServer(ServerConfig(port=0, db=":memory:"))
    await server.start()          # raises ConfigError / ListenError
    server.urls                   # ["ws://127.0.0.1:54321/"]
    await server.close()          # 1001 to everyone, flush history; idempotent
    await server.wait_closed()
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import http
import logging
import os
import ssl
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from websockets.http11 import Request, Response
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

from . import __version__
from .errors import (
    ConfigError,
    HistoryError,
    InvalidFrame,
    ListenError,
    ProtocolError,
    RateLimited,
    RoomcastError,
    ServerError,
    SharedStateDown,
    Unauthorized,
    UnsupportedData,
)
from .history import SQLiteHistory
from .hub import LocalHub
from .netinfo import is_loopback, is_wildcard, lan_ipv4_addresses
from .notices import Notices
from .protocol import (
    MAX_FRAME_BYTES,
    SUBPROTOCOL,
    ChatMessage,
    Error,
    Hello,
    HistoryPage,
    HistoryRequest,
    Post,
    Presence,
    Typing,
    TypingNotice,
    Welcome,
    dumps,
    parse_client_frame,
    room_from_path,
)
from .room import (
    DEFAULT_RETENTION,
    Join,
    Member,
    RateLimiter,
    Room,
    Verdict,
    name_taken,
    new_message_id,
    new_token,
    utc_timestamp,
)
from .wire import Connection, WireServer, encode_text

if TYPE_CHECKING:
    from .redis_hub import RedisHistory, RedisHub

log = logging.getLogger("roomcast.server")

SERVER_NAME = f"roomcast/{__version__}"
#: Replay pages read from history at a time (PROTOCOL.md, Delivery promise).
REPLAY_PAGE = 500
#: Frames waiting behind one that awaits history before the connection stops
#: being read (TCP backpressure on a client that floods during its replay).
INBOX_PAUSE = 64


@dataclass(frozen=True)
class ServerConfig:
    """Every knob of the server, with safe defaults. The CLI fills this in."""

    host: str = "127.0.0.1"
    port: int = 8765
    #: SQLite file, or ":memory:" for history that ends with the process.
    db: str | Path = ":memory:"
    #: redis://HOST:PORT/DB: rooms shared with other nodes (history in Redis, not ``db``).
    redis: str | None = None
    #: Seconds between a node's heartbeats in Redis; a node silent for three is
    #: taken for crashed and its members leave the room.
    redis_heartbeat: float = 5.0
    retention: int = DEFAULT_RETENTION
    #: When set, every room needs it in the first frame (PROTOCOL.md, Joining).
    password: str | None = None
    #: Browser origins allowed besides the server's own ("*" allows any).
    allow_origins: tuple[str, ...] = ()
    certfile: str | None = None
    keyfile: str | None = None
    #: Frames per second per connection, and the burst above that.
    rate: float = 20.0
    burst: float = 60.0
    #: Refused frames within 10 s before the connection is closed with 1008.
    abuse_after: int = 50
    #: Unsent bytes a member may have queued before it is closed with 1013.
    max_buffer: int = 4 * 1024 * 1024
    #: Seconds a client of a password room has to send its hello.
    hello_timeout: float = 10.0
    #: Seconds a TCP connection has to complete the WebSocket handshake.
    open_timeout: float = 10.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    close_timeout: float = 5.0
    #: The reason sent with 1001 when the server closes.
    shutdown_reason: str = "server shutting down"


@dataclass(eq=False, slots=True)
class _Conn:
    """Per-connection state; ``Member.peer`` points here."""

    wire: Connection
    room: Room
    limiter: RateLimiter
    member: Member | None = None
    #: May this client still send hello? Yes until it has joined with one or
    #: sent anything else (PROTOCOL.md, Joining: hello is a first frame).
    may_hello: bool = True
    #: False in a password room until the hello with the password arrives.
    authed: bool = True
    closing: bool = False
    #: Frames that arrived while an earlier one awaits history I/O; they are
    #: handled in order after it (None: nothing is awaited).
    inbox: list[str | bytes] | None = None
    #: Password rooms: refuses a client that sends no hello in time.
    hello_timer: asyncio.TimerHandle | None = None
    #: Counted in RoomServer._attached (once its room is open).
    attached: bool = False


@dataclass
class _Stats:
    """Counters for logs, tests and benchmarks."""

    frames_in: int = 0
    messages: int = 0
    dropped_slow: int = 0
    dropped_abuse: int = 0


class RoomServer:
    """The Roomcast room server. See the module docstring for its lifecycle."""

    def __init__(self, config: ServerConfig | None = None, *, notices: Notices | None = None):
        self.config = config or ServerConfig()
        self.notices = notices or Notices(log)
        self.rooms: dict[str, Room] = {}
        self.stats = _Stats()
        self._attached: dict[str, int] = {}
        self._conns: set[_Conn] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._history: SQLiteHistory | RedisHistory | None = None
        self._hub: LocalHub | RedisHub | None = None
        #: Shared rooms (--redis): the hub assigns seq, names are claimed room-wide.
        self._shared: RedisHub | None = None
        self._opening: dict[str, asyncio.Future[Room]] = {}
        self._wire: WireServer | None = None
        self._close_task: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        self._closing = False
        self._own_hosts: set[str] = set()

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    async def start(self) -> None:
        """Open history and start listening. Raises ConfigError / ListenError."""
        if self._wire is not None:
            raise RuntimeError("RoomServer.start() was called twice")
        cfg = self.config
        ssl_context = self._ssl_context()
        if cfg.redis:
            # Imported here: the redis client costs start-up time (the desktop
            # app's embedded server never shares rooms).
            from .redis_hub import RedisHub

            hub = self._shared = RedisHub(
                cfg.redis,
                retention=cfg.retention,
                heartbeat=cfg.redis_heartbeat,
                deliver=self._deliver,
                failed=self._commit_failed,
                duplicate=self._duplicate,
                presence=self._shared_presence,
            )
            await hub.start()
            self._hub, self._history = hub, hub.history
        else:
            sqlite = SQLiteHistory(cfg.db)
            self._hub, self._history = LocalHub(sqlite, self._deliver, self._commit_failed), sqlite
        self._wire = WireServer(
            self,
            select_subprotocol=_select_subprotocol,
            # PROTOCOL.md, Transport: frames over 256 KiB are closed with
            # 1009 as soon as their header announces the size.
            max_size=MAX_FRAME_BYTES,
            # PROTOCOL.md, Close codes: a member this far behind gets 1013.
            max_buffer=cfg.max_buffer,
            open_timeout=cfg.open_timeout,
            ping_interval=cfg.ping_interval,
            ping_timeout=cfg.ping_timeout,
            close_timeout=cfg.close_timeout,
            server_header=SERVER_NAME,
        )
        # permessage-deflate is never offered: it costs CPU per member and is
        # a decompression-bomb surface; it would also stop us from writing
        # one encoded frame to every member.
        try:
            await self._wire.listen(cfg.host or None, cfg.port, ssl_context=ssl_context)
        except OSError as exc:
            await self._close_stores()
            self._wire = None
            raise ListenError(cfg.host, cfg.port, exc.errno, _os_reason(exc)) from None
        self._own_hosts = self._compute_own_hosts()
        log.info("listening on %s", ", ".join(self.urls))

    async def __aenter__(self) -> RoomServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self, reason: str | None = None) -> None:
        """Close every connection with 1001 and ``reason``, flush history, stop.

        Idempotent: a second call waits for the first one to finish.
        """
        if self._close_task is None:
            self._close_task = asyncio.ensure_future(
                self._close(reason or self.config.shutdown_reason)
            )
        await asyncio.shield(self._close_task)

    async def wait_closed(self) -> None:
        await self._closed.wait()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    async def _close(self, reason: str) -> None:
        self._closing = True
        if self._hub is not None:
            self._hub.flush()  # commit and deliver what was posted this turn
        if self._wire is not None:
            await self._wire.close(1001, reason)
        if self._hub is not None:
            self._hub.flush()  # and what arrived while the connections closed
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._close_stores()
        log.info("server closed")
        self._closed.set()

    async def _close_stores(self) -> None:
        if self._shared is not None:
            await self._shared.close()
        elif isinstance(self._history, SQLiteHistory):
            self._history.close()

    # ------------------------------------------------------------------
    # Addresses
    # ------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._wire is None:
            raise RuntimeError("the server is not started")
        return int(self._wire.sockets[0].getsockname()[1])

    @property
    def scheme(self) -> str:
        return "wss" if self.config.certfile else "ws"

    @property
    def urls(self) -> list[str]:
        """Where clients can reach the lobby: every LAN address when bound to all."""
        if self._wire is None:
            return []
        hosts: list[str] = []
        if is_wildcard(self.config.host):
            hosts = ["127.0.0.1", *lan_ipv4_addresses()]
        else:
            for sock in self._wire.sockets:
                host = sock.getsockname()[0]
                hosts.append(f"[{host}]" if ":" in host else host)
        unique = list(dict.fromkeys(hosts))
        return [f"{self.scheme}://{h}:{self.port}/" for h in unique]

    def _compute_own_hosts(self) -> set[str]:
        hosts = {self.config.host.lower()}
        if is_loopback(self.config.host) or is_wildcard(self.config.host):
            hosts |= {"localhost", "127.0.0.1", "[::1]"}
        if is_wildcard(self.config.host):
            hosts |= set(lan_ipv4_addresses())
        assert self._wire is not None
        for sock in self._wire.sockets:
            host = str(sock.getsockname()[0])
            hosts.add(f"[{host}]" if ":" in host else host)
        return {f"{h}:{self.port}" for h in hosts if h}

    def _ssl_context(self) -> ssl.SSLContext | None:
        cfg = self.config
        if not cfg.certfile and not cfg.keyfile:
            return None
        if not cfg.certfile:
            raise ConfigError("--keyfile needs --certfile")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(cfg.certfile, cfg.keyfile)
        except FileNotFoundError as exc:
            raise ConfigError(
                f"cannot read certificate {_culprit(exc, cfg)}: no such file"
            ) from None
        except PermissionError as exc:
            raise ConfigError(
                f"cannot read certificate {_culprit(exc, cfg)}: permission denied"
            ) from None
        except (ssl.SSLError, OSError) as exc:
            raise ConfigError(f"cannot load certificate {cfg.certfile}: {exc}") from None
        return context

    # ------------------------------------------------------------------
    # HTTP, before the upgrade (PROTOCOL.md, Transport)
    # ------------------------------------------------------------------

    def process_request(self, ws: Connection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            health = self.health()
            # A load balancer takes a node whose Redis is gone out of rotation.
            ok = health["status"] == "ok"
            status = http.HTTPStatus.OK if ok else http.HTTPStatus.SERVICE_UNAVAILABLE
            return _json_response(ws, status, health)
        room = room_from_path(request.path)
        if room is None:
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
        if origin is not None and not self._origin_allowed(origin):
            log.warning("refused a browser connection from origin %s", origin)
            return ws.respond(
                http.HTTPStatus.FORBIDDEN,
                f"Origin {origin} is not allowed here; the operator can allow it "
                "with --allow-origin.\n",
            )
        return None

    def _origin_allowed(self, origin: str) -> bool:
        """PROTOCOL.md, Transport: the server's own address, or the allowlist.

        "Own address" means the addresses this server is bound to, with its
        port — not the request's Host header, which a DNS-rebinding page
        controls.
        """
        allow = self.config.allow_origins
        normalized = origin.strip().rstrip("/").lower()
        if "*" in allow or normalized in (a.rstrip("/").lower() for a in allow):
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
        return f"{host}:{port}" in self._own_hosts

    @property
    def writes(self) -> int:
        """Data writes to clients so far: at most one per connection per loop turn."""
        return self._wire.writes if self._wire is not None else 0

    def health(self) -> dict[str, Any]:
        """GET /healthz: this node's view (PROTOCOL.md, Transport)."""
        health: dict[str, Any] = {
            "status": "ok",
            "rooms": sum(1 for r in self.rooms.values() if r.members),
            "connections": len(self._conns),
        }
        if self._shared is not None:
            health["node"] = self._shared.node
            health["redis"] = "ok" if self._shared.healthy else "unreachable"
            if not self._shared.healthy:
                health["status"] = "degraded"
                health["error"] = f"Redis is unreachable: {self._shared.last_error}"
        return health

    # ------------------------------------------------------------------
    # One connection (wire.Handler: called by the I/O layer, never async)
    # ------------------------------------------------------------------

    def connection_open(self, wire: Connection) -> None:
        name = room_from_path(wire.path)
        assert name is not None  # process_request refused every other path
        cfg = self.config
        loop = asyncio.get_running_loop()
        room = self.rooms.get(name)
        conn = wire.context = _Conn(
            wire,
            room or Room(name),  # a stand-in until the shared room is open
            RateLimiter(cfg.rate, cfg.burst, abuse_after=cfg.abuse_after, now=loop.time()),
        )
        self._conns.add(conn)
        if room is None and self._shared is not None:
            # Opening a shared room asks Redis: frames wait in the inbox.
            conn.inbox = []
            self._spawn(self._finish(conn, self._open_shared(conn, name)))
            return
        if room is None:
            try:
                room = self._open_room(name)
            except HistoryError as exc:
                self.notices.error(f"room {name!r} could not be opened: {exc}")
                conn.closing = True
                wire.close(1011, "history unavailable, try again later")
                return
        conn.room = room
        pending = self._admit(conn)
        if pending is not None:
            conn.inbox = []
            self._spawn(self._finish(conn, pending))

    async def _open_shared(self, conn: _Conn, name: str) -> None:
        opening = self._opening.get(name)
        if opening is None:
            assert self._shared is not None
            opening = self._opening[name] = asyncio.ensure_future(self._shared.open_room(name))
            opening.add_done_callback(lambda _: self._opening.pop(name, None))
        try:
            room = await asyncio.shield(opening)
        except SharedStateDown as exc:
            self.notices.error(f"room {name!r} could not be opened: {exc}")
            conn.closing = True
            conn.wire.close(1013, "shared state (Redis) unavailable, try again later")
            return
        self.rooms.setdefault(name, room)
        conn.room = self.rooms[name]
        if conn.closing:
            self._forget_if_idle(conn.room)
            return
        pending = self._admit(conn)
        if pending is not None:
            await pending

    def _admit(self, conn: _Conn) -> Awaitable[None] | None:
        """The room is open: count the connection in, start its password clock."""
        cfg = self.config
        conn.attached = True
        self._attached[conn.room.name] = self._attached.get(conn.room.name, 0) + 1
        if cfg.password is not None:
            conn.authed = False
            conn.hello_timer = asyncio.get_running_loop().call_later(
                cfg.hello_timeout, self._hello_timeout, conn
            )
        elif conn.wire.subprotocol is None:
            # PROTOCOL.md, Joining: a client that offered no subprotocol is
            # a guest from the moment it connects, like the tutorial's.
            return self._join(conn, Hello(), settle=False)[1]
        return None

    def text_received(self, wire: Connection, text: str) -> None:
        self._dispatch(wire.context, text)

    def binary_received(self, wire: Connection, data: bytes) -> None:
        self._dispatch(wire.context, data)

    def buffer_full(self, wire: Connection, unsent: int) -> None:
        self._drop_slow(wire.context, unsent)

    def handler_failed(self, wire: Connection, exc: Exception) -> None:
        conn: _Conn | None = wire.context
        name = conn.room.name if conn is not None else wire.path
        log.error("unexpected error on a connection to room %r", name, exc_info=exc)
        self.notices.error(f"unexpected server error in room {name!r}: {exc!r}")

    def connection_closed(self, wire: Connection) -> None:
        conn: _Conn | None = wire.context
        if conn is None:
            return
        conn.closing = True
        if conn.hello_timer is not None:
            conn.hello_timer.cancel()
        self._conns.discard(conn)
        if conn.member is not None:
            self._leave(conn)
        if not conn.attached:
            return
        name = conn.room.name
        self._attached[name] -= 1
        if not self._attached[name]:
            del self._attached[name]
            self._forget_if_idle(conn.room)

    def _forget_if_idle(self, room: Room) -> None:
        if room.name not in self._attached and room.idle and self.rooms.get(room.name) is room:
            del self.rooms[room.name]
            if self._shared is not None:
                self._shared.close_room(room)

    def _open_room(self, name: str) -> Room:
        room = self.rooms.get(name)
        if room is None:
            assert isinstance(self._history, SQLiteHistory)
            latest, ids = self._history.load(name, self.config.retention)
            room = self.rooms[name] = Room(
                name, last_seq=latest, retention=self.config.retention, ids=ids
            )
        return room

    def _dispatch(self, conn: _Conn, data: str | bytes) -> None:
        """Handle frames one at a time, in order, even when one waits for history."""
        if conn.closing:
            return  # a close is under way: what the peer still sends is dropped
        if conn.inbox is not None:
            conn.inbox.append(data)
            if len(conn.inbox) >= INBOX_PAUSE:
                conn.wire.pause_reading()  # TCP backpressure until the inbox drains
            return
        pending = self._on_frame(conn, data)
        if pending is not None:
            conn.inbox = []
            self._spawn(self._finish(conn, pending))

    async def _finish(self, conn: _Conn, pending: Awaitable[None]) -> None:
        """Await a frame's I/O, then handle the frames that queued up meanwhile."""
        try:
            await pending
            while conn.inbox and not conn.closing:
                more = self._on_frame(conn, conn.inbox.pop(0))
                if more is not None:
                    await more
        except Exception as exc:
            self.handler_failed(conn.wire, exc)
            conn.wire.close(1011, "unexpected server error")
        finally:
            conn.inbox = None
            conn.wire.resume_reading()

    def _hello_timeout(self, conn: _Conn) -> None:
        conn.hello_timer = None
        if not conn.authed and not conn.closing:
            self._refuse(
                conn, f"no hello with the room password within {self.config.hello_timeout:g} s"
            )

    def _authenticate(self, conn: _Conn, data: str | bytes) -> Awaitable[None] | None:
        """PROTOCOL.md, Joining: in a password room the first frame is hello+password."""
        cfg = self.config
        assert cfg.password is not None
        if conn.hello_timer is not None:
            conn.hello_timer.cancel()
            conn.hello_timer = None
        try:
            frame = None if isinstance(data, bytes) else parse_client_frame(data)
        except ProtocolError:
            frame = None
        if not isinstance(frame, Hello):
            self._refuse(conn, "this room needs a password: send hello with it first")
            return None
        given = (frame.password or "").encode()
        if frame.password is None or not hmac.compare_digest(given, cfg.password.encode()):
            self._refuse(conn, "wrong password" if frame.password else "password required")
            return None
        conn.authed = True
        return self._join(conn, frame)[1]

    def _refuse(self, conn: _Conn, why: str) -> None:
        log.info("refused a client of room %r: %s", conn.room.name, why)
        self._send_error(conn, Unauthorized(why))
        conn.closing = True
        conn.wire.close(1008, why)

    def _on_frame(self, conn: _Conn, data: str | bytes) -> Awaitable[None] | None:
        """Handle one frame; return what is left to await (history I/O), if any."""
        self.stats.frames_in += 1
        if not conn.authed:
            return self._authenticate(conn, data)
        verdict = conn.limiter.take(asyncio.get_running_loop().time())
        if verdict is not Verdict.OK:
            self._rate_limited(conn, verdict, data)
            return None
        if isinstance(data, bytes):
            # PROTOCOL.md, Transport: binary frames are answered, never relayed.
            unsupported = UnsupportedData(
                "binary frames are not supported: send JSON in text frames"
            )
            return self._after_joining(conn, lambda _: self._send_error(conn, unsupported))
        try:
            frame = parse_client_frame(data)
        except ProtocolError as exc:
            error = exc
            if error.frame_type != "hello":
                return self._after_joining(conn, lambda _: self._send_error(conn, error))
            self._send_error(conn, error)
            return None
        if isinstance(frame, Hello):
            if not conn.may_hello:
                self._send_error(
                    conn, InvalidFrame("hello is only valid as a client's first frame")
                )
                return None
            # conn.member is None, or the guest membership given at connect
            # time, which this hello takes the place of (PROTOCOL.md, Joining).
            return self._join(conn, frame, replacing=conn.member)[1]
        request = frame
        return self._after_joining(conn, lambda member: self._on_request(conn, member, request))

    def _on_request(
        self, conn: _Conn, member: Member, frame: Post | Typing | HistoryRequest
    ) -> Awaitable[None] | None:
        if isinstance(frame, Post):
            return self._post(conn, member, frame)
        if isinstance(frame, Typing):
            payload = TypingNotice(sender=member.name).serialize().encode()
            self._send(conn.room, conn.room.others(member), encode_text(payload))
            return None
        return self._history_page(conn, frame)

    def _rate_limited(self, conn: _Conn, verdict: Verdict, data: str | bytes) -> None:
        cfg = self.config
        # The dropped message's id goes in ref, so that its sender can mark it
        # failed at once (PROTOCOL.md, error.ref). Parsing costs little here:
        # a peer that keeps flooding is closed after `abuse_after` of these.
        ref = None
        if isinstance(data, str):
            with contextlib.suppress(ProtocolError):
                frame = parse_client_frame(data)
                ref = frame.id if isinstance(frame, Post) else None
        error = RateLimited(
            f"slow down: at most {cfg.rate:g} frames per second (bursts of {cfg.burst:g}); "
            "this frame was dropped",
            ref=ref,
        )
        self._send_error(conn, error)
        if verdict is Verdict.ABUSIVE and not conn.closing:
            conn.closing = True
            self.stats.dropped_abuse += 1
            who = conn.member.name if conn.member else "an unjoined client"
            self.notices.warning(
                f"closed {who} in room {conn.room.name!r}: kept flooding after rate_limited"
            )
            conn.wire.close(1008, "rate limit exceeded repeatedly")

    def _after_joining(
        self, conn: _Conn, then: Callable[[Member], Awaitable[None] | None]
    ) -> Awaitable[None] | None:
        """PROTOCOL.md, Joining: a first frame other than hello joins as guest-N;
        then ``then(member)`` handles it."""
        conn.may_hello = False
        if conn.member is not None:
            return then(conn.member)
        _, joining = self._join(conn, Hello(), settle=False)  # no since: no replay
        if joining is None:
            return then(conn.member) if conn.member is not None else None
        return self._joined_then(conn, joining, then)

    async def _joined_then(
        self,
        conn: _Conn,
        joining: Awaitable[None],
        then: Callable[[Member], Awaitable[None] | None],
    ) -> None:
        await joining
        if conn.member is not None and not conn.closing:
            more = then(conn.member)
            if more is not None:
                await more

    def _join(
        self,
        conn: _Conn,
        hello: Hello,
        *,
        replacing: Member | None = None,
        settle: bool = True,
    ) -> tuple[bool, Awaitable[None] | None]:
        """Join (or re-join) the room: (False, None) when the name is taken,
        else True and the replay still to send (PROTOCOL.md, Delivery promise).

        ``settle``: a successful join ends the client's chance to send hello.
        In a shared room, joining asks Redis: (False, the join to await).
        """
        if self._shared is not None:
            return False, self._join_shared(conn, hello, replacing, settle)
        room = conn.room
        try:
            joined = room.join(conn, hello.name, hello.token, replacing=replacing)
        except RoomcastError as exc:  # NameTaken: the client may try another name
            self._send_error(conn, exc)
            return False, None
        if settle:
            conn.may_hello = False
        self._send_presence(room, joined.member, joined.presence)
        return True, self._welcome(conn, joined, hello, tuple(room.names()))

    async def _join_shared(
        self, conn: _Conn, hello: Hello, replacing: Member | None, settle: bool
    ) -> None:
        """Claim the name room-wide in Redis, then join locally; presence for
        everyone (this node too) comes back through the room's event stream."""
        assert self._shared is not None
        hub, room = self._shared, conn.room
        try:
            claim = await hub.claim(room, hello.name, hello.token, new_token())
        except SharedStateDown as exc:
            self._send_error(conn, ServerError(f"cannot join now ({exc}); reconnect later"))
            conn.closing = True
            conn.wire.close(1013, "shared state (Redis) unavailable, try again later")
            return
        if conn.closing or not conn.wire.open:
            if claim.ok:
                hub.release(room, claim.name, claim.token)
            return
        if not claim.ok:
            self._send_error(conn, name_taken(claim.name, room.name))
            return
        if replacing is not None:
            hub.release(room, replacing.name, replacing.token)
        room.tokens[claim.name] = claim.token
        joined = room.join(conn, claim.name, claim.token, replacing=replacing)
        if settle:
            conn.may_hello = False
        pending = self._welcome(conn, joined, hello, claim.members)
        if pending is not None:
            await pending

    def _welcome(
        self, conn: _Conn, joined: Join, hello: Hello, members: tuple[str, ...]
    ) -> Awaitable[None] | None:
        """Send the welcome; return the replay still to send, if any."""
        room = conn.room
        member = conn.member = joined.member
        if joined.replaced is not None:
            old: _Conn = joined.replaced.peer
            old.member = None
            old.closing = True
            old.wire.close(1000, "replaced by a new connection")
        after = upto = room.delivered_seq
        truncated = False
        if hello.since is not None:
            after, upto, truncated = room.replay_window(hello.since)
        welcome = Welcome(
            room=room.name,
            you=member.name,
            token=member.token,
            members=members,
            seq=upto,
            replay=upto - after,
            truncated=truncated,
            server=SERVER_NAME,
        )
        conn.wire.send_text(welcome.serialize().encode())
        if after < upto:
            return self._replay(conn, member, after, upto)
        member.live = True
        return None

    async def _replay(self, conn: _Conn, member: Member, after: int, upto: int) -> None:
        """Missed messages follow the welcome, in seq order, as ordinary message
        frames; live frames that arrive meanwhile wait in the member's backlog."""
        assert self._history is not None
        while after < upto:
            page = await self._history.after(conn.room.name, after, upto, REPLAY_PAGE)
            if not page:
                break
            conn.wire.send_frames(
                b"".join(encode_text(message.serialize().encode()) for message in page)
            )
            after = page[-1].seq
        if member.backlog:
            conn.wire.send_frames(b"".join(member.backlog))
            member.backlog = []
            member.backlog_bytes = 0
        member.live = True

    def _leave(self, conn: _Conn) -> None:
        member, conn.member = conn.member, None
        if member is None:
            return
        if self._shared is not None:
            # The others, on every node, hear it from the room's event stream.
            conn.room.leave(member)
            self._shared.release(conn.room, member.name, member.token)
            return
        self._send_presence(conn.room, None, conn.room.leave(member))

    def _shared_presence(self, room: Room, event: dict[str, str]) -> None:
        """A membership change anywhere in a shared room (redis_hub._JOIN)."""
        assert self._shared is not None
        name = event["name"]
        if event["event"] == "replace":
            # The name moved to another connection (PROTOCOL.md, hello.token):
            # the node that held it closes the old one; nobody sees a leave.
            holder = room.members.get(name)
            if event["node"] == self._shared.node and event["by"] != self._shared.node and holder:
                old: _Conn = holder.peer
                room.leave(holder)
                old.member = None
                old.closing = True
                old.wire.close(1000, "replaced by a new connection")
            return
        frame = Presence(
            event="join" if event["event"] == "join" else "leave",
            name=name,
            count=int(event["count"]),
        )
        subject = room.members.get(name) if frame.event == "join" else None
        self._send(room, room.others(subject), encode_text(frame.serialize().encode()), lazy=True)

    def _send_presence(
        self, room: Room, subject: Member | None, frames: Sequence[Presence]
    ) -> None:
        if not frames:
            return
        # Lazy: presence may wait a few ms for company (wire.py), so that a
        # crowd joining at once costs each member a few writes, not one each.
        frames_out = b"".join(encode_text(f.serialize().encode()) for f in frames)
        self._send(room, room.others(subject), frames_out, lazy=True)

    def _post(self, conn: _Conn, member: Member, post: Post) -> Awaitable[None] | None:
        room = conn.room
        if self._closing:
            self._send_error(
                conn,
                ServerError("the server is shutting down; resend after reconnecting", ref=post.id),
            )
            return None
        if self._shared is not None:
            # Redis assigns the seq with the append (redis_hub._POST).
            message = ChatMessage(
                seq=0,
                ts=utc_timestamp(),
                sender=member.name,
                content=post.content,
                id=post.id if post.id is not None else new_message_id(),
            )
            self._shared.submit(room, message, conn)
            return None
        result = room.post(member, post)
        if isinstance(result, ChatMessage):
            assert self._hub is not None
            self._hub.submit(room, result, conn)
            return None
        # A duplicate id (PROTOCOL.md, message.id): not stored or broadcast
        # again. Once committed, the sender alone gets the stored copy; while
        # its batch is in flight, the coming broadcast is the acknowledgement.
        if result <= room.delivered_seq:
            return self._resend_stored(conn, result)
        return None

    async def _resend_stored(self, conn: _Conn, seq: int) -> None:
        assert self._history is not None
        stored = await self._history.get(conn.room.name, seq)
        if stored is not None:
            conn.wire.send_text(stored.serialize().encode())

    async def _history_page(self, conn: _Conn, request: HistoryRequest) -> None:
        room = conn.room
        assert self._history is not None
        newest = room.delivered_seq + 1
        before = newest if request.before is None else min(request.before, newest)
        messages = await self._history.before(room.name, before, room.first_retained, request.limit)
        complete = not messages or messages[0].seq <= room.first_retained
        page = HistoryPage(messages=tuple(messages), complete=complete)
        conn.wire.send_text(page.serialize().encode())

    # ------------------------------------------------------------------
    # Fan-out
    # ------------------------------------------------------------------

    def _deliver(self, room: Room, messages: list[ChatMessage]) -> None:
        """Hub callback: these are committed; broadcasting them acknowledges them.

        The turn's messages for the room are encoded once, into one run of
        frames that every member gets as the same bytes in one write (server
        frames are unmasked, and compression is off).
        """
        self.stats.messages += len(messages)
        frames = b"".join(encode_text(message.serialize().encode()) for message in messages)
        self._send(room, room.members.values(), frames)

    def _commit_failed(
        self, room: Room, lost: list[tuple[ChatMessage, Any]], error: HistoryError
    ) -> None:
        self.notices.error(f"history failed in room {room.name!r}: {error}")
        why = (
            "the room's message log (Redis) is unreachable"
            if isinstance(error, SharedStateDown)
            else "history failed"
        )
        for message, sender in lost:
            frame = Error(
                code="internal",
                message=f"your message was not stored ({why}); resend it",
                ref=message.id,
            )
            if sender.member is not None:
                self._send(room, [sender.member], encode_text(frame.serialize().encode()))

    def _duplicate(self, room: Room, seq: int, sender: _Conn) -> None:
        """A shared room's message id was stored before, as seq: the sender
        alone gets the stored copy (PROTOCOL.md, message.id)."""
        if not sender.closing:
            self._spawn(self._resend_stored(sender, seq))

    def _send(
        self, room: Room, members: Iterable[Member], frames: bytes, *, lazy: bool = False
    ) -> None:
        """Queue encoded frames for members; hold them back for those replaying.

        Members whose unsent bytes pass ``max_buffer`` are closed with 1013
        (``buffer_full``, checked as each turn's writes go out).
        """
        limit = self.config.max_buffer
        for member in members:
            if member.live:
                member.peer.wire.send_frames(frames, lazy=lazy)
            else:
                member.backlog.append(frames)
                member.backlog_bytes += len(frames)
                if member.backlog_bytes > limit:
                    self._drop_slow(member.peer, member.backlog_bytes)

    def _drop_slow(self, conn: _Conn, unsent: int) -> None:
        """PROTOCOL.md, Close codes: a slow consumer is closed with 1013."""
        if conn.closing:
            return
        conn.closing = True
        self.stats.dropped_slow += 1
        who = conn.member.name if conn.member is not None else "an unjoined client"
        self.notices.warning(
            f"closed {who} in room {conn.room.name!r}: slow consumer ({unsent} bytes unsent)"
        )
        self._leave(conn)
        # Whatever is queued for it would only grow the backlog it cannot take.
        conn.wire.fail(1013, "slow consumer: too far behind, reconnect later")

    def _send_error(self, conn: _Conn, exc: RoomcastError) -> None:
        conn.wire.send_text(Error.from_exception(exc).serialize().encode())

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a background task with a strong reference; log what it raises."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background task failed", exc_info=exc)
            self.notices.error(f"background task failed: {exc!r}")


def _select_subprotocol(ws: ServerProtocol, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    """PROTOCOL.md, Transport: accept roomcast.v1; serve clients offering none too."""
    return Subprotocol(SUBPROTOCOL) if SUBPROTOCOL in offered else None


def _json_response(ws: Connection, status: http.HTTPStatus, body: dict[str, Any]) -> Response:
    response = ws.respond(status, dumps(body) + "\n")
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    response.headers["Cache-Control"] = "no-store"
    return response


def _os_reason(exc: OSError) -> str:
    import errno

    known = {
        errno.EADDRINUSE: "address already in use (is another server running on that port?)",
        errno.EACCES: "permission denied (ports below 1024 need privileges)",
        errno.EADDRNOTAVAIL: "that address does not belong to this machine",
    }
    if exc.errno in known:
        return known[exc.errno]
    return exc.strerror or str(exc)


def _culprit(exc: OSError, cfg: ServerConfig) -> str:
    """The file an OSError from load_cert_chain is about (ssl leaves filename None)."""
    if exc.filename:
        return str(exc.filename)
    for path in (cfg.certfile, cfg.keyfile):
        if path and not os.access(path, os.R_OK):
            return path
    return str(cfg.certfile)
