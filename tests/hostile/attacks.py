"""Attackers: raw sockets that do only what an attacker does, and count what the server answered.

Run in a process of their own, so that their work never delays the honest
clients' clock (the hostile tests and ``bench/abuse.py`` start one per kind)::

    python -m tests.hostile.attacks history --url ws://127.0.0.1:PORT/r/busy \\
        --source 127.0.1.1 --count 3 --seconds 5

It prints one JSON line ``{"event": "started", ...}`` when the attack is
under way and one ``{"event": "result", ...}`` at the end: a :class:`Tally`
of what the server answered (HTTP statuses before the upgrade, close codes
and reasons, error codes) and the kind's own counts.

Every attacker connects from a loopback address of its own choosing
(``--source``, e.g. ``127.0.1.1`` or ``127.0.1.1+50`` for fifty consecutive
addresses, used round-robin), so that per-address limits can be shown to
bite on the attacker while honest clients, from other addresses, keep
chatting. Kinds (``--count`` is the number of attacking slots):

``history``  hello, then ``--frames`` ``{"type":"history","limit":200}`` frames,
             all in one TCP write; never reads.
``replay``   hello with ``since: 0``; never reads.
``ping``     hello, then pings with 125-byte payloads as fast as the socket
             takes them (at most ``--max-bytes`` per connection); never reads.
``sink``     hello in a busy room; never reads.
``halfopen`` TCP connections that send half of a handshake request.
``reconnect`` loops: connect, hello (same name, with its token), ``--burst``
             messages in one write, read the answers briefly, close, again.
``guess``    loops: connect, hello with a wrong password, read the verdict, again.
``rooms``    joins room after room (``/r/PREFIX-N``), posts one message in
             each and keeps the connection.
``names``    joins one room under name after name and keeps each connection
             (reading and discarding what it is sent).
``lookalike`` tries each ``--name`` in the room once; reports what each got.

The never-reading kinds shrink their receive buffer (``SO_RCVBUF`` 4 KiB)
so the kernel holds little for them: what piles up, piles up in the server.
With ``--repeat`` a slot that the server closed connects again and repeats
its attack until ``--seconds`` are over (a persistent attacker); without it,
each slot attacks once and holds its connection until the end. Loops are
bounded by ``--seconds``; every socket is closed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import resource
import socket
import struct
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import WebSocketURI, parse_uri
from websockets.utils import apply_mask

from roomcast.server.protocol import SUBPROTOCOL

#: TCP states (include/net/tcp_states.h) as TCP_INFO reports them.
TCP_ESTABLISHED = 1
#: The receive buffer of a never-reading attacker: the kernel keeps little for it.
SMALL_RCVBUF = 4096
#: A mask key for hand-built client frames (RFC 6455 5.3: any key will do).
MASK = b"\x5a\xa5\x3c\xc3"


def addresses(spec: str) -> list[str]:
    """``127.0.1.1``, ``127.0.1.1+50`` (fifty from there) or a comma-separated list."""
    out: list[str] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        first, _, count = part.partition("+")
        start = ipaddress.IPv4Address(first)
        for i in range(int(count) if count else 1):
            out.append(str(start + i))
    return out


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """One final client frame, masked (RFC 6455 5.2), built by hand."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return head + MASK + apply_mask(payload, MASK)


def text(obj: dict[str, Any]) -> bytes:
    return masked_frame(0x1, json.dumps(obj, separators=(",", ":")).encode())


def close_at_end(tail: bytes) -> tuple[int, str] | None:
    """(code, reason) of the unmasked close frame the stream ends with, if it does."""
    for n in range(126):
        if len(tail) >= n + 2 and tail[-(n + 2)] == 0x88 and tail[-(n + 1)] == n:
            payload = tail[len(tail) - n :] if n else b""
            if n == 0:
                return 1005, ""
            if n >= 2:
                return int.from_bytes(payload[:2], "big"), payload[2:].decode(errors="replace")
    return None


def tcp_state(sock: Any) -> int:
    """The kernel's TCP state of a socket: 1 while established; else the peer
    closed (CLOSE_WAIT) or reset (CLOSE) it. Works while unread data waits."""
    try:
        return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0])
    except OSError:
        return 0


@dataclass
class Tally:
    """What one attack did and what the server answered."""

    kind: str
    #: TCP connections attempted, and those the kernel refused or reset at once.
    connections: int = 0
    tcp_failed: int = 0
    #: The server's answer to each handshake: "101", "429", "503", ..., or
    #: "closed" (the connection ended without an answer), "timeout".
    statuses: Counter[str] = field(default_factory=Counter)
    retry_after: Counter[str] = field(default_factory=Counter)
    #: Close frames the server sent ("1013"...), "eof" (closed without one),
    #: "reset"; and one reason per code, as an example.
    closes: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, str] = field(default_factory=dict)
    #: Error frames by code (too_many, rate_limited, unauthorized...).
    errors: Counter[str] = field(default_factory=Counter)
    error_messages: dict[str, str] = field(default_factory=dict)
    #: Attacker connections open at once (past the handshake; TCP for halfopen).
    held: int = 0
    held_peak: int = 0
    #: Connections still held when the attack ended (never closed by the server).
    held_at_end: int = 0
    #: Seconds from the first connection to the end, and this process's CPU seconds.
    seconds: float = 0.0
    cpu_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def hold(self, delta: int) -> None:
        self.held += delta
        self.held_peak = max(self.held_peak, self.held)

    def closed(self, code: int | str, reason: str = "") -> None:
        key = str(code)
        self.closes[key] += 1
        if reason and key not in self.reasons:
            self.reasons[key] = reason[:200]

    def error(self, frame: dict[str, Any]) -> None:
        code = str(frame.get("code"))
        self.errors[code] += 1
        self.error_messages.setdefault(code, str(frame.get("message", ""))[:200])

    def json(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it rebuilds a Counter from (key, count) pairs.
        return {k: dict(v) if isinstance(v, Counter) else v for k, v in vars(self).items()}


class Raw:
    """One raw WebSocket client connection from a chosen source address.

    websockets' sans-I/O ClientProtocol builds the handshake and parses what
    arrives; frames are written only when the attack writes them.
    """

    def __init__(self, url: str, source: str, *, subprotocol: bool = True, rcvbuf: int = 0):
        self.uri: WebSocketURI = parse_uri(url)
        self.source = source
        self.rcvbuf = rcvbuf
        self.proto = ClientProtocol(
            self.uri,
            subprotocols=[Subprotocol(SUBPROTOCOL)] if subprotocol else None,
            max_size=None,
        )
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.response: Response | None = None
        self.close_code: int | None = None
        self.close_reason = ""
        self.eof = False

    async def open(self, timeout: float = 10.0) -> str:
        """Connect and handshake: "101", another status, "closed" or "timeout".
        Raises OSError when the TCP connection itself fails."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if self.rcvbuf:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
            sock.bind((self.source, 0))
            sock.setblocking(False)
            loop = asyncio.get_running_loop()
            async with asyncio.timeout(timeout):
                await loop.sock_connect(sock, (self.uri.host, self.uri.port))
        except BaseException:
            sock.close()
            raise
        self.reader, self.writer = await asyncio.open_connection(sock=sock, limit=1 << 20)
        self.proto.send_request(self.proto.connect())
        self.flush()
        try:
            async with asyncio.timeout(timeout):
                while self.response is None and not self.eof:
                    for event in await self._read():
                        if isinstance(event, Response):
                            self.response = event
        except TimeoutError:
            return "timeout"
        if self.response is None:
            return "closed"
        return str(self.response.status_code)

    @property
    def sock(self) -> Any:
        return self.writer.get_extra_info("socket") if self.writer is not None else None

    @property
    def alive(self) -> bool:
        """Established, as far as the kernel knows (no FIN or RST from the server)."""
        return self.writer is not None and not self.eof and tcp_state(self.sock) == TCP_ESTABLISHED

    def queue(self, obj: dict[str, Any]) -> None:
        self.proto.send_text(json.dumps(obj, separators=(",", ":")).encode())

    def flush(self) -> None:
        """Write everything queued so far in one TCP write."""
        assert self.writer is not None
        data = b"".join(self.proto.data_to_send())
        if data:
            self.writer.write(data)

    async def _read(self) -> list[Any]:
        assert self.reader is not None
        try:
            data = await self.reader.read(1 << 20)
        except (ConnectionError, OSError):
            data = b""
            self.eof = True
        if not data:
            self.eof = True
            self.proto.receive_eof()
        else:
            self.proto.receive_data(data)
        self.proto.data_to_send()  # our pongs and close replies: dropped
        events = self.proto.events_received()
        for event in events:
            if isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                close = Close.parse(event.data) if event.data else None
                self.close_code = close.code if close else 1005
                self.close_reason = close.reason if close else ""
        return events

    async def frames(
        self, until: float, stop: Callable[[dict[str, Any]], bool] | None = None
    ) -> list[dict[str, Any]]:
        """JSON frames as they arrive, until ``until`` (monotonic), EOF, a close
        frame, or ``stop(frame)`` is true for one."""
        out: list[dict[str, Any]] = []
        try:
            while not self.eof and self.close_code is None:
                remaining = until - time.monotonic()
                if remaining <= 0:
                    break
                async with asyncio.timeout(remaining):
                    events = await self._read()
                for event in events:
                    if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                        with contextlib.suppress(ValueError):
                            frame = json.loads(event.data)
                            out.append(frame)
                            if stop is not None and stop(frame):
                                return out
        except TimeoutError:
            pass
        return out

    def stop_reading(self) -> None:
        """Leave what the server sends in the kernel (and in the server): never read."""
        if self.writer is not None:
            self.writer.transport.pause_reading()

    async def verdict(self, seconds: float = 3.0) -> str:
        """After never reading: read (without parsing) what is left, for at most
        ``seconds``. The server's close code when the stream ends with a close
        frame, "eof" when it ends without one, "reset", or "open" (still
        sending, or silent: not closed)."""
        if self.close_code is not None:
            return str(self.close_code)
        if self.eof:
            return "eof"
        assert self.reader is not None and self.writer is not None
        with contextlib.suppress(Exception):
            self.writer.transport.resume_reading()
        tail = b""
        try:
            async with asyncio.timeout(seconds):
                while data := await self.reader.read(1 << 20):
                    tail = (tail + data)[-256:]
        except TimeoutError:
            return "open"
        except (ConnectionError, OSError):
            return "reset"
        self.eof = True
        found = close_at_end(tail)
        if found is None:
            return "eof"
        self.close_code, self.close_reason = found
        return str(found[0])

    def abort(self) -> None:
        if self.writer is not None:
            transport = self.writer.transport
            with contextlib.suppress(Exception):
                transport.abort()


def record_open(tally: Tally, status: str, raw: Raw) -> None:
    tally.statuses[status] += 1
    if raw.response is not None and raw.response.status_code != 101:
        retry = raw.response.headers.get("Retry-After")
        if retry is not None:
            tally.retry_after[retry] += 1


async def connect(tally: Tally, url: str, source: str, **kwargs: Any) -> Raw | None:
    """Open a raw connection and record the answer; the Raw when upgraded, else None."""
    raw = Raw(url, source, **kwargs)
    tally.connections += 1
    try:
        status = await raw.open()
    except (OSError, TimeoutError):
        tally.tcp_failed += 1
        return None
    record_open(tally, status, raw)
    if status != "101":
        raw.abort()
        return None
    return raw


async def hold_until_closed(tally: Tally, raw: Raw, deadline: float) -> bool:
    """Never read; poll the kernel's TCP state until the server closes us or the
    deadline passes. Then read what is left to learn the server's answer (a
    server that failed us with 1013 behind a full window only resets the TCP
    connection after its close timeout; one that paused us sends nothing).
    True when the server closed the connection."""
    raw.stop_reading()
    tally.hold(+1)
    try:
        while time.monotonic() < deadline and raw.alive:
            await asyncio.sleep(0.1)
        code = await raw.verdict()
        tally.hold(-1)
        if code == "open":
            tally.held_at_end += 1
            return False
        tally.closed(code, raw.close_reason)
        return True
    finally:
        raw.abort()


@dataclass
class Options:
    url: str
    sources: list[str]
    count: int
    seconds: float
    repeat: bool
    password: str | None
    frames: int
    limit: int
    burst: int
    max_bytes: int
    concurrency: int
    prefix: str
    names: list[str]
    pause: float

    def source(self, i: int) -> str:
        return self.sources[i % len(self.sources)]

    def hello(self, **fields: Any) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": "hello", **fields}
        if self.password is not None:
            frame.setdefault("password", self.password)
        return frame

    def room_url(self, room: str) -> str:
        uri = parse_uri(self.url)
        return f"ws://{uri.host}:{uri.port}/r/{room}"


Attack = Callable[[Options, Tally, float], Awaitable[None]]


async def slots(
    opts: Options,
    tally: Tally,
    deadline: float,
    one: Callable[[int], Awaitable[bool]],
    *,
    loop: bool = False,
) -> None:
    """Run ``one(slot)`` for every slot; again (after ``pause``) while time is
    left, if ``loop`` (the looping kinds) or ``--repeat``. ``one`` returns
    False to stop that slot."""

    async def run(i: int) -> None:
        while time.monotonic() < deadline:
            go_on = await one(i)
            if not (loop or opts.repeat) or not go_on:
                return
            if opts.pause:
                await asyncio.sleep(opts.pause)

    await asyncio.gather(*(run(i) for i in range(opts.count)))


# ---- the never-reading kinds ---------------------------------------------------


async def _send_and_never_read(
    opts: Options, tally: Tally, deadline: float, frames: Callable[[], list[dict[str, Any]]]
) -> None:
    """Each slot: connect with a tiny receive buffer, write ``frames()`` in one
    TCP write, then never read (until the server closes or time is up)."""

    async def one(i: int) -> bool:
        raw = await connect(tally, opts.url, opts.source(i), rcvbuf=SMALL_RCVBUF)
        if raw is None:
            return True
        for frame in frames():
            raw.queue(frame)
        raw.flush()
        await hold_until_closed(tally, raw, deadline)
        return True

    await slots(opts, tally, deadline, one)


async def attack_history(opts: Options, tally: Tally, deadline: float) -> None:
    """hello, then ``opts.frames`` history requests, and never read."""

    def frames() -> list[dict[str, Any]]:
        tally.extra["requests"] = tally.extra.get("requests", 0) + opts.frames
        return [opts.hello()] + [{"type": "history", "limit": opts.limit}] * opts.frames

    await _send_and_never_read(opts, tally, deadline, frames)


async def attack_replay(opts: Options, tally: Tally, deadline: float) -> None:
    """A resume from seq 0 (the whole retained history), never read."""
    await _send_and_never_read(opts, tally, deadline, lambda: [opts.hello(since=0)])


async def attack_sink(opts: Options, tally: Tally, deadline: float) -> None:
    """A member that joins and never reads what the room sends it."""
    await _send_and_never_read(opts, tally, deadline, lambda: [opts.hello()])


async def attack_ping(opts: Options, tally: Tally, deadline: float) -> None:
    ping = masked_frame(0x9, b"p" * 125)
    chunk = ping * 8000  # about 1 MiB of pings per write
    tally.extra["bytes_written"] = 0

    async def one(i: int) -> bool:
        raw = await connect(tally, opts.url, opts.source(i), rcvbuf=SMALL_RCVBUF)
        if raw is None:
            return True
        raw.queue(opts.hello())
        raw.flush()
        raw.stop_reading()
        assert raw.writer is not None
        transport = raw.writer.transport
        written = 0
        tally.hold(+1)
        try:
            # As fast as the socket takes them; when the server stops reading
            # us, keep one chunk waiting (our own buffer stays small).
            while time.monotonic() < deadline and raw.alive:
                if written < opts.max_bytes and transport.get_write_buffer_size() < len(chunk):
                    transport.write(chunk)
                    written += len(chunk)
                    await asyncio.sleep(0)
                else:
                    await asyncio.sleep(0.02)
            tally.extra["bytes_written"] += written - transport.get_write_buffer_size()
            code = await raw.verdict()
            tally.hold(-1)
            if code == "open":
                tally.held_at_end += 1
            else:
                tally.closed(code, raw.close_reason)
        finally:
            raw.abort()
        return True

    await slots(opts, tally, deadline, one)


# ---- half-open handshakes ----------------------------------------------------------


async def attack_halfopen(opts: Options, tally: Tally, deadline: float) -> None:
    """``count`` TCP connections that each send half of a handshake request and
    wait. With ``--repeat``, one the server closes is replaced by a new one."""
    uri = parse_uri(opts.url)
    half = (
        f"GET {uri.resource_name} HTTP/1.1\r\nHost: {uri.host}:{uri.port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    live: list[socket.socket] = []
    closed_after: list[float] = []
    started = time.monotonic()
    opened_at: dict[int, float] = {}

    def ended(sock: socket.socket, head: bytes) -> None:
        if head.startswith(b"HTTP/1.1 "):
            tally.statuses[head[9:12].decode(errors="replace")] += 1
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"retry-after:"):
                    tally.retry_after[line.split(b":", 1)[1].strip().decode()] += 1
        else:
            tally.statuses["closed"] += 1
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    async def open_one(i: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tally.connections += 1
        try:
            sock.bind((opts.source(i), 0))
            sock.setblocking(False)
            async with asyncio.timeout(max(0.1, min(5.0, deadline - time.monotonic()))):
                await loop.sock_connect(sock, (uri.host, uri.port))
                await loop.sock_sendall(sock, half)
        except (OSError, TimeoutError):
            tally.tcp_failed += 1
            sock.close()
            return
        opened_at[id(sock)] = time.monotonic()
        live.append(sock)

    # Open them in waves of 200: the listen backlog is finite, and so is patience.
    for wave in range(0, opts.count, 200):
        await asyncio.gather(*(open_one(i) for i in range(wave, min(opts.count, wave + 200))))
        if time.monotonic() >= deadline:
            break
    opened = time.monotonic()
    tally.extra["open_s"] = round(opened - started, 2)
    timeline: list[tuple[float, int]] = []
    n = opts.count
    while True:
        now = time.monotonic()
        still: list[socket.socket] = []
        gone = 0
        for sock in live:
            if tcp_state(sock) == TCP_ESTABLISHED:
                still.append(sock)
                continue
            closed_after.append(now - opened_at.pop(id(sock), now))
            head = b""
            with contextlib.suppress(OSError):
                head = sock.recv(256)
            ended(sock, head)
            gone += 1
        live[:] = still
        tally.held = len(live)
        tally.held_peak = max(tally.held_peak, len(live))
        timeline.append((round(now - opened, 2), len(live)))
        if now >= deadline:
            break
        if opts.repeat and gone:
            await asyncio.gather(*(open_one(n + k) for k in range(gone)))
            n += gone
        await asyncio.sleep(min(0.25, max(0.0, deadline - time.monotonic())))
    tally.held_at_end = len(live)
    for sock in live:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    # How many were still open at a few points after the last connect.
    marks = (0.5, 1, 2, 3, 5, 10, 20, 30)
    tally.extra["open_after_s"] = {
        f"{t:g}": k for t, k in timeline if t == 0.0 or any(abs(t - m) < 0.13 for m in marks)
    }
    tally.extra["closed_by_server"] = len(closed_after)
    if closed_after:
        tally.extra["closed_within_1s"] = sum(1 for d in closed_after if d <= 1.0)
        tally.extra["median_close_s"] = round(sorted(closed_after)[len(closed_after) // 2], 2)


# ---- loops -------------------------------------------------------------------------


async def attack_reconnect(opts: Options, tally: Tally, deadline: float) -> None:
    """Reconnect forever under one name per slot, posting a burst each time."""
    acked: dict[str, list[tuple[str, int]]] = {}
    posted: Counter[str] = Counter()
    tokens: dict[int, str] = {}

    async def one(i: int) -> bool:
        name = f"{opts.prefix}-{i}"
        raw = await connect(tally, opts.url, opts.source(i))
        if raw is None:
            return True
        tally.hold(+1)
        try:
            hello = opts.hello(name=name)
            if i in tokens:
                hello["token"] = tokens[i]
            raw.queue(hello)
            n0 = posted[name]
            ids = [f"{name}-{n0 + j}" for j in range(opts.burst)]
            for mid in ids:
                raw.queue({"type": "message", "id": mid, "content": f"loop {mid}"})
            raw.flush()
            posted[name] += len(ids)
            mine = set(ids)
            got = 0

            def done(frame: dict[str, Any]) -> bool:
                nonlocal got
                kind = frame.get("type")
                if kind == "welcome":
                    tokens[i] = frame.get("token", "")
                elif kind == "message" and frame.get("id") in mine:
                    acked.setdefault(name, []).append((frame["id"], int(frame["seq"])))
                    got += 1
                elif kind == "error":
                    tally.error(frame)
                    if frame.get("ref") in mine:
                        got += 1
                return got >= len(ids)

            await raw.frames(min(deadline, time.monotonic() + 1.0), done)
            if raw.close_code is not None:
                tally.closed(raw.close_code, raw.close_reason)
            elif raw.eof:
                tally.closed("eof")
        finally:
            tally.hold(-1)
            raw.abort()
        return True

    await slots(opts, tally, deadline, one, loop=True)
    tally.extra["posted"] = dict(posted)
    tally.extra["acked"] = {k: len(v) for k, v in acked.items()}
    tally.extra["acked_ids"] = acked


async def attack_guess(opts: Options, tally: Tally, deadline: float) -> None:
    """Guess the password as fast as the server answers, ``count`` at a time."""
    tally.extra["guesses"] = 0
    tally.extra["wrong_password_answers"] = 0
    tally.extra["admitted"] = 0
    counter = iter(range(10**9))

    async def one(i: int) -> bool:
        raw = await connect(tally, opts.url, opts.source(i))
        if raw is None:
            return True
        try:
            n = next(counter)
            raw.queue({"type": "hello", "name": f"guess-{n}", "password": f"guess-{n:06d}"})
            raw.flush()
            tally.extra["guesses"] += 1

            def seen(frame: dict[str, Any]) -> bool:
                if frame.get("type") == "error":
                    tally.error(frame)
                    if "wrong password" in str(frame.get("message", "")):
                        tally.extra["wrong_password_answers"] += 1
                elif frame.get("type") == "welcome":
                    tally.extra["admitted"] += 1
                    return True
                return False

            await raw.frames(min(deadline, time.monotonic() + 3.0), seen)
            if raw.close_code is not None:
                tally.closed(raw.close_code, raw.close_reason)
            elif raw.eof:
                tally.closed("eof")
        finally:
            raw.abort()
        return True

    await slots(opts, tally, deadline, one, loop=True)


# ---- many rooms, many names ----------------------------------------------------------


async def claim_many(opts: Options, tally: Tally, deadline: float, *, rooms: bool) -> None:
    """Join room after room (or name after name in one room), keep each connection."""
    numbers = iter(range(10**9))
    held: list[Raw] = []
    readers: list[asyncio.Task[Any]] = []
    tally.extra["joined"] = 0
    tally.extra["posted_acked"] = 0

    async def discard(raw: Raw) -> None:
        while not raw.eof and raw.close_code is None and time.monotonic() < deadline:
            await raw.frames(deadline)
        if raw.close_code is not None or raw.eof:
            tally.hold(-1)
            tally.closed(raw.close_code if raw.close_code is not None else "eof", raw.close_reason)

    async def one(i: int) -> bool:
        if tally.extra["joined"] >= opts.count:
            return False
        n = next(numbers)
        room = f"{opts.prefix}-{n}" if rooms else None
        url = opts.room_url(room) if room else opts.url
        raw = await connect(tally, url, opts.source(n))
        if raw is None:
            return True
        name = "squatter" if rooms else f"{opts.prefix}-{n}"
        mid = f"{opts.prefix}-{n}-m"
        raw.queue(opts.hello(name=name))
        if rooms:
            raw.queue({"type": "message", "id": mid, "content": "a room of my own"})
        raw.flush()
        state = {"joined": False}

        def seen(frame: dict[str, Any]) -> bool:
            kind = frame.get("type")
            if kind == "welcome":
                state["joined"] = True
                return not rooms
            if kind == "message" and frame.get("id") == mid:
                tally.extra["posted_acked"] += 1
                return True
            if kind == "error":
                tally.error(frame)
                return True
            return False

        await raw.frames(min(deadline, time.monotonic() + 3.0), seen)
        if state["joined"] and raw.close_code is None and not raw.eof:
            tally.extra["joined"] += 1
            tally.hold(+1)
            held.append(raw)
            readers.append(asyncio.ensure_future(discard(raw)))
        else:
            if raw.close_code is not None:
                tally.closed(raw.close_code, raw.close_reason)
            elif raw.eof:
                tally.closed("eof")
            raw.abort()
        return True

    async def run(i: int) -> None:
        while time.monotonic() < deadline and await one(i):
            await asyncio.sleep(opts.pause)

    await asyncio.gather(*(run(i) for i in range(opts.concurrency)))
    remaining = deadline - time.monotonic()
    if remaining > 0:
        await asyncio.sleep(remaining)
    tally.held_at_end = sum(1 for r in held if not r.eof and r.close_code is None)
    for task in readers:
        task.cancel()
    for raw in held:
        raw.abort()


async def attack_rooms(opts: Options, tally: Tally, deadline: float) -> None:
    await claim_many(opts, tally, deadline, rooms=True)


async def attack_names(opts: Options, tally: Tally, deadline: float) -> None:
    await claim_many(opts, tally, deadline, rooms=False)


async def attack_lookalike(opts: Options, tally: Tally, deadline: float) -> None:
    """Each name once: did the server welcome it (and as whom), or refuse it?"""
    results: dict[str, str] = {}
    for i, name in enumerate(opts.names):
        raw = await connect(tally, opts.url, opts.source(i))
        if raw is None:
            results[name] = "not upgraded"
            continue
        raw.queue(opts.hello(name=name))
        raw.flush()
        frames = await raw.frames(
            min(deadline, time.monotonic() + 3.0), lambda f: f.get("type") in ("welcome", "error")
        )
        answer = next((f for f in frames if f.get("type") in ("welcome", "error")), None)
        if answer is None:
            results[name] = f"no answer (close {raw.close_code})"
        elif answer["type"] == "welcome":
            results[name] = f"welcome as {answer.get('you')!r}"
        else:
            tally.error(answer)
            results[name] = f"error {answer.get('code')}"
        raw.abort()
    tally.extra["results"] = results


ATTACKS: dict[str, Attack] = {
    "history": attack_history,
    "replay": attack_replay,
    "ping": attack_ping,
    "sink": attack_sink,
    "halfopen": attack_halfopen,
    "reconnect": attack_reconnect,
    "guess": attack_guess,
    "rooms": attack_rooms,
    "names": attack_names,
    "lookalike": attack_lookalike,
}


async def run(kind: str, opts: Options) -> Tally:
    tally = Tally(kind)
    started = time.monotonic()
    deadline = started + opts.seconds
    print(json.dumps({"event": "started", "kind": kind, "t": started}), flush=True)
    await ATTACKS[kind](opts, tally, deadline)
    tally.seconds = round(time.monotonic() - started, 2)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    tally.cpu_s = round(usage.ru_utime + usage.ru_stime, 2)
    return tally


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.hostile.attacks", description=__doc__)
    p.add_argument("kind", choices=sorted(ATTACKS))
    p.add_argument("--url", required=True, help="the room to attack, ws://127.0.0.1:PORT/r/NAME")
    p.add_argument("--source", default="127.0.1.1", help="source address(es): A, A+N, or A,B,C")
    p.add_argument("--count", type=int, default=1, help="attacking slots (connections, loops)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--repeat", action="store_true", help="a closed slot attacks again")
    p.add_argument("--password", help="the room password, for attackers that are members")
    p.add_argument("--frames", type=int, default=60, help="history: requests in one write")
    p.add_argument("--limit", type=int, default=200, help="history: limit of each request")
    p.add_argument("--burst", type=int, default=60, help="reconnect: messages per connection")
    p.add_argument("--max-bytes", type=_size, default=64 << 20, help="ping: per connection")
    p.add_argument("--concurrency", type=int, default=20, help="rooms, names: at once")
    p.add_argument("--prefix", default="x", help="rooms, names, reconnect: name prefix")
    p.add_argument("--name", action="append", default=[], help="lookalike: a name to try")
    p.add_argument("--pause", type=float, default=0.05, help="seconds between a slot's tries")
    args = p.parse_args(argv)
    opts = Options(
        url=args.url,
        sources=addresses(args.source),
        count=args.count,
        seconds=args.seconds,
        repeat=args.repeat,
        password=args.password,
        frames=args.frames,
        limit=args.limit,
        burst=args.burst,
        max_bytes=args.max_bytes,
        concurrency=args.concurrency,
        prefix=args.prefix,
        names=args.name,
        pause=args.pause,
    )
    tally = asyncio.run(run(args.kind, opts))
    print(json.dumps({"event": "result", **tally.json()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
