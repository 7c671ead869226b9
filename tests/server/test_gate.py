"""PROTOCOL.md, Transport: paths, /healthz, upgrade, Origin."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any, cast

import pytest
from websockets.asyncio.client import connect
from websockets.datastructures import Headers
from websockets.exceptions import InvalidStatus
from websockets.http11 import Request, Response
from websockets.server import ServerProtocol

from roomcast.server import defaults
from roomcast.server.gate import SINGLE_HEADERS, Gate, own_hosts
from roomcast.server.limits import AddressLimits
from roomcast.server.netinfo import lan_ipv4_addresses
from roomcast.server.wire import Connection
from tests.helpers import member, peer, running_server, until


async def http_get(
    url: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """A plain HTTP/1.1 GET over a real socket."""
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    lines = [f"GET {path} HTTP/1.1", f"Host: {host_port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    raw = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = raw.decode().partition("\r\n\r\n")
    status_line, *header_lines = head.split("\r\n")
    parsed = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
    return int(status_line.split()[1]), parsed, body


async def test_healthz_counts_rooms_and_connections() -> None:
    async with running_server() as server:
        status, headers, body = await http_get(server.urls[0], "/healthz")
        assert status == 200
        assert headers["content-type"] == "application/json"
        assert json.loads(body) == {"status": "ok", "rooms": 0, "connections": 0}
        async with (
            member(server.urls[0] + "r/a", "x"),
            member(server.urls[0] + "r/b", "y"),
            member(server.urls[0] + "r/b", "z"),
        ):
            _, _, body = await http_get(server.urls[0], "/healthz")
            assert json.loads(body) == {"status": "ok", "rooms": 2, "connections": 3}


@pytest.mark.parametrize("path", ["/nope", "/r/", "/r/bad name", "/r/a/b", "/r/" + "x" * 65])
async def test_other_paths_are_404_before_the_upgrade(path: str) -> None:
    async with running_server() as server:
        with pytest.raises(InvalidStatus) as info:
            async with connect(server.urls[0].rstrip("/") + path.replace(" ", "%20")):
                pass
        assert info.value.response.status_code == 404


async def test_plain_get_of_a_room_is_426() -> None:
    async with running_server() as server:
        status, headers, body = await http_get(server.urls[0], "/")
        assert status == 426
        assert headers["upgrade"] == "websocket"
        assert (
            body
            == "This is a Roomcast room: connect with a WebSocket client or the Roomcast app.\n"
        )


async def test_forged_origin_is_403_and_never_upgraded() -> None:
    async with running_server() as server:
        with pytest.raises(InvalidStatus) as info:
            async with connect(server.urls[0], origin="http://evil.example"):  # type: ignore[arg-type]
                pass
        assert info.value.response.status_code == 403
        assert info.value.response.body == (
            b"Origin http://evil.example is not allowed here; the operator can allow it "
            b"with --allow-origin.\n"
        )
        # A DNS-rebinding page names itself with the server's port: still refused.
        port = server.port
        with pytest.raises(InvalidStatus) as info:
            async with connect(server.urls[0], origin=f"http://evil.example:{port}"):  # type: ignore[arg-type]
                pass
        assert info.value.response.status_code == 403
        assert server.health()["connections"] == 0


@pytest.mark.parametrize("origin", ["null", "file://", "http://127.0.0.1:1"])
async def test_other_bad_origins_are_403(origin: str) -> None:
    async with running_server() as server:
        with pytest.raises(InvalidStatus) as info:
            async with connect(server.urls[0], origin=origin):  # type: ignore[arg-type]
                pass
        assert info.value.response.status_code == 403


async def test_own_origin_and_allowlisted_origin_are_accepted() -> None:
    async with running_server(allow_origins=("https://chat.example.com",)) as server:
        port = server.port
        for origin in (
            f"http://127.0.0.1:{port}",
            f"http://localhost:{port}",
            "https://chat.example.com",
        ):
            async with peer(server.urls[0], origin=origin) as p:
                await p.send({"type": "hello", "name": "web"})
                assert (await p.recv())["type"] == "welcome"


async def test_no_origin_native_client_is_accepted() -> None:
    async with running_server() as server, member(server.urls[0], "native") as (_, welcome):
        assert welcome["you"] == "native"


async def test_subprotocol_is_accepted_and_optional() -> None:
    async with running_server() as server:
        async with peer(server.urls[0]) as p:
            assert p.ws.subprotocol == "roomcast.v1"
        async with peer(server.urls[0], subprotocols=None) as p:
            assert p.ws.subprotocol is None
        async with peer(server.urls[0], subprotocols=["chat"]) as p:
            assert p.ws.subprotocol is None
            assert (await p.recv())["type"] == "welcome"


# -- Gate.origin_allowed and own_hosts, as units ---------------------------------------

#: What a server bound to 127.0.0.1:8765 and reachable as 10.0.0.5 on 80 and 443 answers on.
OWN = {"127.0.0.1:8765", "localhost:8765", "[::1]:8765", "10.0.0.5:80", "10.0.0.5:443"}


def gate(*allow: str) -> Gate:
    g = Gate(allow, health=lambda: {"status": "ok"})
    g.own_hosts = set(OWN)
    return g


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        # The server's own addresses, whatever the scheme of the page.
        ("http://127.0.0.1:8765", True),
        ("https://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
        ("http://LocalHost:8765", True),
        ("http://[::1]:8765", True),
        ("http://localhost:8765/", True),  # trailing slash
        ("  http://localhost:8765  ", True),
        # Default ports: 80 for http, 443 for https, written or not.
        ("http://10.0.0.5", True),
        ("https://10.0.0.5", True),
        ("http://10.0.0.5:80", True),
        ("https://10.0.0.5:443", True),
        ("http://127.0.0.1", False),  # port 80 is not the server's
        ("https://localhost", False),
        # Another host, or another port of ours.
        ("http://evil.example:8765", False),
        ("http://evil.example", False),
        ("http://127.0.0.1:8766", False),
        ("http://127.0.0.2:8765", False),
        ("http://[::2]:8765", False),
        # Not http(s), not an origin, or a broken port.
        ("ws://127.0.0.1:8765", False),
        ("file://", False),
        ("null", False),
        ("", False),
        ("http://:8765", False),
        ("http://127.0.0.1:99999", False),
        ("http://127.0.0.1:port", False),
        ("http://127.0.0.1:-1", False),
    ],
)
def test_origin_allowed_own_addresses(origin: str, allowed: bool) -> None:
    assert gate().origin_allowed(origin) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://chat.example.com", True),
        ("https://chat.example.com/", True),
        ("HTTPS://Chat.Example.COM", True),
        ("http://other.example:8080", True),
        ("http://chat.example.com", False),  # another scheme is another origin
        ("https://chat.example.com:8443", False),
        ("https://evil.chat.example.com", False),
        ("https://chat.example.com.evil", False),
        ("http://other.example", False),
        ("http://localhost:8765", True),  # the allowlist adds to the own addresses
    ],
)
def test_origin_allowed_allowlist(origin: str, allowed: bool) -> None:
    # Entries are normalized too: trailing slash and case.
    g = gate("https://chat.example.com/", "HTTP://Other.Example:8080")
    assert g.origin_allowed(origin) is allowed


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "ws://x", "http://127.0.0.1:99999", "file://"]
)
def test_origin_allowed_star_allows_anything(origin: str) -> None:
    assert gate().origin_allowed(origin) is False
    assert gate("*").origin_allowed(origin) is True
    assert gate("https://a.example", "*").origin_allowed(origin) is True


def test_origin_allowed_with_no_own_hosts_yet_refuses_all_but_the_allowlist() -> None:
    g = Gate(["https://chat.example.com"], health=lambda: {"status": "ok"})
    assert g.own_hosts == set()
    assert g.origin_allowed("https://chat.example.com") is True
    assert g.origin_allowed("http://127.0.0.1:8765") is False


LOOPBACK_TRIO = {"localhost", "127.0.0.1", "[::1]"}


@pytest.mark.parametrize(
    ("bound", "port", "hosts"),
    [
        ("127.0.0.1", 8765, LOOPBACK_TRIO),
        ("localhost", 8765, LOOPBACK_TRIO),
        ("127.0.0.2", 9000, LOOPBACK_TRIO | {"127.0.0.2"}),
        ("192.0.2.7", 9000, {"192.0.2.7"}),
        ("Chat.Example.LAN", 1, {"chat.example.lan"}),
    ],
)
def test_own_hosts_of_a_named_address(bound: str, port: int, hosts: set[str]) -> None:
    assert own_hosts(bound, port, []) == {f"{h}:{port}" for h in hosts}


def test_own_hosts_of_the_wildcard_are_loopback_and_every_lan_address() -> None:
    expected = {"0.0.0.0", *LOOPBACK_TRIO, *lan_ipv4_addresses()}
    assert own_hosts("0.0.0.0", 8765, []) == {f"{h}:8765" for h in expected}
    g = gate()
    g.own_hosts = own_hosts("0.0.0.0", 8765, [])
    for address in lan_ipv4_addresses():
        assert g.origin_allowed(f"http://{address}:8765")
        assert not g.origin_allowed(f"http://{address}:8766")
    assert g.origin_allowed("http://localhost:8765")
    assert not g.origin_allowed("http://evil.example:8765")


@pytest.fixture
def ipv4_socket() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock


def test_own_hosts_include_the_bound_sockets(ipv4_socket: socket.socket) -> None:
    port = ipv4_socket.getsockname()[1]
    # A server told "localhost" is also its socket's address.
    assert own_hosts("localhost", port, [ipv4_socket]) == {f"{h}:{port}" for h in LOOPBACK_TRIO}
    assert own_hosts("192.0.2.7", port, [ipv4_socket]) == {
        f"192.0.2.7:{port}",
        f"127.0.0.1:{port}",
    }


def test_own_hosts_bracket_an_ipv6_socket_as_origins_do() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 in this Python")
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("::1", 0))
        except OSError as exc:
            pytest.skip(f"no IPv6 loopback here: {exc}")
        port = sock.getsockname()[1]
        hosts = own_hosts("192.0.2.7", port, [sock])
        assert hosts == {f"192.0.2.7:{port}", f"[::1]:{port}"}
        g = gate()
        g.own_hosts = hosts
        assert g.origin_allowed(f"http://[::1]:{port}")
        assert not g.origin_allowed(f"http://[::1]:{port + 1}")


# -- duplicate headers and per-address limits (Gate.process_request, as a unit) ---------------


class FakeWire:
    """What the gate reads of a wire.Connection: the peer and how to answer."""

    def __init__(self, remote: str = "203.0.113.7:40000", path: str = "/") -> None:
        self.remote = remote
        self.path = path

    def respond(self, status: int, text: str) -> Response:
        return ServerProtocol().reject(status, text)


def upgrade(path: str = "/", *extra: tuple[str, str]) -> Request:
    headers = Headers(
        [
            ("Host", "127.0.0.1:8765"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
            *extra,
        ]
    )
    return Request(path, headers)


def limited_gate(clock: list[float], **settings: Any) -> Gate:
    g = Gate(
        (),
        health=lambda: {"status": "ok"},
        limits=AddressLimits(**settings),
        clock=lambda: clock[0],
    )
    g.own_hosts = set(OWN)
    return g


def answer(g: Gate, request: Request, wire: FakeWire | None = None) -> Response | None:
    return g.process_request(cast(Connection, wire or FakeWire()), request)


@pytest.mark.parametrize("header", SINGLE_HEADERS)
def test_a_duplicate_header_is_400(header: str) -> None:
    base = dict(upgrade().headers.raw_items())
    value = base.get(header, "http://127.0.0.1:8765")
    twice = [(header, value)] * (1 if header in base else 2)
    request = upgrade("/", *twice)
    assert len(request.headers.get_all(header)) == 2
    for g in (gate(), limited_gate([0.0])):
        response = answer(g, request)
        assert response is not None
        assert response.status_code == 400
        assert response.body == f"duplicate {header} header\n".encode()


def test_two_origin_headers_are_400_not_a_traceback() -> None:
    request = upgrade("/", ("Origin", "http://127.0.0.1:8765"), ("Origin", "http://evil.example"))
    response = answer(gate(), request)
    assert response is not None
    assert (response.status_code, response.body) == (400, b"duplicate Origin header\n")


def test_headers_that_may_repeat_are_not_duplicates() -> None:
    request = upgrade(
        "/",
        ("Connection", "keep-alive"),
        ("Sec-WebSocket-Protocol", "roomcast.v1"),
        ("Sec-WebSocket-Protocol", "chat"),
    )
    assert answer(gate(), request) is None


def test_handshakes_past_the_burst_are_429_with_retry_after() -> None:
    clock = [0.0]
    g = limited_gate(clock, handshake_rate=0.5, handshake_burst=2)
    assert answer(g, upgrade()) is None
    assert answer(g, upgrade("/r/team")) is None
    response = answer(g, upgrade())
    assert response is not None
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response.body == (
        b"too many connection attempts from your address (at most 0.5 per second): "
        b"try again in 2 s\n"
    )
    # Another address is not held back.
    assert answer(g, upgrade(), FakeWire("198.51.100.9:1")) is None
    clock[0] = 2.0
    assert answer(g, upgrade()) is None


def test_one_ipv6_64_is_one_address() -> None:
    g = limited_gate([0.0], handshake_burst=1)
    assert answer(g, upgrade(), FakeWire("2001:db8:1:2::1:5000")) is None
    response = answer(g, upgrade(), FakeWire("2001:db8:1:2:ffff::9:5001"))
    assert response is not None and response.status_code == 429
    assert answer(g, upgrade(), FakeWire("2001:db8:1:3::1:5000")) is None


def test_what_is_refused_anyway_spends_no_handshake() -> None:
    # 404, 426 and a foreign Origin (a hostile page in the visitor's browser)
    # do not use up the visitor's handshakes.
    g = limited_gate([0.0], handshake_burst=1)
    not_found = answer(g, upgrade("/nope"))
    assert not_found is not None and not_found.status_code == 404
    plain = Request("/", Headers([("Host", "127.0.0.1:8765")]))
    no_upgrade = answer(g, plain)
    assert no_upgrade is not None and no_upgrade.status_code == 426
    for _ in range(5):
        forged = answer(g, upgrade("/", ("Origin", "http://evil.example")))
        assert forged is not None and forged.status_code == 403
    healthz = answer(g, Request("/healthz", Headers()))
    assert healthz is not None and healthz.status_code == 200
    assert answer(g, upgrade()) is None


def test_connections_are_counted_from_opened_to_closed() -> None:
    g = limited_gate([0.0], max_connections_per_address=2, max_rooms=1)
    first, second = FakeWire(path="/"), FakeWire(path="/")
    assert answer(g, upgrade(), first) is None
    assert g.opened(cast(Connection, first)) == "203.0.113.7"
    assert answer(g, upgrade(), second) is None
    g.opened(cast(Connection, second))
    refused = answer(g, upgrade())
    assert refused is not None
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(defaults.CAP_RETRY_AFTER)
    # The room cap (one room: the lobby is open) is 503 for a new room.
    other = answer(g, upgrade("/r/new"), FakeWire("198.51.100.9:1"))
    assert other is not None and other.status_code == 503
    assert other.body == (
        b"this server has its maximum of 1 rooms open: join an open room, or try again later\n"
    )
    g.closed(cast(Connection, first))
    g.closed(cast(Connection, first))  # idempotent
    assert answer(g, upgrade()) is None
    g.closed(cast(Connection, second))
    assert answer(g, upgrade("/r/new"), FakeWire("198.51.100.9:1")) is None


def test_tcp_connections_past_the_cap_are_429_at_once() -> None:
    # Half-open handshakes count: the wire asks before any request arrives.
    g = limited_gate([0.0], max_connections_per_address=2)
    wires = [cast(Connection, FakeWire(f"203.0.113.7:{port}")) for port in (1, 2, 3)]
    assert g.connected(wires[0]) is None
    assert g.connected(wires[1]) is None
    refused = g.connected(wires[2])
    assert refused is not None
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(defaults.CAP_RETRY_AFTER)
    assert refused.body == (
        b"too many connections from your address (at most 2): close one, or try again later\n"
    )
    assert g.connected(cast(Connection, FakeWire("198.51.100.9:1"))) is None
    g.disconnected(wires[2])  # refused: never counted
    g.disconnected(wires[0])
    assert g.connected(wires[2]) is None


def test_a_gate_without_limits_counts_nothing() -> None:
    g = gate()
    wire = cast(Connection, FakeWire("[::1]:9"))
    assert g.connected(wire) is None
    assert g.opened(wire) == "::1"
    g.closed(wire)
    g.disconnected(wire)
    assert g.limits is None


# -- over sockets ---------------------------------------------------------------------------


async def test_two_origin_headers_over_a_socket_are_400_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_server() as server:
        status, _, body = await http_get(
            server.urls[0],
            "/",
            {
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version": "13",
                "Origin": "http://127.0.0.1:1",
                "origin": "http://evil.example",
            },
        )
        assert (status, body) == (400, "duplicate Origin header\n")
        assert "process_request failed" not in caplog.text
        assert server.health()["connections"] == 0


async def refused(url: str) -> Response:
    with pytest.raises(InvalidStatus) as info:
        async with peer(url):
            pass
    return info.value.response


async def test_connections_per_address_over_sockets() -> None:
    async with running_server(max_connections_per_address=2) as server:
        url = server.urls[0]
        async with peer(url), peer(url + "r/other"):
            response = await refused(url)
            assert response.status_code == 429
            assert response.headers["Retry-After"] == str(defaults.CAP_RETRY_AFTER)
            assert response.body == (
                b"too many connections from your address (at most 2): "
                b"close one, or try again later\n"
            )
        # Closed: counted no more.
        await until(lambda: server.health()["connections"] == 0)
        async with peer(url), peer(url):
            pass


async def test_handshakes_per_second_over_sockets() -> None:
    async with running_server(handshake_rate=0.5, handshake_burst=2) as server:
        url = server.urls[0]
        for _ in range(2):
            async with peer(url):
                pass
        response = await refused(url)
        assert response.status_code == 429
        assert response.headers["Retry-After"] in ("1", "2")


async def test_rooms_cap_over_sockets() -> None:
    async with running_server(max_rooms=1) as server:
        url = server.urls[0]
        async with member(url + "r/first", "ann"):
            response = await refused(url + "r/second")
            assert response.status_code == 503
            assert response.headers["Retry-After"] == str(defaults.CAP_RETRY_AFTER)
            async with member(url + "r/first", "bob"):
                pass
        await until(lambda: server.health()["connections"] == 0)
        async with member(url + "r/second", "ann"):
            pass


async def test_half_open_connections_count_against_their_address() -> None:
    async with running_server(max_connections_per_address=3) as server:
        silent = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(3)]
        try:
            # No request sent yet: the fourth is answered at once, and closed.
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            raw = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            assert raw.startswith(b"HTTP/1.1 429 ")
            assert f"Retry-After: {defaults.CAP_RETRY_AFTER}\r\n".encode() in raw
        finally:
            for _, w in silent:
                w.close()
        # Gone: counted no more.
        limits = server._gate.limits
        assert limits is not None
        await until(lambda: limits.tcp_connections_from("127.0.0.1") == 0)
        async with peer(server.urls[0]):
            pass
