"""desktop/discovery.py: adverts to TXT records and back, every malformed advert
refused, and real zeroconf advertising and browsing over loopback on the
qasync loop (the test between two network namespaces is
tests/desktop/test_discovery_netns.py)."""

from __future__ import annotations

import asyncio
import threading
import unicodedata
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from zeroconf import Zeroconf
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from roomcast.desktop.discovery import (
    MAX_TXT_ITEM_BYTES,
    SERVICE_TYPE,
    Advert,
    Advertiser,
    Browser,
    DiscoveredRoom,
    discovery_error_text,
    instance_name,
    room_from_service,
    txt_for,
)
from roomcast.desktop.links import from_link, link_fingerprint
from roomcast.desktop.tls import parse_fingerprint
from roomcast.server.protocol import ROOM_NAME_RE
from tests.helpers import need, run_module_code, until

FP = "AB:" * 31 + "CD"
HEX = FP.replace(":", "").lower()
NAME = f"chat on Alice.{SERVICE_TYPE}"
LOOPBACK = ["127.0.0.1"]


def advert(**changes: Any) -> Advert:
    fields: dict[str, Any] = {
        "room": "chat",
        "host_name": "Alice",
        "port": 8765,
        "addresses": ("10.0.0.2",),
        "password": False,
        "fingerprint": FP,
        "secure": True,
    }
    fields.update(changes)
    return Advert(**fields)


def wire(txt: dict[str, str]) -> dict[bytes, bytes | None]:
    """The TXT record as zeroconf hands it over: bytes, as they travelled."""
    return {k.encode(): v.encode() for k, v in txt.items()}


def good() -> dict[bytes, bytes | None]:
    return wire(txt_for(advert()))


# -- TXT records -----------------------------------------------------------------------


def test_txt_says_version_first_and_the_fingerprint_as_lower_hex() -> None:
    txt = txt_for(advert(password=True))
    assert list(txt) == ["v", "room", "host", "pw", "fp", "path"]
    assert txt == {
        "v": "1",
        "room": "chat",
        "host": "Alice",
        "pw": "1",
        "fp": HEX,
        "path": "/r/chat",
    }
    plain = txt_for(advert(fingerprint=None, secure=False))
    assert "fp" not in plain
    assert plain["pw"] == "0"


@pytest.mark.parametrize("secure", [True, False])
@pytest.mark.parametrize("password", [True, False])
def test_an_advert_round_trips_through_its_txt_record(secure: bool, password: bool) -> None:
    sent = advert(fingerprint=FP if secure else None, secure=secure, password=password)
    room = room_from_service(NAME, ["10.0.0.2"], 8765, wire(txt_for(sent)))
    assert room == DiscoveredRoom(
        key=NAME.lower(),
        room="chat",
        host_name="Alice",
        address="10.0.0.2",
        port=8765,
        password=password,
        fingerprint=FP if secure else None,
        secure=secure,
    )


def test_url_and_invite_carry_the_scheme_and_the_fingerprint() -> None:
    room = room_from_service(NAME, ["10.0.0.2"], 8765, good())
    assert room is not None
    assert room.url == "wss://10.0.0.2:8765/r/chat"
    assert room.invite == f"roomcasts://10.0.0.2:8765/r/chat#sha256={HEX}"
    assert from_link(room.invite) == room.url
    fingerprint = link_fingerprint(room.invite)
    assert fingerprint is not None and parse_fingerprint(fingerprint) == FP

    plain = room_from_service(
        NAME, ["10.0.0.2"], 8765, wire(txt_for(advert(fingerprint=None, secure=False)))
    )
    assert plain is not None
    assert plain.url == "ws://10.0.0.2:8765/r/chat"
    assert plain.invite == "roomcast://10.0.0.2:8765/r/chat"


@given(st.text(min_size=1, max_size=400))
def test_every_txt_string_fits_in_255_bytes_and_the_host_is_cut_between_characters(
    host: str,
) -> None:
    assume(any(c.isprintable() and not c.isspace() for c in host))
    try:
        sent = advert(host_name=host)
    except ValueError:
        return  # nothing showable in it: refused when the advert is made
    txt = txt_for(sent)
    for key, value in txt.items():
        assert len(f"{key}={value}".encode()) <= MAX_TXT_ITEM_BYTES
    # zeroconf encodes it (it refuses a string over 255 bytes).
    AsyncServiceInfo(SERVICE_TYPE, NAME, port=1, properties=txt)
    room = room_from_service(NAME, ["10.0.0.2"], 8765, wire(txt))
    assert room is not None
    assert room.host_name == txt["host"]
    shown = "".join(
        c for c in host if unicodedata.category(c)[0] != "C" and c not in "\u2028\u2029"
    ).strip()
    assert shown.startswith(room.host_name)
    assert room.host_name == shown or len(f"host={room.host_name}".encode()) > 250 - 4


def test_a_long_host_name_is_cut_at_a_character_boundary() -> None:
    txt = txt_for(advert(host_name="é" * 200))  # 400 bytes of UTF-8
    assert txt["host"] == "é" * 125  # 250 bytes: "host=" takes 5 of the 255
    assert len(b"host=" + txt["host"].encode()) == MAX_TXT_ITEM_BYTES


@given(st.text(min_size=1, max_size=200), st.from_regex(ROOM_NAME_RE, fullmatch=True))
def test_the_instance_name_is_one_label_zeroconf_can_still_rename(host: str, room: str) -> None:
    try:
        sent = advert(host_name=host, room=room)
    except ValueError:
        return
    label = instance_name(sent)
    assert "." not in label
    assert len(label.encode()) <= 63 - 4
    # zeroconf checks the label (at most 63 bytes, no control characters) here,
    # with the "-99" it appends after 98 conflicts.
    AsyncServiceInfo(SERVICE_TYPE, f"{label}-99.{SERVICE_TYPE}", port=1)


def test_the_instance_name_shows_dots_without_making_labels() -> None:
    assert instance_name(advert(room="team.ops", host_name="A.B")) == "team\u2024ops on A\u2024B"


@pytest.mark.parametrize(
    "changes",
    [
        {"room": "no spaces"},
        {"room": ""},
        {"host_name": " \u202e\x00 "},
        {"port": 0},
        {"port": 65536},
        {"addresses": ()},
        {"addresses": ("fe80::1",)},
        {"fingerprint": None},  # secure without one
        {"secure": False},  # a fingerprint without TLS
        {"fingerprint": "not hex"},
    ],
)
def test_an_advert_that_could_not_be_joined_is_refused_when_made(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each field has its own message
        advert(**changes)


# -- untrusted adverts -----------------------------------------------------------------


def _with(**changes: bytes | None) -> dict[bytes, bytes | None]:
    props = good()
    for key, value in changes.items():
        props[key.encode()] = value
    return props


def _without(key: str) -> dict[bytes, bytes | None]:
    props = good()
    del props[key.encode()]
    return props


@pytest.mark.parametrize(
    "props",
    [
        pytest.param(_with(v=b"2"), id="unknown version"),
        pytest.param(_without("v"), id="no version"),
        pytest.param(_without("room"), id="no room"),
        pytest.param(_without("host"), id="no host"),
        pytest.param(_without("pw"), id="no pw"),
        pytest.param(_without("path"), id="no path"),
        pytest.param(_with(room=b"a/b", path=b"/r/a/b"), id="bad room name"),
        pytest.param(_with(room=b"x" * 65, path=b"/r/" + b"x" * 65), id="room too long"),
        pytest.param(_with(path=b"/r/other"), id="path of another room"),
        pytest.param(_with(pw=b"yes"), id="pw not 0 or 1"),
        pytest.param(_with(fp=HEX[:-2].encode()), id="short fingerprint"),
        pytest.param(_with(fp=HEX[:-1].encode() + b"g"), id="fingerprint not hex"),
        pytest.param(_with(fp=FP.encode()), id="fingerprint with colons"),
        pytest.param(_with(fp=None), id="fp without a value"),
        pytest.param(_with(room=None), id="room without a value"),
        pytest.param(_with(host=b"\xff\xfe"), id="host not UTF-8"),
        pytest.param({**good(), b"\xc3": b"x"}, id="key not UTF-8"),
        pytest.param(_with(host=b""), id="empty host"),
        pytest.param(_with(host=b"Al\x07ice"), id="control character"),
        pytest.param(_with(host="\u202eecilA".encode()), id="bidi override"),
        pytest.param(_with(host="Ali\u200bce".encode()), id="zero-width space"),
        pytest.param(_with(host=b" Alice"), id="leading space"),
        pytest.param({}, id="empty TXT"),
    ],
)
def test_a_malformed_advert_is_no_room(props: dict[bytes, bytes | None]) -> None:
    assert room_from_service(NAME, ["10.0.0.2"], 8765, props) is None


@pytest.mark.parametrize(
    ("addresses", "port"),
    [
        ([], 8765),
        (["0.0.0.0", "224.0.0.251", "255.255.255.255", "240.0.0.1"], 8765),
        (["fe80::1", "not an address"], 8765),
        (["10.0.0.2"], 0),
        (["10.0.0.2"], 65536),
        (["10.0.0.2"], "8765"),
        (["10.0.0.2"], True),
        (["10.0.0.2"], None),
    ],
)
def test_an_advert_without_a_usable_address_or_port_is_no_room(
    addresses: list[object], port: object
) -> None:
    assert room_from_service(NAME, addresses, port, good()) is None


def test_the_first_usable_address_is_taken_and_loopback_only_last() -> None:
    room = room_from_service(NAME, ["0.0.0.0", "127.0.0.1", "10.0.0.3", "10.0.0.2"], 1, good())
    assert room is not None
    assert room.address == "10.0.0.3"
    assert room.addresses == ("10.0.0.3", "10.0.0.2", "127.0.0.1")


def test_keys_ignore_case_the_first_counts_and_unknown_ones_are_ignored() -> None:
    props: dict[bytes, bytes | None] = {
        b"V": b"1",
        b"Room": b"chat",
        b"room": b"other",  # a repeat: RFC 6763 6.4, the first counts
        b"HOST": b"Alice",
        b"pw": b"0",
        b"path": b"/r/chat",
        b"colour": b"blue",  # unknown: ignored (6.6)
    }
    room = room_from_service(NAME, ["10.0.0.2"], 1, props)
    assert room is not None
    assert (room.room, room.host_name, room.secure) == ("chat", "Alice", False)


_props = st.dictionaries(
    st.one_of(
        st.sampled_from([b"v", b"room", b"host", b"pw", b"fp", b"path"]), st.binary(max_size=8)
    ),
    st.one_of(
        st.none(),
        st.binary(max_size=80),
        st.sampled_from([b"1", b"0", b"chat", b"/r/chat", HEX.encode()]),
    ),
    max_size=8,
)


@given(
    st.text(max_size=80),
    st.lists(
        st.one_of(st.text(max_size=20), st.ip_addresses().map(str), st.binary(max_size=4)),
        max_size=4,
    ),
    st.one_of(st.integers(-5, 70000), st.none(), st.text(max_size=5)),
    _props,
)
def test_whatever_arrives_is_a_valid_room_or_none_never_an_exception(
    name: str, addresses: list[object], port: object, props: dict[bytes, bytes | None]
) -> None:
    room = room_from_service(name, addresses, port, props)
    if room is not None:
        assert ROOM_NAME_RE.match(room.room)
        assert isinstance(room.port, int) and 0 < room.port < 65536
        assert room.secure == (room.fingerprint is not None)
        assert room.fingerprint is None or parse_fingerprint(room.fingerprint) == room.fingerprint
        assert room.url.startswith(("ws://", "wss://"))


@given(st.sampled_from(["v", "room", "host", "pw", "fp", "path"]), st.binary(max_size=70))
def test_one_field_replaced_by_anything_gives_a_consistent_room_or_none(
    key: str, value: bytes
) -> None:
    room = room_from_service(NAME, ["10.0.0.2"], 8765, {**good(), key.encode(): value})
    if room is not None:
        txt = {k.decode(): v.decode() for k, v in {**good(), key.encode(): value}.items() if v}
        assert txt["v"] == "1"
        assert room.room == txt["room"] and txt["path"] == f"/r/{room.room}"
        assert room.host_name == txt["host"]
        assert room.password == (txt["pw"] == "1")
        assert room.fingerprint == parse_fingerprint(txt["fp"])


def test_the_error_text_names_the_reason() -> None:
    text = discovery_error_text(OSError(98, "Address already in use"))
    assert text == (
        "Looking for rooms on this network is not possible: Address already in use. "
        "Rooms can still be joined by their address."
    )


# -- real zeroconf on loopback, on the qasync loop ------------------------------------------


@pytest.fixture
async def loopback_mdns() -> None:
    """Multicast DNS on 127.0.0.1 only: never a packet on a real network."""
    try:
        probe = AsyncZeroconf(zc=Zeroconf(interfaces=LOOPBACK, use_asyncio=True))
    except OSError as exc:
        need(False, f"multicast DNS on loopback is not possible here: {exc}")
        return
    await probe.async_close()


class Seen:
    """What a Browser reported, and on which thread."""

    def __init__(self) -> None:
        self.lists: list[list[DiscoveredRoom]] = []
        self.threads: set[int] = set()

    def __call__(self, rooms: list[DiscoveredRoom]) -> None:
        self.threads.add(threading.get_ident())
        self.lists.append(rooms)

    @property
    def last(self) -> list[DiscoveredRoom]:
        return self.lists[-1] if self.lists else []


@pytest.mark.usefixtures("loopback_mdns")
async def test_a_room_is_found_updated_and_gone_after_its_goodbye_all_on_the_loop() -> None:
    threads_before = set(threading.enumerate())
    seen = Seen()
    browser = Browser(seen, interfaces=LOOPBACK)
    advertiser = Advertiser()
    try:
        await browser.start()
        await advertiser.start(advert(addresses=("127.0.0.1",)), interfaces=LOOPBACK)
        assert advertiser.name == NAME
        await until(lambda: seen.last, what="the room")
        [room] = seen.last
        assert (room.room, room.host_name, room.address, room.port) == (
            "chat",
            "Alice",
            "127.0.0.1",
            8765,
        )
        assert room.fingerprint == FP and not room.password
        assert browser.rooms == {NAME.lower(): room}

        await advertiser.update(advert(addresses=("127.0.0.1",), password=True))
        await until(lambda: seen.last and seen.last[0].password, what="the password flag")

        # zeroconf made no thread: everything ran on this loop's thread.
        assert seen.threads == {threading.get_ident()}
        assert set(threading.enumerate()) == threads_before

        await advertiser.close()
        await until(lambda: not seen.last, what="the goodbye")
        assert browser.rooms == {}
    finally:
        await advertiser.close()
        await browser.close()
    await advertiser.close()  # idempotent
    assert not browser.running


@pytest.mark.usefixtures("loopback_mdns")
async def test_an_update_right_after_start_is_not_undone_by_the_first_announcements() -> None:
    """start() returns with its announcements still going out (RFC 6762 8.3):
    an update then must win over them."""
    seen = Seen()
    browser = Browser(seen, interfaces=LOOPBACK)
    advertiser = Advertiser()
    try:
        await browser.start()
        await advertiser.start(advert(addresses=("127.0.0.1",)), interfaces=LOOPBACK)
        await advertiser.update(advert(addresses=("127.0.0.1",), password=True))
        await until(lambda: seen.last and seen.last[0].password, what="the password flag")
        await asyncio.sleep(0.5)  # every first announcement had its turn
        assert seen.last[0].password
    finally:
        await advertiser.close()
        await browser.close()


@pytest.mark.usefixtures("loopback_mdns")
async def test_malformed_adverts_are_ignored_and_a_taken_name_is_renamed() -> None:
    seen = Seen()
    browser = Browser(seen, interfaces=LOOPBACK)
    rogue = AsyncZeroconf(zc=Zeroconf(interfaces=LOOPBACK, use_asyncio=True))
    first, second = Advertiser(), Advertiser()
    bad = {
        "v2": {**txt_for(advert()), "v": "2"},
        "badfp": {**txt_for(advert()), "fp": "00" * 31},
        "badroom": {**txt_for(advert()), "room": "a b", "path": "/r/a b"},
    }
    try:
        await browser.start()
        await asyncio.gather(
            *(
                rogue.async_register_service(
                    AsyncServiceInfo(
                        SERVICE_TYPE,
                        f"{name}.{SERVICE_TYPE}",
                        port=8765,
                        properties=txt,
                        server="rogue.local.",
                        parsed_addresses=["127.0.0.1"],
                    )
                )
                for name, txt in bad.items()
            ),
            first.start(advert(addresses=("127.0.0.1",)), interfaces=LOOPBACK),
        )
        # The same room and host again: zeroconf finds the name taken (RFC 6762, 9).
        await second.start(advert(addresses=("127.0.0.1",), port=9999), interfaces=LOOPBACK)
        assert second.name == f"chat on Alice-2.{SERVICE_TYPE}"
        await until(lambda: len(seen.last) == 2, what="both good rooms")
        assert sorted(r.port for r in seen.last) == [8765, 9999]
        # Our browser received each rogue advert, resolved it and refused it:
        # they were on the wire and judged, not missed.
        rogue_keys = {f"{name}.{SERVICE_TYPE}".lower() for name in bad}
        await until(lambda: browser.rejected == rogue_keys, what="the rogue adverts refused")
        assert len(browser.rooms) == 2
    finally:
        await first.close()
        await second.close()
        await rogue.async_close()
        await browser.close()


@pytest.mark.usefixtures("loopback_mdns")
async def test_the_browser_keeps_at_most_max_rooms() -> None:
    seen = Seen()
    browser = Browser(seen, interfaces=LOOPBACK, max_rooms=2)
    advertisers = [Advertiser() for _ in range(3)]
    try:
        await browser.start()
        await asyncio.gather(
            *(
                a.start(advert(room=f"room{i}", addresses=("127.0.0.1",)), interfaces=LOOPBACK)
                for i, a in enumerate(advertisers)
            )
        )
        await until(lambda: len(seen.last) == 2, what="two rooms")
        await asyncio.sleep(0.5)
        assert len(browser.rooms) == 2
    finally:
        for a in advertisers:
            await a.close()
        await browser.close()


@pytest.mark.usefixtures("loopback_mdns")
async def test_close_during_start_leaves_nothing_announced() -> None:
    seen = Seen()
    browser = Browser(seen, interfaces=LOOPBACK)
    advertiser = Advertiser()
    try:
        await browser.start()
        starting = asyncio.ensure_future(
            advertiser.start(advert(addresses=("127.0.0.1",)), interfaces=LOOPBACK)
        )
        await asyncio.sleep(0.3)  # probing the name
        await advertiser.close()
        await starting  # returns quietly
        assert advertiser.advert is None and advertiser.name is None
        await asyncio.sleep(1.5)
        assert seen.lists == []
    finally:
        await advertiser.close()
        await browser.close()


def test_browser_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="max_rooms"):
        Browser(lambda rooms: None, max_rooms=0)
    with pytest.raises(ValueError, match="resolve_timeout"):
        Browser(lambda rooms: None, resolve_timeout=0)


def test_zeroconf_is_imported_only_when_discovery_starts() -> None:
    """The dialog, the model and the app's start-up do not pay its ~110 ms."""
    result = run_module_code(
        "import sys, desktop.discovery, desktop.widgets.discovered\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'zeroconf'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
