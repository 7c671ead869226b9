"""The WebSocket server's I/O: one compact ``asyncio.Protocol`` per connection
around ``websockets``' sans-I/O :class:`~websockets.server.ServerProtocol`.

Why not ``websockets.asyncio.server``: a room server spends nearly all of its
time fanning one frame out to many members. The asyncio layer frames every
``send`` again for each connection and writes it at once, one system call
per frame and member, and holds a reader task, queues and futures for every
connection (about 14.5 KB idle). Here the RFC 6455 work stays in
``websockets`` (handshake, frame parsing, ``max_size``, ping answers, the
closing handshake); this module only moves bytes, and moves them in bulk:

* a broadcast frame is encoded once (:func:`encode_text`); server frames are
  unmasked, so every member gets the same bytes;
* data frames for a connection are queued and written once per event-loop
  turn, so a member that gets ten frames in a turn costs one ``send``;
* frames that may wait (presence) are queued *lazily*: they go out with the
  connection's next urgent write, or within ``lazy_delay``, whichever comes
  first. Order is kept (one queue per connection); only the timing changes,
  so a thousand clients joining at once cost a few writes per member instead
  of a thousand;
* keepalive is one sweep per server, not a timer per connection.

Idle connections are kept small (issue 20: a small host should hold 100,000
idle members). Most of what ``websockets`` keeps per connection is its
parser: a ``ServerProtocol`` with a dictionary of some twenty fields, a
stream reader, three suspended generators, the handshake request, a UUID;
about 1.7 KB. Between two frames it holds nothing that a fresh
``Protocol`` would not hold too, so a connection whose parser is *at rest*
(OPEN, nothing half-read, no fragmented message under way) drops it
(``protocol`` is None: "hibernating") and makes a fresh one when it next
needs one (data arrives, or a close frame goes out; about 12 µs). It drops
it after a read that leaves it at rest, as long as the connection has read
fewer than :data:`BUSY_READS` times in the current keepalive interval (the
handshake, the hello, a pong to our keepalive: then it goes quiet), and
at the keepalive sweep when the peer was silent for a whole interval. A busy
connection keeps its parser, so a chatty one costs at most a few fresh
parsers per interval. Our own pings need no parser: they are one constant
frame (:data:`PING_FRAME`).

The state rules, in one place (``ServerProtocol.state`` is the truth)::

    CONNECTING --101 sent--> OPEN --close frame sent or received--> CLOSING
    CONNECTING --other response sent, or open_timeout--> TCP closed
    CLOSING --peer closes TCP, or close_timeout--> CLOSED  (connection_lost)

* Data frames are queued only in OPEN and written only in OPEN: frames still
  queued when a close frame goes out are dropped (RFC 6455 5.5.1: no data
  after a Close frame). :meth:`Connection.close` writes the queue *before*
  its close frame, so that an ``error`` sent just before closing arrives.
* Control frames (pong, close) are written at once; they may overtake queued
  data frames, which RFC 6455 5.4 allows.
* When ``websockets`` asks for the end of the stream (server side, after the
  closing handshake or a failure) the TCP connection is half-closed, and
  aborted if the peer has not closed its side within ``close_timeout``
  (RFC 6455 7.1.1: the server closes the TCP connection first).
* Text messages are assembled from fragments here and must be UTF-8
  (1007 otherwise, RFC 6455 8.1); ``max_size`` bounds the whole message.
* A connection silent for ``ping_interval`` gets a ping; if it is still
  silent ``ping_timeout`` later, it is failed with 1011. Any data counts as
  a sign of life, not only the pong.

Flow control (what no peer can make the server hold):

* A connection's unsent bytes (queued here plus the transport's buffer) may
  not pass ``max_buffer``: a write that would is refused and the connection
  failed with 1013 (``Handler.buffer_full``), before anything is queued.
* Past ``read_high_water`` unsent bytes the server stops *reading* from the
  connection (asyncio's ``pause_writing`` tells us): a peer that does not
  read cannot make us answer more (pongs, history pages). Reading resumes
  when the transport drains below ``read_low_water``, and the application
  is told (``Handler.drained``), so it can send the next page of a replay.
* Control frames count: the pongs and closes websockets writes for us are
  in the same transport buffer, checked after every read.
* Round trip: our pings (keepalive, and :meth:`Connection.ping` when the
  host's view asks) carry :data:`PING_PAYLOAD`; the pong that echoes it
  (RFC 6455 5.5.3) gives :attr:`Connection.rtt`. Until it comes,
  :attr:`Connection.waiting` grows: a peer that stopped reading shows that,
  not a stale round trip. One ping is out at a time.
* Pings from the peer: ``ping_rate`` per second, bursts of ``ping_burst``;
  beyond, 1008 (each costs a parse and a pong, and no client needs more).
* A fragmented message may have at most ``max_fragments`` frames (empty
  continuation frames cost memory without counting against ``max_size``):
  1009 beyond.
* A close reason is cut to 123 bytes at a UTF-8 boundary (RFC 6455 5.5:
  control frames carry at most 125 bytes).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
import struct
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from websockets.datastructures import Headers
from websockets.frames import CloseCode, Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import CLOSED, CONNECTING, OPEN, Side, State
from websockets.protocol import Protocol as Parser
from websockets.server import ServerProtocol
from websockets.typing import BytesLike, Subprotocol

from . import defaults

log = logging.getLogger("roomcast.wire")

OP_TEXT, OP_BINARY, OP_CONT = Opcode.TEXT, Opcode.BINARY, Opcode.CONT
OP_PING, OP_PONG = Opcode.PING, Opcode.PONG
#: What an upgraded connection's spent request holds instead of its headers (see
#: Connection._handshake); shared, and never written.
_NO_HEADERS = Headers()
#: What our pings carry, so that an unsolicited pong (RFC 6455 5.5.3 allows
#: them as heartbeats) is not taken for the answer.
PING_PAYLOAD = b"rc"
#: Our ping as it goes out (RFC 6455 5.5.2: FIN, opcode 0x9, unmasked, the
#: payload length, the payload): written as is, so pinging a hibernating
#: connection costs it no parser.
PING_FRAME = bytes((0x89, len(PING_PAYLOAD))) + PING_PAYLOAD
#: Reads in one keepalive interval after which a connection counts as busy
#: and keeps its parser until the next interval (see the module docstring).
BUSY_READS = 4

#: websockets logs "connection open/closed" at INFO for every connection; a
#: room server with thousands of them keeps that at WARNING unless debugging.
_ws_log = logging.getLogger("websockets.server")
#: What a lost connection's ``protocol`` becomes: one shared parser in CLOSED
#: state. Nothing is ever written to it, because every path that writes
#: checks for OPEN (or CONNECTING) first.
_LOST = Parser(Side.SERVER, state=CLOSED, logger=_ws_log)
#: What ``_paused_by`` is when reading is not paused (an empty set costs 216
#: bytes a connection; the empty frozenset is one shared object).
_NOT_PAUSED: frozenset[str] = frozenset()

SelectSubprotocol = Callable[[ServerProtocol, Sequence[Subprotocol]], Subprotocol | None]


@functools.lru_cache(maxsize=4096)
def _shared_path(path: str) -> str:
    """One string per request path in use, not one per connection (a room's
    members share it; issue 20). Bounded: past 4,096 paths some are copies."""
    return path


def close_reason(reason: str) -> str:
    """``reason`` cut to the 123 bytes a close frame has room for (RFC 6455 5.5),
    at a UTF-8 character boundary."""
    data = reason.encode()
    if len(data) <= 123:
        return reason
    return data[:123].decode(errors="ignore")


def encode_text(payload: bytes) -> bytes:
    """One unmasked, final text frame (RFC 6455 5.2), as a server sends it."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload


class Handler(Protocol):
    """What the application (``app.RoomServer``) answers to. No method is async."""

    def connection_made(self, conn: Connection) -> Response | None:
        """A TCP connection was accepted: an HTTP response to send at once and
        close (a per-address cap, counting half-open handshakes), or None."""
        ...

    def connection_lost(self, conn: Connection) -> None:
        """Every TCP connection's end, upgraded or not."""
        ...

    def process_request(self, conn: Connection, request: Request) -> Response | None:
        """An HTTP response to send instead of the upgrade, or None to accept."""
        ...

    def connection_open(self, conn: Connection) -> None: ...

    def text_received(self, conn: Connection, text: str) -> None: ...

    def binary_received(self, conn: Connection, data: bytes) -> None: ...

    def buffer_full(self, conn: Connection, unsent: int) -> None:
        """More than ``max_buffer`` bytes wait to be sent to this connection."""
        ...

    def connection_closed(self, conn: Connection) -> None:
        """Called once for every connection that was open, when its TCP connection ends."""
        ...

    def drained(self, conn: Connection) -> None:
        """The connection's unsent bytes fell below the low-water mark again."""
        ...

    def handler_failed(self, conn: Connection, exc: Exception) -> None:
        """A handler method raised: report it (the connection is closed with 1011)."""
        ...


class Connection(asyncio.Protocol):
    """One client connection. The application sends through it and keeps its
    own per-connection state in :attr:`context`."""

    __slots__ = (
        "_fragment_text",
        "_fragments",
        "_lazy",
        "_over",
        "_paused_by",
        "_ping_at",
        "_ping_stamp",
        "_ping_tokens",
        "_pinged",
        "_queued",
        "_queued_bytes",
        "_reads",
        "_timer",
        "_urgent",
        "_write_paused",
        "context",
        "path",
        "protocol",
        "rtt",
        "server",
        "subprotocol",
        "transport",
    )

    def __init__(self, server: WireServer) -> None:
        self.server = server
        #: websockets' parser: a ServerProtocol until the handshake is done;
        #: None while the connection hibernates (OPEN, parser at rest: see the
        #: module docstring); ``_LOST`` once the TCP connection is gone.
        self.protocol: Parser | None = ServerProtocol(
            select_subprotocol=server.select_subprotocol,
            max_size=server.max_size,
            logger=_ws_log,
        )
        self.transport: asyncio.Transport | None = None
        #: The request path, known once the connection is open: "" until then,
        #: which is how the server tells upgraded connections from the others
        #: (no request path is empty).
        self.path = ""
        self.subprotocol: Subprotocol | None = None
        #: The application's state for this connection.
        self.context: Any = None
        self._queued: list[bytes] | None = None
        self._queued_bytes = 0
        #: The peer's ping budget (token bucket: ping_rate, ping_burst). Full,
        #: and stamped at 0.0 (long ago: the first refill tops it up anyway),
        #: so that an idle connection holds the shared floats, not two of its own.
        self._ping_tokens = server.ping_burst
        self._ping_stamp = 0.0
        #: A write was refused for passing max_buffer (the handler was told).
        self._over = False
        #: Why reading is paused: "app" (the application asked), "flow" (the
        #: peer does not read what we send). Reading resumes when neither holds.
        self._paused_by = _NOT_PAUSED
        #: Above the transport's high-water mark (asyncio.Protocol.pause_writing).
        self._write_paused = False
        #: Is this connection on the server's list for the next urgent / lazy flush?
        self._urgent = False
        self._lazy = False
        self._fragments: list[BytesLike] | None = None
        self._fragment_text = False
        #: Reads since the last keepalive sweep (counted up to BUSY_READS): 0
        #: for a whole interval means silence, and a ping.
        self._reads = 0
        self._pinged = False
        #: Loop time our ping went out; 0.0 when none is waiting for its pong.
        self._ping_at = 0.0
        #: The last round trip (seconds) of a ping of ours; None before one.
        self.rtt: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    # -- what the application calls ----------------------------------------

    @property
    def open(self) -> bool:
        protocol = self.protocol
        return protocol is None or protocol.state is OPEN

    @property
    def hibernating(self) -> bool:
        """Open, with no parser held (see the module docstring)."""
        return self.protocol is None

    @property
    def writable(self) -> bool:
        """Below the high-water mark: more may be sent without waiting."""
        return not self._write_paused

    def send_text(self, payload: bytes) -> None:
        """Queue one text message (UTF-8 ``payload``) for the end of this turn."""
        self.send_frames(encode_text(payload))

    def send_frames(self, frames: bytes, *, lazy: bool = False) -> None:
        """Queue already-encoded frames, e.g. a broadcast's, shared by many connections.

        They are written at the end of this loop turn; ``lazy`` ones may wait
        up to the server's ``lazy_delay`` for company.
        """
        protocol = self.protocol
        if protocol is not None and protocol.state is not OPEN:
            return
        unsent = self.unsent + len(frames)
        if unsent > self.server.max_buffer:
            # Refused before it is queued: the peer is this far behind. The
            # handler hears it at the next step of the loop (not in the middle
            # of a broadcast over the room's members); until it closes the
            # connection, nothing more is queued for it.
            if not self._over:
                self._over = True
                self.server.loop.call_soon(self._call, self.server.handler.buffer_full, unsent)
            return
        self._queued_bytes += len(frames)
        if self._queued is None:
            self._queued = [frames]
        else:
            self._queued.append(frames)
        if lazy:
            if not self._lazy:
                self._lazy = True
                self.server._mark_lazy(self)
        elif not self._urgent:
            self._urgent = True
            self.server._mark_urgent(self)

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Write what is queued, then the close frame; idempotent."""
        if self.open:
            self._write_queued()
            self._awake().send_close(code, close_reason(reason))
            self._write_protocol_output()
        elif self.state is CONNECTING and self.transport is not None:
            self.transport.close()  # not a WebSocket yet: nothing to say first

    def fail(self, code: int, reason: str) -> None:
        """Close at once, dropping what is queued (RFC 6455 7.1.7)."""
        self._queued = None
        self._queued_bytes = 0
        if self.open:
            self._awake().fail(code, close_reason(reason))
            self._write_protocol_output()

    def ping(self) -> None:
        """Send a ping to measure the round trip, unless one is out already."""
        if self.open and not self._ping_at and self.transport is not None:
            # A control frame may go between queued data frames (RFC 6455 5.4).
            self.transport.write(PING_FRAME)
            self._ping_at = self.server.loop.time()

    @property
    def state(self) -> State:
        """The WebSocket state (RFC 6455 4, 7): websockets' parser's, or OPEN
        while hibernating."""
        protocol = self.protocol
        return OPEN if protocol is None else protocol.state

    @property
    def waiting(self) -> float:
        """Seconds our ping has waited for its pong (0.0 when none is out)."""
        return self.server.loop.time() - self._ping_at if self._ping_at else 0.0

    def pause_reading(self, why: str = "app") -> None:
        if not self._paused_by and self.transport is not None and not self.transport.is_closing():
            self.transport.pause_reading()
        self._paused_by = self._paused_by | {why}

    def resume_reading(self, why: str = "app") -> None:
        self._paused_by = self._paused_by - {why}
        if not self._paused_by and self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()

    @property
    def unsent(self) -> int:
        """Bytes queued here and in the transport, not yet taken by the kernel."""
        transport = self.transport
        buffered = transport.get_write_buffer_size() if transport is not None else 0
        return self._queued_bytes + buffered

    @property
    def remote(self) -> str:
        peer = self.transport.get_extra_info("peername") if self.transport else None
        return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "?"

    def respond(self, status: int, text: str) -> Response:
        """A plain-text HTTP response, for :meth:`Handler.process_request`."""
        return self._handshaking().reject(status, text)

    # -- asyncio.Protocol ----------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not subclass asyncio.Transport; they quack alike.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.set_write_buffer_limits(
            high=self.server.read_high_water, low=self.server.read_low_water
        )
        self.server._all.add(self)
        refusal = self.server.handler.connection_made(self)
        if refusal is not None:
            self._handshaking().send_response(refusal)
            self._write_protocol_output()
            return
        if self.server.open_timeout is not None:
            self._timer = self.server.loop.call_later(self.server.open_timeout, self._expire)

    def data_received(self, data: bytes) -> None:
        reads = self._reads
        if reads < BUSY_READS:
            self._reads = reads + 1
        self._pinged = False
        protocol = self._awake()
        try:
            protocol.receive_data(data)
        except EOFError:  # data after the end of the stream: nothing to do
            return
        events = protocol.events_received()
        if self._too_many_pings(events):
            # Not one more pong: websockets queued one per ping already.
            protocol.data_to_send()
            self.fail(CloseCode.POLICY_VIOLATION, "too many pings")
            return
        self._write_protocol_output()
        if protocol.state is OPEN and self.transport is not None:
            # Pongs and closes websockets wrote count too (a ping flood).
            unsent = self.unsent
            if unsent > self.server.max_buffer:
                self._call(self.server.handler.buffer_full, unsent)
                return
        control_only = True
        for event in events:
            if type(event) is Frame:
                if event.opcode is OP_TEXT or event.opcode is OP_BINARY or event.opcode is OP_CONT:
                    control_only = False
                self._frame(event)
            else:
                assert isinstance(event, Request)
                self._handshake(event)
        if control_only or reads < BUSY_READS:
            # The handshake, a hello, a pong to our keepalive: then most
            # connections go quiet (see the module docstring).
            self._hibernate()

    def _too_many_pings(self, events: list[Any]) -> bool:
        """A peer may ping, not flood: each ping costs a parse and a pong
        (issue 14, 3). A token bucket of ``ping_rate``/``ping_burst``."""
        pings = sum(1 for e in events if type(e) is Frame and e.opcode is OP_PING)
        if not pings:
            return False
        now = self.server.loop.time()
        rate, burst = self.server.ping_rate, self.server.ping_burst
        self._ping_tokens = min(burst, self._ping_tokens + (now - self._ping_stamp) * rate)
        self._ping_stamp = now
        self._ping_tokens -= pings
        return self._ping_tokens < 0

    def pause_writing(self) -> None:
        """The transport holds more than ``read_high_water``: stop reading the
        peer until it reads what we sent (see Flow control)."""
        self._write_paused = True
        self.pause_reading("flow")

    def resume_writing(self) -> None:
        self._write_paused = False
        self.resume_reading("flow")
        if self.open:
            self._call(self.server.handler.drained)

    def eof_received(self) -> bool | None:
        self._awake().receive_eof()  # idempotent; fails the connection if OPEN
        self._write_protocol_output()
        return None  # let the transport close

    def connection_lost(self, exc: Exception | None) -> None:
        was_open = bool(self.path)
        self.protocol = _LOST
        self._queued = None
        self._fragments = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.server._lost(self)
        if was_open:
            self.server.handler.connection_closed(self)
        self.server.handler.connection_lost(self)

    # -- inside --------------------------------------------------------------

    def _handshaking(self) -> ServerProtocol:
        """The parser while the opening handshake is under way."""
        protocol = self.protocol
        assert isinstance(protocol, ServerProtocol), "the handshake is over"
        return protocol

    def _awake(self) -> Parser:
        """The parser; a fresh one if the connection was hibernating (a fresh
        parser at rest is exactly the one that was dropped)."""
        protocol = self.protocol
        if protocol is None:
            protocol = self.protocol = Parser(
                Side.SERVER, state=OPEN, max_size=self.server.max_size, logger=_ws_log
            )
        return protocol

    def _hibernate(self) -> None:
        """Drop the parser if it is at rest: OPEN, nothing half-read (a frame
        cut between two reads), no fragmented message under way, nothing
        parsed or to write that was not taken. Our subprotocol and every
        limit live here, not in it; websockets negotiates no extension for us."""
        protocol = self.protocol
        if (
            protocol is not None
            and protocol.state is OPEN
            and not protocol.reader.buffer
            and protocol.current_size is None
            and not protocol.events
            and not protocol.writes
            and self._fragments is None
        ):
            self.protocol = None

    def _handshake(self, request: Request) -> None:
        server = self.server
        protocol = self._handshaking()
        try:
            response = server.handler.process_request(self, request)
        except Exception:
            log.exception("process_request failed for %s", request.path)
            response = protocol.reject(500, "Internal server error.\n")
        if response is None:
            response = protocol.accept(request)
        if server.server_header:
            response.headers["Server"] = server.server_header
        protocol.send_response(response)
        self._write_protocol_output()
        if protocol.state is not OPEN:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.path = _shared_path(request.path)
        self.subprotocol = protocol.subprotocol
        # websockets' parser generator keeps its `request` local for the rest of
        # the connection (ServerProtocol.parse goes on to parse frames): 3.2 KB
        # of headers per idle connection (issue 20). Nothing reads them after the
        # handshake, so the request is emptied, for as long as that parser is
        # kept (until the connection first hibernates).
        request.headers = _NO_HEADERS
        self._call(server.handler.connection_open)

    def _frame(self, frame: Frame) -> None:
        opcode = frame.opcode
        if opcode is OP_TEXT or opcode is OP_BINARY:
            if frame.fin:
                self._message(opcode is OP_TEXT, frame.data)
            else:
                self._fragments = [frame.data]
                self._fragment_text = opcode is OP_TEXT
        elif opcode is OP_CONT:
            fragments = self._fragments
            assert fragments is not None  # ServerProtocol checks the sequence
            if len(fragments) >= self.server.max_fragments:
                self._fragments = None
                self.fail(CloseCode.MESSAGE_TOO_BIG, "too many fragments in one message")
                return
            fragments.append(frame.data)
            if frame.fin:
                self._fragments = None
                self._message(self._fragment_text, b"".join(fragments))
        elif opcode is OP_PONG:
            self._pinged = False
            if self._ping_at and frame.data == PING_PAYLOAD:
                self.rtt = self.server.loop.time() - self._ping_at
                self._ping_at = 0.0

    def _message(self, text: bool, data: BytesLike) -> None:
        if not self.open:
            return  # closing: what the peer still sends is dropped (RFC 6455 1.4)
        handler = self.server.handler
        if not text:
            self._call(handler.binary_received, bytes(data))
            return
        try:
            decoded = str(data, "utf-8")
        except UnicodeDecodeError as exc:
            self.fail(CloseCode.INVALID_DATA, f"{exc.reason} at position {exc.start}")
            return
        self._call(handler.text_received, decoded)

    def _call(self, method: Callable[..., None], *args: Any) -> None:
        try:
            method(self, *args)
        except Exception as exc:
            self._queued = None
            self.server.handler.handler_failed(self, exc)
            self.close(CloseCode.INTERNAL_ERROR, "unexpected server error")

    def _write_queued(self) -> None:
        queued, self._queued = self._queued, None
        self._queued_bytes = 0
        if queued and self.open and self.transport is not None:
            self.transport.write(queued[0] if len(queued) == 1 else b"".join(queued))

    def _write_protocol_output(self) -> None:
        transport = self.transport
        protocol = self.protocol
        assert transport is not None
        assert protocol is not None
        for data in protocol.data_to_send():
            if data:
                transport.write(data)
            elif transport.can_write_eof():
                # End of stream: half-close, and keep reading (websockets
                # discards it) until the peer closes, so that unread data
                # does not turn our close frame into a TCP reset.
                transport.write_eof()
            else:  # TLS cannot half-close
                transport.close()
        if protocol.close_expected() and self._timer is None:
            self._timer = self.server.loop.call_later(self.server.close_timeout, self._expire)

    def _expire(self) -> None:
        """open_timeout or close_timeout ran out: drop the TCP connection."""
        self._timer = None
        if self.transport is not None:
            self.transport.abort()


class WireServer:
    """Listens, owns every :class:`Connection`, flushes their queues each turn."""

    def __init__(
        self,
        handler: Handler,
        *,
        select_subprotocol: SelectSubprotocol | None = None,
        max_size: int | None = 2**20,
        max_buffer: int = defaults.MAX_BUFFER,
        open_timeout: float | None = defaults.OPEN_TIMEOUT,
        ping_interval: float | None = defaults.PING_INTERVAL,
        ping_timeout: float | None = defaults.PING_TIMEOUT,
        close_timeout: float = defaults.CLOSE_TIMEOUT,
        read_high_water: int = defaults.READ_HIGH_WATER,
        read_low_water: int = defaults.READ_LOW_WATER,
        max_fragments: int = defaults.MAX_FRAGMENTS,
        ping_rate: float = defaults.PING_RATE,
        ping_burst: float = defaults.PING_BURST,
        lazy_delay: float = 0.05,
        server_header: str | None = None,
    ) -> None:
        self.handler = handler
        self.select_subprotocol = select_subprotocol
        self.max_size = max_size
        self.max_buffer = max_buffer
        self.open_timeout = open_timeout
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.close_timeout = close_timeout
        self.read_high_water = read_high_water
        self.read_low_water = read_low_water
        self.max_fragments = max_fragments
        self.ping_rate = ping_rate
        self.ping_burst = ping_burst
        self.lazy_delay = lazy_delay
        self.server_header = server_header
        self.loop = asyncio.get_running_loop()
        self._server: asyncio.Server | None = None
        #: Every TCP connection (those past the handshake have a ``path``).
        self._all: set[Connection] = set()
        self._urgent: list[Connection] = []
        self._lazy: list[Connection] = []
        self._flush_handle: asyncio.Handle | None = None
        self._lazy_handle: asyncio.TimerHandle | None = None
        #: Writes of queued data frames so far (tests and benchmarks count them).
        self.writes = 0
        self._keepalive_handle: asyncio.TimerHandle | None = None
        self._drained: asyncio.Event | None = None

    async def listen(
        self, host: str | None, port: int, *, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        """Bind and accept; raises OSError like ``loop.create_server``."""
        self._server = await self.loop.create_server(
            lambda: Connection(self),
            host,
            port,
            ssl=ssl_context,
            # Thousands of clients may connect at once (a restart, a benchmark).
            backlog=1024,
        )
        if self.ping_interval is not None:
            self._keepalive_handle = self.loop.call_later(self.ping_interval, self._keepalive)

    @property
    def sockets(self) -> tuple[Any, ...]:
        return tuple(self._server.sockets) if self._server is not None else ()

    @property
    def connections(self) -> frozenset[Connection]:
        """Connections past the opening handshake and not yet lost."""
        return frozenset(conn for conn in self._all if conn.path)

    async def close(self, code: int = 1001, reason: str = "") -> None:
        """Stop listening, close every connection with ``code``, wait for them."""
        if self._keepalive_handle is not None:
            self._keepalive_handle.cancel()
            self._keepalive_handle = None
        if self._server is not None:
            self._server.close()
        for conn in list(self._all):
            conn.close(code, reason)
        if self._all:
            self._drained = asyncio.Event()
            # Every connection has a close_timeout timer that aborts it; this
            # bound only guards against a transport that never reports back.
            try:
                async with asyncio.timeout(self.close_timeout + 1.0):
                    await self._drained.wait()
            except TimeoutError:
                log.warning("%d connection(s) did not close in time", len(self._all))
        if self._lazy_handle is not None:
            self._lazy_handle.cancel()
            self._lazy_handle = None
        if self._server is not None:
            await self._server.wait_closed()

    # -- inside --------------------------------------------------------------

    def _mark_urgent(self, conn: Connection) -> None:
        self._urgent.append(conn)
        if self._flush_handle is None:
            self._flush_handle = self.loop.call_soon(self._flush)

    def _mark_lazy(self, conn: Connection) -> None:
        self._lazy.append(conn)
        if self._lazy_handle is None:
            self._lazy_handle = self.loop.call_later(self.lazy_delay, self._flush_lazy)

    def _flush(self) -> None:
        """Write each connection's queued frames in one go (once per loop turn)."""
        self._flush_handle = None
        conns, self._urgent = self._urgent, []
        for conn in conns:
            conn._urgent = False
            self._write(conn)

    def _flush_lazy(self) -> None:
        self._lazy_handle = None
        conns, self._lazy = self._lazy, []
        for conn in conns:
            conn._lazy = False
            self._write(conn)

    def _write(self, conn: Connection) -> None:
        if conn._queued is None:
            return  # written already, by the other flush or by close()
        # No max_buffer check here: send_frames refused anything that would
        # pass it, and writing only moves bytes from our queue to the transport.
        conn._write_queued()
        self.writes += 1

    def _lost(self, conn: Connection) -> None:
        self._all.discard(conn)
        if not self._all and self._drained is not None:
            self._drained.set()

    def _keepalive(self) -> None:
        """Ping the connections that were silent for a whole interval (and let
        them drop their parser: see the module docstring)."""
        assert self.ping_interval is not None
        self._keepalive_handle = self.loop.call_later(self.ping_interval, self._keepalive)
        pinged: list[Connection] = []
        for conn in self._all:
            if not conn.path:
                continue  # still handshaking: open_timeout watches it
            if conn._reads:
                conn._reads = 0
            elif conn.open and not conn._pinged:
                conn._hibernate()
                conn._pinged = True
                conn.ping()  # none if the host's view has one out: that one counts
                pinged.append(conn)
        if pinged and self.ping_timeout is not None:
            self.loop.call_later(self.ping_timeout, self._ping_deadline, pinged)

    def _ping_deadline(self, pinged: list[Connection]) -> None:
        for conn in pinged:
            if conn._pinged and conn.open:
                conn.fail(CloseCode.INTERNAL_ERROR, "keepalive ping timeout")
