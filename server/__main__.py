"""roomcast-server: the headless room server.

Bad flags, a busy port or an unreadable certificate print one line and exit
with code 2; SIGINT and SIGTERM close every connection with 1001, flush
history and exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__, defaults
from .app import RoomServer, ServerConfig
from .certificates import SelfSigned, self_signed
from .errors import ConfigError
from .logs import FORMATS, LEVELS, configure
from .netinfo import is_wildcard, lan_ipv4_addresses

log = logging.getLogger("roomcast.server")

EXIT_OK = 0
EXIT_USAGE = 2


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("roomcast", appauthor=False)) / "history.sqlite3"


def _bounded(
    kind: Callable[[str], float], low: float, high: float | None = None
) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"{low:g}-{high:g}" if high is not None else f">= {low:g}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    return parse


def _size(text: str) -> int:
    """Bytes, with an optional K/M/G (KiB/MiB/GiB) suffix: 4M, 512KiB, 65536."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 4M or 65536)")
    number, unit = match.groups()
    value = int(number) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[unit.upper()]
    if value < 1024:
        raise argparse.ArgumentTypeError(f"must be at least 1K, got {text}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag prints one line (no usage block) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


#: The "limits" flags, each straight onto its ServerConfig field: (flag,
#: field, type, least value, default, metavar, help).
_LIMIT_FLAGS: tuple[tuple[str, str, Callable[[str], float], float, float, str, str], ...] = (
    (
        "--max-connections",
        "max_connections",
        int,
        1,
        defaults.MAX_CONNECTIONS,
        "N",
        "open connections in all; more get HTTP 503 (default: %(default)s)",
    ),
    (
        "--max-connections-per-address",
        "max_connections_per_address",
        int,
        1,
        defaults.MAX_CONNECTIONS_PER_ADDRESS,
        "N",
        "open connections from one address; more get HTTP 429 (default: %(default)s)",
    ),
    (
        "--handshakes-per-second",
        "handshake_rate",
        float,
        0.01,
        defaults.HANDSHAKE_RATE,
        "RATE",
        "new connections per second from one address; faster get HTTP 429 "
        "with Retry-After (default: %(default)g)",
    ),
    (
        "--handshake-burst",
        "handshake_burst",
        float,
        1,
        defaults.HANDSHAKE_BURST,
        "N",
        "burst of new connections above --handshakes-per-second (default: %(default)g)",
    ),
    (
        "--max-rooms",
        "max_rooms",
        int,
        1,
        defaults.MAX_ROOMS,
        "N",
        "rooms with a connection; a connection to another room gets HTTP 503 "
        "(default: %(default)s)",
    ),
    (
        "--max-members",
        "max_members",
        int,
        1,
        defaults.MAX_MEMBERS,
        "N",
        "members per room; a join past it gets too_many (default: %(default)s)",
    ),
    (
        "--password-tries",
        "password_tries",
        int,
        1,
        defaults.PASSWORD_TRIES,
        "N",
        "wrong passwords from one address before each further attempt waits, "
        f"{defaults.PASSWORD_BACKOFF:g} s doubling (default: %(default)s)",
    ),
    (
        "--password-backoff-max",
        "password_backoff_max",
        float,
        0,
        defaults.PASSWORD_BACKOFF_MAX,
        "SECONDS",
        "the longest wait between password attempts from one address (default: %(default)g)",
    ),
)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="roomcast-server",
        description="Run Roomcast chat rooms over WebSocket: ws://HOST:PORT/ is the lobby, "
        "ws://HOST:PORT/r/NAME the room NAME.",
    )
    p.add_argument("--version", action="version", version=f"roomcast-server {__version__}")
    p.add_argument(
        "--host",
        default=defaults.HOST,
        help="address to bind; 0.0.0.0 for every network (default: %(default)s)",
    )
    p.add_argument(
        "--port",
        type=_bounded(int, 0, 65535),
        default=defaults.PORT,
        help="TCP port; 0 picks a free one (default: %(default)s)",
    )
    p.add_argument(
        "--db",
        metavar="PATH",
        help=f"SQLite history file, or :memory: (default: {default_db_path()})",
    )
    p.add_argument(
        "--redis",
        metavar="URL",
        help="share rooms with other roomcast-server processes through Redis or Valkey, "
        "e.g. redis://127.0.0.1:6379/0 (history then lives there, not in --db)",
    )
    p.add_argument(
        "--redis-heartbeat",
        type=_bounded(float, 0.1),
        default=defaults.REDIS_HEARTBEAT,
        metavar="SECONDS",
        help="with --redis: how often this node proves it is alive; the members of a node "
        f"silent for {defaults.HEARTBEAT_MISSES} beats leave its rooms (default: %(default)g)",
    )
    p.add_argument(
        "--retention",
        type=_bounded(int, 1),
        default=defaults.RETENTION,
        help="messages each room keeps (default: %(default)s)",
    )
    p.add_argument("--password", help="every room needs this password (or set ROOMCAST_PASSWORD)")
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin allowed besides the server's own, "
        "e.g. https://chat.example.com; repeatable; * allows any",
    )
    p.add_argument(
        "--admin-token-file",
        metavar="FILE",
        help="turn on the admin endpoint /admin/… (members, kick, ban, password; "
        "docs/operating.md): requests need 'Authorization: Bearer TOKEN', TOKEN being "
        f"this file's content (at least {defaults.MIN_ADMIN_TOKEN} characters; or set "
        "ROOMCAST_ADMIN_TOKEN)",
    )
    p.add_argument("--certfile", help="TLS certificate chain (PEM): serve wss://")
    p.add_argument("--keyfile", help="TLS private key (PEM), if not inside --certfile")
    p.add_argument(
        "--self-signed",
        action="store_true",
        help="serve wss:// with a self-signed certificate of its own (made once, kept in "
        "--self-signed-dir); prints its SHA-256 fingerprint and an invite that carries it",
    )
    p.add_argument(
        "--self-signed-dir",
        type=Path,
        help="where the self-signed certificate is kept (default: the data folder's tls/)",
    )
    p.add_argument(
        "--rate",
        type=_bounded(float, 0.1),
        default=defaults.RATE,
        help="frames per second per connection (default: %(default)g)",
    )
    p.add_argument(
        "--burst",
        type=_bounded(float, 1),
        default=defaults.BURST,
        help="burst of frames above --rate (default: %(default)g)",
    )
    p.add_argument(
        "--max-buffer",
        type=_size,
        default=defaults.MAX_BUFFER,
        metavar="SIZE",
        help="unsent bytes per connection before it is closed as a slow consumer "
        f"(default: {defaults.MAX_BUFFER >> 20}M)",
    )
    p.add_argument(
        "--hello-timeout",
        type=_bounded(float, 0.1),
        default=defaults.HELLO_TIMEOUT,
        metavar="SECONDS",
        help="time to send the password in a password room (default: %(default)g)",
    )
    limits = p.add_argument_group(
        "limits",
        "per client address (an IPv4 address or an IPv6 /64; loopback included) and "
        "per server; past them a connection gets HTTP 429 or 503 before the upgrade",
    )
    for flag, field, kind, least, default, metavar, text in _LIMIT_FLAGS:
        limits.add_argument(
            flag,
            dest=field,
            type=_bounded(kind, least),
            default=default,
            metavar=metavar,
            help=text,
        )
    p.add_argument(
        "--log-level",
        default="info",
        choices=LEVELS,
        help="(default: %(default)s)",
    )
    p.add_argument(
        "--log-format",
        default=FORMATS[0],
        choices=FORMATS,
        help="log lines on stderr: text for people, json for log shippers: one object "
        "per line with time, level, logger, event, and room and remote when known "
        "(docs/operating.md; default: %(default)s)",
    )
    return p


def certificate_hosts(host: str) -> list[str]:
    """The names a self-signed certificate should carry for a server bound to
    ``host``: that address, or for a wildcard every LAN address, loopback and
    this machine's name."""
    if not is_wildcard(host):
        return [host]
    return [*lan_ipv4_addresses(), "127.0.0.1", "localhost", socket.gethostname()]


def own_certificate(args: argparse.Namespace) -> SelfSigned:
    """--self-signed: the certificate kept in --self-signed-dir (made if needed)."""
    folder = args.self_signed_dir or default_db_path().parent / "tls"
    try:
        return self_signed(folder, certificate_hosts(args.host))
    except ModuleNotFoundError as exc:  # an extra (pyproject.toml)
        raise ConfigError(
            f"--self-signed needs the {exc.name} package: pip install 'roomcast[self-signed]'"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"--self-signed: cannot keep the certificate in {folder}: {exc.strerror or exc}"
        ) from None


def admin_token(args: argparse.Namespace) -> str | None:
    """The admin endpoint's token: --admin-token-file's content, else
    ROOMCAST_ADMIN_TOKEN, else None (no endpoint). ConfigError when unreadable
    or too short to resist guessing."""
    if args.admin_token_file:
        try:
            token = Path(args.admin_token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or exc
            raise ConfigError(f"--admin-token-file {args.admin_token_file}: {why}") from None
    else:
        token = os.environ.get("ROOMCAST_ADMIN_TOKEN", "").strip()
        if not token:
            return None
    if len(token) < defaults.MIN_ADMIN_TOKEN or any(c.isspace() for c in token):
        raise ConfigError(
            f"the admin token must be at least {defaults.MIN_ADMIN_TOKEN} characters "
            "without spaces (e.g. made with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return token


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    password = args.password if args.password is not None else os.environ.get("ROOMCAST_PASSWORD")
    return ServerConfig(
        host=args.host,
        port=int(args.port),
        db=args.db if args.db is not None else (":memory:" if args.redis else default_db_path()),
        redis=args.redis,
        redis_heartbeat=args.redis_heartbeat,
        retention=int(args.retention),
        password=password or None,
        allow_origins=tuple(args.allow_origin),
        certfile=args.certfile,
        keyfile=args.keyfile,
        rate=args.rate,
        burst=args.burst,
        max_buffer=args.max_buffer,
        hello_timeout=args.hello_timeout,
        admin_token=admin_token(args),
        **{field: getattr(args, field) for _, field, *_ in _LIMIT_FLAGS},
    )


async def serve_until_stopped(
    config: ServerConfig, *, ready: Callable[[RoomServer], None] | None = None
) -> None:
    """Run the server until SIGINT or SIGTERM, then shut down in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop.set))
    server = RoomServer(config)
    await server.start()
    # What exists now (modules, configuration, the listening sockets: some
    # 25,000 objects) lives until exit. Frozen, a full collection no longer
    # scans it: at 1,000 clients x 200 msg/s such a pass paused the loop for
    # tens of milliseconds, the tail of the latency (docs/benchmarks.md, issue
    # 20). Nothing frozen here becomes garbage, so freezing leaks nothing.
    gc.collect()
    gc.freeze()
    if ready is not None:
        ready(server)
    await stop.wait()
    log.info("stopping: closing connections and flushing history")
    await server.close()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    if sys.platform == "win32":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _announce(server: RoomServer, fingerprint: str | None = None) -> None:
    print(f"Roomcast server {__version__} listening on:", flush=False)
    for url in server.urls:
        print(f"  {url}", flush=False)
    # Issue 17: the link to give someone without the app (http, or https with
    # a certificate: the page's scheme matches the socket's).
    if server.page_urls:
        for url in server.page_urls:
            print(f"Browser guests: {url} (the lobby) or {url}r/NAME", flush=False)
    else:
        print("Browser guests: the guest page is not installed (server/web/index.html)")
    db = server.config.db
    if server.config.redis:
        print(f"History: Redis at {server.config.redis} (rooms shared with other nodes)")
    else:
        print(f"History: {db}" if str(db) != ":memory:" else "History: in memory (lost at exit)")
    if fingerprint:
        # Issue 18: the invite carries what no CA vouches for (desktop/links.py).
        print(f"Certificate: self-signed, SHA-256 {fingerprint}", flush=False)
        tag = fingerprint.replace(":", "").lower()
        for url in server.urls:
            link = "roomcasts://" + url.split("://", 1)[1]
            print(f"Invite: {link}#sha256={tag} (or {link}r/NAME#sha256=…)", flush=False)
    if server.config.admin_token:
        base = server.page_urls[0] if server.page_urls else server.urls[0]
        print(f"Admin: {base}admin/members (Authorization: Bearer <token>)", flush=False)
    print("Rooms: / is the lobby, /r/NAME any other room. Press Ctrl+C to stop.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure(args.log_level, args.log_format, sys.stderr)
    if args.log_level != "debug":
        # websockets logs every failed handshake (port scanners, browsers we
        # refused) with a traceback; one line from us is enough.
        logging.getLogger("websockets").setLevel(logging.WARNING)
    if args.redis is not None and args.db is not None:
        parser.error("--db and --redis exclude each other: with --redis, history lives in Redis")
    if args.self_signed and args.certfile:
        parser.error("--self-signed and --certfile exclude each other: pick one certificate")
    if args.redis is not None and not args.redis.startswith(("redis://", "rediss://", "unix://")):
        parser.error(f"--redis {args.redis}: expected redis://HOST:PORT/DB (or rediss://, unix://)")
    try:
        fingerprint = None
        if args.self_signed:
            made = own_certificate(args)
            args.certfile, fingerprint = str(made.path), made.fingerprint
        config = config_from_args(args)
        announce = functools.partial(_announce, fingerprint=fingerprint)
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(serve_until_stopped(config, ready=announce))
    except ConfigError as exc:
        print(f"roomcast-server: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # a second Ctrl+C during shutdown
        return EXIT_OK
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
