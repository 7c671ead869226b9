"""Rooms on the local network: advertised and found with DNS-SD over mDNS (issue 18), no Qt.

A room hosted for "people on my network" is announced as a DNS-SD service
(RFC 6763) of type ``_roomcast._tcp`` over multicast DNS (RFC 6762) with
python-zeroconf; the Connect dialog lists the rooms found, and joining one
pins the certificate fingerprint its advert carries (``desktop/tls.py``).

**What an advert says.** The SRV record gives the port, the A records the
host's IPv4 addresses, and the TXT record (RFC 6763, 6) the rest, ``v=1``
first (6.7)::

    v=1  room=chat  host=Alice  pw=0|1  fp=<64 lower-case hex>  path=/r/chat

``fp`` is there only for a ``wss://`` room, so it also says that the room
speaks TLS. Each ``key=value`` string is at most 255 bytes (6.1): the host's
name is cut at a UTF-8 character boundary to fit. The service instance name
(``chat on Alice``) is only a unique key: at most 63 bytes (4.1.1), dots
(which zeroconf would take for label separators) shown as "․", and made
unique by zeroconf (``chat on Alice-2``) when another host uses it (RFC
6762, 9).

**Untrusted input.** Anyone on the network can send adverts.
:func:`room_from_service` turns one into a :class:`DiscoveredRoom` or None
and never raises: an unknown ``v``, a missing key, bytes that are not UTF-8,
a room name the server would refuse (``ROOM_NAME_RE``), a fingerprint that is
not 64 hex digits, a host name with control or invisible characters, no
usable IPv4 address: None. Keys are compared without case and the first of
a repeated key counts (6.4); unknown keys are ignored (6.6). The
:class:`Browser` keeps at most ``max_rooms`` rooms. An advert proves
nothing about the host: the pinned fingerprint is what makes the connection
safe, and a certificate that does not match it is refused before a byte is
sent (``desktop/client.py``, ``_Connection.connection_made``).

**One loop, no thread.** The app's networking runs on one asyncio loop (the
qasync loop in the app). python-zeroconf 0.154 attaches to the running loop
when a ``Zeroconf`` is made inside one (``Zeroconf.start``: ``self.loop =
get_running_loop()`` and its ``AsyncEngine`` opens its sockets as datagram
endpoints on that loop); only without a running loop does it start a thread
with a loop of its own (``Zeroconf._start_thread``). Both classes here make
their ``Zeroconf`` with ``use_asyncio=True``, which refuses that fallback
(RuntimeError) instead of starting the thread quietly, and use the asyncio
API only: ``AsyncServiceBrowser`` fires its handlers on the loop (unlike the
threaded ``ServiceBrowser``), and ``AsyncServiceInfo.async_request`` resolves
on it. So every callback here, ``on_change`` included, runs on the caller's
loop, where touching Qt is safe, and nothing needs to hop threads.

**Limits.** A host that vanishes without its goodbye (a crash, a pulled
cable) stays listed until the records expire: zeroconf's browser keeps a
service's pointer at least ``_DNS_PTR_MIN_TTL`` (1125 s); joining it then
fails with the client's usual "could not connect".
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from roomcast.desktop import client
from roomcast.desktop.hosting import room_path
from roomcast.desktop.links import invite_link
from roomcast.desktop.texts import QT_TRANSLATE_NOOP
from roomcast.desktop.tls import parse_fingerprint
from roomcast.server.protocol import ROOM_NAME_RE

if TYPE_CHECKING:  # zeroconf costs ~110 ms to import: only when discovery starts
    from zeroconf import InterfaceChoice, ServiceStateChange, Zeroconf
    from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

    #: Where zeroconf listens and answers: an InterfaceChoice, or IP addresses.
    Interfaces = InterfaceChoice | list[str]

__all__ = [
    "GOODBYE_TIMEOUT",
    "MAX_ROOMS",
    "RESOLVE_TIMEOUT",
    "SERVICE_TYPE",
    "Advert",
    "Advertiser",
    "Browser",
    "DiscoveredRoom",
    "discovery_error_text",
    "instance_name",
    "room_from_service",
    "room_order",
    "txt_for",
]

log = logging.getLogger("roomcast.discovery")

#: The DNS-SD service type (RFC 6763, 7: ``_name._tcp``; the name is at most 15 characters).
SERVICE_TYPE: Final = "_roomcast._tcp.local."
#: The TXT record's version (``v``, RFC 6763 6.7). Another value is another format: ignored.
TXT_VERSION: Final = "1"
#: RFC 6763 6.1: each TXT string (``key=value``) is at most 255 bytes.
MAX_TXT_ITEM_BYTES: Final = 255
#: RFC 6763 4.1.1: the instance name is one DNS label, at most 63 bytes.
MAX_INSTANCE_BYTES: Final = 63
#: Bytes left free in the instance name for the "-N" zeroconf appends on a conflict.
RENAME_RESERVE_BYTES: Final = 4
#: Rooms a Browser keeps at most (resolving ones included); more are ignored.
MAX_ROOMS: Final = 200
#: Seconds a Browser waits for a service's SRV, TXT and A records.
RESOLVE_TIMEOUT: Final = 3.0
#: Seconds :meth:`Advertiser.close` waits for its goodbyes (RFC 6762 10.1) to be sent.
GOODBYE_TIMEOUT: Final = 2.0
#: What a dot in the instance name is shown as (U+2024 ONE DOT LEADER).
_DOT: Final = "\u2024"
_HEX64: Final = re.compile(r"[0-9a-fA-F]{64}\Z")
#: The TXT keys of version 1.
_KEYS: Final = frozenset({"v", "room", "host", "pw", "fp", "path"})


def _t(text: str) -> str:
    return client.translate("Discovery", text)


# -- adverts --------------------------------------------------------------------------


def _refused_char(char: str) -> bool:
    """Control, format (bidi, zero-width), surrogate, private-use or unassigned
    characters, and the line and paragraph separators: never in a shown name."""
    category = unicodedata.category(char)
    return category[0] == "C" or category in ("Zl", "Zp")


def _clean(text: str) -> str:
    return "".join(c for c in text if not _refused_char(c)).strip()


def _cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    # "ignore" drops only the character the cut broke: the rest decodes as it was.
    return data[:limit].decode("utf-8", "ignore")


@dataclass(frozen=True)
class Advert:
    """What a hosted room announces. ValueError for a room name the server would
    refuse, a port outside 1–65535, a non-IPv4 address, a ``secure`` that does
    not match having a fingerprint, or an empty host name."""

    room: str
    #: The host's display name, as others see it in the list.
    host_name: str
    port: int
    #: The host's IPv4 addresses, as strings; at least one.
    addresses: tuple[str, ...]
    password: bool
    #: The certificate's SHA-256 fingerprint (any form parse_fingerprint reads),
    #: kept as ``AB:CD:…``; None for a plain ws:// room.
    fingerprint: str | None
    #: wss://; exactly when there is a fingerprint.
    secure: bool

    def __post_init__(self) -> None:
        if not ROOM_NAME_RE.match(self.room):
            raise ValueError(f"not a room name: {self.room!r}")
        if not _clean(self.host_name):
            raise ValueError(f"no host name to show: {self.host_name!r}")
        if isinstance(self.port, bool) or not 0 < self.port < 65536:
            raise ValueError(f"not a port: {self.port!r}")
        addresses = tuple(self.addresses)
        if not addresses:
            raise ValueError("an advert needs at least one address")
        for address in addresses:
            ipaddress.IPv4Address(address)  # ValueError
        object.__setattr__(self, "addresses", addresses)
        if self.secure != (self.fingerprint is not None):
            raise ValueError("a wss:// room has a fingerprint and a ws:// one none")
        if self.fingerprint is not None:
            object.__setattr__(self, "fingerprint", parse_fingerprint(self.fingerprint))


def txt_for(advert: Advert) -> dict[str, str]:
    """The TXT record's keys and values, ``v`` first (RFC 6763, 6.7), each
    ``key=value`` at most 255 bytes (6.1)."""
    host_limit = MAX_TXT_ITEM_BYTES - len(b"host=")
    txt = {
        "v": TXT_VERSION,
        "room": advert.room,
        # Stripped again: a cut may end at a space, which the receiver would refuse.
        "host": _cut_utf8(_clean(advert.host_name), host_limit).rstrip(),
        "pw": "1" if advert.password else "0",
    }
    if advert.fingerprint is not None:
        txt["fp"] = advert.fingerprint.replace(":", "").lower()
    txt["path"] = room_path(advert.room)
    return txt


def instance_name(advert: Advert) -> str:
    """The service instance's label, ``chat on Alice``: dots shown as "․", at
    most 63 bytes less room for zeroconf's "-N" (RFC 6763 4.1.1)."""
    text = f"{advert.room} on {_clean(advert.host_name)}".replace(".", _DOT)
    return _cut_utf8(text, MAX_INSTANCE_BYTES - RENAME_RESERVE_BYTES).rstrip()


# -- what a browser finds --------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveredRoom:
    """A room found on the network, from an advert that passed every check."""

    #: The service instance's full name in lower case (DNS names compare
    #: without case, RFC 6762 16): what the Browser files it under.
    key: str
    room: str
    host_name: str
    #: The first usable IPv4 address the advert gave.
    address: str
    port: int
    password: bool
    #: ``AB:CD:…``; None for a plain ws:// room.
    fingerprint: str | None
    secure: bool
    #: Every usable IPv4 address the advert gave, ``address`` first.
    addresses: tuple[str, ...] = field(default=(), compare=False)

    @property
    def url(self) -> str:
        """``wss://ADDR:PORT/r/ROOM`` (``ws://`` for a plain room)."""
        scheme = "wss" if self.secure else "ws"
        return f"{scheme}://{self.address}:{self.port}{room_path(self.room)}"

    @property
    def invite(self) -> str:
        """The room as an invite link, with the fingerprint to pin."""
        return invite_link(self.url, self.fingerprint)


def room_order(room: DiscoveredRoom) -> tuple[str, str, str]:
    """The order rooms are listed in: room, then host (without case), then key."""
    return (room.room.casefold(), room.host_name.casefold(), room.key)


def _usable(addresses: Iterable[object]) -> list[str]:
    """IPv4 addresses a room can be reached at, best first: loopback (which
    is this computer, whoever advertised it) only after every other one."""
    found: list[ipaddress.IPv4Address] = []
    for text in addresses:
        try:
            address = ipaddress.IPv4Address(str(text))
        except ValueError:
            continue
        if (
            address.is_unspecified
            or address.is_multicast
            or address.is_reserved
            or address in found
        ):
            continue
        found.append(address)
    found.sort(key=lambda a: a.is_loopback)  # stable: the advert's order otherwise
    return [str(a) for a in found]


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return value if isinstance(value, str) else None


def _txt(properties: Mapping[bytes, bytes | None]) -> dict[str, str] | None:
    """Keys in lower case, the first of a repeated key kept (RFC 6763 6.4);
    None when a key or value is not UTF-8, or when one of our keys comes
    without ``=`` (a flag, 6.4: none of ours is one)."""
    txt: dict[str, str] = {}
    seen: set[str] = set()
    for raw_key, raw_value in properties.items():
        key = _text(raw_key)
        value = "" if raw_value is None else _text(raw_value)
        if key is None or value is None:
            return None
        key = key.lower()
        if key in seen:
            continue
        seen.add(key)
        if raw_value is not None:
            txt[key] = value
        elif key in _KEYS:
            return None
    return txt


def room_from_service(
    name: str,
    addresses: Iterable[object],
    port: object,
    properties: Mapping[bytes, bytes | None],
) -> DiscoveredRoom | None:
    """The room a resolved service announces, or None when anything about it
    is malformed (see the module docstring). Never raises."""
    try:
        return _room_from_service(name, addresses, port, properties)
    except Exception:  # untrusted input: a check missed is a room not shown
        log.debug("ignoring the advert %r", name, exc_info=True)
        return None


def _room_from_service(
    name: str,
    addresses: Iterable[object],
    port: object,
    properties: Mapping[bytes, bytes | None],
) -> DiscoveredRoom | None:
    if not isinstance(name, str) or not name:
        return None
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        return None
    txt = _txt(properties)
    if txt is None or txt.get("v") != TXT_VERSION:
        return None
    room, host, pw, path = txt.get("room"), txt.get("host"), txt.get("pw"), txt.get("path")
    if room is None or not ROOM_NAME_RE.match(room) or path != room_path(room):
        return None
    if not host or host != _clean(host):
        return None
    if pw not in ("0", "1"):
        return None
    fingerprint: str | None = None
    if "fp" in txt:
        if not _HEX64.match(txt["fp"]):
            return None
        fingerprint = parse_fingerprint(txt["fp"])
    usable = _usable(addresses)
    if not usable:
        return None
    return DiscoveredRoom(
        key=name.lower(),
        room=room,
        host_name=host,
        address=usable[0],
        port=port,
        password=pw == "1",
        fingerprint=fingerprint,
        secure=fingerprint is not None,
        addresses=tuple(usable),
    )


def discovery_error_text(exc: BaseException) -> str:
    """One sentence for a Browser or Advertiser that could not start."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or repr(exc)
    return _t(
        QT_TRANSLATE_NOOP(
            "Discovery",
            "Looking for rooms on this network is not possible: {reason}. "
            "Rooms can still be joined by their address.",
        )
    ).format(reason=reason)


# -- zeroconf on the caller's loop ------------------------------------------------------


async def _zeroconf(interfaces: Interfaces | None) -> AsyncZeroconf:
    """A started Zeroconf on the running loop, on ``interfaces`` (None: all).

    ``use_asyncio=True`` makes it refuse to start a thread of its own (module
    docstring). OSError when its sockets cannot be opened or never come up.
    """
    from zeroconf import InterfaceChoice, NotRunningException, Zeroconf
    from zeroconf.asyncio import AsyncZeroconf

    chosen = InterfaceChoice.All if interfaces is None else interfaces
    zc = AsyncZeroconf(zc=Zeroconf(interfaces=chosen, use_asyncio=True))
    try:
        await zc.zeroconf.async_wait_for_start()
    except NotRunningException:
        await zc.async_close()
        raise OSError("the multicast DNS sockets did not start") from None
    except BaseException:
        await zc.async_close()
        raise
    return zc


class Advertiser:
    """Announces one room while it is hosted; :meth:`close` says goodbye (RFC 6762 10.1).

    ``start`` returns once the name has been probed and claimed (about 1.2 s,
    RFC 6762 8.1); the announcements follow by themselves. It raises OSError
    when zeroconf cannot open its sockets (show :func:`discovery_error_text`).
    :meth:`update` re-announces changed details (the password flag) under the
    same name; :meth:`close` may be called at any time, also while ``start``
    runs.
    """

    def __init__(self) -> None:
        self._zc: AsyncZeroconf | None = None
        self._info: AsyncServiceInfo | None = None
        self._advert: Advert | None = None
        #: Announcements and goodbyes zeroconf is sending: awaited or cancelled on close.
        self._broadcasts: set[asyncio.Future[object]] = set()
        # close() counts up: a start() that sees another number was cancelled by it.
        self._generation = 0
        self._starting = False

    @property
    def advert(self) -> Advert | None:
        """What is announced now, None when nothing is."""
        return self._advert

    @property
    def name(self) -> str | None:
        """The service's full name as claimed (zeroconf may have renamed it)."""
        return self._info.name if self._info is not None else None

    async def start(self, advert: Advert, *, interfaces: Interfaces | None = None) -> None:
        """Announce ``advert`` on ``interfaces`` (zeroconf's InterfaceChoice, or
        IP addresses; None: every interface)."""
        from zeroconf.asyncio import AsyncServiceInfo

        if self._zc is not None or self._starting:
            raise RuntimeError("the advertiser is already started: await close() first")
        info = AsyncServiceInfo(
            SERVICE_TYPE,
            f"{instance_name(advert)}.{SERVICE_TYPE}",
            port=advert.port,
            properties=txt_for(advert),
            # A host name of our own: the machine's may be someone else's
            # (Avahi's), and a conflict on it would rename that one.
            server=f"roomcast-{secrets.token_hex(4)}.local.",
            parsed_addresses=list(advert.addresses),
        )
        generation = self._generation
        self._starting = True
        try:
            zc = await _zeroconf(interfaces)
            if generation != self._generation:  # close() was called meanwhile
                await zc.async_close()
                return
            self._zc = zc
            try:
                broadcast = await zc.async_register_service(info, allow_name_change=True)
            except BaseException:
                if self._zc is zc:
                    self._zc = None
                    await self._shut(zc)
                if generation != self._generation:
                    return  # close() shut zeroconf while the name was probed
                raise
            if generation != self._generation:
                return
            self._keep(broadcast)
            self._info, self._advert = info, advert
        finally:
            self._starting = False
        log.info("advertising %s on port %d", info.name, advert.port)

    async def update(self, advert: Advert) -> None:
        """Announce changed details (a password set while hosting) under the same name."""
        from zeroconf.asyncio import AsyncServiceInfo

        zc, info = self._zc, self._info
        if zc is None or info is None:
            raise RuntimeError("the advertiser is not started")
        fresh = AsyncServiceInfo(
            SERVICE_TYPE,
            info.name,
            port=advert.port,
            properties=txt_for(advert),
            server=info.server,
            parsed_addresses=list(advert.addresses),
        )
        # The announcements still going out would send the old records again.
        self._cancel_broadcasts()
        self._keep(await zc.async_update_service(fresh))
        self._info, self._advert = fresh, advert

    async def close(self) -> None:
        """Withdraw the advert with goodbyes and close zeroconf. Idempotent; a
        :meth:`start` still running then returns without announcing."""
        self._generation += 1
        zc, info = self._zc, self._info
        self._zc = self._info = self._advert = None
        if zc is None:
            return
        try:
            if info is not None:
                with contextlib.suppress(Exception):
                    self._keep(await zc.async_unregister_service(info))
            if self._broadcasts:
                await asyncio.wait(self._broadcasts, timeout=GOODBYE_TIMEOUT)
        finally:
            await self._shut(zc)

    def _keep(self, broadcast: object) -> None:
        if isinstance(broadcast, asyncio.Future):
            self._broadcasts.add(broadcast)
            broadcast.add_done_callback(self._broadcasts.discard)

    def _cancel_broadcasts(self) -> None:
        for pending in list(self._broadcasts):
            pending.cancel()
        self._broadcasts.clear()

    async def _shut(self, zc: AsyncZeroconf) -> None:
        self._cancel_broadcasts()
        await zc.async_close()


class Browser:
    """Keeps :attr:`rooms` up to date and calls ``on_change`` with them (sorted by
    room, then host) after each add, update and removal, on the caller's loop.

    A service that appears or changes is resolved in a task of its own (at
    most ``max_rooms`` rooms, resolving ones included, are kept; a resolve
    that takes over ``resolve_timeout`` seconds gives nothing); one whose
    advert turns malformed is dropped. ``on_change`` that raises is logged.

    :attr:`rejected` names the services whose adverts were answered but
    refused as malformed (at most ``max_rooms``, newest kept): it shows that
    an advert missing from :attr:`rooms` was received and judged, not lost.
    """

    def __init__(
        self,
        on_change: Callable[[list[DiscoveredRoom]], None],
        *,
        interfaces: Interfaces | None = None,
        max_rooms: int = MAX_ROOMS,
        resolve_timeout: float = RESOLVE_TIMEOUT,
    ) -> None:
        if max_rooms < 1 or resolve_timeout <= 0:
            raise ValueError("max_rooms must be at least 1 and resolve_timeout positive")
        self.on_change = on_change
        self._interfaces = interfaces
        self._max_rooms = max_rooms
        self._resolve_timeout = resolve_timeout
        self._rooms: dict[str, DiscoveredRoom] = {}
        self._resolving: dict[str, asyncio.Task[None]] = {}
        self._rejected: dict[str, None] = {}  # insertion-ordered, bounded
        self._zc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._generation = 0  # as Advertiser's
        self._starting = False

    @property
    def rooms(self) -> dict[str, DiscoveredRoom]:
        """The rooms found, by :attr:`DiscoveredRoom.key` (a copy)."""
        return dict(self._rooms)

    @property
    def rejected(self) -> set[str]:
        """Keys of adverts refused as malformed (a copy; bounded by ``max_rooms``)."""
        return set(self._rejected)

    @property
    def running(self) -> bool:
        return self._zc is not None

    def sorted_rooms(self) -> list[DiscoveredRoom]:
        """The rooms in :func:`room_order`."""
        return sorted(self._rooms.values(), key=room_order)

    async def start(self) -> None:
        """Start browsing. OSError when zeroconf cannot open its sockets."""
        from zeroconf.asyncio import AsyncServiceBrowser

        if self._zc is not None or self._starting:
            raise RuntimeError("the browser is already started: await close() first")
        generation = self._generation
        self._starting = True
        try:
            zc = await _zeroconf(self._interfaces)
        finally:
            self._starting = False
        if generation != self._generation:  # close() was called meanwhile
            await zc.async_close()
            return
        self._zc = zc
        try:
            self._browser = AsyncServiceBrowser(
                zc.zeroconf, SERVICE_TYPE, handlers=[self._on_service]
            )
        except BaseException:
            self._zc = None
            await zc.async_close()
            raise

    async def close(self) -> None:
        """Stop browsing: resolves cancelled, zeroconf closed, :attr:`rooms`
        emptied (without a call to ``on_change``). Idempotent; a :meth:`start`
        still running then returns without browsing."""
        self._generation += 1
        zc, browser = self._zc, self._browser
        self._zc = self._browser = None
        tasks = list(self._resolving.values())
        self._resolving.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        self._rooms.clear()
        if browser is not None:
            await browser.async_cancel()
        if zc is not None:
            await zc.async_close()

    # -- zeroconf's events (on the loop: AsyncServiceBrowser) ---------------------------

    def _on_service(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        from zeroconf import ServiceStateChange

        if self._zc is None:
            return
        key = name.lower()
        if state_change is ServiceStateChange.Removed:
            task = self._resolving.pop(key, None)
            if task is not None:
                task.cancel()
            if self._rooms.pop(key, None) is not None:
                self._changed()
            return
        known = self._rooms.keys() | self._resolving.keys()
        if key not in known and len(known) >= self._max_rooms:
            log.debug("ignoring %r: %d rooms are listed already", name, self._max_rooms)
            return
        previous = self._resolving.pop(key, None)
        if previous is not None:
            previous.cancel()  # the update's resolve supersedes it
        task = asyncio.get_running_loop().create_task(
            self._resolve(key, name), name=f"roomcast-discovery-resolve {key}"
        )
        self._resolving[key] = task
        task.add_done_callback(lambda done: self._resolved(key, done))

    def _resolved(self, key: str, task: asyncio.Task[None]) -> None:
        if self._resolving.get(key) is task:
            del self._resolving[key]

    async def _resolve(self, key: str, name: str) -> None:
        from zeroconf import IPVersion
        from zeroconf.asyncio import AsyncServiceInfo

        zc = self._zc
        if zc is None:
            return
        info = AsyncServiceInfo(SERVICE_TYPE, name)
        try:
            found = await info.async_request(zc.zeroconf, self._resolve_timeout * 1000)
        except Exception:  # not CancelledError, a BaseException: close() cancels
            log.debug("resolving %r failed", name, exc_info=True)
            return
        if not found:
            log.debug("%r did not answer within %s s", name, self._resolve_timeout)
            return
        room = room_from_service(
            name, info.parsed_addresses(IPVersion.V4Only), info.port, info.properties
        )
        if room is None:
            self._reject(key)
            if self._rooms.pop(key, None) is not None:
                self._changed()
            return
        self._rejected.pop(key, None)
        if self._rooms.get(key) != room:
            self._rooms[key] = room
            self._changed()

    def _reject(self, key: str) -> None:
        log.debug("ignoring the malformed advert %r", key)
        self._rejected.pop(key, None)
        self._rejected[key] = None
        while len(self._rejected) > self._max_rooms:
            del self._rejected[next(iter(self._rejected))]

    def _changed(self) -> None:
        try:
            self.on_change(self.sorted_rooms())
        except Exception:
            log.exception("a discovery on_change callback failed (%r)", self.on_change)
