"""Every default of the room server, defined once.

``ServerConfig`` (``app.py``), the CLI (``__main__.py``), the I/O layer
(``wire.py``), the rate limiter (``room.py``), the Redis hub and the desktop
app's embedded host all import their defaults from here, so that a default
changed here changes everywhere it is used, and nowhere else needs a second
copy that could drift. Protocol bounds (name length, frame size) are not
defaults: they live in ``protocol.py`` with the frames they bound.
"""

from __future__ import annotations

from typing import Final

#: Where the headless server listens unless told otherwise.
HOST: Final = "127.0.0.1"
PORT: Final = 8765

#: PROTOCOL.md, Delivery promise: rooms keep their last 10,000 messages.
RETENTION: Final = 10_000

#: Frames per second per connection, and the burst above that.
RATE: Final = 20.0
BURST: Final = 60.0
#: Refused frames within ``ABUSE_WINDOW`` seconds before the connection is
#: closed with 1008 (PROTOCOL.md, Close codes: repeated abuse).
ABUSE_AFTER: Final = 50
ABUSE_WINDOW: Final = 10.0

#: Unsent bytes a connection may have queued before it is closed with 1013
#: (PROTOCOL.md, Close codes: slow consumer).
MAX_BUFFER: Final = 4 * 1024 * 1024

#: Unsent bytes past which the server stops reading a connection until it
#: drains below the low-water mark (wire.py, Flow control): a peer that does
#: not read cannot make the server answer more.
READ_HIGH_WATER: Final = 256 * 1024
READ_LOW_WATER: Final = 64 * 1024
#: Pings a client may send per second, and the burst above that (1008 beyond).
PING_RATE: Final = 5.0
PING_BURST: Final = 20.0
#: Frames one fragmented message may have (empty fragments count nothing
#: against the size limit, but each costs memory).
MAX_FRAGMENTS: Final = 1024

#: Seconds a client of a password room has to send its hello.
HELLO_TIMEOUT: Final = 10.0
#: Seconds a TCP connection has to complete the WebSocket handshake.
OPEN_TIMEOUT: Final = 10.0
#: Keepalive (RFC 6455 5.5.2): a ping after this much silence, and 1011 when
#: the peer stays silent this much longer.
PING_INTERVAL: Final = 20.0
PING_TIMEOUT: Final = 20.0
#: Seconds to wait for the closing handshake before dropping the TCP connection.
CLOSE_TIMEOUT: Final = 5.0

#: The reason sent with 1001 when a headless server shuts down.
SHUTDOWN_REASON: Final = "server shutting down"
#: The reason sent with 1001 when the desktop app stops hosting; clients
#: recognise it and say "the host stopped hosting" instead of reconnecting.
HOST_STOPPED_REASON: Final = "host stopped hosting"

#: Seconds a SQLite read or write keeps retrying a file locked by another
#: program before the senders get ``internal`` (the loop never waits on it).
HISTORY_BUSY_DEADLINE: Final = 10.0

#: ``--redis``: seconds between a node's heartbeats; a node that misses
#: ``HEARTBEAT_MISSES`` of them is taken for crashed and its members leave.
REDIS_HEARTBEAT: Final = 5.0
HEARTBEAT_MISSES: Final = 3

# -- Per-address limits (server/limits.py; PROTOCOL.md, Transport) -----------------
# An "address" is one IPv4 address or one IPv6 /64. Loopback is not exempt: the
# desktop host's own client is one connection per room shown, far below these;
# tests and benchmarks that open thousands from 127.0.0.1 raise them explicitly.

#: Open connections, server-wide, before new ones get HTTP 503 (each costs about
#: 6 KB and a file descriptor).
MAX_CONNECTIONS: Final = 10_000
#: Open connections from one address before the next gets HTTP 429: a few
#: people behind one NAT, each with a client in several rooms.
MAX_CONNECTIONS_PER_ADDRESS: Final = 20
#: WebSocket handshakes per second from one address, and the burst above that,
#: before HTTP 429 with Retry-After: a client reconnecting all its rooms at once
#: stays far below; a reconnect loop (a password guesser) does not.
HANDSHAKE_RATE: Final = 10.0
HANDSHAKE_BURST: Final = 20.0
#: Rooms with a connection on this server before a connection to a new one gets
#: HTTP 503 (an open room holds up to RETENTION message ids in memory).
MAX_ROOMS: Final = 1_000
#: Members of one room on this server before a join gets ``too_many``: every
#: message costs one delivery per member.
MAX_MEMBERS: Final = 1_000
#: Wrong passwords from one address that cost nothing (typos); after them the
#: next attempt from that address waits PASSWORD_BACKOFF seconds, doubling with
#: every further wrong one up to PASSWORD_BACKOFF_MAX. PASSWORD_WINDOW seconds
#: without a wrong password (or one right password) forgets them.
PASSWORD_TRIES: Final = 3
PASSWORD_BACKOFF: Final = 1.0
PASSWORD_BACKOFF_MAX: Final = 60.0
PASSWORD_WINDOW: Final = 600.0
#: Seconds a client refused at a connection or room cap is told to wait
#: (Retry-After): nobody knows when a connection will end.
CAP_RETRY_AFTER: Final = 10
#: Idle addresses (and (address, name) rate buckets) remembered at most; the
#: least recently seen are forgotten first, so that a spray of addresses costs
#: a bounded amount of memory.
LIMITS_TRACKED: Final = 10_000

#: The admin endpoint's bearer token (server/admin.py, --admin-token-file):
#: fewer characters than this are refused at start, as guessable.
MIN_ADMIN_TOKEN: Final = 16
