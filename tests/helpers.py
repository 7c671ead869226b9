"""Small helpers shared by the tests: real servers on port 0, real clients."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame
from websockets.http11 import Response
from websockets.uri import parse_uri

from roomcast.server.app import RoomServer, ServerConfig
from roomcast.server.protocol import SUBPROTOCOL

ROOT = Path(__file__).resolve().parents[1]
REQUIRE_ALL = os.environ.get("ROOMCAST_REQUIRE_ALL") == "1"
#: Generous: a loaded CI machine is slow, and a wait that times out fails.
WAIT = 10.0


def need(available: bool, reason: str) -> None:
    """Skip when a service is missing, or fail under ROOMCAST_REQUIRE_ALL=1 (CI)."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"ROOMCAST_REQUIRE_ALL=1 and {reason}")
    pytest.skip(reason)


@asynccontextmanager
async def running_server(**overrides: Any) -> AsyncIterator[RoomServer]:
    """A RoomServer on 127.0.0.1, port 0, in-memory history unless told otherwise."""
    settings: dict[str, Any] = {"host": "127.0.0.1", "port": 0, "db": ":memory:"}
    settings.update(overrides)
    server = RoomServer(ServerConfig(**settings))
    await server.start()
    try:
        yield server
    finally:
        await server.close()


class Peer:
    """A real websockets client with JSON helpers that never wait forever."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(json.dumps(frame) if isinstance(frame, dict) else frame)

    async def recv(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next frame, decoded."""
        async with asyncio.timeout(timeout):
            data = await self.ws.recv()
        return json.loads(data)

    async def until(self, kind: str, timeout: float = WAIT, **match: Any) -> dict[str, Any]:
        """Skip frames until one of this type (and these field values) arrives."""
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                    return frame

    async def quiet(self, seconds: float = 0.2) -> list[dict[str, Any]]:
        """Frames that arrive within ``seconds`` (to show that nothing else does)."""
        frames = []
        try:
            async with asyncio.timeout(seconds):
                while True:
                    frames.append(json.loads(await self.ws.recv()))
        except TimeoutError:
            pass
        return frames

    async def closed(self, timeout: float = WAIT) -> tuple[int | None, str | None]:
        """Wait for the server to close; (code, reason) it sent."""
        async with asyncio.timeout(timeout):
            try:
                while True:
                    await self.ws.recv()
            except ConnectionClosed as exc:
                return (exc.rcvd.code, exc.rcvd.reason) if exc.rcvd else (None, None)

    async def close(self) -> None:
        await self.ws.close()


@asynccontextmanager
async def peer(
    url: str, *, subprotocols: Sequence[str] | None = (SUBPROTOCOL,), **kwargs: Any
) -> AsyncIterator[Peer]:
    """Connect a client; subprotocols=None connects like the tutorial's client."""
    protocols = list(subprotocols) if subprotocols else None
    async with connect(url, subprotocols=protocols, open_timeout=WAIT, **kwargs) as ws:  # type: ignore[arg-type]
        yield Peer(ws)


@asynccontextmanager
async def member(
    url: str, name: str | None = None, **hello: Any
) -> AsyncIterator[tuple[Peer, dict[str, Any]]]:
    """Connect with roomcast.v1, send hello, return the peer and its welcome."""
    async with peer(url) as p:
        frame: dict[str, Any] = {"type": "hello", **hello}
        if name is not None:
            frame["name"] = name
        await p.send(frame)
        welcome = await p.until("welcome")
        yield p, welcome


class RawClient:
    """A WebSocket client that does only what a test tells it to.

    websockets' sans-I/O ClientProtocol frames and parses; nothing is
    written unless the test calls :meth:`flush`, so that this client can
    send several frames in one TCP write, send invalid UTF-8, or leave a
    ping unanswered (ClientProtocol queues the pong; :meth:`events` drops it).
    """

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, protocol: ClientProtocol
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.protocol = protocol

    @classmethod
    async def open(cls, url: str, *, subprotocols: Sequence[str] | None = None) -> RawClient:
        uri = parse_uri(url)
        reader, writer = await asyncio.open_connection(uri.host, uri.port)
        protocol = ClientProtocol(uri, subprotocols=subprotocols)  # type: ignore[arg-type]
        client = cls(reader, writer, protocol)
        protocol.send_request(protocol.connect())
        await client.flush()
        events = await client.events()
        assert isinstance(events[0], Response) and events[0].status_code == 101, events
        return client

    async def flush(self) -> None:
        """Write everything sent so far in one TCP write."""
        self.writer.write(b"".join(self.protocol.data_to_send()))
        await self.writer.drain()

    async def events(self, timeout: float = WAIT) -> list[Any]:
        """Read until at least one event (frame or response) arrives, or EOF ([])."""
        async with asyncio.timeout(timeout):
            while True:
                data = await self.reader.read(65536)
                if not data:
                    self.protocol.receive_eof()
                    return self.protocol.events_received()
                self.protocol.receive_data(data)
                self.protocol.data_to_send()  # pongs and close replies: dropped
                events = self.protocol.events_received()
                if events:
                    return events

    async def frames_until_eof(self, timeout: float = WAIT) -> list[Frame]:
        frames: list[Frame] = []
        async with asyncio.timeout(timeout):
            while batch := await self.events(timeout):
                frames.extend(batch)
        return frames

    def close(self) -> None:
        self.writer.close()


def run_module(
    module: str, *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """``python -m MODULE ARGS`` to completion from the repo root (a hang fails)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_unprivileged(setup: str, body: str) -> str:
    """Run ``setup`` (imports) as we are, then drop to nobody and run ``body``.

    For real "permission denied" errors while the tests run as root: a fresh
    single-threaded process (no fork of a threaded one); the imports happen
    before the drop because nobody may not read the interpreter's files.
    Returns what ``body`` printed.
    """
    need(os.geteuid() == 0, "dropping privileges needs root")
    script = f"{setup}\nimport os\nos.setgid(65534)\nos.setuid(65534)\n{body}"
    result = run_module_code(script)
    assert result.returncode == 0, result.stderr
    return result.stdout


def run_module_code(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@dataclass
class ServerProcess:
    """``python -m roomcast.server`` in a subprocess, as an operator runs it."""

    proc: subprocess.Popen[str]
    url: str
    #: What it printed on stdout before serving (the banner).
    banner: list[str]

    async def exited(self, timeout: float = WAIT) -> tuple[int, str]:
        """Wait (off the event loop) for the exit: (exit code, stderr)."""
        _, err = await asyncio.to_thread(self.proc.communicate, timeout=timeout)
        return self.proc.returncode, err

    async def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        """Send ``signum`` and wait for the exit: (exit code, stderr)."""
        self.proc.send_signal(signum)
        return await self.exited()


@contextlib.contextmanager
def server_process(*args: str, timeout: float = WAIT) -> Iterator[ServerProcess]:
    """roomcast-server on port 0 (killed at the end if still running).

    It reads the pipe's raw bytes: the banner arrives in one flush, and a
    ``readline`` on a buffered pipe would keep lines where ``select`` cannot
    see them. The banner is complete once its ``Rooms:`` line has arrived.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "roomcast.server", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        data = read_banner(proc, timeout)
        found = re.search(r"(wss?://\S+)", data.decode())
        if found is None or b"\nRooms:" not in data:
            proc.kill()
            _, err = proc.communicate(timeout=WAIT)
            raise AssertionError(f"server did not start: {data.decode()}{err}")
        yield ServerProcess(proc, found.group(1), data.decode().splitlines())
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=WAIT)


def read_banner(proc: subprocess.Popen[Any], timeout: float = WAIT) -> bytes:
    """What roomcast-server printed until its banner's ``Rooms:`` line (or it
    exited, or ``timeout``), read as raw bytes (see :func:`server_process`)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    end = time.monotonic() + timeout
    while b"\nRooms:" not in data and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
        elif proc.poll() is not None:
            break
    return data


def free_port() -> int:
    """A loopback TCP port that was free a moment ago (for programs without port 0)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    """A real redis-server on loopback for one test; persistence off unless data_dir."""

    port: int
    #: Persistence (append-only file, fsync always) in this folder; None: off.
    data_dir: Path | None = None
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import shutil

        binary = shutil.which("redis-server")
        need(binary is not None, "redis-server is not installed (scripts/system-deps redis)")
        assert binary is not None
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.data_dir)]
            if self.data_dir is not None
            else ["--appendonly", "no"]
        )
        self.proc = subprocess.Popen(
            [
                *(binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *persistence,
                *("--protected-mode", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        end = time.monotonic() + WAIT
        import socket

        while time.monotonic() < end:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2) as c,
            ):
                c.sendall(b"PING\r\n")
                if c.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def stop(self, *, graceful: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            if graceful:
                self.proc.terminate()
            else:
                self.proc.kill()
            self.proc.wait(timeout=WAIT)
        self.proc = None


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def until(predicate: Callable[[], object], timeout: float = WAIT, what: str = "") -> None:
    """Wait for a condition (polling the running loop, Qt's included); fail on timeout."""
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(
            f"timed out after {timeout} s waiting for {what or predicate}"
        ) from None
