"""RoomClient: the desktop app's connection to a room, without Qt.

One asyncio task per client connects (PROTOCOL.md, Transport), joins with
``hello`` (Joining), hands every frame that arrives to ``on_frame``, keeps the
highest seq it has seen with the room's epoch, reconnects with backoff after
a drop and resumes with ``hello.since`` and ``hello.epoch`` (Delivery promise,
Epochs). A welcome that says the room's history started over (``reset``, or
another epoch) sets the seq back, so that the new history's messages are not
taken for ones already seen, and is reported to ``on_reset``; a 1012 close
("reconnect now and resume") reconnects at once. Messages go through an
outbox: each gets a client id, stays PENDING until the server's copy with that
id comes back (its acknowledgement) and is resent after a reconnect, which the
server's idempotency on ``id`` makes exactly-once.

Any ws:// server works: one that does not answer ``hello`` with a ``welcome``
is "foreign" and its frames are shown as JSON or text (ARCHITECTURE.md,
Foreign servers). Callbacks run on the loop; one that raises is logged and
changes nothing else. Everything the user should see about the connection
arrives as a :class:`Status` (state) or a :class:`~server.notices.Notice`.
"""

from __future__ import annotations

import asyncio
import enum
import errno
import json
import logging
import random
import re
import secrets
import socket
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from ssl import SSLCertVerificationError, SSLContext, SSLError, create_default_context
from typing import Any, Final, Literal, TypeVar
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidStatus,
)
from websockets.frames import CTRL_OPCODES, Frame
from websockets.frames import Opcode as WsOpcode
from websockets.typing import Subprotocol

from roomcast.desktop import tls
from roomcast.desktop.connection_options import ConnectionOptions, with_query
from roomcast.desktop.links import host_port, room_key, validate_url
from roomcast.desktop.rows import Direction, Opcode, SendState
from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated
from roomcast.server import __version__
from roomcast.server.defaults import HOST_STOPPED_REASON
from roomcast.server.errors import ProtocolError
from roomcast.server.notices import Notice, Severity
from roomcast.server.protocol import (
    DEFAULT_HISTORY_LIMIT,
    SUBPROTOCOL,
    ChatMessage,
    Error,
    Hello,
    HistoryRequest,
    Post,
    Presence,
    ServerFrame,
    Welcome,
    dumps,
    parse_server_frame,
)

__all__ = [
    "HOST_STOPPED_REASON",
    "NEVER_CONNECTED_ATTEMPTS",
    "Backoff",
    "ConnectionState",
    "ControlFrame",
    "Failure",
    "Incoming",
    "OutboxEntry",
    "RoomClient",
    "Status",
    "describe_close",
    "describe_open_error",
]

log = logging.getLogger("roomcast.client")

#: Our frames are small; the server's are at most 256 KiB (PROTOCOL.md,
#: Transport, Size), history pages included. 1 MiB leaves room for foreign ones.
MAX_INCOMING_BYTES: Final = 2**20
#: Seconds to wait for the closing handshake before dropping the TCP connection.
CLOSE_TIMEOUT: Final = 3.0
#: Attempts (with backoff between them) after which a client that has not been
#: CONNECTED since start() gives up: a mistyped address is not retried forever.
#: One that was connected keeps reconnecting, however long the server is away.
NEVER_CONNECTED_ATTEMPTS: Final = 4
#: Seconds a connection that offered no subprotocol waits for a Roomcast
#: server's unprompted ``welcome`` (PROTOCOL.md, Joining) before it is taken
#: for a foreign server. Roomcast sends it right after the handshake.
DETECT_TIMEOUT: Final = 0.5
#: Seconds the ``GET /healthz`` that asks an unknown server at ``/`` whether
#: it is a Roomcast server may take (RoomClient._probe).
PROBE_TIMEOUT: Final = 3.0
#: The most of its answer that is read.
PROBE_MAX_BYTES: Final = 8192

_T = TypeVar("_T")


class ConnectionState(enum.Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    HOSTING = "hosting"  # set by the session, never by RoomClient


@dataclass(frozen=True)
class Status:
    """Where the connection stands. RECONNECTING covers the whole way back after a
    failure: ``retry_in`` is set while waiting, None while an attempt runs.
    ``unreachable`` marks the DISCONNECTED that ends a start() which never got
    connected (RoomClient's ``never_connected_attempts``)."""

    state: ConnectionState
    url: str | None = None
    attempt: int = 0
    retry_in: float | None = None
    detail: str = ""
    roomcast: bool = False
    room: str | None = None
    you: str | None = None
    members: tuple[str, ...] = ()
    unreachable: bool = False
    #: The SHA-256 fingerprint of a certificate this computer does not trust,
    #: which the person may pin (:meth:`RoomClient.trust`) to connect.
    untrusted: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One frame as it arrived, classified (ARCHITECTURE.md, Foreign servers)."""

    kind: Literal["roomcast", "json", "text", "binary"]
    raw: str | bytes
    frame: ServerFrame | None = None
    data: object = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class ControlFrame:
    """A ping, pong or close frame (RFC 6455, 5.5) that went either way,
    reported while :attr:`RoomClient.record_control` is on."""

    direction: Direction
    opcode: Opcode
    payload: bytes
    time: datetime = field(default_factory=lambda: datetime.now(UTC))


_CONTROL_OPCODES: Final = {
    WsOpcode.PING: Opcode.PING,
    WsOpcode.PONG: Opcode.PONG,
    WsOpcode.CLOSE: Opcode.CLOSE,
}


@dataclass(eq=False)
class OutboxEntry:
    """A message of ours: PENDING until acknowledged (SENT) or refused (FAILED).

    A frame sent as it is (``frame`` set: the composer's Text, JSON and Binary
    modes) is SENT once written, FAILED when its connection ended first; it
    is never resent by itself (only :meth:`RoomClient.retry` does)."""

    id: str
    content: str
    state: SendState
    error: str | None = None
    seq: int | None = None
    frame: str | bytes | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a connection attempt failed or a connection ended."""

    text: str
    severity: Severity = Severity.WARNING
    #: Do not reconnect (PROTOCOL.md, Close codes: 1008; error code unauthorized).
    final: bool = False
    #: Reconnect at once, without the backoff wait (Close codes: 1012).
    immediate: bool = False
    #: The fingerprint of an untrusted certificate (see Status.untrusted).
    untrusted: str | None = None


class Backoff:
    """Exponential backoff with jitter: attempt n waits
    ``min(maximum, initial * 2**(n-1)) * uniform(0.5, 1.0)`` seconds."""

    def __init__(
        self,
        initial: float = 1.0,
        maximum: float = 30.0,
        stable_after: float = 10.0,
        rng: random.Random | None = None,
    ) -> None:
        if not 0 < initial <= maximum:
            raise ValueError(f"need 0 < initial <= maximum, got {initial} and {maximum}")
        self.initial = initial
        self.maximum = maximum
        #: A connection that stayed up this long resets the attempt count.
        self.stable_after = stable_after
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        self.attempt += 1
        base = min(self.maximum, self.initial * 2.0 ** min(self.attempt - 1, 64))
        return base * self._rng.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.attempt = 0


# --------------------------------------------------------------------------
# Error texts
# --------------------------------------------------------------------------


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated


def _t(text: str) -> str:
    return translate("RoomClient", text)


_SSL_NOISE = re.compile(r"^\[SSL(?:: [A-Z0-9_]+)?\]\s*|\s*\(_ssl\.c:\d+\)$")


#: OpenSSL's reasons for a peer whose first bytes are not a TLS record: a
#: plain HTTP (ws://) server answering the ClientHello.
_NOT_TLS_REASONS: Final = frozenset(
    {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST"}
)


def _not_tls(exc: BaseException, url: str) -> bool:
    """Did a wss:// handshake fail because the server speaks plain ws://?

    Such a server answers the ClientHello with HTTP (OpenSSL: wrong version
    number), or drops the connection mid-handshake (as websockets' server
    does), which asyncio's TLS reports as a bare ConnectionResetError: no
    errno, no text.
    """
    if not url.lower().startswith("wss:"):
        return False
    if isinstance(exc, SSLError):
        return getattr(exc, "reason", None) in _NOT_TLS_REASONS
    return isinstance(exc, ConnectionResetError) and exc.errno is None and not exc.args


def _reason(exc: BaseException) -> str:
    """The exception's own words; its class name when it has none (never "")."""
    if isinstance(exc, OSError) and exc.strerror:
        return str(exc.strerror)
    text = str(exc).strip()
    # str(SSLError()) is "()": the empty args, not words.
    return text if text and text != "()" else type(exc).__name__


def describe_open_error(exc: BaseException, url: str) -> Failure:
    """The text for a failed opening handshake (TCP, TLS or HTTP upgrade)."""
    where = host_port(url)
    if _not_tls(exc, url):
        parts = urlsplit(url)
        plain = parts._replace(scheme="ws").geturl()
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient",
                    "TLS handshake with {where} failed: the server does not speak TLS — try {url}",
                )
            ).format(where=where, url=plain),
            Severity.ERROR,
        )
    if isinstance(exc, InvalidStatus):
        r = exc.response
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient", "The server refused the WebSocket upgrade: HTTP {status} {phrase}"
                )
            ).format(status=r.status_code, phrase=r.reason_phrase),
            Severity.ERROR,
        )
    if isinstance(exc, SSLError):  # SSLCertVerificationError included
        reason = _SSL_NOISE.sub("", _reason(exc)).strip() or type(exc).__name__
        return Failure(
            _t(QT_TRANSLATE_NOOP("RoomClient", "TLS failure with {where}: {reason}")).format(
                where=where, reason=reason
            ),
            Severity.ERROR,
        )
    if isinstance(exc, socket.gaierror):
        return Failure(
            _t(QT_TRANSLATE_NOOP("RoomClient", "Unknown host: {host}")).format(
                host=urlsplit(url).hostname
            )
        )
    if isinstance(exc, TimeoutError):
        return Failure(
            _t(QT_TRANSLATE_NOOP("RoomClient", "Timed out connecting to {where}")).format(
                where=where
            )
        )
    if isinstance(exc, OSError) and _refused(exc):
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient", "Connection refused by {where} — is the server running?"
                )
            ).format(where=where)
        )
    if isinstance(exc, InvalidMessage):
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient", "{where} did not answer like a WebSocket server: {error}"
                )
            ).format(where=where, error=_reason(exc)),
            Severity.ERROR,
        )
    if isinstance(exc, InvalidHandshake):
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient", "The WebSocket handshake with {where} failed: {error}"
                )
            ).format(where=where, error=_reason(exc)),
            Severity.ERROR,
        )
    if isinstance(exc, OSError):
        return Failure(
            _t(QT_TRANSLATE_NOOP("RoomClient", "Could not connect to {where}: {error}")).format(
                where=where, error=_reason(exc)
            )
        )
    return Failure(
        _t(QT_TRANSLATE_NOOP("RoomClient", "Could not connect to {where}: {error}")).format(
            where=where, error=repr(exc)
        ),
        Severity.ERROR,
    )


def _refused(exc: OSError) -> bool:
    # A host with several addresses (localhost: ::1 and 127.0.0.1) yields one
    # OSError("Multiple exceptions: [Errno 111] ..., [Errno 111] ...").
    if isinstance(exc, ConnectionRefusedError) or exc.errno == errno.ECONNREFUSED:
        return True
    codes = re.findall(r"\[Errno (\d+)\]", str(exc))
    return bool(codes) and all(int(c) == errno.ECONNREFUSED for c in codes)


def describe_close(code: int | None, reason: str) -> Failure:
    """The text for a connection that ended (PROTOCOL.md, Close codes).

    ``code`` is None when no close frame arrived at all.
    """
    if code is None:
        return Failure(_t(QT_TRANSLATE_NOOP("RoomClient", "Connection lost")))
    if code == 1008:
        return Failure(
            _t(QT_TRANSLATE_NOOP("RoomClient", "Refused by the server: {reason}")).format(
                reason=reason or _t(QT_TRANSLATE_NOOP("RoomClient", "policy violation"))
            ),
            Severity.ERROR,
            True,
        )
    if code == 1001:
        if reason == HOST_STOPPED_REASON:
            return Failure(_t(QT_TRANSLATE_NOOP("RoomClient", "The host stopped hosting")))
        if reason:
            return Failure(
                _t(QT_TRANSLATE_NOOP("RoomClient", "The server shut down ({reason})")).format(
                    reason=reason
                )
            )
        return Failure(_t(QT_TRANSLATE_NOOP("RoomClient", "The server shut down")))
    if code == 1012:
        # PROTOCOL.md, Close codes and Epochs: the room's store changed under
        # the server; the resume that follows gets the reset.
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient", "The server restarted the room; reconnecting at once"
                )
            ),
            immediate=True,
        )
    if code == 1013:
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient", "Dropped by the server for falling behind; reconnecting"
                )
            )
        )
    if reason:
        return Failure(
            _t(
                QT_TRANSLATE_NOOP(
                    "RoomClient", "The server closed the connection (code {code}: {reason})"
                )
            ).format(code=code, reason=reason)
        )
    return Failure(
        _t(
            QT_TRANSLATE_NOOP("RoomClient", "The server closed the connection (code {code})")
        ).format(code=code)
    )


#: Control characters other than tab and line breaks: UTF-8-valid bytes with
#: these are data (a length prefix, a protobuf), not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def classify(data: str | bytes) -> Incoming:
    """Roomcast frame, other JSON, other text, or binary: never an exception.

    A binary frame whose bytes are valid UTF-8 is text (and JSON when it
    parses, and has no control characters but tab and line breaks) that
    travelled as binary: the classic tutorial server forwards
    every text message so (npm ``ws`` 8 hands it a Buffer). It is classified
    as that text, keeping the bytes as ``raw`` (which is how it stays marked
    binary); it is never taken for a Roomcast frame, which are text frames
    (PROTOCOL.md, Transport).
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return Incoming("binary", data)
        if not text or _CONTROL.search(text):
            return Incoming("binary", data)  # empty, or bytes that only decode
        try:
            return Incoming("json", data, data=json.loads(text))
        except (ValueError, RecursionError):
            return Incoming("text", data)
    try:
        return Incoming("roomcast", data, frame=parse_server_frame(data))
    except ProtocolError:
        pass
    try:
        return Incoming("json", data, data=json.loads(data))
    except (ValueError, RecursionError):
        return Incoming("text", data)


def _ignore(_: object) -> None:
    pass


# --------------------------------------------------------------------------
# The connection: control frames in order, the certificate before a byte
# --------------------------------------------------------------------------


class _Connection(ClientConnection):
    """websockets' connection with two additions for the inspector.

    **Control frames, in order.** websockets answers pings and closes inside
    ``data_received`` and never hands control frames to ``recv()``. This
    class sees them where they pass (``process_event`` for ours to read, the
    protocol's ``send_frame`` for what goes out) and reports them to
    :attr:`owner` in the order they travelled among the data frames: a
    control frame that arrives while data frames before it still wait to be
    read is held until the reader has shown them (:meth:`message_done`), and
    an automatic pong is reported after the ping it answers (websockets
    writes it while still parsing the ping).

    **The certificate first.** With a pinned fingerprint the TLS context
    verifies nothing; :meth:`connection_made` (after the TLS handshake,
    before the HTTP upgrade is written) compares the certificate with the
    pin and aborts the connection on a mismatch, so that no header (an
    ``Authorization``) reaches an impostor.
    """

    #: Set per client by :meth:`RoomClient._connection_class`.
    owner: RoomClient

    def __init__(self, protocol: Any, **kwargs: Any) -> None:
        super().__init__(protocol, **kwargs)
        #: Complete data messages received (by the protocol) and shown (by us).
        self.received = 0
        self.shown = 0
        self._held: deque[tuple[int, ControlFrame]] = deque()
        # While data_received parses: the answers written (pongs, the close
        # echoed), each with the index of the event it answers, and the
        # index of the next event process_event gets.
        self._answers: list[tuple[int, ControlFrame]] | None = None
        self._event = 0
        write = protocol.send_frame

        def send_frame(frame: Frame) -> None:
            write(frame)
            if frame.opcode in CTRL_OPCODES and self.owner.record_control:
                sent = self._control(Direction.OUT, frame)
                if self._answers is not None:
                    # The protocol answers a ping while parsing it, before it
                    # appends the ping to its events: it is the next one.
                    self._answers.append((len(protocol.events), sent))
                else:
                    self._hold(sent)

        # The sans-I/O protocol writes every frame through this one method
        # (data, pings, the automatic pongs, close): the one place to watch.
        protocol.send_frame = send_frame

    @staticmethod
    def _control(direction: Direction, frame: Frame) -> ControlFrame:
        return ControlFrame(direction, _CONTROL_OPCODES[frame.opcode], bytes(frame.data))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.owner._check_certificate(transport)

    def data_received(self, data: bytes) -> None:
        # Only while recording: nothing is allocated per read otherwise.
        self._answers, self._event = ([] if self.owner.record_control else None), 0
        try:
            super().data_received(data)
        finally:
            answers, self._answers = self._answers, None
        for _, frame in answers or ():  # none left unless an event went unprocessed
            self._hold(frame)

    def process_event(self, event: Any) -> None:
        super().process_event(event)
        index, self._event = self._event, self._event + 1
        if not isinstance(event, Frame):
            return  # the handshake's response
        if event.opcode in CTRL_OPCODES:
            if self.owner.record_control:
                self._hold(self._control(Direction.IN, event))
        elif event.fin:
            self.received += 1
        answers = self._answers
        while answers and answers[0][0] == index:
            self._hold(answers.pop(0)[1])

    def _hold(self, frame: ControlFrame) -> None:
        self._held.append((self.received, frame))
        self._release()

    def message_done(self) -> None:
        """The reader has shown one more data message."""
        self.shown += 1
        if self._held:
            self._release()

    def flush(self) -> None:
        """The connection is over: report what is still held."""
        self.shown = self.received
        self._release()

    def _release(self) -> None:
        while self._held and self._held[0][0] <= self.shown:
            self.owner._emit(self.owner._on_control, self._held.popleft()[1])


async def _probe(url: str, ssl: SSLContext | bool | None, within: float) -> bool:
    """Is the server at ``url`` (path ``/``, the lobby or anyone's endpoint) a
    Roomcast server? Its ``GET /healthz`` says so (PROTOCOL.md, Transport:
    ``200`` and ``{"status": "ok", "rooms": N, "connections": N}``); a
    WebSocket-only server answers 426, 400 or 404. Nothing is sent but that
    request (no header of the options: they may hold secrets). Any failure
    is "no": the connection that follows reports what is wrong."""
    parts = urlsplit(url)
    secure = parts.scheme.lower() == "wss"
    host, port = parts.hostname or "", parts.port or (443 if secure else 80)
    context: SSLContext | None = None
    if secure:
        context = ssl if isinstance(ssl, SSLContext) else create_default_context()
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(min(within, PROBE_TIMEOUT)):
            reader, writer = await asyncio.open_connection(
                host, port, ssl=context, server_hostname=host if context else None
            )
            writer.write(
                f"GET /healthz HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                f"Connection: close\r\nUser-Agent: roomcast/{__version__}\r\n\r\n".encode()
            )
            answer = await reader.read(PROBE_MAX_BYTES)
            while len(answer) < PROBE_MAX_BYTES and (more := await reader.read(PROBE_MAX_BYTES)):
                answer += more
    except Exception:
        log.debug("asking %s whether it is a Roomcast server failed", url, exc_info=True)
        return False
    finally:
        if writer is not None:
            writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    if not head.startswith((b"HTTP/1.1 200 ", b"HTTP/1.0 200 ")):
        return False
    try:
        health = json.loads(body)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(health, dict)
        and health.get("status") in ("ok", "degraded")
        and isinstance(health.get("rooms"), int)
        and isinstance(health.get("connections"), int)
    )


# --------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------


class RoomClient:
    """Connects to one room (or a failover list of URLs) and keeps it connected."""

    def __init__(
        self,
        *,
        name: str | None = None,
        password: str | None = None,
        on_status: Callable[[Status], None] = _ignore,
        on_frame: Callable[[Incoming], None] = _ignore,
        on_notice: Callable[[Notice], None] = _ignore,
        on_outbox: Callable[[OutboxEntry], None] = _ignore,
        on_reset: Callable[[Welcome], None] = _ignore,
        on_control: Callable[[ControlFrame], None] = _ignore,
        backoff: Backoff | None = None,
        open_timeout: float = 10.0,
        welcome_timeout: float = 3.0,
        client_name: str = f"roomcast/{__version__}",
        ssl: SSLContext | None = None,
        never_connected_attempts: int = NEVER_CONNECTED_ATTEMPTS,
        options: ConnectionOptions | None = None,
        pins: tls.PinStore | None = None,
    ) -> None:
        if never_connected_attempts < 1:
            raise ValueError(
                f"never_connected_attempts must be at least 1, got {never_connected_attempts}"
            )
        self.name = name
        self.password = password
        self._on_status = on_status
        self._on_frame = on_frame
        self._on_notice = on_notice
        self._on_outbox = on_outbox
        self._on_reset = on_reset
        self._on_control = on_control
        #: Report ping, pong and close frames to ``on_control`` (the window's
        #: "Show control frames"); off, they are not even copied.
        self.record_control = False
        #: Headers, subprotocols, query, TLS and timeouts; read at each attempt.
        self.options = options
        #: Pinned certificates (desktop/tls.py), shared by the window's clients.
        self.pins = pins if pins is not None else tls.PinStore()
        self._connection_class = type("_Connection", (_Connection,), {"owner": self})
        self._backoff = backoff or Backoff()
        self._open_timeout = open_timeout
        self._welcome_timeout = welcome_timeout
        self._client_name = client_name
        self._ssl = ssl
        self._never_connected_attempts = never_connected_attempts

        self._status = Status(ConnectionState.DISCONNECTED)
        self._urls: tuple[str, ...] = ()
        self._url_index = 0
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._last_failure: str | None = None
        # This start(): attempts that failed, whether one ever got CONNECTED,
        # and whether it gave up on an address that never answered.
        self._failed_attempts = 0
        self._ever_connected = False
        self._gave_up = False
        # The room, across connections (reset when start() gets another room).
        self._last_seq = 0
        self._epoch = ""
        self._joined = False
        self._token: str | None = None
        self._you: str | None = None
        self._outbox: dict[str, OutboxEntry] = {}
        # The current connection.
        self._queue: asyncio.Queue[tuple[str | bytes, OutboxEntry | None]] | None = None
        self._roomcast = False
        self._ready = False
        self._replay_left = 0
        self._since_sent: int | None = None
        self._refusal: Failure | None = None
        self._connected_at: float | None = None
        # An immediate reconnect (1012) was made and no connection has been
        # stable since: the next one waits like any other.
        self._quick = False
        # This room's server answered as Roomcast (a welcome): offer roomcast.v1.
        self._known_roomcast = False
        # The addresses asked whether they are Roomcast servers (_probe).
        self._probed: set[str] = set()
        # The attempt's certificate check: the pin expected, and the refusal.
        self._expected_pin: str | None = None
        self._pin_where = ""
        self._certificate_refusal: Failure | None = None
        self._ws: _Connection | None = None
        # The entry the writer is writing (see _unwritten).
        self._in_flight: OutboxEntry | None = None

    # -- public state ------------------------------------------------------

    @property
    def status(self) -> Status:
        return self._status

    @property
    def last_seq(self) -> int:
        """The highest message seq seen in this room (what a resume asks after)."""
        return self._last_seq

    @property
    def epoch(self) -> str:
        """The room's epoch ``last_seq`` belongs to ("" before a welcome said it,
        or from a server older than protocol 1.1)."""
        return self._epoch

    @property
    def running(self) -> bool:
        """Started and not stopped (connected, connecting or waiting to retry)."""
        return self._task is not None and not self._task.done()

    @property
    def outbox(self) -> list[OutboxEntry]:
        """Our messages not yet acknowledged: PENDING and FAILED, oldest first."""
        return list(self._outbox.values())

    # -- lifecycle ---------------------------------------------------------

    def start(self, urls: Sequence[str]) -> None:
        """Start connecting; with several URLs each attempt tries the next one.

        Raises ValueError for a bad URL and RuntimeError while already running.
        URLs of the same room as before (``links.room_key``) resume it (since,
        epoch, token, outbox); another room starts fresh.
        """
        if isinstance(urls, str):
            urls = [urls]
        checked = tuple(validate_url(u) for u in urls)
        if not checked:
            raise ValueError("No server URL given")
        if self._task is not None and not self._task.done():
            raise RuntimeError("the client is already started: await stop() first")
        if checked != self._urls:
            self._url_index = 0
        if not self._urls or room_key(checked) != room_key(self._urls):
            self._last_seq, self._joined, self._token, self._you = 0, False, None, None
            self._epoch = ""
            self._known_roomcast = False
            self._probed.clear()
            for entry in self._outbox.values():
                if entry.state is SendState.PENDING:
                    self._mark(
                        entry,
                        SendState.FAILED,
                        _t(QT_TRANSLATE_NOOP("RoomClient", "not sent before switching servers")),
                    )
        self._urls = checked
        self._spawn()

    async def stop(self) -> None:
        """User disconnect: close with 1000, end the task, DISCONNECTED. Idempotent."""
        task = self._task
        if task is not None:
            if task is asyncio.current_task():
                raise RuntimeError("stop() cannot be awaited from the client's own task")
            task.cancel()
            await asyncio.wait([task])
            if self._task is task:
                self._task = None
        self._set_status(Status(ConnectionState.DISCONNECTED, url=self._status.url))

    def retry_now(self) -> None:
        """Skip the backoff wait; after an auth stop (or stop()), start again.

        Does nothing once the client gave up on an unreachable address
        (``Status.unreachable``): that takes a new start().
        """
        if self._task is not None and not self._task.done():
            self._wake.set()
        elif self._urls and not self._gave_up:
            self._spawn()

    def trust(self, fingerprint: str) -> None:
        """Pin ``fingerprint`` for the current server's host and port (the
        person compared it) and connect again."""
        url = self._status.url or (self._urls[0] if self._urls else None)
        if url is None:
            return
        self.pins.pin(*tls.endpoint(url), tls.parse_fingerprint(fingerprint))
        self._gave_up = False
        self.retry_now()

    def _spawn(self) -> None:
        self._backoff.reset()
        self._last_failure = None
        self._failed_attempts = 0
        self._ever_connected = False
        self._gave_up = False
        self._task = asyncio.get_running_loop().create_task(self._run(), name="roomcast-client")

    # -- sending -----------------------------------------------------------

    def send_message(self, content: str) -> OutboxEntry:
        """Queue a chat message in the outbox; it is sent now when connected."""
        entry = OutboxEntry(
            id="c-" + secrets.token_hex(8), content=content, state=SendState.PENDING
        )
        self._outbox[entry.id] = entry
        self._emit(self._on_outbox, entry)
        if self._ready:
            self._enqueue(entry)
        return entry

    def retry(self, message_id: str) -> None:
        """Send a FAILED message again (same id: PROTOCOL.md, message.id)."""
        entry = self._outbox.get(message_id)
        if entry is None or entry.state is not SendState.FAILED:
            log.warning("retry(%r): no failed message with that id", message_id)
            return
        if entry.frame is not None and not self._connected():
            return  # a frame is only sent on a live connection: it stays FAILED
        self._mark(entry, SendState.PENDING)
        if self._ready or entry.frame is not None:
            self._enqueue(entry)

    def send_typing(self) -> None:
        """An ephemeral typing hint; dropped when not connected to a Roomcast room."""
        if self._connected() and self._roomcast:
            self._put('{"type":"typing"}')

    def request_history(self, before: int | None, limit: int = DEFAULT_HISTORY_LIMIT) -> None:
        """Ask for older messages (PROTOCOL.md, history); the page arrives as a frame."""
        if not (self._connected() and self._roomcast):
            self._notice(
                Severity.WARNING,
                _t(
                    QT_TRANSLATE_NOOP(
                        "RoomClient", "Not connected to a Roomcast room: no history to load"
                    )
                ),
            )
            return
        self._put(HistoryRequest(before=before, limit=limit).serialize())

    def send_raw(self, payload: str | bytes) -> OutboxEntry | None:
        """Send one frame exactly as given: a str as a text frame, bytes as a
        binary frame (the composer's Text, JSON and Binary modes), in order
        with the messages queued before it. Its entry is PENDING until written
        (then SENT). None (and a notice) when not connected."""
        if not self._connected():
            self._notice(
                Severity.ERROR,
                _t(QT_TRANSLATE_NOOP("RoomClient", "Not connected: the frame was not sent")),
            )
            return None
        entry = OutboxEntry(
            id="f-" + secrets.token_hex(8), content="", state=SendState.PENDING, frame=payload
        )
        self._put(payload, entry)
        return entry

    def _connected(self) -> bool:
        return self._queue is not None and self._status.state is ConnectionState.CONNECTED

    def _put(self, text: str | bytes, entry: OutboxEntry | None = None) -> None:
        assert self._queue is not None
        self._queue.put_nowait((text, entry))

    def _enqueue(self, entry: OutboxEntry) -> None:
        if entry.frame is not None:
            self._outbox.pop(entry.id, None)  # in flight: not resent by a reconnect
            self._put(entry.frame, entry)
            return
        if self._roomcast:
            text = Post(content=entry.content, id=entry.id).serialize()
        else:  # the tutorial's shape, understood by most chat servers
            text = dumps({"type": "message", "content": entry.content})
        self._put(text, entry)

    # -- the task ----------------------------------------------------------

    async def _run(self) -> None:
        """The one task: catches everything, so nothing escapes into the loop."""
        try:
            await self._connect_loop()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("the connection task failed")
            text = _t(
                QT_TRANSLATE_NOOP("RoomClient", "The connection failed unexpectedly: {error}")
            ).format(error=repr(exc))
            self._notice(Severity.ERROR, text)
            self._set_status(Status(ConnectionState.DISCONNECTED, self._status.url, detail=text))

    async def _connect_loop(self) -> None:
        state = ConnectionState.CONNECTING
        while True:
            url = self._urls[self._url_index]
            detail = self._status.detail if state is ConnectionState.RECONNECTING else ""
            self._set_status(Status(state, url, attempt=self._backoff.attempt, detail=detail))
            failure, lasted = await self._attempt(url)
            self._report(failure)
            if failure.final:
                self._set_status(
                    Status(
                        ConnectionState.DISCONNECTED,
                        url,
                        detail=failure.text,
                        untrusted=failure.untrusted,
                    )
                )
                return
            if not self._ever_connected:
                self._failed_attempts += 1
                # Every URL of a failover list gets its turn at least once.
                limit = max(self._never_connected_attempts, len(self._urls))
                if self._failed_attempts >= limit:
                    self._give_up(url, failure)
                    return
            if lasted is not None and lasted >= self._backoff.stable_after:
                self._backoff.reset()
                self._quick = False
            state = ConnectionState.RECONNECTING
            if failure.immediate and lasted is not None and not self._quick:
                # PROTOCOL.md, Close codes: 1012 asks us back now, to the same
                # server, to resume (and get the reset, Epochs). Once: a server
                # that keeps closing so is then waited for like any other.
                self._quick = True
                self._set_status(Status(state, url, self._backoff.attempt, detail=failure.text))
                continue
            delay = self._backoff.next_delay()
            self._url_index = (self._url_index + 1) % len(self._urls)
            self._set_status(
                Status(state, url, self._backoff.attempt, retry_in=delay, detail=failure.text)
            )
            self._wake.clear()
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                pass

    def _give_up(self, url: str, failure: Failure) -> None:
        """The end of a start() that never got connected: DISCONNECTED, unreachable."""
        self._gave_up = True
        where = ", ".join(dict.fromkeys(host_port(u) for u in self._urls))
        text = _t(QT_TRANSLATE_NOOP("RoomClient", "Could not reach {where}: {reason}")).format(
            where=where, reason=failure.text
        )
        self._report(replace(failure, text=text))
        self._set_status(
            Status(
                ConnectionState.DISCONNECTED,
                url,
                attempt=self._failed_attempts,
                detail=text,
                unreachable=True,
            )
        )

    async def _attempt(self, url: str) -> tuple[Failure, float | None]:
        """One connection, start to end: (why it ended, seconds it was CONNECTED,
        None if it never was)."""
        options = self.options or ConnectionOptions(open_timeout=self._open_timeout)
        kwargs: dict[str, Any] = {}
        self._expected_pin, self._certificate_refusal = None, None
        if urlsplit(url).scheme.lower() == "wss":
            try:
                kwargs["ssl"] = self._tls_context(*tls.endpoint(url), options)
            except ValueError as exc:  # tls.TlsSetupError: an unreadable CA file
                return Failure(str(exc), Severity.ERROR, final=True), None
        if options.headers:
            kwargs["additional_headers"] = list(options.headers)
        if (
            options.subprotocols is None
            and not self._known_roomcast
            and urlsplit(url).path in ("", "/")
            and url not in self._probed
        ):
            self._probed.add(url)
            self._known_roomcast = await _probe(url, kwargs.get("ssl"), options.open_timeout)
        offered = self.offered(url, options)
        try:
            ws = await connect(
                with_query(url, options.query) if options.query else url,
                subprotocols=[Subprotocol(p) for p in offered] or None,
                open_timeout=options.open_timeout,
                ping_interval=options.ping_interval,
                ping_timeout=options.ping_timeout,
                max_size=MAX_INCOMING_BYTES,
                compression=None,
                close_timeout=CLOSE_TIMEOUT,
                create_connection=self._connection_class,
                **kwargs,
            )
        except Exception as exc:
            log.debug("connecting to %s failed", url, exc_info=True)
            if self._certificate_refusal is not None:
                return self._certificate_refusal, None
            if isinstance(exc, SSLCertVerificationError):
                return await self._untrusted(url, exc, options), None
            return describe_open_error(exc, url), None
        assert isinstance(ws, _Connection)
        self._ws = ws
        queue: asyncio.Queue[tuple[str | bytes, OutboxEntry | None]] = asyncio.Queue()
        self._queue = queue
        self._refusal = None
        self._connected_at = None
        writer = asyncio.get_running_loop().create_task(self._write(ws, queue))
        try:
            failure = await self._converse(
                ws, url, detect=not offered and options.subprotocols is None
            )
        finally:
            ws.flush()
            self._ws = None
            self._queue = None
            self._ready = self._roomcast = False
            self._replay_left = 0
            writer.cancel()
            await asyncio.wait([writer])
            self._unwritten(queue)
            try:
                await ws.close()
            except BaseException:
                ws.transport.abort()
                raise
        loop = asyncio.get_running_loop()
        lasted = None if self._connected_at is None else loop.time() - self._connected_at
        return failure, lasted

    def offered(self, url: str, options: ConnectionOptions | None = None) -> tuple[str, ...]:
        """The subprotocols to offer. Chosen in the options: those. Automatic:
        ``roomcast.v1`` where Roomcast is known to answer — a room path
        (``/r/NAME``: every invite and hosted room), a password to give, a
        server at ``/`` whose ``GET /healthz`` answered like Roomcast's
        (:func:`_probe`), or a server of this room that answered with a
        welcome before; nothing elsewhere, since servers on npm ``ws`` accept
        whatever is offered first and would relay our ``hello`` to everyone
        (:meth:`_converse` still finds a Roomcast server there by its
        unprompted welcome, PROTOCOL.md Joining)."""
        options = options or self.options
        if options is not None and options.subprotocols is not None:
            return options.subprotocols
        if self._known_roomcast or self.password or urlsplit(url).path.startswith("/r/"):
            return (SUBPROTOCOL,)
        return ()

    def _tls_context(self, host: str, port: int, options: ConnectionOptions) -> SSLContext | bool:
        """A pinned certificate: no verification here, the fingerprint is checked
        in :meth:`_check_certificate`. A CA file: the system's CAs and it."""
        pin = self.pins.get(host, port)
        if pin is not None:
            self._expected_pin, self._pin_where = pin, f"{host}:{port}"
            return tls.client_context(pinned=True)
        if options.ca_file:
            return tls.client_context(ca_file=options.ca_file)
        return self._ssl if self._ssl is not None else True

    def _check_certificate(self, transport: asyncio.BaseTransport) -> None:
        """Called after the TLS handshake, before the upgrade request is written."""
        expected = self._expected_pin
        ssl_object = transport.get_extra_info("ssl_object")
        if expected is None or ssl_object is None:
            return
        der = ssl_object.getpeercert(binary_form=True) or b""
        try:
            tls.check_pin(der, expected, self._pin_where)
        except tls.CertificateChanged as exc:
            self._certificate_refusal = Failure(str(exc), Severity.ERROR, final=True)
            assert isinstance(transport, asyncio.Transport)
            transport.abort()  # before a byte of the upgrade request is written

    async def _untrusted(
        self, url: str, exc: SSLCertVerificationError, options: ConnectionOptions
    ) -> Failure:
        """A certificate that failed verification: fetch it (no verification) to
        show its fingerprint, which the person may compare and pin."""
        host, port = tls.endpoint(url)
        try:
            der = await tls.peer_certificate(host, port, timeout=options.open_timeout)
        except Exception:
            log.debug("could not read the certificate of %s", url, exc_info=True)
            return describe_open_error(exc, url)
        reason = _SSL_NOISE.sub("", tls.verification_reason(exc)).strip()
        refusal = tls.UntrustedCertificate(f"{host}:{port}", tls.fingerprint(der), reason)
        return Failure(str(refusal), Severity.ERROR, final=True, untrusted=tls.fingerprint(der))

    async def _recv(self, ws: _Connection, url: str) -> None:
        """Read, show, and let the control frames that came after it follow."""
        self._dispatch(classify(await ws.recv()), url)
        ws.message_done()

    async def _converse(self, ws: _Connection, url: str, *, detect: bool) -> Failure:
        """Join (PROTOCOL.md, Joining), then read until the connection ends."""
        try:
            first: Incoming | None = None
            if ws.subprotocol == SUBPROTOCOL:
                await ws.send(self._hello().serialize())
                try:
                    async with asyncio.timeout(self._welcome_timeout):
                        first = classify(await ws.recv())
                except TimeoutError:
                    log.info("%s sent no welcome: treating it as a foreign server", url)
            elif detect:
                first = await self._detect(ws, url)
            # A Roomcast server always accepts roomcast.v1, so one that does not is
            # foreign; one built on npm `ws` echoes the subprotocol, hence the welcome.
            if first is not None and isinstance(first.frame, Error):
                # Refused before joining: wrong password, name taken, bad name.
                self._emit(self._on_frame, first)
                self._refusal = Failure(
                    _t(QT_TRANSLATE_NOOP("RoomClient", "Refused by the server: {reason}")).format(
                        reason=first.frame.message
                    ),
                    Severity.ERROR,
                    True,
                )
                return self._refusal
            if first is None or not isinstance(first.frame, Welcome):
                self._become_connected(url, roomcast=False)
            if first is not None:
                self._dispatch(first, url)
                ws.message_done()
            while True:
                await self._recv(ws, url)
        except ConnectionClosed:
            pass
        if self._refusal is not None:
            return self._refusal
        close = ws.protocol.close_rcvd
        return describe_close(close.code, close.reason) if close else describe_close(None, "")

    async def _detect(self, ws: _Connection, url: str) -> Incoming | None:
        """Offered no subprotocol to a server not known to be Roomcast: a Roomcast
        server greets such a client with a welcome as ``guest-N`` at once
        (PROTOCOL.md, Joining). Then say ``hello``, which takes the place of
        the guest membership, and join as ourselves; the welcome that answers
        it is returned. Anything else first is a foreign server's frame."""
        # The handshake succeeded: the server answered (not one to give up
        # on, NEVER_CONNECTED_ATTEMPTS) and the connection is up, whatever
        # it turns out to be.
        self._ever_connected = True
        if self._connected_at is None:
            self._connected_at = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(DETECT_TIMEOUT):
                first = classify(await ws.recv())
        except TimeoutError:
            return None
        if not isinstance(first.frame, Welcome):
            return first
        ws.message_done()  # the guest's welcome: not ours to show
        log.info("%s greeted us as a Roomcast server: joining with hello", url)
        self._known_roomcast = True
        await ws.send(self._hello().serialize())
        try:
            async with asyncio.timeout(self._welcome_timeout):
                while True:
                    answer = classify(await ws.recv())
                    if isinstance(answer.frame, Welcome | Error):
                        return answer
                    # Sent to the guest before our hello was read; the
                    # welcome's replay has the room's messages.
                    ws.message_done()
        except TimeoutError:
            log.info("%s did not answer our hello: treating it as a foreign server", url)
            return None

    def _unwritten(self, queue: asyncio.Queue[tuple[str | bytes, OutboxEntry | None]]) -> None:
        """The connection ended: frames sent as they are and not written yet
        (queued, or being written when it ended) failed; chat messages stay
        PENDING in the outbox, to be resent."""
        left = [self._in_flight]
        self._in_flight = None
        while not queue.empty():
            left.append(queue.get_nowait()[1])
        for entry in left:
            if entry is not None and entry.frame is not None:
                self._outbox[entry.id] = entry  # so that retry() finds it
                self._mark(
                    entry,
                    SendState.FAILED,
                    _t(QT_TRANSLATE_NOOP("RoomClient", "the connection closed before it was sent")),
                )

    def _hello(self) -> Hello:
        """PROTOCOL.md, hello: the token keeps our name, since resumes the room,
        epoch says which history since belongs to (Epochs)."""
        self._since_sent = self._last_seq if self._joined else None
        return Hello(
            name=self.name or self._you,
            password=self.password,
            since=self._since_sent,
            token=self._token,
            client=self._client_name,
            epoch=(self._epoch or None) if self._since_sent is not None else None,
        )

    async def _write(
        self, ws: ClientConnection, queue: asyncio.Queue[tuple[str | bytes, OutboxEntry | None]]
    ) -> None:
        """Write queued frames in order; foreign servers' messages are SENT once written."""
        try:
            while True:
                text, entry = await queue.get()
                # Being written: if the connection ends now, _unwritten says so.
                self._in_flight = entry
                await ws.send(text)
                self._in_flight = None
                if entry is not None and (entry.frame is not None or not self._roomcast):
                    self._mark(entry, SendState.SENT)
        except ConnectionClosed:
            pass  # the reader sees the close and reports it
        except Exception as exc:
            log.exception("sending failed")
            self._notice(
                Severity.ERROR,
                _t(QT_TRANSLATE_NOOP("RoomClient", "Sending failed unexpectedly: {error}")).format(
                    error=repr(exc)
                ),
            )
            ws.transport.abort()

    # -- frames ------------------------------------------------------------

    def _dispatch(self, incoming: Incoming, url: str) -> None:
        """Update state from a frame, then show it (once; duplicates are dropped)."""
        frame = incoming.frame
        if isinstance(frame, Welcome):
            self._on_welcome(frame, url)
        elif self._roomcast and isinstance(frame, ChatMessage):
            if not self._on_message(frame):
                return  # PROTOCOL.md, Order and scope: a seq we already have
        elif self._roomcast and isinstance(frame, Presence):
            members = [m for m in self._status.members if m != frame.name]
            if frame.event == "join":
                members.append(frame.name)
            self._set_status(replace(self._status, members=tuple(members)))
        elif self._roomcast and isinstance(frame, Error):
            entry = self._outbox.get(frame.ref) if frame.ref else None
            if entry is not None and entry.state is SendState.PENDING:
                self._mark(entry, SendState.FAILED, frame.message or frame.code)
            if frame.code == "unauthorized":
                self._refusal = Failure(
                    _t(QT_TRANSLATE_NOOP("RoomClient", "Refused by the server: {reason}")).format(
                        reason=frame.message
                    ),
                    Severity.ERROR,
                    True,
                )
        self._emit(self._on_frame, incoming)

    def _on_welcome(self, welcome: Welcome, url: str) -> None:
        self._token, self._you = welcome.token, welcome.you
        # PROTOCOL.md, Epochs: the history our seq belongs to is gone (the
        # server says so, or names another epoch). Its seqs mean nothing now:
        # start from 0, so that the replay (as for since 0) and the messages
        # after it are taken, not dropped as seqs already seen.
        reset = welcome.reset or bool(
            self._epoch and welcome.epoch and welcome.epoch != self._epoch
        )
        self._epoch = welcome.epoch
        if reset:
            log.info(
                "room %s: history reset (epoch %s, %d messages follow)",
                welcome.room,
                welcome.epoch or "?",
                welcome.replay,
            )
            self._last_seq = 0
            self._emit(self._on_reset, welcome)
        if self._since_sent is None:
            # Every later message is above welcome.seq (Order and scope), so a
            # resume after this must ask from here, even for an empty room.
            self._last_seq = max(self._last_seq, welcome.seq)
        self._joined = True
        if welcome.truncated:
            self._notice(
                Severity.WARNING,
                _t(
                    QT_TRANSLATE_NOOP(
                        "RoomClient",
                        "Some messages were missed while disconnected: "
                        "the room no longer keeps them",
                    )
                ),
            )
        self._replay_left = welcome.replay
        self._known_roomcast = True
        self._become_connected(url, roomcast=True, welcome=welcome)

    def _on_message(self, message: ChatMessage) -> bool:
        """Acknowledge, count the replay, keep last_seq; False for a duplicate."""
        entry = self._outbox.pop(message.id, None)
        if entry is not None:
            entry.seq = message.seq
            self._mark(entry, SendState.SENT)
        fresh = message.seq > self._last_seq
        self._last_seq = max(self._last_seq, message.seq)
        if self._replay_left > 0:
            self._replay_left -= 1
            if self._replay_left == 0:
                self._become_ready()
        return fresh

    def _become_connected(
        self, url: str, *, roomcast: bool, welcome: Welcome | None = None
    ) -> None:
        loop = asyncio.get_running_loop()
        if self._connected_at is None:
            self._connected_at = loop.time()
        self._roomcast = roomcast
        self._last_failure = None
        self._ever_connected = True
        self._set_status(
            Status(
                ConnectionState.CONNECTED,
                url,
                roomcast=roomcast,
                room=welcome.room if welcome else None,
                you=welcome.you if welcome else None,
                members=welcome.members if welcome else (),
            )
        )
        if self._replay_left == 0 or not roomcast:
            self._become_ready()

    def _become_ready(self) -> None:
        """PROTOCOL.md, Delivery promise: after welcome and replay, resend PENDING."""
        if self._ready:
            return
        self._ready = True
        for entry in list(self._outbox.values()):
            if entry.state is SendState.PENDING:
                self._enqueue(entry)

    # -- reporting ---------------------------------------------------------

    def _mark(self, entry: OutboxEntry, state: SendState, error: str | None = None) -> None:
        entry.state, entry.error = state, error
        if state is SendState.SENT:
            self._outbox.pop(entry.id, None)
        self._emit(self._on_outbox, entry)

    def _set_status(self, status: Status) -> None:
        if status != self._status:
            self._status = status
            self._emit(self._on_status, status)

    def _report(self, failure: Failure) -> None:
        """A notice per failure, but not the same text again and again while retrying."""
        log.log(int(failure.severity), "%s", failure.text)
        if failure.text != self._last_failure:
            self._last_failure = failure.text
            self._emit(self._on_notice, Notice(failure.severity, failure.text))

    def _notice(self, severity: Severity, text: str) -> None:
        log.log(int(severity), "%s", text)
        self._emit(self._on_notice, Notice(severity, text))

    def _emit(self, callback: Callable[[_T], None], value: _T) -> None:
        try:
            callback(value)
        except Exception:
            log.exception("a RoomClient callback failed (%r)", callback)
