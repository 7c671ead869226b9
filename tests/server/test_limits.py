"""server/limits.py: per-address limits, without sockets, and end to end
through a real server (the gate before the upgrade, the session after it)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from roomcast.server import defaults
from roomcast.server.__main__ import build_parser, config_from_args
from roomcast.server.app import ServerConfig
from roomcast.server.errors import ConfigError
from roomcast.server.limits import (
    AddressLimits,
    Refusal,
    address_key,
    bucket_name,
    peer_host,
)
from roomcast.server.room import RateLimiter, Verdict
from tests.helpers import ROOT, member, peer, running_server

A, B = "203.0.113.7", "198.51.100.9"

# -- addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "127.0.0.1"),  # loopback is an address like any other
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4-mapped: the IPv4 address
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),  # IPv6: its /64
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("[2001:db8::1]", "2001:db8::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::1", "::1"),
        ("?", "?"),  # an unknown peer
        ("", "?"),
        ("not-an-ip", "not-an-ip"),
    ],
)
def test_address_key(host: str, key: str) -> None:
    assert address_key(host) == key


@pytest.mark.parametrize(
    ("remote", "host"),
    [
        ("203.0.113.7:5555", "203.0.113.7"),
        ("2001:db8::1:5555", "2001:db8::1"),  # wire.Connection.remote: no brackets
        ("::1:40000", "::1"),
        ("?", "?"),
    ],
)
def test_peer_host(remote: str, host: str) -> None:
    assert peer_host(remote) == host


# -- before the upgrade: connections, handshakes, rooms ---------------------------------------

#: An operation on the limits, and what it must answer: None (admitted) or
#: (status, Retry-After) of the refusal.
Step = tuple[str, tuple[Any, ...], tuple[int, int] | None]


def run_steps(limits: AddressLimits, steps: list[Step]) -> None:
    for n, (op, args, expected) in enumerate(steps):
        if op == "admit":
            address, room, now = args
            refusal = limits.admit(address, room, now)
            got = None if refusal is None else (refusal.status, refusal.retry_after)
            assert got == expected, f"step {n}: admit{args}"
        elif op == "open":
            limits.opened(*args)
        elif op == "close":
            limits.closed(*args)
        else:
            raise AssertionError(op)


SCENARIOS: dict[str, tuple[dict[str, Any], list[Step]]] = {
    "connections per address: 429, the other address unaffected, back after a close": (
        {"max_connections_per_address": 2, "cap_retry_after": 7},
        [
            ("admit", (A, "lobby", 0.0), None),
            ("open", ("c1", A, "lobby"), None),
            ("admit", (A, "lobby", 0.0), None),
            ("open", ("c2", A, "lobby"), None),
            ("admit", (A, "lobby", 0.0), (429, 7)),
            ("admit", (A, "other", 0.0), (429, 7)),  # per address, whatever the room
            ("admit", (B, "lobby", 0.0), None),
            ("close", ("c1",), None),
            ("close", ("c1",), None),  # idempotent
            ("admit", (A, "lobby", 0.0), None),
        ],
    ),
    "handshakes per second: a token bucket, 429 with the seconds to the next token": (
        {"handshake_rate": 1.0, "handshake_burst": 2},
        [
            ("admit", (A, "lobby", 0.0), None),
            ("admit", (A, "lobby", 0.0), None),
            ("admit", (A, "lobby", 0.0), (429, 1)),
            ("admit", (B, "lobby", 0.0), None),  # another address has its own bucket
            ("admit", (A, "lobby", 0.5), (429, 1)),  # half a token: rounded up
            ("admit", (A, "lobby", 1.0), None),  # the refusals took nothing
            ("admit", (A, "lobby", 1.0), (429, 1)),
            ("admit", (A, "lobby", 10.0), None),  # refilled to the burst, no more
            ("admit", (A, "lobby", 10.0), None),
            ("admit", (A, "lobby", 10.0), (429, 1)),
        ],
    ),
    "a slow handshake rate says how long to wait": (
        {"handshake_rate": 0.1, "handshake_burst": 1},
        [
            ("admit", (A, "lobby", 0.0), None),
            ("admit", (A, "lobby", 0.0), (429, 10)),
            ("admit", (A, "lobby", 7.5), (429, 3)),
            ("admit", (A, "lobby", 10.0), None),
        ],
    ),
    "connections server-wide: 503": (
        {"max_connections": 2, "cap_retry_after": 10},
        [
            ("open", ("c1", A, "lobby"), None),
            ("open", ("c2", B, "team"), None),
            ("open", ("c2", B, "team"), None),  # counted once
            ("admit", ("192.0.2.1", "lobby", 0.0), (503, 10)),
            ("close", ("c2",), None),
            ("admit", ("192.0.2.1", "lobby", 0.0), None),
        ],
    ),
    "rooms: a new room past the cap is 503, an open one is not": (
        {"max_rooms": 2},
        [
            ("open", ("c1", A, "a"), None),
            ("open", ("c2", B, "b"), None),
            ("open", ("c3", B, "b"), None),
            ("admit", (A, "c", 0.0), (503, defaults.CAP_RETRY_AFTER)),
            ("admit", (A, "b", 0.0), None),
            ("close", ("c2",), None),
            ("admit", (A, "c", 0.0), (503, defaults.CAP_RETRY_AFTER)),  # b still has c3
            ("close", ("c3",), None),
            ("admit", (A, "c", 0.0), None),
        ],
    ),
    "the address's own limits come before the server's caps": (
        {"max_connections": 1, "max_connections_per_address": 1},
        [
            ("open", ("c1", A, "lobby"), None),
            ("admit", (A, "lobby", 0.0), (429, defaults.CAP_RETRY_AFTER)),
            ("admit", (B, "lobby", 0.0), (503, defaults.CAP_RETRY_AFTER)),
        ],
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_before_the_upgrade(scenario: str) -> None:
    settings, steps = SCENARIOS[scenario]
    run_steps(AddressLimits(**settings), steps)


def test_refusals_are_one_line_and_say_what_to_do() -> None:
    limits = AddressLimits(max_connections_per_address=1, handshake_burst=1, max_rooms=1)
    limits.opened("c", A, "lobby")
    by_address = limits.admit(A, "lobby", 0.0)
    assert by_address == Refusal(
        429,
        10,
        "too many connections from your address (at most 1): close one, or try again later",
    )
    assert limits.admit(B, "lobby", 0.0) is None
    too_fast = limits.admit(B, "lobby", 0.0)
    assert too_fast is not None
    assert too_fast.reason == (
        "too many connection attempts from your address (at most 10 per second): try again in 1 s"
    )
    new_room = limits.admit("192.0.2.1", "elsewhere", 0.0)
    assert new_room is not None
    assert new_room.reason == (
        "this server has its maximum of 1 rooms open: join an open room, or try again later"
    )
    for refusal in (by_address, too_fast, new_room):
        assert "\n" not in refusal.reason


def test_counts_follow_opened_and_closed() -> None:
    limits = AddressLimits()
    for key, address, room in (("c1", A, "a"), ("c2", A, "b"), ("c3", B, "b")):
        assert limits.connected(key, address) is None
        limits.opened(key, address, room)
    assert (limits.connections, limits.rooms) == (3, 2)
    assert (limits.connections_from(A), limits.connections_from(B)) == (2, 1)
    assert (limits.tcp_connections_from(A), limits.tcp_connections_from(B)) == (2, 1)
    for key in ("c1", "c2", "c3", "never-opened"):
        limits.closed(key)
        limits.disconnected(key)
    assert (limits.connections, limits.rooms, limits.connections_from(A)) == (0, 0, 0)
    assert limits.tcp_connections_from(A) == 0


# -- passwords ----------------------------------------------------------------------------

#: (time, what happens, expected): "try" asks password_refusal (expected: the
#: wait it announces, None when the password may be compared); "wrong" records
#: a wrong one (expected: the wait it imposes); "right" a right one.
PASSWORD_STEPS: list[tuple[float, str, float | None]] = [
    (0.0, "try", None),
    (0.0, "wrong", 0.0),
    (0.0, "try", None),
    (0.0, "wrong", 0.0),
    (0.0, "try", None),
    (0.0, "wrong", 1.0),  # the third wrong one: the next attempt waits 1 s
    (0.0, "try", 1),
    (0.5, "try", 1),  # rounded up to whole seconds
    (1.0, "try", None),
    (1.0, "wrong", 2.0),  # doubling
    (2.9, "try", 1),
    (3.0, "wrong", 4.0),
    (7.0, "wrong", 8.0),
    (15.0, "wrong", 16.0),
    (31.0, "wrong", 32.0),
    (63.0, "wrong", 60.0),  # at most password_backoff_max
    (123.0, "wrong", 60.0),
    (124.0, "try", 59),
    (183.0, "try", None),
    (183.0, "right", None),  # forgiven
    (183.0, "try", None),
    (183.0, "wrong", 0.0),
    # Ten minutes without a wrong password: the count starts over.
    (183.0, "wrong", 0.0),
    (784.0, "wrong", 0.0),
    (784.0, "wrong", 0.0),
    (784.0, "wrong", 1.0),
]


def test_password_backoff_per_address() -> None:
    limits = AddressLimits(
        password_tries=3, password_backoff=1.0, password_backoff_max=60.0, password_window=600.0
    )
    for n, (now, what, expected) in enumerate(PASSWORD_STEPS):
        if what == "try":
            refusal = limits.password_refusal(A, now)
            wait = None
            if refusal is not None:
                wait = int(refusal.split("try again in ")[1].split(" s")[0])
                assert (
                    refusal
                    == f"too many failed password attempts from your address: try again in {wait} s"
                )
            assert wait == expected, f"step {n}: {now} {what}"
        elif what == "wrong":
            assert limits.password_failed(A, now) == expected, f"step {n}: {now} {what}"
        else:
            limits.password_ok(A)
        # Another address is never held back by A's guesses.
        assert limits.password_refusal(B, now) is None


def test_a_right_password_from_an_unknown_address_changes_nothing() -> None:
    limits = AddressLimits()
    limits.password_ok(A)
    assert limits.tracked_addresses == 0


# -- rooms and messages ---------------------------------------------------------------------


@pytest.mark.parametrize(("members", "refused"), [(0, False), (2, False), (3, True), (4, True)])
def test_room_full(members: int, refused: bool) -> None:
    limits = AddressLimits(max_members=3)
    why = limits.room_full(members)
    assert (why is not None) is refused
    if why is not None:
        assert why == "this room is full (3 members): try again later"


def test_bucket_name_folds_case_and_normalization() -> None:
    assert bucket_name("Ann") == bucket_name("ann") == bucket_name("ANN")
    assert bucket_name("Zoe\u0308") == bucket_name("Zo\u00eb")  # NFC
    assert bucket_name("Straße") == bucket_name("STRASSE")


def test_the_message_bucket_survives_reconnects() -> None:
    limits = AddressLimits(message_rate=20, message_burst=60, abuse_after=50)
    first = limits.limiter(A, "ann", now=0.0)
    assert [first.take(0.0) for _ in range(60)] == [Verdict.OK] * 60
    # Five reconnects at once: one bucket, still empty.
    for _ in range(5):
        again = limits.limiter(A, "Ann", now=0.01)
        assert again is first
        assert again.take(0.01) is Verdict.LIMITED
    # Another name, another address, or the address's guests: their own buckets.
    assert limits.limiter(A, "bob", 0.1) is not first
    assert limits.limiter(B, "ann", 0.1) is not first
    guests = limits.limiter(A, None, 0.1)
    assert guests is limits.limiter(A, None, 0.2) is not first
    # It refills at the rate, as one connection's would.
    assert first.take(1.1) is Verdict.OK


def test_the_first_connection_of_a_name_brings_its_own_limiter() -> None:
    limits = AddressLimits(message_rate=2, message_burst=3)
    own = RateLimiter(2, 3, now=0.0)
    assert own.take(0.0) is Verdict.OK  # the hello, before the join
    shared = limits.limiter(A, "ann", 0.0, adopt=own)
    assert shared is own
    assert [shared.take(0.0) for _ in range(3)] == [Verdict.OK, Verdict.OK, Verdict.LIMITED]
    # A second connection of ann: the existing bucket wins over its own.
    second = RateLimiter(2, 3, now=0.0)
    assert limits.limiter(A, "ann", 0.0, adopt=second) is own


def test_a_flooder_that_reconnects_stays_abusive() -> None:
    limits = AddressLimits(message_rate=1, message_burst=1, abuse_after=3)
    bucket = limits.limiter(A, "eve", 0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [Verdict.OK, Verdict.LIMITED, Verdict.LIMITED]
    # Closed, reconnected: the third refusal in the window is the last.
    assert limits.limiter(A, "eve", 0.1).take(0.1) is Verdict.ABUSIVE


def test_a_bucket_at_rest_is_forgotten_and_a_fresh_one_is_the_same() -> None:
    limits = AddressLimits(message_rate=20, message_burst=60, abuse_window=10.0)
    old = limits.limiter(A, "ann", 0.0)
    old.take(0.0)
    # Another key made much later sweeps the old one out (full and past its warnings).
    limits.limiter(B, "bob", 100.0)
    assert limits.tracked_buckets == 1
    fresh = limits.limiter(A, "ann", 100.0)
    assert fresh is not old
    assert fresh.tokens == 60


# -- bounded memory -----------------------------------------------------------------------------


def spray(n: int) -> list[str]:
    return [f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}" for i in range(n)]


def test_a_spray_of_addresses_is_bounded() -> None:
    limits = AddressLimits(tracked=1_000)
    for address in spray(100_000):
        # All within one instant: nothing is at rest, so only the cap holds.
        limits.admit(address, "lobby", 0.0)
        limits.password_failed(address, 0.0)
        limits.limiter(address, "eve", 0.0)
        assert limits.tracked_addresses <= 1_000
        assert limits.tracked_buckets <= 1_000
    assert limits.tracked_addresses == limits.tracked_buckets == 1_000


def test_the_default_cap_holds_under_a_spray_of_100000_addresses() -> None:
    limits = AddressLimits()
    for address in spray(100_000):
        limits.admit(address, "lobby", 0.0)
    assert limits.tracked_addresses == defaults.LIMITS_TRACKED


def test_idle_addresses_expire_without_the_cap() -> None:
    # One new address a second: each is at rest 2 s later (its handshake bucket
    # full again), so only the last few are remembered.
    limits = AddressLimits(handshake_rate=10, handshake_burst=20)
    for n, address in enumerate(spray(10_000)):
        limits.admit(address, "lobby", float(n))
    assert limits.tracked_addresses <= 3


def test_wrong_passwords_are_remembered_for_the_window_then_forgotten() -> None:
    limits = AddressLimits(password_tries=1, password_window=600.0)
    limits.password_failed(A, 0.0)
    for n, address in enumerate(spray(1_000)):
        limits.admit(address, "lobby", 1.0 + n)
    # A's backoff is still remembered (it is at the head of the table, not at
    # rest, so the sweep stops there; the cap was not reached).
    assert limits.password_refusal(A, 1.5) is None  # 1 s wait, over at 1.0
    assert limits.tracked_addresses > 1
    limits.password_failed(A, 2.0)
    assert limits.password_refusal(A, 2.5) is not None
    # Past the window it is forgotten.
    limits.admit(B, "lobby", 2_000.0)
    assert limits.tracked_addresses == 1


def test_connection_counts_end_with_their_connections() -> None:
    limits = AddressLimits(max_connections=100_000, max_connections_per_address=100_000)
    addresses = spray(100_000)
    for n, address in enumerate(addresses):
        assert limits.connected(n, address) is None
        limits.opened(n, address, f"room-{n % 50}")
    assert (limits.connections, limits.rooms) == (100_000, 50)
    for n in range(100_000):
        limits.closed(n)
        limits.disconnected(n)
    assert (limits.connections, limits.rooms) == (0, 0)
    assert limits._per_address == {} and limits._per_room == {} and limits._open == {}
    assert limits._tcp_per_address == {} and limits._tcp == {}


@pytest.mark.parametrize(
    "settings",
    [
        {"max_connections": 0},
        {"max_connections_per_address": 0},
        {"max_rooms": 0},
        {"max_members": 0},
        {"handshake_rate": 0},
        {"handshake_burst": 0.5},
        {"message_rate": 0},
        {"tracked": 0},
        {"password_tries": 0},
        {"password_backoff": -1},
    ],
)
def test_nonsense_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match=r"at least|positive|negative"):
        AddressLimits(**settings)


# -- defaults, ServerConfig and the CLI -----------------------------------------------------------

#: ServerConfig field / CLI dest -> the default it must have.
CONFIG_DEFAULTS: dict[str, Any] = {
    "max_connections": defaults.MAX_CONNECTIONS,
    "max_connections_per_address": defaults.MAX_CONNECTIONS_PER_ADDRESS,
    "handshake_rate": defaults.HANDSHAKE_RATE,
    "handshake_burst": defaults.HANDSHAKE_BURST,
    "max_rooms": defaults.MAX_ROOMS,
    "max_members": defaults.MAX_MEMBERS,
    "password_tries": defaults.PASSWORD_TRIES,
    "password_backoff": defaults.PASSWORD_BACKOFF,
    "password_backoff_max": defaults.PASSWORD_BACKOFF_MAX,
    "password_window": defaults.PASSWORD_WINDOW,
}


def test_the_defaults_are_the_documented_ones() -> None:
    # README.md (Server flags) and docs/server.md (Limits) say these.
    assert (defaults.MAX_CONNECTIONS, defaults.MAX_CONNECTIONS_PER_ADDRESS) == (10_000, 20)
    assert (defaults.HANDSHAKE_RATE, defaults.HANDSHAKE_BURST) == (10, 20)
    assert (defaults.MAX_ROOMS, defaults.MAX_MEMBERS) == (1_000, 1_000)
    assert (defaults.PASSWORD_TRIES, defaults.PASSWORD_BACKOFF) == (3, 1)
    assert (defaults.PASSWORD_BACKOFF_MAX, defaults.PASSWORD_WINDOW) == (60, 600)
    assert (defaults.CAP_RETRY_AFTER, defaults.LIMITS_TRACKED) == (10, 10_000)


@pytest.mark.parametrize(("field", "expected"), CONFIG_DEFAULTS.items())
def test_server_config_defaults_are_defaults_py(field: str, expected: Any) -> None:
    assert getattr(ServerConfig(), field) == expected


def test_limits_from_the_default_config_are_the_keyword_defaults() -> None:
    made = vars(AddressLimits.from_settings(ServerConfig()))
    plain = vars(AddressLimits())
    assert made == plain


def test_cli_defaults_make_the_default_config() -> None:
    config = config_from_args(build_parser().parse_args([]))
    for field in CONFIG_DEFAULTS:
        assert getattr(config, field) == getattr(ServerConfig(), field), field


def test_cli_flags_set_the_limits() -> None:
    args = build_parser().parse_args(
        [
            *("--max-connections", "50000", "--max-connections-per-address", "6000"),
            *("--handshakes-per-second", "2.5", "--handshake-burst", "5"),
            *("--max-rooms", "7", "--max-members", "8"),
            *("--password-tries", "5", "--password-backoff-max", "300"),
        ]
    )
    config = config_from_args(args)
    assert (config.max_connections, config.max_connections_per_address) == (50_000, 6_000)
    assert (config.handshake_rate, config.handshake_burst) == (2.5, 5)
    assert (config.max_rooms, config.max_members) == (7, 8)
    assert (config.password_tries, config.password_backoff_max) == (5, 300)


LIMIT_FLAGS = [
    "--max-connections",
    "--max-connections-per-address",
    "--handshakes-per-second",
    "--handshake-burst",
    "--max-rooms",
    "--max-members",
    "--password-tries",
    "--password-backoff-max",
]


@pytest.mark.parametrize("flag", LIMIT_FLAGS)
def test_every_limit_flag_is_documented(flag: str) -> None:
    assert flag in build_parser().format_help()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    flags_table = readme.split("## Server flags", 1)[1].split("\n## ", 1)[0]
    assert f"`{flag} " in flags_table or f"`{flag}`" in flags_table
    limits_section = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")
    assert f"`{flag}`" in limits_section.split("## Limits", 1)[1]


@pytest.mark.parametrize(
    "flags",
    [
        ["--max-connections", "0"],
        ["--max-connections-per-address", "-1"],
        ["--handshakes-per-second", "0"],
        ["--max-members", "many"],
        ["--password-tries", "0"],
    ],
)
def test_cli_refuses_nonsense_limits(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(flags)
    assert info.value.code == 2
    assert flags[0] in capsys.readouterr().err


# -- end to end, once the session and the server call the limits ------------------------------


async def test_wrong_passwords_from_one_address_back_off_then_1008() -> None:
    async with running_server(
        password="s3cret", password_tries=2, password_backoff=30.0, max_connections_per_address=50
    ) as server:
        url = server.urls[0]
        for _ in range(2):
            async with peer(url) as p:
                await p.send({"type": "hello", "name": "eve", "password": "guess"})
                assert (await p.recv())["code"] == "unauthorized"
                assert await p.closed() == (1008, "wrong password")
        # Even the right password is not compared now: refused at once.
        async with peer(url) as p:
            await p.send({"type": "hello", "name": "ann", "password": "s3cret"})
            error = await p.recv()
            assert (error["type"], error["code"]) == ("error", "unauthorized")
            assert error["message"].startswith(
                "too many failed password attempts from your address: try again in"
            )
            code, _ = await p.closed()
            assert code == 1008


async def test_a_reconnecting_flooder_keeps_its_empty_bucket() -> None:
    async with running_server(rate=0.1, burst=5, abuse_after=1000) as server:
        url = server.urls[0]
        async with member(url, "ann") as (ann, _):
            # The hello took one token of the five.
            for n in range(4):
                await ann.send({"type": "message", "content": f"m{n}", "id": f"m{n}"})
            assert [(await ann.until("message"))["id"] for _ in range(4)] == [
                f"m{n}" for n in range(4)
            ]
        # A new connection's hello is its own; its messages are ann's.
        async with member(url, "ann") as (ann, _):
            await ann.send({"type": "message", "content": "one more", "id": "m4"})
            error = await ann.until("error")
            assert (error["code"], error["ref"]) == ("rate_limited", "m4")
        # Under another name, from the same address: a bucket of its own.
        async with member(url, "bob") as (bob, _):
            await bob.send({"type": "message", "content": "hi", "id": "b0"})
            assert (await bob.until("message"))["id"] == "b0"


async def test_a_join_past_the_member_cap_is_too_many_then_1013() -> None:
    async with running_server(max_members=2) as server:
        url = server.urls[0] + "r/small"
        async with member(url, "ann"), member(url, "bob"), peer(url) as carl:
            await carl.send({"type": "hello", "name": "carl"})
            error = await carl.recv()
            assert (error["type"], error["code"]) == ("error", "too_many")
            assert error["message"] == "this room is full (2 members): try again later"
            code, _ = await carl.closed()
            assert code == 1013
            # Another room is not full.
            async with member(server.urls[0] + "r/other", "carl") as (_, welcome):
                assert welcome["you"] == "carl"


async def test_connections_per_address_end_to_end() -> None:
    async with running_server(max_connections_per_address=2) as server:
        url = server.urls[0]
        async with peer(url), peer(url):
            with pytest.raises(InvalidStatus) as info:
                async with peer(url):
                    pass
            response = info.value.response
            assert response.status_code == 429
            assert response.headers["Retry-After"] == str(defaults.CAP_RETRY_AFTER)
        # Both closed: the count came back.
        for _ in range(50):
            if server._gate.limits is not None and server._gate.limits.connections == 0:
                break
            await asyncio.sleep(0.02)
        async with peer(url):
            pass
