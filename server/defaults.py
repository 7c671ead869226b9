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
