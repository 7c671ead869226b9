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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from ssl import SSLContext, SSLError
from typing import Any, Final, Literal, TypeVar
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidStatus,
)
from websockets.typing import Subprotocol

from desktop.links import host_port, room_key, validate_url
from desktop.rows import SendState
from server import __version__
from server.defaults import HOST_STOPPED_REASON
from server.errors import ProtocolError
from server.notices import Notice, Severity
from server.protocol import (
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


@dataclass(frozen=True)
class Incoming:
    """One frame as it arrived, classified (ARCHITECTURE.md, Foreign servers)."""

    kind: Literal["roomcast", "json", "text", "binary"]
    raw: str | bytes
    frame: ServerFrame | None = None
    data: object = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(eq=False)
class OutboxEntry:
    """A message of ours: PENDING until acknowledged (SENT) or refused (FAILED)."""

    id: str
    content: str
    state: SendState
    error: str | None = None
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a connection attempt failed or a connection ended."""

    text: str
    severity: Severity = Severity.WARNING
    #: Do not reconnect (PROTOCOL.md, Close codes: 1008; error code unauthorized).
    final: bool = False
    #: Reconnect at once, without the backoff wait (Close codes: 1012).
    immediate: bool = False


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


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for ``pyside6-lupdate`` (which looks for this name)
    without importing Qt here: the client stays Qt-free."""
    return text


#: Turns a marked text into the user's language: the GUI sets this to
#: ``QCoreApplication.translate`` (desktop/i18n.py); headless it changes nothing.
def _untranslated(context: str, text: str) -> str:
    return text


translate: Callable[[str, str], str] = _untranslated


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
        backoff: Backoff | None = None,
        open_timeout: float = 10.0,
        welcome_timeout: float = 3.0,
        client_name: str = f"roomcast/{__version__}",
        ssl: SSLContext | None = None,
        never_connected_attempts: int = NEVER_CONNECTED_ATTEMPTS,
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
        self._queue: asyncio.Queue[tuple[str, OutboxEntry | None]] | None = None
        self._roomcast = False
        self._ready = False
        self._replay_left = 0
        self._since_sent: int | None = None
        self._refusal: Failure | None = None
        self._connected_at: float | None = None
        # An immediate reconnect (1012) was made and no connection has been
        # stable since: the next one waits like any other.
        self._quick = False

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
        self._mark(entry, SendState.PENDING)
        if self._ready:
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

    def send_raw(self, text: str) -> None:
        """Send a text frame as it is (raw JSON mode, foreign servers)."""
        if not self._connected():
            self._notice(
                Severity.ERROR,
                _t(QT_TRANSLATE_NOOP("RoomClient", "Not connected: the frame was not sent")),
            )
            return
        self._put(text)

    def _connected(self) -> bool:
        return self._queue is not None and self._status.state is ConnectionState.CONNECTED

    def _put(self, text: str, entry: OutboxEntry | None = None) -> None:
        assert self._queue is not None
        self._queue.put_nowait((text, entry))

    def _enqueue(self, entry: OutboxEntry) -> None:
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
                self._set_status(Status(ConnectionState.DISCONNECTED, url, detail=failure.text))
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
        kwargs: dict[str, Any] = {}
        if self._ssl is not None and url.lower().startswith("wss:"):
            kwargs["ssl"] = self._ssl
        try:
            ws = await connect(
                url,
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                open_timeout=self._open_timeout,
                max_size=MAX_INCOMING_BYTES,
                compression=None,
                close_timeout=CLOSE_TIMEOUT,
                **kwargs,
            )
        except Exception as exc:
            log.debug("connecting to %s failed", url, exc_info=True)
            return describe_open_error(exc, url), None
        queue: asyncio.Queue[tuple[str, OutboxEntry | None]] = asyncio.Queue()
        self._queue = queue
        self._refusal = None
        self._connected_at = None
        writer = asyncio.get_running_loop().create_task(self._write(ws, queue))
        try:
            failure = await self._converse(ws, url)
        finally:
            self._queue = None
            self._ready = self._roomcast = False
            self._replay_left = 0
            writer.cancel()
            await asyncio.wait([writer])
            try:
                await ws.close()
            except BaseException:
                ws.transport.abort()
                raise
        loop = asyncio.get_running_loop()
        lasted = None if self._connected_at is None else loop.time() - self._connected_at
        return failure, lasted

    async def _converse(self, ws: ClientConnection, url: str) -> Failure:
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
            async for data in ws:
                self._dispatch(classify(data), url)
        except ConnectionClosed:
            pass
        if self._refusal is not None:
            return self._refusal
        close = ws.protocol.close_rcvd
        return describe_close(close.code, close.reason) if close else describe_close(None, "")

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
        self, ws: ClientConnection, queue: asyncio.Queue[tuple[str, OutboxEntry | None]]
    ) -> None:
        """Write queued frames in order; foreign servers' messages are SENT once written."""
        try:
            while True:
                text, entry = await queue.get()
                await ws.send(text)
                if entry is not None and not self._roomcast:
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
