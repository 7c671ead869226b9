"""RoomServer: the WebSocket server, on whatever asyncio loop is running.

The same object runs headless (``roomcast-server``) and inside the desktop
app's qasync loop. It is an adapter between three plain parts: the I/O
layer (``wire.py``) hands it each connection's frames; each connection's
rules are a sans-I/O :class:`~server.session.Session`, whose actions it
carries out; rooms, names and storage are the :class:`~server.hub.Hub`'s
(local SQLite, or Redis), whose events it fans out. Flows::

    wire --text--> Session.receive --actions--> _Conn.run (one per connection)
        Send/Relay/Close ......... wire.Connection (encoded once per broadcast)
        Join/Leave/Submit ........ Hub.claim / release / submit
        Replay/Fetch/Resend ...... Hub.history, then the result back to the Session
    Hub --deliver/presence/...--> RoomServer --> every member's connection

Lifecycle::

    server = RoomServer(ServerConfig(port=0, db=":memory:"))
    await server.start()          # raises ConfigError / ListenError
    server.urls                   # ["ws://127.0.0.1:54321/"]
    await server.close()          # 1001 to everyone, flush history; idempotent
    await server.wait_closed()
"""

from __future__ import annotations

import asyncio
import http
import logging
import os
import ssl
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from websockets.http11 import Request, Response
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

from . import __version__, defaults
from .admin import (
    BANNED_NAME_REASON,
    AdminAnswer,
    Ban,
    Bans,
    Command,
    Kick,
    ListMembers,
    MemberInfo,
    SetPassword,
    Unban,
    authorized,
    kick_reason,
    route,
)
from .errors import (
    ConfigError,
    HistoryError,
    ListenError,
    RoomcastError,
    ServerError,
    SharedStateDown,
)
from .gate import Gate, json_response, loop_time, own_hosts
from .guest_page import WebFiles
from .history import SQLiteHistory
from .hub import Hub, Joined, LocalHub
from .limits import AddressLimits, address_key, peer_host
from .names import name_key
from .netinfo import is_wildcard, lan_ipv4_addresses
from .notices import Notices
from .protocol import (
    MAX_FRAME_BYTES,
    MAX_PASSWORD_CHARS,
    SUBPROTOCOL,
    ChatMessage,
    Error,
    Presence,
    ServerFrame,
    room_from_path,
)
from .room import Member, Room
from .session import (
    PAGE_BYTES,
    Action,
    AwaitDrain,
    CancelTimer,
    Close,
    Fetch,
    GoLive,
    Join,
    Leave,
    PauseReading,
    Relay,
    Replay,
    Resend,
    ResumeReading,
    Rules,
    Send,
    Session,
    StartTimer,
    Submit,
)
from .wire import Connection, WireServer, encode_text

log = logging.getLogger("roomcast.server")

SERVER_NAME = f"roomcast/{__version__}"
T = TypeVar("T")


@dataclass(frozen=True)
class ServerConfig:
    """Every knob of the server; the defaults are ``defaults.py``'s. The CLI fills this in."""

    host: str = defaults.HOST
    port: int = defaults.PORT
    #: SQLite file, or ":memory:" for history that ends with the process.
    db: str | Path = ":memory:"
    #: redis://HOST:PORT/DB: rooms shared with other nodes (history in Redis, not ``db``).
    redis: str | None = None
    #: Seconds between a node's heartbeats in Redis; a node silent for
    #: ``defaults.HEARTBEAT_MISSES`` is taken for crashed and its members leave.
    redis_heartbeat: float = defaults.REDIS_HEARTBEAT
    retention: int = defaults.RETENTION
    #: When set, every room needs it in the first frame (PROTOCOL.md, Joining).
    password: str | None = None
    #: Browser origins allowed besides the server's own ("*" allows any).
    allow_origins: tuple[str, ...] = ()
    certfile: str | None = None
    keyfile: str | None = None
    rate: float = defaults.RATE
    burst: float = defaults.BURST
    abuse_after: int = defaults.ABUSE_AFTER
    max_buffer: int = defaults.MAX_BUFFER
    hello_timeout: float = defaults.HELLO_TIMEOUT
    open_timeout: float = defaults.OPEN_TIMEOUT
    ping_interval: float | None = defaults.PING_INTERVAL
    ping_timeout: float | None = defaults.PING_TIMEOUT
    close_timeout: float = defaults.CLOSE_TIMEOUT
    #: The reason sent with 1001 when the server closes.
    shutdown_reason: str = defaults.SHUTDOWN_REASON
    #: Seconds a read or write waits for a SQLite file locked by another program
    #: before it fails (the sender gets ``internal``).
    history_busy_deadline: float = defaults.HISTORY_BUSY_DEADLINE
    #: Per-address limits (server/limits.py; PROTOCOL.md, Transport). Loopback
    #: is not exempt: tests and benchmarks that open many connections from
    #: 127.0.0.1 raise these. Connections server-wide (HTTP 503 past it) and
    #: from one address (429).
    max_connections: int = defaults.MAX_CONNECTIONS
    max_connections_per_address: int = defaults.MAX_CONNECTIONS_PER_ADDRESS
    #: WebSocket handshakes per second from one address, and the burst (429 past it).
    handshake_rate: float = defaults.HANDSHAKE_RATE
    handshake_burst: float = defaults.HANDSHAKE_BURST
    #: Rooms with a connection on this server (a new one gets 503), and members
    #: per room (a join past it gets ``too_many``).
    max_rooms: int = defaults.MAX_ROOMS
    max_members: int = defaults.MAX_MEMBERS
    #: Wrong passwords from one address before its attempts wait
    #: ``password_backoff`` s, doubling up to ``password_backoff_max``; forgotten
    #: after ``password_window`` s without one.
    password_tries: int = defaults.PASSWORD_TRIES
    password_backoff: float = defaults.PASSWORD_BACKOFF
    password_backoff_max: float = defaults.PASSWORD_BACKOFF_MAX
    password_window: float = defaults.PASSWORD_WINDOW
    #: The admin endpoint's bearer token (server/admin.py); None: no endpoint
    #: (``/admin/…`` is 404 like any other unknown path).
    admin_token: str | None = None


class _Conn:
    """One connection's adapter: carries out its Session's actions against the
    wire and the hub, and reports their results back. ``Member.peer`` points here."""

    __slots__ = ("room", "server", "session", "timer", "wire")

    def __init__(self, server: RoomServer, wire: Connection, session: Session) -> None:
        self.server = server
        self.wire = wire
        self.session = session
        self.room: Room | None = None
        #: The password clock (Session: StartTimer / CancelTimer).
        self.timer: asyncio.TimerHandle | None = None

    def run(self, actions: list[Action]) -> None:
        """Carry out actions in order. An action that waits for a result is the
        last of its list; its result goes back to the session, whose answer is
        carried out in turn."""
        server, room, wire, session = self.server, self.room, self.wire, self.session
        hub = server.hub
        for action in actions:
            match action:
                case Send(frames):
                    if len(frames) == 1:
                        wire.send_text(frames[0].serialize().encode())
                    else:
                        wire.send_frames(_encode(frames))
                case Relay(frame):
                    assert room is not None
                    others = room.others(session.member)
                    server.send(room, others, encode_text(frame.serialize().encode()))
                case Submit(member, post):
                    assert room is not None
                    member.sent += 1
                    if server.closing:
                        error = ServerError(
                            "the server is shutting down; resend after reconnecting", ref=post.id
                        )
                        wire.send_text(Error.from_exception(error).serialize().encode())
                    else:
                        hub.submit(room, member, post, self)
                case Join(hello, replacing):
                    assert room is not None
                    if server.bans.name_banned(hello.name):
                        self.run(session.refuse(BANNED_NAME_REASON))
                        continue
                    try:
                        joining = hub.claim(room, self, hello.name, hello.token, replacing)
                    except RoomcastError as exc:  # NameTaken: the client may try another
                        self.run(session.join_refused(exc))
                        continue
                    self.then(joining, self._joined)
                case Leave(member):
                    assert room is not None
                    hub.release(room, member)
                case GoLive(member):
                    if member.backlog:
                        wire.send_frames(b"".join(member.backlog))
                    member.backlog = None
                    member.backlog_bytes = 0
                    member.live = True
                case Replay(after, upto, limit, max_bytes):
                    assert room is not None
                    page = hub.history.after(room.name, after, upto, limit, max_bytes=max_bytes)
                    self.then(page, session.replayed)
                case Fetch(before, floor, limit, max_bytes):
                    assert room is not None
                    older = hub.history.before(room.name, before, floor, limit, max_bytes=max_bytes)
                    self.then(older, session.history_loaded)
                case AwaitDrain():
                    # After this turn's writes (queued before us): then, if the
                    # socket is still above its high-water mark, wait for
                    # wire's drained callback (RoomServer.drained).
                    asyncio.get_running_loop().call_soon(self.drained_maybe)
                case Resend(seq):
                    assert room is not None
                    self.then(hub.history.get(room.name, seq), session.resent)
                case Close(code, reason, abort, report):
                    if report is not None:
                        server.notices.warning(report)
                    elif code == 1008:
                        log.info(
                            "refused a client of room %r: %s",
                            room and room.name,
                            reason,
                            extra={"room": room and room.name, "remote": wire.remote},
                        )
                    if abort:
                        wire.fail(code, reason)
                    else:
                        wire.close(code, reason)
                case StartTimer(seconds):
                    loop = asyncio.get_running_loop()
                    self.timer = loop.call_later(seconds, self._timed_out)
                case CancelTimer():
                    if self.timer is not None:
                        self.timer.cancel()
                        self.timer = None
                case PauseReading():
                    wire.pause_reading()  # TCP backpressure until the inbox drains
                case ResumeReading():
                    wire.resume_reading()

    def then(self, result: T | Awaitable[T], then: Callable[[T], list[Action] | None]) -> None:
        """``then(result)`` now, or once an awaitable result is in (in a task)."""
        if isinstance(result, Awaitable):
            self.server.spawn(self._await(result, then))
            return
        actions = then(result)
        if actions:
            self.run(actions)

    async def _await(self, pending: Awaitable[T], then: Callable[[T], list[Action] | None]) -> None:
        try:
            result = await pending
        except Exception as exc:
            self._io_failed(exc)
            return
        try:
            actions = then(result)
            if actions:
                self.run(actions)
        except Exception as exc:
            self.server.handler_failed(self.wire, exc)
            self.run(self.session.failed())

    def _io_failed(self, exc: Exception) -> None:
        session = self.session
        if session.waiting == "join" and isinstance(exc, RoomcastError):
            if isinstance(exc, SharedStateDown):
                exc = ServerError(f"cannot join now ({exc}); reconnect later")
            self.run(session.join_refused(exc))
        elif session.waiting == "room" and isinstance(exc, HistoryError):
            self.room_unavailable(room_from_path(self.wire.path or "") or "?", exc)
        else:
            self.server.handler_failed(self.wire, exc)
            self.run(session.failed())

    def room_unavailable(self, name: str, exc: Exception) -> None:
        self.server.notices.error(f"room {name!r} could not be opened: {exc}")
        if isinstance(exc, SharedStateDown):
            self.run(self.session.close(1013, "shared state (Redis) unavailable, try again later"))
        else:
            self.run(self.session.close(1011, "history unavailable, try again later"))

    def drained_maybe(self) -> None:
        if self.session.waiting == "drain" and self.wire.writable:
            self.run(self.session.drained())

    def _joined(self, joined: Joined) -> None:
        if joined.replaced is not None:
            self.server.replaced(joined.replaced)
        joined.member.since = time.time()
        self.run(self.session.joined(joined.member, joined.members))

    def _timed_out(self) -> None:
        self.timer = None
        self.run(self.session.timed_out())


@dataclass
class _Stats:
    """Counters for logs, tests and benchmarks."""

    frames_in: int = 0
    messages: int = 0
    dropped_slow: int = 0


class RoomServer:
    """The Roomcast room server. See the module docstring for its lifecycle."""

    def __init__(self, config: ServerConfig | None = None, *, notices: Notices | None = None):
        self.config = cfg = config or ServerConfig()
        self.notices = notices or Notices(log)
        self.rooms: dict[str, Room] = {}
        self.stats = _Stats()
        self.limits = AddressLimits.from_settings(cfg)
        self._rules = Rules(
            server_name=SERVER_NAME,
            password=cfg.password,
            rate=cfg.rate,
            burst=cfg.burst,
            abuse_after=cfg.abuse_after,
            hello_timeout=cfg.hello_timeout,
            # A page must fit well inside what a member may have unsent.
            page_bytes=min(PAGE_BYTES, cfg.max_buffer // 4),
            limits=self.limits,
        )
        #: Names and addresses the host banned (server/admin.py).
        self.bans = Bans()
        self._gate = Gate(
            cfg.allow_origins,
            self.health,
            limits=self.limits,
            tls=bool(cfg.certfile),
            bans=self.bans,
            admin=self._admin_request if cfg.admin_token else None,
        )
        #: Connections per room name, counted once its room is open.
        self._attached: dict[str, int] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._hub: Hub | None = None
        self._wire: WireServer | None = None
        self._close_task: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        #: Closing: posts are refused ("resend after reconnecting").
        self.closing = False

    @property
    def hub(self) -> Hub:
        if self._hub is None:
            raise RuntimeError("the server is not started")
        return self._hub

    # -- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Open history and start listening. Raises ConfigError / ListenError."""
        if self._wire is not None:
            raise RuntimeError("RoomServer.start() was called twice")
        cfg = self.config
        ssl_context = _ssl_context(cfg)
        # The browser guest page (issue 17): read once, served from memory.
        self._gate.web = WebFiles.load()
        self._hub = hub = self._make_hub()
        await hub.start()
        # permessage-deflate is never offered: it costs CPU per member and is
        # a decompression-bomb surface; it would also stop us from writing
        # one encoded frame to every member.
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
        try:
            await self._wire.listen(cfg.host or None, cfg.port, ssl_context=ssl_context)
        except OSError as exc:
            await hub.close()
            self._wire = None
            raise ListenError(cfg.host, cfg.port, exc.errno, _os_reason(exc)) from None
        self._gate.own_hosts = own_hosts(cfg.host, self.port, self._wire.sockets)
        log.info("listening on %s", ", ".join(self.urls))

    def _make_hub(self) -> Hub:
        cfg = self.config
        if cfg.redis:
            # Imported here: the redis client costs start-up time (the desktop
            # app's embedded server never shares rooms), and it is an extra.
            try:
                from .redis_hub import RedisHub
            except ModuleNotFoundError as exc:
                raise ConfigError(
                    f"--redis needs the {exc.name} package: pip install 'roomcast[redis]'"
                ) from None

            return RedisHub(cfg.redis, self, retention=cfg.retention, heartbeat=cfg.redis_heartbeat)
        history = SQLiteHistory(cfg.db, busy_deadline=cfg.history_busy_deadline)
        return LocalHub(history, self, retention=cfg.retention)

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
        self.closing = True
        if self._hub is not None:
            self._hub.flush()  # commit and deliver what was posted this turn
        if self._wire is not None:
            await self._wire.close(1001, reason)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._hub is not None:
            await self._hub.close()  # and what arrived while the connections closed
        log.info("server closed")
        self._closed.set()

    # -- addresses ------------------------------------------------------------------

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
        return [f"{self.scheme}://{h}/" for h in self._host_ports()]

    @property
    def page_urls(self) -> list[str]:
        """Where a browser opens the guest page of the lobby (``/r/NAME`` for a
        room): ``urls`` as http(s), the same hosts, so that the page's Origin
        is one the server accepts. Empty when the page is not installed."""
        if not self._gate.web.installed:
            return []
        scheme = "https" if self.config.certfile else "http"
        return [f"{scheme}://{h}/" for h in self._host_ports()]

    def _host_ports(self) -> list[str]:
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
        return [f"{h}:{self.port}" for h in unique]

    @property
    def _conns(self) -> list[_Conn]:
        """Every open connection's adapter, from the wire's own list: a set of our
        own would cost every idle connection one more slot (issue 20). The wire
        forgets a connection just before ``connection_closed``."""
        if self._wire is None:
            return []
        return [conn for wire in self._wire.connections if (conn := wire.context) is not None]

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
        if self._hub is not None:
            health.update(self._hub.health())
        return health

    # -- wire.Handler: called by the I/O layer, never async ---------------------------

    def connection_made(self, ws: Connection) -> Response | None:
        return self._gate.connected(ws)

    def connection_lost(self, ws: Connection) -> None:
        self._gate.disconnected(ws)

    def process_request(self, ws: Connection, request: Request) -> Response | None:
        return self._gate.process_request(ws, request)

    def connection_open(self, wire: Connection) -> None:
        name = room_from_path(wire.path)
        assert name is not None
        assert self._hub is not None
        address = self._gate.opened(wire)
        session = Session(
            self._rules, subprotocol=wire.subprotocol is not None, now=_now(), address=address
        )
        conn = wire.context = _Conn(self, wire, session)
        room = self.rooms.get(name)
        if room is not None:
            self._attach(conn, room)
            return
        try:
            opening = self._hub.open_room(name)
        except HistoryError as exc:
            conn.room_unavailable(name, exc)
            return
        conn.then(opening, lambda room: self._opened(conn, name, room))

    def _opened(self, conn: _Conn, name: str, room: Room) -> None:
        room = self.rooms.setdefault(name, room)
        if conn.session.closed:  # gone while the room was opened
            self._forget_if_idle(room)
        else:
            self._attach(conn, room)

    def _attach(self, conn: _Conn, room: Room) -> None:
        conn.room = room
        self._attached[room.name] = self._attached.get(room.name, 0) + 1
        conn.run(conn.session.opened(room, _now()))

    def text_received(self, wire: Connection, text: str) -> None:
        self.stats.frames_in += 1
        conn: _Conn = wire.context
        conn.run(conn.session.receive(text, _now()))

    def binary_received(self, wire: Connection, data: bytes) -> None:
        self.stats.frames_in += 1
        conn: _Conn = wire.context
        conn.run(conn.session.receive(data, _now()))

    def buffer_full(self, wire: Connection, unsent: int) -> None:
        self._drop_slow(wire.context, unsent)

    def handler_failed(self, wire: Connection, exc: Exception) -> None:
        conn: _Conn | None = wire.context
        name = conn.room.name if conn is not None and conn.room is not None else wire.path
        log.error(
            "unexpected error on a connection to room %r",
            name,
            exc_info=exc,
            extra={"room": name, "remote": wire.remote},
        )
        self.notices.error(f"unexpected server error in room {name!r}: {exc!r}")

    def drained(self, wire: Connection) -> None:
        conn: _Conn | None = wire.context
        if conn is not None:
            conn.drained_maybe()

    def connection_closed(self, wire: Connection) -> None:
        self._gate.closed(wire)  # per-address limits: the connection is no longer counted
        conn: _Conn | None = wire.context
        if conn is None:
            return
        conn.run(conn.session.connection_lost())
        room = conn.room
        if room is not None:
            self._attached[room.name] -= 1
            if not self._attached[room.name]:
                del self._attached[room.name]
                self._forget_if_idle(room)

    def _forget_if_idle(self, room: Room) -> None:
        if room.name not in self._attached and room.idle and self.rooms.get(room.name) is room:
            del self.rooms[room.name]
            self.hub.close_room(room)

    # -- the host's controls (server/admin.py) --------------------------------------

    @property
    def password(self) -> str | None:
        return self._rules.password

    def members(self, room: str | None = None) -> list[MemberInfo]:
        """Every joined connection on this server (or of ``room``), oldest first."""
        out: list[MemberInfo] = []
        for conn in self._conns:
            member, joined_to = conn.session.member, conn.room
            if member is None or joined_to is None or (room and joined_to.name != room):
                continue
            wire = conn.wire
            out.append(
                MemberInfo(
                    room=joined_to.name,
                    name=member.name,
                    address=peer_host(wire.remote),
                    since=member.since,
                    rtt=wire.rtt,
                    waiting=wire.waiting,
                    unsent=wire.unsent + member.backlog_bytes,
                    sent=member.sent,
                )
            )
        out.sort(key=lambda info: (info.room, info.since, info.name))
        return out

    def look(self, room: str | None = None) -> list[MemberInfo]:
        """The host's look at the members (:meth:`members`); each look pings
        them (:meth:`measure_rtt`), so that the next one has fresh round trips."""
        members = self.members(room)
        self.measure_rtt()
        return members

    def measure_rtt(self) -> None:
        """Ping every member that has no ping out (their pongs update ``rtt``)."""
        for conn in self._conns:
            if conn.session.member is not None:
                conn.wire.ping()

    def kick(self, room: str, name: str, reason: str = "") -> bool:
        """Close ``name``'s connection to ``room`` with 1008 and the host's
        reason; False when no such member is here."""
        for conn in self._conns:
            member, joined_to = conn.session.member, conn.room
            if member is None or joined_to is None or (joined_to.name, member.name) != (room, name):
                continue
            conn.run(conn.session.close(1008, kick_reason(reason)))
            self.notices.info(f"removed {name!r} from room {room!r}")
            return True
        return False

    def ban_name(self, name: str) -> int:
        """Ban ``name`` (as PROTOCOL.md, Names compares names) for the life of
        this process; members holding it are removed. How many were."""
        self.bans.ban_name(name)
        key = name_key(name)
        hit = [c for c in self._conns if c.session.member and c.session.member.key == key]
        self._close_all(hit, 1008, BANNED_NAME_REASON)
        return len(hit)

    def unban_name(self, name: str) -> bool:
        return self.bans.unban_name(name)

    def ban_address(self, address: str) -> int:
        """Ban an IP address (an IPv6 one by its /64, as the limits count);
        its connections, joined or not, are closed. ValueError: not an IP."""
        key = address_key(address)
        self.bans.ban_address(key)
        hit = [c for c in self._conns if c.session.address == key]
        self._close_all(hit, 1008, BANNED_NAME_REASON)
        return len(hit)

    def unban_address(self, address: str) -> bool:
        return self.bans.unban_address(address_key(address))

    def set_password(self, password: str | None) -> None:
        """Set, change or clear the password of every room, at once. Members
        stay; a connection that has not joined yet is closed (1008) when a
        password is set, so that nobody joins past it."""
        password = password or None
        self._rules = replace(self._rules, password=password)
        waiting: list[_Conn] = []
        for conn in self._conns:
            conn.session.rules = self._rules
            if password is not None and conn.session.member is None:
                waiting.append(conn)
        self._close_all(waiting, 1008, "the host set a password: reconnect with it")
        self.notices.info("room password " + ("set" if password else "cleared"))

    def _admin_request(self, ws: Connection, request: Request) -> Response:
        """The admin endpoint (server/admin.py): bearer token first; wrong
        tokens are slowed per address like wrong room passwords."""
        token = self.config.admin_token
        assert token is not None
        address = self._gate.address(ws)
        now = loop_time()
        limits = self.limits
        if not authorized(request.headers.get("Authorization"), token):
            why = limits.password_refusal(address, now)
            if why is None:
                limits.password_failed(address, now)
                why = "a valid admin token is needed: Authorization: Bearer TOKEN"
            response = json_response(ws, http.HTTPStatus.UNAUTHORIZED, {"error": why})
            response.headers["WWW-Authenticate"] = 'Bearer realm="roomcast-admin"'
            return response
        command = route(request.method, request.path, request.headers.raw_items())
        answer = command if isinstance(command, AdminAnswer) else self.admin(command)
        return json_response(ws, http.HTTPStatus(answer.status), dict(answer.body))

    def admin(self, command: Command) -> AdminAnswer:
        """Carry out one admin command (the endpoint's, or a test's)."""
        match command:
            case ListMembers(room):
                members = [m.as_json() for m in self.look(room)]
                return AdminAnswer(
                    200,
                    {
                        "members": members,
                        "bans": self.bans.as_json(),
                        "password": self.password is not None,
                    },
                )
            case Kick(room, name, reason):
                if self.kick(room, name, reason):
                    return AdminAnswer(200, {"kicked": True})
                return AdminAnswer(404, {"error": f"no member {name!r} in room {room!r} here"})
            case Ban(kind, value):
                try:
                    kicked = self.ban_name(value) if kind == "name" else self.ban_address(value)
                except ValueError as exc:
                    return AdminAnswer(400, {"error": str(exc)})
                return AdminAnswer(200, {"banned": {kind: value}, "kicked": kicked})
            case Unban(kind, value):
                done = self.unban_name(value) if kind == "name" else self.unban_address(value)
                return AdminAnswer(200, {"unbanned": done})
            case SetPassword(password):
                if password is not None and len(password) > MAX_PASSWORD_CHARS:
                    return AdminAnswer(
                        400, {"error": f"a password has at most {MAX_PASSWORD_CHARS} characters"}
                    )
                self.set_password(password)
                return AdminAnswer(200, {"password": self.password is not None})
        raise AssertionError(command)  # pragma: no cover - route() builds only these

    # -- hub.HubEvents: what the hub reports ----------------------------------------

    def deliver(self, room: Room, messages: list[ChatMessage]) -> None:
        """Committed: broadcasting them acknowledges them. The turn's messages for
        the room are encoded once, into one run of frames that every member gets
        as the same bytes in one write (server frames are unmasked, and
        compression is off)."""
        self.stats.messages += len(messages)
        self.send(room, room.members.values(), _encode(messages))

    def failed(self, room: Room, lost: list[tuple[ChatMessage, Any]], error: HistoryError) -> None:
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
            member = sender.session.member
            if member is not None:
                self.send(room, [member], encode_text(frame.serialize().encode()))

    def duplicate(self, room: Room, seq: int, sender: Any) -> None:
        conn: _Conn = sender
        conn.run(conn.session.duplicate(seq))

    def presence(self, room: Room, subject: Member | None, frames: Sequence[Presence]) -> None:
        # Lazy: presence may wait a few ms for company (wire.py), so that a
        # crowd joining at once costs each member a few writes, not one each.
        if frames:
            self.send(room, room.others(subject), _encode(frames), lazy=True)

    def replaced(self, member: Member) -> None:
        conn: _Conn = member.peer
        conn.run(conn.session.replaced())

    def store_reset(self, room: Room, why: str) -> None:
        self.notices.warning(f"room {room.name!r}: {why}; its clients resume from the store")
        if self.rooms.get(room.name) is room:
            del self.rooms[room.name]  # the next connection opens it afresh
        self._close_all(
            [c for c in self._conns if c.room is room], 1012, "room history reset: resume now"
        )

    def fenced(self, why: str) -> None:
        self.notices.warning(f"this node lost its members' names ({why}); they rejoin")
        self._close_all(
            [c for c in self._conns if c.session.member is not None],
            1012,
            "server node restarted its membership: rejoin now",
        )

    def _close_all(self, conns: list[_Conn], code: int, reason: str) -> None:
        for conn in conns:
            conn.run(conn.session.close(code, reason))

    # -- fan-out ----------------------------------------------------------------------

    def send(
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
                if member.backlog is None:
                    member.backlog = [frames]
                else:
                    member.backlog.append(frames)
                member.backlog_bytes += len(frames)
                if member.backlog_bytes > limit:
                    self._drop_slow(member.peer, member.backlog_bytes)

    def _drop_slow(self, conn: _Conn, unsent: int) -> None:
        actions = conn.session.slow(unsent)
        if actions:
            self.stats.dropped_slow += 1
            conn.run(actions)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a background task with a strong reference; log what it raises."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background task failed", exc_info=exc)
            self.notices.error(f"background task failed: {exc!r}")


def _now() -> float:
    return asyncio.get_running_loop().time()


def _encode(frames: Sequence[ServerFrame]) -> bytes:
    return b"".join(encode_text(frame.serialize().encode()) for frame in frames)


def _select_subprotocol(ws: ServerProtocol, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    """PROTOCOL.md, Transport: accept roomcast.v1; serve clients offering none too."""
    return Subprotocol(SUBPROTOCOL) if SUBPROTOCOL in offered else None


def _ssl_context(cfg: ServerConfig) -> ssl.SSLContext | None:
    if not cfg.certfile and not cfg.keyfile:
        return None
    if not cfg.certfile:
        raise ConfigError("--keyfile needs --certfile")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cfg.certfile, cfg.keyfile)
    except FileNotFoundError as exc:
        raise ConfigError(f"cannot read certificate {_culprit(exc, cfg)}: no such file") from None
    except PermissionError as exc:
        raise ConfigError(
            f"cannot read certificate {_culprit(exc, cfg)}: permission denied"
        ) from None
    except (ssl.SSLError, OSError) as exc:
        raise ConfigError(f"cannot load certificate {cfg.certfile}: {exc}") from None
    return context


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
