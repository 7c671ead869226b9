"""Foreign WebSocket servers that record every frame they receive (issue #16).

Both are real ``websockets`` servers on 127.0.0.1, port 0, run as async
context managers that yield a handle; they stand in for servers that are not
Roomcast's, so the inspector's tests can check the bytes on the wire.

- :func:`auth_echo_server` proves the connection options: it refuses the
  handshake with HTTP 401 unless ``Authorization: Bearer <token>`` is sent,
  with HTTP 400 unless one of its subprotocols is offered, and records the
  request path, query string and headers. It echoes every data frame exactly
  (text as text, binary as binary), so each send mode's bytes can be verified
  on the server side.
- :func:`control_server` proves the frames the inspector shows: on connect it
  sends a ping, a binary frame that is not UTF-8, a text frame and a binary
  frame that is UTF-8 JSON (:data:`CONTROL_FRAMES`, in this order), waits for
  the pong, then closes with :data:`CLOSE_CODE` and :data:`CLOSE_REASON` when
  the client sends ``"bye"`` or the test calls :meth:`ControlHandle.close_all`.

Rules:

- Each handle records every frame as a :class:`Received` ``(opcode, payload)``,
  control frames too (RFC 6455 §5.5): a ``ServerConnection`` subclass sees
  them in ``process_event``, before websockets answers pings or drops them.
  Payloads are the exact unmasked bytes (after permessage-deflate, which
  websockets negotiates by default); text is its UTF-8; a close frame's
  payload is the 2-byte code and the reason (RFC 6455 §5.5.1); a fragmented
  message shows as its frames (``"continuation"`` after the first).
- Neither server sends keepalive pings (``ping_interval=None``), so every
  pong recorded answers a ping the test or the client chose to send.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NamedTuple
from urllib.parse import parse_qs

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import Event
from websockets.typing import Subprotocol

from tests.helpers import WAIT

OpcodeName = Literal["continuation", "text", "binary", "close", "ping", "pong"]

_OPCODE_NAMES: dict[Opcode, OpcodeName] = {
    Opcode.CONT: "continuation",
    Opcode.TEXT: "text",
    Opcode.BINARY: "binary",
    Opcode.CLOSE: "close",
    Opcode.PING: "ping",
    Opcode.PONG: "pong",
}
_DATA: frozenset[OpcodeName] = frozenset({"continuation", "text", "binary"})

DEFAULT_TOKEN = "s3cret"
DEFAULT_SUBPROTOCOLS: tuple[str, ...] = ("chat.v2",)
#: The 401 body; RFC 6750 §3 also asks for a WWW-Authenticate header.
UNAUTHORIZED_BODY = "missing or wrong Authorization\n"

#: What the control server sends on connect, in order.
PING_PAYLOAD = b"hello-ping"
NON_UTF8 = bytes(range(256)) + b"\xff\xfe"
TEXT = "Grüße — plain text, not JSON"
JSON_BINARY = b'{"type":"message","content":"Hello, Server!"}'
#: The text a client sends to make the control server close.
BYE = "bye"
CLOSE_CODE = 4000
CLOSE_REASON = "done here"


class Received(NamedTuple):
    """One frame as it arrived: compares equal to a plain ``(opcode, payload)``."""

    opcode: OpcodeName
    payload: bytes


CONTROL_FRAMES: tuple[Received, ...] = (
    Received("ping", PING_PAYLOAD),
    Received("binary", NON_UTF8),
    Received("text", TEXT.encode()),
    Received("binary", JSON_BINARY),
)


@dataclass
class Record:
    """One handshake and the frames received on its connection."""

    #: The request target without its query string, e.g. ``"/"`` or ``"/feed"``.
    path: str
    #: The raw query string after ``?`` (``""`` when there is none), not decoded.
    query: str
    #: All request headers, in order (``headers.raw_items()``); lookups ignore case.
    headers: Headers
    #: The response status: 101 when accepted, 400 or 401 when refused.
    status: int | None = None
    #: The negotiated subprotocol, ``None`` when none was.
    subprotocol: str | None = None
    frames: list[Received] = field(default_factory=list)

    @property
    def params(self) -> dict[str, list[str]]:
        """The query string decoded, blank values kept."""
        return parse_qs(self.query, keep_blank_values=True)

    @property
    def data_frames(self) -> list[Received]:
        return [f for f in self.frames if f.opcode in _DATA]


class Handle:
    """What a foreign server received, for the test to assert on."""

    def __init__(self) -> None:
        self.url = ""  # ws://127.0.0.1:PORT, set once the server listens
        #: Accepted connections, in handshake order.
        self.connections: list[Record] = []
        #: Refused handshakes (401, 400), in order.
        self.refused: list[Record] = []
        #: Every frame of every connection, in arrival order.
        self.received: list[Received] = []
        #: Set when any pong arrives.
        self.pong_received = asyncio.Event()
        self._arrived = asyncio.Event()

    @property
    def data_frames(self) -> list[Received]:
        return [f for f in self.received if f.opcode in _DATA]

    async def wait_frames(self, n: int, timeout: float = WAIT) -> list[Received]:
        """Wait until ``n`` data frames arrived in total; returns all data frames."""
        async with asyncio.timeout(timeout):
            while len(self.data_frames) < n:
                self._arrived.clear()
                await self._arrived.wait()
        return self.data_frames

    def note(self, record: Record, frame: Frame) -> None:
        """Keep one frame a connection received (called by the connection)."""
        received = Received(_OPCODE_NAMES[frame.opcode], bytes(frame.data))
        record.frames.append(received)
        self.received.append(received)
        if received.opcode == "pong":
            self.pong_received.set()
        self._arrived.set()


class _RecordingConnection(ServerConnection):
    """Records the request and every frame into ``handle`` (bound per server)."""

    handle: ClassVar[Handle]
    record: Record | None = None

    def process_event(self, event: Event) -> None:
        is_request = self.request is None
        super().process_event(event)
        if is_request:
            assert self.request is not None
            path, _, query = self.request.path.partition("?")
            self.record = Record(path, query, self.request.headers)
        elif isinstance(event, Frame) and self.record is not None:
            self.handle.note(self.record, event)

    def record_response(self, response: Response) -> None:
        if self.record is None:
            return
        self.record.status = response.status_code
        self.record.subprotocol = response.headers.get("Sec-WebSocket-Protocol")
        accepted = self.record.status == http.HTTPStatus.SWITCHING_PROTOCOLS
        (self.handle.connections if accepted else self.handle.refused).append(self.record)


def _record_response(ws: ServerConnection, request: Request, response: Response) -> None:
    # process_response runs before the response is sent: once the client has
    # seen it, the record is in place.
    assert isinstance(ws, _RecordingConnection)
    ws.record_response(response)


@contextlib.asynccontextmanager
async def _serving(
    handle: Handle, handler: Callable[[ServerConnection], Awaitable[None]], **kwargs: Any
) -> AsyncIterator[Server]:
    class Connection(_RecordingConnection):
        pass

    Connection.handle = handle
    async with serve(
        handler,
        "127.0.0.1",
        0,
        create_connection=Connection,
        process_response=_record_response,
        ping_interval=None,
        **kwargs,
    ) as server:
        handle.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        yield server


async def _echo(ws: ServerConnection) -> None:
    # str comes back as a text frame, bytes as a binary one: exactly as received.
    async for message in ws:
        await ws.send(message)


@contextlib.asynccontextmanager
async def auth_echo_server(
    *,
    token: str = DEFAULT_TOKEN,
    subprotocols: Sequence[str] = DEFAULT_SUBPROTOCOLS,
    require_subprotocol: bool = True,
) -> AsyncIterator[Handle]:
    """An echo server behind a bearer token and a subprotocol; yields its handle.

    Without ``Authorization: Bearer <token>`` the handshake gets 401. With
    ``require_subprotocol``, a client offering none of ``subprotocols`` gets
    websockets' own 400 ("missing subprotocol" / "invalid subprotocol");
    otherwise it is accepted without one.
    """
    handle = Handle()

    def check_token(ws: ServerConnection, request: Request) -> Response | None:
        # Exactly one Authorization header, with exactly this value.
        if request.headers.get_all("Authorization") == [f"Bearer {token}"]:
            return None
        response = ws.respond(http.HTTPStatus.UNAUTHORIZED, UNAUTHORIZED_BODY)
        response.headers["WWW-Authenticate"] = 'Bearer realm="foreign"'
        return response

    def lenient(ws: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
        return next((Subprotocol(s) for s in subprotocols if s in offered), None)

    async with _serving(
        handle,
        _echo,
        process_request=check_token,
        subprotocols=[Subprotocol(s) for s in subprotocols],
        # None keeps websockets' ServerProtocol.select_subprotocol: 400 on no match.
        select_subprotocol=None if require_subprotocol else lenient,
    ):
        yield handle


class ControlHandle(Handle):
    """The control server's handle: also closes every open connection on demand."""

    def __init__(self) -> None:
        super().__init__()
        self.server: Server | None = None

    async def close_all(self, code: int = CLOSE_CODE, reason: str = CLOSE_REASON) -> None:
        """Close every open connection with this code and reason (the closing handshake)."""
        assert self.server is not None
        await asyncio.gather(*(ws.close(code, reason) for ws in self.server.connections))


async def _control(ws: ServerConnection) -> None:
    with contextlib.suppress(ConnectionClosed):
        pong = await ws.ping(PING_PAYLOAD)
        for frame in CONTROL_FRAMES[1:]:
            await ws.send(frame.payload.decode() if frame.opcode == "text" else frame.payload)
        # A client that never answers is the test's to notice (pong_received).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(pong, WAIT)
        async for message in ws:
            if message == BYE:
                await ws.close(CLOSE_CODE, CLOSE_REASON)


@contextlib.asynccontextmanager
async def control_server() -> AsyncIterator[ControlHandle]:
    """A server that sends :data:`CONTROL_FRAMES` on connect; yields its handle."""
    handle = ControlHandle()
    async with _serving(handle, _control) as server:
        handle.server = server
        yield handle
