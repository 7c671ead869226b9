"""RoomClient against real servers: a RoomServer on port 0, plain websockets servers
standing in for foreign ones, and a TCP server that never answers.

Conditions are awaited with ``until`` (polling with a timeout), never with a
fixed sleep; the only sleeps show that something does *not* happen.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import trustme
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import InvalidHandshake, InvalidMessage
from websockets.typing import Subprotocol

from roomcast.desktop.client import (
    HOST_STOPPED_REASON,
    NEVER_CONNECTED_ATTEMPTS,
    Backoff,
    ConnectionState,
    Failure,
    Incoming,
    OutboxEntry,
    RoomClient,
    Status,
    describe_close,
    describe_open_error,
)
from roomcast.desktop.rows import SendState
from roomcast.server.app import RoomServer, ServerConfig
from roomcast.server.notices import Notice, Severity
from roomcast.server.protocol import (
    SUBPROTOCOL,
    ChatMessage,
    Error,
    HistoryPage,
    TypingNotice,
    Welcome,
)
from tests.helpers import free_port, member, running_server, server_process, until
from tests.peers import echo, ws_server

CONNECTED = ConnectionState.CONNECTED
RECONNECTING = ConnectionState.RECONNECTING
DISCONNECTED = ConnectionState.DISCONNECTED


class Recorder:
    """A RoomClient (short backoff) and everything its callbacks reported."""

    def __init__(self, **kwargs: Any) -> None:
        self.statuses: list[Status] = []
        self.frames: list[Incoming] = []
        self.notices: list[Notice] = []
        #: Snapshots of every on_outbox call: (id, state, seq, error).
        self.outbox: list[tuple[str, SendState, int | None, str | None]] = []
        #: The welcomes reported to on_reset (PROTOCOL.md, Epochs).
        self.resets: list[Welcome] = []
        kwargs.setdefault("backoff", Backoff(initial=0.05, maximum=0.2))
        self.client = RoomClient(
            on_status=self.statuses.append,
            on_frame=self.frames.append,
            on_notice=self.notices.append,
            on_outbox=lambda e: self.outbox.append((e.id, e.state, e.seq, e.error)),
            on_reset=self.resets.append,
            **kwargs,
        )

    @property
    def status(self) -> Status:
        return self.client.status

    def connected(self) -> bool:
        return self.client.status.state is CONNECTED

    def messages(self) -> list[ChatMessage]:
        return [f.frame for f in self.frames if isinstance(f.frame, ChatMessage)]

    async def start(self, urls: Sequence[str]) -> None:
        self.client.start(urls)
        await until(self.connected, what="CONNECTED")

    async def detail(self, text: str) -> Status:
        """Wait for a status with this detail and return it."""
        await until(lambda: any(s.detail == text for s in self.statuses), what=repr(text))
        return next(s for s in self.statuses if s.detail == text)


@pytest.fixture
async def make() -> AsyncIterator[Callable[..., Recorder]]:
    """Make Recorders; every client is stopped at the end."""
    made: list[Recorder] = []

    def factory(**kwargs: Any) -> Recorder:
        made.append(Recorder(**kwargs))
        return made[-1]

    yield factory
    for recorder in made:
        await recorder.client.stop()


# ---------------------------------------------------------------------------
# Stand-ins for other servers
# ---------------------------------------------------------------------------


def like_npm_ws(ws: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    """npm `ws` accepts the first subprotocol offered, whatever it is."""
    return offered[0] if offered else None


def roomcast_only(ws: ServerConnection, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    return Subprotocol(SUBPROTOCOL) if SUBPROTOCOL in offered else None


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chat(seq: int, content: str = "", sender: str = "bob") -> str:
    return ChatMessage(
        seq, "2025-01-01T00:00:00.000Z", sender, content or f"m{seq}", f"s-{seq}"
    ).serialize()


# ---------------------------------------------------------------------------
# Joining and chatting with a RoomServer
# ---------------------------------------------------------------------------


async def test_connect_joins_and_reports_status(make: Callable[..., Recorder]) -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/team"
        alice = make(name="alice")
        await alice.start([url])
        assert alice.status == Status(
            CONNECTED, url=url, roomcast=True, room="team", you="alice", members=("alice",)
        )
        assert [s.state for s in alice.statuses] == [ConnectionState.CONNECTING, CONNECTED]
        welcome = alice.frames[0]
        assert welcome.kind == "roomcast"
        assert isinstance(welcome.frame, Welcome)
        assert json.loads(welcome.raw)["type"] == "welcome"
        assert welcome.received_at.utcoffset() is not None
        assert alice.client.last_seq == 0
        assert alice.notices == []


async def test_send_message_goes_pending_then_sent_with_seq(make: Callable[..., Recorder]) -> None:
    async with running_server() as server:
        url = server.urls[0]
        async with member(url, "bob") as (bob, _):
            alice = make(name="alice")
            await alice.start([url])
            entry = alice.client.send_message("hello room")
            assert isinstance(entry, OutboxEntry)
            assert entry.state is SendState.PENDING
            assert entry.id.startswith("c-")
            assert alice.client.outbox == [entry]
            await until(lambda: entry.state is SendState.SENT, what="the acknowledgement")
            assert entry.seq == 1
            assert alice.outbox == [
                (entry.id, SendState.PENDING, None, None),
                (entry.id, SendState.SENT, 1, None),
            ]
            assert alice.client.outbox == []
            assert alice.client.last_seq == 1
            relayed = await bob.until("message")
            assert (relayed["id"], relayed["from"], relayed["content"]) == (
                entry.id,
                "alice",
                "hello room",
            )
            # Our own copy is a frame like any other: shown once.
            assert [m.id for m in alice.messages()] == [entry.id]


async def test_other_members_messages_presence_typing_and_history(
    make: Callable[..., Recorder],
) -> None:
    async with running_server() as server:
        url = server.urls[0]
        alice = make(name="alice")
        await alice.start([url])
        async with member(url, "bob") as (bob, _):
            await until(lambda: alice.status.members == ("alice", "bob"), what="bob's join")
            await bob.send({"type": "message", "content": "hi alice", "id": "b-1"})
            await until(alice.messages, what="bob's message")
            got = alice.messages()[0]
            assert (got.seq, got.sender, got.content, got.id) == (1, "bob", "hi alice", "b-1")
            assert alice.client.last_seq == 1

            alice.client.send_typing()
            assert await bob.until("typing") == {"type": "typing", "from": "alice"}
            await bob.send({"type": "typing"})
            await until(lambda: any(isinstance(f.frame, TypingNotice) for f in alice.frames))

            alice.client.request_history(None, limit=10)
            await until(lambda: any(isinstance(f.frame, HistoryPage) for f in alice.frames))
            page = next(f.frame for f in alice.frames if isinstance(f.frame, HistoryPage))
            assert [m.id for m in page.messages] == ["b-1"]
            assert page.complete is True
        await until(lambda: alice.status.members == ("alice",), what="bob's leave")


async def test_refused_message_fails_and_retry_resends_it(make: Callable[..., Recorder]) -> None:
    async with running_server() as server:
        alice = make(name="alice")
        await alice.start(server.urls)
        entry = alice.client.send_message("x" * 16_385)  # PROTOCOL.md: at most 16,384
        await until(lambda: entry.state is SendState.FAILED, what="the refusal")
        assert entry.error == "message.content is 16385 characters, the limit is 16384"
        assert alice.client.outbox == [entry]
        refusal = next(f.frame for f in alice.frames if isinstance(f.frame, Error))
        assert (refusal.code, refusal.ref) == ("too_large", entry.id)

        alice.client.retry(entry.id)
        assert entry.state is SendState.PENDING
        await until(lambda: len(alice.outbox) == 4, what="the second refusal")
        assert [s for _, s, _, _ in alice.outbox] == [
            SendState.PENDING,
            SendState.FAILED,
            SendState.PENDING,
            SendState.FAILED,
        ]
        alice.client.retry("c-unknown")  # not an error: nothing to retry
        assert alice.connected()


async def test_a_raising_callback_is_logged_and_harmless(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(incoming: Incoming) -> None:
        raise RuntimeError("callback bug")

    async with running_server() as server:
        client = RoomClient(name="alice", on_frame=explode)
        client.start(server.urls)
        try:
            await until(lambda: client.status.state is CONNECTED)
            entry = client.send_message("still works")
            await until(lambda: entry.state is SendState.SENT)
        finally:
            await client.stop()
    failures = [r for r in caplog.records if r.name == "roomcast.client" and r.exc_info]
    assert failures
    assert "callback bug" in str(failures[0].exc_info[1])  # type: ignore[index]


# ---------------------------------------------------------------------------
# Errors: one clear text each (Status.detail and a Notice)
# ---------------------------------------------------------------------------


async def test_connection_refused(make: Callable[..., Recorder]) -> None:
    port = closed_port()
    client = make(never_connected_attempts=100)
    client.client.start([f"ws://127.0.0.1:{port}/"])
    text = f"Connection refused by 127.0.0.1:{port} — is the server running?"
    status = await client.detail(text)
    assert status.state is RECONNECTING
    assert status.attempt == 1
    assert status.retry_in is not None
    assert 0.025 <= status.retry_in <= 0.05
    # Retries go on, with one notice for them all.
    await until(lambda: client.status.attempt >= 3, what="three attempts")
    assert client.notices == [Notice(Severity.WARNING, text, client.notices[0].time)]


async def test_unknown_host(make: Callable[..., Recorder]) -> None:
    client = make()
    client.client.start(["ws://nonexistent.invalid:1/"])
    await client.detail("Unknown host: nonexistent.invalid")
    assert client.notices[0].severity is Severity.WARNING


async def test_timeout_opening(make: Callable[..., Recorder]) -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up
        writer.close()

    tcp = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    async with tcp:
        port = tcp.sockets[0].getsockname()[1]
        client = make(open_timeout=0.5)
        client.client.start([f"ws://127.0.0.1:{port}/"])
        await client.detail(f"Timed out connecting to 127.0.0.1:{port}")
        await client.client.stop()


async def test_http_rejection(make: Callable[..., Recorder]) -> None:
    async with running_server() as server:
        client = make()
        client.client.start([server.urls[0] + "not/a/room"])
        status = await client.detail("The server refused the WebSocket upgrade: HTTP 404 Not Found")
        assert status.state is RECONNECTING
        assert client.notices[0].severity is Severity.ERROR


async def test_wss_to_a_plain_server_says_it_does_not_speak_tls(
    make: Callable[..., Recorder],
) -> None:
    # The room server without a certificate drops a TLS ClientHello: asyncio
    # reports a ConnectionResetError without errno or text.
    async with running_server() as server:
        plain = f"ws://127.0.0.1:{server.port}/r/team"
        assert server.urls[0] == f"ws://127.0.0.1:{server.port}/"
        client = make(name="alice")
        client.client.start([plain.replace("ws://", "wss://")])
        text = (
            f"TLS handshake with 127.0.0.1:{server.port} failed: the server does not speak TLS"
            f" — try {plain}"
        )
        status = await client.detail(text)
        assert status.state is RECONNECTING
        assert [(n.severity, n.text) for n in client.notices] == [(Severity.ERROR, text)]
        await client.client.stop()


async def test_wss_to_an_http_server_says_it_does_not_speak_tls(
    make: Callable[..., Recorder],
) -> None:
    # A server that answers the ClientHello in plain HTTP: OpenSSL's "wrong version number".
    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    tcp = await asyncio.start_server(http, "127.0.0.1", 0)
    async with tcp:
        port = tcp.sockets[0].getsockname()[1]
        client = make()
        client.client.start([f"wss://127.0.0.1:{port}/"])
        await client.detail(
            f"TLS handshake with 127.0.0.1:{port} failed: the server does not speak TLS"
            f" — try ws://127.0.0.1:{port}/"
        )
        await client.client.stop()


def test_open_error_reasons_are_never_empty() -> None:
    url = "ws://example.com:9001/"
    where = "example.com:9001"
    assert describe_open_error(OSError(), url).text == f"Could not connect to {where}: OSError"
    assert (
        describe_open_error(ConnectionResetError(), url).text
        == f"Could not connect to {where}: ConnectionResetError"
    )
    assert (
        describe_open_error(InvalidMessage(), url).text
        == f"{where} did not answer like a WebSocket server: InvalidMessage"
    )
    assert (
        describe_open_error(InvalidHandshake(), url).text
        == f"The WebSocket handshake with {where} failed: InvalidHandshake"
    )
    assert (
        describe_open_error(ssl.SSLError(), "wss://example.com:9001/").text
        == f"TLS failure with {where}: SSLError"
    )


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


async def test_tls_failure_and_success(
    make: Callable[..., Recorder], ca: trustme.CA, tmp_path: Path
) -> None:
    pem = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(pem)
    async with running_server(certfile=str(pem)) as server:
        url = server.urls[0]
        assert url.startswith("wss://")
        stranger = make()  # the system CAs only
        stranger.client.start([url])
        await until(lambda: stranger.status.untrusted is not None, what="refused")
        # Refused, once, with the certificate's fingerprint to compare.
        fingerprint = stranger.status.untrusted
        assert fingerprint is not None and len(fingerprint) == 95
        assert stranger.status.state is DISCONNECTED
        assert stranger.status.detail.startswith(
            f"127.0.0.1:{server.port} presents a certificate this computer does not trust "
            "(unable to get local issuer certificate). SHA-256 fingerprint: " + fingerprint
        )
        assert [n.severity for n in stranger.notices] == [Severity.ERROR]
        await stranger.client.stop()

        context = ssl.create_default_context()
        ca.configure_trust(context)
        trusting = make(name="alice", ssl=context)
        await trusting.start([url])
        assert trusting.status.roomcast


async def test_wrong_password_stops_reconnecting_until_retry_now(
    make: Callable[..., Recorder],
) -> None:
    async with running_server(password="secret") as server:
        alice = make(name="alice", password="wrong")
        alice.client.start(server.urls)
        await until(lambda: alice.status.state is DISCONNECTED and bool(alice.status.detail))
        assert alice.status.detail == "Refused by the server: wrong password"
        assert [(n.severity, n.text) for n in alice.notices] == [
            (Severity.ERROR, "Refused by the server: wrong password")
        ]
        refusal = alice.frames[0].frame
        assert isinstance(refusal, Error)
        assert refusal.code == "unauthorized"
        # No more attempts: with a 0.05 s backoff there would be several by now.
        seen = len(alice.statuses)
        await asyncio.sleep(0.3)
        assert len(alice.statuses) == seen
        assert server.health()["connections"] == 0

        alice.client.password = "secret"
        alice.client.retry_now()
        await until(alice.connected)
        assert alice.status.you == "alice"


async def test_a_taken_name_is_a_refusal(make: Callable[..., Recorder]) -> None:
    async with running_server() as server:
        async with member(server.urls[0], "bob"):
            impostor = make(name="bob")
            impostor.client.start(server.urls)
            await until(
                lambda: impostor.status.state is DISCONNECTED and bool(impostor.status.detail)
            )
            assert impostor.status.detail.startswith(
                "Refused by the server: the name 'bob' is taken"
            )


async def test_host_stopped_hosting_and_server_shutdown(make: Callable[..., Recorder]) -> None:
    async with running_server() as server:
        alice = make(name="alice")
        await alice.start(server.urls)
        await server.close(HOST_STOPPED_REASON)
        status = await alice.detail("The host stopped hosting")
        assert status.state is RECONNECTING
        assert alice.notices[0] == Notice(
            Severity.WARNING, "The host stopped hosting", alice.notices[0].time
        )
    async with running_server() as server:
        bob = make(name="bob")
        await bob.start(server.urls)
        await server.close()
        await bob.detail("The server shut down (server shutting down)")


@pytest.mark.parametrize(
    ("code", "reason", "text"),
    [
        (1013, "slow consumer", "Dropped by the server for falling behind; reconnecting"),
        (1011, "oops", "The server closed the connection (code 1011: oops)"),
        (4000, "", "The server closed the connection (code 4000)"),
        (None, "", "Connection lost"),
    ],
)
async def test_other_closes(
    make: Callable[..., Recorder], code: int | None, reason: str, text: str
) -> None:
    async def close_at_once(ws: ServerConnection) -> None:
        if code is None:
            ws.transport.abort()  # no close frame at all
        else:
            await ws.close(code, reason)

    async with ws_server(close_at_once) as url:
        client = make()
        client.client.start([url])
        status = await client.detail(text)
        assert status.state is RECONNECTING
        await client.client.stop()


def test_close_texts() -> None:
    assert describe_close(1008, "wrong password") == Failure(
        "Refused by the server: wrong password", Severity.ERROR, final=True
    )
    assert describe_close(1001, HOST_STOPPED_REASON).text == "The host stopped hosting"
    assert describe_close(1001, "").text == "The server shut down"
    assert describe_close(1001, "maintenance").text == "The server shut down (maintenance)"
    assert (
        describe_close(1013, "x").text == "Dropped by the server for falling behind; reconnecting"
    )
    assert describe_close(1000, "bye").text == "The server closed the connection (code 1000: bye)"
    assert describe_close(None, "").text == "Connection lost"
    assert not describe_close(1013, "").final
    restarted = describe_close(1012, "room history reset: resume now")
    assert restarted.text == "The server restarted the room; reconnecting at once"
    assert restarted.immediate and not restarted.final
    assert not describe_close(1013, "").immediate


@pytest.mark.parametrize(
    "url",
    ["http://example.com/", "ws://", "localhost:8765", "ws://host:port/", "", "wss:///r/x"],
)
def test_bad_urls_are_refused(url: str) -> None:
    # What is wrong with each is desktop.links.validate_url's (tests/desktop/test_links.py).
    with pytest.raises(ValueError, match="URL"):
        RoomClient().start([url])


def test_no_urls_is_refused() -> None:
    with pytest.raises(ValueError, match="No server URL"):
        RoomClient().start([])


# ---------------------------------------------------------------------------
# Reconnecting: resume with since, the outbox, failover, backoff
# ---------------------------------------------------------------------------


async def restart(old: RoomServer) -> RoomServer:
    """A new RoomServer on the old one's port and history file."""
    new = RoomServer(ServerConfig(host="127.0.0.1", port=old.port, db=old.config.db))
    await old.close()
    await new.start()
    return new


async def test_resume_after_restart_gets_the_gap_once_in_order(
    make: Callable[..., Recorder], tmp_path: Path
) -> None:
    first = RoomServer(ServerConfig(host="127.0.0.1", port=0, db=str(tmp_path / "h.sqlite3")))
    await first.start()
    url = first.urls[0]
    # A long backoff: the client stays away until retry_now(), so the gap is real.
    alice = make(name="alice", backoff=Backoff(initial=30, maximum=30))
    await alice.start([url])
    async with member(url, "bob") as (bob, _):
        for n in (1, 2, 3):
            await bob.send({"type": "message", "content": f"before {n}", "id": f"b-{n}"})
            await bob.until("message", id=f"b-{n}")
    await until(lambda: alice.client.last_seq == 3)

    second = await restart(first)
    try:
        await alice.detail("The server shut down (server shutting down)")
        async with member(url, "bob") as (bob, _):
            for n in (4, 5, 6):
                await bob.send({"type": "message", "content": f"gap {n}", "id": f"b-{n}"})
                await bob.until("message", id=f"b-{n}")
            alice.client.retry_now()
            await until(lambda: alice.client.last_seq == 6, what="the replay")
            welcomes = [f.frame for f in alice.frames if isinstance(f.frame, Welcome)]
            assert [(w.seq, w.replay) for w in welcomes] == [(0, 0), (6, 3)]
            # A live message after the replay: a sync point showing nothing came twice.
            await bob.send({"type": "message", "content": "live", "id": "b-7"})
            await until(lambda: alice.client.last_seq == 7)
        assert [(m.seq, m.id) for m in alice.messages()] == [(n, f"b-{n}") for n in range(1, 8)]
        assert alice.status.you == "alice"
    finally:
        await alice.client.stop()
        await second.close()


async def test_outbox_is_delivered_once_after_reconnect(
    make: Callable[..., Recorder], tmp_path: Path
) -> None:
    first = RoomServer(ServerConfig(host="127.0.0.1", port=0, db=str(tmp_path / "o.sqlite3")))
    await first.start()
    url = first.urls[0]
    alice = make(name="alice")
    await alice.start([url])
    port = first.port
    await first.close()
    await until(lambda: alice.status.state is RECONNECTING)
    one = alice.client.send_message("one")
    two = alice.client.send_message("two")
    assert alice.client.outbox == [one, two]
    assert (one.state, two.state) == (SendState.PENDING, SendState.PENDING)

    second = RoomServer(ServerConfig(host="127.0.0.1", port=port, db=first.config.db))
    await second.start()
    try:
        async with member(url, "bob") as (bob, _):
            await until(lambda: two.state is SendState.SENT, what="both acknowledged")
            assert (one.seq, two.seq) == (1, 2)
            await bob.send({"type": "message", "content": "marker", "id": "b-m"})
            seen: list[dict[str, Any]] = []
            while not seen or seen[-1]["id"] != "b-m":
                seen.append(await bob.until("message"))
            assert [(f["from"], f["content"]) for f in seen] == [
                ("alice", "one"),
                ("alice", "two"),
                ("bob", "marker"),
            ]
        assert alice.client.outbox == []
    finally:
        await alice.client.stop()
        await second.close()


async def test_duplicates_are_dropped_and_resume_sends_since_and_token(
    make: Callable[..., Recorder],
) -> None:
    hellos: list[dict[str, Any]] = []

    async def fake_roomcast(ws: ServerConnection) -> None:
        hellos.append(json.loads(await ws.recv()))
        welcome = Welcome(room="lobby", you="alice", token="tok-1", members=("alice",), seq=0)
        await ws.send(welcome.serialize())
        if len(hellos) == 1:
            for seq in (1, 2, 1, 2, 3):
                await ws.send(chat(seq))
            await ws.close(1012, "restarting")
        else:
            await ws.wait_closed()

    async with ws_server(fake_roomcast, select_subprotocol=roomcast_only) as root:
        url = root + "r/lobby"  # a room path: offered roomcast.v1
        alice = make(name="alice")
        alice.client.start([url])
        await until(lambda: len(hellos) == 2 and alice.connected(), what="the second join")
        assert [m.seq for m in alice.messages()] == [1, 2, 3]
        assert {k: v for k, v in hellos[0].items() if k != "client"} == {
            "type": "hello",
            "name": "alice",
        }
        assert hellos[0]["client"] == "roomcast/0.1.0"
        assert (hellos[1]["since"], hellos[1]["token"]) == (3, "tok-1")
        await alice.client.stop()


async def test_a_server_that_lost_its_history_resets_us_and_nothing_is_dropped(
    make: Callable[..., Recorder],
) -> None:
    # Issue 13: a server restarted with an empty history numbers from 1 again.
    first = RoomServer(ServerConfig(host="127.0.0.1", port=0, db=":memory:"))
    await first.start()
    url, port = first.urls[0], first.port
    alice = make(name="alice", backoff=Backoff(initial=30, maximum=30))
    await alice.start([url])
    async with member(url, "bob") as (bob, _):
        for n in (1, 2, 3):
            await bob.send({"type": "message", "content": f"old {n}", "id": f"o{n}"})
            await bob.until("message", id=f"o{n}")
    await until(lambda: alice.client.last_seq == 3)
    old_epoch = alice.client.epoch
    assert old_epoch and alice.resets == []

    await first.close()
    await until(lambda: alice.status.state is RECONNECTING)
    pending = alice.client.send_message("while down")
    second = RoomServer(ServerConfig(host="127.0.0.1", port=port, db=":memory:"))
    await second.start()
    try:
        async with member(url, "bob") as (bob, welcome):
            assert welcome["epoch"] != old_epoch
            # Four: the new history passes the seq alice holds (3), so only the
            # epoch she sends with it can tell the server it is another history.
            for n in (1, 2, 3, 4):
                await bob.send({"type": "message", "content": f"new {n}", "id": f"n{n}"})
                await bob.until("message", id=f"n{n}")
            alice.client.retry_now()
            await until(lambda: pending.state is SendState.SENT, what="the outbox resent")
            assert pending.seq == 5
            [reset] = alice.resets
            assert (reset.reset, reset.epoch, reset.seq, reset.replay) == (
                True,
                welcome["epoch"],
                4,
                4,
            )
            assert alice.client.epoch == welcome["epoch"]
            await bob.send({"type": "message", "content": "live", "id": "n6"})
            await until(lambda: alice.client.last_seq == 6, what="the live message")
            seen = [await bob.until("message", id=pending.id), await bob.until("message")]
            assert [(f["seq"], f["content"]) for f in seen] == [(5, "while down"), (6, "live")]
        assert [(m.seq, m.content) for m in alice.messages()] == [
            (1, "old 1"),
            (2, "old 2"),
            (3, "old 3"),
            *[(n, f"new {n}") for n in (1, 2, 3, 4)],  # the replay, as for since 0
            (5, "while down"),
            (6, "live"),
        ]
    finally:
        await alice.client.stop()
        await second.close()


async def test_roomcast_server_restarted_with_memory_db_on_the_same_port(
    make: Callable[..., Recorder],
) -> None:
    # Issue 13, as an operator sees it: roomcast-server --db :memory: restarted.
    # Alice comes back to an empty room (since 3 > 0: reset), then bob posts.
    port = free_port()
    alice = make(name="alice", backoff=Backoff(initial=30, maximum=30))
    with server_process("--port", str(port), "--db", ":memory:") as first:
        url = first.url
        await alice.start([url])
        async with member(url, "bob") as (bob, _):
            for n in (1, 2, 3):
                await bob.send({"type": "message", "content": f"old {n}", "id": f"o{n}"})
                await bob.until("message", id=f"o{n}")
        await until(lambda: alice.client.last_seq == 3)
        await first.stop()
    await until(lambda: alice.status.state is RECONNECTING)
    pending = alice.client.send_message("while down")
    with server_process("--port", str(port), "--db", ":memory:") as second:
        assert second.url == url
        alice.client.retry_now()
        await until(lambda: pending.state is SendState.SENT, what="the outbox resent")
        assert pending.seq == 1  # the first message of the new history
        assert [(w.reset, w.seq) for w in alice.resets] == [(True, 0)]
        async with member(url, "bob") as (bob, _):
            for n in (1, 2):
                await bob.send({"type": "message", "content": f"new {n}", "id": f"n{n}"})
                await bob.until("message", id=f"n{n}")
            await until(lambda: alice.client.last_seq == 3, what="bob's new messages")
            # The room's history: alice's message once, then bob's.
            await bob.send({"type": "history", "limit": 10})
            page = await bob.until("history")
            assert [(m["seq"], m["from"], m["content"]) for m in page["messages"]] == [
                (1, "alice", "while down"),
                (2, "bob", "new 1"),
                (3, "bob", "new 2"),
            ]
        await alice.client.stop()
    assert [(m.seq, m.sender, m.content) for m in alice.messages()] == [
        (1, "bob", "old 1"),
        (2, "bob", "old 2"),
        (3, "bob", "old 3"),
        (1, "alice", "while down"),
        (2, "bob", "new 1"),  # once dropped as "seq already seen"
        (3, "bob", "new 2"),
    ]


@pytest.mark.parametrize("flagged", [True, False])
async def test_close_1012_reconnects_at_once_and_a_new_epoch_resets(
    make: Callable[..., Recorder], flagged: bool
) -> None:
    # PROTOCOL.md, Close codes: 1012 "reconnect now and resume". The server's
    # resume answer names another epoch: with reset: true, or (flagged=False)
    # only by the epoch, which the client takes as a reset all the same.
    hellos: list[dict[str, Any]] = []

    async def restarting(ws: ServerConnection) -> None:
        hellos.append(json.loads(await ws.recv()))
        if len(hellos) == 1:
            welcome = Welcome("lobby", "alice", "tok", ("alice",), seq=0, epoch="e1")
            await ws.send(welcome.serialize())
            for seq in (1, 2):
                await ws.send(chat(seq))
            await ws.close(1012, "room history reset: resume now")
        else:
            welcome = Welcome(
                "lobby", "alice", "tok", ("alice",), seq=1, replay=1, epoch="e2", reset=flagged
            )
            await ws.send(welcome.serialize())
            await ws.send(chat(1, "after the reset"))
            await ws.wait_closed()

    async with ws_server(restarting, select_subprotocol=roomcast_only) as root:
        url = root + "r/lobby"  # a room path: offered roomcast.v1
        # A 30 s backoff: reconnecting within `until`'s 10 s shows there was no wait.
        alice = make(name="alice", backoff=Backoff(initial=30, maximum=30))
        alice.client.start([url])
        await until(lambda: len(hellos) == 2 and alice.connected(), what="the second join")
        text = "The server restarted the room; reconnecting at once"
        waiting = [s for s in alice.statuses if s.state is RECONNECTING]
        assert waiting and all(s.detail == text and s.retry_in is None for s in waiting)
        assert alice.notices[0].text == text
        assert (hellos[1]["since"], hellos[1]["epoch"], hellos[1]["token"]) == (2, "e1", "tok")
        assert "epoch" not in hellos[0] and "since" not in hellos[0]
        [reset] = alice.resets
        assert reset.epoch == "e2"
        await until(lambda: len(alice.messages()) == 3, what="the new history's seq 1")
        assert [(m.seq, m.content) for m in alice.messages()] == [
            (1, "m1"),
            (2, "m2"),
            (1, "after the reset"),
        ]
        assert (alice.client.last_seq, alice.client.epoch) == (1, "e2")
        await alice.client.stop()


async def test_a_server_that_keeps_closing_with_1012_is_waited_for(
    make: Callable[..., Recorder],
) -> None:
    connections = 0

    async def restart_loop(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        await ws.recv()
        await ws.send(Welcome("lobby", "alice", "tok", ("alice",), seq=0, epoch="e").serialize())
        await ws.close(1012, "again")

    async with ws_server(restart_loop, select_subprotocol=roomcast_only) as root:
        url = root + "r/lobby"  # a room path: offered roomcast.v1
        alice = make(name="alice", backoff=Backoff(initial=30, maximum=30))
        alice.client.start([url])
        # Once at once; the second 1012 soon after waits like any other failure.
        await until(lambda: alice.status.retry_in is not None, what="a backoff wait")
        assert connections == 2
        await asyncio.sleep(0.3)
        assert connections == 2
        await alice.client.stop()


async def test_failover_to_the_next_url(make: Callable[..., Recorder]) -> None:
    dead = f"ws://127.0.0.1:{closed_port()}/"
    async with running_server() as server:
        alice = make(name="alice")
        await alice.start([dead, server.urls[0]])
        assert alice.status.url == server.urls[0]
        assert any(s.url == dead and s.state is RECONNECTING for s in alice.statuses)


async def test_an_address_that_never_answers_is_given_up(
    make: Callable[..., Recorder],
) -> None:
    port = closed_port()
    url = f"ws://127.0.0.1:{port}/"
    client = make()  # the default attempts, the short backoff
    client.client.start([url])
    await until(lambda: client.status.unreachable, what="giving up")
    refused = f"Connection refused by 127.0.0.1:{port} — is the server running?"
    final = f"Could not reach 127.0.0.1:{port}: {refused}"
    assert client.status == Status(
        DISCONNECTED, url, attempt=NEVER_CONNECTED_ATTEMPTS, detail=final, unreachable=True
    )
    assert not client.client.running
    # NEVER_CONNECTED_ATTEMPTS attempts, with a backoff wait between each two.
    waits = [s.attempt for s in client.statuses if s.retry_in is not None]
    assert waits == list(range(1, NEVER_CONNECTED_ATTEMPTS))
    assert [s.unreachable for s in client.statuses] == [False] * (len(client.statuses) - 1) + [True]
    # One notice per distinct text: the refusal once, then why it stopped.
    assert [(n.severity, n.text) for n in client.notices] == [
        (Severity.WARNING, refused),
        (Severity.WARNING, final),
    ]
    # Nothing more happens, and retry_now() does not start it again: start() does.
    seen = len(client.statuses)
    client.client.retry_now()
    await asyncio.sleep(0.3)
    assert len(client.statuses) == seen
    assert not client.client.running
    client.client.start([url])
    await until(lambda: len(client.statuses) > seen and client.status.unreachable)
    assert client.statuses[seen].state is ConnectionState.CONNECTING
    assert not client.statuses[seen].unreachable


async def test_every_failover_url_is_tried_before_giving_up(
    make: Callable[..., Recorder],
) -> None:
    first, second = closed_port(), closed_port()
    urls = [f"ws://127.0.0.1:{first}/", f"ws://127.0.0.1:{second}/"]
    client = make(never_connected_attempts=1)
    client.client.start(urls)
    await until(lambda: client.status.unreachable, what="giving up")
    assert {s.url for s in client.statuses} == set(urls)
    assert client.status.detail == (
        f"Could not reach 127.0.0.1:{first}, 127.0.0.1:{second}: "
        f"Connection refused by 127.0.0.1:{second} — is the server running?"
    )


def test_never_connected_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="never_connected_attempts"):
        RoomClient(never_connected_attempts=0)


async def test_a_client_that_was_connected_keeps_reconnecting(
    make: Callable[..., Recorder],
) -> None:
    async with running_server() as server:
        alice = make(
            name="alice",
            never_connected_attempts=2,
            backoff=Backoff(initial=0.01, maximum=0.02),
        )
        await alice.start(server.urls)
    # The server is gone for good: attempts go on well past never_connected_attempts.
    await until(lambda: alice.status.attempt >= 6, what="six attempts")
    assert alice.status.state is RECONNECTING
    after = next(i for i, s in enumerate(alice.statuses) if s.state is CONNECTED)
    assert all(s.state is RECONNECTING and not s.unreachable for s in alice.statuses[after + 1 :])
    assert alice.client.running
    alice.client.retry_now()  # still skips the wait
    await until(lambda: alice.status.attempt >= 7, what="another attempt")


def test_backoff_bounds_and_reset() -> None:
    backoff = Backoff(initial=1.0, maximum=30.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(8)]
    for delay, base in zip(delays, [1, 2, 4, 8, 16, 30, 30, 30], strict=True):
        assert base * 0.5 <= delay <= base
    assert backoff.attempt == 8
    again = Backoff(initial=1.0, maximum=30.0, rng=random.Random(7))
    assert [again.next_delay() for _ in range(8)] == delays  # seeded: reproducible
    backoff.reset()
    assert backoff.attempt == 0
    assert 0.5 <= backoff.next_delay() <= 1.0
    with pytest.raises(ValueError, match="initial"):
        Backoff(initial=0)


async def test_backoff_resets_after_a_stable_connection(make: Callable[..., Recorder]) -> None:
    connections = 0

    async def flaky(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        if connections == 4:
            await asyncio.sleep(0.4)  # longer than stable_after
        await ws.close(1011, "flaky")

    async with ws_server(flaky) as url:
        client = make(backoff=Backoff(initial=0.01, maximum=0.05, stable_after=0.2))
        client.client.start([url])

        def waits() -> list[int]:
            return [s.attempt for s in client.statuses if s.retry_in is not None]

        await until(lambda: len(waits()) >= 5)
        assert waits()[:5] == [1, 2, 3, 1, 2]
        await client.client.stop()


# ---------------------------------------------------------------------------
# Foreign servers
# ---------------------------------------------------------------------------


async def test_foreign_echo_server(make: Callable[..., Recorder]) -> None:
    async with ws_server(echo) as url:
        alice = make(name="alice", welcome_timeout=30)
        await alice.start([url])  # no roomcast.v1 accepted: foreign at once
        assert alice.status == Status(CONNECTED, url=url)
        entry = alice.client.send_message("hi there")
        await until(lambda: entry.state is SendState.SENT)
        assert entry.seq is None
        await until(lambda: alice.frames)
        assert alice.frames[0].kind == "json"
        assert alice.frames[0].data == {"type": "message", "content": "hi there"}

        alice.client.send_raw("not json")
        alice.client.send_raw('{"type": "message", "seq": "one"}')
        await until(lambda: len(alice.frames) == 3)
        assert [(f.kind, f.raw) for f in alice.frames[1:]] == [
            ("text", "not json"),
            ("json", '{"type": "message", "seq": "one"}'),
        ]
        alice.client.request_history(None)  # not a Roomcast room: said so, nothing sent
        assert alice.notices[-1].severity is Severity.WARNING


async def test_foreign_server_accepting_any_subprotocol(make: Callable[..., Recorder]) -> None:
    async with ws_server(echo, select_subprotocol=like_npm_ws) as root:
        alice = make(name="alice", welcome_timeout=30)
        # A room path is offered roomcast.v1 (RoomClient.offered), which npm `ws`
        # accepts: the first frame (our hello, echoed) is no welcome.
        await alice.start([root + "r/team"])
        assert not alice.status.roomcast
        assert alice.frames[0].kind == "json"
        assert alice.frames[0].data["type"] == "hello"  # type: ignore[index]


async def test_silent_server_is_foreign_after_welcome_timeout(
    make: Callable[..., Recorder],
) -> None:
    async def silent(ws: ServerConnection) -> None:
        async for _ in ws:
            pass

    async with ws_server(silent, select_subprotocol=like_npm_ws) as url:
        alice = make(welcome_timeout=0.2)
        await alice.start([url])
        assert not alice.status.roomcast
        entry = alice.client.send_message("anyone?")
        await until(lambda: entry.state is SendState.SENT)


async def test_binary_and_text_frames_are_shown(make: Callable[..., Recorder]) -> None:
    async def chatty(ws: ServerConnection) -> None:
        for frame in ('{"a": 1}', "plain text", b"\x00\x01", '{"type":"typing","from":"x"}'):
            await ws.send(frame)
        await ws.wait_closed()

    async with ws_server(chatty) as url:
        alice = make()
        await alice.start([url])
        await until(lambda: len(alice.frames) == 4)
        assert [f.kind for f in alice.frames] == ["json", "text", "binary", "roomcast"]
        assert alice.frames[0].data == {"a": 1}
        assert alice.frames[2].raw == b"\x00\x01"


# ---------------------------------------------------------------------------
# Stopping
# ---------------------------------------------------------------------------


async def test_stop_closes_and_leaves_no_tasks(make: Callable[..., Recorder]) -> None:
    async with running_server() as server:
        async with member(server.urls[0], "bob") as (bob, _):
            alice = make(name="alice")
            await alice.start(server.urls)
            await bob.until("presence", event="join", name="alice")
            await alice.client.stop()
            assert alice.status.state is DISCONNECTED
            await bob.until("presence", event="leave", name="alice")
            await alice.client.stop()  # idempotent
    # Stopped while waiting to reconnect: no task left behind either.
    alice.client.retry_now()
    await until(lambda: alice.status.state is RECONNECTING)
    await alice.client.stop()
    alice.client.send_raw("{}")
    assert alice.notices[-1] == Notice(
        Severity.ERROR, "Not connected: the frame was not sent", alice.notices[-1].time
    )
    assert alice.status.state is DISCONNECTED
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_start_twice_is_an_error(make: Callable[..., Recorder]) -> None:
    client = make()
    client.client.start([f"ws://127.0.0.1:{closed_port()}/"])
    with pytest.raises(RuntimeError, match="already started"):
        client.client.start([f"ws://127.0.0.1:{closed_port()}/"])
    await client.client.stop()
    assert asyncio.all_tasks() == {asyncio.current_task()}


@pytest.mark.parametrize(
    ("data", "kind", "parsed"),
    [
        (b'{"type": "message", "content": "hi"}', "json", {"type": "message", "content": "hi"}),
        ("héllo".encode(), "text", None),
        (b"\xff\xfe\x00binary", "binary", None),
        (b"\x00\x01", "binary", None),  # valid UTF-8, but data, not text
        (b"line one\r\n\tline two", "text", None),
        (b"", "binary", None),
        # Binary never becomes a Roomcast frame (those are text frames).
        (b'{"type": "presence", "event": "join", "name": "x", "count": 1}', "json", None),
    ],
)
def test_binary_frames_that_are_utf_8_are_classified_as_their_text(
    data: bytes, kind: str, parsed: object
) -> None:
    from roomcast.desktop.client import classify

    incoming = classify(data)
    assert incoming.kind == kind
    assert incoming.raw is data and incoming.frame is None
    if parsed is not None:
        assert incoming.data == parsed
