"""Per-address limits, sans I/O: what one address, or one name from it, may do.

The session's rate limiter counts one connection; a client that reconnects,
or opens twenty connections, or guesses a password once per connection, is
only stopped by limits that outlive a connection. :class:`AddressLimits`
holds them for one server. It does no I/O, holds no asyncio object and
reads no clock: every caller passes ``now`` (the loop's clock, as the
session's). Who asks what, and where (PROTOCOL.md, Transport, Error codes,
Close codes)::

    wire: a TCP connection made   connected(key, address) -> Refusal | None
                                    429 at once: the address holds its cap of
                                    TCP connections (half-open handshakes too)
    wire: a TCP connection lost   disconnected(key)
    Gate.process_request          admit(address, room, now) -> Refusal | None
                                    429 + Retry-After: the address's open
                                        connections or handshakes per second
                                    503 + Retry-After: the server's connections,
                                        or a new room past the room cap
    RoomServer.connection_open    opened(key, address, room)   count it
    RoomServer.connection_closed  closed(key)                  give it back
    Session, password room        password_refusal(address, now) -> str | None
                                    (before comparing: unauthorized + 1008)
                                  password_failed(address, now) / password_ok(address)
    Session, a join that adds     room_full(members) -> str | None  (too_many)
    Session, once joined          limiter(address, name, now, adopt=...) -> RateLimiter
                                    the (address, name) bucket, shared by every
                                    connection of that name from that address

Addresses (:func:`address_key`): an IPv4 address; an IPv6 address's /64
(one subscriber usually holds a whole /64, and a limit per /128 would be a
limit on nothing); an IPv4-mapped IPv6 address is its IPv4 address.
Loopback is not exempt, nor is the desktop host's own client: it is one
connection per room shown, far below every limit (see ``defaults.py``).

Bounded memory: the state of an address that has no open connection lives
in a least-recently-used table of at most ``tracked`` entries, and is
forgotten as soon as forgetting changes nothing (its handshake bucket is
full again and its wrong passwords are past the window); the (address,
name) buckets likewise. Counts of connections (TCP, and open) are exact
and live exactly as long as the connections they count. A spray of
addresses therefore costs at most ``tracked`` entries per table, and
evicts only state that the sprayer's own addresses would have had anyway.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import unicodedata
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Final, Protocol

from .defaults import (
    ABUSE_AFTER,
    ABUSE_WINDOW,
    BURST,
    CAP_RETRY_AFTER,
    HANDSHAKE_BURST,
    HANDSHAKE_RATE,
    LIMITS_TRACKED,
    MAX_CONNECTIONS,
    MAX_CONNECTIONS_PER_ADDRESS,
    MAX_MEMBERS,
    MAX_ROOMS,
    PASSWORD_BACKOFF,
    PASSWORD_BACKOFF_MAX,
    PASSWORD_TRIES,
    PASSWORD_WINDOW,
    RATE,
)
from .errors import ConfigError
from .room import RateLimiter

TOO_MANY_REQUESTS: Final = 429
SERVICE_UNAVAILABLE: Final = 503


#: Hosts whose key :func:`address_key` remembers. Every connection asks twice
#: (TCP accepted, then upgraded), and all that is counted for it holds the
#: key: one shared string per address instead of a copy per question (issue
#: 20, idle memory). Bounded, so that a spray of addresses costs no more.
ADDRESS_KEYS_CACHED: Final = 4096


@functools.lru_cache(maxsize=ADDRESS_KEYS_CACHED)
def address_key(host: str) -> str:
    """What the limits count by, for a peer's host (see the module docstring).

    ``host`` may carry IPv6 brackets or a zone (``fe80::1%eth0``); anything
    that is not an IP address (an unknown peer: ``?``) is its own key.
    """
    text = host.strip().strip("[]").split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return host or "?"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        if ip.is_loopback:
            return str(ip)
        return f"{ipaddress.IPv6Address(int(ip) >> 64 << 64)}/64"
    return str(ip)


def peer_host(remote: str) -> str:
    """The host part of ``wire.Connection.remote`` ("host:port", or "?")."""
    host, sep, port = remote.rpartition(":")
    return host if sep and port.isdigit() else remote


def bucket_name(name: str) -> str:
    """A name as the rate buckets compare it: NFC, case-folded (a cheap cousin of
    ``names.name_key``: a flooder can change names anyway)."""
    return unicodedata.normalize("NFC", name).casefold()


@dataclass(frozen=True, slots=True)
class Refusal:
    """An HTTP answer instead of the upgrade (PROTOCOL.md, Transport)."""

    #: 429 (this address's limit) or 503 (this server's cap).
    status: int
    #: Whole seconds for the Retry-After header, at least 1.
    retry_after: int
    #: One line of text for the body, without the newline.
    reason: str


class LimitSettings(Protocol):
    """The fields of ``app.ServerConfig`` that :meth:`AddressLimits.from_settings` reads."""

    @property
    def max_connections(self) -> int: ...
    @property
    def max_connections_per_address(self) -> int: ...
    @property
    def handshake_rate(self) -> float: ...
    @property
    def handshake_burst(self) -> float: ...
    @property
    def max_rooms(self) -> int: ...
    @property
    def max_members(self) -> int: ...
    @property
    def password_tries(self) -> int: ...
    @property
    def password_backoff(self) -> float: ...
    @property
    def password_backoff_max(self) -> float: ...
    @property
    def password_window(self) -> float: ...
    @property
    def rate(self) -> float: ...
    @property
    def burst(self) -> float: ...
    @property
    def abuse_after(self) -> int: ...


class _Address:
    """What is remembered of one address between its connections."""

    __slots__ = ("blocked_until", "failed_at", "failures", "stamp", "tokens")

    def __init__(self, burst: float, now: float) -> None:
        #: The handshake bucket.
        self.tokens = burst
        self.stamp = now
        #: Wrong passwords in a row (no gap longer than the window), the last
        #: one's time, and when the next attempt may come.
        self.failures = 0
        self.failed_at = now
        self.blocked_until = now


class AddressLimits:
    """Every per-address limit of one server (see the module docstring)."""

    def __init__(
        self,
        *,
        max_connections: int = MAX_CONNECTIONS,
        max_connections_per_address: int = MAX_CONNECTIONS_PER_ADDRESS,
        handshake_rate: float = HANDSHAKE_RATE,
        handshake_burst: float = HANDSHAKE_BURST,
        max_rooms: int = MAX_ROOMS,
        max_members: int = MAX_MEMBERS,
        password_tries: int = PASSWORD_TRIES,
        password_backoff: float = PASSWORD_BACKOFF,
        password_backoff_max: float = PASSWORD_BACKOFF_MAX,
        password_window: float = PASSWORD_WINDOW,
        message_rate: float = RATE,
        message_burst: float = BURST,
        abuse_after: int = ABUSE_AFTER,
        abuse_window: float = ABUSE_WINDOW,
        tracked: int = LIMITS_TRACKED,
        cap_retry_after: int = CAP_RETRY_AFTER,
    ) -> None:
        if min(max_connections, max_connections_per_address, max_rooms, max_members) < 1:
            raise ConfigError("connection, room and member caps must be at least 1")
        if handshake_rate <= 0 or handshake_burst < 1 or message_rate <= 0 or message_burst < 1:
            raise ConfigError("rates must be positive and bursts at least 1")
        if tracked < 1 or password_tries < 1 or password_backoff < 0:
            raise ConfigError(
                "tracked and password_tries must be at least 1, the backoff not negative"
            )
        self.max_connections = max_connections
        self.max_connections_per_address = max_connections_per_address
        self.handshake_rate = handshake_rate
        self.handshake_burst = handshake_burst
        self.max_rooms = max_rooms
        self.max_members = max_members
        self.password_tries = password_tries
        self.password_backoff = password_backoff
        self.password_backoff_max = max(password_backoff_max, password_backoff)
        self.password_window = password_window
        self.message_rate = message_rate
        self.message_burst = message_burst
        self.abuse_after = abuse_after
        self.abuse_window = abuse_window
        self.tracked = tracked
        self.cap_retry_after = max(1, cap_retry_after)
        #: A bucket idle this long is full again and its warnings forgotten:
        #: a fresh one is the same.
        self._bucket_rest = max(message_burst / message_rate, abuse_window)
        self._handshake_rest = handshake_burst / handshake_rate
        self._addresses: OrderedDict[str, _Address] = OrderedDict()
        self._buckets: OrderedDict[tuple[str, str | None], RateLimiter] = OrderedDict()
        #: Open connections: per address, per room, and what each key counted.
        self._per_address: dict[str, int] = {}
        self._per_room: dict[str, int] = {}
        self._open: dict[Hashable, tuple[str, str]] = {}
        #: Each counted room's name, once: what every key's count refers to
        #: (a room's connections share one string, not one each: issue 20).
        self._room_names: dict[str, str] = {}
        #: TCP connections (handshaking or open) per address, and each key's address.
        self._tcp_per_address: dict[str, int] = {}
        self._tcp: dict[Hashable, str] = {}

    @classmethod
    def from_settings(cls, settings: LimitSettings) -> AddressLimits:
        """The limits a ``ServerConfig`` asks for (the message bucket per
        (address, name) has the per-connection ``rate``, ``burst`` and
        ``abuse_after``)."""
        s = settings
        return cls(
            max_connections=s.max_connections,
            max_connections_per_address=s.max_connections_per_address,
            handshake_rate=s.handshake_rate,
            handshake_burst=s.handshake_burst,
            max_rooms=s.max_rooms,
            max_members=s.max_members,
            password_tries=s.password_tries,
            password_backoff=s.password_backoff,
            password_backoff_max=s.password_backoff_max,
            password_window=s.password_window,
            message_rate=s.rate,
            message_burst=s.burst,
            abuse_after=s.abuse_after,
        )

    # -- what is tracked (tests, /healthz, logs) --------------------------------------

    @property
    def connections(self) -> int:
        return len(self._open)

    @property
    def rooms(self) -> int:
        """Rooms with at least one open connection."""
        return len(self._per_room)

    @property
    def tracked_addresses(self) -> int:
        return len(self._addresses)

    @property
    def tracked_buckets(self) -> int:
        return len(self._buckets)

    def connections_from(self, address: str) -> int:
        """Open (upgraded) connections from ``address``."""
        return self._per_address.get(address, 0)

    def tcp_connections_from(self, address: str) -> int:
        """TCP connections from ``address``, handshaking or open (:meth:`connected`)."""
        return self._tcp_per_address.get(address, 0)

    # -- TCP connections (wire), before any request ------------------------------------

    def connected(self, key: Hashable, address: str) -> Refusal | None:
        """A TCP connection from ``address`` was accepted (``key``: anything
        unique to it). Refused when the address already holds
        ``max_connections_per_address`` of them, open or still handshaking, so
        that half-open handshakes cannot pile up until their timeout; otherwise
        counted until :meth:`disconnected`. Calling it twice counts it once."""
        if key in self._tcp:
            return None
        if self._tcp_per_address.get(address, 0) >= self.max_connections_per_address:
            return self._too_many_connections()
        self._tcp[key] = address
        self._tcp_per_address[address] = self._tcp_per_address.get(address, 0) + 1
        return None

    def disconnected(self, key: Hashable) -> None:
        """The TCP connection ended. Idempotent; a key never counted is ignored."""
        address = self._tcp.pop(key, None)
        if address is not None:
            _decrement(self._tcp_per_address, address)

    # -- before the upgrade (gate) ----------------------------------------------------

    def admit(self, address: str, room: str, now: float) -> Refusal | None:
        """May a connection from ``address`` open to ``room`` now?

        Admitted, it takes a handshake token; refused, it takes nothing (a
        refusal costs the server what a token stands for anyway). The count
        of open connections changes only with :meth:`opened` and :meth:`closed`.
        """
        if self._per_address.get(address, 0) >= self.max_connections_per_address:
            return self._too_many_connections()
        state = self._address(address, now)
        tokens = min(self.handshake_burst, state.tokens + (now - state.stamp) * self.handshake_rate)
        state.tokens, state.stamp = tokens, now
        if tokens < 1.0:
            wait = max(1, math.ceil((1.0 - tokens) / self.handshake_rate))
            return Refusal(
                TOO_MANY_REQUESTS,
                wait,
                f"too many connection attempts from your address "
                f"(at most {self.handshake_rate:g} per second): try again in {wait} s",
            )
        if len(self._open) >= self.max_connections:
            return Refusal(
                SERVICE_UNAVAILABLE,
                self.cap_retry_after,
                f"this server is full ({self.max_connections} connections): try again later",
            )
        if room not in self._per_room and len(self._per_room) >= self.max_rooms:
            return Refusal(
                SERVICE_UNAVAILABLE,
                self.cap_retry_after,
                f"this server has its maximum of {self.max_rooms} rooms open: "
                "join an open room, or try again later",
            )
        state.tokens -= 1.0
        return None

    def _too_many_connections(self) -> Refusal:
        return Refusal(
            TOO_MANY_REQUESTS,
            self.cap_retry_after,
            f"too many connections from your address "
            f"(at most {self.max_connections_per_address}): close one, or try again later",
        )

    def opened(self, key: Hashable, address: str, room: str) -> None:
        """A connection (``key``: anything unique to it) is open; count it until
        :meth:`closed`. Calling it twice for one key counts it once."""
        if key in self._open:
            return
        room = self._room_names.setdefault(room, room)
        self._open[key] = (address, room)
        self._per_address[address] = self._per_address.get(address, 0) + 1
        self._per_room[room] = self._per_room.get(room, 0) + 1

    def closed(self, key: Hashable) -> None:
        """The connection ended. Idempotent; a key never opened is ignored."""
        counted = self._open.pop(key, None)
        if counted is None:
            return
        address, room = counted
        _decrement(self._per_address, address)
        _decrement(self._per_room, room)
        if room not in self._per_room:
            del self._room_names[room]

    # -- passwords (session) ----------------------------------------------------------

    def password_refusal(self, address: str, now: float) -> str | None:
        """Why an attempt from ``address`` is refused without comparing the
        password (``unauthorized``, close 1008), or None: compare it."""
        state = self._addresses.get(address)
        if state is None:
            return None
        self._forget_old_failures(state, now)
        if now >= state.blocked_until:
            return None
        wait = max(1, math.ceil(state.blocked_until - now))
        return f"too many failed password attempts from your address: try again in {wait} s"

    def password_failed(self, address: str, now: float) -> float:
        """A wrong password from ``address``; returns the seconds its next attempt waits.

        The first ``password_tries`` attempts are never delayed; after that many
        wrong ones the next attempt waits ``password_backoff``, doubling with
        each further wrong one up to ``password_backoff_max``.
        """
        state = self._address(address, now)
        self._forget_old_failures(state, now)
        state.failures += 1
        state.failed_at = now
        beyond = state.failures - self.password_tries
        if beyond < 0:
            return 0.0
        wait = min(self.password_backoff_max, self.password_backoff * 2.0 ** min(beyond, 64))
        state.blocked_until = now + wait
        return wait

    def password_ok(self, address: str) -> None:
        """A right password from ``address``: its wrong ones are forgiven."""
        state = self._addresses.get(address)
        if state is not None:
            state.failures = 0
            state.blocked_until = state.failed_at

    def _forget_old_failures(self, state: _Address, now: float) -> None:
        if state.failures and now - state.failed_at > self.password_window:
            state.failures = 0

    # -- rooms and messages (session) -------------------------------------------------

    def room_full(self, members: int) -> str | None:
        """Why a join that adds a member to a room of ``members`` is refused
        (``too_many``), or None. Whether a join adds a member is the session's
        call (``Session._adds_member``: names compare by their key)."""
        if members < self.max_members:
            return None
        return f"this room is full ({self.max_members} members): try again later"

    def limiter(
        self, address: str, name: str | None, now: float, *, adopt: RateLimiter | None = None
    ) -> RateLimiter:
        """The message bucket of ``name`` from ``address``, shared by all its
        connections and kept across reconnects. ``None``: the address's guests
        (``guest-N`` is new for every connection), who share one bucket.

        ``adopt``: the connection's own limiter, which becomes the shared
        bucket when there is none yet (so that what it counted before the
        join, the hello included, still counts); an existing bucket wins.
        """
        key = (address, None if name is None else bucket_name(name))
        buckets = self._buckets
        bucket = buckets.get(key)
        if bucket is not None:
            buckets.move_to_end(key)
            return bucket
        while buckets:
            oldest = next(iter(buckets.values()))
            if now - oldest.stamp < self._bucket_rest and len(buckets) < self.tracked:
                break
            buckets.popitem(last=False)
        if adopt is None:
            adopt = RateLimiter(
                self.message_rate,
                self.message_burst,
                abuse_after=self.abuse_after,
                abuse_window=self.abuse_window,
                now=now,
            )
        buckets[key] = adopt
        return adopt

    # -- the address table --------------------------------------------------------------

    def _address(self, address: str, now: float) -> _Address:
        """The address's state (made fresh if forgotten), now the most recent."""
        table = self._addresses
        state = table.get(address)
        if state is not None:
            table.move_to_end(address)
            return state
        while table:
            oldest = next(iter(table.values()))
            if not self._at_rest(oldest, now) and len(table) < self.tracked:
                break
            table.popitem(last=False)
        state = table[address] = _Address(self.handshake_burst, now)
        return state

    def _at_rest(self, state: _Address, now: float) -> bool:
        """Would forgetting this state change any answer? (A fresh one is the same.)"""
        if now - state.stamp < self._handshake_rest:
            return False
        return not state.failures or (
            now - state.failed_at > self.password_window and now >= state.blocked_until
        )


def _decrement(counts: dict[str, int], key: str) -> None:
    left = counts[key] - 1
    if left:
        counts[key] = left
    else:
        del counts[key]
