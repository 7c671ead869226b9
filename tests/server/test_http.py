"""PROTOCOL.md, Transport: paths, /healthz, upgrade, Origin."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.helpers import member, peer, running_server


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
