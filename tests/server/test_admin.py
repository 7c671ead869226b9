"""The host's controls (server/admin.py, RoomServer's kick/ban/password/members)
and the headless server's admin endpoint, against real servers and clients."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from roomcast.server.admin import (
    BANNED_NAME_REASON,
    KICK_PREFIX,
    AdminAnswer,
    Ban,
    Bans,
    Kick,
    ListMembers,
    SetPassword,
    Unban,
    authorized,
    kick_reason,
    route,
)
from roomcast.server.app import RoomServer
from roomcast.server.protocol import SUBPROTOCOL
from roomcast.server.session import Phase
from tests.helpers import WAIT, RawClient, member, peer, running_server, server_process, until

TOKEN = "t0ken-for-the-admin-endpoint"

# -- sans-I/O: routes, tokens, bans ---------------------------------------------------


def test_route_builds_each_command() -> None:
    assert route("GET", "/admin/members", {}) == ListMembers(None)
    assert route("GET", "/admin/members?room=chat", {}) == ListMembers("chat")
    assert route("POST", "/admin/kick?room=chat&name=bob&reason=spam", {}) == Kick(
        "chat", "bob", "spam"
    )
    assert route("POST", "/admin/ban?name=bob", {}) == Ban("name", "bob")
    assert route("POST", "/admin/ban?address=10.0.0.7", {}) == Ban("address", "10.0.0.7")
    assert route("POST", "/admin/unban?address=10.0.0.7", {}) == Unban("address", "10.0.0.7")
    assert route("POST", "/admin/password", {"Roomcast-Password": "s3cret"}) == SetPassword(
        "s3cret"
    )
    assert route("POST", "/admin/password", [("roomcast-password", "")]) == SetPassword(None)


@pytest.mark.parametrize(
    ("method", "target", "status"),
    [
        ("GET", "/admin/", 404),
        ("GET", "/admin/nothing", 404),
        ("POST", "/admin/members", 405),
        ("GET", "/admin/kick?room=a&name=b", 405),
        ("POST", "/admin/kick?room=chat", 400),
        ("POST", "/admin/ban", 400),
        ("POST", "/admin/ban?name=a&address=1.2.3.4", 400),
        ("POST", "/admin/password", 400),
    ],
)
def test_route_says_whose_fault(method: str, target: str, status: int) -> None:
    answer = route(method, target, {})
    assert isinstance(answer, AdminAnswer)
    assert answer.status == status
    assert answer.body["error"]


def test_bearer_token() -> None:
    assert authorized(f"Bearer {TOKEN}", TOKEN)
    assert authorized(f"bearer   {TOKEN} ", TOKEN)
    assert not authorized(None, TOKEN)
    assert not authorized(TOKEN, TOKEN)
    assert not authorized(f"Basic {TOKEN}", TOKEN)
    assert not authorized(f"Bearer {TOKEN}x", TOKEN)


def test_bans_compare_names_as_the_protocol_does() -> None:
    bans = Bans()
    assert not bans
    assert bans.ban_name("Bob")
    assert not bans.ban_name("BOB")  # the same name (PROTOCOL.md, Names)
    assert bans.name_banned("bob") and bans.name_banned("\uff22\uff2f\uff22")  # fullwidth
    assert not bans.name_banned("bobby") and not bans.name_banned(None)
    assert bans.names == ["Bob"]
    assert bans.unban_name("bob") and not bans.name_banned("Bob")
    with pytest.raises(ValueError, match="name"):
        bans.ban_name("  ")


def test_bans_take_ip_addresses_only() -> None:
    bans = Bans()
    assert bans.ban_address("10.0.0.7")
    assert bans.address_banned("10.0.0.7") and not bans.address_banned("10.0.0.8")
    assert bans.as_json() == {"names": [], "addresses": ["10.0.0.7"]}
    with pytest.raises(ValueError, match="not an IP address"):
        bans.ban_address("example.com")
    assert bans.unban_address("10.0.0.7") and not bans.unban_address("10.0.0.7")


@given(st.text(max_size=300))
def test_kick_reason_always_starts_with_the_prefix(reason: str) -> None:
    text = kick_reason(reason)
    assert text.startswith(KICK_PREFIX)
    assert "\n" not in text and len(text) <= len(KICK_PREFIX) + 2 + 80


# -- the host's controls against real clients ------------------------------------------


def phases(server: RoomServer) -> list[Phase]:
    """Where each connection's session is (joined or not)."""
    return [conn.session.phase for conn in server._conns]


async def test_members_show_address_since_and_messages_sent() -> None:
    async with (
        running_server() as server,
        member(server.urls[0] + "r/chat", "alice"),
        member(server.urls[0] + "r/chat", "bob") as (bob, _),
    ):
        for text in ("one", "two"):
            await bob.send({"type": "message", "content": text})
            await bob.until("message", content=text)
        infos = {m.name: m for m in server.members()}
        assert set(infos) == {"alice", "bob"}
        assert infos["bob"].sent == 2 and infos["alice"].sent == 0
        assert infos["bob"].address == "127.0.0.1" and infos["bob"].room == "chat"
        assert infos["alice"].since <= infos["bob"].since
        assert server.members("elsewhere") == []
        # Round trip: a ping out, answered by the websockets client's pong.
        server.measure_rtt()
        await until(lambda: all(m.rtt is not None for m in server.members()), what="pongs")
        assert all(m.waiting == 0.0 for m in server.members())


async def test_kick_closes_with_the_hosts_reason_and_others_see_the_leave() -> None:
    async with (
        running_server() as server,
        member(server.urls[0] + "r/chat", "alice") as (alice, _),
        member(server.urls[0] + "r/chat", "bob") as (bob, _),
    ):
        await alice.until("presence", event="join", name="bob")
        assert not server.kick("chat", "nobody")
        assert not server.kick("other", "bob")
        assert server.kick("chat", "bob", "flooding\nthe room")
        assert await bob.closed() == (1008, "removed by the host: flooding the room")
        await alice.until("presence", event="leave", name="bob")
        # A kick is not a ban: bob may come back.
        async with member(server.urls[0] + "r/chat", "bob") as (_, welcome):
            assert welcome["you"] == "bob"


async def test_ban_name_removes_and_refuses_the_name_in_any_case() -> None:
    async with (
        running_server() as server,
        member(server.urls[0] + "r/chat", "alice"),
        member(server.urls[0] + "r/chat", "Bob") as (bob, _),
    ):
        assert server.ban_name("bob") == 1
        assert await bob.closed() == (1008, BANNED_NAME_REASON)
        async with peer(server.urls[0] + "r/chat") as again:
            await again.send({"type": "hello", "name": "BOB"})
            error = await again.until("error")
            assert error["code"] == "unauthorized"
            assert await again.closed() == (1008, BANNED_NAME_REASON)
        async with member(server.urls[0] + "r/chat", "carol") as (_, welcome):
            assert welcome["you"] == "carol"  # others still join
        assert server.unban_name("BOB")
        async with member(server.urls[0] + "r/chat", "bob") as (_, welcome):
            assert welcome["you"] == "bob"
        assert [m.name for m in server.members()] == ["alice"]


async def test_ban_address_closes_its_connections_and_refuses_new_ones() -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/chat"
        async with member(url, "alice") as (alice, _), peer(url) as waiting:
            with pytest.raises(ValueError, match="not an IP address"):
                server.ban_address("localhost")
            assert server.ban_address("127.0.0.1") == 2  # joined or not
            assert await alice.closed() == (1008, BANNED_NAME_REASON)
            assert (await waiting.closed())[0] == 1008
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, subprotocols=[SUBPROTOCOL], open_timeout=WAIT):  # type: ignore[list-item]
                pass
        assert refused.value.response.status_code == 403
        assert b"banned" in refused.value.response.body
        assert server.bans.addresses == ["127.0.0.1"]
        assert server.unban_address("127.0.0.1")
        async with member(url, "alice") as (_, welcome):
            assert welcome["you"] == "alice"


async def test_password_set_changed_and_cleared_while_hosting() -> None:
    async with running_server() as server:
        url = server.urls[0] + "r/chat"
        async with member(url, "alice") as (alice, _):
            server.set_password("first")
            assert server.password == "first"
            # Members already in stay.
            await alice.send({"type": "message", "content": "still here"})
            await alice.until("message", content="still here")
            async with peer(url) as bob:
                await bob.send({"type": "hello", "name": "bob"})
                assert (await bob.until("error"))["code"] == "unauthorized"
            async with member(url, "bob", password="first") as (_, welcome):
                assert welcome["you"] == "bob"
            server.set_password("second")
            async with member(url, "carol", password="second") as (_, welcome):
                assert welcome["you"] == "carol"
            # A client asked for the password when it is cleared joins with its hello.
            async with peer(url) as dave:
                await until(lambda: Phase.AUTH in phases(server), what="asked for the password")
                server.set_password(None)
                await dave.send({"type": "hello", "name": "dave"})
                assert (await dave.until("welcome"))["you"] == "dave"


async def test_setting_a_password_closes_connections_that_have_not_joined() -> None:
    async with running_server() as server, peer(server.urls[0] + "r/chat") as early:
        await until(lambda: phases(server) == [Phase.OPEN], what="room open, no hello yet")
        server.set_password("now")
        assert await early.closed() == (1008, "the host set a password: reconnect with it")


async def test_rtt_and_unsent_of_a_member_that_stopped_reading() -> None:
    """A client that stops reading: its unsent bytes grow, and its ping waits
    (no round trip), while a reading member shows a round trip and nothing unsent."""
    async with running_server(rate=1e6, burst=1e6, max_buffer=64 * 2**20) as server:
        url = server.urls[0] + "r/chat"
        stalled = await RawClient.open(url, subprotocols=[SUBPROTOCOL])
        try:
            sock = stalled.writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.protocol.send_text(json.dumps({"type": "hello", "name": "stalled"}).encode())
            await stalled.flush()
            await stalled.events()  # its welcome; from now on it reads nothing
            async with member(url, "alice") as (alice, _):
                server.measure_rtt()
                big = "x" * 16_000
                sent = 0

                def unsent() -> int:
                    return {m.name: m.unsent for m in server.members()}["stalled"]

                while unsent() < 1_000_000:
                    await alice.send({"type": "message", "content": big})
                    await alice.until("message")
                    sent += 1
                    assert sent < 3_000, f"stalled member's unsent stayed at {unsent()}"
                await until(
                    lambda: {m.name: m for m in server.members()}["alice"].rtt is not None,
                    what="alice's pong",
                )
                infos = {m.name: m for m in server.members()}
                assert infos["stalled"].rtt is None  # never answered
                assert infos["stalled"].waiting > 0.0
                assert infos["alice"].unsent < 65_536
                assert infos["alice"].sent == sent
        finally:
            stalled.close()


# -- the admin endpoint of roomcast-server ---------------------------------------------


async def http(
    url: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    """One HTTP/1.1 request on its own connection: (status, headers, JSON or text)."""
    host_port, _, rest = url.split("://", 1)[1].partition("/")
    host, _, port = host_port.rpartition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    lines = [f"{method} /{rest} HTTP/1.1", f"Host: {host_port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = await asyncio.wait_for(reader.read(), WAIT)
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    got = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    parsed: Any = json.loads(body) if "json" in got.get("content-type", "") else body.decode()
    return int(status_line.split()[1]), got, parsed


async def test_admin_endpoint_off_without_a_token() -> None:
    async with running_server() as server:
        status, _, text = await http(server.urls[0].replace("ws", "http") + "admin/members")
        assert status == 404 and "No room at /admin/members" in text


async def test_admin_endpoint_lists_kicks_bans_and_sets_the_password() -> None:
    async with running_server(admin_token=TOKEN, password_tries=2) as server:
        base = server.urls[0].replace("ws://", "http://")
        auth = {"Authorization": f"Bearer {TOKEN}"}
        status, headers, body = await http(base + "admin/members")
        assert status == 401 and headers["www-authenticate"].startswith("Bearer")
        async with (
            member(server.urls[0] + "r/chat", "alice") as (alice, _),
            member(server.urls[0] + "r/chat", "bob") as (bob, _),
        ):
            status, headers, body = await http(base + "admin/members?room=chat", headers=auth)
            assert status == 200 and headers["content-type"] == "application/json"
            assert headers["cache-control"] == "no-store"
            assert [m["name"] for m in body["members"]] == ["alice", "bob"]
            assert set(body["members"][0]) == {
                "room", "name", "address", "since", "rtt", "waiting", "unsent", "sent"
            }  # fmt: skip
            assert body["password"] is False and body["bans"] == {"names": [], "addresses": []}
            status, _, body = await http(
                base + "admin/kick?room=chat&name=bob&reason=bye%20now", "POST", auth
            )
            assert (status, body) == (200, {"kicked": True})
            assert await bob.closed() == (1008, "removed by the host: bye now")
            status, _, body = await http(base + "admin/kick?room=chat&name=bob", "POST", auth)
            assert status == 404 and "bob" in body["error"]
            status, _, body = await http(base + "admin/ban?name=alice", "POST", auth)
            assert (status, body) == (200, {"banned": {"name": "alice"}, "kicked": 1})
            assert await alice.closed() == (1008, BANNED_NAME_REASON)
        status, _, body = await http(base + "admin/ban?address=nowhere", "POST", auth)
        assert status == 400 and "not an IP address" in body["error"]
        status, _, body = await http(
            base + "admin/password", "POST", {**auth, "Roomcast-Password": "pw"}
        )
        assert (status, body) == (200, {"password": True})
        assert server.password == "pw"
        status, _, body = await http(base + "admin/members", headers=auth)
        assert body["password"] is True and body["bans"]["names"] == ["alice"]
        # Wrong tokens are slowed per address, like wrong passwords.
        wrong = {"Authorization": "Bearer not-the-token"}
        answers = [(await http(base + "admin/members", headers=wrong))[2] for _ in range(4)]
        assert "valid admin token" in answers[0]["error"]
        assert "valid admin token" not in answers[-1]["error"]


def test_admin_token_file_too_short_is_a_usage_error(tmp_path: Any) -> None:
    from tests.helpers import run_module

    token = tmp_path / "token"
    token.write_text("short\n")
    result = run_module("roomcast.server", "--port", "0", "--admin-token-file", str(token))
    assert result.returncode == 2
    assert "admin token must be at least 16 characters" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_module(
        "roomcast.server", "--port", "0", "--admin-token-file", str(tmp_path / "none")
    )
    assert result.returncode == 2 and "--admin-token-file" in result.stderr


async def test_admin_endpoint_of_the_headless_server(tmp_path: Any) -> None:
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    with server_process("--admin-token-file", str(token)) as proc:
        assert any(line.startswith("Admin: http://") for line in proc.banner), proc.banner
        base = proc.url.replace("ws://", "http://")
        async with member(proc.url + "r/ops", "olga"):
            status, _, body = await http(
                base + "admin/members", headers={"Authorization": f"Bearer {TOKEN}"}
            )
        assert status == 200
        assert [(m["room"], m["name"]) for m in body["members"]] == [("ops", "olga")]
