"""Connection options: what the client adds to a WebSocket connection, without Qt.

A :class:`ConnectionOptions` holds the extra handshake headers, the
subprotocols to offer, query parameters, a CA file and the timeouts. It is
frozen and compared by value; :func:`check_options` says, in words for the
person, which field is wrong. The rules:

- Header names are RFC 7230 (3.2.6) tokens; values hold no control
  characters but tab (RFC 7230, 3.2: a CR or LF would end the header and let
  a value smuggle in another one). Names compare without case (RFC 7230,
  3.2) and are given once each.
- Headers the WebSocket handshake owns (RFC 6455, 4.1: Host, Upgrade,
  Connection, Sec-WebSocket-Key, -Version, -Extensions; -Accept is the
  server's) are refused; so is Content-Length (the upgrade request has no
  body). Sec-WebSocket-Protocol goes through the subprotocols field.
- Subprotocols are tokens (RFC 6455, 4.1: "characters in the range U+0021
  to U+007E not including separator characters", i.e. RFC 7230 tokens),
  each unique. ``None`` lets the client decide (``roomcast.v1`` for
  Roomcast); ``()`` offers none.
- Query parameters are added to the URL's own (:func:`with_query`); a name
  can't be empty.
- Timeouts: opening 1–300 s; ping interval and ping timeout 1–3600 s, or
  None (no keepalive pings, no waiting for the pong).

Header values that look like secrets (:func:`is_secret_header`) are kept
out of the settings file: :func:`to_settings` writes their names with an
empty value and a ``secret`` marker, :func:`secret_values` lists them for the
keyring and :func:`with_secrets` puts them back.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final
from urllib.parse import quote, urlsplit, urlunsplit

from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated

__all__ = [
    "MAX_OPEN_TIMEOUT",
    "MAX_PING_SECONDS",
    "MIN_SECONDS",
    "OPEN_TIMEOUT",
    "PING_INTERVAL",
    "PING_TIMEOUT",
    "RESERVED_HEADERS",
    "ConnectionOptions",
    "check_options",
    "from_settings",
    "is_secret_header",
    "marked_secret_names",
    "secret_values",
    "to_settings",
    "websocat_command",
    "with_query",
    "with_secrets",
    "wscat_command",
]

#: Seconds to wait for the opening handshake (TCP, TLS and HTTP upgrade).
OPEN_TIMEOUT: Final = 10.0
#: Seconds between keepalive pings; None sends none.
PING_INTERVAL: Final[float | None] = 20.0
#: Seconds to wait for a ping's pong before dropping the connection; None waits forever.
PING_TIMEOUT: Final[float | None] = 20.0
#: The shortest timeout or interval: less is a typo, not a choice.
MIN_SECONDS: Final = 1.0
#: The longest opening handshake worth waiting for.
MAX_OPEN_TIMEOUT: Final = 300.0
#: The longest ping interval or ping timeout: an hour.
MAX_PING_SECONDS: Final = 3600.0

#: RFC 7230, 3.2.6: tchar.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: RFC 7230, 3.2: field-value is VCHAR, obs-text, SP and HTAB; no other control character.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

#: Headers the handshake sets itself (lower case → how to write it in a message).
RESERVED_HEADERS: Final = {
    name.lower(): name
    for name in (
        "Host",
        "Connection",
        "Upgrade",
        "Sec-WebSocket-Key",
        "Sec-WebSocket-Version",
        "Sec-WebSocket-Extensions",
        "Sec-WebSocket-Accept",
        "Content-Length",
    )
}
_PROTOCOL_HEADER: Final = "sec-websocket-protocol"

#: Header names whose values are always secret (lower case).
_SECRET_NAMES: Final = frozenset({"authorization", "proxy-authorization", "cookie"})
#: A header whose name contains one of these is taken for a secret.
_SECRET_WORDS: Final = ("token", "secret", "key", "password", "passwd", "auth", "session")
#: A value like "Bearer abc…" or "Basic dXNlcjpw…" is a credential whatever the name.
_SECRET_VALUE: Final = re.compile(r"^\s*(?:bearer|basic|digest|token)\s+\S", re.IGNORECASE)

#: Settings keys (to_settings / from_settings).
_HEADERS: Final = "headers"
_SUBPROTOCOLS: Final = "subprotocols"
_QUERY: Final = "query"
_CA_FILE: Final = "ca_file"
_OPEN_TIMEOUT: Final = "open_timeout"
_PING_INTERVAL: Final = "ping_interval"
_PING_TIMEOUT: Final = "ping_timeout"
_SECRET_MARK: Final = "secret"  # noqa: S105 - a settings key, not a password


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated


def _t(text: str) -> str:
    return translate("ConnectionOptions", text)


@dataclass(frozen=True)
class ConnectionOptions:
    """What a connection adds to the plain URL; the defaults change nothing."""

    headers: tuple[tuple[str, str], ...] = ()
    #: None: automatic (the client decides); (): offer no subprotocol.
    subprotocols: tuple[str, ...] | None = None
    query: tuple[tuple[str, str], ...] = ()
    #: A PEM file of extra certificate authorities to trust ("" for none).
    ca_file: str = ""
    open_timeout: float = OPEN_TIMEOUT
    ping_interval: float | None = PING_INTERVAL
    ping_timeout: float | None = PING_TIMEOUT

    @property
    def is_default(self) -> bool:
        """True when nothing is set: the connection is made as without options."""
        return self == _DEFAULT


_DEFAULT: Final = ConnectionOptions()


# -- checking -----------------------------------------------------------------------


def _check_header(name: str, value: str) -> tuple[str, str]:
    name, value = name.strip(), value.strip()
    if not name:
        raise ValueError(_t(QT_TRANSLATE_NOOP("ConnectionOptions", "A header needs a name.")))
    if not _TOKEN.fullmatch(name):
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "ConnectionOptions",
                    "Header name {name!r} is not valid: use only letters, digits and "
                    "!#$%&'*+-.^_`|~ (RFC 7230).",
                )
            ).format(name=name)
        )
    lower = name.lower()
    if lower == _PROTOCOL_HEADER:
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "ConnectionOptions",
                    "Don't add a Sec-WebSocket-Protocol header: use the subprotocols field.",
                )
            )
        )
    if lower in RESERVED_HEADERS:
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "ConnectionOptions",
                    "The {name} header is set by the WebSocket handshake itself: "
                    "it can't be added.",
                )
            ).format(name=RESERVED_HEADERS[lower])
        )
    if _CONTROL.search(value):
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "ConnectionOptions",
                    "The value of the {name} header contains a line break or another "
                    "control character: HTTP doesn't allow that.",
                )
            ).format(name=name)
        )
    return name, value


def _check_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    checked: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, value in headers:
        pair = _check_header(name, value)
        if pair[0].lower() in seen:
            raise ValueError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "ConnectionOptions",
                        "The {name} header is given twice: give it once "
                        "(several values go in one, separated by commas).",
                    )
                ).format(name=pair[0])
            )
        seen.add(pair[0].lower())
        checked.append(pair)
    return tuple(checked)


def _check_subprotocols(subprotocols: Iterable[str] | None) -> tuple[str, ...] | None:
    if subprotocols is None:
        return None
    checked: list[str] = []
    for raw in subprotocols:
        name = raw.strip()
        if not _TOKEN.fullmatch(name):
            raise ValueError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "ConnectionOptions",
                        "Subprotocol {name!r} is not valid: use only letters, digits and "
                        "!#$%&'*+-.^_`|~ (RFC 6455, 4.1).",
                    )
                ).format(name=name)
            )
        if name in checked:
            # RFC 6455, 4.1: the offered subprotocols "MUST all be unique strings".
            raise ValueError(
                _t(
                    QT_TRANSLATE_NOOP("ConnectionOptions", "Subprotocol {name!r} is listed twice.")
                ).format(name=name)
            )
        checked.append(name)
    return tuple(checked)


def _check_query(query: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    checked: list[tuple[str, str]] = []
    for name, value in query:
        if not name.strip():
            raise ValueError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "ConnectionOptions",
                        "A query parameter needs a name (the one with the value {value!r}).",
                    )
                ).format(value=value)
            )
        checked.append((name.strip(), value))
    return tuple(checked)


def _seconds(value: object) -> float | None:
    """A finite number of seconds, else None (bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


#: The limits of each duration, with what is said when a value is outside them.
_DURATIONS = {
    "open": (
        MAX_OPEN_TIMEOUT,
        QT_TRANSLATE_NOOP(
            "ConnectionOptions",
            "The open timeout must be {low:g} to {high:g} seconds, not {value}.",
        ),
    ),
    "ping_interval": (
        MAX_PING_SECONDS,
        QT_TRANSLATE_NOOP(
            "ConnectionOptions",
            "The ping interval must be {low:g} to {high:g} seconds (or no pings), not {value}.",
        ),
    ),
    "ping_timeout": (
        MAX_PING_SECONDS,
        QT_TRANSLATE_NOOP(
            "ConnectionOptions",
            "The ping timeout must be {low:g} to {high:g} seconds (or none), not {value}.",
        ),
    ),
}


def _check_duration(which: str, value: object) -> float:
    """``value`` in seconds, within the limits of ``which`` (:data:`_DURATIONS`)."""
    high, text = _DURATIONS[which]
    seconds = _seconds(value)
    if seconds is None or not MIN_SECONDS <= seconds <= high:
        raise ValueError(_t(text).format(low=MIN_SECONDS, high=high, value=value))
    return seconds


def _check_open_timeout(value: float) -> float:
    return _check_duration("open", value)


def _check_ping_interval(value: float | None) -> float | None:
    return None if value is None else _check_duration("ping_interval", value)


def _check_ping_timeout(value: float | None) -> float | None:
    return None if value is None else _check_duration("ping_timeout", value)


def _check_ca_file(path: str) -> str:
    path = path.strip()
    if not path:
        return ""
    if not os.path.exists(path):
        raise ValueError(
            _t(QT_TRANSLATE_NOOP("ConnectionOptions", "The CA file {path} does not exist.")).format(
                path=path
            )
        )
    if not os.path.isfile(path):
        raise ValueError(
            _t(QT_TRANSLATE_NOOP("ConnectionOptions", "The CA file {path} is not a file.")).format(
                path=path
            )
        )
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "ConnectionOptions", "The CA file {path} can't be read: {reason}."
                )
            ).format(path=path, reason=exc.strerror or type(exc).__name__)
        ) from None
    return path


def check_options(o: ConnectionOptions) -> ConnectionOptions:
    """``o`` with names and values stripped, or ValueError saying which field is wrong.

    The CA file must exist and be readable (whether it holds certificates is
    :func:`desktop.tls.client_context`'s to say).
    """
    return ConnectionOptions(
        headers=_check_headers(o.headers),
        subprotocols=_check_subprotocols(o.subprotocols),
        query=_check_query(o.query),
        ca_file=_check_ca_file(o.ca_file),
        open_timeout=_check_open_timeout(o.open_timeout),
        ping_interval=_check_ping_interval(o.ping_interval),
        ping_timeout=_check_ping_timeout(o.ping_timeout),
    )


# -- the URL and secrets --------------------------------------------------------------


def with_query(url: str, query: Iterable[tuple[str, str]]) -> str:
    """``url`` with the ``query`` parameters appended to the ones it has.

    Names and values are percent-encoded (RFC 3986, 3.4: a space is %20, not
    ``+``); what the URL already holds is kept as it was written.
    """
    pairs = [(name, value) for name, value in query]
    if not pairs:
        return url
    parts = urlsplit(url)
    added = "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in pairs)
    joined = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", joined, parts.fragment))


def is_secret_header(name: str, value: str) -> bool:
    """Whether a header carries a credential: its value goes to the keyring, never to
    the settings file. Judged by the name (Authorization, Cookie, ``X-Api-Key``,
    anything with token, secret, key, password, auth or session in it) or the
    value (``Bearer …``, ``Basic …``)."""
    lower = name.strip().lower()
    if lower in _SECRET_NAMES or any(word in lower for word in _SECRET_WORDS):
        return True
    return bool(_SECRET_VALUE.match(value))


def secret_values(o: ConnectionOptions) -> dict[str, str]:
    """The secret headers' values, name → value (for the keyring); empty values left out."""
    return {name: value for name, value in o.headers if value and is_secret_header(name, value)}


def with_secrets(o: ConnectionOptions, values: Mapping[str, str]) -> ConnectionOptions:
    """``o`` with the values of the headers named in ``values`` put back (names compare
    without case); a name ``o`` has no header for is ignored."""
    lookup = {name.lower(): value for name, value in values.items()}
    headers = tuple((name, lookup.get(name.lower(), value)) for name, value in o.headers)
    return replace(o, headers=headers)


# -- settings ---------------------------------------------------------------------------


def to_settings(o: ConnectionOptions, *, secret_names: Iterable[str] = ()) -> dict[str, object]:
    """``o`` as plain JSON-able data; only what differs from the defaults is written.

    Secret headers (:func:`is_secret_header`, and those named in
    ``secret_names``, compared without case) are written with an empty value
    and ``"secret": true``: their values belong in the keyring.
    """
    marked = {name.lower() for name in secret_names}
    data: dict[str, object] = {}
    if o.headers:
        headers: list[dict[str, object]] = []
        for name, value in o.headers:
            if is_secret_header(name, value) or name.lower() in marked:
                headers.append({"name": name, "value": "", _SECRET_MARK: True})
            else:
                headers.append({"name": name, "value": value})
        data[_HEADERS] = headers
    if o.subprotocols is not None:
        data[_SUBPROTOCOLS] = list(o.subprotocols)
    if o.query:
        data[_QUERY] = [{"name": name, "value": value} for name, value in o.query]
    if o.ca_file:
        data[_CA_FILE] = o.ca_file
    if o.open_timeout != OPEN_TIMEOUT:
        data[_OPEN_TIMEOUT] = o.open_timeout
    if o.ping_interval != PING_INTERVAL:
        data[_PING_INTERVAL] = o.ping_interval
    if o.ping_timeout != PING_TIMEOUT:
        data[_PING_TIMEOUT] = o.ping_timeout
    return data


def _as_mapping(data: object) -> Mapping[str, object]:
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError:
            return {}
    return data if isinstance(data, Mapping) else {}


def _pairs(items: object) -> list[tuple[str, str, bool]]:
    """(name, value, secret) of each well-formed entry of a settings list."""
    if not isinstance(items, list | tuple):
        return []
    pairs: list[tuple[str, str, bool]] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        name, value = item.get("name"), item.get("value", "")
        if isinstance(name, str) and isinstance(value, str):
            pairs.append((name, value, item.get(_SECRET_MARK) is True))
    return pairs


def marked_secret_names(data: object) -> tuple[str, ...]:
    """The names of the headers ``to_settings`` marked secret in ``data``."""
    found = _pairs(_as_mapping(data).get(_HEADERS))
    return tuple(name.strip() for name, _value, secret in found if secret and name.strip())


def from_settings(data: object) -> ConnectionOptions:
    """Options from what :func:`to_settings` wrote (or its JSON text); never raises.

    A part that is missing or damaged (hand-edited, from a newer version) is
    the default for that part; a bad header or query entry is skipped alone.
    The CA file is not looked for: it may be on a drive mounted later.
    """
    d = _as_mapping(data)
    headers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, value, _secret in _pairs(d.get(_HEADERS)):
        try:
            pair = _check_header(name, value)
        except ValueError:
            continue
        if pair[0].lower() not in seen:
            seen.add(pair[0].lower())
            headers.append(pair)

    subprotocols: tuple[str, ...] | None = None
    raw = d.get(_SUBPROTOCOLS)
    if isinstance(raw, list | tuple) and all(isinstance(p, str) for p in raw):
        try:
            subprotocols = _check_subprotocols(raw)
        except ValueError:
            subprotocols = None

    query = [(n.strip(), v) for n, v, _s in _pairs(d.get(_QUERY)) if n.strip()]
    ca_file = d.get(_CA_FILE)

    def number(key: str, check: Callable[[float], float], default: float) -> float:
        try:
            value = d.get(key, default)
            return check(value) if isinstance(value, int | float) else default
        except ValueError:
            return default

    def optional(
        key: str, check: Callable[[float | None], float | None], default: float | None
    ) -> float | None:
        if key not in d:
            return default
        value = d[key]
        if value is not None and not isinstance(value, int | float):
            return default
        try:
            return check(value)
        except ValueError:
            return default

    return ConnectionOptions(
        headers=tuple(headers),
        subprotocols=subprotocols,
        query=tuple(query),
        ca_file=ca_file.strip() if isinstance(ca_file, str) else "",
        open_timeout=number(_OPEN_TIMEOUT, _check_open_timeout, OPEN_TIMEOUT),
        ping_interval=optional(_PING_INTERVAL, _check_ping_interval, PING_INTERVAL),
        ping_timeout=optional(_PING_TIMEOUT, _check_ping_timeout, PING_TIMEOUT),
    )


# -- copy as command -------------------------------------------------------------------


def _command(words: Sequence[str]) -> str:
    return " ".join(shlex.quote(word) for word in words)


def websocat_command(
    url: str, o: ConnectionOptions, *, subprotocols: Sequence[str], insecure: bool = False
) -> str:
    """The connection as a ``websocat`` command line (POSIX shell quoting).

    ``subprotocols``: those the client actually offers (``o.subprotocols``
    resolved). websocat's ``-H`` takes several values, so the headers go last,
    as its help advises; ``--protocol`` sends its value as the
    Sec-WebSocket-Protocol header. websocat has no CA option: its TLS
    (OpenSSL) reads ``SSL_CERT_FILE``. ``insecure`` adds ``-k`` (accept any
    certificate): for a pinned self-signed one, whose fingerprint websocat
    can't check.
    """
    words = ["websocat"]
    if insecure:
        words.append("-k")
    if subprotocols:
        words += ["--protocol", ",".join(subprotocols)]
    words.append(with_query(url, o.query))
    for name, value in o.headers:
        words += ["-H", f"{name}: {value}"]
    command = _command(words)
    if o.ca_file:
        # An environment assignment: the = stays outside the quotes for the shell to see it.
        command = f"SSL_CERT_FILE={shlex.quote(o.ca_file)} {command}"
    return command


def wscat_command(
    url: str, o: ConnectionOptions, *, subprotocols: Sequence[str], insecure: bool = False
) -> str:
    """The connection as a ``wscat`` (npm ``wscat``) command line (POSIX shell quoting).

    ``-H 'Name: value'`` per header, ``-s`` per subprotocol (wscat 8 takes it
    repeated), ``--ca`` for the CA file; ``insecure`` adds ``--no-check``.
    """
    words = ["wscat", "-c", with_query(url, o.query)]
    for name, value in o.headers:
        words += ["-H", f"{name}: {value}"]
    for protocol in subprotocols:
        words += ["-s", protocol]
    if o.ca_file:
        words += ["--ca", o.ca_file]
    if insecure:
        words.append("--no-check")
    return _command(words)
